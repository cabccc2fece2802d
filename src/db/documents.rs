//! Uploaded reports: the record of each stored document (its bytes' hash, format, size, who sent it and
//! when). The content hash is unique in the database, so a second upload of the same file fails on the
//! constraint however many requests or instances race.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::documents;
use super::{AnyConnection, DbError};

/// A document row to insert.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = documents)]
pub struct NewDocument<'a> {
    pub source_id: &'a str,
    pub content_sha256: &'a str,
    pub format: &'a str,
    pub byte_count: i64,
    pub pages: Option<i32>,
    pub uploaded_by: &'a str,
    pub uploaded_at: NaiveDateTime,
}

/// Inserts the record of a document. Call it first in the document's transaction: on PostgreSQL a
/// concurrent upload of the same bytes waits on the unique index until this transaction ends, then
/// fails with a unique violation.
pub fn insert(conn: &mut AnyConnection, document: &NewDocument<'_>) -> Result<(), DbError> {
    diesel::insert_into(documents::table)
        .values(document)
        .execute(conn)?;
    Ok(())
}

/// The source that stores a document with these bytes, if any.
pub fn source_with_checksum(
    conn: &mut AnyConnection,
    content_sha256: &str,
) -> Result<Option<String>, DbError> {
    Ok(documents::table
        .filter(documents::content_sha256.eq(content_sha256))
        .select(documents::source_id)
        .first::<String>(conn)
        .optional()?)
}

/// An uploaded document as the list of documents shows it: its source's title, country and cycle, how it
/// was read, and how far its review has come.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentListing {
    pub source_id: String,
    pub title: String,
    /// The reporting country (ISO3): the publisher of an uploaded report's source.
    pub country: String,
    pub cycle: String,
    pub language: String,
    pub format: String,
    pub pages: Option<i32>,
    pub byte_count: i64,
    pub uploaded_by: String,
    pub uploaded_at: NaiveDateTime,
    pub progress: ReviewProgress,
}

/// Passages of a document, and how many of them are reviewed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReviewProgress {
    pub reviewed: i64,
    pub passages: i64,
}

/// Whether a passage is reviewed: none of its objective mappings is still an `auto` suggestion (each was
/// accepted or rejected), or it was marked as not evidence. The one rule of the list and the review page.
pub fn is_reviewed<'a>(mut bases: impl Iterator<Item = &'a str>, not_evidence: bool) -> bool {
    not_evidence || !bases.any(|basis| basis == crate::evidence::Basis::Auto.as_str())
}

#[derive(Queryable)]
struct ListingRow {
    source_id: String,
    format: String,
    pages: Option<i32>,
    byte_count: i64,
    uploaded_by: String,
    uploaded_at: NaiveDateTime,
    title: String,
    publisher: String,
    cycle: String,
    language: String,
}

/// Every uploaded document, newest first (then by source id), with its review progress.
pub fn list(conn: &mut AnyConnection) -> Result<Vec<DocumentListing>, DbError> {
    listings(conn, None)
}

/// One uploaded document's record, if `source_id` is one.
pub fn find(conn: &mut AnyConnection, source_id: &str) -> Result<Option<DocumentListing>, DbError> {
    Ok(listings(conn, Some(source_id))?.into_iter().next())
}

fn listings(conn: &mut AnyConnection, only: Option<&str>) -> Result<Vec<DocumentListing>, DbError> {
    use super::schema::{evidence_items, objective_mappings, sources};
    use diesel::dsl::count_star;
    use std::collections::{BTreeMap, BTreeSet};

    let mut query = documents::table.inner_join(sources::table).into_boxed();
    if let Some(source_id) = only {
        query = query.filter(documents::source_id.eq(source_id.to_string()));
    }
    let rows: Vec<ListingRow> = query
        .order((documents::uploaded_at.desc(), documents::source_id))
        .select((
            documents::source_id,
            documents::format,
            documents::pages,
            documents::byte_count,
            documents::uploaded_by,
            documents::uploaded_at,
            sources::title,
            sources::publisher,
            sources::cycle_id,
            sources::language,
        ))
        .load(conn)?;
    let ids: Vec<&String> = rows.iter().map(|r| &r.source_id).collect();
    let passages: BTreeMap<String, i64> = evidence_items::table
        .filter(evidence_items::kind.eq(PASSAGE))
        .filter(evidence_items::source_id.eq_any(&ids))
        .group_by(evidence_items::source_id)
        .select((evidence_items::source_id, count_star()))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect();
    // Passages with an `auto` suggestion left, by source; those marked not evidence are reviewed all
    // the same.
    let not_evidence: BTreeSet<String> = not_evidence_ids(conn, &ids)?;
    let mut pending: BTreeMap<String, i64> = BTreeMap::new();
    let undecided: Vec<(String, String)> = evidence_items::table
        .inner_join(objective_mappings::table)
        .filter(evidence_items::kind.eq(PASSAGE))
        .filter(evidence_items::source_id.eq_any(&ids))
        .filter(objective_mappings::basis.eq(crate::evidence::Basis::Auto.as_str()))
        .select((evidence_items::source_id, evidence_items::id))
        .distinct()
        .load(conn)?;
    for (source, item) in undecided {
        if !not_evidence.contains(&item) {
            *pending.entry(source).or_default() += 1;
        }
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let passages = passages.get(&row.source_id).copied().unwrap_or(0);
            let pending = pending.get(&row.source_id).copied().unwrap_or(0);
            DocumentListing {
                progress: ReviewProgress {
                    reviewed: (passages - pending).max(0),
                    passages,
                },
                source_id: row.source_id,
                title: row.title,
                country: row.publisher,
                cycle: row.cycle,
                language: row.language,
                format: row.format,
                pages: row.pages,
                byte_count: row.byte_count,
                uploaded_by: row.uploaded_by,
                uploaded_at: row.uploaded_at,
            }
        })
        .collect())
}

/// The kind of the items a document's passages become.
pub const PASSAGE: &str = "report_passage";

/// Items marked as not evidence, of these sources.
fn not_evidence_ids(
    conn: &mut AnyConnection,
    sources: &[&String],
) -> Result<std::collections::BTreeSet<String>, DbError> {
    use super::schema::{evidence_items, not_evidence_items};
    Ok(not_evidence_items::table
        .inner_join(evidence_items::table)
        .filter(evidence_items::source_id.eq_any(sources))
        .select(not_evidence_items::item_id)
        .load::<String>(conn)?
        .into_iter()
        .collect())
}

/// The source an item was read from.
pub fn source_of_item(conn: &mut AnyConnection, item_id: &str) -> Result<Option<String>, DbError> {
    use super::schema::evidence_items;
    Ok(evidence_items::table
        .find(item_id)
        .select(evidence_items::source_id)
        .first(conn)
        .optional()?)
}
