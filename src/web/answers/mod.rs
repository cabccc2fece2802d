//! The JSON answers of the API, as typed structs: the OpenAPI description (`/api/v1/openapi.json`) is
//! derived from these types, so it cannot drift from what the handlers send. Each answer is built by a
//! pure function from the domain's values.
//!
//! Fields are declared in alphabetical order: the answers keep the key order of the JSON maps they
//! replaced, so clients, caches and the golden record (`tests/suite/golden.rs`) see the same bytes.

pub mod editions;
pub mod evidence;
pub mod framework;
pub mod indicators;
pub mod review;

use serde::Serialize;
use utoipa::ToSchema;

/// A text in the service's two languages.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Bilingual {
    pub en: String,
    pub es: String,
}

impl Bilingual {
    pub fn new(en: &str, es: &str) -> Bilingual {
        Bilingual {
            en: en.to_string(),
            es: es.to_string(),
        }
    }
}

/// What every error answer holds.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorAnswer {
    /// A stable code: bad_request, not_found, unauthorized, forbidden, conflict, too_large,
    /// unsupported_media_type, invalid, unavailable, busy, read_only, overloaded, request_timeout,
    /// method_not_allowed, internal.
    pub error: String,
    pub message: String,
    /// The parameter a 400 is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    /// Every problem of a refused body (422), each `where: field: why`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problems: Option<Vec<String>>,
}
