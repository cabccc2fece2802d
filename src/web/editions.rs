//! Editions over HTTP: `snapshot=ID` on every read (the [`edition_selection`] middleware answers the
//! request from the edition's materialised database through the same handlers), and the endpoints that
//! create, list and compare editions.
//!
//! How an answer says where it comes from: every answer carries `Gcm-Edition` (`live`, or the edition's
//! id) and, from an edition, `Gcm-Edition-Sha256`; a JSON object from an edition starts with an
//! `edition` member; a page shows a banner. Live JSON stays byte for byte what it was.

use std::collections::HashMap;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use actix_web::body::{self, BoxBody, MessageBody};
use actix_web::dev::{Extensions, ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use super::answers::editions::{ChangesAnswer, EditionAnswer, EditionsAnswer};
use super::answers::ErrorAnswer;
use super::auth::Admin;
use super::{ApiError, AppState};
use crate::db::editions::{self, EditionInfo, EditionRequest};

/// The header naming the edition an answer comes from.
pub const EDITION_HEADER: &str = "gcm-edition";
/// The header with the SHA-256 of that edition's canonical export.
pub const EDITION_SHA_HEADER: &str = "gcm-edition-sha256";

/// The editions a process has opened: each one's state, over its materialised database.
pub struct Shelf {
    /// Where materialised databases are kept (`<temp>/gcm-editions`).
    folder: PathBuf,
    opened: Mutex<HashMap<String, AppState>>,
    /// One materialisation at a time: two requests for an unopened edition build it once.
    building: tokio::sync::Mutex<()>,
}

impl Default for Shelf {
    fn default() -> Shelf {
        Shelf::in_folder(std::env::temp_dir().join("gcm-editions"))
    }
}

impl Shelf {
    pub fn in_folder(folder: PathBuf) -> Shelf {
        Shelf {
            folder,
            opened: Mutex::new(HashMap::new()),
            building: tokio::sync::Mutex::new(()),
        }
    }

    fn get(&self, id: &str) -> Option<AppState> {
        self.opened.lock().ok()?.get(id).cloned()
    }
}

/// The edition a state answers from, with the live state beside it.
#[derive(Clone)]
pub struct Opened {
    pub info: Arc<EditionInfo>,
    pub live: Arc<AppState>,
}

/// Materialising the world's edition takes seconds; a request that does it waits this long at most.
const MATERIALISE_DEADLINE: std::time::Duration = std::time::Duration::from_secs(600);

impl AppState {
    /// The state that answers from edition `id`, opened (and materialised) on first use. An unknown id
    /// is a 400 naming `snapshot` and the known editions.
    pub async fn edition_state(&self, id: &str) -> Result<AppState, ApiError> {
        if let Some(state) = self.editions.get(id) {
            return Ok(state);
        }
        let _turn = self.editions.building.lock().await;
        if let Some(state) = self.editions.get(id) {
            return Ok(state);
        }
        let wanted = id.to_string();
        let (info, known) = self
            .with_db(move |conn| {
                let info = editions::find(conn, &wanted)?;
                let known = match info {
                    Some(_) => Vec::new(),
                    None => editions::list(conn)?,
                };
                Ok((info, known))
            })
            .await?;
        let Some(info) = info else {
            return Err(unknown_edition(id, &known));
        };
        let path = editions::materialised_path(&self.editions.folder, &info);
        if !path.exists() {
            let wanted = info.id.clone();
            let gzip = self
                .with_db_within(MATERIALISE_DEADLINE, move |conn| {
                    editions::content(conn, &wanted)
                })
                .await?
                .ok_or_else(|| ApiError::Internal("the edition's content is missing".into()))?;
            let target = path.clone();
            let started = std::time::Instant::now();
            web::block(move || editions::materialise(&gzip, &target)).await??;
            tracing::info!(edition = %info.id, seconds = started.elapsed().as_secs_f64(),
                path = %path.display(), "materialised edition");
        }
        let db = crate::db::Database::open_edition(&path, self.db.timeouts(), self.db.pool_size());
        let mut live = self.clone();
        live.edition = None;
        let state = AppState {
            db,
            indicator_cache: Arc::new(Mutex::new(None)),
            policy: self.policy.clone(),
            response_cache: self.response_cache.clone(),
            renders: self.renders.clone(),
            editions: self.editions.clone(),
            edition: Some(Opened {
                info: Arc::new(info),
                live: Arc::new(live),
            }),
        };
        if let Ok(mut opened) = self.editions.opened.lock() {
            opened.insert(id.to_string(), state.clone());
        }
        Ok(state)
    }
}

/// `snapshot`: no such edition, with the ones there are.
fn unknown_edition(id: &str, known: &[EditionInfo]) -> ApiError {
    let names: Vec<&str> = known.iter().map(|e| e.id.as_str()).collect();
    ApiError::bad_parameter(
        "snapshot",
        format!(
            "unknown edition `{id}`; accepted: {} (GET /api/v1/snapshots lists them)",
            if names.is_empty() {
                "none yet: live data is answered without snapshot=".to_string()
            } else {
                names.join(", ")
            }
        ),
    )
}

/// The `snapshot` of a query string, when given (an empty value is live data, as for every other
/// selection parameter).
fn snapshot_of(query: &str) -> Option<String> {
    form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == "snapshot")
        .map(|(_, value)| value.trim().to_string())
        .filter(|value| !value.is_empty())
}

/// Middleware: with `snapshot=ID`, the request is answered by the edition's state (its database, its
/// indicator cache) through the same handlers; every answer names its edition.
pub async fn edition_selection(
    mut request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let live = request.app_data::<web::Data<AppState>>().cloned();
    let (Some(live), Some(id)) = (live, snapshot_of(request.query_string())) else {
        let mut response = next.call(request).await?.map_into_boxed_body();
        response.headers_mut().insert(
            header::HeaderName::from_static(EDITION_HEADER),
            header::HeaderValue::from_static("live"),
        );
        return Ok(response);
    };
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        let error = ApiError::bad_parameter(
            "snapshot",
            "an edition never changes: writes go to live data, without snapshot=",
        );
        let response = super::error_answer(request.request(), error);
        return Ok(request.into_response(response));
    }
    let state = match live.edition_state(&id).await {
        Ok(state) => state,
        Err(error) => {
            let response = super::error_answer(request.request(), error);
            return Ok(request.into_response(response));
        }
    };
    let Some(opened) = state.edition.clone() else {
        return Err(actix_web::error::ErrorInternalServerError(
            "an edition's state without its edition",
        ));
    };
    let mut container = Extensions::new();
    container.insert(web::Data::new(state));
    request.add_data_container(Rc::new(container));
    request.extensions_mut().insert(opened.info.clone());
    let api = request.path().starts_with("/api/");
    let response = next.call(request).await?;
    let (request, response) = response.into_parts();
    let (mut head, body) = response.into_parts();
    let names = [
        (EDITION_HEADER, opened.info.id.as_str()),
        (EDITION_SHA_HEADER, opened.info.export_sha256.as_str()),
    ];
    for (name, value) in names {
        if let Ok(value) = header::HeaderValue::from_str(value) {
            head.headers_mut()
                .insert(header::HeaderName::from_static(name), value);
        }
    }
    let json = head
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let encoded = head.headers().contains_key(header::CONTENT_ENCODING);
    if !(api && json && !encoded && head.status() == StatusCode::OK) {
        return Ok(ServiceResponse::new(
            request,
            head.set_body(body).map_into_boxed_body(),
        ));
    }
    let bytes = body::to_bytes(body)
        .await
        .map_err(|e| actix_web::error::ErrorInternalServerError(e.into().to_string()))?;
    let marked = with_edition_member(&bytes, &EditionAnswer::new(&opened.info));
    Ok(ServiceResponse::new(
        request,
        head.set_body(BoxBody::new(marked)),
    ))
}

/// A JSON object with `"edition": {...}` as its first member; anything else (an array) unchanged.
fn with_edition_member(body: &[u8], edition: &EditionAnswer) -> Vec<u8> {
    let Some(rest) = body.strip_prefix(b"{") else {
        return body.to_vec();
    };
    let Ok(member) = serde_json::to_vec(edition) else {
        return body.to_vec();
    };
    let mut out = Vec::with_capacity(body.len() + member.len() + 16);
    out.extend_from_slice(b"{\"edition\":");
    out.extend_from_slice(&member);
    if !rest.starts_with(b"}") {
        out.push(b',');
    }
    out.extend_from_slice(rest);
    out
}

/// What `POST /api/v1/snapshots` takes.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEditionBody {
    /// 1-64 letters, digits, `.`, `-` or `_`, starting with a letter or digit.
    pub id: String,
    pub title: String,
    pub note: Option<String>,
}

/// Freezes the store as it is now into a new edition (admins only).
#[utoipa::path(post, path = "/api/v1/snapshots", tag = "editions",
    request_body = NewEditionBody,
    security(("token" = [])),
    responses((status = 201, body = EditionAnswer), (status = 400, body = ErrorAnswer),
        (status = 401, body = ErrorAnswer), (status = 403, body = ErrorAnswer),
        (status = 409, body = ErrorAnswer), (status = 503, body = ErrorAnswer)))]
pub async fn create(
    admin: Admin,
    state: web::Data<AppState>,
    body: web::Json<NewEditionBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let request = EditionRequest::new(&body.id, &body.title, body.note.as_deref())
        .map_err(|e| ApiError::bad_parameter(e.field, e.message))?;
    let actor = format!("token:{}", admin.0.name);
    let model = crate::mapping::lexicon_version().to_string();
    let created = state
        .with_db_within(MATERIALISE_DEADLINE, move |conn| {
            Ok(editions::create(conn, &request, &model, &actor))
        })
        .await?;
    match created {
        Ok(info) => Ok(HttpResponse::Created()
            .insert_header((
                header::LOCATION,
                format!("/api/v1/snapshots?id={}", info.id),
            ))
            .json(EditionAnswer::new(&info))),
        Err(editions::CreateError::Exists(id)) => Err(ApiError::Conflict(format!(
            "an edition `{id}` exists already; editions never change, so choose another id"
        ))),
        Err(editions::CreateError::Database(error)) => Err(error.into()),
    }
}

/// Every edition, oldest first, with its date, counts and the SHA-256 of its canonical export.
#[utoipa::path(get, path = "/api/v1/snapshots", tag = "editions",
    responses((status = 200, body = EditionsAnswer), (status = 503, body = ErrorAnswer)))]
pub async fn list(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let live = live_state(&state);
    let list = live.with_db(|conn| editions::list(conn)).await?;
    // A new edition does not move the evidence store's version, which retires cached answers: the
    // list is never kept.
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(EditionsAnswer::new(&list)))
}

/// The live state, also when the request named an edition (the list and the changes are about live
/// data and every edition).
fn live_state(state: &AppState) -> AppState {
    match &state.edition {
        Some(opened) => (*opened.live).clone(),
        None => state.clone(),
    }
}

/// What changed in live data since edition `{id}`: items added, removed and remapped, and each
/// country's indicators that moved.
#[utoipa::path(get, path = "/api/v1/snapshots/{id}/changes", tag = "editions",
    params(("id" = String, Path, description = "an edition id, as GET /api/v1/snapshots lists")),
    responses((status = 200, body = ChangesAnswer), (status = 404, body = ErrorAnswer),
        (status = 503, body = ErrorAnswer)))]
pub async fn changes(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let live = live_state(&state);
    let id = id.into_inner();
    let edition = live.edition_state(&id).await.map_err(|error| match error {
        ApiError::BadRequest { message, .. } => ApiError::NotFound(message),
        other => other,
    })?;
    let before = edition.dataset().await?;
    let after = live.dataset().await?;
    let Some(opened) = edition.edition.clone() else {
        return Err(ApiError::Internal(
            "an edition's state without its edition".into(),
        ));
    };
    let computed = live
        .render(move || crate::indicators::editions::changes(&before, &after))
        .await?;
    Ok(HttpResponse::Ok().json(ChangesAnswer::new(&opened.info, &computed)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_edition_member_comes_first_in_an_object_only() {
        let info = EditionInfo {
            id: "e".into(),
            title: "T".into(),
            note: None,
            created_at: chrono::DateTime::from_timestamp(0, 0)
                .unwrap_or_default()
                .naive_utc(),
            created_by: "x".into(),
            method_version: "m".into(),
            model_version: "l".into(),
            framework_version: "f".into(),
            source_count: 0,
            item_count: 0,
            mapping_count: 0,
            country_count: 0,
            export_sha256: "0".repeat(64),
            export_bytes: 0,
        };
        let edition = EditionAnswer::new(&info);
        let member = serde_json::to_string(&edition).unwrap_or_default();
        assert_eq!(
            with_edition_member(b"{\"a\":1}", &edition),
            format!("{{\"edition\":{member},\"a\":1}}").into_bytes()
        );
        assert_eq!(
            with_edition_member(b"{}", &edition),
            format!("{{\"edition\":{member}}}").into_bytes()
        );
        assert_eq!(with_edition_member(b"[1]", &edition), b"[1]".to_vec());
        assert_eq!(snapshot_of("group=lac&snapshot=%20x%20"), Some("x".into()));
        assert_eq!(snapshot_of("snapshot="), None);
    }
}
