//! Reading the evidence store into the plain `Dataset` the indicator core computes from.

use std::collections::{BTreeMap, BTreeSet};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use super::schema::{
    bloc_members, champions, countries, evidence_items, objective_mappings, principle_mappings,
    review_cycles, sources, submissions,
};
use super::{reference, AnyConnection, DbError};
use crate::evidence::Basis;
use crate::indicators::{item_depth, CountryInfo, Dataset, ItemFact};

/// The store's version and the dataset, read in one transaction so they match: on PostgreSQL at
/// REPEATABLE READ (one snapshot for every query), on SQLite a read transaction, which is a snapshot too.
pub fn load_versioned_dataset(conn: &mut AnyConnection) -> Result<(i64, Dataset), DbError> {
    conn.transaction(|conn| {
        if let AnyConnection::Postgresql(pg) = conn {
            pg.batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")?;
        }
        let version = super::evidence::data_version(conn)?;
        Ok((version, load_dataset(conn)?))
    })
}

pub fn load_dataset(conn: &mut AnyConnection) -> Result<Dataset, DbError> {
    let framework = reference::framework(conn)?;
    let cycles: Vec<String> = review_cycles::table
        .order(review_cycles::position)
        .select(review_cycles::id)
        .load(conn)?;
    let source_cycle: BTreeMap<String, String> = sources::table
        .select((sources::id, sources::cycle_id))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    let mut sources_by_cycle: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (source, cycle) in &source_cycle {
        sources_by_cycle
            .entry(cycle.clone())
            .or_default()
            .push(source.clone());
    }

    let mut objective_map: BTreeMap<String, Vec<(i32, Basis)>> = BTreeMap::new();
    for (item, objective, basis) in objective_mappings::table
        .select((
            objective_mappings::item_id,
            objective_mappings::objective,
            objective_mappings::basis,
        ))
        .load::<(String, i32, String)>(conn)?
    {
        if let Some(basis) = Basis::parse(&basis) {
            objective_map
                .entry(item)
                .or_default()
                .push((objective, basis));
        }
    }
    let mut principle_map: BTreeMap<String, Vec<(String, Basis)>> = BTreeMap::new();
    for (item, principle, basis) in principle_mappings::table
        .select((
            principle_mappings::item_id,
            principle_mappings::principle,
            principle_mappings::basis,
        ))
        .load::<(String, String, String)>(conn)?
    {
        if let Some(basis) = Basis::parse(&basis) {
            principle_map
                .entry(item)
                .or_default()
                .push((principle, basis));
        }
    }
    let mut items: Vec<ItemFact> = evidence_items::table
        .order(evidence_items::id)
        .select((
            evidence_items::id,
            evidence_items::reporting_iso3,
            evidence_items::source_id,
            evidence_items::kind,
            evidence_items::figures,
        ))
        .load::<(String, Option<String>, String, String, String)>(conn)?
        .into_iter()
        .map(|(id, country, source, kind, figures)| {
            let has_figures = serde_json::from_str::<Vec<String>>(&figures)
                .map(|f| !f.is_empty())
                .unwrap_or(false);
            ItemFact {
                objectives: objective_map.remove(&id).unwrap_or_default(),
                principles: principle_map.remove(&id).unwrap_or_default(),
                cycle: source_cycle.get(&source).cloned().unwrap_or_default(),
                depth: item_depth(&kind, has_figures),
                id: id.into(),
                country,
                source: source.into(),
            }
        })
        .collect();
    // Sorted here, not by the database: PostgreSQL's collation and SQLite's byte order differ.
    items.sort_by(|a, b| a.id.cmp(&b.id));

    let mut blocs: BTreeMap<String, Vec<String>> = BTreeMap::new();
    // Suspended members do not count as members of a bloc's peer group.
    for (iso3, bloc) in bloc_members::table
        .filter(bloc_members::status.eq("member"))
        .order((bloc_members::iso3, bloc_members::bloc_id))
        .select((bloc_members::iso3, bloc_members::bloc_id))
        .load::<(String, String)>(conn)?
    {
        blocs.entry(iso3).or_default().push(bloc);
    }
    let champion_set: BTreeSet<String> = champions::table
        .select(champions::iso3)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    let mut reports: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (iso3, cycle) in submissions::table
        .select((submissions::iso3, submissions::cycle_id))
        .load::<(String, String)>(conn)?
    {
        reports.entry(iso3).or_default().insert(cycle);
    }
    let countries = countries::table
        .select((
            countries::iso3,
            countries::name_en,
            countries::name_es,
            countries::region,
            countries::subregion,
        ))
        .load::<(String, String, String, Option<String>, Option<String>)>(conn)?
        .into_iter()
        .map(|(iso3, name_en, name_es, region, subregion)| {
            let info = CountryInfo {
                blocs: blocs.remove(&iso3).unwrap_or_default(),
                champion: champion_set.contains(&iso3),
                voluntary_reports: reports.remove(&iso3).unwrap_or_default(),
                iso3: iso3.clone(),
                name_en,
                name_es,
                region,
                subregion,
            };
            (iso3, info)
        })
        .collect();
    Ok(Dataset {
        items,
        countries,
        principles: framework.principles.iter().map(|p| p.key.clone()).collect(),
        objective_labels: framework
            .objectives
            .iter()
            .map(|o| o.short_en.clone())
            .collect(),
        groupings: framework.groupings,
        cycles,
        sources_by_cycle,
    })
}
