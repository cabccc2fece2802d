//! Reading the evidence store into the plain `Dataset` the indicator core computes from.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use diesel::connection::DefaultLoadingMode;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;

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

/// Whether an item's figures (a JSON array of strings) name any: most items have none, written `[]`.
fn has_figures(figures: &str) -> bool {
    figures != "[]"
        && serde_json::from_str::<Vec<String>>(figures)
            .map(|f| !f.is_empty())
            .unwrap_or(false)
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

/// One streaming query per table: rows are turned into columns as they arrive, never held as a list
/// of row structs, and items are matched to their mappings by a hash of their ids.
fn load_dataset(conn: &mut AnyConnection) -> Result<Dataset, DbError> {
    let framework = reference::framework(conn)?;
    let principles: Vec<String> = framework.principles.iter().map(|p| p.key.clone()).collect();
    let cycles: Vec<String> = review_cycles::table
        .order(review_cycles::position)
        .select(review_cycles::id)
        .load(conn)?;
    let mut builder = ColumnsBuilder::new(&principles);
    let mut source_index: HashMap<Arc<str>, u32> = HashMap::new();
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

    let mut item_row: HashMap<Arc<str>, u32> = HashMap::new();
    for row in evidence_items::table
        .select(ItemFactRow::as_select())
        .load_iter::<ItemFactRow, DefaultLoadingMode>(conn)?
    {
        let row = row?;
        // An item whose source is unknown (no such row) belongs to no cycle, as before.
        let source = match source_index.get(row.source_id.as_str()) {
            Some(&i) => i,
            None => {
                let id: Arc<str> = row.source_id.as_str().into();
                let i = builder.add_source(id.clone(), String::new());
                source_index.insert(id, i);
                i
            }
        };
        let id: Arc<str> = row.id.as_str().into();
        let depth = item_depth(&row.kind, has_figures(&row.figures));
        let at = builder.push_item(id.clone(), row.reporting_iso3.as_deref(), source, depth);
        item_row.insert(id, at);
    }
    for row in objective_mappings::table
        .select(ObjectiveBasisRow::as_select())
        .load_iter::<ObjectiveBasisRow, DefaultLoadingMode>(conn)?
    {
        let row = row?;
        if let (Some(&at), Some(basis)) =
            (item_row.get(row.item_id.as_str()), Basis::parse(&row.basis))
        {
            builder.push_objective(at, row.objective, basis);
        }
    }
    for row in principle_mappings::table
        .select(PrincipleBasisRow::as_select())
        .load_iter::<PrincipleBasisRow, DefaultLoadingMode>(conn)?
    {
        let row = row?;
        if let (Some(&at), Some(basis)) =
            (item_row.get(row.item_id.as_str()), Basis::parse(&row.basis))
        {
            builder.push_principle(at, &row.principle, basis);
        }
    }
    drop(item_row);
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
