//! `/compare`: several countries side by side by area (the champion countries unless others are picked).
//! The form uses one checkbox per country (`pick=COL&pick=ECU`), so it works without JavaScript;
//! `countries=COL,ECU` (the API's form) is read too.

use actix_web::{web, HttpResponse};
use askama::Template;

use super::{layout, InPage, Page, PageError, PageRequest};
use crate::indicators;
use crate::selection::{Group, ParamError, Selection};

pub struct Candidate {
    pub iso3: String,
    pub name: String,
    pub checked: bool,
}

pub struct CompareRow {
    pub name: String,
    pub href: String,
    pub areas: Vec<String>,
    pub covered: usize,
}

#[derive(Template)]
#[template(path = "compare.html")]
pub struct ComparePage {
    pub page: Page,
    pub candidates: Vec<Candidate>,
    pub chart: String,
    pub area_titles: Vec<(String, String)>,
    pub rows: Vec<CompareRow>,
    pub summary: String,
    /// The rest of the selection (cycle, basis, grouping), carried by the form.
    pub kept: Vec<(String, String)>,
}

pub async fn compare(request: PageRequest) -> Result<HttpResponse, PageError> {
    let lang = request.lang;
    let request = with_picks(request).in_page(lang)?;
    let view = compare_page(&request).in_page(lang)?;
    super::html(&view, lang)
}

/// The form's checkboxes (`pick=COL&pick=ECU`) are the selection's `countries=`; and the page's own
/// links carry the chosen countries, not a group.
fn with_picks(mut request: PageRequest) -> Result<PageRequest, ParamError> {
    let picked: Vec<String> =
        web::Query::<Vec<(String, String)>>::from_query(request.request.query_string())
            .map(|q| q.into_inner())
            .unwrap_or_default()
            .into_iter()
            .filter(|(k, _)| k == "pick")
            .map(|(_, v)| v.to_uppercase())
            .collect();
    let mut params = request.selection.params.clone();
    if !picked.is_empty() {
        params.countries = Some(picked.join(","));
    }
    params.group = None;
    request.selection = Selection::resolve(&request.data, &params)?;
    Ok(request)
}

fn compare_page(request: &PageRequest) -> Result<ComparePage, ParamError> {
    let (data, selection, lang) = (&request.data, &request.selection, request.lang);
    let (_, countries) = selection.compared(data)?;
    let names = request.names();
    let t = lang.text();
    let page = layout(request, t.get("compare.title").to_string(), "compare");
    let rows = indicators::compute(data, &selection.counting, &selection.grouping, &countries);
    // Candidates: every country of the region with evidence in the selection, and the champions.
    let (_, region) = selection.group_or(data, Group::Lac)?;
    let region_rows = indicators::compute(data, &selection.counting, &selection.grouping, &region);
    let mut candidates: Vec<Candidate> = region_rows
        .iter()
        .filter(|r| r.has_evidence() || data.countries.get(&r.iso3).is_some_and(|c| c.champion))
        .map(|r| Candidate {
            iso3: r.iso3.clone(),
            name: names.country(&r.iso3),
            checked: countries.contains(&r.iso3),
        })
        .collect();
    candidates.sort_by(|a, b| a.name.cmp(&b.name));
    // Columns headed by the area's id, its full title spelt out for readers and screen readers.
    let area_titles = selection
        .grouping
        .groups
        .iter()
        .map(|g| (g.id.clone(), names.area(&selection.grouping, &g.id)))
        .collect();
    let mut table: Vec<CompareRow> = rows
        .iter()
        .map(|r| CompareRow {
            name: names.country(&r.iso3),
            href: page.href(&format!("/countries/{}", r.iso3)),
            areas: r
                .areas
                .iter()
                .map(|a| format!("{} {} {}", a.covered, t.get("of"), a.total))
                .collect(),
            covered: r.objectives_covered,
        })
        .collect();
    table.sort_by(|a, b| b.covered.cmp(&a.covered).then(a.name.cmp(&b.name)));
    let summary = table
        .iter()
        .map(|r| format!("{} {}/23", r.name, r.covered))
        .collect::<Vec<_>>()
        .join("; ");
    let kept = selection
        .params
        .pairs()
        .into_iter()
        .filter(|(k, _)| matches!(k.as_str(), "cycle" | "basis" | "grouping"))
        .collect();
    Ok(ComparePage {
        kept,
        chart: page.chart("/charts/compare.svg", ""),
        candidates,
        area_titles,
        rows: table,
        summary,
        page,
    })
}
