//! Conditional GET for the charts and tables: a strong ETag from the answer's bytes, and `304 Not
//! Modified` when the client already holds them. A preparer who reloads a page of twenty charts, or a
//! script that polls a table, gets nothing re-sent while the evidence is unchanged.

use actix_web::body::{self, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, StatusCode};
use actix_web::middleware::Next;
use actix_web::HttpResponse;
use sha2::{Digest, Sha256};

/// The ETag of a body: the first 128 bits of its SHA-256, quoted.
pub fn etag_of(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// Whether an `If-None-Match` header value names `etag` (or is `*`).
pub fn matches(if_none_match: &str, etag: &str) -> bool {
    if_none_match
        .split(',')
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == etag || tag == "*")
}

/// Middleware: adds an ETag to every 200 answer and turns a matching `If-None-Match` into a 304.
pub async fn conditional_get(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let if_none_match = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let response = next.call(request).await?;
    if response.status() != StatusCode::OK {
        return Ok(response.map_into_boxed_body());
    }
    let (request, response) = response.into_parts();
    let (mut head, body) = response.into_parts();
    let bytes = body::to_bytes(body)
        .await
        .map_err(|e| actix_web::error::ErrorInternalServerError(e.into().to_string()))?;
    let etag = etag_of(&bytes);
    let value =
        header::HeaderValue::from_str(&etag).map_err(actix_web::error::ErrorInternalServerError)?;
    if if_none_match.is_some_and(|sent| matches(&sent, &etag)) {
        let not_modified = HttpResponse::NotModified()
            .insert_header((header::ETAG, value))
            .finish();
        return Ok(ServiceResponse::new(request, not_modified));
    }
    head.headers_mut().insert(header::ETAG, value);
    let response = head.set_body(BoxBody::new(bytes));
    Ok(ServiceResponse::new(request, response))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_lists_and_weak_tags() {
        let tag = etag_of(b"a,b\r\n");
        assert_eq!(tag.len(), 34, "32 hex digits in quotes");
        assert!(matches(&tag, &tag));
        assert!(matches(&format!("\"x\", W/{tag}"), &tag));
        assert!(matches("*", &tag));
        assert!(!matches("\"00\"", &tag));
    }
}
