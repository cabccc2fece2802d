//! Everything the evidence store holds, read back in the import's own terms, for `gcm export --all`.
//! Read in one transaction, so the files describe one state of the store.

use diesel::prelude::*;

use super::items::{self, EvidenceFilter, EvidenceItem};
use super::rows::{ChampionRow, SourceTextRow, SubmissionRow};
use super::schema::{champions, sources, submissions};
use super::{AnyConnection, DbError};
use crate::evidence::{Champion, Cycle, Source, Submission};

/// The store's content, as import records.
#[derive(Debug, Clone)]
pub struct StoreContent {
    pub cycles: Vec<Cycle>,
    pub sources: Vec<Source>,
    pub items: Vec<EvidenceItem>,
    pub submissions: Vec<Submission>,
    pub champions: Vec<Champion>,
}

pub fn store_content(conn: &mut AnyConnection) -> Result<StoreContent, DbError> {
    conn.transaction(|conn| {
        // PostgreSQL's default (read committed) gives each statement its own snapshot; a backup must see
        // one state of the store, even while the service writes. SQLite's transaction already does.
        if let AnyConnection::Postgresql(_) = conn {
            diesel::sql_query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .execute(conn)?;
        }
        let cycles = super::cycles::load(conn)?;
        let sources = sources::table
            .order(sources::id)
            .select(SourceTextRow::as_select())
            .load(conn)?
            .into_iter()
            .map(Source::from)
            .collect();
        let items = items::all(conn, &EvidenceFilter::default())?;
        let submissions = submissions::table
            .order((submissions::cycle_id, submissions::iso3, submissions::kind))
            .select(SubmissionRow::as_select())
            .load(conn)?
            .into_iter()
            .map(Submission::from)
            .collect();
        let champions = champions::table
            .order(champions::iso3)
            .select(ChampionRow::as_select())
            .load(conn)?
            .into_iter()
            .filter_map(ChampionRow::into_champion)
            .collect();
        Ok(StoreContent {
            cycles,
            sources,
            items,
            submissions,
            champions,
        })
    })
}
