//! `/countries/{iso3}`: one country's coverage by area and objective, beside its peers, its change since
//! the last cycle, its voluntary reports, and for each objective the items behind it.

use std::collections::BTreeMap;

use actix_web::{web, HttpResponse};
use askama::Template;

use super::{layout, InPage, Page, PageError, PageRequest};
use crate::db::items;
use crate::db::items::{EvidenceFilter, EvidenceItem};
use crate::framework::OBJECTIVE_COUNT;
use crate::selection::CountryView;
use crate::web::extract::CountryPath;
use crate::web::summaries;
use crate::web::AppState;

pub struct AreaRow {
    pub title: String,
    pub covered: usize,
    pub total: usize,
    pub peers_median: String,
}

pub struct ObjectiveRow {
    pub number: i32,
    pub label: String,
    pub href: String,
    pub depth: u8,
    pub depth_label: &'static str,
    pub items: usize,
    pub peers_median: String,
    pub evidence_href: Option<String>,
    /// Whose voices give the evidence, by name.
    pub voices: String,
}

pub struct ItemLink {
    pub title: String,
    pub href: String,
    pub quote: String,
    pub source: String,
    pub basis: String,
}

pub struct ObjectiveEvidence {
    pub number: i32,
    pub label: String,
    pub items: Vec<ItemLink>,
}

pub struct ChangeView {
    pub from: String,
    pub to: String,
    pub comparable: bool,
    pub covered_from: usize,
    pub covered_to: usize,
    pub lines: Vec<(&'static str, String)>,
    pub chart: String,
}

#[derive(Template)]
#[template(path = "country.html")]
pub struct CountryPage {
    pub page: Page,
    pub name: String,
    pub iso3: String,
    pub summary: String,
    pub champion: bool,
    pub subregion: Option<String>,
    pub blocs: String,
    pub reports: String,
    pub has_evidence: bool,
    /// The voices of the country's evidence, by name; the objectives more than one voice supports and
    /// those only its government's reports support, of those with evidence.
    pub voices: String,
    pub corroborated: usize,
    pub government_only: usize,
    pub covered: usize,
    pub peers_name: String,
    pub peers_sentence: String,
    pub areas_chart: String,
    pub areas: Vec<AreaRow>,
    pub objectives: Vec<ObjectiveRow>,
    pub change: Option<ChangeView>,
    pub evidence: Vec<ObjectiveEvidence>,
}

pub async fn country(
    state: web::Data<AppState>,
    country: CountryPath,
    request: PageRequest,
) -> Result<HttpResponse, PageError> {
    let lang = request.lang;
    let view =
        CountryView::new(&request.data, &request.selection, &country.iso3, true).in_page(lang)?;
    // The items behind each objective, as counted: the selection's cycles and bases.
    let filter = EvidenceFilter {
        country: Some(country.iso3.clone()),
        cycles: request.selection.counting.cycle_filter(),
        ..Default::default()
    };
    let items = state
        .with_db(move |conn| items::all(conn, &filter))
        .await
        .in_page(lang)?;
    super::html(&country_page(&request, &country, &view, &items), lang)
}

/// The page of a country: its view under the selection, and the items behind each objective.
fn country_page(
    request: &PageRequest,
    country: &CountryPath,
    view: &CountryView,
    items: &[EvidenceItem],
) -> CountryPage {
    let (lang, selection) = (request.lang, &request.selection);
    let (iso3, info) = (country.iso3.clone(), &country.info);
    let (own, peers) = (&view.own, &view.peers);
    let names = request.names();
    let t = lang.text();
    let name = names.country(&iso3);
    let page = layout(request, name.clone(), "");
    let median_text = |m: Option<f64>| {
        m.map(|m| lang.number(m, if m.fract() == 0.0 { 0 } else { 1 }))
            .unwrap_or_else(|| "–".into())
    };

    let missing: Vec<i32> = own
        .objectives
        .iter()
        .filter(|o| o.depth == 0)
        .map(|o| o.objective)
        .collect();
    let areas = own
        .areas
        .iter()
        .map(|a| AreaRow {
            title: names.area(&selection.grouping, &a.id),
            covered: a.covered,
            total: a.total,
            peers_median: median_text(
                peers
                    .areas
                    .iter()
                    .find(|p| p.id == a.id)
                    .and_then(|p| p.median_covered),
            ),
        })
        .collect();
    let objectives = own
        .objectives
        .iter()
        .map(|o| ObjectiveRow {
            number: o.objective,
            label: names.objective(o.objective),
            href: page.href(&format!("/objectives/{}", o.objective)),
            depth: o.depth,
            depth_label: names.depth(o.depth),
            voices: names.voices(&o.voices),
            items: o.evidence_count,
            peers_median: median_text(
                peers
                    .objectives
                    .iter()
                    .find(|p| p.objective == o.objective)
                    .and_then(|p| p.median_depth),
            ),
            evidence_href: (o.depth > 0).then(|| {
                page.link(
                    "/evidence",
                    &format!("country={iso3}&objective={}", o.objective),
                )
            }),
        })
        .collect();

    let numbers = |list: &[i32]| {
        if list.is_empty() {
            t.get("change.none").to_string()
        } else {
            summaries::list(lang, &list.iter().map(i32::to_string).collect::<Vec<_>>())
        }
    };
    let change = view.change.as_ref().map(|changed| {
        let change = &changed.change;
        ChangeView {
            lines: vec![
                (t.get("change.newly"), numbers(&change.newly_covered)),
                (t.get("change.lost"), numbers(&change.no_longer_covered)),
                (t.get("change.deeper"), numbers(&change.deeper)),
                (t.get("change.shallower"), numbers(&change.shallower)),
            ],
            chart: page.chart(
                &format!("/charts/countries/{iso3}/change.svg"),
                &format!("from={}&to={}", change.from, change.to),
            ),
            from: change.from.clone(),
            to: change.to.clone(),
            comparable: change.comparable,
            covered_from: change.objectives_covered_from,
            covered_to: change.objectives_covered_to,
        }
    });

    let mut by_objective: BTreeMap<i32, Vec<ItemLink>> = BTreeMap::new();
    for item in items {
        for mapping in &item.objectives {
            let counted = selection
                .counting
                .bases
                .iter()
                .any(|b| b.as_str() == mapping.basis);
            if counted && (1..=OBJECTIVE_COUNT).contains(&mapping.objective) {
                by_objective
                    .entry(mapping.objective)
                    .or_default()
                    .push(ItemLink {
                        title: item.title.clone(),
                        href: page.href(&format!("/evidence/{}", item.id)),
                        quote: item.quote.clone(),
                        source: super::citation(item, t),
                        basis: names.basis(&mapping.basis),
                    });
            }
        }
    }
    let evidence = by_objective
        .into_iter()
        .map(|(number, items)| ObjectiveEvidence {
            number,
            label: names.objective(number),
            items,
        })
        .collect();

    let peers_name = names.group(&view.peer_group.to_string());
    let peers_sentence = format!(
        "{peers_name}: {} {} {}",
        peers.members_with_evidence.len(),
        t.get("of"),
        peers.group_size
    );
    CountryPage {
        summary: summaries::country(lang, &name, own.objectives_covered, &missing),
        champion: info.champion,
        subregion: info
            .subregion
            .as_deref()
            .map(|s| names.group(&format!("subregion:{s}"))),
        blocs: info
            .blocs
            .iter()
            .map(|b| names.group(&format!("bloc:{b}")))
            .collect::<Vec<_>>()
            .join(", "),
        reports: if info.voluntary_reports.is_empty() {
            t.get("country.vnr.none").to_string()
        } else {
            info.voluntary_reports
                .iter()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        },
        has_evidence: own.has_evidence(),
        voices: names.voices(&own.voices),
        corroborated: own.corroborated,
        government_only: own.government_only,
        covered: own.objectives_covered,
        peers_name,
        peers_sentence,
        areas_chart: page.chart(&format!("/charts/countries/{iso3}/areas.svg"), ""),
        areas,
        objectives,
        change,
        evidence,
        iso3,
        name,
        page,
    }
}
