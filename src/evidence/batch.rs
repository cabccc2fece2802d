//! An import as plain records: what a batch of files holds once parsed, and what the store already holds
//! that the batch may refer to. Ingestion builds both and checks one against the other; the database
//! reads the second and writes the first. Neither side needs the other's code, only these types.

use std::collections::{BTreeMap, BTreeSet};

use super::{Champion, Cycle, Item, Source, Submission};

/// Where a record came from, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: String,
    pub line: usize,
}

/// Every record of an import, parsed, each with its origin.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    pub cycles: Vec<(Origin, Cycle)>,
    pub sources: Vec<(Origin, Source)>,
    pub items: Vec<(Origin, Item)>,
    pub submissions: Vec<(Origin, Submission)>,
    pub champions: Vec<(Origin, Champion)>,
}

impl Batch {
    pub fn is_empty(&self) -> bool {
        self.cycles.is_empty()
            && self.sources.is_empty()
            && self.items.is_empty()
            && self.submissions.is_empty()
            && self.champions.is_empty()
    }
}

/// What the database already holds that an import may refer to.
#[derive(Debug, Clone, Default)]
pub struct ValidationContext {
    pub countries: BTreeSet<String>,
    pub principles: BTreeSet<String>,
    pub cycles: BTreeSet<String>,
    /// Stored sources: id -> text.
    pub sources: BTreeMap<String, String>,
    /// Stored items of the sources this import brings again: their spans must still hold in a new text.
    pub stored_items: BTreeMap<String, Vec<StoredSpan>>,
}

/// Where a stored item quotes its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSpan {
    pub item: String,
    pub line_start: i32,
    pub line_end: i32,
    pub quote: String,
}
