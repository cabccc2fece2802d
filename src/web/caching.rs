//! Conditional GET for the charts and tables: a strong ETag from the answer's bytes, and `304 Not
//! Modified` when the client already holds them. A preparer who reloads a page of twenty charts, or a
//! script that polls a table, gets nothing re-sent while the evidence is unchanged.

use actix_web::body::{self, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, StatusCode};
use actix_web::middleware::Next;
use actix_web::HttpResponse;
use sha2::{Digest, Sha256};

/// The ETag of a body: the first 128 bits of its SHA-256, quoted, marked weak (`W/`) because the same
/// tag covers the gzip, brotli and plain encodings of the answer.
pub fn etag_of(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("W/\"{hex}\"")
}

/// Whether an `If-None-Match` header value names `etag` (or is `*`).
pub fn matches(if_none_match: &str, etag: &str) -> bool {
    // Weak comparison (RFC 9110, 8.8.3.2), as If-None-Match asks: `W/` is ignored on both sides.
    let etag = etag.trim_start_matches("W/");
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
        assert_eq!(tag.len(), 36, "W/ and 32 hex digits in quotes");
        assert!(matches(&tag, &tag));
        assert!(matches(
            &format!("\"x\", {}", tag.trim_start_matches("W/")),
            &tag
        ));
        assert!(matches("*", &tag));
        assert!(!matches("\"00\"", &tag));
    }

    #[test]
    fn gzip_is_taken_unless_refused() {
        assert!(accepts_gzip("gzip, deflate, br"));
        assert!(accepts_gzip("br;q=1.0, gzip;q=0.8"));
        assert!(accepts_gzip("*"));
        assert!(!accepts_gzip("gzip;q=0, br"));
        assert!(!accepts_gzip("identity"));
    }
}

/// Answers kept for repeated reads: the computed indicators, charts, tables and pages of one version of
/// the evidence store. A write raises the version, which retires every entry at once. Bounded in bytes,
/// so requests made up to fill it (new parameters, odd headers) only push out older entries.
pub struct ResponseCache {
    entries: std::sync::Mutex<CacheEntries>,
}

struct CacheEntries {
    lru: lru::LruCache<CacheKey, CachedResponse>,
    bytes: usize,
}

/// What an answer may depend on: the route, the query as sent, for pages the browser's language, and
/// whether the client takes gzip (the entry is then kept compressed, so it is compressed only once).
#[derive(Clone, PartialEq, Eq, Hash)]
struct CacheKey {
    path: String,
    query: String,
    accept_language: String,
    gzip: bool,
}

/// Whether an Accept-Encoding header value accepts gzip (and does not refuse it with q=0).
fn accepts_gzip(value: &str) -> bool {
    value.split(',').any(|part| {
        let mut pieces = part.split(';').map(str::trim);
        let coding = pieces.next().unwrap_or("");
        let refused = pieces.any(|p| matches!(p, "q=0" | "q=0.0" | "q=0.00" | "q=0.000"));
        (coding.eq_ignore_ascii_case("gzip") || coding == "*") && !refused
    })
}

/// Answers worth compressing: text of any kind (HTML, CSV, JSON, SVG) of more than a kilobyte.
fn compressible(headers: &header::HeaderMap, length: usize) -> bool {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    length > 1024
        && (content_type.starts_with("text/")
            || content_type.starts_with("application/json")
            || content_type.starts_with("image/svg+xml"))
}

fn gzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes)?;
    encoder.finish()
}

#[derive(Clone)]
struct CachedResponse {
    version: i64,
    status: StatusCode,
    headers: Vec<(header::HeaderName, header::HeaderValue)>,
    body: actix_web::web::Bytes,
}

/// Bytes of answers kept at most (least recently used go first).
const CACHE_BYTES: usize = 64 * 1024 * 1024;
/// Larger answers (the world's evidence table) are not kept: they would crowd out the rest.
const CACHE_MAX_BODY: usize = 2 * 1024 * 1024;

impl Default for ResponseCache {
    fn default() -> ResponseCache {
        ResponseCache {
            entries: std::sync::Mutex::new(CacheEntries {
                lru: lru::LruCache::unbounded(),
                bytes: 0,
            }),
        }
    }
}

impl CacheEntries {
    fn put(&mut self, key: CacheKey, value: CachedResponse) {
        self.bytes += value.body.len();
        if let Some(old) = self.lru.put(key, value) {
            self.bytes -= old.body.len();
        }
        while self.bytes > CACHE_BYTES {
            match self.lru.pop_lru() {
                Some((_, old)) => self.bytes -= old.body.len(),
                None => break,
            }
        }
    }
}

/// Adds `name` to the answer's `Vary` header, keeping the names already there.
pub fn add_vary(headers: &mut header::HeaderMap, name: &str) {
    let mut names: Vec<String> = headers
        .get_all(header::VARY)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|n| n.trim().to_ascii_lowercase())
        .filter(|n| !n.is_empty())
        .collect();
    if !names.iter().any(|n| n == name) {
        names.push(name.to_string());
    }
    if let Ok(value) = header::HeaderValue::from_str(&names.join(", ")) {
        headers.insert(header::VARY, value);
    }
}

/// Whether an answer to `request` may be looked up in the cache: GETs without credentials, except the
/// health check (it must reach the database), the bundle (it carries its generation time) and the static
/// files (cheap, and cached by browsers). A request with a token or a session cookie is never answered
/// from the cache nor stored: what it sees may depend on who sent it (a name, a CSRF token).
fn may_use_cache(request: &ServiceRequest) -> bool {
    let path = request.path();
    request.method() == actix_web::http::Method::GET
        && !request.headers().contains_key(header::AUTHORIZATION)
        && request.cookie(super::session::SESSION_COOKIE).is_none()
        && !(path == "/health"
            || path.starts_with("/exports/bundle")
            || path.starts_with("/static/"))
}

/// Whether an answer may be stored: a 200 its handler did not mark `no-store` or `private`.
fn may_store(status: StatusCode, headers: &header::HeaderMap) -> bool {
    let marked = headers
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("no-store") || v.contains("private"));
    status == StatusCode::OK && !marked
}

/// Middleware: answers a repeated GET from the cache while the evidence store's version is unchanged.
pub async fn response_cache(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let state = request
        .app_data::<actix_web::web::Data<super::AppState>>()
        .cloned();
    let (Some(state), true) = (state, may_use_cache(&request)) else {
        return Ok(next.call(request).await?.map_into_boxed_body());
    };
    // Only pages speak the browser's language; the API, charts and tables depend on the address alone.
    let is_page = super::speaks_html(request.path());
    let key = CacheKey {
        path: request.path().to_string(),
        query: request.query_string().to_string(),
        accept_language: if is_page {
            request
                .headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string()
        } else {
            String::new()
        },
        gzip: request
            .headers()
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .is_some_and(accepts_gzip),
    };
    let version = match state
        .with_db(|conn| crate::db::version::current(conn))
        .await
    {
        Ok(version) => version,
        // Without the database the handler could not answer either: the 503 is given at once, rather
        // than after a second wait for a connection.
        Err(error) => {
            let response = super::error_answer(request.request(), error);
            return Ok(request.into_response(response));
        }
    };
    let hit = state
        .response_cache
        .entries
        .lock()
        .ok()
        .and_then(|mut entries| entries.lru.get(&key).cloned())
        .filter(|cached| cached.version == version);
    if let Some(cached) = hit {
        let if_none_match = request
            .headers()
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let etag = cached
            .headers
            .iter()
            .find(|(name, _)| name == header::ETAG)
            .and_then(|(_, v)| v.to_str().ok().map(str::to_owned));
        let mut response = match (&if_none_match, &etag) {
            (Some(sent), Some(etag)) if matches(sent, etag) => HttpResponse::NotModified().finish(),
            _ => HttpResponse::build(cached.status).body(cached.body.clone()),
        };
        for (name, value) in &cached.headers {
            response.headers_mut().insert(name.clone(), value.clone());
        }
        return Ok(request.into_response(response));
    }
    let response = next.call(request).await?;
    let too_large = match response.response().body().size() {
        body::BodySize::Sized(n) => n > CACHE_MAX_BODY as u64,
        _ => false,
    };
    if too_large || !may_store(response.status(), response.headers()) {
        return Ok(response.map_into_boxed_body());
    }
    let (request, response) = response.into_parts();
    let (mut head, body) = response.into_parts();
    let mut bytes = body::to_bytes(body)
        .await
        .map_err(|e| actix_web::error::ErrorInternalServerError(e.into().to_string()))?;
    // Compressed here, once, rather than by the Compress middleware on every hit (it leaves an answer
    // that already has a Content-Encoding alone).
    if key.gzip && compressible(head.headers(), bytes.len()) {
        if let Ok(compressed) = gzip(&bytes) {
            bytes = actix_web::web::Bytes::from(compressed);
            head.headers_mut().insert(
                header::CONTENT_ENCODING,
                header::HeaderValue::from_static("gzip"),
            );
            add_vary(head.headers_mut(), "accept-encoding");
        }
    }
    // What the answer was chosen by, for any cache between here and the reader: a page by the browser's
    // language, any compressible answer by the encodings it takes.
    if is_page {
        add_vary(head.headers_mut(), "accept-language");
    }
    if bytes.len() <= CACHE_MAX_BODY {
        let cached = CachedResponse {
            version,
            status: head.status(),
            headers: head
                .headers()
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            body: bytes.clone(),
        };
        if let Ok(mut entries) = state.response_cache.entries.lock() {
            entries.put(key, cached);
        }
    }
    Ok(ServiceResponse::new(
        request,
        head.set_body(BoxBody::new(bytes)),
    ))
}
