//! Everything the evidence store holds, read back in the import's own terms, for `gcm export --all`.
//! Read in one transaction, so the files describe one state of the store.

use diesel::prelude::*;

use super::evidence::{all_evidence, EvidenceFilter, EvidenceItem};
use super::schema::{champions, sources, submissions};
use super::{AnyConnection, DbError};
use crate::evidence::{Champion, Cycle, PartialDate, Source, Submission};

/// The store's content, as import records.
#[derive(Debug, Clone)]
pub struct StoreContent {
    pub cycles: Vec<Cycle>,
    pub sources: Vec<Source>,
    pub items: Vec<EvidenceItem>,
    pub submissions: Vec<Submission>,
    pub champions: Vec<Champion>,
}

type SourceRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    Option<String>,
    String,
);

pub fn store_content(conn: &mut AnyConnection) -> Result<StoreContent, DbError> {
    conn.transaction(|conn| {
        // PostgreSQL's default (read committed) gives each statement its own snapshot; a backup must see
        // one state of the store, even while the service writes. SQLite's transaction already does.
        if let AnyConnection::Postgresql(_) = conn {
            diesel::sql_query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .execute(conn)?;
        }
        let cycles = super::evidence::load_cycles(conn)?;
        let sources = sources::table
            .order(sources::id)
            .select((
                sources::id,
                sources::file_name,
                sources::title,
                sources::publisher,
                sources::kind,
                sources::language,
                sources::published,
                sources::cycle_id,
                sources::note,
                sources::body,
            ))
            .load::<SourceRow>(conn)?
            .into_iter()
            .map(
                |(
                    id,
                    file_name,
                    title,
                    publisher,
                    kind,
                    language,
                    published,
                    cycle,
                    note,
                    body,
                )| {
                    Source {
                        id,
                        file_name,
                        title,
                        publisher,
                        kind,
                        language,
                        // Stored dates were parsed on import; one that no longer parses is left out.
                        published: published.and_then(|p| PartialDate::parse(&p).ok()),
                        cycle,
                        note,
                        body,
                    }
                },
            )
            .collect();
        let items = all_evidence(conn, &EvidenceFilter::default())?;
        let submissions = submissions::table
            .order((submissions::cycle_id, submissions::iso3, submissions::kind))
            .select((
                submissions::cycle_id,
                submissions::iso3,
                submissions::kind,
                submissions::source_id,
                submissions::line_start,
                submissions::line_end,
            ))
            .load::<(
                String,
                String,
                String,
                Option<String>,
                Option<i32>,
                Option<i32>,
            )>(conn)?
            .into_iter()
            .map(
                |(cycle, iso3, kind, source, line_start, line_end)| Submission {
                    cycle,
                    iso3,
                    kind,
                    source,
                    line_start,
                    line_end,
                },
            )
            .collect();
        let champions = champions::table
            .order(champions::iso3)
            .select((
                champions::iso3,
                champions::since,
                champions::as_of,
                champions::source_id,
                champions::line_start,
                champions::line_end,
                champions::note,
            ))
            .load::<(
                String,
                Option<String>,
                String,
                Option<String>,
                Option<i32>,
                Option<i32>,
                Option<String>,
            )>(conn)?
            .into_iter()
            .filter_map(|(iso3, since, as_of, source, line_start, line_end, note)| {
                Some(Champion {
                    iso3,
                    since: since.and_then(|s| PartialDate::parse(&s).ok()),
                    as_of: PartialDate::parse(&as_of).ok()?,
                    source,
                    line_start,
                    line_end,
                    note,
                })
            })
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
