//! `/charts/*`: charts rendered on the server, SVG by default and PNG on request (`.png` or `?format=png`).
//! Handlers read the request; `chart_views` says what each chart shows.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::chart_views::{self, Drawn};
use super::extract::{CountryPath, Selected};
use super::i18n::Lang;
use super::{ApiError, AppState};
use crate::charts;
use crate::selection::{params::given, CountryView, Language, Selection};

/// A chart's own parameters, beside the selection.
#[derive(Debug, Default, Deserialize)]
pub struct ChartParams {
    width: Option<String>,
    height: Option<String>,
    format: Option<String>,
}

/// The language of a chart: `lang=` or English. Images are cached and embedded by address, so the
/// browser's Accept-Language is not consulted: the address alone says what the image holds.
fn chart_lang(selection: &Selection) -> Result<Lang, ApiError> {
    match selection.language {
        None | Some(Language::En) => Ok(Lang::En),
        Some(Language::Es) => Ok(Lang::Es),
        Some(other) => Err(ApiError::bad_parameter(
            "lang",
            format!("`{}` is not accepted; accepted: en, es", other.code()),
        )),
    }
}

/// Sizes accepted, in pixels.
const WIDTH: (u32, u32) = (400, 4000);
const HEIGHT: (u32, u32) = (200, 8000);

/// The chart's size: `width` and `height` within [`WIDTH`] and [`HEIGHT`], and for a PNG at most
/// `max_pixels` (`limits.chart_pixels`), since a PNG is drawn into a buffer of 3 bytes a pixel.
fn size(
    params: &ChartParams,
    natural: (u32, u32),
    png: bool,
    max_pixels: u64,
) -> Result<(u32, u32), ApiError> {
    let read = |parameter: &str, value: &Option<String>, default: u32, (min, max): (u32, u32)| {
        match given(value) {
            None => Ok(default.clamp(min, max)),
            Some(text) => match text.parse::<u32>() {
                Ok(n) if (min..=max).contains(&n) => Ok(n),
                _ => Err(ApiError::bad_parameter(
                    parameter,
                    format!("`{text}` is not accepted; accepted: {min}-{max} pixels"),
                )),
            },
        }
    };
    let (width, height) = (
        read("width", &params.width, natural.0, WIDTH)?,
        read("height", &params.height, natural.1, HEIGHT)?,
    );
    let pixels = u64::from(width) * u64::from(height);
    if png && pixels > max_pixels {
        let parameter = if given(&params.height).is_some() {
            "height"
        } else {
            "width"
        };
        return Err(ApiError::bad_parameter(
            parameter,
            format!(
                "a PNG of {width} x {height} pixels ({pixels}) is larger than this service draws \
                 (limits.chart_pixels = {max_pixels}); ask for a smaller one, or for the SVG, which \
                 scales to any size"
            ),
        ));
    }
    Ok((width, height))
}

fn wants_png(params: &ChartParams, extension: &str) -> Result<bool, ApiError> {
    match given(&params.format) {
        None => Ok(extension == "png"),
        Some("png") => Ok(true),
        Some("svg") => Ok(false),
        Some(other) => Err(ApiError::bad_parameter(
            "format",
            format!("`{other}` is not accepted; accepted: svg, png"),
        )),
    }
}

/// What every chart request settles before drawing: PNG or SVG, the language, the size.
struct Request {
    png: bool,
    lang: Lang,
    size: (u32, u32),
}

impl Request {
    fn new(
        state: &AppState,
        selection: &Selection,
        params: &ChartParams,
        extension: &str,
        natural: (u32, u32),
    ) -> Result<Request, ApiError> {
        let png = wants_png(params, extension)?;
        let lang = chart_lang(selection)?;
        let size = size(params, natural, png, state.policy.chart_pixels)?;
        Ok(Request { png, lang, size })
    }
}

/// Sends a drawn chart with its content type.
fn respond(drawn: Drawn) -> Result<HttpResponse, ApiError> {
    let (content_type, bytes) = drawn.map_err(ApiError::Internal)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type))
        .body(bytes))
}

/// `/charts/coverage-matrix.{svg,png}?group=`: countries x objectives, cells by depth.
pub async fn coverage_matrix(
    state: web::Data<AppState>,
    extension: web::Path<String>,
    selected: Selected,
    params: web::Query<ChartParams>,
) -> Result<HttpResponse, ApiError> {
    let Selected { data, selection } = selected;
    let (group, countries) = selection.group(&data)?;
    let natural = charts::matrix_size(countries.len());
    let r = Request::new(&state, &selection, &params, &extension, natural)?;
    // Rendering is CPU work: it runs on the render pool, like the database calls on theirs.
    let drawn = state
        .render(move || {
            chart_views::coverage_matrix(
                &data, &selection, &group, &countries, r.lang, r.png, r.size,
            )
        })
        .await?;
    respond(drawn)
}

/// `/charts/map.{svg,png}?group=`: a choropleth of objectives with evidence for the group's countries,
/// countries without evidence in these sources drawn apart, small island states as marked points.
pub async fn map(
    state: web::Data<AppState>,
    extension: web::Path<String>,
    selected: Selected,
    params: web::Query<ChartParams>,
) -> Result<HttpResponse, ApiError> {
    let Selected { data, selection } = selected;
    let (group, countries) = selection.group(&data)?;
    let natural = charts::map::map_size(&chart_views::map_extent(&countries));
    let r = Request::new(&state, &selection, &params, &extension, natural)?;
    let drawn = state
        .render(move || {
            chart_views::map(&data, &selection, &group, &countries, r.lang, r.png, r.size)
        })
        .await?;
    respond(drawn)
}

/// `/charts/compare.{svg,png}?countries=`: the coverage matrix of a few countries (the champion
/// countries unless `countries=` names others), as `/api/v1/compare` compares them.
pub async fn compare(
    state: web::Data<AppState>,
    extension: web::Path<String>,
    selected: Selected,
    params: web::Query<ChartParams>,
) -> Result<HttpResponse, ApiError> {
    let Selected { data, selection } = selected;
    let (group, countries) = selection.compared(&data)?;
    let natural = charts::matrix_size(countries.len());
    let r = Request::new(&state, &selection, &params, &extension, natural)?;
    let drawn = state
        .render(move || {
            chart_views::coverage_matrix(
                &data, &selection, &group, &countries, r.lang, r.png, r.size,
            )
        })
        .await?;
    respond(drawn)
}

/// `/charts/countries/{iso3}/areas.{svg,png}?peers=`: a country's coverage per thematic area.
pub async fn country_areas(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    country: CountryPath,
    selected: Selected,
    params: web::Query<ChartParams>,
) -> Result<HttpResponse, ApiError> {
    let Selected { data, selection } = selected;
    let natural = charts::bar_size(selection.grouping.groups.len());
    let r = Request::new(&state, &selection, &params, &path.1, natural)?;
    let drawn = state
        .render(move || {
            let view = CountryView::new(&data, &selection, &country.iso3, false)
                .map_err(|e| e.to_string())?;
            chart_views::country_areas(
                &data,
                &selection,
                &country.info,
                &view,
                r.lang,
                r.png,
                r.size,
            )
        })
        .await?;
    respond(drawn)
}

/// `/charts/objectives.{svg,png}?group=`: for each objective, how many countries have evidence.
pub async fn objectives(
    state: web::Data<AppState>,
    extension: web::Path<String>,
    selected: Selected,
    params: web::Query<ChartParams>,
) -> Result<HttpResponse, ApiError> {
    let Selected { data, selection } = selected;
    let (group, countries) = selection.group(&data)?;
    let natural = charts::bar_size(crate::framework::OBJECTIVE_COUNT as usize);
    let r = Request::new(&state, &selection, &params, &extension, natural)?;
    let drawn = state
        .render(move || {
            chart_views::objectives(&data, &selection, &group, &countries, r.lang, r.png, r.size)
        })
        .await?;
    respond(drawn)
}

/// `/charts/countries/{iso3}/change.{svg,png}?from=&to=`: a country's depth per objective in two cycles.
pub async fn country_change(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    country: CountryPath,
    selected: Selected,
    params: web::Query<ChartParams>,
) -> Result<HttpResponse, ApiError> {
    let Selected { data, selection } = selected;
    if selection.change.is_none() {
        return Err(ApiError::bad_parameter(
            "from",
            "two cycles are needed: give from= and to=",
        ));
    }
    let r = Request::new(&state, &selection, &params, &path.1, charts::matrix_size(2))?;
    let drawn = state
        .render(move || {
            let view = CountryView::new(&data, &selection, &country.iso3, true)
                .map_err(|e| e.to_string())?;
            chart_views::country_change(
                &data,
                &selection,
                &country.info,
                &view,
                r.lang,
                r.png,
                r.size,
            )
        })
        .await?;
    respond(drawn)
}

/// `/charts/principles.{svg,png}?group=`: for each guiding principle, how many countries have evidence.
pub async fn principles(
    state: web::Data<AppState>,
    extension: web::Path<String>,
    selected: Selected,
    params: web::Query<ChartParams>,
) -> Result<HttpResponse, ApiError> {
    let Selected { data, selection } = selected;
    let (group, countries) = selection.group(&data)?;
    let natural = charts::bar_size(data.principles.len());
    let r = Request::new(&state, &selection, &params, &extension, natural)?;
    let drawn = state
        .render(move || {
            chart_views::principles(&data, &selection, &group, &countries, r.lang, r.png, r.size)
        })
        .await?;
    respond(drawn)
}
