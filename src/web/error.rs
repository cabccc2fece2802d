//! The one error type of the HTTP layer: every failure becomes `{"error": code, "message": text}` with the
//! right status. A 500 logs its cause and tells the client nothing internal.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use crate::db::DbError;

/// Seconds a client is asked to wait before retrying when the database is unavailable.
pub const RETRY_AFTER_SECONDS: u32 = 5;

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
            ApiError::Internal(_) => "internal",
        }
    }
}

impl From<DbError> for ApiError {
    fn from(error: DbError) -> ApiError {
        if error.is_unavailable() {
            tracing::warn!(%error, "database unavailable");
            ApiError::Unavailable
        } else {
            match error {
                DbError::Query(diesel::result::Error::NotFound) => {
                    ApiError::NotFound("no such record".into())
                }
                other => ApiError::Internal(other.to_string()),
            }
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
            ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
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
        if matches!(self, ApiError::Unavailable) {
            response.insert_header((header::RETRY_AFTER, RETRY_AFTER_SECONDS.to_string()));
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
