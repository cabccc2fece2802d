use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::Serialize;

use super::error::RETRY_AFTER_SECONDS;
use super::AppState;

/// The answer of `/health`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok`, or `degraded` when the database is unreachable or refuses writes.
    pub status: &'static str,
    /// `ok`, `read_only` or `unavailable`.
    pub database: &'static str,
}

/// 200 when the database answers and takes writes; 200 `degraded` with `database: read_only` when it
/// answers but refuses writes (reading still works, so a load balancer should keep the instance); 503
/// when it does not answer within `database.connect_timeout_seconds`. The check goes through the pool,
/// so a database that comes back is seen at the next call without restarting the service.
#[utoipa::path(get, path = "/health", tag = "service",
    responses((status = 200, body = Health), (status = 503, body = Health)))]
pub async fn health(state: web::Data<AppState>) -> HttpResponse {
    let lock_wait = state.db.timeouts().lock;
    let deadline = state.db.timeouts().connect;
    let probe = state
        .with_db_within(deadline, move |conn| {
            crate::db::accepts_writes(conn, lock_wait)
        })
        .await;
    match probe {
        Ok(true) => HttpResponse::Ok().json(Health {
            status: "ok",
            database: "ok",
        }),
        Ok(false) => HttpResponse::Ok().json(Health {
            status: "degraded",
            database: "read_only",
        }),
        Err(error) => {
            tracing::warn!(%error, "health check: database unavailable");
            HttpResponse::ServiceUnavailable()
                .insert_header((header::RETRY_AFTER, RETRY_AFTER_SECONDS.to_string()))
                .json(Health {
                    status: "degraded",
                    database: "unavailable",
                })
        }
    }
}
