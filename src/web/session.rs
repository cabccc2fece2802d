//! People signed in to the pages: the sign-in form, the session cookie, and the CSRF and origin check
//! of every form that changes something. Sessions live in the database (`db::users`), so every
//! instance behind a load balancer knows them; the cookie holds only a random secret.
//!
//! - `GET /sign-in` shows the form, with a CSRF token that is also set as a short-lived cookie (there
//!   is no session yet to hold it: the form's field and the cookie must match).
//! - `POST /sign-in` checks the origin, the token, the name and the password; 303 to `next` with the
//!   `gcm_session` cookie (HttpOnly, SameSite=Lax, `Secure` with `web.secure_cookies`), or the form
//!   again with 401, or 429 with `Retry-After` after too many failures for the name or the address.
//! - `POST /sign-out` ends the session (a replayed cookie opens nothing afterwards).
//! - [`SignedIn`] is what a page or form handler for signed-in people takes; [`check_form`] is the
//!   first thing every state-changing form handler calls.

use std::future::Future;
use std::pin::Pin;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::i18n::Lang;
use super::pages::{layout, Page, PageError, PageRequest};
use super::{ApiError, AppState};
use crate::auth::{new_secret, secrets_match, Role};
use crate::db::users::{self, SignIn};

/// The cookie that carries a session's secret.
pub const SESSION_COOKIE: &str = "gcm_session";
/// The cookie that carries the sign-in form's CSRF token (before there is a session).
const SIGN_IN_CSRF_COOKIE: &str = "gcm_sign_in";
/// Longest account name or password read from the form (longer ones cannot be right).
const FIELD_CHARS: usize = 300;

/// A person with a live session.
#[derive(Debug, Clone, PartialEq)]
pub struct SignedIn {
    pub name: String,
    pub role: Role,
    /// The session's CSRF token, for the hidden field of every form the page shows.
    pub csrf_token: String,
}

impl SignedIn {
    /// Who the audit log says did something.
    pub fn actor(&self) -> String {
        format!("user:{}", self.name)
    }
}

/// The person of the request's session, if any.
async fn session_of(request: &HttpRequest) -> Result<Option<SignedIn>, ApiError> {
    let Some(cookie) = request.cookie(SESSION_COOKIE) else {
        return Ok(None);
    };
    let secret = cookie.value().to_string();
    // A malformed cookie is no session; it is not worth a database round trip.
    if secret.len() != 64 || !secret.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let state = app_state(request)?;
    let policy = state.policy.sessions;
    let holder = state
        .with_live_db(move |conn| users::session(conn, &secret, &policy))
        .await?;
    Ok(holder.map(|h| SignedIn {
        name: h.name,
        role: h.role,
        csrf_token: h.csrf_token,
    }))
}

fn app_state(request: &HttpRequest) -> Result<web::Data<AppState>, ApiError> {
    request
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::Internal("application state missing".into()))
}

/// The page language of a request, English when it cannot be told.
fn lang_of(request: &HttpRequest) -> Lang {
    super::extract::page_lang(request).unwrap_or(Lang::En)
}

type Extracted<T> = Pin<Box<dyn Future<Output = Result<T, PageError>>>>;

impl FromRequest for SignedIn {
    type Error = PageError;
    type Future = Extracted<SignedIn>;

    fn from_request(request: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let request = request.clone();
        Box::pin(async move {
            let lang = lang_of(&request);
            match session_of(&request).await {
                Ok(Some(signed_in)) => Ok(signed_in),
                Ok(None) => {
                    // Back to this page after signing in (a form's target is a POST: back to where
                    // the form was, the Referer, when it is ours).
                    let next = if request.method() == actix_web::http::Method::GET {
                        match request.query_string() {
                            "" => request.path().to_string(),
                            query => format!("{}?{query}", request.path()),
                        }
                    } else {
                        "/documents".to_string()
                    };
                    Err(PageError::new(lang, ApiError::SignInRequired { next }))
                }
                Err(error) => Err(PageError::new(lang, error)),
            }
        })
    }
}

/// The person of the request's session when there is one; public pages take it to show who is signed
/// in. Never fails: without the database it is `None`.
#[derive(Debug, Clone)]
pub struct MaybeSignedIn(pub Option<SignedIn>);

impl FromRequest for MaybeSignedIn {
    type Error = PageError;
    type Future = Extracted<MaybeSignedIn>;

    fn from_request(request: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let request = request.clone();
        Box::pin(async move { Ok(MaybeSignedIn(session_of(&request).await.ok().flatten())) })
    }
}

/// Whether the request comes from a page of this service: its `Origin` (or, without one, its
/// `Referer`) names this host. A form posted from another site carries that site's origin; a request
/// with neither header is refused too, since every browser sends one with a form.
fn same_origin(request: &HttpRequest) -> bool {
    let info = request.connection_info();
    let host = info.host().to_ascii_lowercase();
    let headers = request.headers();
    let origin = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok());
    let Some(origin) = origin else {
        return false;
    };
    // scheme://host[:port][/path...]: the authority must be this host (with its port).
    let Some((_, rest)) = origin.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    authority.eq_ignore_ascii_case(&host)
}

fn forbidden(lang: Lang) -> PageError {
    PageError::new(
        lang,
        ApiError::Forbidden(lang.text().get("session.forbidden").to_string()),
    )
}

/// The check every form that changes something runs first: the form came from a page of this service
/// (its origin) and carries the session's CSRF token. A failure is a 403 page; nothing is changed.
pub fn check_form(
    request: &HttpRequest,
    signed_in: &SignedIn,
    submitted_csrf: &str,
) -> Result<(), PageError> {
    if same_origin(request) && secrets_match(submitted_csrf, &signed_in.csrf_token) {
        Ok(())
    } else {
        tracing::warn!(person = %signed_in.name, path = %request.path(), "form refused: origin or CSRF token");
        Err(forbidden(lang_of(request)))
    }
}

#[derive(Template)]
#[template(path = "sign_in.html")]
pub struct SignInPage {
    pub page: Page,
    pub csrf_token: String,
    pub next: String,
    pub name: String,
    /// A message for the person (wrong password, too many attempts, signed out), already translated.
    pub message: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct SignInQuery {
    next: Option<String>,
}

/// Where to go after signing in: a path of this service only (never `//host` or `https://...`, which
/// would make the form an open redirect).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && !path.chars().any(char::is_control) =>
        {
            path.to_string()
        }
        _ => "/documents".to_string(),
    }
}

fn sign_in_form(
    page: &PageRequest,
    next: String,
    name: String,
    message: Option<String>,
    status: actix_web::http::StatusCode,
    secure: bool,
) -> Result<HttpResponse, PageError> {
    let csrf_token = new_secret();
    let body = SignInPage {
        page: layout(page, page.lang.text().get("session.title").to_string(), ""),
        csrf_token: csrf_token.clone(),
        next,
        name,
        message,
    }
    .render()
    .map_err(|e| PageError::new(page.lang, ApiError::Internal(e.to_string())))?;
    let cookie = Cookie::build(SIGN_IN_CSRF_COOKIE, csrf_token)
        .path("/sign-in")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .max_age(actix_web::cookie::time::Duration::hours(1))
        .finish();
    Ok(HttpResponse::build(status)
        .cookie(cookie)
        // The form holds a secret of its own: never kept by a cache.
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .content_type("text/html; charset=utf-8")
        .body(body))
}

/// `GET /sign-in?next=PATH`.
pub async fn sign_in_page(
    page: PageRequest,
    query: web::Query<SignInQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let next = safe_next(query.next.as_deref());
    sign_in_form(
        &page,
        next,
        String::new(),
        None,
        actix_web::http::StatusCode::OK,
        state.policy.secure_cookies,
    )
}

#[derive(Debug, Deserialize)]
pub struct SignInForm {
    name: String,
    password: String,
    csrf_token: String,
    next: Option<String>,
}

/// `POST /sign-in` (form: `name`, `password`, `csrf_token`, `next`).
pub async fn sign_in(
    page: PageRequest,
    state: web::Data<AppState>,
    form: web::Form<SignInForm>,
) -> Result<HttpResponse, PageError> {
    let request = page.request.clone();
    let lang = page.lang;
    let t = lang.text();
    let form = form.into_inner();
    let next = safe_next(form.next.as_deref());
    let secure = state.policy.secure_cookies;
    let csrf_ok = request
        .cookie(SIGN_IN_CSRF_COOKIE)
        .is_some_and(|cookie| secrets_match(cookie.value(), &form.csrf_token));
    if !same_origin(&request) || !csrf_ok {
        return Err(forbidden(lang));
    }
    let name = form.name.trim().to_string();
    if name.is_empty()
        || name.chars().count() > FIELD_CHARS
        || form.password.chars().count() > FIELD_CHARS
    {
        return sign_in_form(
            &page,
            next,
            name,
            Some(t.get("session.wrong").to_string()),
            actix_web::http::StatusCode::UNAUTHORIZED,
            secure,
        );
    }
    // Behind a load balancer the connection's address is the balancer's, and every reviewer would share
    // one count: the client's address comes from the forwarding headers, but only when the connection is
    // from a proxy named in `web.trusted_proxies` (anyone else could forge them to dodge the count).
    let address = {
        let header = |name: &str| {
            request
                .headers()
                .get(name)
                .and_then(|value| value.to_str().ok())
        };
        super::client_address::client_address(
            request.peer_addr().map(|socket| socket.ip()),
            header("forwarded"),
            header("x-forwarded-for"),
            &state.policy.trusted_proxies,
        )
        .map(|ip| ip.to_string())
        .unwrap_or_else(|| "unknown".into())
    };
    let policy = state.policy.sessions;
    let (who, password) = (name.clone(), form.password);
    let outcome = state
        .with_db(move |conn| users::sign_in(conn, &who, &password, &address, &policy))
        .await
        .map_err(|e| PageError::new(lang, e))?;
    match outcome {
        SignIn::Started(session) => {
            let cookie = Cookie::build(SESSION_COOKIE, session.secret)
                .path("/")
                .http_only(true)
                .same_site(SameSite::Lax)
                .secure(secure)
                .finish();
            let mut spent = Cookie::build(SIGN_IN_CSRF_COOKIE, "")
                .path("/sign-in")
                .finish();
            spent.make_removal();
            tracing::info!(person = %name, "signed in");
            Ok(HttpResponse::SeeOther()
                .cookie(cookie)
                .cookie(spent)
                .insert_header((header::LOCATION, next))
                .finish())
        }
        SignIn::Refused => {
            tracing::warn!(person = %name, "sign-in refused");
            sign_in_form(
                &page,
                next,
                name,
                Some(t.get("session.wrong").to_string()),
                actix_web::http::StatusCode::UNAUTHORIZED,
                secure,
            )
        }
        SignIn::Throttled {
            retry_after_seconds,
        } => {
            tracing::warn!(person = %name, "sign-in throttled");
            let mut response = sign_in_form(
                &page,
                next,
                name,
                Some(t.fill(
                    "session.throttled",
                    &[("minutes", &((retry_after_seconds + 59) / 60).to_string())],
                )),
                actix_web::http::StatusCode::TOO_MANY_REQUESTS,
                secure,
            )?;
            if let Ok(value) = header::HeaderValue::from_str(&retry_after_seconds.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            Ok(response)
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct SignOutForm {
    csrf_token: String,
}

/// `POST /sign-out` (form: `csrf_token`): ends the session; 303 to the sign-in form.
pub async fn sign_out(
    signed_in: SignedIn,
    request: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<SignOutForm>,
) -> Result<HttpResponse, PageError> {
    check_form(&request, &signed_in, &form.csrf_token)?;
    let lang = lang_of(&request);
    let secret = request
        .cookie(SESSION_COOKIE)
        .map(|c| c.value().to_string())
        .unwrap_or_default();
    let actor = signed_in.actor();
    state
        .with_db(move |conn| users::end_session(conn, &secret, &actor))
        .await
        .map_err(|e| PageError::new(lang, e))?;
    let mut removal = Cookie::build(SESSION_COOKIE, "").path("/").finish();
    removal.make_removal();
    Ok(HttpResponse::SeeOther()
        .cookie(removal)
        .insert_header((header::LOCATION, format!("/sign-in?lang={}", lang.code())))
        .finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_is_a_path_of_this_service_only() {
        assert_eq!(
            safe_next(Some("/documents/doc-1?show=all")),
            "/documents/doc-1?show=all"
        );
        for unsafe_next in [
            "//evil.example/x",
            "https://evil.example",
            "/\\evil",
            "documents",
            "/a\nb",
        ] {
            assert_eq!(
                safe_next(Some(unsafe_next)),
                "/documents",
                "{unsafe_next:?}"
            );
        }
        assert_eq!(safe_next(None), "/documents");
    }
}
