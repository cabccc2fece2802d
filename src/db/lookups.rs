//! What the store holds that a request may name, read for the request's checks.

use super::{AnyConnection, DbError};
use crate::db::items::EvidenceFilter;
use crate::db::{cycles, reference, sources};

/// What the store holds that a filter may name.
#[derive(Debug, Clone, Default)]
pub struct KnownReferences {
    /// Whether the filter's country is a known code (None: no country was named).
    pub country_known: Option<bool>,
    pub principles: Vec<String>,
    pub sources: Vec<String>,
    pub cycles: Vec<String>,
}

/// The stored things an evidence filter names: only the lists the filter needs are read.
pub fn known_references(
    conn: &mut AnyConnection,
    filter: &EvidenceFilter,
) -> Result<KnownReferences, DbError> {
    Ok(KnownReferences {
        country_known: match &filter.country {
            Some(iso3) => Some(reference::country_exists(conn, iso3)?),
            None => None,
        },
        principles: match filter.principle {
            Some(_) => reference::principle_keys(conn)?,
            None => Vec::new(),
        },
        sources: match filter.source {
            Some(_) => sources::ids(conn)?,
            None => Vec::new(),
        },
        cycles: if filter.cycles.is_empty() {
            Vec::new()
        } else {
            cycles::ids(conn)?
        },
    })
}
