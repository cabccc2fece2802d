//! Indicator endpoints. The dataset is read once per version of the evidence store and cached; the
//! indicators themselves are computed per request by the pure core, which takes milliseconds.

use actix_web::HttpResponse;

use super::answers::indicators::{
    CompareAnswer, GapsAnswer, IndicatorsAnswer, ObjectiveCountriesAnswer, ProfileAnswer,
};
use super::answers::ErrorAnswer;
use super::extract::{CountryPath, ObjectivePath, Selected};
use super::ApiError;
use crate::indicators;
use crate::selection::CountryView;

/// The parameters of the indicator endpoints, as the API description lists them.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // read by the OpenAPI derive only: the handlers take the whole selection
pub struct IndicatorParams {
    /// Countries: lac (default), americas, world, champions, vnr, vnr:CYCLE, subregion:NAME, bloc:ID,
    /// or ISO3 codes such as COL,ECU,MEX.
    group: Option<String>,
    /// Cycles to count: all (default) or a comma list such as 2021,2025.
    cycle: Option<String>,
    /// Grouping of objectives: mptf (default) or imrf.
    grouping: Option<String>,
    /// Mapping bases to count (default: all but auto), or all.
    basis: Option<String>,
}

/// The parameters of a country profile, as the API description lists them.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // read by the OpenAPI derive only
pub struct ProfileParams {
    /// Cycles to count: all (default) or a comma list.
    cycle: Option<String>,
    /// Grouping of objectives: mptf (default) or imrf.
    grouping: Option<String>,
    /// Mapping bases to count (default: all but auto), or all.
    basis: Option<String>,
    /// The peer group (group syntax); by default the country's subregion.
    peers: Option<String>,
    /// The change's first cycle (default: the second-latest review cycle).
    from: Option<String>,
    /// The change's second cycle (default: the latest review cycle).
    to: Option<String>,
}

/// The parameters of a comparison, as the API description lists them.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // read by the OpenAPI derive only
pub struct CompareParams {
    /// ISO3 codes such as COL,ECU,MEX (or a group); the champion countries by default.
    countries: Option<String>,
    cycle: Option<String>,
    grouping: Option<String>,
    basis: Option<String>,
}

/// Coverage indicators of every country of a group.
#[utoipa::path(get, path = "/api/v1/indicators", params(IndicatorParams), tag = "indicators",
    responses((status = 200, body = IndicatorsAnswer), (status = 400, body = ErrorAnswer)))]
pub async fn indicators(selected: Selected) -> Result<HttpResponse, ApiError> {
    let Selected { data, selection } = selected;
    let (group, members) = selection.group(&data)?;
    let rows = indicators::compute(&data, &selection.counting, &selection.grouping, &members);
    Ok(HttpResponse::Ok().json(IndicatorsAnswer::new(&data, &selection, &group, &rows)))
}

/// Every indicator of one country, with the items behind each cell, its peers and its change.
#[utoipa::path(get, path = "/api/v1/countries/{iso3}/profile", tag = "indicators",
    params(("iso3" = String, Path, description = "ISO 3166-1 alpha-3 code, any case"), ProfileParams),
    responses((status = 200, body = ProfileAnswer), (status = 400, body = ErrorAnswer),
        (status = 404, body = ErrorAnswer)))]
pub async fn profile(country: CountryPath, selected: Selected) -> Result<HttpResponse, ApiError> {
    let Selected { data, selection } = selected;
    let view = CountryView::new(&data, &selection, &country.iso3, true)?;
    Ok(HttpResponse::Ok().json(ProfileAnswer::new(&data, &selection, &view)))
}

/// Who has evidence for an objective, deepest first.
#[utoipa::path(get, path = "/api/v1/objectives/{n}/countries", tag = "indicators",
    params(("n" = i32, Path, description = "objective number, 1-23"), IndicatorParams),
    responses((status = 200, body = ObjectiveCountriesAnswer), (status = 400, body = ErrorAnswer)))]
pub async fn objective_countries(
    objective: ObjectivePath,
    selected: Selected,
) -> Result<HttpResponse, ApiError> {
    let Selected { data, selection } = selected;
    let (group, members) = selection.group(&data)?;
    let rows = indicators::compute(&data, &selection.counting, &selection.grouping, &members);
    Ok(HttpResponse::Ok().json(ObjectiveCountriesAnswer::new(
        &data,
        &selection,
        &group,
        objective.0,
        &rows,
    )))
}

/// Countries side by side (the champion countries unless `countries=` names others).
#[utoipa::path(get, path = "/api/v1/compare", params(CompareParams), tag = "indicators",
    responses((status = 200, body = CompareAnswer), (status = 400, body = ErrorAnswer)))]
pub async fn compare(selected: Selected) -> Result<HttpResponse, ApiError> {
    let Selected { data, selection } = selected;
    let (group, members) = selection.compared(&data)?;
    let rows = indicators::compute(&data, &selection.counting, &selection.grouping, &members);
    Ok(HttpResponse::Ok().json(CompareAnswer::new(&data, &selection, &group, &rows)))
}

/// Objectives no member of a group has evidence for, and the members with the least.
#[utoipa::path(get, path = "/api/v1/gaps", params(IndicatorParams), tag = "indicators",
    responses((status = 200, body = GapsAnswer), (status = 400, body = ErrorAnswer)))]
pub async fn gaps(selected: Selected) -> Result<HttpResponse, ApiError> {
    let Selected { data, selection } = selected;
    let (group, members) = selection.group(&data)?;
    let rows = indicators::compute(&data, &selection.counting, &selection.grouping, &members);
    let gaps = indicators::gaps(&rows);
    Ok(HttpResponse::Ok().json(GapsAnswer::new(&data, &selection, &group, &rows, &gaps)))
}
