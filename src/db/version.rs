//! The evidence store's version: a number that every write of evidence raises, so answers computed from
//! the store (indicators, charts, exports) can be cached until it moves.

use chrono::Utc;
use diesel::prelude::*;

use super::schema::data_versions;
use super::{AnyConnection, DbError};

/// Name of the evidence store's row in `data_versions`.
const EVIDENCE_VERSION: &str = "evidence";

/// Raises the evidence store's version; call it inside every transaction that writes evidence. One
/// UPDATE of the row the migration created, so two writers never both write the same next version.
pub fn bump(conn: &mut AnyConnection) -> Result<(), DbError> {
    diesel::update(data_versions::table.find(EVIDENCE_VERSION))
        .set((
            data_versions::version.eq(data_versions::version + 1),
            data_versions::changed_at.eq(Utc::now().naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// The evidence store's version: 0 before the first write.
pub fn current(conn: &mut AnyConnection) -> Result<i64, DbError> {
    Ok(data_versions::table
        .find(EVIDENCE_VERSION)
        .select(data_versions::version)
        .first::<i64>(conn)
        .optional()?
        .unwrap_or(0))
}
