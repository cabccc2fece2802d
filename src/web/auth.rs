//! Who is calling: the `Authorization: Bearer <token>` header checked against the stored token hashes.
//! Handlers that write take an [`Editor`] (or [`Admin`]) argument, so a write without a valid token of
//! the right role never reaches them: 401 without or with a bad token, 403 for a role too low.
//! Tokens are never logged: only the token's name appears in the audit log.

use std::future::Future;
use std::pin::Pin;

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method};
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpRequest};

use super::{ApiError, AppState};
use crate::auth::{bearer, Role};
use crate::db::tokens;

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller {
    pub name: String,
    pub role: Role,
}

/// A caller allowed to ingest and review (an editor or an admin).
#[derive(Debug, Clone)]
pub struct Editor(pub Caller);

/// A caller allowed to administer (an admin).
#[derive(Debug, Clone)]
pub struct Admin(pub Caller);

/// The caller of a request, from its token.
pub async fn caller(request: &HttpRequest) -> Result<Caller, ApiError> {
    let state = request
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::Internal("application state missing".into()))?;
    let Some(value) = request.headers().get(header::AUTHORIZATION) else {
        return Err(ApiError::Unauthorized(
            "this needs an API token: send `Authorization: Bearer <token>` (an administrator creates tokens with `gcm token create`)".into(),
        ));
    };
    let token = value
        .to_str()
        .ok()
        .and_then(bearer)
        .ok_or_else(|| {
            ApiError::Unauthorized("the Authorization header is not `Bearer <token>`".into())
        })?
        .to_string();
    let found = state
        .with_live_db(move |conn| tokens::authenticate(conn, &token))
        .await?;
    found
        .map(|(name, role)| Caller { name, role })
        .ok_or_else(|| ApiError::Unauthorized("the token is not valid: unknown or revoked".into()))
}

async fn with_role(request: HttpRequest, needed: Role) -> Result<Caller, ApiError> {
    let caller = caller(&request).await?;
    if caller.role.allows(needed) {
        Ok(caller)
    } else {
        Err(ApiError::Forbidden(format!(
            "the token `{}` has the role {}; this needs {}",
            caller.name,
            caller.role.as_str(),
            needed.as_str()
        )))
    }
}

type Extracted<T> = Pin<Box<dyn Future<Output = Result<T, ApiError>>>>;

impl FromRequest for Editor {
    type Error = ApiError;
    type Future = Extracted<Editor>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let request = request.clone();
        Box::pin(async move { with_role(request, Role::Editor).await.map(Editor) })
    }
}

impl FromRequest for Admin {
    type Error = ApiError;
    type Future = Extracted<Admin>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let request = request.clone();
        Box::pin(async move { with_role(request, Role::Admin).await.map(Admin) })
    }
}

/// Middleware: with `auth.read_requires_token`, every read (but `/health` and the stylesheet and script)
/// needs a valid token of any role. Writes check their own, stricter role in the handler.
pub async fn reading_policy(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    let required = request
        .app_data::<web::Data<AppState>>()
        .is_some_and(|state| state.policy.read_requires_token);
    let exempt = request.path() == "/health" || request.path().starts_with("/static/");
    let reading = matches!(*request.method(), Method::GET | Method::HEAD);
    if required && reading && !exempt {
        let http = request.request().clone();
        if let Err(error) = caller(&http).await {
            return Ok(request.error_response(error).map_into_boxed_body());
        }
    }
    Ok(next.call(request).await?.map_into_boxed_body())
}
