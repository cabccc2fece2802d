//! `gcm user create|list|disable|enable|set-password`: the accounts of people who sign in.

use std::io::BufRead;

use anyhow::{bail, Context};

use crate::cli::UserAction;
use crate::config::Settings;
use crate::{auth, db, startup};

/// The password: the first line of standard input, or asked for twice on the terminal.
fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    let password = if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from standard input")?;
        line.trim_end_matches(['\r', '\n']).to_string()
    } else {
        let first = rpassword::prompt_password("password: ")
            .context("cannot read the password from the terminal (use --password-stdin)")?;
        let again = rpassword::prompt_password("password again: ")?;
        if first != again {
            bail!("the two passwords differ; nothing was changed");
        }
        first
    };
    if let Some(problem) = auth::password_problem(&password) {
        bail!("{problem}; nothing was changed");
    }
    Ok(password)
}

pub fn user(settings: &Settings, action: UserAction) -> anyhow::Result<()> {
    let actor = super::local_actor();
    let connect = || -> anyhow::Result<db::PooledConn> {
        let store = startup::prepare_schema(settings)?;
        Ok(store.get()?)
    };
    match action {
        UserAction::Create {
            name,
            role,
            password_stdin,
        } => {
            if !auth::valid_name(&name) {
                bail!("--name `{name}`: use 1-64 letters, digits, `.`, `-`, `_` or `@`");
            }
            let Some(role) = auth::Role::parse(&role) else {
                bail!("--role `{role}`: accepted: editor, admin");
            };
            let password = read_password(password_stdin)?;
            db::users::create(&mut *connect()?, &name, role, &password, &actor)?;
            println!("created {} account `{name}`", role.as_str());
        }
        UserAction::List => {
            println!("{:<32} {:<7} {:<20} disabled", "name", "role", "created");
            for u in db::users::list(&mut *connect()?)? {
                println!(
                    "{:<32} {:<7} {:<20} {}",
                    u.name,
                    u.role,
                    u.created_at.format("%Y-%m-%d %H:%M:%S"),
                    u.disabled_at
                        .map(|d| d.format("%Y-%m-%d %H:%M:%S").to_string())
                        .unwrap_or_else(|| "-".into())
                );
            }
        }
        UserAction::Disable { name } => {
            db::users::set_disabled(&mut *connect()?, &name, true, &actor)?;
            println!("disabled `{name}`; its sessions have ended");
        }
        UserAction::Enable { name } => {
            db::users::set_disabled(&mut *connect()?, &name, false, &actor)?;
            println!("enabled `{name}`");
        }
        UserAction::SetPassword {
            name,
            password_stdin,
        } => {
            let password = read_password(password_stdin)?;
            db::users::set_password(&mut *connect()?, &name, &password, &actor)?;
            println!("set the password of `{name}`; its sessions have ended");
        }
    }
    Ok(())
}
