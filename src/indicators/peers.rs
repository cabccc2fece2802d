//! A country against a peer group: medians over the members with evidence, rank and gaps.

use serde::Serialize;

use super::CountryIndicators;
use crate::framework::OBJECTIVE_COUNT;

/// Median of values (mean of the two middle ones for an even count); None for no values.
pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let mid = sorted.len() / 2;
    Some(if sorted.len().is_multiple_of(2) {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    } else {
        sorted[mid]
    })
}

/// A country against a peer group.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PeerComparison {
    pub areas: Vec<PeerArea>,
    pub gap_objectives_covered: Option<f64>,
    pub group_size: usize,
    pub median_objectives_covered: Option<f64>,
    /// Members with evidence in the selection: medians are taken over these, because a member without
    /// evidence in these sources is unknown, not zero.
    pub members_with_evidence: Vec<String>,
    pub members_without_evidence: Vec<String>,
    pub objectives: Vec<PeerObjective>,
    /// Share (0-100) of the other members with evidence that cover fewer objectives.
    pub percentile: Option<f64>,
    /// Competition rank by objectives covered among members with evidence (1 = most; ties share a rank).
    pub rank: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PeerObjective {
    pub depth: u8,
    pub gap: Option<f64>,
    pub median_depth: Option<f64>,
    pub objective: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PeerArea {
    pub covered: usize,
    pub gap: Option<f64>,
    pub id: String,
    pub median_covered: Option<f64>,
}

pub fn compare_with_peers(
    target: &CountryIndicators,
    group: &[CountryIndicators],
) -> PeerComparison {
    let with: Vec<&CountryIndicators> = group.iter().filter(|c| c.has_evidence()).collect();
    let without: Vec<String> = group
        .iter()
        .filter(|c| !c.has_evidence())
        .map(|c| c.iso3.clone())
        .collect();
    let covered: Vec<f64> = with.iter().map(|c| c.objectives_covered as f64).collect();
    let median_covered = median(&covered);
    let in_ranking = target.has_evidence();
    let rank = in_ranking.then(|| {
        1 + with
            .iter()
            .filter(|c| c.objectives_covered > target.objectives_covered)
            .count()
    });
    let others = with.iter().filter(|c| c.iso3 != target.iso3).count();
    let percentile = (in_ranking && others > 0).then(|| {
        let below = with
            .iter()
            .filter(|c| c.iso3 != target.iso3 && c.objectives_covered < target.objectives_covered)
            .count();
        100.0 * below as f64 / others as f64
    });
    let objectives = (1..=OBJECTIVE_COUNT)
        .map(|objective| {
            let depths: Vec<f64> = with.iter().map(|c| c.depth_of(objective) as f64).collect();
            let median_depth = median(&depths);
            let depth = target.depth_of(objective);
            PeerObjective {
                objective,
                depth,
                median_depth,
                gap: median_depth
                    .filter(|_| in_ranking)
                    .map(|m| depth as f64 - m),
            }
        })
        .collect();
    let areas = target
        .areas
        .iter()
        .enumerate()
        .map(|(i, area)| {
            let values: Vec<f64> = with
                .iter()
                .filter_map(|c| c.areas.get(i).map(|a| a.covered as f64))
                .collect();
            let median_covered = median(&values);
            PeerArea {
                id: area.id.clone(),
                covered: area.covered,
                median_covered,
                gap: median_covered
                    .filter(|_| in_ranking)
                    .map(|m| area.covered as f64 - m),
            }
        })
        .collect();
    PeerComparison {
        group_size: group.len(),
        members_with_evidence: with.iter().map(|c| c.iso3.clone()).collect(),
        members_without_evidence: without,
        rank,
        percentile,
        gap_objectives_covered: median_covered
            .filter(|_| in_ranking)
            .map(|m| target.objectives_covered as f64 - m),
        median_objectives_covered: median_covered,
        objectives,
        areas,
    }
}
