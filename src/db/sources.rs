//! Source documents in the store: listed without their text, one with its text, and lookups.

use diesel::dsl;
use diesel::prelude::*;

use super::rows::SourceTextRow;
use super::schema::{evidence_items, sources};
use super::{AnyConnection, DbError};

/// A source without its text, with the number of items read from it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, Queryable, Selectable)]
#[diesel(table_name = sources)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct SourceSummary {
    pub id: String,
    pub file_name: String,
    pub title: String,
    pub publisher: String,
    pub kind: String,
    /// Whose voice the source is (`government`, `un`, `intergovernmental`, `civil_society`,
    /// `academic`, `other`).
    pub voice: String,
    pub language: String,
    pub published: Option<String>,
    pub published_precision: String,
    #[diesel(column_name = cycle_id)]
    pub cycle: String,
    pub note: Option<String>,
    pub checksum: String,
    pub line_count: i32,
    #[diesel(select_expression = items_of_source())]
    #[diesel(select_expression_type = ItemsOfSource)]
    pub items: i64,
}

/// The number of items read from the source of the row, as a subquery of the select list.
type ItemsOfSource = dsl::AssumeNotNull<
    dsl::SingleValue<
        dsl::Count<
            dsl::Filter<evidence_items::table, dsl::Eq<evidence_items::source_id, sources::id>>,
        >,
    >,
>;

fn items_of_source() -> ItemsOfSource {
    evidence_items::table
        .filter(evidence_items::source_id.eq(sources::id))
        .count()
        .single_value()
        .assume_not_null()
}

/// Every source, by id.
pub fn list(conn: &mut AnyConnection) -> Result<Vec<SourceSummary>, DbError> {
    Ok(sources::table
        .order(sources::id)
        .select(SourceSummary::as_select())
        .load(conn)?)
}

/// One source with its full text, or `None`.
pub fn with_text(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Option<(SourceSummary, String)>, DbError> {
    Ok(sources::table
        .find(id)
        .select(SourceTextRow::as_select())
        .first(conn)
        .optional()?
        .map(|row| (row.source, row.body)))
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
