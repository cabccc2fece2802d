//! `/`: the region at a glance: headline figures, the coverage matrix with its table, the gaps, and the
//! downloads of the same view.

use actix_web::HttpResponse;
use askama::Template;

use super::{
    layout, pair, selection_form, InPage, Page, PageError, PageRequest, SelectionForm, VoiceMark,
};
use crate::charts::column_order;
use crate::indicators::{self, median, CountryIndicators};
use crate::selection::ParamError;
use crate::web::summaries;

pub struct ColumnGroup {
    pub title: String,
    pub objectives: Vec<i32>,
}

pub struct MatrixCell {
    pub objective: i32,
    pub depth: u8,
    pub label: &'static str,
    pub href: Option<String>,
    /// Whose voices give the evidence, as initials (the legend under the table names them).
    pub voices: Vec<VoiceMark>,
    /// The same voices by name, for the cell's title and its link's label.
    pub voice_names: String,
}

pub struct MatrixRow {
    pub name: String,
    pub href: String,
    pub covered: usize,
    pub cells: Vec<MatrixCell>,
}

pub struct CountryLink {
    pub name: String,
    pub href: String,
}

pub struct GapRow {
    pub label: String,
    pub href: String,
    pub with: usize,
}

pub struct Figure {
    pub label: &'static str,
    pub value: String,
}

#[derive(Template)]
#[template(path = "overview.html")]
pub struct OverviewPage {
    pub page: Page,
    pub form: SelectionForm,
    pub group_name: String,
    pub figures: Vec<Figure>,
    pub summary: String,
    pub matrix_svg: String,
    /// The map of the group, its text alternative and the table behind it.
    pub map_svg: String,
    pub map_summary: String,
    pub map_rows: Vec<crate::charts::map::MapRow>,
    pub columns: Vec<ColumnGroup>,
    pub rows: Vec<MatrixRow>,
    pub voice_legend: Vec<VoiceMark>,
    pub no_evidence: Vec<CountryLink>,
    pub reporting: usize,
    pub gaps: Vec<GapRow>,
}

pub async fn overview(request: PageRequest) -> Result<HttpResponse, PageError> {
    let view = overview_page(&request).in_page(request.lang)?;
    super::html(&view, request.lang)
}

/// The overview of the selection's group.
fn overview_page(request: &PageRequest) -> Result<OverviewPage, ParamError> {
    let PageRequest {
        lang,
        data,
        selection,
        ..
    } = request;
    let lang = *lang;
    let (group, countries) = selection.group(data)?;
    let rows = indicators::compute(data, &selection.counting, &selection.grouping, &countries);
    let names = request.names();
    let t = lang.text();
    let group_name = names.group(&group.to_string());
    let page = layout(
        request,
        format!("{} · {group_name}", t.get("overview.title")),
        "overview",
    );

    let mut with: Vec<&CountryIndicators> = rows.iter().filter(|r| r.has_evidence()).collect();
    with.sort_by_key(|r| names.country(&r.iso3));
    let covered: Vec<f64> = with.iter().map(|r| r.objectives_covered as f64).collect();
    let gaps = indicators::gaps(&rows);
    let most = with.iter().map(|r| r.objectives_covered).max().unwrap_or(0);
    let leaders: Vec<String> = with
        .iter()
        .filter(|r| r.objectives_covered == most)
        .map(|r| names.country(&r.iso3))
        .collect();
    let figures = vec![
        Figure {
            label: t.get("fig.countries_in_group"),
            value: rows.len().to_string(),
        },
        Figure {
            label: t.get("fig.with_evidence"),
            value: with.len().to_string(),
        },
        Figure {
            label: t.get("fig.median_covered"),
            value: median(&covered)
                .map(|m| {
                    format!(
                        "{} {} 23",
                        lang.number(m, if m.fract() == 0.0 { 0 } else { 1 }),
                        t.get("of")
                    )
                })
                .unwrap_or_else(|| "–".into()),
        },
        Figure {
            label: t.get("fig.objectives_no_country"),
            value: gaps.objectives_without_evidence.len().to_string(),
        },
        Figure {
            label: t.get("fig.sources"),
            value: selection.counting.sources(data).len().to_string(),
        },
    ];

    let columns: Vec<ColumnGroup> = column_order(&selection.grouping)
        .into_iter()
        .map(|(id, objectives)| ColumnGroup {
            title: if id == "all" {
                t.get("col.all_areas").to_string()
            } else {
                id
            },
            objectives,
        })
        .collect();
    let matrix_rows = with
        .iter()
        .map(|r| MatrixRow {
            name: names.country(&r.iso3),
            href: page.href(&format!("/countries/{}", r.iso3)),
            covered: r.objectives_covered,
            cells: columns
                .iter()
                .flat_map(|c| c.objectives.iter().copied())
                .map(|objective| {
                    let depth = r.depth_of(objective);
                    let voices = usize::try_from(objective - 1)
                        .ok()
                        .and_then(|i| r.objectives.get(i))
                        .map(|cell| cell.voices.as_slice())
                        .unwrap_or_default();
                    MatrixCell {
                        voices: voices.iter().map(|v| names.voice_mark(*v)).collect(),
                        voice_names: names.voices(voices),
                        objective,
                        depth,
                        label: names.depth(depth),
                        href: (depth > 0).then(|| {
                            page.link(
                                "/evidence",
                                &format!("{}&objective={objective}", pair("country", &r.iso3)),
                            )
                        }),
                    }
                })
                .collect(),
        })
        .collect();
    let mut no_evidence: Vec<CountryLink> = rows
        .iter()
        .filter(|r| !r.has_evidence())
        .map(|r| CountryLink {
            name: names.country(&r.iso3),
            href: page.href(&format!("/countries/{}", r.iso3)),
        })
        .collect();
    no_evidence.sort_by(|a, b| a.name.cmp(&b.name));
    let mut gap_rows: Vec<(usize, i32)> = gaps
        .objectives
        .iter()
        .map(|g| (g.countries_with_evidence, g.objective))
        .collect();
    gap_rows.sort();
    let summary = summaries::group(lang, with.len(), rows.len(), &leaders, most);
    let map_values = crate::web::chart_views::map_values(data, selection, &countries, lang);
    let map_language = crate::web::chart_views::map_language(lang);
    let map_summary = crate::charts::map::map_summary(&group_name, &map_values, map_language);
    let map_rows = crate::charts::map::map_table(
        &map_values,
        &crate::charts::map::MapLabels::new(map_language),
    );
    Ok(OverviewPage {
        map_svg: page.chart("/charts/map.svg", ""),
        map_summary,
        map_rows,
        form: selection_form(names, &selection.params),
        group_name,
        figures,
        summary,
        matrix_svg: page.chart("/charts/coverage-matrix.svg", ""),
        columns,
        rows: matrix_rows,
        voice_legend: names.voice_legend(),
        no_evidence,
        reporting: with.len(),
        gaps: gap_rows
            .into_iter()
            .map(|(with, objective)| GapRow {
                label: names.objective(objective),
                href: page.href(&format!("/objectives/{objective}")),
                with,
            })
            .collect(),
        page,
    })
}
