//! Writes: documents posted for ingestion, and reviewers' decisions on mappings. Every handler here takes
//! an [`Editor`] (or [`Admin`]), so nothing is written without a valid token of the right role, and every
//! write leaves an audit-log row naming the token.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::auth::{Admin, Editor};
use super::params::given;
use super::{ApiError, AppState};
use crate::db::review;

/// A mapping id from the path: a positive whole number.
fn mapping_id(text: &str) -> Result<i32, ApiError> {
    match text.parse::<i32>() {
        Ok(id) if id > 0 => Ok(id),
        _ => Err(ApiError::bad_parameter(
            "id",
            format!("`{text}` is not a mapping id; mapping ids are the `id` of an item's objectives in /api/v1/evidence"),
        )),
    }
}

async fn decide(
    state: web::Data<AppState>,
    id: String,
    accept: bool,
    editor: Editor,
) -> Result<HttpResponse, ApiError> {
    let id = mapping_id(&id)?;
    let actor = format!("token:{}", editor.0.name);
    let decision = state
        .with_db(move |conn| review::decide(conn, id, accept, &actor))
        .await?;
    match decision {
        Some(decision) => Ok(HttpResponse::Ok().json(decision)),
        None => Err(ApiError::NotFound(format!("no mapping with id {id}"))),
    }
}

/// `POST /api/v1/mappings/{id}/accept`: the mapping becomes basis `reviewed`, the reviewer's.
pub async fn accept(
    state: web::Data<AppState>,
    id: web::Path<String>,
    editor: Editor,
) -> Result<HttpResponse, ApiError> {
    decide(state, id.into_inner(), true, editor).await
}

/// `POST /api/v1/mappings/{id}/reject`: the mapping is removed from the evidence (kept in the audit log).
pub async fn reject(
    state: web::Data<AppState>,
    id: web::Path<String>,
    editor: Editor,
) -> Result<HttpResponse, ApiError> {
    decide(state, id.into_inner(), false, editor).await
}

#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    target: Option<String>,
    limit: Option<String>,
}

/// `GET /api/v1/audit?target=&limit=`: the audit log, newest first (admins only).
pub async fn audit(
    state: web::Data<AppState>,
    query: web::Query<AuditQuery>,
    _admin: Admin,
) -> Result<HttpResponse, ApiError> {
    let limit = match given(&query.limit) {
        None => 100,
        Some(text) => match text.parse::<i64>() {
            Ok(n) if (1..=1000).contains(&n) => n,
            _ => {
                return Err(ApiError::bad_parameter(
                    "limit",
                    format!("`{text}` is not accepted; accepted: 1-1000"),
                ))
            }
        },
    };
    let target = given(&query.target).map(str::to_string);
    let entries = state
        .with_db(move |conn| review::audit_entries(conn, target.as_deref(), limit))
        .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "entries": entries })))
}
