//! Evidence items in the store: the filtered list a page at a time, one item, every item for the
//! exports, each with its source, countries and mappings.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::rows::ItemRow;
use super::schema::{
    countries, evidence_items, item_countries, objective_mappings, principle_mappings, sources,
};
use super::{AnyConnection, DbError};
use crate::evidence::Basis;

/// Filters of the evidence list; all given filters must hold together.
#[derive(Debug, Clone, Default)]
pub struct EvidenceFilter {
    /// Items credited to this country.
    pub country: Option<String>,
    /// Items mapped to this objective (with one of `bases`, when given).
    pub objective: Option<i32>,
    pub principle: Option<String>,
    pub kinds: Vec<String>,
    pub source: Option<String>,
    /// Items from sources of any of these cycles (none = every cycle).
    pub cycles: Vec<String>,
    /// Mapping bases: with `objective`, the mapping to it must have one of them; alone, the item must have
    /// some objective mapping with one of them.
    pub bases: Vec<Basis>,
    /// Case-insensitive text in the title, summary or quote.
    pub text: Option<String>,
}

// SQL `lower()`. SQLite's own folds ASCII only ("Índice" stays as it is), so SQLite connections register
// a Rust implementation under the same name (db::ConnectionOpener): both backends fold all of Unicode.
diesel::define_sql_function!(
    fn lower(x: diesel::sql_types::Nullable<diesel::sql_types::Text>) -> diesel::sql_types::Nullable<diesel::sql_types::Text>
);

type ItemQuery<'a> = evidence_items::BoxedQuery<'a, super::MultiBackend>;

fn filtered(filter: &EvidenceFilter) -> ItemQuery<'static> {
    let mut query = evidence_items::table.into_boxed();
    if let Some(country) = &filter.country {
        query = query.filter(evidence_items::reporting_iso3.eq(country.clone()));
    }
    let bases: Vec<&'static str> = filter.bases.iter().map(|b| b.as_str()).collect();
    match (filter.objective, bases.is_empty()) {
        (Some(objective), true) => {
            query = query.filter(
                evidence_items::id.eq_any(
                    objective_mappings::table
                        .filter(objective_mappings::objective.eq(objective))
                        .select(objective_mappings::item_id),
                ),
            );
        }
        (Some(objective), false) => {
            query = query.filter(
                evidence_items::id.eq_any(
                    objective_mappings::table
                        .filter(objective_mappings::objective.eq(objective))
                        .filter(objective_mappings::basis.eq_any(bases))
                        .select(objective_mappings::item_id),
                ),
            );
        }
        (None, false) => {
            query = query.filter(
                evidence_items::id.eq_any(
                    objective_mappings::table
                        .filter(objective_mappings::basis.eq_any(bases))
                        .select(objective_mappings::item_id),
                ),
            );
        }
        (None, true) => {}
    }
    if let Some(principle) = &filter.principle {
        query = query.filter(
            evidence_items::id.eq_any(
                principle_mappings::table
                    .filter(principle_mappings::principle.eq(principle.clone()))
                    .select(principle_mappings::item_id),
            ),
        );
    }
    if !filter.kinds.is_empty() {
        query = query.filter(evidence_items::kind.eq_any(filter.kinds.clone()));
    }
    if let Some(source) = &filter.source {
        query = query.filter(evidence_items::source_id.eq(source.clone()));
    }
    if !filter.cycles.is_empty() {
        query = query.filter(
            evidence_items::source_id.eq_any(
                sources::table
                    .filter(sources::cycle_id.eq_any(filter.cycles.clone()))
                    .select(sources::id),
            ),
        );
    }
    if let Some(text) = &filter.text {
        // Escape LIKE's wildcards so the text is matched literally.
        let escaped = text
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let pattern = format!("%{escaped}%");
        query = query.filter(
            lower(evidence_items::title.nullable())
                .like(pattern.clone())
                .escape('\\')
                .or(lower(evidence_items::summary)
                    .like(pattern.clone())
                    .escape('\\'))
                .or(lower(evidence_items::quote.nullable())
                    .like(pattern)
                    .escape('\\'))
                .assume_not_null(),
        );
    }
    query
}

/// Ids of the items that pass the filter, in the stable order of every list: source, then position
/// in it, then id.
fn ordered_ids(filter: &EvidenceFilter) -> ItemQuery<'static> {
    filtered(filter).order((
        evidence_items::source_id,
        evidence_items::line_start,
        evidence_items::id,
    ))
}

/// One page of evidence items in the stable order, with the total.
pub fn search(
    conn: &mut AnyConnection,
    filter: &EvidenceFilter,
    limit: i64,
    offset: i64,
) -> Result<(i64, Vec<EvidenceItem>), DbError> {
    let total: i64 = filtered(filter).count().get_result(conn)?;
    let ids: Vec<String> = ordered_ids(filter)
        .select(evidence_items::id)
        .limit(limit)
        .offset(offset)
        .load(conn)?;
    Ok((total, load(conn, &ids)?))
}

/// Every item that passes the filter, in the stable order (for exports).
pub fn all(
    conn: &mut AnyConnection,
    filter: &EvidenceFilter,
) -> Result<Vec<EvidenceItem>, DbError> {
    let ids: Vec<String> = ordered_ids(filter).select(evidence_items::id).load(conn)?;
    load(conn, &ids)
}

pub fn by_id(conn: &mut AnyConnection, id: &str) -> Result<Option<EvidenceItem>, DbError> {
    Ok(load(conn, &[id.to_string()])?.into_iter().next())
}

/// An evidence item as served, with everything needed to trace it to its text.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct EvidenceItem {
    pub actor: Option<String>,
    pub actor_type: Option<String>,
    pub context: Option<String>,
    pub countries: Vec<ItemCountry>,
    pub date: Option<String>,
    pub figures: Vec<String>,
    pub id: String,
    pub kind: String,
    pub language: String,
    pub line_end: i32,
    pub line_start: i32,
    pub objectives: Vec<ItemObjective>,
    /// Last and first page (1-based) of a passage of a paged report (a PDF); empty otherwise.
    pub page_end: Option<i32>,
    pub page_start: Option<i32>,
    pub principles: Vec<ItemPrinciple>,
    pub quote: String,
    pub reporting_country: Option<CountryRef>,
    pub source: ItemSource,
    pub status: Option<String>,
    pub summary: Option<String>,
    pub title: String,
    pub year: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema, Queryable, Selectable)]
#[diesel(table_name = sources)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct ItemSource {
    #[diesel(column_name = cycle_id)]
    pub cycle: String,
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema, Queryable, Selectable)]
#[diesel(table_name = countries)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct CountryRef {
    pub iso3: String,
    pub name_en: String,
    pub name_es: String,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema, Queryable, Selectable)]
#[diesel(table_name = item_countries)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct ItemCountry {
    pub detail: Option<String>,
    pub iso3: String,
    pub role: String,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema, Queryable, Selectable)]
#[diesel(table_name = objective_mappings)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct ItemObjective {
    pub basis: String,
    pub confidence: f64,
    pub created_at: NaiveDateTime,
    pub created_by: String,
    pub id: i32,
    pub objective: i32,
    #[diesel(column_name = is_primary)]
    pub primary: bool,
    pub rationale: Option<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema, Queryable, Selectable)]
#[diesel(table_name = principle_mappings)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct ItemPrinciple {
    pub basis: String,
    pub confidence: f64,
    pub created_at: NaiveDateTime,
    pub created_by: String,
    pub principle: String,
}

/// An item's country, with the item's id.
#[derive(Queryable, Selectable)]
#[diesel(table_name = item_countries)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
struct ItemCountryRow {
    item_id: String,
    #[diesel(embed)]
    country: ItemCountry,
}

/// An item's objective mapping, with the item's id.
#[derive(Queryable, Selectable)]
#[diesel(table_name = objective_mappings)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
struct ItemObjectiveRow {
    item_id: String,
    #[diesel(embed)]
    mapping: ItemObjective,
}

/// An item's principle mapping, with the item's id.
#[derive(Queryable, Selectable)]
#[diesel(table_name = principle_mappings)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
struct ItemPrincipleRow {
    item_id: String,
    #[diesel(embed)]
    mapping: ItemPrinciple,
}

/// Rows of an item's countries or mappings, by item id, each item's in the order of the rows.
fn per_item<Row, Value>(
    rows: Vec<Row>,
    split: impl Fn(Row) -> (String, Value),
) -> BTreeMap<String, Vec<Value>> {
    let mut by_item: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for (item_id, value) in rows.into_iter().map(split) {
        by_item.entry(item_id).or_default().push(value);
    }
    by_item
}

/// Loads the items with these ids, in the order given, with their source, countries and mappings. Ids go
/// to the database in chunks: both backends cap the number of bound parameters of one statement.
fn load(conn: &mut AnyConnection, ids: &[String]) -> Result<Vec<EvidenceItem>, DbError> {
    const CHUNK: usize = 1000;
    let mut items = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        items.extend(load_chunk(conn, chunk)?);
    }
    Ok(items)
}

fn load_chunk(conn: &mut AnyConnection, ids: &[String]) -> Result<Vec<EvidenceItem>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<ItemRow> = evidence_items::table
        .filter(evidence_items::id.eq_any(ids))
        .select(ItemRow::as_select())
        .load(conn)?;
    let source_ids: Vec<&String> = rows.iter().map(|r| &r.source_id).collect();
    let item_sources: BTreeMap<String, ItemSource> = sources::table
        .filter(sources::id.eq_any(source_ids))
        .select(ItemSource::as_select())
        .load(conn)?
        .into_iter()
        .map(|source| (source.id.clone(), source))
        .collect();
    let reporting: Vec<&String> = rows
        .iter()
        .filter_map(|r| r.reporting_iso3.as_ref())
        .collect();
    let names: BTreeMap<String, CountryRef> = countries::table
        .filter(countries::iso3.eq_any(reporting))
        .select(CountryRef::as_select())
        .load(conn)?
        .into_iter()
        .map(|country| (country.iso3.clone(), country))
        .collect();
    let mut involved = per_item(
        item_countries::table
            .filter(item_countries::item_id.eq_any(ids))
            .order((
                item_countries::item_id,
                item_countries::iso3,
                item_countries::role,
            ))
            .select(ItemCountryRow::as_select())
            .load(conn)?,
        |row| (row.item_id, row.country),
    );
    let mut objectives = per_item(
        objective_mappings::table
            .filter(objective_mappings::item_id.eq_any(ids))
            .order((
                objective_mappings::item_id,
                objective_mappings::is_primary.desc(),
                objective_mappings::objective,
            ))
            .select(ItemObjectiveRow::as_select())
            .load(conn)?,
        |row| (row.item_id, row.mapping),
    );
    let mut principles = per_item(
        principle_mappings::table
            .filter(principle_mappings::item_id.eq_any(ids))
            .order((principle_mappings::item_id, principle_mappings::principle))
            .select(ItemPrincipleRow::as_select())
            .load(conn)?,
        |row| (row.item_id, row.mapping),
    );

    let mut by_id: BTreeMap<String, EvidenceItem> = BTreeMap::new();
    for row in rows {
        // Foreign keys give every item its source and reporting country; should a concurrent write
        // remove one between these statements, the item is shown with empty names, not refused.
        let source = item_sources
            .get(&row.source_id)
            .cloned()
            .unwrap_or_else(|| ItemSource {
                id: row.source_id.clone(),
                title: String::new(),
                cycle: String::new(),
            });
        let reporting_country = row.reporting_iso3.map(|iso3| {
            names.get(&iso3).cloned().unwrap_or(CountryRef {
                iso3,
                name_en: String::new(),
                name_es: String::new(),
            })
        });
        by_id.insert(
            row.id.clone(),
            EvidenceItem {
                countries: involved.remove(&row.id).unwrap_or_default(),
                objectives: objectives.remove(&row.id).unwrap_or_default(),
                principles: principles.remove(&row.id).unwrap_or_default(),
                id: row.id,
                kind: row.kind,
                title: row.title,
                summary: row.summary,
                quote: row.quote,
                language: row.language,
                context: row.context,
                source,
                line_start: row.line_start,
                line_end: row.line_end,
                page_start: row.page_start,
                page_end: row.page_end,
                reporting_country,
                actor: row.actor,
                actor_type: row.actor_type,
                year: row.year,
                date: row.date,
                status: row.status,
                figures: serde_json::from_str(&row.figures).unwrap_or_default(),
            },
        );
    }
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}
