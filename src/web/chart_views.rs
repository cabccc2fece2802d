//! What each chart shows, in the reader's language: pure functions from the dataset and the selection to
//! the plain chart values `crate::charts` draws. The chart handlers only read the request, call these on
//! the render pool and send the bytes.

use super::i18n::Lang;
use super::pages::Names;
use super::summaries;
use crate::charts::map::{
    map_png, map_summary, map_svg, MapChart, MapExtent, MapLabels, MapLanguage, MapValue,
};
use crate::charts::{self, Bar, BarChart, MatrixChart};
use crate::framework::OBJECTIVE_COUNT;
use crate::indicators::{self, CountryIndicators, CountryInfo, Dataset, METHOD_VERSION};
use crate::selection::{CountryView, Group, Selection};

/// A chart drawn: its content type and bytes.
pub type Drawn = Result<(&'static str, Vec<u8>), String>;

/// The matrix chart's words in `lang`.
pub fn matrix_labels(lang: Lang) -> charts::MatrixLabels {
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

pub fn country_name(info: &CountryInfo, lang: Lang) -> String {
    match lang {
        Lang::En => info.name_en.clone(),
        Lang::Es => info.name_es.clone(),
    }
}

/// The counted selection in words, for subtitles.
fn counted_words(data: &Dataset, selection: &Selection, lang: Lang) -> String {
    let bases: Vec<&str> = selection
        .counting
        .bases
        .iter()
        .map(|b| b.as_str())
        .collect();
    let sources = selection.counting.sources(data);
    lang.text().fill(
        "chart.counted",
        &[
            ("cycles", &selection.counting.cycle_list(data).join(", ")),
            ("bases", &bases.join(", ")),
            ("n", &sources.len().to_string()),
            ("sources", &sources.join(", ")),
            ("method", METHOD_VERSION),
        ],
    )
}

fn grouping_words(selection: &Selection) -> String {
    format!("{} {}", selection.grouping.id, selection.grouping.version)
}

pub fn draw_matrix(chart: &MatrixChart<'_>, png: bool, size: (u32, u32)) -> Drawn {
    if png {
        charts::matrix_png(chart, size).map(|bytes| ("image/png", bytes))
    } else {
        charts::matrix_svg(chart, size).map(|svg| ("image/svg+xml", svg.into_bytes()))
    }
}

pub fn draw_bars(chart: &BarChart, png: bool, size: (u32, u32)) -> Drawn {
    if png {
        charts::bars_png(chart, size).map(|bytes| ("image/png", bytes))
    } else {
        charts::bars_svg(chart, size).map(|svg| ("image/svg+xml", svg.into_bytes()))
    }
}

/// The indicators a chart draws from: depths and counts, never the items' ids (a chart names no item;
/// a world's cells would copy and drop 700,000 of them for each drawing).
fn counts(data: &Dataset, selection: &Selection, countries: &[String]) -> Vec<CountryIndicators> {
    indicators::compute_with(
        data,
        &selection.counting,
        &selection.grouping,
        countries,
        indicators::Evidence::CountsOnly,
    )
}

/// The coverage matrix of `countries` (the members of `group`): one row a country, by name.
pub fn coverage_matrix(
    data: &Dataset,
    selection: &Selection,
    group: &Group,
    countries: &[String],
    lang: Lang,
    png: bool,
    size: (u32, u32),
) -> Drawn {
    let rows = counts(data, selection, countries);
    // Rows in the order of the names a reader scans for, not of the ISO codes.
    let names = Names { lang, data };
    let mut named: Vec<(String, &CountryIndicators)> =
        rows.iter().map(|r| (names.country(&r.iso3), r)).collect();
    named.sort_by(|a, b| a.0.cmp(&b.0));
    let t = lang.text();
    let with: Vec<&(String, &CountryIndicators)> =
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
    let summary = summaries::group(lang, with.len(), named.len(), &leaders, most);
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
                ("grouping", &grouping_words(selection)),
                ("counted", &counted_words(data, selection, lang)),
            ],
        ),
        grouping: &selection.grouping,
        rows: named,
        labels: matrix_labels(lang),
        summary,
    };
    draw_matrix(&chart, png, size)
}

/// A country's coverage per area, with its peer group's median marked.
pub fn country_areas(
    data: &Dataset,
    selection: &Selection,
    info: &CountryInfo,
    view: &CountryView,
    lang: Lang,
    png: bool,
    size: (u32, u32),
) -> Drawn {
    let t = lang.text();
    let name = country_name(info, lang);
    let own = &view.own;
    let bars = own
        .areas
        .iter()
        .zip(&view.peers.areas)
        .map(|(area, peer)| {
            let share = |n: f64| {
                if area.total == 0 {
                    0.0
                } else {
                    100.0 * n / area.total as f64
                }
            };
            let median = peer.median_covered;
            let counts = [
                ("covered", area.covered.to_string()),
                ("total", area.total.to_string()),
            ];
            Bar {
                label: area.id.clone(),
                value: share(area.covered as f64),
                marker: median.map(share),
                text: match median {
                    Some(m) => t.fill(
                        "chart.areas.bar_median",
                        &[
                            ("covered", &counts[0].1),
                            ("total", &counts[1].1),
                            (
                                "median",
                                &lang.number(m, if m.fract() == 0.0 { 0 } else { 1 }),
                            ),
                        ],
                    ),
                    None => t.fill(
                        "chart.areas.bar",
                        &[("covered", &counts[0].1), ("total", &counts[1].1)],
                    ),
                },
            }
        })
        .collect();
    let summary = if own.has_evidence() {
        let areas = own
            .areas
            .iter()
            .map(|a| {
                let of = t.fill(
                    "chart.of",
                    &[("a", &a.covered.to_string()), ("b", &a.total.to_string())],
                );
                format!("{} {of}", a.id)
            })
            .collect::<Vec<_>>()
            .join(", ");
        t.fill(
            "chart.areas.summary",
            &[
                ("country", &name),
                ("covered", &own.objectives_covered.to_string()),
                ("total", &OBJECTIVE_COUNT.to_string()),
                ("areas", &areas),
            ],
        )
    } else {
        t.fill("chart.areas.none", &[("country", &name)])
    };
    let peers = view.peer_group.to_string();
    let chart = BarChart {
        title: t.fill("chart.areas.title", &[("country", &name)]),
        subtitle: t.fill(
            "chart.areas.subtitle",
            &[
                ("grouping", &grouping_words(selection)),
                ("peers", &peers),
                ("with", &view.peers.members_with_evidence.len().to_string()),
                ("counted", &counted_words(data, selection, lang)),
            ],
        ),
        unit: t.get("chart.areas.unit").into(),
        max: 100.0,
        bars,
        summary,
        marker_label: Some(t.fill("chart.areas.marker", &[("peers", &peers)])),
    };
    draw_bars(&chart, png, size)
}

/// For each objective, how many countries of the group have evidence (the group's gaps).
pub fn objectives(
    data: &Dataset,
    selection: &Selection,
    group: &Group,
    countries: &[String],
    lang: Lang,
    png: bool,
    size: (u32, u32),
) -> Drawn {
    let rows = counts(data, selection, countries);
    let n = rows.len();
    let t = lang.text();
    let names = Names { lang, data };
    let gaps = indicators::gaps(&rows);
    let bars = gaps
        .objectives
        .iter()
        .map(|o| Bar {
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
        let list = gaps
            .objectives_without_evidence
            .iter()
            .map(|o| o.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        t.fill(
            "chart.objectives.gaps",
            &[("n", &n.to_string()), ("list", &list)],
        )
    };
    let chart = BarChart {
        title: t.fill(
            "chart.objectives.title",
            &[("group", &group.to_string()), ("n", &n.to_string())],
        ),
        subtitle: counted_words(data, selection, lang),
        unit: t.get("chart.unit.countries").into(),
        max: n as f64,
        bars,
        summary,
        marker_label: None,
    };
    draw_bars(&chart, png, size)
}

/// A country's depth per objective in the two cycles of the selection's change.
pub fn country_change(
    data: &Dataset,
    selection: &Selection,
    info: &CountryInfo,
    view: &CountryView,
    lang: Lang,
    png: bool,
    size: (u32, u32),
) -> Drawn {
    let Some(changed) = &view.change else {
        return Err("the view holds no change".into());
    };
    let (from, to) = (&changed.change.from, &changed.change.to);
    let bases: Vec<&str> = selection
        .counting
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
    let name = country_name(info, lang);
    let mut subtitle = t.fill(
        "chart.change.subtitle",
        &[
            ("from_sources", &sources(from)),
            ("to_sources", &sources(to)),
            ("from", from),
            ("to", to),
            ("bases", &bases.join(", ")),
            ("method", METHOD_VERSION),
        ],
    );
    if !changed.change.comparable {
        subtitle.push_str(t.get("chart.change.not_comparable"));
    }
    let rows = vec![
        (
            t.fill("chart.change.row", &[("cycle", from)]),
            &changed.before,
        ),
        (t.fill("chart.change.row", &[("cycle", to)]), &changed.after),
    ];
    let title = t.fill(
        "chart.change.title",
        &[("country", &name), ("from", from), ("to", to)],
    );
    let summary = format!(
        "{title}: {} → {}",
        changed.before.objectives_covered, changed.after.objectives_covered
    );
    let chart = MatrixChart {
        title,
        subtitle,
        grouping: &selection.grouping,
        rows,
        labels: matrix_labels(lang),
        summary,
    };
    draw_matrix(&chart, png, size)
}

/// For each guiding principle, how many countries of the group have evidence.
pub fn principles(
    data: &Dataset,
    selection: &Selection,
    group: &Group,
    countries: &[String],
    lang: Lang,
    png: bool,
    size: (u32, u32),
) -> Drawn {
    let rows = counts(data, selection, countries);
    let n = rows.len();
    let t = lang.text();
    let names = Names { lang, data };
    let bars: Vec<Bar> = data
        .principles
        .iter()
        .enumerate()
        .map(|(i, key)| {
            let with = rows
                .iter()
                .filter(|r| r.principles.get(i).is_some_and(|p| p.evidence_count > 0))
                .count();
            Bar {
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
    let chart = BarChart {
        title: t.fill(
            "chart.principles.title",
            &[("group", &group.to_string()), ("n", &n.to_string())],
        ),
        subtitle: counted_words(data, selection, lang),
        unit: t.get("chart.unit.countries").into(),
        max: n as f64,
        bars,
        summary,
        marker_label: None,
    };
    draw_bars(&chart, png, size)
}

/// The map's language.
pub fn map_language(lang: Lang) -> MapLanguage {
    match lang {
        Lang::En => MapLanguage::English,
        Lang::Es => MapLanguage::Spanish,
    }
}

/// What the map colours: each country of the group with its objectives with evidence (`None` when
/// it has no evidence in these sources, which the map draws apart, never as zero).
pub fn map_values(
    data: &Dataset,
    selection: &Selection,
    countries: &[String],
    lang: Lang,
) -> Vec<MapValue> {
    let names = Names { lang, data };
    counts(data, selection, countries)
        .iter()
        .map(|row| MapValue {
            iso3: row.iso3.clone(),
            name: names.country(&row.iso3),
            value: row.has_evidence().then_some(row.objectives_covered as u32),
            in_group: true,
        })
        .collect()
}

/// The extent of a group's map: fitted to its countries (a group as wide as most of the world is
/// drawn whole).
pub fn map_extent(countries: &[String]) -> MapExtent {
    MapExtent::Countries(countries.to_vec())
}

/// The choropleth of objectives with evidence for the group's countries.
pub fn map(
    data: &Dataset,
    selection: &Selection,
    group: &Group,
    countries: &[String],
    lang: Lang,
    png: bool,
    size: (u32, u32),
) -> Drawn {
    let values = map_values(data, selection, countries, lang);
    let language = map_language(lang);
    let group_name = group.to_string();
    let t = lang.text();
    let chart = MapChart {
        title: t.fill("chart.map.title", &[("group", &group_name)]),
        subtitle: t.fill(
            "chart.matrix.subtitle",
            &[
                ("grouping", &grouping_words(selection)),
                ("counted", &counted_words(data, selection, lang)),
            ],
        ),
        extent: map_extent(countries),
        summary: map_summary(&group_name, &values, language),
        values,
        labels: MapLabels::new(language),
    };
    if png {
        map_png(&chart, size).map(|bytes| ("image/png", bytes))
    } else {
        map_svg(&chart, size).map(|svg| ("image/svg+xml", svg.into_bytes()))
    }
}
