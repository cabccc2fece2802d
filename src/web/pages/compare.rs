//! `/compare`: several countries side by side by area (the champion countries unless others are picked).
//! The form uses one checkbox per country (`pick=COL&pick=ECU`), so it works without JavaScript;
//! `countries=COL,ECU` (the API's form) is read too.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::{layout, request_lang, InPage, Names, Page, PageError, PageQuery};
use crate::indicators::request::{members, resolve};
use crate::indicators::{self, groups::Group};
use crate::web::indicators_api::dataset;
use crate::web::AppState;

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

pub async fn compare(
    state: web::Data<AppState>,
    request: HttpRequest,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, PageError> {
    let mut query = query.into_inner();
    let lang = request_lang(&request, &query)?;
    let picked: Vec<String> =
        web::Query::<Vec<(String, String)>>::from_query(request.query_string())
            .map(|q| q.into_inner())
            .unwrap_or_default()
            .into_iter()
            .filter(|(k, _)| k == "pick")
            .map(|(_, v)| v.to_uppercase())
            .collect();
    if !picked.is_empty() {
        query.indicators.countries = Some(picked.join(","));
    }
    let data = dataset(&state).await.in_page(lang)?;
    // Every link of the page carries the selection: a bad value is named here, not on the next page.
    crate::indicators::request::check_selection(&data, &query.indicators).in_page(lang)?;
    let resolved = resolve(&data, &query.indicators).in_page(lang)?;
    let (_, countries) = members(
        &data,
        "countries",
        crate::indicators::request::given(&query.indicators.countries),
        Group::Champions,
    )
    .in_page(lang)?;
    let names = Names { lang, data: &data };
    let t = lang.text();
    // The page's own links carry the chosen countries, not the checkboxes.
    query.indicators.group = None;
    let page = layout(
        &request,
        &query,
        lang,
        t.get("compare.title").to_string(),
        "compare",
    );
    let rows = indicators::compute(&data, &resolved.selection, &resolved.grouping, &countries);
    // Candidates: every country of the region with evidence in the selection, and the champions.
    let (_, region) = members(&data, "group", None, Group::Lac).in_page(lang)?;
    let region_rows = indicators::compute(&data, &resolved.selection, &resolved.grouping, &region);
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
    let area_titles = resolved
        .grouping
        .groups
        .iter()
        .map(|g| (g.id.clone(), names.area(&resolved.grouping, &g.id)))
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
    let kept = super::indicator_pairs(&query.indicators)
        .into_iter()
        .filter(|(k, _)| matches!(k.as_str(), "cycle" | "basis" | "grouping"))
        .collect();
    let template = ComparePage {
        kept,
        chart: page.chart("/charts/compare.svg", ""),
        candidates,
        area_titles,
        rows: table,
        summary,
        page,
    };
    super::html(&template, lang)
}
