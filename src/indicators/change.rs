//! What changed for a country between two review cycles.

use serde::Serialize;

use super::{compute, Counting, CountryIndicators, Dataset};
use crate::framework::{Grouping, OBJECTIVE_COUNT};

/// What changed for a country between two cycles.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Change {
    /// False when the country has no evidence in one of the two cycles' sources: then nothing is
    /// reported as lost or gained, since silence in a source is not a change in what was done.
    pub comparable: bool,
    pub deeper: Vec<i32>,
    pub from: String,
    pub newly_covered: Vec<i32>,
    pub no_longer_covered: Vec<i32>,
    pub objectives_covered_from: usize,
    pub objectives_covered_to: usize,
    pub shallower: Vec<i32>,
    pub to: String,
}

/// A country's change between two cycles, with its indicators in each (same bases and grouping as
/// `selection`, one cycle at a time): the profile, its page and its chart all show this.
pub fn country_change(
    data: &Dataset,
    selection: &Counting,
    grouping: &Grouping,
    iso3: &str,
    (from, to): (&str, &str),
) -> (Change, CountryIndicators, CountryIndicators) {
    // `compute` answers one row per country it is given, so the one row is there.
    let at = |cycle: &str| {
        compute(
            data,
            &selection.only_cycle(cycle),
            grouping,
            &[iso3.to_string()],
        )
        .remove(0)
    };
    let (before, after) = (at(from), at(to));
    (change(from, to, &before, &after), before, after)
}

pub fn change(
    from_cycle: &str,
    to_cycle: &str,
    before: &CountryIndicators,
    after: &CountryIndicators,
) -> Change {
    let comparable = before.has_evidence() && after.has_evidence();
    let mut result = Change {
        from: from_cycle.to_string(),
        to: to_cycle.to_string(),
        comparable,
        newly_covered: vec![],
        no_longer_covered: vec![],
        deeper: vec![],
        shallower: vec![],
        objectives_covered_from: before.objectives_covered,
        objectives_covered_to: after.objectives_covered,
    };
    if !comparable {
        return result;
    }
    for objective in 1..=OBJECTIVE_COUNT {
        let (a, b) = (before.depth_of(objective), after.depth_of(objective));
        match (a, b) {
            (0, b) if b > 0 => result.newly_covered.push(objective),
            (a, 0) if a > 0 => result.no_longer_covered.push(objective),
            (a, b) if b > a => result.deeper.push(objective),
            (a, b) if b < a => result.shallower.push(objective),
            _ => {}
        }
    }
    result
}
