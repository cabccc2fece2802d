//! Reading the evidence store into the plain `Dataset` the indicator core computes from.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use diesel::connection::DefaultLoadingMode;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use rustc_hash::FxHashMap;

use super::rows::{
    CountryRow, ItemFactRow, ObjectiveBasisRow, PrincipleBasisRow, SourceCycleRow, SubmittedRow,
};
use super::schema::{
    champions, countries, evidence_items, objective_mappings, principle_mappings, review_cycles,
    sources, submissions,
};
use super::{reference, AnyConnection, DbError};
use crate::evidence::{Basis, Voice};
use crate::indicators::{item_depth, ColumnsBuilder, CountryInfo, Dataset};

/// Whether an item's figures (a JSON array of strings) name any: most items have none, written `[]`
/// and read as none.
fn has_figures(figures: Option<&str>) -> bool {
    figures.is_some_and(|figures| {
        figures != "[]"
            && serde_json::from_str::<Vec<String>>(figures)
                .map(|f| !f.is_empty())
                .unwrap_or(false)
    })
}

/// The store's version and the dataset, read in one transaction so they match: on PostgreSQL at
/// REPEATABLE READ (one snapshot for every query), on SQLite a read transaction, which is a snapshot too.
pub fn load_versioned_dataset(conn: &mut AnyConnection) -> Result<(i64, Dataset), DbError> {
    conn.transaction(|conn| {
        if let AnyConnection::Postgresql(pg) = conn {
            pg.batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")?;
        }
        let version = super::version::current(conn)?;
        Ok((version, load_dataset(conn)?))
    })
}

/// Finds an item's row (in the order the items were read) by its id, for its mappings. The store hands
/// mappings out in the order they were written, which is item by item in the order the items come
/// (an import writes an item's mappings with it): each mapping's item is looked for first where the
/// last one was and just after it, and the ids are hashed, all at once, only the first time that fails
/// (a store whose rows were rewritten out of order).
struct ItemFinder<'a> {
    ids: &'a [Arc<str>],
    last: usize,
    index: Option<FxHashMap<&'a str, u32>>,
}

impl<'a> ItemFinder<'a> {
    fn new(ids: &'a [Arc<str>]) -> ItemFinder<'a> {
        ItemFinder {
            ids,
            last: 0,
            index: None,
        }
    }

    fn find(&mut self, id: &str) -> Option<u32> {
        for candidate in [self.last, self.last + 1] {
            if self.ids.get(candidate).is_some_and(|known| **known == *id) {
                self.last = candidate;
                return Some(candidate as u32);
            }
        }
        let ids = self.ids;
        let index = self.index.get_or_insert_with(|| {
            ids.iter()
                .enumerate()
                .map(|(at, id)| (&**id, at as u32))
                .collect()
        });
        let at = *index.get(id)?;
        self.last = at as usize;
        Some(at)
    }
}

/// One streaming query per table: rows are turned into columns as they arrive, never held as a list
/// of row structs.
fn load_dataset(conn: &mut AnyConnection) -> Result<Dataset, DbError> {
    let framework = reference::framework(conn)?;
    let principles: Vec<String> = framework.principles.iter().map(|p| p.key.clone()).collect();
    let cycles: Vec<String> = review_cycles::table
        .order(review_cycles::position)
        .select(review_cycles::id)
        .load(conn)?;
    let mut builder = ColumnsBuilder::new(&principles);
    let mut source_index: FxHashMap<Arc<str>, u32> = FxHashMap::default();
    let mut source_voices: HashMap<Arc<str>, Voice> = HashMap::new();
    let mut sources_by_cycle: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for row in sources::table
        .select(SourceCycleRow::as_select())
        .load_iter::<SourceCycleRow, DefaultLoadingMode>(conn)?
    {
        let row = row?;
        let id: Arc<str> = row.id.as_str().into();
        // The column's check admits only voices; one this build does not know names none.
        if let Some(voice) = Voice::parse(&row.voice) {
            source_voices.insert(id.clone(), voice);
        }
        source_index.insert(id.clone(), builder.add_source(id, row.cycle_id.clone()));
        sources_by_cycle
            .entry(row.cycle_id)
            .or_default()
            .push(row.id);
    }
    // The same order as a sorted map gave: by source id within each cycle.
    for list in sources_by_cycle.values_mut() {
        list.sort();
    }

    let mut item_ids: Vec<Arc<str>> = Vec::new();
    let mut last_source: Option<(Arc<str>, u32)> = None;
    for row in evidence_items::table
        .select(ItemFactRow::as_select())
        .load_iter::<ItemFactRow, DefaultLoadingMode>(conn)?
    {
        let row = row?;
        // A source's items mostly come one after another: its index is looked up once per run.
        let source = match &last_source {
            Some((id, index)) if **id == *row.source_id => *index,
            _ => {
                let index = match source_index.get(row.source_id.as_str()) {
                    Some(&i) => i,
                    // An item whose source is unknown (no such row) belongs to no cycle, as before.
                    None => {
                        let id: Arc<str> = row.source_id.as_str().into();
                        let i = builder.add_source(id.clone(), String::new());
                        source_index.insert(id, i);
                        i
                    }
                };
                last_source = Some((row.source_id.as_str().into(), index));
                index
            }
        };
        let id: Arc<str> = row.id.as_str().into();
        let depth = item_depth(&row.kind, has_figures(row.figures.as_deref()));
        builder.push_item(id.clone(), row.reporting_iso3.as_deref(), source, depth);
        item_ids.push(id);
    }
    let mut items_by_id = ItemFinder::new(&item_ids);
    for row in objective_mappings::table
        .select(ObjectiveBasisRow::as_select())
        .load_iter::<ObjectiveBasisRow, DefaultLoadingMode>(conn)?
    {
        let row = row?;
        if let (Some(at), Some(basis)) = (items_by_id.find(&row.item_id), Basis::parse(&row.basis))
        {
            builder.push_objective(at, row.objective, basis);
        }
    }
    for row in principle_mappings::table
        .select(PrincipleBasisRow::as_select())
        .load_iter::<PrincipleBasisRow, DefaultLoadingMode>(conn)?
    {
        let row = row?;
        if let (Some(at), Some(basis)) = (items_by_id.find(&row.item_id), Basis::parse(&row.basis))
        {
            builder.push_principle(at, &row.principle, basis);
        }
    }
    drop(items_by_id);
    drop(item_ids);
    // Sorted by the builder, not by the database: PostgreSQL's collation and SQLite's byte order differ.
    let items = builder.finish();

    // Suspended members do not count as members of a bloc's peer group.
    let mut blocs = reference::memberships(conn)?;
    let champion_set: BTreeSet<String> = champions::table
        .select(champions::iso3)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    let mut reports: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for row in submissions::table
        .select(SubmittedRow::as_select())
        .load(conn)?
    {
        reports.entry(row.iso3).or_default().insert(row.cycle_id);
    }
    let countries = countries::table
        .select(CountryRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|row| {
            let info = CountryInfo {
                blocs: blocs.remove(&row.iso3).unwrap_or_default(),
                champion: champion_set.contains(&row.iso3),
                voluntary_reports: reports.remove(&row.iso3).unwrap_or_default(),
                iso3: row.iso3.clone(),
                name_en: row.name_en,
                name_es: row.name_es,
                region: row.region,
                subregion: row.subregion,
            };
            (row.iso3, info)
        })
        .collect();
    Ok(Dataset {
        items,
        countries,
        principles,
        groupings: framework.groupings,
        cycles,
        sources_by_cycle,
        source_voices,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mapping_s_item_is_found_where_the_last_was_after_it_or_by_its_id() {
        let ids: Vec<Arc<str>> = ["a", "b", "c", "d"].into_iter().map(Arc::from).collect();
        let mut finder = ItemFinder::new(&ids);
        // Mappings in the items' order (two for a, none for c): each is where the last one was or
        // just after it, so no id is hashed.
        assert_eq!(finder.find("a"), Some(0));
        assert_eq!(finder.find("a"), Some(0));
        assert_eq!(finder.find("b"), Some(1));
        assert!(finder.index.is_none());
        // d is two rows on, and a back at the start: both found by id, once the ids are indexed.
        assert_eq!(finder.find("d"), Some(3));
        assert!(finder.index.is_some());
        assert_eq!(finder.find("a"), Some(0));
        // The search goes on from where the last one was found: b just after a.
        assert_eq!(finder.find("b"), Some(1));
        // A mapping of an item that is not stored (or not read) finds none.
        assert_eq!(finder.find("zz"), None);
    }

    #[test]
    fn only_figures_that_name_something_count() {
        // NULLIF gives none for `[]`; another empty list or a list that is not JSON names nothing.
        assert!(!has_figures(None));
        assert!(!has_figures(Some("[]")));
        assert!(!has_figures(Some(" [ ] ")));
        assert!(!has_figures(Some("not json")));
        assert!(has_figures(Some("[\"12 shelters\"]")));
    }
}
