//! Start-up: open the database, bring its schema and reference data up to date, bind and serve.

use std::net::TcpListener;

use actix_web::dev::Server;

use crate::config::Settings;
use crate::db::{reference, sources, Database};
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
        if with_fixtures && !sources::has_any(conn)? {
            return Ok(Some(ingestion::import(
                conn,
                &ingestion::bundled_fixtures(),
                &|_, _| {},
            )));
        }
        Ok(None)
    })?;
    // A read-only database still serves every page and table; writes will be refused with 503, so the
    // operator is told now rather than by the first reviewer.
    match crate::db::accepts_writes(&mut conn, db.timeouts().lock) {
        Ok(true) => {}
        Ok(false) => tracing::error!(
            database = %db.target().describe(),
            "the database is read-only: reading works, every write (uploads, decisions, imports) will be refused with 503 until it is writable"
        ),
        Err(error) => tracing::warn!(%error, "cannot tell whether the database takes writes"),
    }
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
///
/// Built from actix-server and actix-http directly rather than with actix-web's `HttpServer`, which
/// does the same but answers every `Expect: 100-continue` itself: here a request that declares a body
/// larger than `limits.document_bytes` is refused with 413 before the client sends it.
pub fn server(
    listener: TcpListener,
    db: Database,
    settings: &Settings,
) -> Result<Server, StartupError> {
    use actix_http::{HttpService, KeepAlive};
    use actix_service::{map_config, IntoServiceFactory, ServiceFactoryExt};
    use actix_web::dev::AppConfig;

    let state = AppState::with_policy(db, crate::web::WebPolicy::from_settings(settings));
    let local = listener.local_addr().map_err(|e| StartupError::Bind {
        bind: settings.server.bind.clone(),
        reason: e.to_string(),
    })?;
    let body_limit = settings.limits.document_bytes as u64;
    let mut builder =
        actix_server::Server::build().shutdown_timeout(settings.server.shutdown_timeout_seconds);
    if settings.server.workers > 0 {
        builder = builder.workers(settings.server.workers);
    }
    let shutdown = builder.graceful_shutdown_signal();
    let server = builder
        .listen("gcm-http", listener, move || {
            let shutdown = shutdown.clone();
            let app = app(state.clone())
                .into_factory()
                .map_err(|error| error.error_response());
            HttpService::build()
                // The same timeouts as actix-web's HttpServer: 5 s for a request's head, keep-alive 5 s.
                .keep_alive(KeepAlive::default())
                .client_request_timeout(std::time::Duration::from_secs(5))
                .client_disconnect_timeout(std::time::Duration::from_secs(1))
                .local_addr(local)
                // Idle keep-alive connections close as soon as a shutdown starts.
                .graceful_shutdown_signal(move || {
                    let shutdown = shutdown.clone();
                    async move { shutdown.notified().await }
                })
                .expect(actix_service::fn_service(move |request| async move {
                    expect_continue(request, body_limit)
                }))
                .finish(map_config(app, |_| AppConfig::default()))
                .tcp()
        })
        .map_err(|e| StartupError::Bind {
            bind: local.to_string(),
            reason: e.to_string(),
        })?
        .run();
    tracing::info!("listening on http://{local}");
    Ok(server)
}

/// Answers `Expect: 100-continue`: a declared body over `limit` bytes is refused with 413 at once (the
/// client never sends it); any other request goes on, and the client is told to send its body.
fn expect_continue(
    request: actix_http::Request,
    limit: u64,
) -> Result<actix_http::Request, actix_http::Response<actix_web::body::BoxBody>> {
    use actix_web::{HttpMessage, ResponseError};
    let declared = request
        .headers()
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    match declared {
        Some(length) if length > limit => {
            let refusal = crate::web::ApiError::TooLarge(format!(
                "the body would be {length} bytes; the largest accepted is {limit} (limits.document_bytes)"
            ))
            .error_response();
            Err(refusal.into())
        }
        _ => Ok(request),
    }
}
