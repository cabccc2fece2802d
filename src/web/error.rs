//! The one error type of the HTTP layer: every failure becomes `{"error": code, "message": text}` with the
//! right status. A 500 logs its cause and tells the client nothing internal.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use crate::db::{DbError, Failure};

/// Seconds a client is asked to wait before retrying when the database is unavailable.
pub const RETRY_AFTER_SECONDS: u32 = 5;
/// Seconds before retrying a write that found another writer holding the database.
pub const BUSY_RETRY_AFTER_SECONDS: u32 = 1;
/// Seconds before retrying when every renderer stayed busy.
pub const OVERLOADED_RETRY_AFTER_SECONDS: u32 = 2;
/// Seconds before retrying a write to a read-only database (an operator has to act first).
pub const READ_ONLY_RETRY_AFTER_SECONDS: u32 = 60;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{message}")]
    BadRequest { parameter: String, message: String },
    #[error("{0}")]
    NotFound(String),
    /// No credentials, or credentials that are not valid (401).
    #[error("{0}")]
    Unauthorized(String),
    /// Valid credentials without the right to do this (403).
    #[error("{0}")]
    Forbidden(String),
    /// The request clashes with what is stored (409), e.g. a document posted twice.
    #[error("{0}")]
    Conflict(String),
    /// The body is larger than the configured limit (413).
    #[error("{0}")]
    TooLarge(String),
    /// The body's content type is not one the endpoint reads (415).
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// The body was read but its content is refused, each problem as `where: field: why` (422).
    #[error("{}", .0.join("; "))]
    Invalid(Vec<String>),
    #[error("the database is unavailable; retry in a few seconds")]
    Unavailable,
    /// Another write held the database for longer than `database.lock_timeout_seconds` (503).
    #[error("the database is busy with other writes; retry in a moment")]
    Busy,
    /// The database refuses writes (503).
    #[error(
        "the database is read-only: nothing can be written until an operator makes it writable"
    )]
    ReadOnly,
    /// Every renderer stayed busy for `limits.render_wait_seconds` (503).
    #[error("{0}")]
    Overloaded(String),
    /// The client did not send its body in time (408).
    #[error("{0}")]
    RequestTimeout(String),
    /// The path exists but not for this method (405); `allow` lists the methods it takes.
    #[error("{method} is not allowed here; allowed: {allow}")]
    MethodNotAllowed { method: String, allow: String },
    /// A page that needs a signed-in person, asked without a live session: pages answer 303 to the
    /// sign-in form (coming back to `next` after it), the API 401.
    #[error("sign in first")]
    SignInRequired { next: String },
    /// Too many failed sign-ins for this name or from this address (429).
    #[error("too many failed sign-ins; try again in {retry_after_seconds} s")]
    TooManyRequests { retry_after_seconds: i64 },
    /// A report that cannot be read as its format (415 mismatch, 413 over a limit, 422 a scan, a
    /// password, a damaged file); the code says which.
    #[error(transparent)]
    Unreadable(#[from] crate::formats::FormatError),
    #[error("internal error")]
    Internal(String),
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    parameter: Option<&'a str>,
    /// Every problem of a refused body, each `where: field: why`.
    #[serde(skip_serializing_if = "Option::is_none")]
    problems: Option<&'a [String]>,
}

impl ApiError {
    /// A 400 for a query or path parameter, naming it and what it accepts.
    pub fn bad_parameter(parameter: &str, message: impl Into<String>) -> ApiError {
        ApiError::BadRequest {
            parameter: parameter.to_string(),
            message: message.into(),
        }
    }

    fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest { .. } => "bad_request",
            ApiError::NotFound(_) => "not_found",
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::Conflict(_) => "conflict",
            ApiError::TooLarge(_) => "too_large",
            ApiError::UnsupportedMediaType(_) => "unsupported_media_type",
            ApiError::Invalid(_) => "invalid",
            ApiError::Unavailable => "unavailable",
            ApiError::Busy => "busy",
            ApiError::ReadOnly => "read_only",
            ApiError::Overloaded(_) => "overloaded",
            ApiError::RequestTimeout(_) => "request_timeout",
            ApiError::MethodNotAllowed { .. } => "method_not_allowed",
            ApiError::Unreadable(error) => error.code(),
            ApiError::SignInRequired { .. } => "sign_in_required",
            ApiError::TooManyRequests { .. } => "too_many_requests",
            ApiError::Internal(_) => "internal",
        }
    }
}

impl From<DbError> for ApiError {
    fn from(error: DbError) -> ApiError {
        match error.failure() {
            Failure::Unavailable => {
                tracing::warn!(%error, "database unavailable");
                ApiError::Unavailable
            }
            Failure::Busy => {
                tracing::warn!(%error, "database busy");
                ApiError::Busy
            }
            Failure::ReadOnly => {
                tracing::error!(%error, "the database refuses writes");
                ApiError::ReadOnly
            }
            Failure::Other => match error {
                DbError::Query(diesel::result::Error::NotFound) => {
                    ApiError::NotFound("no such record".into())
                }
                other => ApiError::Internal(other.to_string()),
            },
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(error: actix_web::error::BlockingError) -> ApiError {
        ApiError::Internal(format!("blocking task failed: {error}"))
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unavailable
            | ApiError::Busy
            | ApiError::ReadOnly
            | ApiError::Overloaded(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::RequestTimeout(_) => StatusCode::REQUEST_TIMEOUT,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::SignInRequired { .. } => StatusCode::UNAUTHORIZED,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unreadable(error) => {
                StatusCode::from_u16(error.status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY)
            }
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let message = match self {
            ApiError::Internal(cause) => {
                tracing::error!(cause = %cause, "internal error");
                "internal error; the service log has the details".to_string()
            }
            other => other.to_string(),
        };
        let parameter = match self {
            ApiError::BadRequest { parameter, .. } => Some(parameter.as_str()),
            _ => None,
        };
        let mut response = HttpResponse::build(self.status_code());
        let retry_after = match self {
            ApiError::Unavailable => Some(RETRY_AFTER_SECONDS),
            ApiError::Busy => Some(BUSY_RETRY_AFTER_SECONDS),
            ApiError::ReadOnly => Some(READ_ONLY_RETRY_AFTER_SECONDS),
            ApiError::Overloaded(_) => Some(OVERLOADED_RETRY_AFTER_SECONDS),
            _ => None,
        };
        if let Some(seconds) = retry_after {
            response.insert_header((header::RETRY_AFTER, seconds.to_string()));
        }
        if let ApiError::TooManyRequests {
            retry_after_seconds,
        } = self
        {
            response.insert_header((header::RETRY_AFTER, retry_after_seconds.to_string()));
        }
        if let ApiError::MethodNotAllowed { allow, .. } = self {
            response.insert_header((header::ALLOW, allow.clone()));
        }
        if matches!(self, ApiError::RequestTimeout(_)) {
            // The rest of the body may still be on its way: the connection cannot be reused.
            response.insert_header((header::CONNECTION, "close"));
        }
        if matches!(self, ApiError::Unauthorized(_)) {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        let (message, problems) = match self {
            ApiError::Invalid(problems) => (
                format!("{} problem(s) found; nothing was stored", problems.len()),
                Some(problems.as_slice()),
            ),
            _ => (message, None),
        };
        response.json(ErrorBody {
            error: self.code(),
            message,
            parameter,
            problems,
        })
    }
}

/// actix-web's own query-string errors (a number that is not a number...) in the same JSON shape.
pub fn query_error(error: actix_web::error::QueryPayloadError) -> ApiError {
    ApiError::bad_parameter("query", format!("malformed query string: {error}"))
}

/// Path segments that fail to parse (e.g. a letter where a number belongs).
pub fn path_error(error: actix_web::error::PathError) -> ApiError {
    ApiError::bad_parameter("path", format!("malformed path: {error}"))
}
