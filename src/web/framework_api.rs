//! `/api/v1/framework` and `/api/v1/countries`.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::answers::framework::{CountriesAnswer, FrameworkAnswer};
use super::answers::ErrorAnswer;
use super::{ApiError, AppState};
use crate::db::reference::{self, CountryFilter};

/// The GCM framework: 23 objectives, 10 guiding principles, the groupings of objectives.
#[utoipa::path(get, path = "/api/v1/framework", tag = "reference",
    responses((status = 200, body = FrameworkAnswer)))]
pub async fn framework(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let framework = state.with_db(|conn| reference::framework(conn)).await?;
    Ok(HttpResponse::Ok().json(FrameworkAnswer::new(&framework)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CountriesParams {
    /// A UN M49 subregion, such as Caribbean.
    subregion: Option<String>,
    /// A bloc id, such as SACM.
    bloc: Option<String>,
}

/// Every ISO 3166-1 country and territory, optionally of one subregion or bloc.
#[utoipa::path(get, path = "/api/v1/countries", params(CountriesParams), tag = "reference",
    responses((status = 200, body = CountriesAnswer), (status = 400, body = ErrorAnswer)))]
pub async fn countries(
    state: web::Data<AppState>,
    query: web::Query<CountriesParams>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let result = state
        .with_db(move |conn| {
            // Validation needs the stored lists, so it runs with the same connection; the outcome is a
            // Result inside the Result: the outer one is the database, the inner one the request.
            let mut filter = CountryFilter::default();
            if let Some(wanted) = query.subregion.as_deref().filter(|s| !s.is_empty()) {
                let known = reference::subregions(conn)?;
                match known.iter().find(|s| s.eq_ignore_ascii_case(wanted.trim())) {
                    Some(canonical) => filter.subregion = Some(canonical.clone()),
                    None => {
                        return Ok(Err(ApiError::bad_parameter(
                            "subregion",
                            format!(
                                "unknown subregion `{wanted}`; accepted (UN M49): {}",
                                known.join(", ")
                            ),
                        )))
                    }
                }
            }
            if let Some(wanted) = query.bloc.as_deref().filter(|s| !s.is_empty()) {
                let known = reference::bloc_ids(conn)?;
                match known.iter().find(|b| b.eq_ignore_ascii_case(wanted.trim())) {
                    Some(canonical) => filter.bloc = Some(canonical.clone()),
                    None => {
                        return Ok(Err(ApiError::bad_parameter(
                            "bloc",
                            format!("unknown bloc `{wanted}`; accepted: {}", known.join(", ")),
                        )))
                    }
                }
            }
            Ok(Ok(reference::countries(conn, &filter)?))
        })
        .await?;
    Ok(HttpResponse::Ok().json(CountriesAnswer::new(&result?)))
}
