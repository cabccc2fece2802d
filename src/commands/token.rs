//! `gcm token create|list|revoke`: the API tokens that writing needs.

use anyhow::bail;

use crate::cli::TokenAction;
use crate::config::Settings;
use crate::{auth, db, startup};

pub fn token(settings: &Settings, action: TokenAction) -> anyhow::Result<()> {
    let store = startup::prepare_schema(settings)?;
    let mut conn = store.get()?;
    match action {
        TokenAction::Create { name, role } => {
            if !auth::valid_name(&name) {
                bail!("--name `{name}`: use 1-64 letters, digits, `.`, `-`, `_` or `@`");
            }
            let Some(role) = auth::Role::parse(&role) else {
                bail!("--role `{role}`: accepted: editor, admin");
            };
            let secret = db::tokens::create(&mut conn, &name, role, &super::local_actor())?;
            eprintln!(
                "created {} token `{name}`; it is shown once, keep it secret:",
                role.as_str()
            );
            println!("{secret}");
        }
        TokenAction::List => {
            println!("{:<32} {:<7} {:<20} revoked", "name", "role", "created");
            for t in db::tokens::list(&mut conn)? {
                println!(
                    "{:<32} {:<7} {:<20} {}",
                    t.name,
                    t.role,
                    t.created_at.format("%Y-%m-%d %H:%M:%S"),
                    t.revoked_at
                        .map(|r| r.format("%Y-%m-%d %H:%M:%S").to_string())
                        .unwrap_or_else(|| "-".into())
                );
            }
        }
        TokenAction::Revoke { name } => {
            db::tokens::revoke(&mut conn, &name, &super::local_actor())?;
            println!("revoked `{name}`");
        }
    }
    Ok(())
}
