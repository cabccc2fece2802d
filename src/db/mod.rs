//! Database access: one connection type over SQLite and PostgreSQL, the pool, migrations, and the queries
//! the rest of the service calls. Handlers never see SQL; they call functions of the submodules.

pub mod backup;
pub mod evidence;
pub mod indicators;
pub mod reference;
pub mod review;
pub mod schema;
pub mod tokens;

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

impl DbError {
    /// Whether the error means "try again later" (503) rather than a fault of the request or the code.
    pub fn is_unavailable(&self) -> bool {
        use diesel::result::{DatabaseErrorKind, Error};
        match self {
            DbError::Unavailable(_) => true,
            DbError::Query(Error::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                _,
            )) => true,
            DbError::Query(Error::DatabaseError(DatabaseErrorKind::Unknown, info)) => {
                // libpq reports a dropped server as an unknown error with one of these texts.
                let message = info.message();
                message.contains("server closed the connection")
                    || message.contains("terminating connection")
                    || message.contains("no connection to the server")
            }
            _ => false,
        }
    }
}

/// Opens connections of the backend the URL selected. diesel's own `ConnectionManager` would try every
/// backend in turn, and SQLite accepts any string as a file name: a PostgreSQL URL whose server is down
/// would silently become a new SQLite file. This manager never guesses.
#[derive(Debug, Clone)]
pub struct ConnectionOpener {
    target: DatabaseTarget,
    connect_timeout: Duration,
}

impl ConnectionOpener {
    fn postgres_url(&self, url: &str) -> String {
        // Bound libpq's own connect so an unreachable host fails fast instead of hanging a pool thread.
        if url.contains("connect_timeout=") {
            url.to_string()
        } else {
            let separator = if url.contains('?') { '&' } else { '?' };
            format!(
                "{url}{separator}connect_timeout={}",
                self.connect_timeout.as_secs().max(1)
            )
        }
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
                // Foreign keys are off by default in SQLite; WAL lets readers work while one writer writes;
                // busy_timeout makes a writer wait for the lock instead of failing at once.
                conn.batch_execute(
                    "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; \
                     PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;",
                )
                .map_err(diesel::r2d2::Error::QueryError)?;
                evidence::lower_utils::register_impl(&mut conn, |text: Option<String>| {
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
        let connect_timeout = Duration::from_secs(settings.connect_timeout_seconds);
        let opener = ConnectionOpener {
            target: target.clone(),
            connect_timeout,
        };
        let pool = Pool::builder()
            .max_size(settings.pool_size)
            .min_idle(Some(0))
            .connection_timeout(connect_timeout)
            // Failed connection attempts are reported through get(); r2d2's own logging would repeat them.
            .error_handler(Box::new(diesel::r2d2::NopErrorHandler))
            .build_unchecked(opener);
        Ok(Database { pool, target })
    }

    pub fn target(&self) -> &DatabaseTarget {
        &self.target
    }

    /// A connection from the pool, or `Unavailable` once the configured timeout has passed.
    pub fn get(&self) -> Result<PooledConn, DbError> {
        self.pool
            .get()
            .map_err(|e| DbError::Unavailable(e.to_string()))
    }

    /// Answers whether the database can be reached and queried now.
    pub fn ping(&self) -> Result<(), DbError> {
        let mut conn = self.get()?;
        conn.batch_execute("SELECT 1")?;
        Ok(())
    }

    /// Applies the pending migrations of the connection's backend; returns the names applied.
    pub fn migrate(&self) -> Result<Vec<String>, DbError> {
        let mut conn = self.get()?;
        with_setup_lock(&mut conn, run_migrations)
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
