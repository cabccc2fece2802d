//! The answers about editions: one edition's description, the list, and what changed since one.

use serde::Serialize;
use utoipa::ToSchema;

use crate::db::editions::EditionInfo;
use crate::indicators::editions::Changes;

/// An edition: what it froze, when, and the SHA-256 of its canonical export.
#[derive(Debug, Serialize, ToSchema)]
pub struct EditionAnswer {
    /// The suggested citation (docs/EDITIONS.md), also in the bundle's CITATION.cff.
    pub citation: String,
    pub counts: EditionCounts,
    /// When it was made, UTC, RFC 3339.
    pub created_at: String,
    pub created_by: String,
    /// Bytes of the uncompressed canonical export.
    pub export_bytes: i64,
    /// The reference datasets and their versions (framework, countries, groupings, blocs).
    pub framework_version: String,
    pub id: String,
    pub method_version: String,
    pub model_version: String,
    pub note: Option<String>,
    /// SHA-256 of the uncompressed canonical export, hex.
    pub sha256: String,
    pub title: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EditionCounts {
    /// Countries credited with at least one item.
    pub countries: i32,
    pub items: i32,
    /// Objective mappings of every basis.
    pub mappings: i32,
    pub sources: i32,
}

impl EditionAnswer {
    pub fn new(info: &EditionInfo) -> EditionAnswer {
        EditionAnswer {
            citation: crate::exports::citation::suggested_citation(info),
            counts: EditionCounts {
                countries: info.country_count,
                items: info.item_count,
                mappings: info.mapping_count,
                sources: info.source_count,
            },
            created_at: crate::exports::citation::rfc3339(info.created_at),
            created_by: info.created_by.clone(),
            export_bytes: info.export_bytes,
            framework_version: info.framework_version.clone(),
            id: info.id.clone(),
            method_version: info.method_version.clone(),
            model_version: info.model_version.clone(),
            note: info.note.clone(),
            sha256: info.export_sha256.clone(),
            title: info.title.clone(),
        }
    }
}

/// Every edition, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct EditionsAnswer {
    pub editions: Vec<EditionAnswer>,
}

impl EditionsAnswer {
    pub fn new(list: &[EditionInfo]) -> EditionsAnswer {
        EditionsAnswer {
            editions: list.iter().map(EditionAnswer::new).collect(),
        }
    }
}

/// What changed in live data since an edition.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangesAnswer {
    /// Countries whose indicators moved (every cycle, the default bases and grouping).
    pub countries: Vec<CountryChangeAnswer>,
    /// The edition compared with live data.
    pub edition: String,
    pub items_added: Vec<String>,
    pub items_remapped: Vec<RemappedAnswer>,
    pub items_removed: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RemappedAnswer {
    /// Objective mappings as `objective:basis`, in the edition and live.
    pub after: Vec<String>,
    pub before: Vec<String>,
    pub country: Option<String>,
    pub id: String,
}

/// A figure in the edition and live.
#[derive(Debug, Serialize, ToSchema)]
pub struct BeforeAfter {
    pub after: usize,
    pub before: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CountryChangeAnswer {
    pub items_counted: BeforeAfter,
    pub iso3: String,
    pub mappings_counted: BeforeAfter,
    pub objectives_covered: BeforeAfter,
    /// Objectives with evidence live but not in the edition.
    pub objectives_gained: Vec<i32>,
    /// Objectives with evidence in the edition but not live.
    pub objectives_lost: Vec<i32>,
    pub principles_covered: BeforeAfter,
}

impl ChangesAnswer {
    pub fn new(edition: &EditionInfo, changes: &Changes) -> ChangesAnswer {
        let pair = |(before, after): (usize, usize)| BeforeAfter { after, before };
        ChangesAnswer {
            countries: changes
                .countries
                .iter()
                .map(|c| CountryChangeAnswer {
                    items_counted: pair(c.items_counted),
                    iso3: c.iso3.clone(),
                    mappings_counted: pair(c.mappings_counted),
                    objectives_covered: pair(c.objectives_covered),
                    objectives_gained: c.objectives_gained.clone(),
                    objectives_lost: c.objectives_lost.clone(),
                    principles_covered: pair(c.principles_covered),
                })
                .collect(),
            edition: edition.id.clone(),
            items_added: changes.items_added.clone(),
            items_remapped: changes
                .items_remapped
                .iter()
                .map(|r| RemappedAnswer {
                    after: r.after.clone(),
                    before: r.before.clone(),
                    country: r.country.clone(),
                    id: r.id.clone(),
                })
                .collect(),
            items_removed: changes.items_removed.clone(),
        }
    }
}
