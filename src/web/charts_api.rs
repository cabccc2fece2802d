//! `/charts/*`: charts rendered on the server, SVG by default and PNG on request (`.png` or `?format=png`).

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::indicators_api::dataset;
use super::params::given;
use super::{ApiError, AppState};
use crate::charts::{self, MatrixChart};
use crate::indicators::groups::Group;
use crate::indicators::request::{members, resolve, IndicatorQuery};
use crate::indicators::{self, METHOD_VERSION};

#[derive(Debug, Default, Deserialize)]
pub struct ChartQuery {
    #[serde(flatten)]
    indicators: IndicatorQuery,
    width: Option<String>,
    height: Option<String>,
    format: Option<String>,
}

/// Sizes accepted, in pixels.
const WIDTH: (u32, u32) = (400, 4000);
const HEIGHT: (u32, u32) = (200, 8000);

fn size(query: &ChartQuery, natural: (u32, u32)) -> Result<(u32, u32), ApiError> {
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
    Ok((
        read("width", &query.width, natural.0, WIDTH)?,
        read("height", &query.height, natural.1, HEIGHT)?,
    ))
}

fn wants_png(query: &ChartQuery, extension_png: bool) -> Result<bool, ApiError> {
    match given(&query.format) {
        None => Ok(extension_png),
        Some("png") => Ok(true),
        Some("svg") => Ok(false),
        Some(other) => Err(ApiError::bad_parameter(
            "format",
            format!("`{other}` is not accepted; accepted: svg, png"),
        )),
    }
}

pub async fn coverage_matrix_svg(
    state: web::Data<AppState>,
    query: web::Query<ChartQuery>,
) -> Result<HttpResponse, ApiError> {
    coverage_matrix(state, query.into_inner(), false).await
}

pub async fn coverage_matrix_png(
    state: web::Data<AppState>,
    query: web::Query<ChartQuery>,
) -> Result<HttpResponse, ApiError> {
    coverage_matrix(state, query.into_inner(), true).await
}

async fn coverage_matrix(
    state: web::Data<AppState>,
    query: ChartQuery,
    extension_png: bool,
) -> Result<HttpResponse, ApiError> {
    let png = wants_png(&query, extension_png)?;
    let data = dataset(&state).await?;
    let resolved = resolve(&data, &query.indicators)?;
    let (group, countries) = members(&data, "group", given(&query.indicators.group), Group::Lac)?;
    let size = size(&query, charts::matrix_size(countries.len()))?;
    // Rendering is CPU work: it runs on the blocking pool, like the database calls.
    let rendered = web::block(move || {
        let rows = indicators::compute(&data, &resolved.selection, &resolved.grouping, &countries);
        let cycles = resolved.selection.cycle_list(&data).join(", ");
        let bases: Vec<&str> = resolved.selection.bases.iter().map(|b| b.as_str()).collect();
        let sources = resolved.selection.sources(&data);
        let chart = MatrixChart {
            title: format!("Evidence per GCM objective, {} countries ({group})", rows.len()),
            subtitle: format!(
                "Depth 0-3 per objective, grouped by {} {}; cycles {cycles}; bases {}; {} sources ({}); {METHOD_VERSION}",
                resolved.grouping.id,
                resolved.grouping.version,
                bases.join(", "),
                sources.len(),
                sources.join(", ")
            ),
            grouping: &resolved.grouping,
            rows: rows
                .iter()
                .map(|r| {
                    let name = data
                        .countries
                        .get(&r.iso3)
                        .map(|c| c.name_en.clone())
                        .unwrap_or_else(|| r.iso3.clone());
                    (name, r)
                })
                .collect(),
        };
        if png {
            charts::matrix_png(&chart, size).map(|bytes| ("image/png", bytes))
        } else {
            charts::matrix_svg(&chart, size).map(|svg| ("image/svg+xml", svg.into_bytes()))
        }
    })
    .await?;
    let (content_type, bytes) = rendered.map_err(ApiError::Internal)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type))
        .body(bytes))
}
