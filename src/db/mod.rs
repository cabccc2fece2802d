//! Database access: one connection type over SQLite and PostgreSQL, the pool, migrations, and the queries
//! the rest of the service calls. Handlers never see SQL; they call functions of the submodules.

pub mod backup;
pub mod cycles;
pub mod documents;
pub mod editions;
mod forms;
pub mod import;
pub mod indicators;
pub mod items;
pub mod lookups;
pub mod models;
pub mod reference;
pub mod review;
mod rows;
pub mod schema;
pub mod sources;
pub mod tokens;
pub mod users;
pub mod version;

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{ManageConnection, Pool, PooledConnection};
use diesel::{PgConnection, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::config::{DatabaseSettings, DatabaseTarget};

/// One connection type for both backends; queries written against it run on either.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Key of the PostgreSQL advisory lock held while migrating, so two instances starting together do not
/// both apply the same migration.
const MIGRATION_LOCK_KEY: i64 = 0x0067_636d_5f6d_6967; // "gcm_mig" in ASCII

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// No connection could be had in time: the database is down, unreachable or saturated.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("database query failed: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("cannot prepare the database: {0}")]
    Setup(String),
}

/// What a database failure means for the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The database cannot be reached or did not answer in time: try again later (503).
    Unavailable,
    /// Another writer held the lock past the lock timeout, or the transaction could not be serialised:
    /// try again in a moment (503).
    Busy,
    /// The database refuses writes (a read-only file or server): an operator must fix it (503).
    ReadOnly,
    /// A fault of the request or of the code.
    Other,
}

impl DbError {
    /// Sorts the error into what the caller should be told.
    pub fn failure(&self) -> Failure {
        use diesel::result::{DatabaseErrorKind, Error};
        match self {
            DbError::Unavailable(_) => Failure::Unavailable,
            DbError::Query(Error::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                _,
            )) => Failure::Unavailable,
            DbError::Query(Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _)) => {
                Failure::Busy
            }
            DbError::Query(Error::DatabaseError(DatabaseErrorKind::ReadOnlyTransaction, _)) => {
                Failure::ReadOnly
            }
            DbError::Query(Error::DatabaseError(_, info)) => classify_message(info.message()),
            _ => Failure::Other,
        }
    }
}

/// Sorts a driver's error text. SQLite reports a lock held past the busy timeout and a read-only file
/// only by their text; libpq reports a dropped server, a lock timeout and a cancelled statement so too.
fn classify_message(message: &str) -> Failure {
    const UNAVAILABLE: [&str; 5] = [
        "server closed the connection",
        "terminating connection",
        "no connection to the server",
        "canceling statement due to statement timeout",
        "could not receive data from server",
    ];
    const BUSY: [&str; 4] = [
        "database is locked",
        "database table is locked",
        "canceling statement due to lock timeout",
        "deadlock detected",
    ];
    const READ_ONLY: [&str; 2] = [
        "attempt to write a readonly database",
        "in a read-only transaction",
    ];
    if UNAVAILABLE.iter().any(|m| message.contains(m)) {
        Failure::Unavailable
    } else if BUSY.iter().any(|m| message.contains(m)) {
        Failure::Busy
    } else if READ_ONLY.iter().any(|m| message.contains(m)) {
        Failure::ReadOnly
    } else {
        Failure::Other
    }
}

/// The waits a connection and its work are bounded by.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// For a connection, its check included.
    pub connect: Duration,
    /// For another writer's lock.
    pub lock: Duration,
    /// For one request's work.
    pub statement: Duration,
}

impl Timeouts {
    pub fn from_settings(settings: &DatabaseSettings) -> Timeouts {
        Timeouts {
            connect: Duration::from_secs(settings.connect_timeout_seconds),
            lock: Duration::from_secs(settings.lock_timeout_seconds),
            statement: Duration::from_secs(settings.statement_timeout_seconds),
        }
    }
}

/// Opens connections of the backend the URL selected. diesel's own `ConnectionManager` would try every
/// backend in turn, and SQLite accepts any string as a file name: a PostgreSQL URL whose server is down
/// would silently become a new SQLite file. This manager never guesses.
#[derive(Debug, Clone)]
pub struct ConnectionOpener {
    target: DatabaseTarget,
    timeouts: Timeouts,
    /// An edition's database: opened to be read only (`PRAGMA query_only`), nothing else set.
    read_only: bool,
}

impl ConnectionOpener {
    /// The URL with the connection parameters that bound every wait, unless the URL sets them itself:
    /// libpq's connect timeout; TCP keepalives and a TCP user timeout, so a connection to a server that
    /// vanished without closing its sockets (a silent partition) is dropped by the kernel instead of
    /// hanging a pool thread; and the server-side statement and lock timeouts.
    fn postgres_url(&self, url: &str) -> String {
        let connect = self.timeouts.connect.as_secs().max(1);
        let statement_ms = self.timeouts.statement.as_millis();
        let lock_ms = self.timeouts.lock.as_millis();
        let parameters = [
            ("connect_timeout", connect.to_string()),
            ("keepalives", "1".to_string()),
            ("keepalives_idle", connect.to_string()),
            ("keepalives_interval", "1".to_string()),
            ("keepalives_count", "3".to_string()),
            ("tcp_user_timeout", (connect * 1000).to_string()),
            (
                "options",
                // `-c name=value` pairs, percent-encoded as a URI query value.
                format!("-c%20statement_timeout%3D{statement_ms}%20-c%20lock_timeout%3D{lock_ms}"),
            ),
        ];
        let mut url = url.to_string();
        for (name, value) in parameters {
            let given = url.split_once('?').is_some_and(|(_, query)| {
                query.split('&').any(|p| p.starts_with(&format!("{name}=")))
            });
            if !given {
                let separator = if url.contains('?') { '&' } else { '?' };
                url = format!("{url}{separator}{name}={value}");
            }
        }
        url
    }
}

impl ManageConnection for ConnectionOpener {
    type Connection = AnyConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<AnyConnection, Self::Error> {
        match &self.target {
            DatabaseTarget::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(&path.to_string_lossy())
                    .map_err(diesel::r2d2::Error::ConnectionError)?;
                if self.read_only {
                    conn.batch_execute("PRAGMA query_only = ON; PRAGMA foreign_keys = ON;")
                        .map_err(diesel::r2d2::Error::QueryError)?;
                    items::lower_utils::register_impl(&mut conn, |text: Option<String>| {
                        text.map(|t| t.to_lowercase())
                    })
                    .map_err(diesel::r2d2::Error::QueryError)?;
                    return Ok(AnyConnection::Sqlite(conn));
                }
                // Foreign keys are off by default in SQLite; WAL lets readers work while one writer writes;
                // busy_timeout makes a writer wait for the lock instead of failing at once.
                conn.batch_execute(&format!(
                    "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {}; \
                     PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;",
                    self.timeouts.lock.as_millis()
                ))
                .map_err(diesel::r2d2::Error::QueryError)?;
                items::lower_utils::register_impl(&mut conn, |text: Option<String>| {
                    text.map(|t| t.to_lowercase())
                })
                .map_err(diesel::r2d2::Error::QueryError)?;
                Ok(AnyConnection::Sqlite(conn))
            }
            DatabaseTarget::Postgres(url) => PgConnection::establish(&self.postgres_url(url))
                .map(AnyConnection::Postgresql)
                .map_err(diesel::r2d2::Error::ConnectionError),
        }
    }

    fn is_valid(&self, conn: &mut AnyConnection) -> Result<(), Self::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut AnyConnection) -> bool {
        match conn {
            AnyConnection::Postgresql(pg) => diesel::r2d2::R2D2Connection::is_broken(pg),
            AnyConnection::Sqlite(sqlite) => diesel::r2d2::R2D2Connection::is_broken(sqlite),
        }
    }
}

pub type PooledConn = PooledConnection<ConnectionOpener>;

/// The pool plus what it points at; cheap to clone (the pool is reference-counted).
#[derive(Clone)]
pub struct Database {
    pool: Pool<ConnectionOpener>,
    target: DatabaseTarget,
    timeouts: Timeouts,
}

impl Database {
    /// Builds the pool without connecting: a database that is down at this moment is reported by the first
    /// use (start-up migrations, or `/health`), and the pool reconnects by itself once it is back.
    pub fn open(settings: &DatabaseSettings) -> Result<Database, DbError> {
        let target = settings
            .target()
            .map_err(|e| DbError::Setup(e.to_string()))?;
        if let DatabaseTarget::Sqlite(path) = &target {
            if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(folder).map_err(|e| {
                    DbError::Setup(format!("cannot create folder {}: {e}", folder.display()))
                })?;
            }
        }
        let timeouts = Timeouts::from_settings(settings);
        let opener = ConnectionOpener {
            target: target.clone(),
            timeouts,
            read_only: false,
        };
        let pool = Pool::builder()
            .max_size(settings.pool_size)
            .min_idle(Some(0))
            .connection_timeout(timeouts.connect)
            // Failed connection attempts are reported through get(); r2d2's own logging would repeat them.
            .error_handler(Box::new(diesel::r2d2::NopErrorHandler))
            .build_unchecked(opener);
        Ok(Database {
            pool,
            target,
            timeouts,
        })
    }

    /// The pool of an edition's materialised SQLite file (`editions::materialise`), read only.
    pub fn open_edition(path: &std::path::Path, timeouts: Timeouts, pool_size: u32) -> Database {
        let target = DatabaseTarget::Sqlite(path.to_path_buf());
        let opener = ConnectionOpener {
            target: target.clone(),
            timeouts,
            read_only: true,
        };
        let pool = Pool::builder()
            .max_size(pool_size.max(1))
            .min_idle(Some(0))
            .connection_timeout(timeouts.connect)
            .error_handler(Box::new(diesel::r2d2::NopErrorHandler))
            .build_unchecked(opener);
        Database {
            pool,
            target,
            timeouts,
        }
    }

    pub fn target(&self) -> &DatabaseTarget {
        &self.target
    }

    pub fn timeouts(&self) -> Timeouts {
        self.timeouts
    }

    /// Connections the pool opens at most.
    pub fn pool_size(&self) -> u32 {
        self.pool.max_size()
    }

    /// A connection from the pool, or `Unavailable` once the configured timeout has passed.
    pub fn get(&self) -> Result<PooledConn, DbError> {
        self.pool
            .get()
            .map_err(|e| DbError::Unavailable(e.to_string()))
    }

    /// Whether the database takes writes now (`Ok(false)`: reachable but read-only).
    pub fn writable(&self) -> Result<bool, DbError> {
        let mut conn = self.get()?;
        accepts_writes(&mut conn, self.timeouts.lock)
    }

    /// Applies the pending migrations of the connection's backend; returns the names applied.
    pub fn migrate(&self) -> Result<Vec<String>, DbError> {
        let mut conn = self.get()?;
        with_setup_lock(&mut conn, run_migrations)
    }
}

/// Runs `work` in a transaction that takes the write lock at its start. On SQLite that is
/// `BEGIN IMMEDIATE`: two writers then queue on the busy timeout instead of the second failing at once
/// when it upgrades a read lock taken on an older snapshot ("database is locked"). PostgreSQL takes row
/// locks as it goes and needs nothing special. Inside an open transaction, `work` runs in a savepoint.
/// Every write of the service goes through here.
pub fn write_transaction<T, E, F>(conn: &mut AnyConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    type Manager = <AnyConnection as Connection>::TransactionManager;
    let nested = Manager::transaction_manager_status_mut(conn)
        .transaction_depth()?
        .is_some();
    let AnyConnection::Sqlite(sqlite) = conn else {
        return conn.transaction(work);
    };
    if nested {
        return conn.transaction(work);
    }
    AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")?;
    // From here on the transaction's state lives in the SQLite connection, so the multi-backend
    // connection's transaction manager (which delegates to it) commits or rolls it back.
    match work(conn) {
        Ok(value) => {
            Manager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(error) => match Manager::rollback_transaction(conn) {
            Ok(()) | Err(diesel::result::Error::BrokenTransactionManager) => Err(error),
            Err(rollback) => Err(rollback.into()),
        },
    }
}

/// Whether the database takes writes: a write that changes nothing, rolled back. On SQLite a file opened
/// read-only still begins a transaction, so the probe rewrites the header's `user_version` with its own
/// value; it does not wait for another writer (a writer at work proves the file writable). PostgreSQL
/// says so itself (a standby, or `default_transaction_read_only`).
pub fn accepts_writes(conn: &mut AnyConnection, lock_wait: Duration) -> Result<bool, DbError> {
    match conn {
        AnyConnection::Postgresql(pg) => {
            #[derive(QueryableByName)]
            struct Setting {
                #[diesel(sql_type = diesel::sql_types::Text)]
                transaction_read_only: String,
            }
            let setting: Setting =
                diesel::sql_query("SHOW transaction_read_only").get_result(pg)?;
            Ok(setting.transaction_read_only != "on")
        }
        AnyConnection::Sqlite(sqlite) => {
            #[derive(QueryableByName)]
            struct UserVersion {
                #[diesel(sql_type = diesel::sql_types::Integer)]
                user_version: i32,
            }
            let version: UserVersion =
                diesel::sql_query("PRAGMA user_version").get_result(sqlite)?;
            sqlite.batch_execute("PRAGMA busy_timeout = 0")?;
            let probe = (|| {
                sqlite.batch_execute("BEGIN IMMEDIATE")?;
                let written = sqlite
                    .batch_execute(&format!("PRAGMA user_version = {}", version.user_version));
                sqlite.batch_execute("ROLLBACK")?;
                written
            })();
            sqlite.batch_execute(&format!("PRAGMA busy_timeout = {}", lock_wait.as_millis()))?;
            match probe.map_err(DbError::from) {
                Ok(()) => Ok(true),
                Err(error) => match error.failure() {
                    Failure::ReadOnly => Ok(false),
                    Failure::Busy => Ok(true),
                    _ => Err(error),
                },
            }
        }
    }
}

/// Applies the pending migrations of the connection's backend; returns the versions applied.
pub fn run_migrations(conn: &mut AnyConnection) -> Result<Vec<String>, DbError> {
    let migration_error =
        |e: Box<dyn std::error::Error + Send + Sync>| DbError::Migration(e.to_string());
    let applied = match conn {
        AnyConnection::Sqlite(c) => c
            .run_pending_migrations(SQLITE_MIGRATIONS)
            .map_err(migration_error)?
            .iter()
            .map(|v| v.to_string())
            .collect(),
        AnyConnection::Postgresql(c) => c
            .run_pending_migrations(POSTGRES_MIGRATIONS)
            .map_err(migration_error)?
            .iter()
            .map(|v| v.to_string())
            .collect(),
    };
    Ok(applied)
}

/// Runs `setup` (migrations, reference data, fixtures) holding a PostgreSQL advisory lock, so instances
/// starting together prepare the database one after the other. SQLite serialises writers by itself.
pub fn with_setup_lock<T>(
    conn: &mut AnyConnection,
    setup: impl FnOnce(&mut AnyConnection) -> Result<T, DbError>,
) -> Result<T, DbError> {
    let postgres = matches!(conn, AnyConnection::Postgresql(_));
    if postgres {
        conn.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"))?;
    }
    let result = setup(conn);
    if postgres {
        conn.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})"))?;
    }
    result
}

/// Reverts the last applied migration; returns its version (used by tests that check what a
/// migration does to the rows a store already holds).
pub fn revert_last_migration(conn: &mut AnyConnection) -> Result<String, DbError> {
    let migration_error =
        |e: Box<dyn std::error::Error + Send + Sync>| DbError::Migration(e.to_string());
    let reverted = match conn {
        AnyConnection::Sqlite(c) => c
            .revert_last_migration(SQLITE_MIGRATIONS)
            .map_err(migration_error)?
            .to_string(),
        AnyConnection::Postgresql(c) => c
            .revert_last_migration(POSTGRES_MIGRATIONS)
            .map_err(migration_error)?
            .to_string(),
    };
    Ok(reverted)
}

/// Reverts every applied migration (used by tests that check migrations go down and up again).
pub fn revert_all_migrations(conn: &mut AnyConnection) -> Result<usize, DbError> {
    let migration_error =
        |e: Box<dyn std::error::Error + Send + Sync>| DbError::Migration(e.to_string());
    let reverted = match conn {
        AnyConnection::Sqlite(c) => c
            .revert_all_migrations(SQLITE_MIGRATIONS)
            .map_err(migration_error)?
            .len(),
        AnyConnection::Postgresql(c) => c
            .revert_all_migrations(POSTGRES_MIGRATIONS)
            .map_err(migration_error)?
            .len(),
    };
    Ok(reverted)
}
