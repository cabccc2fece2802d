//! `/charts/*`: charts rendered on the server, SVG by default and PNG on request (`.png` or `?format=png`).

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::indicators_api::dataset;
use super::params::given;
use super::{ApiError, AppState};
use crate::charts::{self, MatrixChart};
use crate::indicators::groups::Group;
use crate::indicators::request::{change_cycles, members, resolve, IndicatorQuery};
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
        // Rows in the order of the names a reader scans for, not of the ISO codes.
        let mut named: Vec<(String, &indicators::CountryIndicators)> = rows
            .iter()
            .map(|r| {
                let name = data
                    .countries
                    .get(&r.iso3)
                    .map(|c| c.name_en.clone())
                    .unwrap_or_else(|| r.iso3.clone());
                (name, r)
            })
            .collect();
        named.sort_by(|a, b| a.0.cmp(&b.0));
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
            rows: named,
        };
        render_matrix(&chart, png, size)
    })
    .await?;
    let (content_type, bytes) = rendered.map_err(ApiError::Internal)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type))
        .body(bytes))
}

/// Sends a rendered chart with its content type.
fn chart_response(
    rendered: Result<(&'static str, Vec<u8>), String>,
) -> Result<HttpResponse, ApiError> {
    let (content_type, bytes) = rendered.map_err(ApiError::Internal)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type))
        .body(bytes))
}

fn render_matrix(
    chart: &MatrixChart<'_>,
    png: bool,
    size: (u32, u32),
) -> Result<(&'static str, Vec<u8>), String> {
    if png {
        charts::matrix_png(chart, size).map(|bytes| ("image/png", bytes))
    } else {
        charts::matrix_svg(chart, size).map(|svg| ("image/svg+xml", svg.into_bytes()))
    }
}

fn render_bars(
    chart: &charts::BarChart,
    png: bool,
    size: (u32, u32),
) -> Result<(&'static str, Vec<u8>), String> {
    if png {
        charts::bars_png(chart, size).map(|bytes| ("image/png", bytes))
    } else {
        charts::bars_svg(chart, size).map(|svg| ("image/svg+xml", svg.into_bytes()))
    }
}

/// The counted selection in words, for subtitles.
fn counted_words(
    data: &indicators::Dataset,
    resolved: &crate::indicators::request::Resolved,
) -> String {
    let bases: Vec<&str> = resolved
        .selection
        .bases
        .iter()
        .map(|b| b.as_str())
        .collect();
    let sources = resolved.selection.sources(data);
    format!(
        "cycles {}; bases {}; {} sources ({}); {METHOD_VERSION}",
        resolved.selection.cycle_list(data).join(", "),
        bases.join(", "),
        sources.len(),
        sources.join(", ")
    )
}

pub async fn country_areas(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    query: web::Query<ChartQuery>,
) -> Result<HttpResponse, ApiError> {
    let (iso3, extension) = path.into_inner();
    let png = wants_png(&query, extension == "png")?;
    let data = dataset(&state).await?;
    let iso3 = iso3.to_uppercase();
    let Some(info) = data.countries.get(&iso3).cloned() else {
        return Err(ApiError::NotFound(format!("no country `{iso3}`")));
    };
    let resolved = resolve(&data, &query.indicators)?;
    let default_peers = info
        .subregion
        .clone()
        .map(Group::Subregion)
        .unwrap_or(Group::World);
    let (peer_group, peers) = members(
        &data,
        "peers",
        given(&query.indicators.peers),
        default_peers,
    )?;
    let size = size(&query, charts::bar_size(resolved.grouping.groups.len()))?;
    let rendered = web::block(move || {
        let own = indicators::compute(&data, &resolved.selection, &resolved.grouping, std::slice::from_ref(&iso3)).remove(0);
        let peer_rows = indicators::compute(&data, &resolved.selection, &resolved.grouping, &peers);
        let comparison = indicators::compare_with_peers(&own, &peer_rows);
        let bars = own
            .areas
            .iter()
            .zip(&comparison.areas)
            .map(|(area, peer)| {
                let share = |n: f64| if area.total == 0 { 0.0 } else { 100.0 * n / area.total as f64 };
                let median = peer.median_covered;
                charts::Bar {
                    label: area.id.clone(),
                    value: share(area.covered as f64),
                    marker: median.map(share),
                    text: match median {
                        Some(m) => format!("{} of {} (peers' median {m})", area.covered, area.total),
                        None => format!("{} of {}", area.covered, area.total),
                    },
                }
            })
            .collect();
        let summary = if own.has_evidence() {
            format!(
                "{} has evidence for {} of {} objectives; by area: {}.",
                info.name_en,
                own.objectives_covered,
                crate::framework::OBJECTIVE_COUNT,
                own.areas
                    .iter()
                    .map(|a| format!("{} {} of {}", a.id, a.covered, a.total))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else {
            format!("{} has no evidence in these sources.", info.name_en)
        };
        let chart = charts::BarChart {
            title: format!("{}: objectives with evidence per area", info.name_en),
            subtitle: format!(
                "{} {} (objective 23 counts in each area); peers {peer_group} ({} with evidence); {}",
                resolved.grouping.id,
                resolved.grouping.version,
                comparison.members_with_evidence.len(),
                counted_words(&data, &resolved)
            ),
            unit: "% of the area's objectives".into(),
            max: 100.0,
            bars,
            summary,
            marker_label: Some(format!("median of the peers ({peer_group}) with evidence")),
        };
        render_bars(&chart, png, size)
    })
    .await?;
    chart_response(rendered)
}

pub async fn objectives(
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<ChartQuery>,
) -> Result<HttpResponse, ApiError> {
    let png = wants_png(&query, path.into_inner() == "png")?;
    let data = dataset(&state).await?;
    let resolved = resolve(&data, &query.indicators)?;
    let (group, countries) = members(&data, "group", given(&query.indicators.group), Group::Lac)?;
    let size = size(
        &query,
        charts::bar_size(crate::framework::OBJECTIVE_COUNT as usize),
    )?;
    let rendered = web::block(move || {
        let rows = indicators::compute(&data, &resolved.selection, &resolved.grouping, &countries);
        let n = rows.len();
        let gaps = indicators::gaps(&rows);
        let bars = gaps
            .objectives
            .iter()
            .map(|o| charts::Bar {
                label: match data.objective_labels.get(o.objective as usize - 1) {
                    Some(short) => format!("{} {short}", o.objective),
                    None => o.objective.to_string(),
                },
                value: o.countries_with_evidence as f64,
                marker: None,
                text: format!("{} of {n}", o.countries_with_evidence),
            })
            .collect();
        let summary = if gaps.objectives_without_evidence.is_empty() {
            format!("Every objective has evidence from at least one of the {n} countries.")
        } else {
            format!(
                "No country of the {n} has evidence for objective(s) {}.",
                gaps.objectives_without_evidence
                    .iter()
                    .map(|o| o.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let chart = charts::BarChart {
            title: format!("Countries with evidence per GCM objective ({group}, {n} countries)"),
            subtitle: counted_words(&data, &resolved),
            unit: "countries".into(),
            max: n as f64,
            bars,
            summary,
            marker_label: None,
        };
        render_bars(&chart, png, size)
    })
    .await?;
    chart_response(rendered)
}

/// `/charts/compare.svg?countries=`: the coverage matrix of a few countries (champions by default).
pub async fn compare(
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<ChartQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut query = query.into_inner();
    let countries = query.indicators.countries.take();
    query.indicators.group = Some(countries.unwrap_or_else(|| "champions".to_string()));
    coverage_matrix(state, query, path.into_inner() == "png").await
}

/// `/charts/countries/{iso3}/change.svg?from=&to=`: a country's depth per objective in two cycles.
pub async fn country_change(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    query: web::Query<ChartQuery>,
) -> Result<HttpResponse, ApiError> {
    let (iso3, extension) = path.into_inner();
    let png = wants_png(&query, extension == "png")?;
    let data = dataset(&state).await?;
    let iso3 = iso3.to_uppercase();
    let Some(info) = data.countries.get(&iso3).cloned() else {
        return Err(ApiError::NotFound(format!("no country `{iso3}`")));
    };
    let resolved = resolve(&data, &query.indicators)?;
    let Some((from, to)) = change_cycles(&data, &query.indicators)? else {
        return Err(ApiError::bad_parameter(
            "from",
            "two cycles are needed: give from= and to=",
        ));
    };
    let size = size(&query, charts::matrix_size(2))?;
    let rendered = web::block(move || {
        let at = |cycle: &str| {
            let selection = indicators::Selection {
                cycles: Some([cycle.to_string()].into_iter().collect()),
                bases: resolved.selection.bases.clone(),
            };
            indicators::compute(&data, &selection, &resolved.grouping, std::slice::from_ref(&iso3))
                .remove(0)
        };
        let (before, after) = (at(&from), at(&to));
        let change = indicators::change(&from, &to, &before, &after);
        let bases: Vec<&str> = resolved.selection.bases.iter().map(|b| b.as_str()).collect();
        let sources = |cycle: &str| data.sources_by_cycle.get(cycle).cloned().unwrap_or_default().join(", ");
        let mut subtitle = format!(
            "Depth 0-3 per objective; {from}: sources {}; {to}: sources {}; bases {}; {METHOD_VERSION}",
            sources(&from),
            sources(&to),
            bases.join(", ")
        );
        if !change.comparable {
            subtitle.push_str(
                "; not comparable: one cycle's sources have no evidence for this country, which is not a change",
            );
        }
        let chart = MatrixChart {
            title: format!("{}: evidence per objective, {from} and {to}", info.name_en),
            subtitle,
            grouping: &resolved.grouping,
            rows: vec![(format!("cycle {from}"), &before), (format!("cycle {to}"), &after)],
        };
        render_matrix(&chart, png, size)
    })
    .await?;
    chart_response(rendered)
}

/// `/charts/principles.svg?group=`: for each guiding principle, how many countries have evidence.
pub async fn principles(
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<ChartQuery>,
) -> Result<HttpResponse, ApiError> {
    let png = wants_png(&query, path.into_inner() == "png")?;
    let data = dataset(&state).await?;
    let resolved = resolve(&data, &query.indicators)?;
    let (group, countries) = members(&data, "group", given(&query.indicators.group), Group::Lac)?;
    let size = size(&query, charts::bar_size(data.principles.len()))?;
    let rendered = web::block(move || {
        let rows = indicators::compute(&data, &resolved.selection, &resolved.grouping, &countries);
        let n = rows.len();
        let bars: Vec<charts::Bar> = data
            .principles
            .iter()
            .enumerate()
            .map(|(i, key)| {
                let with = rows
                    .iter()
                    .filter(|r| r.principles.get(i).is_some_and(|p| p.evidence_count > 0))
                    .count();
                charts::Bar {
                    label: key.clone(),
                    value: with as f64,
                    marker: None,
                    text: format!("{with} of {n}"),
                }
            })
            .collect();
        let summary = bars
            .iter()
            .map(|b| format!("{}: {}", b.label, b.text))
            .collect::<Vec<_>>()
            .join("; ")
            + ".";
        let chart = charts::BarChart {
            title: format!(
                "Countries with evidence per guiding principle ({group}, {n} countries)"
            ),
            subtitle: counted_words(&data, &resolved),
            unit: "countries".into(),
            max: n as f64,
            bars,
            summary,
            marker_label: None,
        };
        render_bars(&chart, png, size)
    })
    .await?;
    chart_response(rendered)
}
