//! Writes: documents posted for ingestion, and reviewers' decisions on mappings. Every handler here takes
//! an [`Editor`] (or [`Admin`]), so nothing is written without a valid token of the right role, and every
//! write leaves an audit-log row naming the token.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::answers::review::{AuditAnswer, DocumentStoredAnswer};
use super::answers::ErrorAnswer;
use super::auth::{Admin, Editor};
use super::{ApiError, AppState};
use crate::db::review;
use crate::db::review::Decision;
use crate::selection::params::{given, WholeNumber};

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
    verdict: review::Verdict,
    editor: Editor,
) -> Result<HttpResponse, ApiError> {
    let id = mapping_id(&id)?;
    let actor = format!("token:{}", editor.0.name);
    let decision = state
        .with_db(move |conn| review::decide(conn, id, verdict, &actor))
        .await?;
    match decision {
        Some(decision) => Ok(HttpResponse::Ok().json(decision)),
        None => Err(ApiError::NotFound(format!(
            "no mapping with id {id}{}",
            if verdict == review::Verdict::Undo {
                ", nor a rejected one"
            } else {
                ""
            }
        ))),
    }
}

/// Accepts a mapping: it becomes basis `reviewed`, the reviewer's, and counts in the indicators.
#[utoipa::path(post, path = "/api/v1/mappings/{id}/accept", tag = "review",
    params(("id" = i32, Path, description = "a mapping id: the `id` of an item's objective")),
    security(("token" = [])),
    responses((status = 200, body = Decision), (status = 401, body = ErrorAnswer),
        (status = 403, body = ErrorAnswer), (status = 404, body = ErrorAnswer),
        (status = 503, body = ErrorAnswer)))]
pub async fn accept(
    editor: Editor,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    decide(state, id.into_inner(), review::Verdict::Accept, editor).await
}

/// Rejects a mapping: it leaves the evidence and is kept as rejected (shown with an undo, never
/// suggested again for that item by a re-import).
#[utoipa::path(post, path = "/api/v1/mappings/{id}/reject", tag = "review",
    params(("id" = i32, Path, description = "a mapping id: the `id` of an item's objective")),
    security(("token" = [])),
    responses((status = 200, body = Decision), (status = 401, body = ErrorAnswer),
        (status = 403, body = ErrorAnswer), (status = 404, body = ErrorAnswer),
        (status = 503, body = ErrorAnswer)))]
pub async fn reject(
    editor: Editor,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    decide(state, id.into_inner(), review::Verdict::Reject, editor).await
}

/// Takes back the last decision on a mapping: an accepted one gets its earlier basis and author, a
/// rejected one comes back with its id, one a reviewer added goes.
#[utoipa::path(post, path = "/api/v1/mappings/{id}/undo", tag = "review",
    params(("id" = i32, Path, description = "a mapping id: the `id` of an item's objective")),
    security(("token" = [])),
    responses((status = 200, body = Decision), (status = 401, body = ErrorAnswer),
        (status = 403, body = ErrorAnswer), (status = 404, body = ErrorAnswer),
        (status = 503, body = ErrorAnswer)))]
pub async fn undo(
    editor: Editor,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    decide(state, id.into_inner(), review::Verdict::Undo, editor).await
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// Only the rows about this target (`mapping:12`, `source:doc-...`).
    target: Option<String>,
    /// Rows, 1-1000 (default 100).
    limit: Option<String>,
}

const AUDIT_ROWS: WholeNumber = WholeNumber {
    what: "a number of rows",
    min: 1,
    max: Some(1000),
};

/// The audit log, newest first, with the values before and after (admins only).
#[utoipa::path(get, path = "/api/v1/audit", params(AuditParams), tag = "review",
    security(("token" = [])),
    responses((status = 200, body = AuditAnswer), (status = 400, body = ErrorAnswer),
        (status = 401, body = ErrorAnswer), (status = 403, body = ErrorAnswer)))]
pub async fn audit(
    _admin: Admin,
    state: web::Data<AppState>,
    query: web::Query<AuditParams>,
) -> Result<HttpResponse, ApiError> {
    let limit = AUDIT_ROWS.read_or("limit", &query.limit, 100)?;
    let target = given(&query.target).map(str::to_string);
    let entries = state
        .with_db(move |conn| review::audit_entries(conn, target.as_deref(), limit))
        .await?;
    // Never kept by a cache: the log is live and for admins only.
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(AuditAnswer { entries }))
}

/// The parameters of a document upload.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DocumentParams {
    /// The reporting country (ISO3).
    country: Option<String>,
    /// The review cycle the report feeds, such as 2025.
    cycle: Option<String>,
    /// en, es, pt or fr; detected from the text when absent.
    language: Option<String>,
    /// The report's title, 1-300 characters.
    title: Option<String>,
    /// A source kind (national_report by default).
    kind: Option<String>,
    /// Whose voice the report is: government, un, intergovernmental, civil_society, academic or
    /// other; the default of the kind when absent (a national report is government).
    voice: Option<String>,
}

/// Reads a request body up to `limit` bytes within `deadline`: a body declared larger is refused before
/// it is read, one that turns out larger as soon as it passes the limit, and one sent too slowly with
/// 408 (a slow sender would otherwise hold its upload open for as long as it likes).
async fn read_body(
    request: &actix_web::HttpRequest,
    payload: web::Payload,
    limit: usize,
    deadline: std::time::Duration,
) -> Result<Vec<u8>, ApiError> {
    let too_large = || {
        ApiError::TooLarge(format!(
            "the document is larger than {limit} bytes (limits.document_bytes)"
        ))
    };
    let declared = request
        .headers()
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(too_large());
    }
    match actix_web::rt::time::timeout(deadline, payload.to_bytes_limited(limit)).await {
        Err(_) => Err(ApiError::RequestTimeout(format!(
            "the body did not arrive within {} s (limits.body_timeout_seconds)",
            deadline.as_secs()
        ))),
        Ok(Ok(Ok(bytes))) => Ok(bytes.to_vec()),
        Ok(Ok(Err(error))) => Err(ApiError::bad_parameter(
            "body",
            format!("cannot read the body: {error}"),
        )),
        Ok(Err(_)) => Err(too_large()),
    }
}

/// `POST /api/v1/documents?country=&cycle=&language=&title=&kind=` with the report as PDF, DOCX, ODT,
/// HTML, text or Markdown (text as UTF-8), its `Content-Type` saying which: reads it, stores its text,
/// cuts it into passages (with their pages for a PDF), suggests objectives and principles for each, and
/// answers 201 with the counts. Editors only.
///
/// The declared type is checked against the file's own signature (a mismatch is 415, never a guess);
/// a file that cannot be read (a scan, a password, damage, a zip bomb, too many pages) is 422 or 413
/// and leaves nothing behind. Reading runs on the blocking pool within `limits.extract_seconds`.
// The token is checked first (extractors run in order): no caller learns anything without one.
#[utoipa::path(post, path = "/api/v1/documents", params(DocumentParams), tag = "review",
    security(("token" = [])),
    request_body(content(
        (Vec<u8> = "application/pdf"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (Vec<u8> = "application/vnd.oasis.opendocument.text"),
        (String = "text/html"),
        (String = "text/plain"),
        (String = "text/markdown")),
        description = "the report: PDF, DOCX, ODT, HTML, text or Markdown (text as UTF-8)"),
    responses((status = 201, body = DocumentStoredAnswer), (status = 400, body = ErrorAnswer),
        (status = 401, body = ErrorAnswer), (status = 409, body = ErrorAnswer),
        (status = 413, body = ErrorAnswer), (status = 415, body = ErrorAnswer),
        (status = 422, body = ErrorAnswer), (status = 503, body = ErrorAnswer)))]
pub async fn post_document(
    editor: Editor,
    state: web::Data<AppState>,
    request: actix_web::HttpRequest,
    query: web::Query<DocumentParams>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let content_type = request
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let declared = declared_format(content_type)?;
    let required = |name: &str, value: &Option<String>| {
        given(value)
            .map(str::to_string)
            .ok_or_else(|| ApiError::bad_parameter(name, format!("`{name}` is required")))
    };
    let meta = crate::ingestion::document::DocumentMeta {
        country: required("country", &query.country)?,
        cycle: required("cycle", &query.cycle)?,
        title: required("title", &query.title)?,
        language: given(&query.language).map(str::to_string),
        kind: given(&query.kind).map(str::to_string),
        voice: given(&query.voice).map(str::to_string),
        file_name: format!("upload.{}", declared.extension()),
    };
    let bytes = read_body(
        &request,
        payload,
        state.policy.document_bytes,
        state.policy.body_timeout,
    )
    .await?;
    let format = crate::formats::check_declared(declared, &bytes)?;
    let actor = format!("token:{}", editor.0.name);
    match store_upload(&state, meta, bytes, format, actor).await? {
        Ok(summary) => Ok(HttpResponse::Created()
            .insert_header((
                actix_web::http::header::LOCATION,
                format!("/api/v1/sources/{}", summary.source),
            ))
            .json(DocumentStoredAnswer::new(&summary))),
        Err(refused) => Err(refusal(refused)),
    }
}

/// Reads, segments and classifies an uploaded report, then stores it: the one path of
/// `POST /api/v1/documents` and of the upload form. The outer error is the service's (the database,
/// the blocking pool); the inner one says why this document was refused (nothing of it is stored).
pub(crate) async fn store_upload(
    state: &AppState,
    meta: crate::ingestion::document::DocumentMeta,
    bytes: Vec<u8>,
    format: crate::formats::Format,
    actor: String,
) -> Result<Result<crate::ingestion::DocumentSummary, crate::ingestion::DocumentError>, ApiError> {
    let limits = state.policy.extract_limits.clone();
    // Reading, segmenting and classifying is CPU work without the database: it runs on the blocking
    // pool before a connection is taken, so a large report holds neither an HTTP worker nor a
    // connection. The extractors keep to the time limit between pages; the wait here is a backstop
    // for one page that runs long.
    let budget = limits.time_limit + std::time::Duration::from_secs(5);
    // The current model's classifier (compiled once per model version; one indexed read otherwise).
    let classifier = state
        .with_db(|conn| Ok(crate::db::models::current_classifier(conn)?))
        .await?;
    let planning = web::block(move || {
        let received = crate::ingestion::Received {
            bytes: &bytes,
            format,
            limits: &limits,
        };
        crate::ingestion::plan_document(&meta, &received, &classifier)
    });
    let planned = match actix_web::rt::time::timeout(budget, planning).await {
        Ok(planned) => planned?,
        Err(_) => {
            return Ok(Err(crate::ingestion::DocumentError::Unreadable(
                crate::formats::FormatError::TimedOut {
                    seconds: budget.as_secs_f64(),
                    at: "reading and classifying the document".into(),
                },
            )))
        }
    };
    let plan = match planned {
        Ok(plan) => plan,
        Err(refused) => return Ok(Err(refused)),
    };
    let outcome = state
        .with_db(move |conn| Ok(crate::ingestion::store_document(conn, &plan, &actor)))
        .await?;
    match outcome {
        Err(crate::ingestion::DocumentError::Database(error)) => Err(error.into()),
        other => Ok(other),
    }
}

/// The API's answer to a refused document: 422 with every problem, 409 for bytes already stored, and
/// the status of a file that cannot be read (415, 413 or 422).
pub(crate) fn refusal(refused: crate::ingestion::DocumentError) -> ApiError {
    match refused {
        crate::ingestion::DocumentError::Invalid(problems) => {
            ApiError::Invalid(problems.iter().map(|p| p.to_string()).collect())
        }
        crate::ingestion::DocumentError::Duplicate(source) => ApiError::Conflict(format!(
            "this document is already stored as source `{source}`"
        )),
        crate::ingestion::DocumentError::Unreadable(error) => error.into(),
        crate::ingestion::DocumentError::Database(error) => error.into(),
    }
}

/// The format a `Content-Type` declares; text must be UTF-8 (a `charset` other than utf-8 is refused,
/// none is taken as UTF-8).
pub(crate) fn declared_format(content_type: &str) -> Result<crate::formats::Format, ApiError> {
    let format = crate::formats::Format::from_content_type(content_type)?;
    let charset_ok = content_type
        .split(';')
        .skip(1)
        .filter_map(|p| p.split_once('='))
        .filter(|(k, _)| k.trim().eq_ignore_ascii_case("charset"))
        .all(|(_, v)| {
            let v = v.trim().trim_matches('"');
            v.eq_ignore_ascii_case("utf-8") || v.eq_ignore_ascii_case("binary")
        });
    if !charset_ok {
        return Err(ApiError::UnsupportedMediaType(format!(
            "Content-Type `{content_type}`: only UTF-8 text is read; save the file as UTF-8"
        )));
    }
    Ok(format)
}
