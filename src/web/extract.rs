//! What handlers take instead of raw strings: the request's selection resolved against the current
//! dataset ([`Selected`]), a country of the address ([`CountryPath`]) and an objective of the address
//! ([`ObjectivePath`]). Each is parsed and checked here, once; a bad value is answered 400 (or 404 for
//! an unknown country) as JSON, or as a page in the reader's language on the pages.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};

use super::i18n::{negotiate, Lang};
use super::{ApiError, AppState};
use crate::indicators::{CountryInfo, Dataset};
use crate::selection::params::OBJECTIVE_NUMBER;
use crate::selection::{Selection, SelectionParams};

type Extracted<T> = Pin<Box<dyn Future<Output = Result<T, actix_web::Error>>>>;

/// An error of an extractor, answered as JSON or as a page (in the language of the address when it
/// names one, else the browser's).
fn refuse(request: &HttpRequest, error: ApiError) -> actix_web::Error {
    let response = super::error_answer(request, error);
    actix_web::error::InternalError::from_response("refused", response).into()
}

/// The indicator dataset of the current store version: loaded once per request (the first extractor
/// that needs it keeps it in the request's extensions) and once per store version (the state's cache).
pub async fn request_dataset(request: &HttpRequest) -> Result<Arc<Dataset>, ApiError> {
    if let Some(data) = request.extensions().get::<Arc<Dataset>>() {
        return Ok(data.clone());
    }
    let state = request
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::Internal("application state missing".into()))?;
    let data = state.dataset().await?;
    request.extensions_mut().insert(data.clone());
    Ok(data)
}

/// The selection parameters of the query string (unknown parameters are left to others).
pub fn selection_params(request: &HttpRequest) -> Result<SelectionParams, ApiError> {
    web::Query::<SelectionParams>::from_query(request.query_string())
        .map(web::Query::into_inner)
        .map_err(super::error::query_error)
}

/// The request's selection, resolved against the dataset it was read from.
pub struct Selected {
    pub data: Arc<Dataset>,
    pub selection: Selection,
}

impl Selected {
    async fn extract(request: &HttpRequest) -> Result<Selected, ApiError> {
        let params = selection_params(request)?;
        let data = request_dataset(request).await?;
        let selection = Selection::resolve(&data, &params)?;
        Ok(Selected { data, selection })
    }
}

impl FromRequest for Selected {
    type Error = actix_web::Error;
    type Future = Extracted<Selected>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let request = request.clone();
        Box::pin(async move {
            if super::speaks_html(request.path()) {
                // A page's language is settled first, so that an error in the rest is told in it.
                let lang = page_lang(&request).map_err(|e| refuse(&request, e))?;
                return Selected::extract(&request)
                    .await
                    .map_err(|e| super::pages::PageError::new(lang, e).into());
            }
            Selected::extract(&request)
                .await
                .map_err(|e| refuse(&request, e))
        })
    }
}

/// The language of a page: `lang=` (en or es), else the browser's `Accept-Language`, else English.
pub fn page_lang(request: &HttpRequest) -> Result<Lang, ApiError> {
    let params = selection_params(request)?;
    let accept = request
        .headers()
        .get(actix_web::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    negotiate(params.lang.as_deref(), accept).map_err(|m| ApiError::bad_parameter("lang", m))
}

/// A country named in the address (`{iso3}`, any case), known to the dataset.
pub struct CountryPath {
    pub iso3: String,
    pub info: CountryInfo,
}

impl CountryPath {
    async fn extract(request: &HttpRequest) -> Result<CountryPath, ApiError> {
        let given = request.match_info().get("iso3").unwrap_or_default();
        let iso3 = given.trim().to_uppercase();
        let data = request_dataset(request).await?;
        match data.countries.get(&iso3) {
            Some(info) => Ok(CountryPath {
                iso3,
                info: info.clone(),
            }),
            None => Err(ApiError::NotFound(format!(
                "no country `{iso3}`; use an ISO 3166-1 alpha-3 code such as MEX"
            ))),
        }
    }
}

impl FromRequest for CountryPath {
    type Error = actix_web::Error;
    type Future = Extracted<CountryPath>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let request = request.clone();
        Box::pin(async move {
            let found = CountryPath::extract(&request).await;
            found.map_err(|e| in_language(&request, e))
        })
    }
}

/// An objective's number in the address (`{n}`), 1-23.
pub struct ObjectivePath(pub i32);

impl FromRequest for ObjectivePath {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<ObjectivePath, actix_web::Error>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let text = request.match_info().get("n").unwrap_or_default();
        let number = OBJECTIVE_NUMBER
            .read("objective", text)
            .map(|n| ObjectivePath(n as i32))
            .map_err(|e| in_language(request, e.into()));
        std::future::ready(number)
    }
}

/// An error answered in the language of the page when the address is a page's.
fn in_language(request: &HttpRequest, error: ApiError) -> actix_web::Error {
    if super::speaks_html(request.path()) {
        let lang = page_lang(request).unwrap_or(Lang::En);
        return super::pages::PageError::new(lang, error).into();
    }
    refuse(request, error)
}
