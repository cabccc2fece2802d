//! The evidence store in the database: writing an import in one transaction, and reading sources and
//! evidence items back with their mappings.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;

use super::schema::{
    champions, countries, data_versions, evidence_items, item_countries, objective_mappings,
    principle_mappings, principles, review_cycles, sources, submissions,
};
use super::{AnyConnection, DbError};
use crate::evidence::batch::{Batch, StoredSpan, ValidationContext};
use crate::evidence::{Basis, Item};

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

impl std::fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (name, c) in [
            ("cycles", &self.cycles),
            ("sources", &self.sources),
            ("items", &self.items),
            ("submissions", &self.submissions),
            ("champions", &self.champions),
        ] {
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
    for (item, source, line_start, line_end, quote) in evidence_items::table
        .filter(evidence_items::source_id.eq_any(reimported_sources))
        .select((
            evidence_items::id,
            evidence_items::source_id,
            evidence_items::line_start,
            evidence_items::line_end,
            evidence_items::quote,
        ))
        .load::<(String, String, i32, i32, String)>(conn)?
    {
        stored_items.entry(source).or_default().push(StoredSpan {
            item,
            line_start,
            line_end,
            quote,
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
            .select((sources::id, sources::body))
            .load::<(String, String)>(conn)?
            .into_iter()
            .collect(),
    })
}

/// Whether any source is stored (an empty store gets the bundled fixtures).
pub fn has_sources(conn: &mut AnyConnection) -> Result<bool, DbError> {
    let count: i64 = sources::table.count().get_result(conn)?;
    Ok(count > 0)
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
    crate::db::write_transaction(conn, |conn| {
        let mut summary = ImportSummary::default();
        // New cycles go after the stored ones, in the order of the file.
        let mut next_position = review_cycles::table
            .select(diesel::dsl::max(review_cycles::position))
            .first::<Option<i32>>(conn)?
            .unwrap_or(0);
        for (_, cycle) in &batch.cycles {
            let existing = review_cycles::table
                .find(&cycle.id)
                .select((
                    review_cycles::region,
                    review_cycles::title_en,
                    review_cycles::title_es,
                    review_cycles::review_start,
                    review_cycles::review_end,
                    review_cycles::feeds_until,
                    review_cycles::note,
                ))
                .first::<(
                    Option<String>,
                    String,
                    String,
                    Option<String>,
                    Option<String>,
                    String,
                    Option<String>,
                )>(conn)
                .optional()?;
            let values = (
                review_cycles::region.eq(&cycle.region),
                review_cycles::title_en.eq(&cycle.title_en),
                review_cycles::title_es.eq(&cycle.title_es),
                review_cycles::review_start.eq(&cycle.review_start),
                review_cycles::review_end.eq(&cycle.review_end),
                review_cycles::feeds_until.eq(&cycle.feeds_until),
                review_cycles::note.eq(&cycle.note),
            );
            let wanted = (
                cycle.region.clone(),
                cycle.title_en.clone(),
                cycle.title_es.clone(),
                cycle.review_start.clone(),
                cycle.review_end.clone(),
                cycle.feeds_until.clone(),
                cycle.note.clone(),
            );
            match existing {
                None => {
                    next_position += 1;
                    diesel::insert_into(review_cycles::table)
                        .values((
                            review_cycles::id.eq(&cycle.id),
                            review_cycles::position.eq(next_position),
                            values,
                        ))
                        .execute(conn)?;
                    summary.cycles.added += 1;
                }
                Some(stored) if stored == wanted => summary.cycles.unchanged += 1,
                Some(_) => {
                    diesel::update(review_cycles::table.find(&cycle.id))
                        .set(values)
                        .execute(conn)?;
                    summary.cycles.updated += 1;
                }
            }
        }

        for (_, source) in &batch.sources {
            let checksum = source.checksum();
            let published = source.published.map(|d| d.to_string());
            let precision = source
                .published
                .map(|d| d.precision().as_str())
                .unwrap_or("unknown");
            let fingerprint = format!(
                "{checksum}|{}|{}|{}|{}|{}|{:?}|{}|{:?}",
                source.file_name,
                source.title,
                source.publisher,
                source.kind,
                source.language,
                published,
                source.cycle,
                source.note
            );
            let existing = sources::table
                .find(&source.id)
                .select((
                    sources::checksum,
                    sources::file_name,
                    sources::title,
                    sources::publisher,
                    sources::kind,
                    sources::language,
                    sources::published,
                    sources::cycle_id,
                    sources::note,
                ))
                .first::<(
                    String,
                    String,
                    String,
                    String,
                    String,
                    String,
                    Option<String>,
                    String,
                    Option<String>,
                )>(conn)
                .optional()?
                .map(|(c, f, t, p, k, l, pub_, cy, n)| {
                    format!("{c}|{f}|{t}|{p}|{k}|{l}|{pub_:?}|{cy}|{n:?}")
                });
            let values = (
                sources::file_name.eq(&source.file_name),
                sources::title.eq(&source.title),
                sources::publisher.eq(&source.publisher),
                sources::kind.eq(&source.kind),
                sources::language.eq(&source.language),
                sources::published.eq(&published),
                sources::published_precision.eq(precision),
                sources::cycle_id.eq(&source.cycle),
                sources::note.eq(&source.note),
                sources::checksum.eq(&checksum),
                sources::line_count.eq(source.line_count() as i32),
                sources::body.eq(&source.body),
                sources::imported_at.eq(now),
            );
            match existing {
                None => {
                    diesel::insert_into(sources::table)
                        .values((sources::id.eq(&source.id), values))
                        .execute(conn)?;
                    summary.sources.added += 1;
                }
                Some(stored) if stored == fingerprint => summary.sources.unchanged += 1,
                Some(_) => {
                    diesel::update(sources::table.find(&source.id))
                        .set(values)
                        .execute(conn)?;
                    summary.sources.updated += 1;
                }
            }
        }

        for (_, item) in &batch.items {
            let hash = item.content_hash();
            let stored_hash = evidence_items::table
                .find(&item.id)
                .select(evidence_items::content_hash)
                .first::<String>(conn)
                .optional()?;
            match stored_hash {
                Some(stored) if stored == hash => summary.items.unchanged += 1,
                Some(_) => {
                    write_item(conn, item, &hash, now, true, author)?;
                    summary.items.updated += 1;
                }
                None => {
                    write_item(conn, item, &hash, now, false, author)?;
                    summary.items.added += 1;
                }
            }
            progress();
        }

        for (_, s) in &batch.submissions {
            let key = submissions::table
                .filter(submissions::cycle_id.eq(&s.cycle))
                .filter(submissions::iso3.eq(&s.iso3))
                .filter(submissions::kind.eq(&s.kind));
            let existing = key
                .select((
                    submissions::source_id,
                    submissions::line_start,
                    submissions::line_end,
                ))
                .first::<(Option<String>, Option<i32>, Option<i32>)>(conn)
                .optional()?;
            let wanted = (s.source.clone(), s.line_start, s.line_end);
            match existing {
                None => {
                    diesel::insert_into(submissions::table)
                        .values((
                            submissions::cycle_id.eq(&s.cycle),
                            submissions::iso3.eq(&s.iso3),
                            submissions::kind.eq(&s.kind),
                            submissions::source_id.eq(&s.source),
                            submissions::line_start.eq(s.line_start),
                            submissions::line_end.eq(s.line_end),
                        ))
                        .execute(conn)?;
                    summary.submissions.added += 1;
                }
                Some(stored) if stored == wanted => summary.submissions.unchanged += 1,
                Some(_) => {
                    diesel::update(key)
                        .set((
                            submissions::source_id.eq(&s.source),
                            submissions::line_start.eq(s.line_start),
                            submissions::line_end.eq(s.line_end),
                        ))
                        .execute(conn)?;
                    summary.submissions.updated += 1;
                }
            }
        }

        for (_, c) in &batch.champions {
            let since = c.since.map(|d| d.to_string());
            let as_of = c.as_of.to_string();
            let existing = champions::table
                .find(&c.iso3)
                .select((
                    champions::since,
                    champions::as_of,
                    champions::source_id,
                    champions::line_start,
                    champions::line_end,
                    champions::note,
                ))
                .first::<(
                    Option<String>,
                    String,
                    Option<String>,
                    Option<i32>,
                    Option<i32>,
                    Option<String>,
                )>(conn)
                .optional()?;
            let wanted = (
                since.clone(),
                as_of.clone(),
                c.source.clone(),
                c.line_start,
                c.line_end,
                c.note.clone(),
            );
            let values = (
                champions::since.eq(&since),
                champions::as_of.eq(&as_of),
                champions::source_id.eq(&c.source),
                champions::line_start.eq(c.line_start),
                champions::line_end.eq(c.line_end),
                champions::note.eq(&c.note),
            );
            match existing {
                None => {
                    diesel::insert_into(champions::table)
                        .values((champions::iso3.eq(&c.iso3), values))
                        .execute(conn)?;
                    summary.champions.added += 1;
                }
                Some(stored) if stored == wanted => summary.champions.unchanged += 1,
                Some(_) => {
                    diesel::update(champions::table.find(&c.iso3))
                        .set(values)
                        .execute(conn)?;
                    summary.champions.updated += 1;
                }
            }
        }
        let changed = [
            &summary.cycles,
            &summary.sources,
            &summary.items,
            &summary.submissions,
            &summary.champions,
        ]
        .iter()
        .any(|c| c.added + c.updated > 0);
        if changed {
            bump_data_version(conn)?;
        }
        Ok(summary)
    })
}

/// Name of the evidence store's row in `data_versions`.
const EVIDENCE_VERSION: &str = "evidence";

/// Raises the evidence store's version; call it inside every transaction that writes evidence. One
/// UPDATE of the row the migration created, so two writers never both write the same next version.
pub fn bump_data_version(conn: &mut AnyConnection) -> Result<(), DbError> {
    diesel::update(data_versions::table.find(EVIDENCE_VERSION))
        .set((
            data_versions::version.eq(data_versions::version + 1),
            data_versions::changed_at.eq(Utc::now().naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// The evidence store's version: 0 before the first write.
pub fn data_version(conn: &mut AnyConnection) -> Result<i64, DbError> {
    Ok(data_versions::table
        .find(EVIDENCE_VERSION)
        .select(data_versions::version)
        .first::<i64>(conn)
        .optional()?
        .unwrap_or(0))
}

/// Inserts an item or replaces an imported one, with its countries and mappings.
fn write_item(
    conn: &mut AnyConnection,
    item: &Item,
    hash: &str,
    now: NaiveDateTime,
    replace: bool,
    author: &str,
) -> Result<(), DbError> {
    let values = (
        evidence_items::source_id.eq(&item.source),
        evidence_items::line_start.eq(item.line_start),
        evidence_items::line_end.eq(item.line_end),
        evidence_items::kind.eq(&item.kind),
        evidence_items::context.eq(&item.context),
        evidence_items::title.eq(&item.title),
        evidence_items::summary.eq(&item.summary),
        evidence_items::quote.eq(&item.quote),
        evidence_items::language.eq(&item.language),
        evidence_items::reporting_iso3.eq(&item.reporting_iso3),
        evidence_items::actor.eq(&item.actor),
        evidence_items::actor_type.eq(&item.actor_type),
        evidence_items::year.eq(item.year),
        evidence_items::date.eq(&item.date),
        evidence_items::status.eq(&item.status),
        evidence_items::figures
            .eq(serde_json::to_string(&item.figures).unwrap_or_else(|_| "[]".into())),
        evidence_items::content_hash.eq(hash),
        evidence_items::imported_at.eq(now),
    );
    if replace {
        diesel::update(evidence_items::table.find(&item.id))
            .set(values)
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
    } else {
        diesel::insert_into(evidence_items::table)
            .values((evidence_items::id.eq(&item.id), values))
            .execute(conn)?;
    }
    for country in &item.countries {
        diesel::insert_into(item_countries::table)
            .values((
                item_countries::item_id.eq(&item.id),
                item_countries::iso3.eq(&country.iso3),
                item_countries::role.eq(&country.role),
                item_countries::detail.eq(&country.detail),
            ))
            .execute(conn)?;
    }
    // An objective that a reviewer (not an import) already mapped on this item keeps the reviewer's
    // mapping; the import's is not added beside it.
    let kept: BTreeSet<i32> = if replace {
        objective_mappings::table
            .filter(objective_mappings::item_id.eq(&item.id))
            .select(objective_mappings::objective)
            .load::<i32>(conn)?
            .into_iter()
            .collect()
    } else {
        BTreeSet::new()
    };
    let kept_principles: BTreeSet<String> = if replace {
        principle_mappings::table
            .filter(principle_mappings::item_id.eq(&item.id))
            .select(principle_mappings::principle)
            .load::<String>(conn)?
            .into_iter()
            .collect()
    } else {
        BTreeSet::new()
    };
    for mapping in item
        .objectives
        .iter()
        .filter(|m| !kept.contains(&m.objective))
    {
        diesel::insert_into(objective_mappings::table)
            .values((
                objective_mappings::item_id.eq(&item.id),
                objective_mappings::objective.eq(mapping.objective),
                objective_mappings::basis.eq(mapping.basis.as_str()),
                objective_mappings::confidence.eq(mapping.confidence),
                objective_mappings::is_primary.eq(mapping.primary),
                objective_mappings::rationale.eq(&mapping.rationale),
                objective_mappings::created_by.eq(author),
                objective_mappings::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    for mapping in item
        .principles
        .iter()
        .filter(|m| !kept_principles.contains(&m.principle))
    {
        diesel::insert_into(principle_mappings::table)
            .values((
                principle_mappings::item_id.eq(&item.id),
                principle_mappings::principle.eq(&mapping.principle),
                principle_mappings::basis.eq(mapping.basis.as_str()),
                principle_mappings::confidence.eq(mapping.confidence),
                principle_mappings::created_by.eq(author),
                principle_mappings::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------------
// Reading

/// A source without its text, with the number of items read from it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SourceSummary {
    pub id: String,
    pub file_name: String,
    pub title: String,
    pub publisher: String,
    pub kind: String,
    pub language: String,
    pub published: Option<String>,
    pub published_precision: String,
    pub cycle: String,
    pub note: Option<String>,
    pub checksum: String,
    pub line_count: i32,
    pub items: i64,
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
    String,
    Option<String>,
    String,
    i32,
);

macro_rules! source_columns {
    () => {
        (
            sources::id,
            sources::file_name,
            sources::title,
            sources::publisher,
            sources::kind,
            sources::language,
            sources::published,
            sources::published_precision,
            sources::cycle_id,
            sources::note,
            sources::checksum,
            sources::line_count,
        )
    };
}

fn source_summary(row: SourceRow, items: i64) -> SourceSummary {
    let (
        id,
        file_name,
        title,
        publisher,
        kind,
        language,
        published,
        precision,
        cycle,
        note,
        checksum,
        line_count,
    ) = row;
    SourceSummary {
        id,
        file_name,
        title,
        publisher,
        kind,
        language,
        published,
        published_precision: precision,
        cycle,
        note,
        checksum,
        line_count,
        items,
    }
}

pub fn list_sources(conn: &mut AnyConnection) -> Result<Vec<SourceSummary>, DbError> {
    let rows = sources::table
        .order(sources::id)
        .select(source_columns!())
        .load::<SourceRow>(conn)?;
    let counts: BTreeMap<String, i64> = evidence_items::table
        .group_by(evidence_items::source_id)
        .select((evidence_items::source_id, diesel::dsl::count_star()))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|row| {
            let items = counts.get(&row.0).copied().unwrap_or(0);
            source_summary(row, items)
        })
        .collect())
}

/// One source with its full text, or `None`.
pub fn source_with_text(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Option<(SourceSummary, String)>, DbError> {
    let Some(row) = sources::table
        .find(id)
        .select(source_columns!())
        .first::<SourceRow>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let body = sources::table
        .find(id)
        .select(sources::body)
        .first::<String>(conn)?;
    let items: i64 = evidence_items::table
        .filter(evidence_items::source_id.eq(id))
        .count()
        .get_result(conn)?;
    Ok(Some((source_summary(row, items), body)))
}

pub fn source_exists(conn: &mut AnyConnection, id: &str) -> Result<bool, DbError> {
    Ok(sources::table.find(id).count().get_result::<i64>(conn)? > 0)
}

pub fn source_ids(conn: &mut AnyConnection) -> Result<Vec<String>, DbError> {
    Ok(sources::table
        .select(sources::id)
        .order(sources::id)
        .load(conn)?)
}

pub fn cycle_ids(conn: &mut AnyConnection) -> Result<Vec<String>, DbError> {
    Ok(review_cycles::table
        .select(review_cycles::id)
        .order(review_cycles::position)
        .load(conn)?)
}

/// Filters of the evidence list; all given filters must hold together.
#[derive(Debug, Clone, Default)]
pub struct EvidenceFilter {
    /// Items credited to this country.
    pub country: Option<String>,
    /// Items mapped to this objective (with one of `bases`, when given).
    pub objective: Option<i32>,
    pub principle: Option<String>,
    pub kinds: Vec<String>,
    pub source: Option<String>,
    /// Items from sources of any of these cycles (none = every cycle).
    pub cycles: Vec<String>,
    /// Mapping bases: with `objective`, the mapping to it must have one of them; alone, the item must have
    /// some objective mapping with one of them.
    pub bases: Vec<Basis>,
    /// Case-insensitive text in the title, summary or quote.
    pub text: Option<String>,
}

// SQL `lower()`. SQLite's own folds ASCII only ("Índice" stays as it is), so SQLite connections register
// a Rust implementation under the same name (db::ConnectionOpener): both backends fold all of Unicode.
diesel::define_sql_function!(
    fn lower(x: diesel::sql_types::Nullable<diesel::sql_types::Text>) -> diesel::sql_types::Nullable<diesel::sql_types::Text>
);

type ItemQuery<'a> = evidence_items::BoxedQuery<'a, super::MultiBackend>;

fn filtered(filter: &EvidenceFilter) -> ItemQuery<'static> {
    let mut query = evidence_items::table.into_boxed();
    if let Some(country) = &filter.country {
        query = query.filter(evidence_items::reporting_iso3.eq(country.clone()));
    }
    let bases: Vec<&'static str> = filter.bases.iter().map(|b| b.as_str()).collect();
    match (filter.objective, bases.is_empty()) {
        (Some(objective), true) => {
            query = query.filter(
                evidence_items::id.eq_any(
                    objective_mappings::table
                        .filter(objective_mappings::objective.eq(objective))
                        .select(objective_mappings::item_id),
                ),
            );
        }
        (Some(objective), false) => {
            query = query.filter(
                evidence_items::id.eq_any(
                    objective_mappings::table
                        .filter(objective_mappings::objective.eq(objective))
                        .filter(objective_mappings::basis.eq_any(bases))
                        .select(objective_mappings::item_id),
                ),
            );
        }
        (None, false) => {
            query = query.filter(
                evidence_items::id.eq_any(
                    objective_mappings::table
                        .filter(objective_mappings::basis.eq_any(bases))
                        .select(objective_mappings::item_id),
                ),
            );
        }
        (None, true) => {}
    }
    if let Some(principle) = &filter.principle {
        query = query.filter(
            evidence_items::id.eq_any(
                principle_mappings::table
                    .filter(principle_mappings::principle.eq(principle.clone()))
                    .select(principle_mappings::item_id),
            ),
        );
    }
    if !filter.kinds.is_empty() {
        query = query.filter(evidence_items::kind.eq_any(filter.kinds.clone()));
    }
    if let Some(source) = &filter.source {
        query = query.filter(evidence_items::source_id.eq(source.clone()));
    }
    if !filter.cycles.is_empty() {
        query = query.filter(
            evidence_items::source_id.eq_any(
                sources::table
                    .filter(sources::cycle_id.eq_any(filter.cycles.clone()))
                    .select(sources::id),
            ),
        );
    }
    if let Some(text) = &filter.text {
        // Escape LIKE's wildcards so the text is matched literally.
        let escaped = text
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let pattern = format!("%{escaped}%");
        query = query.filter(
            lower(evidence_items::title.nullable())
                .like(pattern.clone())
                .escape('\\')
                .or(lower(evidence_items::summary)
                    .like(pattern.clone())
                    .escape('\\'))
                .or(lower(evidence_items::quote.nullable())
                    .like(pattern)
                    .escape('\\'))
                .assume_not_null(),
        );
    }
    query
}

/// One page of evidence items in a stable order (source, then position in it, then id), with the total.
pub fn search_evidence(
    conn: &mut AnyConnection,
    filter: &EvidenceFilter,
    limit: i64,
    offset: i64,
) -> Result<(i64, Vec<EvidenceItem>), DbError> {
    let total: i64 = filtered(filter).count().get_result(conn)?;
    let ids: Vec<String> = filtered(filter)
        .order((
            evidence_items::source_id,
            evidence_items::line_start,
            evidence_items::id,
        ))
        .select(evidence_items::id)
        .limit(limit)
        .offset(offset)
        .load(conn)?;
    Ok((total, load_items(conn, &ids)?))
}

pub fn evidence_item(conn: &mut AnyConnection, id: &str) -> Result<Option<EvidenceItem>, DbError> {
    Ok(load_items(conn, &[id.to_string()])?.into_iter().next())
}

/// An evidence item as served, with everything needed to trace it to its text.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct EvidenceItem {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub summary: Option<String>,
    pub quote: String,
    pub language: String,
    pub context: Option<String>,
    pub source: ItemSource,
    pub line_start: i32,
    pub line_end: i32,
    pub reporting_country: Option<CountryRef>,
    pub countries: Vec<ItemCountry>,
    pub actor: Option<String>,
    pub actor_type: Option<String>,
    pub year: Option<i32>,
    pub date: Option<String>,
    pub status: Option<String>,
    pub figures: Vec<String>,
    pub objectives: Vec<ItemObjective>,
    pub principles: Vec<ItemPrinciple>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ItemSource {
    pub id: String,
    pub title: String,
    pub cycle: String,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CountryRef {
    pub iso3: String,
    pub name_en: String,
    pub name_es: String,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ItemCountry {
    pub iso3: String,
    pub role: String,
    pub detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ItemObjective {
    pub id: i32,
    pub objective: i32,
    pub basis: String,
    pub confidence: f64,
    pub primary: bool,
    pub rationale: Option<String>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ItemPrinciple {
    pub principle: String,
    pub basis: String,
    pub confidence: f64,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

type ItemRow = (
    (
        String,
        String,
        i32,
        i32,
        String,
        Option<String>,
        String,
        Option<String>,
        String,
        String,
    ),
    (
        Option<String>,
        Option<String>,
        Option<String>,
        Option<i32>,
        Option<String>,
        Option<String>,
        String,
    ),
);

/// Every item that passes the filter, in the stable order of the list (for exports).
pub fn all_evidence(
    conn: &mut AnyConnection,
    filter: &EvidenceFilter,
) -> Result<Vec<EvidenceItem>, DbError> {
    let ids: Vec<String> = filtered(filter)
        .order((
            evidence_items::source_id,
            evidence_items::line_start,
            evidence_items::id,
        ))
        .select(evidence_items::id)
        .load(conn)?;
    load_items(conn, &ids)
}

/// Loads the items with these ids, in the order given, with their source, countries and mappings. Ids go
/// to the database in chunks: both backends cap the number of bound parameters of one statement.
fn load_items(conn: &mut AnyConnection, ids: &[String]) -> Result<Vec<EvidenceItem>, DbError> {
    const CHUNK: usize = 1000;
    let mut items = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        items.extend(load_item_chunk(conn, chunk)?);
    }
    Ok(items)
}

fn load_item_chunk(conn: &mut AnyConnection, ids: &[String]) -> Result<Vec<EvidenceItem>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<ItemRow> = evidence_items::table
        .filter(evidence_items::id.eq_any(ids))
        .select((
            (
                evidence_items::id,
                evidence_items::source_id,
                evidence_items::line_start,
                evidence_items::line_end,
                evidence_items::kind,
                evidence_items::context,
                evidence_items::title,
                evidence_items::summary,
                evidence_items::quote,
                evidence_items::language,
            ),
            (
                evidence_items::reporting_iso3,
                evidence_items::actor,
                evidence_items::actor_type,
                evidence_items::year,
                evidence_items::date,
                evidence_items::status,
                evidence_items::figures,
            ),
        ))
        .load(conn)?;
    let source_ids: Vec<&String> = rows.iter().map(|r| &r.0 .1).collect();
    let source_info: BTreeMap<String, (String, String)> = sources::table
        .filter(sources::id.eq_any(source_ids))
        .select((sources::id, sources::title, sources::cycle_id))
        .load::<(String, String, String)>(conn)?
        .into_iter()
        .map(|(id, title, cycle)| (id, (title, cycle)))
        .collect();
    let reporting: Vec<&String> = rows.iter().filter_map(|r| r.1 .0.as_ref()).collect();
    let names: BTreeMap<String, (String, String)> = countries::table
        .filter(countries::iso3.eq_any(reporting))
        .select((countries::iso3, countries::name_en, countries::name_es))
        .load::<(String, String, String)>(conn)?
        .into_iter()
        .map(|(iso3, en, es)| (iso3, (en, es)))
        .collect();
    let mut involved: BTreeMap<String, Vec<ItemCountry>> = BTreeMap::new();
    for (item_id, iso3, role, detail) in item_countries::table
        .filter(item_countries::item_id.eq_any(ids))
        .order((
            item_countries::item_id,
            item_countries::iso3,
            item_countries::role,
        ))
        .select((
            item_countries::item_id,
            item_countries::iso3,
            item_countries::role,
            item_countries::detail,
        ))
        .load::<(String, String, String, Option<String>)>(conn)?
    {
        involved
            .entry(item_id)
            .or_default()
            .push(ItemCountry { iso3, role, detail });
    }
    let mut objectives: BTreeMap<String, Vec<ItemObjective>> = BTreeMap::new();
    for (id, item_id, objective, basis, confidence, primary, rationale, created_by, created_at) in
        objective_mappings::table
            .filter(objective_mappings::item_id.eq_any(ids))
            .order((
                objective_mappings::item_id,
                objective_mappings::is_primary.desc(),
                objective_mappings::objective,
            ))
            .select((
                objective_mappings::id,
                objective_mappings::item_id,
                objective_mappings::objective,
                objective_mappings::basis,
                objective_mappings::confidence,
                objective_mappings::is_primary,
                objective_mappings::rationale,
                objective_mappings::created_by,
                objective_mappings::created_at,
            ))
            .load::<(
                i32,
                String,
                i32,
                String,
                f64,
                bool,
                Option<String>,
                String,
                NaiveDateTime,
            )>(conn)?
    {
        objectives.entry(item_id).or_default().push(ItemObjective {
            id,
            objective,
            basis,
            confidence,
            primary,
            rationale,
            created_by,
            created_at,
        });
    }
    let mut principle_map: BTreeMap<String, Vec<ItemPrinciple>> = BTreeMap::new();
    for (item_id, principle, basis, confidence, created_by, created_at) in principle_mappings::table
        .filter(principle_mappings::item_id.eq_any(ids))
        .order((principle_mappings::item_id, principle_mappings::principle))
        .select((
            principle_mappings::item_id,
            principle_mappings::principle,
            principle_mappings::basis,
            principle_mappings::confidence,
            principle_mappings::created_by,
            principle_mappings::created_at,
        ))
        .load::<(String, String, String, f64, String, NaiveDateTime)>(conn)?
    {
        principle_map
            .entry(item_id)
            .or_default()
            .push(ItemPrinciple {
                principle,
                basis,
                confidence,
                created_by,
                created_at,
            });
    }

    let mut by_id: BTreeMap<String, EvidenceItem> = BTreeMap::new();
    for (
        (id, source_id, line_start, line_end, kind, context, title, summary, quote, language),
        (reporting_iso3, actor, actor_type, year, date, status, figures),
    ) in rows
    {
        let (source_title, cycle) = source_info.get(&source_id).cloned().unwrap_or_default();
        let reporting_country = reporting_iso3.map(|iso3| {
            let (name_en, name_es) = names.get(&iso3).cloned().unwrap_or_default();
            CountryRef {
                iso3,
                name_en,
                name_es,
            }
        });
        by_id.insert(
            id.clone(),
            EvidenceItem {
                countries: involved.remove(&id).unwrap_or_default(),
                objectives: objectives.remove(&id).unwrap_or_default(),
                principles: principle_map.remove(&id).unwrap_or_default(),
                id,
                kind,
                title,
                summary,
                quote,
                language,
                context,
                source: ItemSource {
                    id: source_id,
                    title: source_title,
                    cycle,
                },
                line_start,
                line_end,
                reporting_country,
                actor,
                actor_type,
                year,
                date,
                status,
                figures: serde_json::from_str(&figures).unwrap_or_default(),
            },
        );
    }
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

/// Whether a country code is in the reference data.
pub fn country_exists(conn: &mut AnyConnection, iso3: &str) -> Result<bool, DbError> {
    let count: i64 = countries::table
        .filter(countries::iso3.eq(iso3))
        .count()
        .get_result(conn)?;
    Ok(count > 0)
}

pub fn principle_keys(conn: &mut AnyConnection) -> Result<Vec<String>, DbError> {
    Ok(principles::table
        .select(principles::key)
        .order(principles::position)
        .load(conn)?)
}

/// A review cycle with what feeds it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CycleSummary {
    pub id: String,
    pub region: Option<String>,
    pub title_en: String,
    pub title_es: String,
    pub review_start: Option<String>,
    pub review_end: Option<String>,
    pub feeds_until: String,
    pub note: Option<String>,
    pub sources: Vec<String>,
    pub items: i64,
    /// Countries that submitted a voluntary national report to the cycle.
    pub submissions: Vec<String>,
}

/// Every review cycle, in their order.
pub fn load_cycles(conn: &mut AnyConnection) -> Result<Vec<crate::evidence::Cycle>, DbError> {
    let rows = review_cycles::table
        .order(review_cycles::position)
        .select((
            review_cycles::id,
            review_cycles::region,
            review_cycles::title_en,
            review_cycles::title_es,
            review_cycles::review_start,
            review_cycles::review_end,
            review_cycles::feeds_until,
            review_cycles::note,
        ))
        .load::<(
            String,
            Option<String>,
            String,
            String,
            Option<String>,
            Option<String>,
            String,
            Option<String>,
        )>(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, region, title_en, title_es, review_start, review_end, feeds_until, note)| {
                crate::evidence::Cycle {
                    id,
                    region,
                    title_en,
                    title_es,
                    review_start,
                    review_end,
                    feeds_until,
                    note,
                }
            },
        )
        .collect())
}

pub fn list_cycles(conn: &mut AnyConnection) -> Result<Vec<CycleSummary>, DbError> {
    let cycles = load_cycles(conn)?;
    let mut sources_of: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (id, cycle) in sources::table
        .order(sources::id)
        .select((sources::id, sources::cycle_id))
        .load::<(String, String)>(conn)?
    {
        sources_of.entry(cycle).or_default().push(id);
    }
    let items_per_source: BTreeMap<String, i64> = evidence_items::table
        .group_by(evidence_items::source_id)
        .select((evidence_items::source_id, diesel::dsl::count_star()))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect();
    let mut submitted: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (cycle, iso3) in submissions::table
        .order((submissions::cycle_id, submissions::iso3))
        .select((submissions::cycle_id, submissions::iso3))
        .distinct()
        .load::<(String, String)>(conn)?
    {
        submitted.entry(cycle).or_default().push(iso3);
    }
    Ok(cycles
        .into_iter()
        .map(|c| {
            let sources = sources_of.remove(&c.id).unwrap_or_default();
            let items = sources
                .iter()
                .map(|s| items_per_source.get(s).copied().unwrap_or(0))
                .sum();
            CycleSummary {
                submissions: submitted.remove(&c.id).unwrap_or_default(),
                id: c.id,
                region: c.region,
                title_en: c.title_en,
                title_es: c.title_es,
                review_start: c.review_start,
                review_end: c.review_end,
                feeds_until: c.feeds_until,
                note: c.note,
                sources,
                items,
            }
        })
        .collect())
}

/// A champion country with the record of its status.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ChampionRecord {
    pub iso3: String,
    pub name_en: String,
    pub name_es: String,
    pub since: Option<String>,
    pub as_of: String,
    pub source: Option<String>,
    pub line_start: Option<i32>,
    pub line_end: Option<i32>,
    pub note: Option<String>,
}

pub fn list_champions(conn: &mut AnyConnection) -> Result<Vec<ChampionRecord>, DbError> {
    Ok(champions::table
        .inner_join(countries::table.on(countries::iso3.eq(champions::iso3)))
        .order(champions::iso3)
        .select((
            champions::iso3,
            countries::name_en,
            countries::name_es,
            champions::since,
            champions::as_of,
            champions::source_id,
            champions::line_start,
            champions::line_end,
            champions::note,
        ))
        .load::<(
            String,
            String,
            String,
            Option<String>,
            String,
            Option<String>,
            Option<i32>,
            Option<i32>,
            Option<String>,
        )>(conn)?
        .into_iter()
        .map(
            |(iso3, name_en, name_es, since, as_of, source, line_start, line_end, note)| {
                ChampionRecord {
                    iso3,
                    name_en,
                    name_es,
                    since,
                    as_of,
                    source,
                    line_start,
                    line_end,
                    note,
                }
            },
        )
        .collect())
}
