use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde_json::json;

use super::error::RETRY_AFTER_SECONDS;
use super::AppState;

/// 200 when the database answers a query now, 503 otherwise. The check goes through the pool, so a
/// database that comes back is seen at the next call without restarting the service.
pub async fn health(state: web::Data<AppState>) -> HttpResponse {
    let db = state.db.clone();
    let reachable = web::block(move || db.ping()).await;
    match reachable {
        Ok(Ok(())) => HttpResponse::Ok().json(json!({"status": "ok", "database": "ok"})),
        Ok(Err(error)) => {
            tracing::warn!(%error, "health check: database unavailable");
            degraded()
        }
        Err(error) => {
            tracing::error!(%error, "health check could not run");
            degraded()
        }
    }
}

fn degraded() -> HttpResponse {
    HttpResponse::ServiceUnavailable()
        .insert_header((header::RETRY_AFTER, RETRY_AFTER_SECONDS.to_string()))
        .json(json!({"status": "degraded", "database": "unavailable"}))
}
