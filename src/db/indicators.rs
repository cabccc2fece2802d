//! Reading the evidence store into the plain `Dataset` the indicator core computes from.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

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
use crate::indicators::{item_depth, CountryInfo, Dataset, ItemFact};

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

fn load_dataset(conn: &mut AnyConnection) -> Result<Dataset, DbError> {
    let framework = reference::framework(conn)?;
    let cycles: Vec<String> = review_cycles::table
        .order(review_cycles::position)
        .select(review_cycles::id)
        .load(conn)?;
    let source_rows: Vec<SourceCycleRow> = sources::table
        .select(SourceCycleRow::as_select())
        .load(conn)?;
    // The column's check admits only voices; one this build does not know names none.
    let source_voices: HashMap<Arc<str>, Voice> = source_rows
        .iter()
        .filter_map(|row| Some((Arc::from(row.id.as_str()), Voice::parse(&row.voice)?)))
        .collect();
    let source_cycle: BTreeMap<String, String> = source_rows
        .into_iter()
        .map(|row| (row.id, row.cycle_id))
        .collect();
    let mut sources_by_cycle: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (source, cycle) in &source_cycle {
        sources_by_cycle
            .entry(cycle.clone())
            .or_default()
            .push(source.clone());
    }

    let mut objective_map: BTreeMap<String, Vec<(i32, Basis)>> = BTreeMap::new();
    for row in objective_mappings::table
        .select(ObjectiveBasisRow::as_select())
        .load(conn)?
    {
        if let Some(basis) = Basis::parse(&row.basis) {
            objective_map
                .entry(row.item_id)
                .or_default()
                .push((row.objective, basis));
        }
    }
    let mut principle_map: BTreeMap<String, Vec<(String, Basis)>> = BTreeMap::new();
    for row in principle_mappings::table
        .select(PrincipleBasisRow::as_select())
        .load(conn)?
    {
        if let Some(basis) = Basis::parse(&row.basis) {
            principle_map
                .entry(row.item_id)
                .or_default()
                .push((row.principle, basis));
        }
    }
    let mut items: Vec<ItemFact> = evidence_items::table
        .order(evidence_items::id)
        .select(ItemFactRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|row| {
            let has_figures = serde_json::from_str::<Vec<String>>(&row.figures)
                .map(|f| !f.is_empty())
                .unwrap_or(false);
            ItemFact {
                objectives: objective_map.remove(&row.id).unwrap_or_default(),
                principles: principle_map.remove(&row.id).unwrap_or_default(),
                cycle: source_cycle
                    .get(&row.source_id)
                    .cloned()
                    .unwrap_or_default(),
                depth: item_depth(&row.kind, has_figures),
                id: row.id.into(),
                country: row.reporting_iso3,
                source: row.source_id.into(),
            }
        })
        .collect();
    // Sorted here, not by the database: PostgreSQL's collation and SQLite's byte order differ.
    items.sort_by(|a, b| a.id.cmp(&b.id));

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
        principles: framework.principles.iter().map(|p| p.key.clone()).collect(),
        groupings: framework.groupings,
        cycles,
        sources_by_cycle,
        source_voices,
    })
}
