//! API tokens in the database: created (hash only), listed, revoked, and looked up by hash.

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;

use super::forms::NewToken;
use super::review::record;
use super::rows::TokenHolderRow;
use super::schema::api_tokens;
use super::{AnyConnection, DbError};
use crate::auth::{new_token, token_hash, Role};

/// A token as listed: never its secret.
#[derive(Debug, Clone, PartialEq, serde::Serialize, Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct TokenRecord {
    pub name: String,
    pub role: String,
    pub created_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
}

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("a token named `{0}` already exists (names are never reused, even after revocation)")]
    NameTaken(String),
    #[error("no token named `{0}`")]
    Unknown(String),
    #[error("the token `{0}` is already revoked")]
    AlreadyRevoked(String),
    #[error(transparent)]
    Database(#[from] DbError),
}

// diesel's transaction() needs the closure's error to come from its own.
impl From<diesel::result::Error> for TokenError {
    fn from(error: diesel::result::Error) -> TokenError {
        TokenError::Database(DbError::from(error))
    }
}

/// Creates a token and returns its secret, which is not kept anywhere: the caller shows it once.
pub fn create(
    conn: &mut AnyConnection,
    name: &str,
    role: Role,
    actor: &str,
) -> Result<String, TokenError> {
    let token = new_token();
    crate::db::write_transaction(conn, |conn| {
        let taken = api_tokens::table
            .filter(api_tokens::name.eq(name))
            .count()
            .get_result::<i64>(conn)
            .map_err(DbError::from)?
            > 0;
        if taken {
            return Err(TokenError::NameTaken(name.to_string()));
        }
        diesel::insert_into(api_tokens::table)
            .values(NewToken {
                name,
                role: role.as_str(),
                token_hash: &token_hash(&token),
                created_at: Utc::now().naive_utc(),
            })
            .execute(conn)
            .map_err(DbError::from)?;
        let after = serde_json::json!({"name": name, "role": role.as_str()});
        record(
            conn,
            actor,
            "token.create",
            &format!("token:{name}"),
            None,
            Some(&after),
        )?;
        Ok(token)
    })
}

pub fn list(conn: &mut AnyConnection) -> Result<Vec<TokenRecord>, DbError> {
    Ok(api_tokens::table
        .order(api_tokens::id)
        .select(TokenRecord::as_select())
        .load(conn)?)
}

pub fn revoke(conn: &mut AnyConnection, name: &str, actor: &str) -> Result<(), TokenError> {
    crate::db::write_transaction(conn, |conn| {
        let revoked = api_tokens::table
            .filter(api_tokens::name.eq(name))
            .select(api_tokens::revoked_at)
            .first::<Option<NaiveDateTime>>(conn)
            .optional()
            .map_err(DbError::from)?;
        match revoked {
            None => return Err(TokenError::Unknown(name.to_string())),
            Some(Some(_)) => return Err(TokenError::AlreadyRevoked(name.to_string())),
            Some(None) => {}
        }
        diesel::update(api_tokens::table.filter(api_tokens::name.eq(name)))
            .set(api_tokens::revoked_at.eq(Some(Utc::now().naive_utc())))
            .execute(conn)
            .map_err(DbError::from)?;
        record(
            conn,
            actor,
            "token.revoke",
            &format!("token:{name}"),
            None,
            None,
        )?;
        Ok(())
    })
}

/// The name and role of a live (not revoked) token, by its secret.
pub fn authenticate(
    conn: &mut AnyConnection,
    token: &str,
) -> Result<Option<(String, Role)>, DbError> {
    let found = api_tokens::table
        .filter(api_tokens::token_hash.eq(token_hash(token)))
        .filter(api_tokens::revoked_at.is_null())
        .select(TokenHolderRow::as_select())
        .first(conn)
        .optional()?;
    Ok(found.and_then(|holder| Role::parse(&holder.role).map(|role| (holder.name, role))))
}
