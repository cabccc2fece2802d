//! Source documents in the store: listed without their text, one with its text, and lookups.

use std::collections::BTreeMap;

use diesel::prelude::*;

use super::rows::{ItemCountRow, SourceRow, SourceTextRow};
use super::schema::{evidence_items, sources};
use super::{AnyConnection, DbError};

/// A source without its text, with the number of items read from it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SourceSummary {
    pub id: String,
    pub file_name: String,
    pub title: String,
    pub publisher: String,
    pub kind: String,
    pub language: String,
    pub published: Option<String>,
    pub published_precision: String,
    pub cycle: String,
    pub note: Option<String>,
    pub checksum: String,
    pub line_count: i32,
    pub items: i64,
}

impl SourceSummary {
    fn new(row: SourceRow, items: i64) -> SourceSummary {
        SourceSummary {
            id: row.id,
            file_name: row.file_name,
            title: row.title,
            publisher: row.publisher,
            kind: row.kind,
            language: row.language,
            published: row.published,
            published_precision: row.published_precision,
            cycle: row.cycle_id,
            note: row.note,
            checksum: row.checksum,
            line_count: row.line_count,
            items,
        }
    }
}

/// Every source, by id.
pub fn list(conn: &mut AnyConnection) -> Result<Vec<SourceSummary>, DbError> {
    let rows = sources::table
        .order(sources::id)
        .select(SourceRow::as_select())
        .load(conn)?;
    let counts = items_per_source(conn)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let items = counts.get(&row.id).copied().unwrap_or(0);
            SourceSummary::new(row, items)
        })
        .collect())
}

/// One source with its full text, or `None`.
pub fn with_text(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Option<(SourceSummary, String)>, DbError> {
    let Some(row) = sources::table
        .find(id)
        .select(SourceTextRow::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let items: i64 = evidence_items::table
        .filter(evidence_items::source_id.eq(id))
        .count()
        .get_result(conn)?;
    Ok(Some((SourceSummary::new(row.source, items), row.body)))
}

/// How many items each source holds; a source without items is absent.
pub(super) fn items_per_source(conn: &mut AnyConnection) -> Result<BTreeMap<String, i64>, DbError> {
    Ok(evidence_items::table
        .group_by(evidence_items::source_id)
        .select(ItemCountRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|row| (row.source_id, row.items))
        .collect())
}

pub fn exists(conn: &mut AnyConnection, id: &str) -> Result<bool, DbError> {
    Ok(sources::table.find(id).count().get_result::<i64>(conn)? > 0)
}

/// Whether any source is stored (an empty store gets the bundled fixtures).
pub fn has_any(conn: &mut AnyConnection) -> Result<bool, DbError> {
    let count: i64 = sources::table.count().get_result(conn)?;
    Ok(count > 0)
}

/// Every source's id, in order.
pub fn ids(conn: &mut AnyConnection) -> Result<Vec<String>, DbError> {
    Ok(sources::table
        .select(sources::id)
        .order(sources::id)
        .load(conn)?)
}
