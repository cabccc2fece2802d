//! `/evidence`: the evidence browser with the API's filters, and `/evidence/{id}`: one item with its quote
//! in the context of its source lines and its mappings with basis and confidence.

use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{layout, pair, InPage, Names, Page, PageError, PageRequest};
use crate::db::items::{EvidenceFilter, EvidenceItem};
use crate::db::{cycles, items, sources};
use crate::evidence::{ContextLine, ITEM_KINDS};
use crate::framework::OBJECTIVE_COUNT;
use crate::selection::evidence::{check_references, EvidenceParams};
use crate::selection::params::{given, WholeNumber};
use crate::web::evidence_api::CONTEXT_LINES;
use crate::web::{ApiError, AppState};

/// Items per page of the browser.
const PAGE_SIZE: i64 = 20;
/// Page numbers accepted: at most 20 million items, so that the offset cannot overflow.
const PAGE_NUMBER: WholeNumber = WholeNumber {
    what: "a page number",
    min: 1,
    max: Some(1_000_000),
};

/// The browser's page number (its filters are the API's, [`EvidenceParams`]).
#[derive(Debug, Default, Deserialize)]
pub struct BrowseParams {
    pub page: Option<String>,
}

pub struct Mapping {
    pub label: String,
    pub href: String,
    pub basis: String,
    pub confidence: String,
    pub by: String,
}

pub struct ItemView {
    pub id: String,
    pub href: String,
    pub title: String,
    pub kind: String,
    pub country: Option<(String, String)>,
    pub quote: String,
    pub source: String,
    pub cycle: String,
    pub mappings: Vec<Mapping>,
    pub principles: Vec<String>,
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "evidence.html")]
pub struct BrowsePage {
    pub page: Page,
    pub q: String,
    pub country: String,
    pub objectives: Vec<Choice>,
    pub principles: Vec<Choice>,
    pub kinds: Vec<Choice>,
    pub cycles: Vec<Choice>,
    pub total: i64,
    pub items: Vec<ItemView>,
    pub previous: Option<String>,
    pub next: Option<String>,
    pub range: String,
}

fn item_view(item: &EvidenceItem, names: Names<'_>, page: &Page) -> ItemView {
    let t = names.lang.text();
    ItemView {
        id: item.id.clone(),
        href: page.href(&format!("/evidence/{}", item.id)),
        title: item.title.clone(),
        kind: names.kind(&item.kind),
        country: item.reporting_country.as_ref().map(|c| {
            (
                names.country(&c.iso3),
                page.href(&format!("/countries/{}", c.iso3)),
            )
        }),
        quote: item.quote.clone(),
        source: super::citation(item, t),
        cycle: item.source.cycle.clone(),
        mappings: item
            .objectives
            .iter()
            .map(|m| Mapping {
                label: names.objective(m.objective),
                href: page.href(&format!("/objectives/{}", m.objective)),
                basis: names.basis(&m.basis),
                confidence: names.lang.number(m.confidence, 2),
                by: m.created_by.clone(),
            })
            .collect(),
        principles: item
            .principles
            .iter()
            .map(|p| {
                format!(
                    "{} ({})",
                    names.principle(&p.principle),
                    names.basis(&p.basis)
                )
            })
            .collect(),
    }
}

pub async fn browse(
    state: web::Data<AppState>,
    request: PageRequest,
    filters: web::Query<EvidenceParams>,
    browse: web::Query<BrowseParams>,
) -> Result<HttpResponse, PageError> {
    let lang = request.lang;
    let page_number = PAGE_NUMBER.read_or("page", &browse.page, 1).in_page(lang)?;
    let filter = filters.filter().in_page(lang)?;
    let for_db = filter.clone();
    let offset = (page_number - 1) * PAGE_SIZE;
    let (total, items, cycles) = state
        .with_db(move |conn| {
            let known = crate::db::lookups::known_references(conn, &for_db)?;
            if let Err(error) = check_references(&for_db, &known) {
                return Ok(Err(error));
            }
            let (total, items) = items::search(conn, &for_db, PAGE_SIZE, offset)?;
            let cycles = cycles::ids(conn)?;
            Ok(Ok((total, items, cycles)))
        })
        .await
        .in_page(lang)?
        .in_page(lang)?;
    let found = Found {
        filter,
        total,
        items,
        cycles,
        page_number,
        offset,
    };
    super::html(&browse_page(&request, &filters, &found), lang)
}

/// A page of the browser, as found.
struct Found {
    filter: EvidenceFilter,
    total: i64,
    items: Vec<EvidenceItem>,
    cycles: Vec<String>,
    page_number: i64,
    offset: i64,
}

fn browse_page(request: &PageRequest, filters: &EvidenceParams, found: &Found) -> BrowsePage {
    let (lang, data) = (request.lang, &request.data);
    let Found {
        filter,
        total,
        items,
        cycles,
        page_number,
        offset,
    } = found;
    let (total, page_number, offset) = (*total, *page_number, *offset);
    let names = request.names();
    let t = lang.text();
    let page = layout(request, t.get("evidence.title").to_string(), "evidence");

    // Paging links keep every filter of the request.
    let pairs: Vec<(String, String)> =
        web::Query::<Vec<(String, String)>>::from_query(request.request.query_string())
            .map(|q| q.into_inner())
            .unwrap_or_default()
            .into_iter()
            .filter(|(k, _)| k != "page")
            .collect();
    let page_link = |n: i64| {
        let mut pairs = pairs.clone();
        pairs.push(("page".into(), n.to_string()));
        format!("/evidence?{}", super::encode_pairs(&pairs))
    };
    let shown = items.len() as i64;
    BrowsePage {
        q: given(&filters.q).unwrap_or("").to_string(),
        country: given(&filters.country).unwrap_or("").to_uppercase(),
        objectives: (1..=OBJECTIVE_COUNT)
            .map(|n| Choice {
                value: n.to_string(),
                label: names.objective(n),
                selected: filter.objective == Some(n),
            })
            .collect(),
        principles: data
            .principles
            .iter()
            .map(|p| Choice {
                value: p.clone(),
                label: names.principle(p),
                selected: filter.principle.as_deref() == Some(p.as_str()),
            })
            .collect(),
        kinds: ITEM_KINDS
            .iter()
            .map(|k| Choice {
                value: k.to_string(),
                label: names.kind(k),
                selected: filter.kinds.len() == 1 && filter.kinds[0] == *k,
            })
            .collect(),
        cycles: cycles
            .iter()
            .map(|c| Choice {
                value: c.clone(),
                label: c.clone(),
                selected: filter.cycles.len() == 1 && filter.cycles[0] == *c,
            })
            .collect(),
        total,
        items: items.iter().map(|i| item_view(i, names, &page)).collect(),
        previous: (page_number > 1).then(|| page_link(page_number - 1)),
        next: (offset + shown < total).then(|| page_link(page_number + 1)),
        range: if shown == 0 {
            String::new()
        } else {
            format!("{}–{}", offset + 1, offset + shown)
        },
        page,
    }
}

#[derive(Template)]
#[template(path = "item.html")]
pub struct ItemPage {
    pub page: Page,
    pub item: ItemView,
    pub summary: String,
    pub others: Vec<String>,
    pub context: Vec<ContextLine>,
    pub source_href: String,
    pub api_href: String,
}

pub async fn item(
    state: web::Data<AppState>,
    request: PageRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let lang = request.lang;
    let id = path.into_inner();
    let lookup = id.clone();
    let found = state
        .with_db(move |conn| {
            let Some(item) = items::by_id(conn, &lookup)? else {
                return Ok(None);
            };
            let text = sources::with_text(conn, &item.source.id)?.map(|(_, body)| body);
            Ok(Some((item, text.unwrap_or_default())))
        })
        .await
        .in_page(lang)?;
    let Some((item, body)) = found else {
        return Err(PageError::new(
            lang,
            ApiError::NotFound(format!("no evidence item `{id}`")),
        ));
    };
    super::html(&item_page(&request, &item, &body), lang)
}

/// An item in the context of its source lines.
fn item_page(request: &PageRequest, item: &EvidenceItem, body: &str) -> ItemPage {
    let names = request.names();
    let page = layout(request, item.title.clone(), "evidence");
    let mut context =
        crate::evidence::context_lines(body, item.line_start, item.line_end, CONTEXT_LINES);
    // The form-feed line between two pages of a PDF's text is shown as what it is.
    for line in &mut context {
        if line.text == crate::formats::PAGE_BREAK {
            line.text = names.lang.text().get("evidence.page_break").to_string();
        }
    }
    let (from, to) = (
        context.first().map(|l| l.number).unwrap_or(0),
        context.last().map(|l| l.number).unwrap_or(0),
    );
    ItemPage {
        item: item_view(item, names, &page),
        summary: item.summary.clone().unwrap_or_default(),
        others: item
            .countries
            .iter()
            .map(|c| format!("{} ({})", names.country(&c.iso3), c.role))
            .collect(),
        context,
        source_href: format!(
            "/api/v1/sources/{}?{}",
            item.source.id,
            pair("lines", &format!("{from}-{to}"))
        ),
        api_href: format!("/api/v1/evidence/{}", item.id),
        page,
    }
}
