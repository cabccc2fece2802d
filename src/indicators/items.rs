//! The items the indicators count, held column by column: one flat array per fact, small integers for
//! countries, sources, objectives, principles and bases. A world of 290,000 items and 580,000 mappings
//! takes a few megabytes besides the ids, and a pass over it touches only the columns it reads.

use std::collections::HashMap;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::evidence::Basis;
use crate::framework::OBJECTIVE_COUNT;

/// `ItemColumns::country` of an item credited to no country.
pub const NO_COUNTRY: u32 = u32::MAX;

/// What every item of one source shares. Per-source attributes live here, looked up through the item's
/// `source` index, so a new one is a field of this struct rather than a column of the items.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceFacts {
    pub id: Arc<str>,
    /// The review cycle the source belongs to (empty when the store names none).
    pub cycle: String,
}

/// An objective mapping as counted: the objective (1-23) and its basis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObjectiveFact {
    pub objective: u8,
    pub basis: Basis,
}

/// A principle mapping as counted: the principle's position in `Dataset::principles`, and its basis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrincipleFact {
    pub principle: u16,
    pub basis: Basis,
}

/// The items, sorted by id (byte order); row `i` of every column is the same item. The mappings of
/// item `i` are `objectives[objective_start[i]..objective_start[i + 1]]` (and likewise principles).
#[derive(Debug, Clone, PartialEq)]
pub struct ItemColumns {
    pub ids: Vec<Arc<str>>,
    /// Index into `countries`, or [`NO_COUNTRY`].
    pub country: Vec<u32>,
    /// Index into `sources`.
    pub source: Vec<u32>,
    /// 1 mentioned, 2 described, 3 described with figures.
    pub depth: Vec<u8>,
    pub objective_start: Vec<u32>,
    pub objectives: Vec<ObjectiveFact>,
    pub principle_start: Vec<u32>,
    pub principles: Vec<PrincipleFact>,
    /// The codes items are credited to, indexed by `country`.
    pub countries: Vec<String>,
    pub sources: Vec<SourceFacts>,
}

impl Default for ItemColumns {
    fn default() -> ItemColumns {
        ItemColumns {
            ids: Vec::new(),
            country: Vec::new(),
            source: Vec::new(),
            depth: Vec::new(),
            objective_start: vec![0],
            objectives: Vec::new(),
            principle_start: vec![0],
            principles: Vec::new(),
            countries: Vec::new(),
            sources: Vec::new(),
        }
    }
}

impl ItemColumns {
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The code the item at `row` is credited to, if any.
    pub fn country_of(&self, row: usize) -> Option<&str> {
        match self.country[row] {
            NO_COUNTRY => None,
            index => self.countries.get(index as usize).map(String::as_str),
        }
    }

    pub fn objectives_of(&self, row: usize) -> &[ObjectiveFact] {
        &self.objectives[self.objective_start[row] as usize..self.objective_start[row + 1] as usize]
    }

    pub fn principles_of(&self, row: usize) -> &[PrincipleFact] {
        &self.principles[self.principle_start[row] as usize..self.principle_start[row + 1] as usize]
    }

    /// The columns of plain item facts (tests, the synthetic world).
    pub fn from_facts(facts: Vec<super::ItemFact>, principles: &[String]) -> ItemColumns {
        let mut builder = ColumnsBuilder::new(principles);
        let mut sources: HashMap<(Arc<str>, String), u32> = HashMap::new();
        for fact in facts {
            let next = builder.sources.len() as u32;
            let source = *sources
                .entry((fact.source.clone(), fact.cycle.clone()))
                .or_insert_with(|| next);
            if source == next {
                builder.add_source(fact.source.clone(), fact.cycle.clone());
            }
            let row = builder.push_item(fact.id, fact.country.as_deref(), source, fact.depth);
            for (objective, basis) in fact.objectives {
                builder.push_objective(row, objective, basis);
            }
            for (principle, basis) in &fact.principles {
                builder.push_principle(row, principle, *basis);
            }
        }
        builder.finish()
    }
}

/// Builds [`ItemColumns`] from items and mappings in any order (as the database streams them).
/// Mappings that can never count are left out here rather than skipped on every pass: an objective
/// outside 1-23, a principle not in the framework.
pub struct ColumnsBuilder<'p> {
    principle_index: FxHashMap<&'p str, u16>,
    ids: Vec<Arc<str>>,
    country: Vec<u32>,
    source: Vec<u32>,
    depth: Vec<u8>,
    /// (item row as pushed, mapping), in the order pushed.
    objectives: Vec<(u32, ObjectiveFact)>,
    principles: Vec<(u32, PrincipleFact)>,
    country_index: FxHashMap<String, u32>,
    countries: Vec<String>,
    sources: Vec<SourceFacts>,
}

impl<'p> ColumnsBuilder<'p> {
    pub fn new(principles: &'p [String]) -> ColumnsBuilder<'p> {
        ColumnsBuilder {
            principle_index: principles
                .iter()
                .enumerate()
                .map(|(i, p)| (p.as_str(), i as u16))
                .collect(),
            ids: Vec::new(),
            country: Vec::new(),
            source: Vec::new(),
            depth: Vec::new(),
            objectives: Vec::new(),
            principles: Vec::new(),
            country_index: FxHashMap::default(),
            countries: Vec::new(),
            sources: Vec::new(),
        }
    }

    /// Adds a source; its index is the number of sources added before it.
    pub fn add_source(&mut self, id: Arc<str>, cycle: String) -> u32 {
        self.sources.push(SourceFacts { id, cycle });
        self.sources.len() as u32 - 1
    }

    /// Adds an item; returns its row in the order pushed (the handle its mappings are pushed with).
    pub fn push_item(
        &mut self,
        id: Arc<str>,
        country: Option<&str>,
        source: u32,
        depth: u8,
    ) -> u32 {
        // A country's items mostly come one after another: the last one's index is checked first.
        let last = self.country.last().copied().filter(|&i| i != NO_COUNTRY);
        let country = match (country, last) {
            (None, _) => NO_COUNTRY,
            (Some(code), Some(i)) if self.countries[i as usize] == code => i,
            (Some(code), _) => match self.country_index.get(code) {
                Some(&i) => i,
                None => {
                    let i = self.countries.len() as u32;
                    self.countries.push(code.to_string());
                    self.country_index.insert(code.to_string(), i);
                    i
                }
            },
        };
        self.ids.push(id);
        self.country.push(country);
        self.source.push(source);
        self.depth.push(depth);
        self.ids.len() as u32 - 1
    }

    pub fn push_objective(&mut self, row: u32, objective: i32, basis: Basis) {
        if (1..=OBJECTIVE_COUNT).contains(&objective) {
            let objective = objective as u8;
            self.objectives
                .push((row, ObjectiveFact { objective, basis }));
        }
    }

    pub fn push_principle(&mut self, row: u32, key: &str, basis: Basis) {
        if let Some(&principle) = self.principle_index.get(key) {
            self.principles
                .push((row, PrincipleFact { principle, basis }));
        }
    }

    /// Sorts the items by id and lays the mappings out item by item (each item's in the order pushed).
    pub fn finish(self) -> ItemColumns {
        let n = self.ids.len();
        let mut order: Vec<u32> = (0..n as u32).collect();
        // Already in order when the store hands the items out by id (SQLite does); checked in one pass.
        if !self.ids.windows(2).all(|w| w[0] <= w[1]) {
            order.sort_by(|a, b| self.ids[*a as usize].cmp(&self.ids[*b as usize]));
        }
        // rank[pushed row] = sorted row
        let mut rank = vec![0u32; n];
        for (sorted, pushed) in order.iter().enumerate() {
            rank[*pushed as usize] = sorted as u32;
        }
        let (objective_start, objectives) = lay_out(n, &rank, self.objectives);
        let (principle_start, principles) = lay_out(n, &rank, self.principles);
        let pick = |column: &[u32]| order.iter().map(|&i| column[i as usize]).collect();
        ItemColumns {
            country: pick(&self.country),
            source: pick(&self.source),
            depth: order.iter().map(|&i| self.depth[i as usize]).collect(),
            ids: order
                .iter()
                .map(|&i| self.ids[i as usize].clone())
                .collect(),
            objective_start,
            objectives,
            principle_start,
            principles,
            countries: self.countries,
            sources: self.sources,
        }
    }
}

/// A counting sort of mappings by their item's sorted row, stable, so each item keeps its mappings in
/// the order they came.
fn lay_out<T: Copy>(items: usize, rank: &[u32], mappings: Vec<(u32, T)>) -> (Vec<u32>, Vec<T>) {
    let mut start = vec![0u32; items + 1];
    for (row, _) in &mappings {
        start[rank[*row as usize] as usize + 1] += 1;
    }
    for i in 0..items {
        start[i + 1] += start[i];
    }
    let mut next = start.clone();
    let mut laid: Vec<Option<T>> = vec![None; mappings.len()];
    for (row, mapping) in mappings {
        let slot = &mut next[rank[row as usize] as usize];
        laid[*slot as usize] = Some(mapping);
        *slot += 1;
    }
    (start, laid.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_pushed_in_any_order_come_out_by_id_with_their_own_mappings() {
        let principles = vec!["rule of law".to_string(), "gender".to_string()];
        let mut builder = ColumnsBuilder::new(&principles);
        let early = builder.add_source("s-2021".into(), "2021".into());
        let late = builder.add_source("s-2025".into(), "2025".into());
        // Pushed as c, a, b; their mappings arrive interleaved, as rows of a table scan may.
        let c = builder.push_item("c".into(), Some("MEX"), late, 3);
        let a = builder.push_item("a".into(), None, early, 1);
        let b = builder.push_item("b".into(), Some("COL"), early, 2);
        builder.push_objective(b, 5, Basis::Cited);
        builder.push_objective(c, 7, Basis::Inferred);
        builder.push_objective(b, 24, Basis::Cited); // no such objective: never counts, left out
        builder.push_objective(b, 1, Basis::Auto);
        builder.push_principle(c, "gender", Basis::Reviewed);
        builder.push_principle(a, "no such principle", Basis::Cited); // left out
        let columns = builder.finish();

        let ids: Vec<&str> = columns.ids.iter().map(|id| &**id).collect();
        assert_eq!(ids, ["a", "b", "c"]);
        // Countries are numbered as first met: MEX (pushed with c) 0, COL 1; a has none.
        assert_eq!(columns.countries, ["MEX", "COL"]);
        assert_eq!(columns.country, [NO_COUNTRY, 1, 0]);
        assert_eq!(columns.source, [early, early, late]);
        assert_eq!(columns.depth, [1, 2, 3]);
        // a has no objective; b keeps 5 then 1 (its order of arrival); c has 7.
        let objectives = |row| -> Vec<(u8, Basis)> {
            columns
                .objectives_of(row)
                .iter()
                .map(|m| (m.objective, m.basis))
                .collect()
        };
        assert!(objectives(0).is_empty());
        assert_eq!(objectives(1), [(5, Basis::Cited), (1, Basis::Auto)]);
        assert_eq!(objectives(2), [(7, Basis::Inferred)]);
        assert_eq!(columns.objective_start, [0, 0, 2, 3]);
        // "gender" is the second principle of the framework (index 1); only c has it.
        assert_eq!(columns.principle_start, [0, 0, 0, 1]);
        assert_eq!(
            columns.principles_of(2),
            [PrincipleFact {
                principle: 1,
                basis: Basis::Reviewed
            }]
        );
    }
}
