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
