//! The HTTP layer: routes, handlers and their JSON shapes. Handlers hold no SQL: they validate input, run a
//! database function on the blocking pool and shape the answer.

pub mod answers;
pub mod auth;
pub mod caching;
mod chart_views;
mod charts_api;
pub mod client_address;
pub mod editions;
pub mod error;
mod evidence_api;
mod exports_api;
pub mod extract;
mod framework_api;
mod health;
pub mod i18n;
mod indicators_api;
mod input;
pub mod openapi;
pub(crate) mod pages;
mod review_api;
pub mod routing;
pub mod session;
mod summaries;

use std::sync::{Arc, Mutex};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::{web, App, HttpResponse};

use crate::db::{Database, DbError, PooledConn};
pub use error::ApiError;
pub use routing::declared_routes;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Database,
    /// The indicator dataset with the evidence-store version it was read at.
    pub indicator_cache: IndicatorCache,
    pub policy: Arc<WebPolicy>,
    /// Answers of the current store version, for repeated reads.
    pub response_cache: Arc<caching::ResponseCache>,
    /// One permit per chart or table being rendered (`limits.concurrent_renders`).
    renders: Arc<tokio::sync::Semaphore>,
    /// The editions this process has opened, shared by the live state and every edition's state.
    pub editions: Arc<editions::Shelf>,
    /// The edition this state answers from (`snapshot=`), with the live store beside it for who is
    /// calling (tokens, sessions); None for live data.
    pub edition: Option<editions::Opened>,
}

/// The settings the HTTP layer enforces.
#[derive(Debug, Clone)]
pub struct WebPolicy {
    /// Reading needs a token too.
    pub read_requires_token: bool,
    /// Largest document upload, in bytes.
    pub document_bytes: usize,
    /// Origins allowed to frame the pages, besides this service.
    pub frame_ancestors: Vec<String>,
    /// Longest time a client gets to send a request body.
    pub body_timeout: std::time::Duration,
    /// Charts and tables rendered at the same time.
    pub concurrent_renders: usize,
    /// Longest wait for a render's turn.
    pub render_wait: std::time::Duration,
    /// Largest PNG chart in pixels.
    pub chart_pixels: u64,
    /// Bounds on reading an uploaded report (`limits.document_pages`, `limits.extract_seconds`).
    pub extract_limits: crate::formats::ExtractLimits,
    /// Session lifetimes and the limit on wrong passwords (`auth.*`).
    pub sessions: crate::db::users::SessionPolicy,
    /// Mark the session cookie `Secure`.
    pub secure_cookies: bool,
    /// Proxies whose forwarding headers name the client (`web.trusted_proxies`).
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

impl Default for WebPolicy {
    fn default() -> WebPolicy {
        WebPolicy::from_settings(&crate::config::Settings::defaults())
    }
}

impl WebPolicy {
    pub fn from_settings(settings: &crate::config::Settings) -> WebPolicy {
        WebPolicy {
            read_requires_token: settings.auth.read_requires_token,
            document_bytes: settings.limits.document_bytes,
            frame_ancestors: settings.web.frame_ancestors.clone(),
            body_timeout: std::time::Duration::from_secs(settings.limits.body_timeout_seconds),
            concurrent_renders: settings.limits.concurrent_renders,
            render_wait: std::time::Duration::from_secs(settings.limits.render_wait_seconds),
            chart_pixels: settings.limits.chart_pixels,
            extract_limits: settings.limits.extract_limits(),
            sessions: crate::db::users::SessionPolicy::from_settings(&settings.auth),
            secure_cookies: settings.web.secure_cookies,
            trusted_proxies: settings.web.trusted_proxy_networks(),
        }
    }

    /// The Content-Security-Policy of every answer: only this service's own scripts, styles and images,
    /// framing only by this service and the configured origins.
    pub fn content_security_policy(&self) -> String {
        let mut ancestors = vec!["'self'".to_string()];
        ancestors.extend(self.frame_ancestors.iter().cloned());
        format!(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
             object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors {}",
            ancestors.join(" ")
        )
    }
}

/// Whether answers under `path` are pages (HTML in the reader's language) rather than the API, charts,
/// tables or the health check.
pub(crate) fn speaks_html(path: &str) -> bool {
    !["/api/", "/charts/", "/exports/", "/health"]
        .iter()
        .any(|prefix| path.starts_with(prefix))
}

/// An error answered outside a handler (by a middleware or a route's fallback): JSON for the API,
/// charts and tables, a page in the reader's language for pages.
pub(crate) fn error_answer(request: &actix_web::HttpRequest, error: ApiError) -> HttpResponse {
    use actix_web::ResponseError;
    if !speaks_html(request.path()) {
        return error.error_response();
    }
    let accept = request
        .headers()
        .get(actix_web::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    let lang = i18n::negotiate(None, accept).unwrap_or(i18n::Lang::En);
    pages::PageError::new(lang, error).error_response()
}

/// Time past the connect timeout that a checkout may take before the request is answered 503 (the
/// pool's own timeout fires first when the database merely refuses connections).
const CHECKOUT_MARGIN: std::time::Duration = std::time::Duration::from_millis(500);

pub type IndicatorCache = Arc<Mutex<Option<(i64, Arc<crate::indicators::Dataset>)>>>;

impl AppState {
    pub fn new(db: Database) -> AppState {
        AppState::with_policy(db, WebPolicy::default())
    }

    pub fn with_policy(db: Database, policy: WebPolicy) -> AppState {
        AppState {
            db,
            indicator_cache: Arc::new(Mutex::new(None)),
            renders: Arc::new(tokio::sync::Semaphore::new(policy.concurrent_renders)),
            policy: Arc::new(policy),
            response_cache: Arc::new(caching::ResponseCache::default()),
            editions: Arc::new(editions::Shelf::default()),
            edition: None,
        }
    }

    /// [`AppState::with_db`] on the live store even when this state answers from an edition: who is
    /// calling (tokens, sessions) is known only there.
    pub async fn with_live_db<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut PooledConn) -> Result<T, DbError> + Send + 'static,
    {
        match &self.edition {
            None => self.with_db(work).await,
            Some(opened) => opened.live.with_db(work).await,
        }
    }

    /// Renders a chart or a table on the blocking pool, at most `limits.concurrent_renders` at a time:
    /// each may hold a large pixel buffer or table, so their number bounds the memory they take. A
    /// render that waits longer than `limits.render_wait_seconds` for its turn is answered 503.
    pub async fn render<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let waiting = self.renders.clone().acquire_owned();
        let permit = match actix_web::rt::time::timeout(self.policy.render_wait, waiting).await {
            Ok(Ok(permit)) => permit,
            Ok(Err(_)) => return Err(ApiError::Internal("the render queue is closed".into())),
            Err(_) => {
                return Err(ApiError::Overloaded(format!(
                    "every renderer stayed busy for {} s (limits.concurrent_renders = {}); retry in a moment",
                    self.policy.render_wait.as_secs(),
                    self.policy.concurrent_renders
                )))
            }
        };
        Ok(web::block(move || {
            let _turn = permit;
            work()
        })
        .await?)
    }

    /// Runs `work` with a pooled connection on actix's blocking pool, so async workers never wait on the
    /// database. Both waits are bounded here, whatever the driver does: the connection (with the pool's
    /// check that it still answers) by `database.connect_timeout_seconds`, the work by
    /// `database.statement_timeout_seconds`. A database that stops answering without closing its
    /// sockets thus gets a 503 in time; the blocked thread finishes or fails on its own later.
    pub async fn with_db<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut PooledConn) -> Result<T, DbError> + Send + 'static,
    {
        self.with_db_within(self.db.timeouts().statement, work)
            .await
    }

    /// [`AppState::with_db`] with the work bounded by `deadline` instead.
    pub async fn with_db_within<T, F>(
        &self,
        deadline: std::time::Duration,
        work: F,
    ) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut PooledConn) -> Result<T, DbError> + Send + 'static,
    {
        let mut conn = self.connection().await?;
        let running = web::block(move || work(&mut conn));
        match actix_web::rt::time::timeout(deadline, running).await {
            Ok(result) => Ok(result??),
            Err(_) => {
                tracing::warn!(
                    seconds = deadline.as_secs(),
                    "database work did not finish in time"
                );
                Err(ApiError::Unavailable)
            }
        }
    }

    /// The indicator dataset of the current store version, from the cache when it is current.
    pub async fn dataset(&self) -> Result<Arc<crate::indicators::Dataset>, ApiError> {
        let cache = self.indicator_cache.clone();
        self.with_db(move |conn| {
            let version = crate::db::version::current(conn)?;
            if let Some((cached, data)) = cache.lock().ok().and_then(|c| c.clone()) {
                if cached == version {
                    return Ok(data);
                }
            }
            let (version, data) = crate::db::indicators::load_versioned_dataset(conn)?;
            let data = Arc::new(data);
            if let Ok(mut slot) = cache.lock() {
                *slot = Some((version, data.clone()));
            }
            Ok(data)
        })
        .await
    }

    /// A pooled connection, within `database.connect_timeout_seconds` (and a little for the pool's own
    /// bookkeeping).
    async fn connection(&self) -> Result<PooledConn, ApiError> {
        let timeouts = self.db.timeouts();
        let db = self.db.clone();
        let checkout = web::block(move || db.get());
        let deadline = timeouts.connect + CHECKOUT_MARGIN;
        match actix_web::rt::time::timeout(deadline, checkout).await {
            Ok(conn) => Ok(conn??),
            Err(_) => {
                tracing::warn!(
                    seconds = timeouts.connect.as_secs(),
                    "no database connection answered in time"
                );
                Err(ApiError::Unavailable)
            }
        }
    }
}

/// The whole application, used by the server and by in-process tests alike.
pub fn app(
    state: AppState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let security_headers = actix_web::middleware::DefaultHeaders::new()
        .add((
            actix_web::http::header::CONTENT_SECURITY_POLICY,
            state.policy.content_security_policy(),
        ))
        .add((actix_web::http::header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((actix_web::http::header::REFERRER_POLICY, "same-origin"));
    App::new()
        .wrap(actix_web::middleware::from_fn(editions::edition_selection))
        .wrap(actix_web::middleware::from_fn(caching::response_cache))
        .wrap(actix_web::middleware::from_fn(auth::reading_policy))
        .wrap(actix_web::middleware::from_fn(
            input::refuse_control_characters,
        ))
        .wrap(security_headers)
        // gzip, brotli or zstd as the client accepts: the coverage-matrix SVG and the overview page
        // shrink about tenfold, which is what a slow connection needs.
        .wrap(actix_web::middleware::Compress::default())
        .wrap(tracing_actix_web::TracingLogger::default())
        .app_data(web::Data::new(state))
        .app_data(web::QueryConfig::default().error_handler(|e, _| error::query_error(e).into()))
        .app_data(web::PathConfig::default().error_handler(|e, _| error::path_error(e).into()))
        // The review page's small forms: a malformed one is a 400 page naming the body.
        .app_data(
            web::FormConfig::default()
                .limit(16 * 1024)
                .error_handler(|e, request| {
                    let error =
                        ApiError::bad_parameter("body", format!("the form cannot be read: {e}"));
                    actix_web::error::InternalError::from_response(
                        "refused",
                        error_answer(request, error),
                    )
                    .into()
                }),
        )
        .service(routing::read("/health", health::health))
        // The JSON API, with full paths: they are what its description (/api/v1/openapi.json) lists.
        .service(routing::read("/api/v1/openapi.json", openapi::description))
        .service(routing::read("/api/v1/framework", framework_api::framework))
        .service(routing::read("/api/v1/countries", framework_api::countries))
        .service(routing::read(
            "/api/v1/countries/{iso3}/profile",
            indicators_api::profile,
        ))
        .service(routing::read(
            "/api/v1/indicators",
            indicators_api::indicators,
        ))
        .service(routing::read(
            "/api/v1/objectives/{n}/countries",
            indicators_api::objective_countries,
        ))
        .service(routing::read("/api/v1/compare", indicators_api::compare))
        .service(routing::read("/api/v1/gaps", indicators_api::gaps))
        .service(routing::read("/api/v1/cycles", evidence_api::cycles))
        .service(routing::read("/api/v1/champions", evidence_api::champions))
        .service(routing::read("/api/v1/sources", evidence_api::sources))
        .service(routing::read("/api/v1/sources/{id}", evidence_api::source))
        .service(routing::read(
            "/api/v1/evidence",
            evidence_api::evidence_list,
        ))
        .service(routing::read(
            "/api/v1/evidence/{id}",
            evidence_api::evidence_item,
        ))
        .service(routing::write(
            "/api/v1/mappings/{id}/accept",
            review_api::accept,
        ))
        .service(routing::write(
            "/api/v1/mappings/{id}/reject",
            review_api::reject,
        ))
        .service(routing::write(
            "/api/v1/mappings/{id}/undo",
            review_api::undo,
        ))
        .service(routing::read("/api/v1/audit", review_api::audit))
        .service(routing::form(
            "/api/v1/snapshots",
            editions::list,
            editions::create,
        ))
        .service(routing::read(
            "/api/v1/snapshots/{id}/changes",
            editions::changes,
        ))
        .service(routing::write(
            "/api/v1/documents",
            review_api::post_document,
        ))
        .service(
            web::scope("/charts")
                .wrap(actix_web::middleware::from_fn(caching::conditional_get))
                .service(routing::read(
                    "/coverage-matrix.{ext:svg|png}",
                    charts_api::coverage_matrix,
                ))
                .service(routing::read("/map.{ext:svg|png}", charts_api::map))
                .service(routing::read(
                    "/countries/{iso3}/areas.{ext:svg|png}",
                    charts_api::country_areas,
                ))
                .service(routing::read(
                    "/objectives.{ext:svg|png}",
                    charts_api::objectives,
                ))
                .service(routing::read(
                    "/countries/{iso3}/change.{ext:svg|png}",
                    charts_api::country_change,
                ))
                .service(routing::read("/compare.{ext:svg|png}", charts_api::compare))
                .service(routing::read(
                    "/principles.{ext:svg|png}",
                    charts_api::principles,
                )),
        )
        .service(
            web::scope("/exports")
                .wrap(actix_web::middleware::from_fn(caching::conditional_get))
                .service(routing::read(
                    "/indicators.csv",
                    exports_api::indicators_csv,
                ))
                .service(routing::read(
                    "/coverage-matrix.csv",
                    exports_api::coverage_matrix_csv,
                ))
                .service(routing::read("/evidence.csv", exports_api::evidence_csv))
                .service(routing::read("/bundle.zip", exports_api::bundle)),
        )
        .configure(pages::routes)
        .default_service(web::to(not_found))
}

async fn not_found(request: actix_web::HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound(format!(
        "no such resource: {} {}",
        request.method(),
        request.path()
    )))
}
