//! How routes are declared: every address is a resource that answers its own methods and, for any
//! other, 405 with an `Allow` header naming them. Every GET also answers HEAD (the same status and
//! headers; the server sends no body), which link checkers, `curl -I` and monitoring use.

use std::collections::BTreeSet;
use std::sync::Mutex;

use actix_web::dev::HttpServiceFactory;
use actix_web::{guard, web, Handler, HttpRequest, HttpResponse};

use super::ApiError;

/// Every route declared here, as (method, path pattern): what the API description is checked against.
static DECLARED: Mutex<BTreeSet<(&'static str, &'static str)>> = Mutex::new(BTreeSet::new());

fn declare(method: &'static str, path: &'static str) {
    if let Ok(mut declared) = DECLARED.lock() {
        declared.insert((method, path));
    }
}

/// The routes declared so far (the application declares them all when it is built), as (method, path
/// pattern) with the pattern as the route was given (a scope's prefix is not included).
pub fn declared_routes() -> Vec<(&'static str, &'static str)> {
    DECLARED
        .lock()
        .map(|d| d.iter().copied().collect())
        .unwrap_or_default()
}

/// A resource that answers GET and HEAD with `handler`.
pub fn read<F, Args>(path: &'static str, handler: F) -> impl HttpServiceFactory
where
    F: Handler<Args>,
    Args: actix_web::FromRequest + 'static,
    F::Output: actix_web::Responder + 'static,
{
    declare("GET", path);
    web::resource(path)
        .route(
            web::route()
                .guard(guard::Any(guard::Get()).or(guard::Head()))
                .to(handler),
        )
        .default_service(web::to(|request: HttpRequest| async move {
            method_not_allowed(&request, "GET, HEAD")
        }))
}

/// A resource that answers POST with `handler`.
pub fn write<F, Args>(path: &'static str, handler: F) -> impl HttpServiceFactory
where
    F: Handler<Args>,
    Args: actix_web::FromRequest + 'static,
    F::Output: actix_web::Responder + 'static,
{
    declare("POST", path);
    web::resource(path)
        .route(web::post().to(handler))
        .default_service(web::to(|request: HttpRequest| async move {
            method_not_allowed(&request, "POST")
        }))
}

/// A resource that answers GET and HEAD with `show` and POST with `submit` (a page and its form).
pub fn form<F, Args, G, GArgs>(path: &'static str, show: F, submit: G) -> impl HttpServiceFactory
where
    F: Handler<Args>,
    Args: actix_web::FromRequest + 'static,
    F::Output: actix_web::Responder + 'static,
    G: Handler<GArgs>,
    GArgs: actix_web::FromRequest + 'static,
    G::Output: actix_web::Responder + 'static,
{
    declare("GET", path);
    declare("POST", path);
    web::resource(path)
        .route(
            web::route()
                .guard(guard::Any(guard::Get()).or(guard::Head()))
                .to(show),
        )
        .route(web::post().to(submit))
        .default_service(web::to(|request: HttpRequest| async move {
            method_not_allowed(&request, "GET, HEAD, POST")
        }))
}

/// 405 naming the methods the address takes, as JSON or as a page in the reader's language.
fn method_not_allowed(request: &HttpRequest, allow: &str) -> HttpResponse {
    let error = ApiError::MethodNotAllowed {
        method: request.method().to_string(),
        allow: allow.to_string(),
    };
    let mut response = super::error_answer(request, error);
    // A page's error answer carries the status but not every header of the API's: Allow is added here.
    response.headers_mut().insert(
        actix_web::http::header::ALLOW,
        actix_web::http::header::HeaderValue::from_str(allow)
            .unwrap_or(actix_web::http::header::HeaderValue::from_static("GET")),
    );
    response
}
