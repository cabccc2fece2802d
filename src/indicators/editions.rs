//! What changed between an edition's dataset and the live one: items added, removed and remapped, and
//! each country's headline indicators that moved (counted as by default: every cycle, the default
//! bases, the default grouping). Pure.

use std::collections::{BTreeMap, BTreeSet};

use super::{compute, Counting, Dataset};

/// An item whose objective mappings differ (objective and basis; only mappings a selection can count).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remapped {
    pub id: String,
    pub country: Option<String>,
    /// Objectives mapped before and after, with their bases (`7:cited`).
    pub before: Vec<String>,
    pub after: Vec<String>,
}

/// A country's headline indicators before and after.
#[derive(Debug, Clone, PartialEq)]
pub struct CountryChange {
    pub iso3: String,
    pub items_counted: (usize, usize),
    pub objectives_covered: (usize, usize),
    pub principles_covered: (usize, usize),
    pub mappings_counted: (usize, usize),
    /// Objectives with evidence after but not before, and before but not after.
    pub objectives_gained: Vec<i32>,
    pub objectives_lost: Vec<i32>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Changes {
    pub items_added: Vec<String>,
    pub items_removed: Vec<String>,
    pub items_remapped: Vec<Remapped>,
    pub countries: Vec<CountryChange>,
}

/// The objective mappings of the item at `row`, as `objective:basis`, sorted.
fn mappings(data: &Dataset, row: usize) -> Vec<String> {
    let set: BTreeSet<(u8, &str)> = data
        .items
        .objectives_of(row)
        .iter()
        .map(|mapping| (mapping.objective, mapping.basis.as_str()))
        .collect();
    set.into_iter()
        .map(|(objective, basis)| format!("{objective}:{basis}"))
        .collect()
}

/// The changes from `before` (an edition) to `after` (live data).
pub fn changes(before: &Dataset, after: &Dataset) -> Changes {
    let by_id = |data: &Dataset| -> BTreeMap<String, usize> {
        data.items
            .ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.to_string(), i))
            .collect()
    };
    let (old, new) = (by_id(before), by_id(after));
    let mut result = Changes::default();
    for (id, &i) in &new {
        match old.get(id) {
            None => result.items_added.push(id.clone()),
            Some(&j) => {
                let (was, is) = (mappings(before, j), mappings(after, i));
                if was != is {
                    result.items_remapped.push(Remapped {
                        id: id.clone(),
                        country: after.items.country_of(i).map(str::to_string),
                        before: was,
                        after: is,
                    });
                }
            }
        }
    }
    result.items_removed = old
        .keys()
        .filter(|id| !new.contains_key(*id))
        .cloned()
        .collect();

    let counting = Counting::default();
    let indicators = |data: &Dataset| {
        let Some(grouping) = data.groupings.iter().find(|g| g.default).cloned() else {
            return BTreeMap::new();
        };
        let countries: Vec<String> = data.countries.keys().cloned().collect();
        compute(data, &counting, &grouping, &countries)
            .into_iter()
            .map(|c| (c.iso3.clone(), c))
            .collect::<BTreeMap<_, _>>()
    };
    let (was, is) = (indicators(before), indicators(after));
    let countries: BTreeSet<&String> = was.keys().chain(is.keys()).collect();
    for iso3 in countries {
        let covered = |c: Option<&super::CountryIndicators>| -> BTreeSet<i32> {
            c.map(|c| {
                c.objectives
                    .iter()
                    .filter(|o| o.depth > 0)
                    .map(|o| o.objective)
                    .collect()
            })
            .unwrap_or_default()
        };
        let (a, b) = (was.get(iso3), is.get(iso3));
        let pair = |f: fn(&super::CountryIndicators) -> usize| (a.map_or(0, f), b.map_or(0, f));
        let change = CountryChange {
            iso3: iso3.clone(),
            items_counted: pair(|c| c.items_counted),
            objectives_covered: pair(|c| c.objectives_covered),
            principles_covered: pair(|c| c.principles_covered),
            mappings_counted: pair(|c| c.mappings_counted),
            objectives_gained: covered(b).difference(&covered(a)).copied().collect(),
            objectives_lost: covered(a).difference(&covered(b)).copied().collect(),
        };
        let moved = change.items_counted.0 != change.items_counted.1
            || change.objectives_covered.0 != change.objectives_covered.1
            || change.principles_covered.0 != change.principles_covered.1
            || change.mappings_counted.0 != change.mappings_counted.1
            || !change.objectives_gained.is_empty()
            || !change.objectives_lost.is_empty();
        if moved {
            result.countries.push(change);
        }
    }
    result
}
