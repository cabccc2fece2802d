//! Where a group of countries as a whole has little or no evidence.

use serde::Serialize;

use super::CountryIndicators;
use crate::framework::OBJECTIVE_COUNT;

/// Where a group as a whole has little or no evidence.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Gaps {
    pub group_size: usize,
    pub objectives: Vec<ObjectiveGap>,
    /// Objectives no member has evidence for.
    pub objectives_without_evidence: Vec<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CountryCount {
    pub evidence_count: usize,
    pub iso3: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ObjectiveGap {
    pub countries_with_evidence: usize,
    /// Among members with some evidence in the selection, those with the fewest items for this objective.
    pub least: Vec<String>,
    pub least_count: usize,
    pub objective: i32,
    /// Members with evidence for the objective, from least to most items (gaps read from the bottom).
    pub with_evidence: Vec<CountryCount>,
    /// Members with no evidence for it in these sources.
    pub without_evidence: Vec<String>,
}

pub fn gaps(group: &[CountryIndicators]) -> Gaps {
    let reporting: Vec<&CountryIndicators> = group.iter().filter(|c| c.has_evidence()).collect();
    let objectives: Vec<ObjectiveGap> = (1..=OBJECTIVE_COUNT)
        .map(|objective| {
            let mut with: Vec<CountryCount> = group
                .iter()
                .map(|c| CountryCount {
                    iso3: c.iso3.clone(),
                    evidence_count: c.objectives[objective as usize - 1].evidence_count,
                })
                .filter(|c| c.evidence_count > 0)
                .collect();
            with.sort_by(|a, b| {
                a.evidence_count
                    .cmp(&b.evidence_count)
                    .then(a.iso3.cmp(&b.iso3))
            });
            let without = group
                .iter()
                .filter(|c| c.objectives[objective as usize - 1].evidence_count == 0)
                .map(|c| c.iso3.clone())
                .collect();
            let least_count = reporting
                .iter()
                .map(|c| c.objectives[objective as usize - 1].evidence_count)
                .min()
                .unwrap_or(0);
            let least = reporting
                .iter()
                .filter(|c| c.objectives[objective as usize - 1].evidence_count == least_count)
                .map(|c| c.iso3.clone())
                .collect();
            ObjectiveGap {
                objective,
                countries_with_evidence: with.len(),
                with_evidence: with,
                without_evidence: without,
                least,
                least_count,
            }
        })
        .collect();
    Gaps {
        group_size: group.len(),
        objectives_without_evidence: objectives
            .iter()
            .filter(|o| o.countries_with_evidence == 0)
            .map(|o| o.objective)
            .collect(),
        objectives,
    }
}
