//! Rows as the queries read them: one struct a select list, named by what it holds, so a query says
//! `.select(Row::as_select())` and its result is taken apart by field name, never by position. The
//! answers that are exactly a row (a token, a mapping) derive the same traits where they are defined;
//! what is written lives in `forms`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::forms::{ChampionFields, CycleFields, SubmissionFields};
use super::schema::{
    api_tokens, audit_log, bloc_members, champions, countries, evidence_items, group_objectives,
    grouping_groups, groupings, objective_mappings, objectives, principle_mappings, principles,
    reference_datasets, review_cycles, sources, submissions,
};
use super::sources::SourceSummary;
use crate::evidence::{Champion, Cycle, PartialDate, Source, Submission, Voice};
use crate::framework::{Country, Objective, Principle};

// ---------------------------------------------------------------------------------------------------
// Reference data

/// The version of a loaded reference dataset.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = reference_datasets)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct DatasetRow {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = objectives)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct ObjectiveRow {
    pub number: i32,
    pub title_en: String,
    pub title_es: String,
    pub short_en: String,
    pub short_es: String,
}

impl From<ObjectiveRow> for Objective {
    fn from(row: ObjectiveRow) -> Objective {
        Objective {
            number: row.number,
            title_en: row.title_en,
            title_es: row.title_es,
            short_en: row.short_en,
            short_es: row.short_es,
        }
    }
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = principles)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct PrincipleRow {
    pub key: String,
    pub position: i32,
    pub name_en: String,
    pub name_es: String,
}

impl From<PrincipleRow> for Principle {
    fn from(row: PrincipleRow) -> Principle {
        Principle {
            key: row.key,
            position: row.position,
            name_en: row.name_en,
            name_es: row.name_es,
        }
    }
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = groupings)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct GroupingRow {
    pub id: String,
    pub version: String,
    pub is_default: bool,
    pub title_en: String,
    pub title_es: String,
    pub source: String,
}

/// A group of a grouping, without its objectives.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = grouping_groups)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct GroupRow {
    pub grouping_id: String,
    pub id: String,
    pub title_en: String,
    pub title_es: String,
}

/// An objective's place in a group.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = group_objectives)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct GroupObjectiveRow {
    pub grouping_id: String,
    pub group_id: String,
    pub objective: i32,
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = countries)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct CountryRow {
    pub iso3: String,
    pub iso2: String,
    pub m49: String,
    pub name_en: String,
    pub name_es: String,
    pub region: Option<String>,
    pub subregion: Option<String>,
    pub aliases: String,
}

impl From<CountryRow> for Country {
    fn from(row: CountryRow) -> Country {
        Country {
            iso3: row.iso3,
            iso2: row.iso2,
            m49: row.m49,
            name_en: row.name_en,
            name_es: row.name_es,
            region: row.region,
            subregion: row.subregion,
            aliases: row.aliases,
        }
    }
}

/// A country's membership of a bloc.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = bloc_members)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct MembershipRow {
    pub iso3: String,
    pub bloc_id: String,
}

// ---------------------------------------------------------------------------------------------------
// Cycles, submissions, champions

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = review_cycles)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct CycleRow {
    pub id: String,
    #[diesel(embed)]
    pub fields: CycleFields,
}

impl From<CycleRow> for Cycle {
    fn from(CycleRow { id, fields }: CycleRow) -> Cycle {
        Cycle {
            id,
            region: fields.region,
            title_en: fields.title_en,
            title_es: fields.title_es,
            review_start: fields.review_start,
            review_end: fields.review_end,
            feeds_until: fields.feeds_until,
            note: fields.note,
        }
    }
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = submissions)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct SubmissionRow {
    pub cycle_id: String,
    pub iso3: String,
    pub kind: String,
    #[diesel(embed)]
    pub fields: SubmissionFields,
}

impl From<SubmissionRow> for Submission {
    fn from(row: SubmissionRow) -> Submission {
        Submission {
            cycle: row.cycle_id,
            iso3: row.iso3,
            kind: row.kind,
            source: row.fields.source_id,
            line_start: row.fields.line_start,
            line_end: row.fields.line_end,
        }
    }
}

/// That a country submitted a report to a cycle.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = submissions)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct SubmittedRow {
    pub cycle_id: String,
    pub iso3: String,
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = champions)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct ChampionRow {
    pub iso3: String,
    #[diesel(embed)]
    pub fields: ChampionFields,
}

impl ChampionRow {
    /// The record, unless its as-of date no longer parses (stored dates were parsed on import); a
    /// `since` that no longer parses is left out.
    pub fn into_champion(self) -> Option<Champion> {
        let fields = self.fields;
        Some(Champion {
            iso3: self.iso3,
            since: fields.since.and_then(|s| PartialDate::parse(&s).ok()),
            as_of: PartialDate::parse(&fields.as_of).ok()?,
            source: fields.source_id,
            line_start: fields.line_start,
            line_end: fields.line_end,
            note: fields.note,
        })
    }
}

// ---------------------------------------------------------------------------------------------------
// Sources

/// A source with its text.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = sources)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct SourceTextRow {
    #[diesel(embed)]
    pub source: SourceSummary,
    pub body: String,
}

impl From<SourceTextRow> for Source {
    fn from(SourceTextRow { source, body }: SourceTextRow) -> Source {
        Source {
            id: source.id,
            file_name: source.file_name,
            title: source.title,
            publisher: source.publisher,
            kind: source.kind,
            // The column's check admits only voices; `other` is what an unreadable one would mean.
            voice: Voice::parse(&source.voice).unwrap_or(Voice::Other),
            language: source.language,
            // Stored dates were parsed on import; one that no longer parses is left out.
            published: source.published.and_then(|p| PartialDate::parse(&p).ok()),
            cycle: source.cycle,
            note: source.note,
            body,
        }
    }
}

/// The cycle a source feeds and whose voice it is.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = sources)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct SourceCycleRow {
    pub id: String,
    pub cycle_id: String,
    pub voice: String,
}

// ---------------------------------------------------------------------------------------------------
// Items and their mappings

/// An item's own columns, without its countries and mappings.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = evidence_items)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct ItemRow {
    pub id: String,
    pub source_id: String,
    pub line_start: i32,
    pub line_end: i32,
    pub kind: String,
    pub context: Option<String>,
    pub title: String,
    pub summary: Option<String>,
    pub quote: String,
    pub language: String,
    pub reporting_iso3: Option<String>,
    pub actor: Option<String>,
    pub actor_type: Option<String>,
    pub year: Option<i32>,
    pub date: Option<String>,
    pub status: Option<String>,
    /// JSON array of strings.
    pub figures: String,
    pub page_start: Option<i32>,
    pub page_end: Option<i32>,
}

/// Where an item quotes its source.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = evidence_items)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct ItemSpanRow {
    pub id: String,
    pub source_id: String,
    pub line_start: i32,
    pub line_end: i32,
    pub quote: String,
}

/// What the indicators need of an item.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = evidence_items)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct ItemFactRow {
    pub id: String,
    pub reporting_iso3: Option<String>,
    pub source_id: String,
    pub kind: String,
    /// JSON array of strings; none when it is `[]`, as nearly every item's is (so that a world's load
    /// does not copy 300,000 empty lists out of the store).
    #[diesel(select_expression = diesel::dsl::sql::<diesel::sql_types::Nullable<diesel::sql_types::Text>>(
        "NULLIF(evidence_items.figures, '[]')"
    ))]
    #[diesel(select_expression_type = diesel::expression::SqlLiteral<diesel::sql_types::Nullable<diesel::sql_types::Text>>)]
    pub figures: Option<String>,
}

/// An item's mapping to an objective, as the indicators count it.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = objective_mappings)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct ObjectiveBasisRow {
    pub item_id: String,
    pub objective: i32,
    pub basis: String,
}

/// An item's mapping to a principle, as the indicators count it.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = principle_mappings)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct PrincipleBasisRow {
    pub item_id: String,
    pub principle: String,
    pub basis: String,
}

// ---------------------------------------------------------------------------------------------------
// Tokens and the audit log

/// A live token's holder.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct TokenHolderRow {
    pub name: String,
    pub role: String,
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct AuditRow {
    pub id: i32,
    pub at: NaiveDateTime,
    pub actor: String,
    pub action: String,
    pub target: String,
    /// JSON.
    pub before_value: Option<String>,
    /// JSON.
    pub after_value: Option<String>,
}
