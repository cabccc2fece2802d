//! Writing an import: what a batch may refer to, read from the store before validation, and the
//! validated batch written in one transaction.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{NaiveDateTime, Utc};
use diesel::dsl::Limit;
use diesel::prelude::*;
use diesel::query_dsl::methods::LimitDsl;
use diesel::query_dsl::LoadQuery;
use rayon::prelude::*;

use super::forms::{
    ChampionFields, CycleFields, ItemForm, NewItem, NewItemCountry, NewObjectiveMapping,
    NewPrincipleMapping, SourceExtra, SourceFields, SubmissionFields,
};
use super::rows::{ItemSpanRow, SourceTextRow};
use super::schema::{
    champions, countries, evidence_items, item_countries, not_evidence_items, objective_mappings,
    principle_mappings, principles, rejected_suggestions, review_cycles, sources, submissions,
};
use super::{AnyConnection, DbError};
use crate::evidence::batch::{Batch, StoredSpan, ValidationContext};
use crate::evidence::{Champion, Cycle, Item, Source, Submission};

/// Who the mappings of an import are attributed to.
pub const IMPORT_AUTHOR: &str = "import";

/// Counts of what an import did, per kind of record.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportSummary {
    pub cycles: Counts,
    pub sources: Counts,
    pub items: Counts,
    pub submissions: Counts,
    pub champions: Counts,
}

impl ImportSummary {
    fn kinds(&self) -> [(&'static str, &Counts); 5] {
        [
            ("cycles", &self.cycles),
            ("sources", &self.sources),
            ("items", &self.items),
            ("submissions", &self.submissions),
            ("champions", &self.champions),
        ]
    }
}

impl std::fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (name, c) in self.kinds() {
            writeln!(
                f,
                "{name:<12} {:>5} added {:>5} updated {:>5} unchanged",
                c.added, c.updated, c.unchanged
            )?;
        }
        Ok(())
    }
}

/// What an import may refer to: countries, principles, cycles, the stored sources' texts, and the stored
/// items of the sources named in `reimported_sources` (a new text must still hold them).
pub fn validation_context(
    conn: &mut AnyConnection,
    reimported_sources: &[String],
) -> Result<ValidationContext, DbError> {
    let mut stored_items: BTreeMap<String, Vec<StoredSpan>> = BTreeMap::new();
    for row in evidence_items::table
        .filter(evidence_items::source_id.eq_any(reimported_sources))
        .select(ItemSpanRow::as_select())
        .load(conn)?
    {
        stored_items
            .entry(row.source_id)
            .or_default()
            .push(StoredSpan {
                item: row.id,
                line_start: row.line_start,
                line_end: row.line_end,
                quote: row.quote,
            });
    }
    Ok(ValidationContext {
        stored_items,
        countries: countries::table
            .select(countries::iso3)
            .load::<String>(conn)?
            .into_iter()
            .collect(),
        principles: principles::table
            .select(principles::key)
            .load::<String>(conn)?
            .into_iter()
            .collect(),
        cycles: review_cycles::table
            .select(review_cycles::id)
            .load::<String>(conn)?
            .into_iter()
            .collect(),
        sources: sources::table
            .select(SourceTextRow::as_select())
            .load(conn)?
            .into_iter()
            .map(|row| (row.source.id, row.body))
            .collect(),
    })
}

/// Writes a validated batch in one transaction: all of it or nothing. Records are matched by id, so
/// importing the same files again changes nothing. `progress` is called after each item.
pub fn apply_batch(
    conn: &mut AnyConnection,
    batch: &Batch,
    progress: &dyn Fn(),
) -> Result<ImportSummary, DbError> {
    apply_batch_as(conn, batch, IMPORT_AUTHOR, progress)
}

/// [`apply_batch`] with the batch's new mappings attributed to `author` (the classifier and its lexicon
/// version for an ingested document's suggestions).
pub fn apply_batch_as(
    conn: &mut AnyConnection,
    batch: &Batch,
    author: &str,
    progress: &dyn Fn(),
) -> Result<ImportSummary, DbError> {
    let now = Utc::now().naive_utc();
    super::write_transaction(conn, |conn| {
        let mut summary = ImportSummary::default();
        // New cycles go after the stored ones, in the order of the file.
        let mut next_position = review_cycles::table
            .select(diesel::dsl::max(review_cycles::position))
            .first::<Option<i32>>(conn)?
            .unwrap_or(0);
        for (_, cycle) in &batch.cycles {
            let key = review_cycles::table.find(&cycle.id);
            upsert(
                conn,
                &mut summary.cycles,
                key.select(CycleFields::as_select()),
                &cycle_fields(cycle),
                |conn, fields| {
                    next_position += 1;
                    diesel::insert_into(review_cycles::table)
                        .values((
                            review_cycles::id.eq(&cycle.id),
                            review_cycles::position.eq(next_position),
                            fields,
                        ))
                        .execute(conn)
                },
                |conn, fields| diesel::update(key).set(fields).execute(conn),
            )?;
        }
        for (_, source) in &batch.sources {
            let key = sources::table.find(&source.id);
            let precision = source
                .published
                .map(|d| d.precision().as_str())
                .unwrap_or("unknown");
            let extra = SourceExtra {
                published_precision: precision,
                line_count: source.line_count() as i32,
                body: &source.body,
                imported_at: now,
            };
            upsert(
                conn,
                &mut summary.sources,
                key.select(SourceFields::as_select()),
                &source_fields(source),
                |conn, fields| {
                    diesel::insert_into(sources::table)
                        .values((sources::id.eq(&source.id), fields, &extra))
                        .execute(conn)
                },
                |conn, fields| diesel::update(key).set((fields, &extra)).execute(conn),
            )?;
        }
        // Items are compared by the hash of everything imported about them (computed on every core),
        // the stored hashes read for the whole batch in a few queries; new items (all of them in a first
        // import) are then written in batches with their countries and mappings (see
        // `insert_new_items`) instead of several statements an item.
        let stored = stored_item_hashes(conn, &batch.items)?;
        let hashes: Vec<String> = batch
            .items
            .par_iter()
            .map(|(_, item)| item.content_hash())
            .collect();
        let mut new_items: Vec<(&Item, String)> = Vec::new();
        for ((_, item), hash) in batch.items.iter().zip(hashes) {
            match stored.get(item.id.as_str()) {
                None => {
                    summary.items.added += 1;
                    new_items.push((item, hash));
                }
                Some(stored) if *stored == hash => {
                    summary.items.unchanged += 1;
                    progress();
                }
                Some(_) => {
                    replace_item(conn, item, &hash, now, author)?;
                    summary.items.updated += 1;
                    progress();
                }
            }
        }
        for chunk in new_items.chunks(ITEMS_PER_BATCH) {
            insert_new_items(conn, chunk, now, author)?;
            chunk.iter().for_each(|_| progress());
        }
        for (_, submission) in &batch.submissions {
            let key =
                submissions::table.find((&submission.cycle, &submission.iso3, &submission.kind));
            upsert(
                conn,
                &mut summary.submissions,
                key.select(SubmissionFields::as_select()),
                &submission_fields(submission),
                |conn, fields| {
                    diesel::insert_into(submissions::table)
                        .values((
                            submissions::cycle_id.eq(&submission.cycle),
                            submissions::iso3.eq(&submission.iso3),
                            submissions::kind.eq(&submission.kind),
                            fields,
                        ))
                        .execute(conn)
                },
                |conn, fields| diesel::update(key).set(fields).execute(conn),
            )?;
        }
        for (_, champion) in &batch.champions {
            let key = champions::table.find(&champion.iso3);
            upsert(
                conn,
                &mut summary.champions,
                key.select(ChampionFields::as_select()),
                &champion_fields(champion),
                |conn, fields| {
                    diesel::insert_into(champions::table)
                        .values((champions::iso3.eq(&champion.iso3), fields))
                        .execute(conn)
                },
                |conn, fields| diesel::update(key).set(fields).execute(conn),
            )?;
        }
        let changed = summary.kinds().iter().any(|(_, c)| c.added + c.updated > 0);
        if changed {
            super::version::bump(conn)?;
        }
        Ok(summary)
    })
}

/// Writes one record kept by key: reads what `stored` selects, inserts `wanted` when nothing is stored,
/// updates the record when what is stored differs, and counts which of the three it was.
fn upsert<'query, Stored, Wanted, Inserted, Updated>(
    conn: &mut AnyConnection,
    counts: &mut Counts,
    stored: Stored,
    wanted: &Wanted,
    insert: impl FnOnce(&mut AnyConnection, &Wanted) -> QueryResult<Inserted>,
    update: impl FnOnce(&mut AnyConnection, &Wanted) -> QueryResult<Updated>,
) -> QueryResult<()>
where
    Stored: LimitDsl + RunQueryDsl<AnyConnection>,
    Limit<Stored>: LoadQuery<'query, AnyConnection, Wanted>,
    Wanted: PartialEq,
{
    match stored.first::<Wanted>(conn).optional()? {
        None => {
            insert(conn, wanted)?;
            counts.added += 1;
        }
        Some(stored) if stored == *wanted => counts.unchanged += 1,
        Some(_) => {
            update(conn, wanted)?;
            counts.updated += 1;
        }
    }
    Ok(())
}

fn cycle_fields(cycle: &Cycle) -> CycleFields {
    CycleFields {
        region: cycle.region.clone(),
        title_en: cycle.title_en.clone(),
        title_es: cycle.title_es.clone(),
        review_start: cycle.review_start.clone(),
        review_end: cycle.review_end.clone(),
        feeds_until: cycle.feeds_until.clone(),
        note: cycle.note.clone(),
    }
}

fn source_fields(source: &Source) -> SourceFields {
    SourceFields {
        checksum: source.checksum(),
        file_name: source.file_name.clone(),
        title: source.title.clone(),
        publisher: source.publisher.clone(),
        kind: source.kind.clone(),
        voice: source.voice.as_str().to_string(),
        language: source.language.clone(),
        published: source.published.map(|d| d.to_string()),
        cycle_id: source.cycle.clone(),
        note: source.note.clone(),
    }
}

fn submission_fields(submission: &Submission) -> SubmissionFields {
    SubmissionFields {
        source_id: submission.source.clone(),
        line_start: submission.line_start,
        line_end: submission.line_end,
    }
}

fn champion_fields(champion: &Champion) -> ChampionFields {
    ChampionFields {
        since: champion.since.map(|d| d.to_string()),
        as_of: champion.as_of.to_string(),
        source_id: champion.source.clone(),
        line_start: champion.line_start,
        line_end: champion.line_end,
        note: champion.note.clone(),
    }
}

/// Items written per round of multi-row inserts (the progress bar moves once a round).
const ITEMS_PER_BATCH: usize = 2_000;

/// Rows per multi-row insert statement, kept well under both backends' limits on bound values (SQLite
/// 32,766, PostgreSQL 65,535): items have 21 columns, countries 4, mappings 6 to 8.
const ITEM_ROWS_PER_STATEMENT: usize = 500;
const MAPPING_ROWS_PER_STATEMENT: usize = 1_000;

/// Ids looked up per query when reading the stored hashes.
const IDS_PER_QUERY: usize = 5_000;

/// The content hash of every item of the batch that is already stored, by id.
fn stored_item_hashes(
    conn: &mut AnyConnection,
    items: &[(crate::evidence::batch::Origin, Item)],
) -> QueryResult<std::collections::HashMap<String, String>> {
    let mut stored = std::collections::HashMap::new();
    let ids: Vec<&str> = items.iter().map(|(_, item)| item.id.as_str()).collect();
    for chunk in ids.chunks(IDS_PER_QUERY) {
        let rows: Vec<(String, String)> = evidence_items::table
            .filter(evidence_items::id.eq_any(chunk))
            .select((evidence_items::id, evidence_items::content_hash))
            .load(conn)?;
        stored.extend(rows);
    }
    Ok(stored)
}

/// Inserts `rows` into `table` a statement of at most `per_statement` rows at a time, on the concrete
/// backend (the multi-backend connection writes batches row by row).
macro_rules! insert_rows {
    ($conn:expr, $table:expr, $rows:expr, $per_statement:expr) => {
        for rows in $rows.chunks($per_statement) {
            match &mut *$conn {
                AnyConnection::Sqlite(sqlite) => {
                    diesel::insert_into($table).values(rows).execute(sqlite)?;
                }
                AnyConnection::Postgresql(pg) => {
                    diesel::insert_into($table).values(rows).execute(pg)?;
                }
            }
        }
    };
}

/// Inserts items new to the store with their countries and mappings, in the order of the batch (so the
/// mappings' row ids follow the file as they did when items were written one by one). A new item has no
/// reviewer's mapping, rejection or not-evidence mark to respect: those go with a stored item.
fn insert_new_items(
    conn: &mut AnyConnection,
    items: &[(&Item, String)],
    now: NaiveDateTime,
    author: &str,
) -> QueryResult<()> {
    let rows: Vec<NewItem> = items
        .iter()
        .map(|(item, hash)| NewItem {
            id: &item.id,
            form: item_form(item, hash, now),
        })
        .collect();
    insert_rows!(conn, evidence_items::table, rows, ITEM_ROWS_PER_STATEMENT);
    let countries: Vec<NewItemCountry> = items
        .iter()
        .flat_map(|(item, _)| {
            item.countries
                .iter()
                .map(|country| new_country(item, country))
        })
        .collect();
    insert_rows!(
        conn,
        item_countries::table,
        countries,
        MAPPING_ROWS_PER_STATEMENT
    );
    let objectives: Vec<NewObjectiveMapping> = items
        .iter()
        .flat_map(|(item, _)| {
            item.objectives
                .iter()
                .map(|mapping| new_objective(item, mapping, author, now))
        })
        .collect();
    insert_rows!(
        conn,
        objective_mappings::table,
        objectives,
        MAPPING_ROWS_PER_STATEMENT
    );
    let principles: Vec<NewPrincipleMapping> = items
        .iter()
        .flat_map(|(item, _)| {
            item.principles
                .iter()
                .map(|mapping| new_principle(item, mapping, author, now))
        })
        .collect();
    insert_rows!(
        conn,
        principle_mappings::table,
        principles,
        MAPPING_ROWS_PER_STATEMENT
    );
    Ok(())
}

fn item_form<'a>(item: &'a Item, hash: &'a str, now: NaiveDateTime) -> ItemForm<'a> {
    ItemForm {
        source_id: &item.source,
        line_start: item.line_start,
        line_end: item.line_end,
        kind: &item.kind,
        context: item.context.as_deref(),
        title: &item.title,
        summary: item.summary.as_deref(),
        quote: &item.quote,
        language: &item.language,
        reporting_iso3: item.reporting_iso3.as_deref(),
        actor: item.actor.as_deref(),
        actor_type: item.actor_type.as_deref(),
        year: item.year,
        date: item.date.as_deref(),
        status: item.status.as_deref(),
        figures: serde_json::to_string(&item.figures).unwrap_or_else(|_| "[]".into()),
        content_hash: hash,
        imported_at: now,
        page_start: item.pages.map(|p| p.start),
        page_end: item.pages.map(|p| p.end),
    }
}

fn new_country<'a>(
    item: &'a Item,
    country: &'a crate::evidence::CountryRole,
) -> NewItemCountry<'a> {
    NewItemCountry {
        item_id: &item.id,
        iso3: &country.iso3,
        role: &country.role,
        detail: country.detail.as_deref(),
    }
}

fn new_objective<'a>(
    item: &'a Item,
    mapping: &'a crate::evidence::ObjectiveMapping,
    author: &'a str,
    now: NaiveDateTime,
) -> NewObjectiveMapping<'a> {
    NewObjectiveMapping {
        item_id: &item.id,
        objective: mapping.objective,
        basis: mapping.basis.as_str(),
        confidence: mapping.confidence,
        is_primary: mapping.primary,
        rationale: mapping.rationale.as_deref(),
        created_by: author,
        created_at: now,
    }
}

fn new_principle<'a>(
    item: &'a Item,
    mapping: &'a crate::evidence::PrincipleMapping,
    author: &'a str,
    now: NaiveDateTime,
) -> NewPrincipleMapping<'a> {
    NewPrincipleMapping {
        item_id: &item.id,
        principle: &mapping.principle,
        basis: mapping.basis.as_str(),
        confidence: mapping.confidence,
        created_by: author,
        created_at: now,
    }
}

/// Replaces an imported item with its new countries and mappings.
fn replace_item(
    conn: &mut AnyConnection,
    item: &Item,
    hash: &str,
    now: NaiveDateTime,
    author: &str,
) -> QueryResult<()> {
    let form = item_form(item, hash, now);
    // An objective or principle that a reviewer (not an import) already mapped on this item keeps the
    // reviewer's mapping; the import's is not added beside it.
    diesel::update(evidence_items::table.find(&item.id))
        .set(&form)
        .execute(conn)?;
    diesel::delete(item_countries::table.filter(item_countries::item_id.eq(&item.id)))
        .execute(conn)?;
    // Only what an import wrote is replaced; reviewers' decisions on the item stay.
    diesel::delete(
        objective_mappings::table
            .filter(objective_mappings::item_id.eq(&item.id))
            .filter(objective_mappings::created_by.eq(IMPORT_AUTHOR)),
    )
    .execute(conn)?;
    diesel::delete(
        principle_mappings::table
            .filter(principle_mappings::item_id.eq(&item.id))
            .filter(principle_mappings::created_by.eq(IMPORT_AUTHOR)),
    )
    .execute(conn)?;
    let mut skipped_objectives: BTreeSet<i32> = objective_mappings::table
        .filter(objective_mappings::item_id.eq(&item.id))
        .select(objective_mappings::objective)
        .load::<i32>(conn)?
        .into_iter()
        .collect();
    let mut skipped_principles: BTreeSet<String> = principle_mappings::table
        .filter(principle_mappings::item_id.eq(&item.id))
        .select(principle_mappings::principle)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    // What a reviewer rejected is never suggested again; a passage marked as not evidence
    // gets no mapping at all. (A new item has neither: they go with the item.)
    let rejected: Vec<(Option<i32>, Option<String>)> = rejected_suggestions::table
        .filter(rejected_suggestions::item_id.eq(&item.id))
        .select((
            rejected_suggestions::objective,
            rejected_suggestions::principle,
        ))
        .load(conn)?;
    for (objective, principle) in rejected {
        skipped_objectives.extend(objective);
        skipped_principles.extend(principle);
    }
    let not_evidence: i64 = not_evidence_items::table
        .find(&item.id)
        .count()
        .get_result(conn)?;
    if not_evidence > 0 {
        skipped_objectives.extend(item.objectives.iter().map(|m| m.objective));
        skipped_principles.extend(item.principles.iter().map(|m| m.principle.clone()));
    }
    for country in &item.countries {
        diesel::insert_into(item_countries::table)
            .values(new_country(item, country))
            .execute(conn)?;
    }
    for mapping in item
        .objectives
        .iter()
        .filter(|m| !skipped_objectives.contains(&m.objective))
    {
        diesel::insert_into(objective_mappings::table)
            .values(new_objective(item, mapping, author, now))
            .execute(conn)?;
    }
    for mapping in item
        .principles
        .iter()
        .filter(|m| !skipped_principles.contains(&m.principle))
    {
        diesel::insert_into(principle_mappings::table)
            .values(new_principle(item, mapping, author, now))
            .execute(conn)?;
    }
    Ok(())
}
