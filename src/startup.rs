//! Start-up: open the database, bring its schema and reference data up to date, bind and serve.

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::HttpServer;

use crate::config::Settings;
use crate::db::{evidence, reference, Database};
use crate::framework::ReferenceData;
use crate::ingestion;
use crate::web::{app, AppState};

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Database(#[from] crate::db::DbError),
    #[error("bundled reference data is invalid: {0}")]
    Reference(#[from] crate::framework::ReferenceError),
    #[error("bundled fixtures cannot be loaded: {0}")]
    Fixtures(String),
    #[error("cannot listen on {bind}: {reason}")]
    Bind { bind: String, reason: String },
}

impl From<ingestion::ImportError> for StartupError {
    fn from(error: ingestion::ImportError) -> StartupError {
        match error {
            ingestion::ImportError::Database(e) => StartupError::Database(e),
            ingestion::ImportError::Invalid(problems) => StartupError::Fixtures(
                problems
                    .iter()
                    .map(|p| p.to_string())
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
        }
    }
}

/// Opens the database, applies pending migrations, loads reference data the database lacks and, into an
/// empty evidence store, the bundled fixtures. Used by `serve` and `migrate`, so both leave the database
/// in the same state.
pub fn prepare_database(settings: &Settings) -> Result<Database, StartupError> {
    prepare(settings, true)
}

/// The same without the fixtures: what `gcm import` needs before it validates, so that importing into a
/// new database brings only what was named.
pub fn prepare_schema(settings: &Settings) -> Result<Database, StartupError> {
    prepare(settings, false)
}

fn prepare(settings: &Settings, with_fixtures: bool) -> Result<Database, StartupError> {
    let db = Database::open(&settings.database)?;
    let data = ReferenceData::bundled()?;
    let mut conn = db.get().map_err(|e| match e {
        crate::db::DbError::Unavailable(reason) => crate::db::DbError::Unavailable(format!(
            "cannot connect to {}: {reason}",
            db.target().describe()
        )),
        other => other,
    })?;
    let outcome = crate::db::with_setup_lock(&mut conn, |conn| {
        let applied = crate::db::run_migrations(conn)?;
        for version in &applied {
            tracing::info!(migration = %version, "applied migration");
        }
        let report = reference::load_reference_data(conn, &data)?;
        for (name, version) in &report.loaded {
            tracing::info!(dataset = %name, %version, "loaded reference data");
        }
        for (name, stored, bundled) in &report.kept {
            if stored != bundled {
                tracing::warn!(dataset = %name, %stored, %bundled, "database keeps an older reference dataset");
            }
        }
        if with_fixtures && !evidence::has_sources(conn)? {
            return Ok(Some(ingestion::import(
                conn,
                &ingestion::bundled_fixtures(),
                &|_, _| {},
            )));
        }
        Ok(None)
    })?;
    match outcome {
        None => {}
        Some(Ok(summary)) => tracing::info!(
            sources = summary.sources.added,
            items = summary.items.added,
            "loaded the bundled fixtures into an empty evidence store"
        ),
        Some(Err(error)) => return Err(error.into()),
    }
    Ok(db)
}

/// Binds the configured address; port 0 picks a free one (tests use that).
pub fn bind(settings: &Settings) -> Result<TcpListener, StartupError> {
    TcpListener::bind(&settings.server.bind).map_err(|e| StartupError::Bind {
        bind: settings.server.bind.clone(),
        reason: e.to_string(),
    })
}

/// The HTTP server over an already bound listener.
pub fn server(
    listener: TcpListener,
    db: Database,
    settings: &Settings,
) -> Result<Server, StartupError> {
    let state = AppState::with_policy(db, crate::web::WebPolicy::from_settings(settings));
    let address = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    let mut server = HttpServer::new(move || app(state.clone()))
        .shutdown_timeout(settings.server.shutdown_timeout_seconds);
    if settings.server.workers > 0 {
        server = server.workers(settings.server.workers);
    }
    let server = server
        .listen(listener)
        .map_err(|e| StartupError::Bind {
            bind: address.clone(),
            reason: e.to_string(),
        })?
        .run();
    tracing::info!("listening on http://{address}");
    Ok(server)
}
