//! The HTTP layer: routes, handlers and their JSON shapes. Handlers hold no SQL: they validate input, run a
//! database function on the blocking pool and shape the answer.

pub mod auth;
pub mod caching;
mod charts_api;
pub mod error;
pub mod evidence_api;
mod exports_api;
mod framework_api;
mod health;
pub mod i18n;
mod indicators_api;
mod pages;
mod params;
mod review_api;
mod summaries;

use std::sync::{Arc, Mutex};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::{web, App, HttpResponse};

use crate::db::{Database, DbError, PooledConn};
pub use error::ApiError;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Database,
    /// The indicator dataset with the evidence-store version it was read at.
    pub indicator_cache: IndicatorCache,
    pub policy: Arc<WebPolicy>,
    /// Answers of the current store version, for repeated reads.
    pub response_cache: Arc<caching::ResponseCache>,
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
}

impl Default for WebPolicy {
    fn default() -> WebPolicy {
        WebPolicy {
            read_requires_token: false,
            document_bytes: 10 * 1024 * 1024,
            frame_ancestors: Vec::new(),
        }
    }
}

impl WebPolicy {
    pub fn from_settings(settings: &crate::config::Settings) -> WebPolicy {
        WebPolicy {
            read_requires_token: settings.auth.read_requires_token,
            document_bytes: settings.limits.document_bytes,
            frame_ancestors: settings.web.frame_ancestors.clone(),
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

pub type IndicatorCache = Arc<Mutex<Option<(i64, Arc<crate::indicators::Dataset>)>>>;

impl AppState {
    pub fn new(db: Database) -> AppState {
        AppState::with_policy(db, WebPolicy::default())
    }

    pub fn with_policy(db: Database, policy: WebPolicy) -> AppState {
        AppState {
            db,
            indicator_cache: Arc::new(Mutex::new(None)),
            policy: Arc::new(policy),
            response_cache: Arc::new(caching::ResponseCache::default()),
        }
    }

    /// Runs `work` with a pooled connection on actix's blocking pool, so async workers never wait on the
    /// database.
    pub async fn with_db<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut PooledConn) -> Result<T, DbError> + Send + 'static,
    {
        let db = self.db.clone();
        let result = web::block(move || {
            let mut conn = db.get()?;
            work(&mut conn)
        })
        .await?;
        Ok(result?)
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
        .wrap(actix_web::middleware::from_fn(caching::response_cache))
        .wrap(actix_web::middleware::from_fn(auth::reading_policy))
        .wrap(security_headers)
        // gzip, brotli or zstd as the client accepts: the coverage-matrix SVG and the overview page
        // shrink about tenfold, which is what a slow connection needs.
        .wrap(actix_web::middleware::Compress::default())
        .wrap(tracing_actix_web::TracingLogger::default())
        .app_data(web::Data::new(state))
        .app_data(web::QueryConfig::default().error_handler(|e, _| error::query_error(e).into()))
        .app_data(web::PathConfig::default().error_handler(|e, _| error::path_error(e).into()))
        .route("/health", web::get().to(health::health))
        .service(
            web::scope("/api/v1")
                .route("/framework", web::get().to(framework_api::framework))
                .route("/countries", web::get().to(framework_api::countries))
                .route(
                    "/countries/{iso3}/profile",
                    web::get().to(indicators_api::profile),
                )
                .route("/indicators", web::get().to(indicators_api::indicators))
                .route(
                    "/objectives/{n}/countries",
                    web::get().to(indicators_api::objective_countries),
                )
                .route("/compare", web::get().to(indicators_api::compare))
                .route("/gaps", web::get().to(indicators_api::gaps))
                .route("/cycles", web::get().to(evidence_api::cycles))
                .route("/champions", web::get().to(evidence_api::champions))
                .route("/sources", web::get().to(evidence_api::sources))
                .route("/sources/{id}", web::get().to(evidence_api::source))
                .route("/evidence", web::get().to(evidence_api::evidence_list))
                .route("/evidence/{id}", web::get().to(evidence_api::evidence_item))
                .route("/mappings/{id}/accept", web::post().to(review_api::accept))
                .route("/mappings/{id}/reject", web::post().to(review_api::reject))
                .route("/audit", web::get().to(review_api::audit))
                .route("/documents", web::post().to(review_api::post_document)),
        )
        .service(
            web::scope("/charts")
                .wrap(actix_web::middleware::from_fn(caching::conditional_get))
                .route(
                    "/coverage-matrix.svg",
                    web::get().to(charts_api::coverage_matrix_svg),
                )
                .route(
                    "/coverage-matrix.png",
                    web::get().to(charts_api::coverage_matrix_png),
                )
                .route(
                    "/countries/{iso3}/areas.{ext:svg|png}",
                    web::get().to(charts_api::country_areas),
                )
                .route(
                    "/objectives.{ext:svg|png}",
                    web::get().to(charts_api::objectives),
                )
                .route(
                    "/countries/{iso3}/change.{ext:svg|png}",
                    web::get().to(charts_api::country_change),
                )
                .route("/compare.{ext:svg|png}", web::get().to(charts_api::compare))
                .route(
                    "/principles.{ext:svg|png}",
                    web::get().to(charts_api::principles),
                ),
        )
        .service(
            web::scope("/exports")
                .wrap(actix_web::middleware::from_fn(caching::conditional_get))
                .route(
                    "/indicators.csv",
                    web::get().to(exports_api::indicators_csv),
                )
                .route(
                    "/coverage-matrix.csv",
                    web::get().to(exports_api::coverage_matrix_csv),
                )
                .route("/evidence.csv", web::get().to(exports_api::evidence_csv))
                .route("/bundle.zip", web::get().to(exports_api::bundle)),
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
