//! Review cycles with what feeds them (sources, items, voluntary reports), and the champion countries.

use std::collections::BTreeMap;

use diesel::prelude::*;

use super::rows::{CycleRow, SubmittedRow};
use super::schema::{champions, countries, review_cycles, submissions};
use super::{AnyConnection, DbError};
use crate::evidence::Cycle;

/// A review cycle with what feeds it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CycleSummary {
    pub id: String,
    pub region: Option<String>,
    pub title_en: String,
    pub title_es: String,
    pub review_start: Option<String>,
    pub review_end: Option<String>,
    pub feeds_until: String,
    pub note: Option<String>,
    pub sources: Vec<String>,
    pub items: i64,
    /// Countries that submitted a voluntary national report to the cycle.
    pub submissions: Vec<String>,
}

/// Every review cycle, in their order.
pub fn load(conn: &mut AnyConnection) -> Result<Vec<Cycle>, DbError> {
    Ok(review_cycles::table
        .order(review_cycles::position)
        .select(CycleRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Cycle::from)
        .collect())
}

/// Every review cycle's id, in their order.
pub fn ids(conn: &mut AnyConnection) -> Result<Vec<String>, DbError> {
    Ok(review_cycles::table
        .select(review_cycles::id)
        .order(review_cycles::position)
        .load(conn)?)
}

/// Every review cycle with its sources, their items and the countries that reported to it.
pub fn list(conn: &mut AnyConnection) -> Result<Vec<CycleSummary>, DbError> {
    let cycles = load(conn)?;
    let mut sources_of: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut items_of: BTreeMap<String, i64> = BTreeMap::new();
    for source in super::sources::list(conn)? {
        *items_of.entry(source.cycle.clone()).or_default() += source.items;
        sources_of.entry(source.cycle).or_default().push(source.id);
    }
    let mut submitted: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for row in submissions::table
        .order((submissions::cycle_id, submissions::iso3))
        .select(SubmittedRow::as_select())
        .distinct()
        .load(conn)?
    {
        submitted.entry(row.cycle_id).or_default().push(row.iso3);
    }
    Ok(cycles
        .into_iter()
        .map(|c| CycleSummary {
            sources: sources_of.remove(&c.id).unwrap_or_default(),
            items: items_of.remove(&c.id).unwrap_or(0),
            submissions: submitted.remove(&c.id).unwrap_or_default(),
            id: c.id,
            region: c.region,
            title_en: c.title_en,
            title_es: c.title_es,
            review_start: c.review_start,
            review_end: c.review_end,
            feeds_until: c.feeds_until,
            note: c.note,
        })
        .collect())
}

/// A champion country with the record of its status.
#[derive(Debug, Clone, PartialEq, serde::Serialize, Queryable, Selectable)]
#[diesel(table_name = champions)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct ChampionRecord {
    pub iso3: String,
    #[diesel(select_expression = countries::name_en)]
    pub name_en: String,
    #[diesel(select_expression = countries::name_es)]
    pub name_es: String,
    pub since: Option<String>,
    pub as_of: String,
    #[diesel(column_name = source_id)]
    pub source: Option<String>,
    pub line_start: Option<i32>,
    pub line_end: Option<i32>,
    pub note: Option<String>,
}

/// The champion countries, by code, with their names.
pub fn champions(conn: &mut AnyConnection) -> Result<Vec<ChampionRecord>, DbError> {
    Ok(champions::table
        .inner_join(countries::table.on(countries::iso3.eq(champions::iso3)))
        .order(champions::iso3)
        .select(ChampionRecord::as_select())
        .load(conn)?)
}
