//! `/charts/*`: charts rendered on the server, SVG by default and PNG on request (`.png` or `?format=png`).

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::i18n::Lang;
use super::indicators_api::dataset;
use super::pages::Names;
use super::params::given;
use super::{ApiError, AppState};
use crate::charts::{self, MatrixChart};
use crate::indicators::groups::Group;
use crate::indicators::request::{change_cycles, members, peers, resolve, IndicatorQuery};
use crate::indicators::{self, METHOD_VERSION};

#[derive(Debug, Default, Deserialize)]
pub struct ChartQuery {
    #[serde(flatten)]
    indicators: IndicatorQuery,
    width: Option<String>,
    height: Option<String>,
    format: Option<String>,
    /// Language of the words on the chart: en (default) or es.
    lang: Option<String>,
}

/// The language of a chart: `lang=` or English. Images are cached and embedded by address, so the
/// browser's Accept-Language is not consulted: the address alone says what the image holds.
fn chart_lang(query: &ChartQuery) -> Result<Lang, ApiError> {
    match given(&query.lang) {
        None => Ok(Lang::En),
        Some(code) => Lang::parse(code).ok_or_else(|| {
            ApiError::bad_parameter(
                "lang",
                format!("`{code}` is not accepted; accepted: en, es"),
            )
        }),
    }
}

/// The matrix chart's words in `lang`.
fn matrix_labels(lang: Lang) -> charts::MatrixLabels {
    let t = lang.text();
    charts::MatrixLabels {
        depth: [
            t.get("chart.legend.3").to_string(),
            t.get("chart.legend.2").to_string(),
            t.get("chart.legend.1").to_string(),
            t.get("chart.legend.0").to_string(),
        ],
        no_evidence_at_all: t.get("chart.legend.none").to_string(),
        all_areas: t.get("chart.all_areas").to_string(),
        row_without_evidence: t.get("chart.row.no_evidence").to_string(),
    }
}

fn country_name(info: &indicators::CountryInfo, lang: Lang) -> String {
    match lang {
        Lang::En => info.name_en.clone(),
        Lang::Es => info.name_es.clone(),
    }
}

/// Sizes accepted, in pixels.
const WIDTH: (u32, u32) = (400, 4000);
const HEIGHT: (u32, u32) = (200, 8000);

/// The chart's size: `width` and `height` within [`WIDTH`] and [`HEIGHT`], and for a PNG at most
/// `max_pixels` (`limits.chart_pixels`), since a PNG is drawn into a buffer of 3 bytes a pixel.
fn size(
    query: &ChartQuery,
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
        read("width", &query.width, natural.0, WIDTH)?,
        read("height", &query.height, natural.1, HEIGHT)?,
    );
    let pixels = u64::from(width) * u64::from(height);
    if png && pixels > max_pixels {
        let parameter = if given(&query.height).is_some() {
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
    let lang = chart_lang(&query)?;
    let data = dataset(&state).await?;
    let resolved = resolve(&data, &query.indicators)?;
    let (group, countries) = members(&data, "group", given(&query.indicators.group), Group::Lac)?;
    let size = size(
        &query,
        charts::matrix_size(countries.len()),
        png,
        state.policy.chart_pixels,
    )?;
    // Rendering is CPU work: it runs on the blocking pool, like the database calls.
    let rendered = state
        .render(move || {
            let rows =
                indicators::compute(&data, &resolved.selection, &resolved.grouping, &countries);
            // Rows in the order of the names a reader scans for, not of the ISO codes.
            let names = Names { lang, data: &data };
            let mut named: Vec<(String, &indicators::CountryIndicators)> =
                rows.iter().map(|r| (names.country(&r.iso3), r)).collect();
            named.sort_by(|a, b| a.0.cmp(&b.0));
            let t = lang.text();
            let with: Vec<&(String, &indicators::CountryIndicators)> =
                named.iter().filter(|(_, r)| r.has_evidence()).collect();
            let most = with
                .iter()
                .map(|(_, r)| r.objectives_covered)
                .max()
                .unwrap_or(0);
            let leaders: Vec<String> = with
                .iter()
                .filter(|(_, r)| r.objectives_covered == most)
                .map(|(name, _)| name.clone())
                .collect();
            let summary = super::summaries::group(lang, with.len(), named.len(), &leaders, most);
            let chart = MatrixChart {
                title: t.fill(
                    "chart.matrix.title",
                    &[
                        ("n", &rows.len().to_string()),
                        ("group", &group.to_string()),
                    ],
                ),
                subtitle: t.fill(
                    "chart.matrix.subtitle",
                    &[
                        (
                            "grouping",
                            &format!("{} {}", resolved.grouping.id, resolved.grouping.version),
                        ),
                        ("counted", &counted_words(&data, &resolved, lang)),
                    ],
                ),
                grouping: &resolved.grouping,
                rows: named,
                labels: matrix_labels(lang),
                summary,
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
    lang: Lang,
) -> String {
    let bases: Vec<&str> = resolved
        .selection
        .bases
        .iter()
        .map(|b| b.as_str())
        .collect();
    let sources = resolved.selection.sources(data);
    lang.text().fill(
        "chart.counted",
        &[
            ("cycles", &resolved.selection.cycle_list(data).join(", ")),
            ("bases", &bases.join(", ")),
            ("n", &sources.len().to_string()),
            ("sources", &sources.join(", ")),
            ("method", METHOD_VERSION),
        ],
    )
}

pub async fn country_areas(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    query: web::Query<ChartQuery>,
) -> Result<HttpResponse, ApiError> {
    let (iso3, extension) = path.into_inner();
    let png = wants_png(&query, extension == "png")?;
    let lang = chart_lang(&query)?;
    let data = dataset(&state).await?;
    let iso3 = iso3.to_uppercase();
    let Some(info) = data.countries.get(&iso3).cloned() else {
        return Err(ApiError::NotFound(format!("no country `{iso3}`")));
    };
    let resolved = resolve(&data, &query.indicators)?;
    let (peer_group, peers) = peers(&data, &query.indicators, &iso3)?;
    let size = size(
        &query,
        charts::bar_size(resolved.grouping.groups.len()),
        png,
        state.policy.chart_pixels,
    )?;
    let rendered = state
        .render(move || {
            let t = lang.text();
            let name = country_name(&info, lang);
            let own = indicators::compute(
                &data,
                &resolved.selection,
                &resolved.grouping,
                std::slice::from_ref(&iso3),
            )
            .remove(0);
            let peer_rows =
                indicators::compute(&data, &resolved.selection, &resolved.grouping, &peers);
            let comparison = indicators::compare_with_peers(&own, &peer_rows);
            let bars = own
                .areas
                .iter()
                .zip(&comparison.areas)
                .map(|(area, peer)| {
                    let share = |n: f64| {
                        if area.total == 0 {
                            0.0
                        } else {
                            100.0 * n / area.total as f64
                        }
                    };
                    let median = peer.median_covered;
                    charts::Bar {
                        label: area.id.clone(),
                        value: share(area.covered as f64),
                        marker: median.map(share),
                        text: match median {
                            Some(m) => t.fill(
                                "chart.areas.bar_median",
                                &[
                                    ("covered", &area.covered.to_string()),
                                    ("total", &area.total.to_string()),
                                    (
                                        "median",
                                        &lang.number(m, if m.fract() == 0.0 { 0 } else { 1 }),
                                    ),
                                ],
                            ),
                            None => t.fill(
                                "chart.areas.bar",
                                &[
                                    ("covered", &area.covered.to_string()),
                                    ("total", &area.total.to_string()),
                                ],
                            ),
                        },
                    }
                })
                .collect();
            let summary = if own.has_evidence() {
                t.fill(
                    "chart.areas.summary",
                    &[
                        ("country", &name),
                        ("covered", &own.objectives_covered.to_string()),
                        ("total", &crate::framework::OBJECTIVE_COUNT.to_string()),
                        (
                            "areas",
                            &own.areas
                                .iter()
                                .map(|a| {
                                    format!(
                                        "{} {}",
                                        a.id,
                                        t.fill(
                                            "chart.of",
                                            &[
                                                ("a", &a.covered.to_string()),
                                                ("b", &a.total.to_string())
                                            ]
                                        )
                                    )
                                })
                                .collect::<Vec<_>>()
                                .join(", "),
                        ),
                    ],
                )
            } else {
                t.fill("chart.areas.none", &[("country", &name)])
            };
            let peers = peer_group.to_string();
            let chart = charts::BarChart {
                title: t.fill("chart.areas.title", &[("country", &name)]),
                subtitle: t.fill(
                    "chart.areas.subtitle",
                    &[
                        (
                            "grouping",
                            &format!("{} {}", resolved.grouping.id, resolved.grouping.version),
                        ),
                        ("peers", &peers),
                        ("with", &comparison.members_with_evidence.len().to_string()),
                        ("counted", &counted_words(&data, &resolved, lang)),
                    ],
                ),
                unit: t.get("chart.areas.unit").into(),
                max: 100.0,
                bars,
                summary,
                marker_label: Some(t.fill("chart.areas.marker", &[("peers", &peers)])),
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
    let lang = chart_lang(&query)?;
    let data = dataset(&state).await?;
    let resolved = resolve(&data, &query.indicators)?;
    let (group, countries) = members(&data, "group", given(&query.indicators.group), Group::Lac)?;
    let size = size(
        &query,
        charts::bar_size(crate::framework::OBJECTIVE_COUNT as usize),
        png,
        state.policy.chart_pixels,
    )?;
    let rendered = state
        .render(move || {
            let rows =
                indicators::compute(&data, &resolved.selection, &resolved.grouping, &countries);
            let n = rows.len();
            let t = lang.text();
            let names = Names { lang, data: &data };
            let gaps = indicators::gaps(&rows);
            let bars = gaps
                .objectives
                .iter()
                .map(|o| charts::Bar {
                    label: names.objective(o.objective).replacen(". ", " ", 1),
                    value: o.countries_with_evidence as f64,
                    marker: None,
                    text: t.fill(
                        "chart.of",
                        &[
                            ("a", &o.countries_with_evidence.to_string()),
                            ("b", &n.to_string()),
                        ],
                    ),
                })
                .collect();
            let summary = if gaps.objectives_without_evidence.is_empty() {
                t.fill("chart.objectives.all", &[("n", &n.to_string())])
            } else {
                t.fill(
                    "chart.objectives.gaps",
                    &[
                        ("n", &n.to_string()),
                        (
                            "list",
                            &gaps
                                .objectives_without_evidence
                                .iter()
                                .map(|o| o.to_string())
                                .collect::<Vec<_>>()
                                .join(", "),
                        ),
                    ],
                )
            };
            let chart = charts::BarChart {
                title: t.fill(
                    "chart.objectives.title",
                    &[("group", &group.to_string()), ("n", &n.to_string())],
                ),
                subtitle: counted_words(&data, &resolved, lang),
                unit: t.get("chart.unit.countries").into(),
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
    let lang = chart_lang(&query)?;
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
    let size = size(
        &query,
        charts::matrix_size(2),
        png,
        state.policy.chart_pixels,
    )?;
    let rendered = state
        .render(move || {
            let (change, before, after) = indicators::country_change(
                &data,
                &resolved.selection,
                &resolved.grouping,
                &iso3,
                (&from, &to),
            );
            let bases: Vec<&str> = resolved
                .selection
                .bases
                .iter()
                .map(|b| b.as_str())
                .collect();
            let sources = |cycle: &str| {
                data.sources_by_cycle
                    .get(cycle)
                    .cloned()
                    .unwrap_or_default()
                    .join(", ")
            };
            let t = lang.text();
            let name = country_name(&info, lang);
            let mut subtitle = t.fill(
                "chart.change.subtitle",
                &[
                    ("from_sources", &sources(&from)),
                    ("to_sources", &sources(&to)),
                    ("from", &from),
                    ("to", &to),
                    ("bases", &bases.join(", ")),
                    ("method", METHOD_VERSION),
                ],
            );
            if !change.comparable {
                subtitle.push_str(t.get("chart.change.not_comparable"));
            }
            let rows = vec![
                (t.fill("chart.change.row", &[("cycle", &from)]), &before),
                (t.fill("chart.change.row", &[("cycle", &to)]), &after),
            ];
            let summary = format!(
                "{}: {} → {}",
                t.fill(
                    "chart.change.title",
                    &[("country", &name), ("from", &from), ("to", &to)]
                ),
                before.objectives_covered,
                after.objectives_covered
            );
            let chart = MatrixChart {
                title: t.fill(
                    "chart.change.title",
                    &[("country", &name), ("from", &from), ("to", &to)],
                ),
                subtitle,
                grouping: &resolved.grouping,
                rows,
                labels: matrix_labels(lang),
                summary,
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
    let lang = chart_lang(&query)?;
    let data = dataset(&state).await?;
    let resolved = resolve(&data, &query.indicators)?;
    let (group, countries) = members(&data, "group", given(&query.indicators.group), Group::Lac)?;
    let size = size(
        &query,
        charts::bar_size(data.principles.len()),
        png,
        state.policy.chart_pixels,
    )?;
    let rendered = state
        .render(move || {
            let rows =
                indicators::compute(&data, &resolved.selection, &resolved.grouping, &countries);
            let n = rows.len();
            let t = lang.text();
            let names = Names { lang, data: &data };
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
                        label: names.principle(key),
                        value: with as f64,
                        marker: None,
                        text: t.fill(
                            "chart.of",
                            &[("a", &with.to_string()), ("b", &n.to_string())],
                        ),
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
                title: t.fill(
                    "chart.principles.title",
                    &[("group", &group.to_string()), ("n", &n.to_string())],
                ),
                subtitle: counted_words(&data, &resolved, lang),
                unit: t.get("chart.unit.countries").into(),
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
