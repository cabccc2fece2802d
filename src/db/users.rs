//! People's accounts, their sessions and failed sign-ins, in the database so that every instance
//! behind a load balancer shares them. Passwords are checked here against their Argon2id hashes
//! (`crate::auth`); the HTTP layer (`web::session`) sets and reads the cookie.

use chrono::{Duration, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::review::record;
use super::schema::{sessions, sign_in_failures, users};
use super::{AnyConnection, DbError};
use crate::auth::{
    decoy_password_hash, hash_password, new_secret, password_problem, token_hash, valid_name,
    verify_password, Role,
};

/// An account as listed: never its password hash.
#[derive(Debug, Clone, PartialEq, serde::Serialize, Queryable, Selectable)]
#[diesel(table_name = users)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct UserRecord {
    pub name: String,
    pub role: String,
    pub created_at: NaiveDateTime,
    pub disabled_at: Option<NaiveDateTime>,
}

#[derive(Debug, thiserror::Error)]
pub enum UserError {
    #[error("`{0}` is not an account name: 1-64 letters, digits, `.`, `-`, `_` or `@`")]
    BadName(String),
    #[error("an account named `{0}` already exists")]
    NameTaken(String),
    #[error("no account named `{0}`")]
    Unknown(String),
    #[error("{0}")]
    BadPassword(String),
    #[error("the account `{0}` is already {1}")]
    Unchanged(String, &'static str),
    #[error(transparent)]
    Database(#[from] DbError),
}

impl From<diesel::result::Error> for UserError {
    fn from(error: diesel::result::Error) -> UserError {
        UserError::Database(DbError::from(error))
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
struct NewUser<'a> {
    name: &'a str,
    role: &'a str,
    password_hash: &'a str,
    created_at: NaiveDateTime,
}

/// Creates an account. The password is checked (length) and only its hash stored.
pub fn create(
    conn: &mut AnyConnection,
    name: &str,
    role: Role,
    password: &str,
    actor: &str,
) -> Result<(), UserError> {
    if !valid_name(name) {
        return Err(UserError::BadName(name.to_string()));
    }
    if let Some(problem) = password_problem(password) {
        return Err(UserError::BadPassword(problem));
    }
    let hash = hash_password(password).map_err(UserError::BadPassword)?;
    crate::db::write_transaction(conn, |conn| {
        let taken: i64 = users::table
            .filter(users::name.eq(name))
            .count()
            .get_result(conn)?;
        if taken > 0 {
            return Err(UserError::NameTaken(name.to_string()));
        }
        diesel::insert_into(users::table)
            .values(NewUser {
                name,
                role: role.as_str(),
                password_hash: &hash,
                created_at: Utc::now().naive_utc(),
            })
            .execute(conn)?;
        let after = serde_json::json!({"name": name, "role": role.as_str()});
        record(
            conn,
            actor,
            "user.create",
            &format!("user:{name}"),
            None,
            Some(&after),
        )?;
        Ok(())
    })
}

pub fn list(conn: &mut AnyConnection) -> Result<Vec<UserRecord>, DbError> {
    Ok(users::table
        .order(users::name)
        .select(UserRecord::as_select())
        .load(conn)?)
}

/// Disables (`disabled = true`) or enables an account; disabling ends its sessions at once.
pub fn set_disabled(
    conn: &mut AnyConnection,
    name: &str,
    disabled: bool,
    actor: &str,
) -> Result<(), UserError> {
    crate::db::write_transaction(conn, |conn| {
        let (id, disabled_at) = users::table
            .filter(users::name.eq(name))
            .select((users::id, users::disabled_at))
            .first::<(i32, Option<NaiveDateTime>)>(conn)
            .optional()?
            .ok_or_else(|| UserError::Unknown(name.to_string()))?;
        if disabled_at.is_some() == disabled {
            let state = if disabled { "disabled" } else { "enabled" };
            return Err(UserError::Unchanged(name.to_string(), state));
        }
        let now = Utc::now().naive_utc();
        diesel::update(users::table.find(id))
            .set(users::disabled_at.eq(disabled.then_some(now)))
            .execute(conn)?;
        if disabled {
            end_sessions_of(conn, id, now)?;
        }
        let action = if disabled {
            "user.disable"
        } else {
            "user.enable"
        };
        record(conn, actor, action, &format!("user:{name}"), None, None)?;
        Ok(())
    })
}

/// Sets a new password; every session of the account ends (whoever knew the old one is signed out).
pub fn set_password(
    conn: &mut AnyConnection,
    name: &str,
    password: &str,
    actor: &str,
) -> Result<(), UserError> {
    if let Some(problem) = password_problem(password) {
        return Err(UserError::BadPassword(problem));
    }
    let hash = hash_password(password).map_err(UserError::BadPassword)?;
    crate::db::write_transaction(conn, |conn| {
        let id: i32 = users::table
            .filter(users::name.eq(name))
            .select(users::id)
            .first(conn)
            .optional()?
            .ok_or_else(|| UserError::Unknown(name.to_string()))?;
        diesel::update(users::table.find(id))
            .set(users::password_hash.eq(&hash))
            .execute(conn)?;
        end_sessions_of(conn, id, Utc::now().naive_utc())?;
        record(
            conn,
            actor,
            "user.set_password",
            &format!("user:{name}"),
            None,
            None,
        )?;
        Ok(())
    })
}

fn end_sessions_of(conn: &mut AnyConnection, user_id: i32, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::ended_at.is_null()),
    )
    .set(sessions::ended_at.eq(now))
    .execute(conn)?;
    Ok(())
}

/// How long sessions live and how many wrong passwords are tolerated (from the `auth` settings).
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    pub idle: Duration,
    pub lifetime: Duration,
    pub attempts: u32,
    pub window: Duration,
}

impl SessionPolicy {
    pub fn from_settings(auth: &crate::config::AuthSettings) -> SessionPolicy {
        let minutes = |m: u64| Duration::minutes(i64::try_from(m).unwrap_or(i64::MAX / 120_000));
        SessionPolicy {
            idle: minutes(auth.session_idle_minutes),
            lifetime: minutes(auth.session_max_hours.saturating_mul(60)),
            attempts: auth.sign_in_attempts,
            window: Duration::seconds(
                i64::try_from(auth.sign_in_window_seconds).unwrap_or(i64::MAX / 1_000),
            ),
        }
    }
}

/// A new session: the cookie's secret (shown to the browser only) and the session's CSRF token.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub secret: String,
    pub csrf_token: String,
}

/// A live session's person.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionHolder {
    pub name: String,
    pub role: Role,
    pub csrf_token: String,
}

/// What a sign-in came to.
#[derive(Debug)]
pub enum SignIn {
    Started(NewSession),
    /// Wrong name or password, or a disabled account (the same answer for all three).
    Refused,
    /// Too many failures for this name or from this address; retry after this many seconds.
    Throttled {
        retry_after_seconds: i64,
    },
}

/// The throttling subjects of a sign-in: the account name and the client address.
fn subjects(name: &str, address: &str) -> [String; 2] {
    [
        format!("name:{}", name.to_lowercase()),
        format!("addr:{address}"),
    ]
}

/// Checks a name and password and starts a session. Failures are counted per name and per address;
/// past `policy.attempts` within `policy.window` every attempt is throttled (even a right password)
/// until the window has passed since the oldest counted failure.
pub fn sign_in(
    conn: &mut AnyConnection,
    name: &str,
    password: &str,
    address: &str,
    policy: &SessionPolicy,
) -> Result<SignIn, DbError> {
    let now = Utc::now().naive_utc();
    let since = now - policy.window;
    let subjects = subjects(name, address);
    for subject in &subjects {
        let recent: Vec<NaiveDateTime> = sign_in_failures::table
            .filter(sign_in_failures::subject.eq(subject))
            .filter(sign_in_failures::failed_at.gt(since))
            .order(sign_in_failures::failed_at)
            .select(sign_in_failures::failed_at)
            .load(conn)?;
        if recent.len() >= policy.attempts as usize {
            let oldest = recent[recent.len() - policy.attempts as usize];
            let retry = (oldest + policy.window - now).num_seconds().max(1);
            return Ok(SignIn::Throttled {
                retry_after_seconds: retry,
            });
        }
    }
    let found: Option<(i32, String, String, Option<NaiveDateTime>)> = users::table
        .filter(users::name.eq(name))
        .select((
            users::id,
            users::role,
            users::password_hash,
            users::disabled_at,
        ))
        .first(conn)
        .optional()?;
    // The hash is verified whether or not the name exists, so timing does not tell names apart.
    let stored = found
        .as_ref()
        .map_or(decoy_password_hash(), |(_, _, hash, _)| hash.as_str());
    let matches = verify_password(password, stored);
    let account = match found {
        Some((id, _, _, None)) if matches => Some(id),
        _ => None,
    };
    crate::db::write_transaction(conn, |conn| {
        let Some(user_id) = account else {
            for subject in &subjects {
                diesel::insert_into(sign_in_failures::table)
                    .values((
                        sign_in_failures::subject.eq(subject),
                        sign_in_failures::failed_at.eq(now),
                    ))
                    .execute(conn)?;
            }
            // Failures older than any window are of no use: kept small as it grows.
            diesel::delete(
                sign_in_failures::table.filter(sign_in_failures::failed_at.lt(now - policy.window)),
            )
            .execute(conn)?;
            return Ok(SignIn::Refused);
        };
        // A right password clears the failures counted against this name.
        diesel::delete(sign_in_failures::table.filter(sign_in_failures::subject.eq(&subjects[0])))
            .execute(conn)?;
        let session = NewSession {
            secret: new_secret(),
            csrf_token: new_secret(),
        };
        diesel::insert_into(sessions::table)
            .values((
                sessions::token_hash.eq(token_hash(&session.secret)),
                sessions::user_id.eq(user_id),
                sessions::csrf_token.eq(&session.csrf_token),
                sessions::created_at.eq(now),
                sessions::last_seen_at.eq(now),
            ))
            .execute(conn)?;
        record(
            conn,
            &format!("user:{name}"),
            "session.start",
            &format!("user:{name}"),
            None,
            None,
        )?;
        Ok(SignIn::Started(session))
    })
}

/// How often a session's last use is written: a request within this of the last write does not write.
const TOUCH_EVERY_SECONDS: i64 = 60;

/// The person of a live session: not ended, not idle too long, not too old, account enabled. Its last
/// use is updated (at most once a minute, so reading pages does not write on every request).
pub fn session(
    conn: &mut AnyConnection,
    secret: &str,
    policy: &SessionPolicy,
) -> Result<Option<SessionHolder>, DbError> {
    let now = Utc::now().naive_utc();
    let hash = token_hash(secret);
    let found: Option<(String, String, String, NaiveDateTime, NaiveDateTime)> = sessions::table
        .inner_join(users::table)
        .filter(sessions::token_hash.eq(&hash))
        .filter(sessions::ended_at.is_null())
        .filter(users::disabled_at.is_null())
        .select((
            users::name,
            users::role,
            sessions::csrf_token,
            sessions::created_at,
            sessions::last_seen_at,
        ))
        .first(conn)
        .optional()?;
    let Some((name, role, csrf_token, created_at, last_seen_at)) = found else {
        return Ok(None);
    };
    if now - last_seen_at > policy.idle || now - created_at > policy.lifetime {
        return Ok(None);
    }
    if (now - last_seen_at).num_seconds() >= TOUCH_EVERY_SECONDS {
        diesel::update(sessions::table.find(&hash))
            .set(sessions::last_seen_at.eq(now))
            .execute(conn)?;
    }
    Ok(Role::parse(&role).map(|role| SessionHolder {
        name,
        role,
        csrf_token,
    }))
}

/// Ends a session (signing out). The cookie may be replayed afterwards: it no longer opens anything.
pub fn end_session(conn: &mut AnyConnection, secret: &str, actor: &str) -> Result<bool, DbError> {
    let now = Utc::now().naive_utc();
    crate::db::write_transaction(conn, |conn| {
        let ended = diesel::update(
            sessions::table
                .find(token_hash(secret))
                .filter(sessions::ended_at.is_null()),
        )
        .set(sessions::ended_at.eq(now))
        .execute(conn)?;
        if ended > 0 {
            record(conn, actor, "session.end", actor, None, None)?;
        }
        Ok(ended > 0)
    })
}
