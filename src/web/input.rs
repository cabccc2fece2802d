//! Checks every request meets before any handler sees it: no control character in its path or its
//! query (decoded), so no handler, query or log line ever holds one (`evidence::text` has the rule).

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;

use super::ApiError;
use crate::evidence::text::refused_in_parameter;

/// The first parameter of a request that holds a control character, and a message naming it.
pub fn control_character_in(path: &str, query: &str) -> Option<ApiError> {
    let decoded_path = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    if let Some(refused) = refused_in_parameter(&decoded_path) {
        return Some(ApiError::bad_parameter(
            "path",
            format!(
                "the address holds control character U+{:04X}, which no address may hold",
                refused.character as u32
            ),
        ));
    }
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        let refused = refused_in_parameter(&name).or_else(|| refused_in_parameter(&value));
        if let Some(refused) = refused {
            // The name itself may be the culprit: shown with the control characters escaped.
            let shown: String = name.escape_debug().collect();
            return Some(ApiError::bad_parameter(
                &shown,
                format!(
                    "`{shown}` holds control character U+{:04X}, which no parameter may hold",
                    refused.character as u32
                ),
            ));
        }
    }
    None
}

/// Middleware: a request with a control character in its path or query gets a 400 naming the parameter,
/// as JSON or as a page in the reader's language.
pub async fn refuse_control_characters(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(error) = control_character_in(request.path(), request.query_string()) else {
        return Ok(next.call(request).await?.map_into_boxed_body());
    };
    let response = super::error_answer(request.request(), error);
    Ok(request.into_response(response))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_named_with_their_parameter() {
        assert!(control_character_in("/api/v1/evidence", "q=trata&country=MEX").is_none());
        // `%00` decodes to NUL in the value of `q`.
        let error = control_character_in("/api/v1/evidence", "country=MEX&q=%00").unwrap();
        assert!(
            matches!(&error, ApiError::BadRequest { parameter, .. } if parameter == "q"),
            "{error:?}"
        );
        // A percent-encoded line feed in a path segment.
        let error = control_character_in("/api/v1/evidence/a%0Ab", "").unwrap();
        assert!(
            matches!(&error, ApiError::BadRequest { parameter, message } if parameter == "path" && message.contains("U+000A")),
            "{error:?}"
        );
        // In a parameter's name: shown escaped.
        let error = control_character_in("/", "a%0D=1").unwrap();
        assert!(
            matches!(&error, ApiError::BadRequest { parameter, .. } if parameter == "a\\r"),
            "{error:?}"
        );
    }
}
