//! The indicator answers: a group's table, a country's profile, who has evidence for an objective,
//! countries side by side, and a group's gaps.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;
use utoipa::ToSchema;

use super::Bilingual;
use crate::evidence::Voice;
use crate::framework::OBJECTIVE_COUNT;
use crate::indicators::{
    Change, CountryIndicators, Dataset, Gaps, GroupCell, PeerComparison, METHOD_VERSION,
};
use crate::selection::{CountryView, Group, Selection};

const NO_EVIDENCE: &str = "no evidence in these sources";

fn status(has_evidence: bool) -> String {
    if has_evidence {
        "evidence"
    } else {
        NO_EVIDENCE
    }
    .to_string()
}

fn name(data: &Dataset, iso3: &str) -> Option<Bilingual> {
    data.countries
        .get(iso3)
        .map(|c| Bilingual::new(&c.name_en, &c.name_es))
}

/// What an answer counted: the denominator of its figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct Counted {
    pub bases: Vec<String>,
    pub countries_in_group: Option<usize>,
    /// Which items count for a country.
    pub credit: String,
    pub cycles: Vec<String>,
    pub group: Option<String>,
    pub grouping: String,
    pub grouping_version: String,
    pub method_version: String,
    pub sources: Vec<String>,
}

impl Counted {
    pub fn new(data: &Dataset, selection: &Selection, group: Option<(&Group, usize)>) -> Counted {
        let counting = &selection.counting;
        Counted {
            bases: counting
                .bases
                .iter()
                .map(|b| b.as_str().to_string())
                .collect(),
            countries_in_group: group.map(|(_, n)| n),
            credit: "items credited to the country (reporting_iso3)".to_string(),
            cycles: counting.cycle_list(data),
            group: group.map(|(g, _)| g.to_string()),
            grouping: selection.grouping.id.clone(),
            grouping_version: selection.grouping.version.clone(),
            method_version: METHOD_VERSION.to_string(),
            sources: counting.sources(data),
        }
    }
}

/// The address of the evidence behind a cell.
fn evidence_link(iso3: &str, objective: i32, selection: &Selection) -> String {
    let mut link = format!("/api/v1/evidence?country={iso3}&objective={objective}");
    if let Some(cycles) = &selection.counting.cycles {
        let cycles: Vec<&str> = cycles.iter().map(String::as_str).collect();
        link.push_str(&format!("&cycle={}", cycles.join(",")));
    }
    let bases: Vec<&str> = selection
        .counting
        .bases
        .iter()
        .map(|b| b.as_str())
        .collect();
    link.push_str(&format!("&basis={}", bases.join(",")));
    link
}

/// One country's indicators; in a profile, with the items behind each cell.
#[derive(Debug, Serialize, ToSchema)]
pub struct CountryRow {
    pub areas: Vec<GroupCell>,
    pub balance: Balance,
    /// Objectives with evidence from more than one voice (METHODOLOGY 2.12).
    pub corroborated: usize,
    pub evidence_status: String,
    /// Objectives whose only evidence is the government's own reports.
    pub government_only: usize,
    pub iso3: String,
    pub items_counted: usize,
    pub name: Option<Bilingual>,
    pub objectives: Vec<ObjectiveCellAnswer>,
    pub objectives_covered: usize,
    pub objectives_share: f64,
    pub objectives_total: usize,
    pub overall: Overall,
    pub principles: Vec<PrincipleCellAnswer>,
    pub principles_covered: usize,
    pub principles_total: usize,
    pub reporting: Reporting,
    pub solidity: Solidity,
    pub sources: Vec<String>,
    /// The voices of the sources of the counted items.
    pub voices: Vec<Voice>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Balance {
    pub measure: String,
    pub value: Option<f64>,
}

/// One objective of a country: depth 0 is "no evidence in these sources", never "nothing done".
#[derive(Debug, Serialize, ToSchema)]
pub struct ObjectiveCellAnswer {
    pub depth: u8,
    /// The evidence behind the cell (profiles).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    pub evidence_count: usize,
    /// The items behind the cell (profiles).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<String>>)]
    pub items: Option<Vec<Arc<str>>>,
    pub objective: i32,
    pub status: String,
    /// Whose voices give the evidence (the voices of the items' sources), in a fixed order; empty
    /// when there is none.
    pub voices: Vec<Voice>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Overall {
    pub covered: usize,
    pub note: String,
    pub total: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PrincipleCellAnswer {
    pub evidence_count: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<String>>)]
    pub items: Option<Vec<Arc<str>>>,
    pub principle: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Reporting {
    pub submitted_to_selected_cycles: bool,
    pub voluntary_reports: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Solidity {
    pub basis_counts: BTreeMap<String, usize>,
    pub mappings_counted: usize,
    pub solid_bases: Vec<String>,
    pub solid_share: Option<f64>,
}

impl CountryRow {
    /// `full`: with the items and the evidence address of each cell.
    pub fn new(
        data: &Dataset,
        c: &CountryIndicators,
        selection: &Selection,
        full: bool,
    ) -> CountryRow {
        let total = OBJECTIVE_COUNT as usize;
        CountryRow {
            areas: c.areas.clone(),
            balance: Balance {
                measure: "normalised Shannon evenness of area coverage shares".to_string(),
                value: c.balance,
            },
            corroborated: c.corroborated,
            evidence_status: status(c.has_evidence()),
            government_only: c.government_only,
            iso3: c.iso3.clone(),
            items_counted: c.items_counted,
            name: name(data, &c.iso3),
            objectives: c
                .objectives
                .iter()
                .map(|o| ObjectiveCellAnswer {
                    depth: o.depth,
                    evidence: full.then(|| evidence_link(&c.iso3, o.objective, selection)),
                    evidence_count: o.evidence_count,
                    items: full.then(|| o.items.clone()),
                    objective: o.objective,
                    status: status(o.depth > 0),
                    voices: o.voices.clone(),
                })
                .collect(),
            objectives_covered: c.objectives_covered,
            objectives_share: c.objectives_share,
            objectives_total: total,
            overall: Overall {
                covered: c.objectives_covered,
                note: "each objective counted once, objective 23 included".to_string(),
                total,
            },
            principles: c
                .principles
                .iter()
                .map(|p| PrincipleCellAnswer {
                    evidence_count: p.evidence_count,
                    items: full.then(|| p.items.clone()),
                    principle: p.principle.clone(),
                })
                .collect(),
            principles_covered: c.principles_covered,
            principles_total: c.principles.len(),
            reporting: Reporting {
                submitted_to_selected_cycles: match &selection.counting.cycles {
                    None => !c.voluntary_reports.is_empty(),
                    Some(cycles) => c.voluntary_reports.iter().any(|r| cycles.contains(r)),
                },
                voluntary_reports: c.voluntary_reports.clone(),
            },
            solidity: Solidity {
                basis_counts: c.basis_counts.clone(),
                mappings_counted: c.mappings_counted,
                solid_bases: vec!["cited".to_string(), "reviewed".to_string()],
                solid_share: c.solid_share,
            },
            sources: c.sources.clone(),
            voices: c.voices.clone(),
        }
    }
}

/// The indicators of every country of a group.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorsAnswer {
    pub counted: Counted,
    pub countries: Vec<CountryRow>,
    pub countries_with_evidence: usize,
    pub method_version: String,
}

impl IndicatorsAnswer {
    pub fn new(
        data: &Dataset,
        selection: &Selection,
        group: &Group,
        rows: &[CountryIndicators],
    ) -> IndicatorsAnswer {
        IndicatorsAnswer {
            counted: Counted::new(data, selection, Some((group, rows.len()))),
            countries: rows
                .iter()
                .map(|r| CountryRow::new(data, r, selection, false))
                .collect(),
            countries_with_evidence: rows.iter().filter(|r| r.has_evidence()).count(),
            method_version: METHOD_VERSION.to_string(),
        }
    }
}

/// Countries side by side.
#[derive(Debug, Serialize, ToSchema)]
pub struct CompareAnswer {
    pub counted: Counted,
    pub countries: Vec<CountryRow>,
    pub method_version: String,
}

impl CompareAnswer {
    pub fn new(
        data: &Dataset,
        selection: &Selection,
        group: &Group,
        rows: &[CountryIndicators],
    ) -> CompareAnswer {
        CompareAnswer {
            counted: Counted::new(data, selection, Some((group, rows.len()))),
            countries: rows
                .iter()
                .map(|r| CountryRow::new(data, r, selection, false))
                .collect(),
            method_version: METHOD_VERSION.to_string(),
        }
    }
}

/// Every indicator of one country, each cell with the items behind it, its peers and its change.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileAnswer {
    pub areas: Vec<GroupCell>,
    pub balance: Balance,
    pub blocs: Vec<String>,
    pub champion: bool,
    /// Between the two cycles of `from=` and `to=`; null when the store has fewer than two.
    pub change: Option<Change>,
    pub corroborated: usize,
    pub counted: Counted,
    pub evidence_status: String,
    pub government_only: usize,
    pub iso3: String,
    pub items_counted: usize,
    pub method_version: String,
    pub name: Option<Bilingual>,
    pub objectives: Vec<ObjectiveCellAnswer>,
    pub objectives_covered: usize,
    pub objectives_share: f64,
    pub objectives_total: usize,
    pub overall: Overall,
    pub peers: PeersAnswer,
    pub principles: Vec<PrincipleCellAnswer>,
    pub principles_covered: usize,
    pub principles_total: usize,
    pub reporting: Reporting,
    pub solidity: Solidity,
    pub sources: Vec<String>,
    pub subregion: Option<String>,
    pub voices: Vec<Voice>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PeersAnswer {
    pub comparison: PeerComparison,
    pub group: String,
}

impl ProfileAnswer {
    pub fn new(data: &Dataset, selection: &Selection, view: &CountryView) -> ProfileAnswer {
        let row = CountryRow::new(data, &view.own, selection, true);
        let info = data.countries.get(&view.iso3);
        ProfileAnswer {
            areas: row.areas,
            balance: row.balance,
            blocs: info.map(|i| i.blocs.clone()).unwrap_or_default(),
            champion: info.is_some_and(|i| i.champion),
            change: view.change.as_ref().map(|c| c.change.clone()),
            corroborated: row.corroborated,
            counted: Counted::new(data, selection, None),
            evidence_status: row.evidence_status,
            government_only: row.government_only,
            iso3: row.iso3,
            items_counted: row.items_counted,
            method_version: METHOD_VERSION.to_string(),
            name: row.name,
            objectives: row.objectives,
            objectives_covered: row.objectives_covered,
            objectives_share: row.objectives_share,
            objectives_total: row.objectives_total,
            overall: row.overall,
            peers: PeersAnswer {
                comparison: view.peers.clone(),
                group: view.peer_group.to_string(),
            },
            principles: row.principles,
            principles_covered: row.principles_covered,
            principles_total: row.principles_total,
            reporting: row.reporting,
            solidity: row.solidity,
            sources: row.sources,
            subregion: info.and_then(|i| i.subregion.clone()),
            voices: row.voices,
        }
    }
}

/// Who has evidence for one objective, deepest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ObjectiveCountriesAnswer {
    pub counted: Counted,
    pub countries: Vec<ObjectiveCountry>,
    pub countries_with_evidence: usize,
    pub method_version: String,
    pub objective: i32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ObjectiveCountry {
    pub country_has_evidence: bool,
    pub depth: u8,
    pub evidence: String,
    pub evidence_count: usize,
    pub iso3: String,
    #[schema(value_type = Vec<String>)]
    pub items: Vec<Arc<str>>,
    pub name: Option<Bilingual>,
    pub status: String,
}

impl ObjectiveCountriesAnswer {
    pub fn new(
        data: &Dataset,
        selection: &Selection,
        group: &Group,
        objective: i32,
        rows: &[CountryIndicators],
    ) -> ObjectiveCountriesAnswer {
        let index = objective as usize - 1;
        let mut countries: Vec<ObjectiveCountry> = rows
            .iter()
            .map(|r| {
                let cell = &r.objectives[index];
                ObjectiveCountry {
                    country_has_evidence: r.has_evidence(),
                    depth: cell.depth,
                    evidence: evidence_link(&r.iso3, objective, selection),
                    evidence_count: cell.evidence_count,
                    iso3: r.iso3.clone(),
                    items: cell.items.clone(),
                    name: name(data, &r.iso3),
                    status: status(cell.depth > 0),
                }
            })
            .collect();
        // Deepest first, then most items, then code: who has done this, first.
        countries.sort_by(|a, b| {
            b.depth
                .cmp(&a.depth)
                .then(b.evidence_count.cmp(&a.evidence_count))
                .then(a.iso3.cmp(&b.iso3))
        });
        ObjectiveCountriesAnswer {
            counted: Counted::new(data, selection, Some((group, rows.len()))),
            countries,
            countries_with_evidence: rows
                .iter()
                .filter(|r| r.objectives[index].depth > 0)
                .count(),
            method_version: METHOD_VERSION.to_string(),
            objective,
        }
    }
}

/// Objectives no member of a group has evidence for, and the members with the least.
#[derive(Debug, Serialize, ToSchema)]
pub struct GapsAnswer {
    pub counted: Counted,
    pub countries_with_evidence: Vec<String>,
    pub gaps: Gaps,
    pub method_version: String,
}

impl GapsAnswer {
    pub fn new(
        data: &Dataset,
        selection: &Selection,
        group: &Group,
        rows: &[CountryIndicators],
        gaps: &Gaps,
    ) -> GapsAnswer {
        GapsAnswer {
            counted: Counted::new(data, selection, Some((group, rows.len()))),
            countries_with_evidence: rows
                .iter()
                .filter(|r| r.has_evidence())
                .map(|r| r.iso3.clone())
                .collect(),
            gaps: gaps.clone(),
            method_version: METHOD_VERSION.to_string(),
        }
    }
}
