//! Placeholder of the session layer (replaced by the real one on merge).

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};

use super::pages::PageError;
use super::ApiError;

pub struct SignedIn {
    pub name: String,
    pub role: crate::auth::Role,
    pub csrf_token: String,
}

impl SignedIn {
    pub fn actor(&self) -> String {
        format!("user:{}", self.name)
    }
}

impl FromRequest for SignedIn {
    type Error = PageError;
    type Future = std::future::Ready<Result<SignedIn, PageError>>;

    fn from_request(_: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(Err(PageError::new(
            super::i18n::Lang::En,
            ApiError::Unauthorized("no sessions yet".into()),
        )))
    }
}

pub struct MaybeSignedIn(pub Option<SignedIn>);

impl FromRequest for MaybeSignedIn {
    type Error = PageError;
    type Future = std::future::Ready<Result<MaybeSignedIn, PageError>>;

    fn from_request(_: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(Ok(MaybeSignedIn(None)))
    }
}

pub fn check_form(
    _request: &HttpRequest,
    _signed_in: &SignedIn,
    _submitted_csrf: &str,
) -> Result<(), PageError> {
    Err(PageError::new(
        super::i18n::Lang::En,
        ApiError::Forbidden("no sessions yet".into()),
    ))
}
