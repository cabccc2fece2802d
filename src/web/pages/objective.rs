//! `/objectives/{n}`: which countries have evidence for an objective and how deep, and the practices that
//! address it anywhere, so a country with a gap sees who has done this.

use actix_web::{web, HttpResponse};
use askama::Template;

use super::{layout, pair, InPage, Page, PageError, PageRequest};
use crate::db::items;
use crate::db::items::{EvidenceFilter, EvidenceItem};
use crate::framework::OBJECTIVE_COUNT;
use crate::indicators;
use crate::selection::ParamError;
use crate::web::summaries;
use crate::web::{ApiError, AppState};

pub struct CountryDepth {
    pub name: String,
    pub href: String,
    pub depth: u8,
    pub depth_label: &'static str,
    pub items: usize,
    pub evidence_href: String,
}

pub struct Practice {
    pub title: String,
    pub href: String,
    pub country: String,
    pub quote: String,
}

#[derive(Template)]
#[template(path = "objective.html")]
pub struct ObjectivePage {
    pub page: Page,
    pub number: i32,
    pub title: String,
    pub areas: Vec<String>,
    pub summary: String,
    pub group_name: String,
    pub with: Vec<CountryDepth>,
    pub without: Vec<(String, String)>,
    pub practices: Vec<Practice>,
}

/// At most this many practices are listed; the evidence browser has them all.
const PRACTICES_SHOWN: usize = 40;

pub async fn objective(
    state: web::Data<AppState>,
    request: PageRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let lang = request.lang;
    let text = path.into_inner();
    let number = match text.parse::<i32>() {
        Ok(n) if (1..=OBJECTIVE_COUNT).contains(&n) => n,
        _ => {
            return Err(PageError::new(
                lang,
                ApiError::NotFound(format!(
                    "no objective `{text}`; the objectives are numbered 1-{OBJECTIVE_COUNT}"
                )),
            ))
        }
    };
    let counting = &request.selection.counting;
    let filter = EvidenceFilter {
        objective: Some(number),
        kinds: vec!["practice".to_string()],
        bases: counting.bases.iter().copied().collect(),
        cycles: counting.cycle_filter(),
        ..Default::default()
    };
    let practices = state
        .with_db(move |conn| items::search(conn, &filter, PRACTICES_SHOWN as i64, 0))
        .await
        .in_page(lang)?
        .1;
    let view = objective_page(&request, number, practices).in_page(lang)?;
    super::html(&view, lang)
}

/// The page of objective `number`, with the practices that address it.
fn objective_page(
    request: &PageRequest,
    number: i32,
    items: Vec<EvidenceItem>,
) -> Result<ObjectivePage, ParamError> {
    let (data, selection, lang) = (&request.data, &request.selection, request.lang);
    let (group, countries) = selection.group(data)?;
    let rows = indicators::compute(data, &selection.counting, &selection.grouping, &countries);
    let names = request.names();
    let title = names.objective_title(number);
    let page = layout(request, names.objective(number), "");
    let reporting = rows.iter().filter(|r| r.has_evidence()).count();
    let mut with: Vec<CountryDepth> = rows
        .iter()
        .filter(|r| r.depth_of(number) > 0)
        .map(|r| {
            let cell = &r.objectives[number as usize - 1];
            CountryDepth {
                name: names.country(&r.iso3),
                href: page.href(&format!("/countries/{}", r.iso3)),
                depth: cell.depth,
                depth_label: names.depth(cell.depth),
                items: cell.evidence_count,
                evidence_href: page.link(
                    "/evidence",
                    &format!("{}&objective={number}", pair("country", &r.iso3)),
                ),
            }
        })
        .collect();
    // Deepest first, then most items: who has done most, first.
    with.sort_by(|a, b| {
        b.depth
            .cmp(&a.depth)
            .then(b.items.cmp(&a.items))
            .then(a.name.cmp(&b.name))
    });
    let mut without: Vec<(String, String)> = rows
        .iter()
        .filter(|r| r.has_evidence() && r.depth_of(number) == 0)
        .map(|r| {
            (
                names.country(&r.iso3),
                page.href(&format!("/countries/{}", r.iso3)),
            )
        })
        .collect();
    without.sort();

    let practices = items
        .into_iter()
        .map(|item| Practice {
            href: page.href(&format!("/evidence/{}", item.id)),
            country: item
                .reporting_country
                .as_ref()
                .map(|c| names.country(&c.iso3))
                .unwrap_or_default(),
            title: item.title,
            quote: item.quote,
        })
        .collect();
    let areas = selection
        .grouping
        .groups
        .iter()
        .filter(|g| g.objectives.contains(&number))
        .map(|g| names.area(&selection.grouping, &g.id))
        .collect();
    Ok(ObjectivePage {
        number,
        title,
        areas,
        summary: summaries::objective(lang, number, with.len(), reporting),
        group_name: names.group(&group.to_string()),
        with,
        without,
        practices,
        page,
    })
}
