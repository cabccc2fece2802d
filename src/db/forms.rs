//! What the service writes: `Insertable`/`AsChangeset` forms, one struct per kind of write. Every form
//! treats `None` as SQL NULL, so an update clears a field the new record leaves out instead of keeping
//! the stored value.
//!
//! The `*Fields` forms are the fields an import sets on a record kept by key. They are read back too
//! (`Queryable`, `Selectable`): an import compares what is stored with what it brings, and the same
//! struct on both sides is what makes the comparison cover exactly what is written.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{
    api_tokens, audit_log, champions, evidence_items, item_countries, objective_mappings,
    principle_mappings, review_cycles, sources, submissions,
};

/// A cycle as an import sets it; its id and position are the key and the store's own.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = review_cycles, treat_none_as_null = true)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct CycleFields {
    pub region: Option<String>,
    pub title_en: String,
    pub title_es: String,
    pub review_start: Option<String>,
    pub review_end: Option<String>,
    pub feeds_until: String,
    pub note: Option<String>,
}

/// What tells whether a source changed: its text's checksum and its record. What is computed from
/// them is written beside ([`SourceExtra`]) but not compared.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = sources, treat_none_as_null = true)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct SourceFields {
    pub checksum: String,
    pub file_name: String,
    pub title: String,
    pub publisher: String,
    pub kind: String,
    pub voice: String,
    pub language: String,
    pub published: Option<String>,
    pub cycle_id: String,
    pub note: Option<String>,
}

/// The rest of what an import writes of a source: its text, what follows from the text and the date,
/// and when.
#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = sources)]
pub struct SourceExtra<'a> {
    pub published_precision: &'a str,
    pub line_count: i32,
    pub body: &'a str,
    pub imported_at: NaiveDateTime,
}

/// A voluntary report as an import sets it; cycle, country and kind are the key.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = submissions, treat_none_as_null = true)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct SubmissionFields {
    pub source_id: Option<String>,
    pub line_start: Option<i32>,
    pub line_end: Option<i32>,
}

/// A champion's record as an import sets it; the country is the key.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = champions, treat_none_as_null = true)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct ChampionFields {
    pub since: Option<String>,
    pub as_of: String,
    pub source_id: Option<String>,
    pub line_start: Option<i32>,
    pub line_end: Option<i32>,
    pub note: Option<String>,
}

/// A new item as the import writes it in batches: its id and its own columns.
#[derive(Debug, Insertable)]
#[diesel(table_name = evidence_items)]
pub struct NewItem<'a> {
    pub id: &'a str,
    #[diesel(embed)]
    pub form: ItemForm<'a>,
}

/// An item's own columns as an import writes them; the id is the key.
#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = evidence_items, treat_none_as_null = true)]
pub struct ItemForm<'a> {
    pub source_id: &'a str,
    pub line_start: i32,
    pub line_end: i32,
    pub kind: &'a str,
    pub context: Option<&'a str>,
    pub title: &'a str,
    pub summary: Option<&'a str>,
    pub quote: &'a str,
    pub language: &'a str,
    pub reporting_iso3: Option<&'a str>,
    pub actor: Option<&'a str>,
    pub actor_type: Option<&'a str>,
    pub year: Option<i32>,
    pub date: Option<&'a str>,
    pub status: Option<&'a str>,
    /// JSON array of strings.
    pub figures: String,
    pub content_hash: &'a str,
    pub imported_at: NaiveDateTime,
    pub page_start: Option<i32>,
    pub page_end: Option<i32>,
}

// `treat_none_as_default_value = false`: an absent value is written as NULL (these columns' default)
// rather than as DEFAULT. SQLite takes no DEFAULT in a multi-row insert, so diesel writes a batch whose
// rows may hold one a statement a row; with it, the import's batches of mappings are real multi-row
// statements, and a column's `CHECK (basis IN (...))` is set up once a statement rather than once a
// row (580,000 objective mappings: 3.9 s -> 2.7 s). Items keep the statement a row: diesel reuses
// that one prepared statement, and a multi-row statement of 21 columns compiled anew each time costs
// more than it saves.
#[derive(Debug, Insertable)]
#[diesel(table_name = item_countries, treat_none_as_default_value = false)]
pub struct NewItemCountry<'a> {
    pub item_id: &'a str,
    pub iso3: &'a str,
    pub role: &'a str,
    pub detail: Option<&'a str>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = objective_mappings, treat_none_as_default_value = false)]
pub struct NewObjectiveMapping<'a> {
    pub item_id: &'a str,
    pub objective: i32,
    pub basis: &'a str,
    pub confidence: f64,
    pub is_primary: bool,
    pub rationale: Option<&'a str>,
    pub created_by: &'a str,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = principle_mappings)]
pub struct NewPrincipleMapping<'a> {
    pub item_id: &'a str,
    pub principle: &'a str,
    pub basis: &'a str,
    pub confidence: f64,
    pub created_by: &'a str,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = audit_log)]
pub struct NewAuditEntry<'a> {
    pub at: NaiveDateTime,
    pub actor: &'a str,
    pub action: &'a str,
    pub target: &'a str,
    /// JSON.
    pub before_value: Option<String>,
    /// JSON.
    pub after_value: Option<String>,
}

/// A token as stored: its hash, never its secret.
#[derive(Debug, Insertable)]
#[diesel(table_name = api_tokens)]
pub struct NewToken<'a> {
    pub name: &'a str,
    pub role: &'a str,
    pub token_hash: &'a str,
    pub created_at: NaiveDateTime,
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::sqlite::Sqlite;

    fn objective(item_id: &str, objective: i32) -> NewObjectiveMapping<'_> {
        NewObjectiveMapping {
            item_id,
            objective,
            basis: "cited",
            confidence: 1.0,
            is_primary: true,
            rationale: None,
            created_by: "import",
            created_at: NaiveDateTime::default(),
        }
    }

    /// How diesel writes a batch on SQLite: a row that may hold DEFAULT makes it one INSERT a row in a
    /// transaction of its own (`BEGIN`, an INSERT per row, `COMMIT`); the import's mapping and country
    /// rows must be one multi-row INSERT, since their CHECKs cost once a statement.
    #[test]
    fn mapping_and_country_batches_are_one_multi_row_insert_on_sqlite() {
        let mappings = [objective("a", 4), objective("b", 13)];
        let sql = diesel::debug_query::<Sqlite, _>(
            &diesel::insert_into(objective_mappings::table).values(&mappings[..]),
        )
        .to_string();
        assert_eq!(sql.matches("INSERT").count(), 1, "{sql}");
        assert!(!sql.contains("BEGIN"), "{sql}");
        // Two rows of eight values: the rationale of each is bound as NULL, not written as DEFAULT.
        assert_eq!(sql.matches('?').count(), 16, "{sql}");
        assert!(!sql.contains("DEFAULT"), "{sql}");

        let countries = [
            NewItemCountry {
                item_id: "a",
                iso3: "MEX",
                role: "reporting",
                detail: None,
            },
            NewItemCountry {
                item_id: "b",
                iso3: "CHL",
                role: "subject",
                detail: Some("a pilot"),
            },
        ];
        let sql = diesel::debug_query::<Sqlite, _>(
            &diesel::insert_into(item_countries::table).values(&countries[..]),
        )
        .to_string();
        assert_eq!(sql.matches("INSERT").count(), 1, "{sql}");
        assert_eq!(sql.matches('?').count(), 8, "{sql}");
    }
}
