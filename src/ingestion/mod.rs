//! Ingestion of evidence files: reading the files of an import (from disk or bundled in the binary),
//! parsing them with line numbers, and validating every record before anything is written.
//!
//! `read` does the I/O; `parse` and `validate` are pure, so every rule is unit-tested on plain data.

pub mod document;
mod parse;
mod read;
mod validate;

use std::fmt;

pub use parse::parse;
pub use read::{bundled_fixtures, read_paths};
pub use validate::validate;

use crate::evidence::batch::Origin;

/// What a file of an import holds, told by its name (see docs/DATA.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Cycles,
    Sources,
    /// The text of a source document, under a `sources/` folder.
    SourceText,
    Items,
    Submissions,
    Champions,
    /// `editions/editions.json`: the editions of a backup, described (docs/EDITIONS.md).
    EditionList,
    /// `editions/<id>.jsonl.gz`: an edition's compressed canonical export.
    EditionExport,
    /// `models/models.jsonl`: a backup's trained mapping models, one per line (docs/DATA.md).
    Models,
}

impl FileKind {
    /// Classifies a file by its name and folder; `None` for a file an import does not take.
    pub fn of(path: &str) -> Option<FileKind> {
        let normalised = path.replace('\\', "/");
        let name = normalised.rsplit('/').next().unwrap_or(&normalised);
        let in_sources_folder = normalised
            .rsplit('/')
            .nth(1)
            .is_some_and(|folder| folder == "sources");
        if in_sources_folder {
            return Some(FileKind::SourceText);
        }
        let in_editions_folder = normalised
            .rsplit('/')
            .nth(1)
            .is_some_and(|folder| folder == "editions");
        if in_editions_folder {
            return match name {
                "editions.json" => Some(FileKind::EditionList),
                _ if name.ends_with(".jsonl.gz") => Some(FileKind::EditionExport),
                _ => None,
            };
        }
        let in_models_folder = normalised
            .rsplit('/')
            .nth(1)
            .is_some_and(|folder| folder == "models");
        if in_models_folder {
            return (name == "models.jsonl").then_some(FileKind::Models);
        }
        match name {
            "cycles.csv" => Some(FileKind::Cycles),
            "sources.csv" => Some(FileKind::Sources),
            "submissions.csv" => Some(FileKind::Submissions),
            "champions.csv" => Some(FileKind::Champions),
            _ if name.ends_with(".jsonl") => Some(FileKind::Items),
            _ => None,
        }
    }
}

/// One file of an import: its name as shown in messages, what it holds, and its bytes.
#[derive(Debug, Clone)]
pub struct InputFile {
    pub name: String,
    pub kind: FileKind,
    pub bytes: Vec<u8>,
}

/// A problem found in an import, shown as `file:line: field: why`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    pub file: String,
    pub line: Option<usize>,
    pub field: String,
    pub message: String,
}

impl Problem {
    pub fn new(
        file: &str,
        line: Option<usize>,
        field: &str,
        message: impl Into<String>,
    ) -> Problem {
        Problem {
            file: file.to_string(),
            line,
            field: field.to_string(),
            message: message.into(),
        }
    }
}

/// A problem with a field of the record read at an origin: `origin.problem("title", "missing")`. A
/// trait, because the origin is a plain record of `evidence::batch` and problems are ingestion's.
pub trait ProblemAt {
    fn problem(&self, field: &str, message: impl Into<String>) -> Problem;
}

impl ProblemAt for Origin {
    fn problem(&self, field: &str, message: impl Into<String>) -> Problem {
        Problem::new(&self.file, Some(self.line), field, message)
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(
                f,
                "{}:{}: {}: {}",
                self.file, line, self.field, self.message
            ),
            None => write!(f, "{}: {}: {}", self.file, self.field, self.message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_classified_by_name_and_folder() {
        assert_eq!(FileKind::of("fixtures/items.jsonl"), Some(FileKind::Items));
        assert_eq!(FileKind::of("next/2029-mex.jsonl"), Some(FileKind::Items));
        assert_eq!(
            FileKind::of("fixtures/sources.csv"),
            Some(FileKind::Sources)
        );
        assert_eq!(
            FileKind::of("fixtures/sources/001_0c5e.txt"),
            Some(FileKind::SourceText)
        );
        assert_eq!(FileKind::of("fixtures/cycles.csv"), Some(FileKind::Cycles));
        assert_eq!(FileKind::of("notes.docx"), None);
    }

    #[test]
    fn problems_read_file_line_field_why() {
        let problem = Problem::new("items.jsonl", Some(12), "objective", "24 is outside 1-23");
        assert_eq!(
            problem.to_string(),
            "items.jsonl:12: objective: 24 is outside 1-23"
        );
    }
}

/// Why an import was refused.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The files have problems; nothing was written.
    #[error("{} problem(s) found; nothing was imported", .0.len())]
    Invalid(Vec<Problem>),
    #[error(transparent)]
    Database(#[from] crate::db::DbError),
}

/// Validates the files against the database and writes them in one transaction, or writes nothing.
pub fn import(
    conn: &mut crate::db::AnyConnection,
    files: &[InputFile],
    progress: &dyn Fn(usize, usize),
) -> Result<crate::db::import::ImportSummary, ImportError> {
    import_as(conn, files, "import", progress)
}

/// [`import`], recorded in the audit log as done by `actor` (with the files and what they changed), in
/// the same transaction as the import itself.
pub fn import_as(
    conn: &mut crate::db::AnyConnection,
    files: &[InputFile],
    actor: &str,
    progress: &dyn Fn(usize, usize),
) -> Result<crate::db::import::ImportSummary, ImportError> {
    let (batch, mut problems) = parse(files);
    let (editions, edition_problems) = read_editions(files);
    problems.extend(edition_problems);
    let (stored_models, model_problems) = read_models(files);
    problems.extend(model_problems);
    if batch.is_empty() && editions.is_empty() && stored_models.is_empty() && problems.is_empty() {
        problems.push(Problem::new(
            "import",
            None,
            "files",
            "nothing to import: no cycles, sources, items, submissions or champions were found",
        ));
    }
    let reimported: Vec<String> = batch.sources.iter().map(|(_, s)| s.id.clone()).collect();
    let context = crate::db::import::validation_context(conn, &reimported)?;
    problems.extend(validate(&batch, &context));
    if !problems.is_empty() {
        problems.sort();
        problems.dedup();
        return Err(ImportError::Invalid(problems));
    }
    let total = batch.items.len();
    let done = std::cell::Cell::new(0);
    let summary = crate::db::write_transaction(conn, |conn| {
        let summary = crate::db::import::apply_batch(conn, &batch, &|| {
            done.set(done.get() + 1);
            progress(done.get(), total);
        })?;
        crate::db::editions::restore(conn, &editions)?;
        crate::db::models::restore(conn, &stored_models)?;
        let after = serde_json::json!({
            "files": files.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(),
            "summary": summary,
        });
        crate::db::review::record(conn, actor, "import", "store", None, Some(&after))?;
        Ok::<_, crate::db::DbError>(summary)
    })?;
    Ok(summary)
}

/// The editions of a backup: `editions/editions.json` describes them, `editions/<id>.jsonl.gz` holds
/// each one's export, whose SHA-256 must be the one described (a damaged or edited export is refused).
fn read_editions(files: &[InputFile]) -> (Vec<crate::db::editions::StoredEdition>, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut editions = Vec::new();
    let file_name = |f: &InputFile| {
        f.name
            .replace('\\', "/")
            .rsplit('/')
            .next()
            .map(str::to_string)
    };
    for list in files.iter().filter(|f| f.kind == FileKind::EditionList) {
        let described: Vec<crate::db::editions::EditionInfo> =
            match serde_json::from_slice(&list.bytes) {
                Ok(described) => described,
                Err(error) => {
                    problems.push(Problem::new(
                        &list.name,
                        Some(error.line()),
                        "editions",
                        format!("not a list of editions: {error}"),
                    ));
                    continue;
                }
            };
        for info in described {
            let wanted = format!("{}.jsonl.gz", info.id);
            let export = files.iter().find(|f| {
                f.kind == FileKind::EditionExport && file_name(f).as_deref() == Some(&wanted)
            });
            let Some(export) = export else {
                problems.push(Problem::new(
                    &list.name,
                    None,
                    "id",
                    format!("edition `{}` has no export editions/{wanted}", info.id),
                ));
                continue;
            };
            if let Err(why) = crate::db::editions::verify(&export.bytes, &info.export_sha256) {
                problems.push(Problem::new(&export.name, None, "export", why));
                continue;
            }
            editions.push(crate::db::editions::StoredEdition {
                info,
                gzip: export.bytes.clone(),
            });
        }
    }
    (editions, problems)
}

/// The models of a backup, each line checked: a whole row, a model that validates (its own checksum
/// and weights), readable training data, and at most one current model.
fn read_models(files: &[InputFile]) -> (Vec<crate::db::models::StoredModel>, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut stored = Vec::new();
    for file in files.iter().filter(|f| f.kind == FileKind::Models) {
        let Ok(text) = std::str::from_utf8(&file.bytes) else {
            problems.push(Problem::new(&file.name, None, "models", "not UTF-8 text"));
            continue;
        };
        let mut current_line: Option<usize> = None;
        for (index, line) in text.lines().enumerate() {
            let line_number = index + 1;
            if line.trim().is_empty() {
                continue;
            }
            let mut problem = |field: &str, why: String| {
                problems.push(Problem::new(&file.name, Some(line_number), field, why))
            };
            let row: crate::db::models::StoredModel = match serde_json::from_str(line) {
                Ok(row) => row,
                Err(error) => {
                    problem("model", format!("not a stored model: {error}"));
                    continue;
                }
            };
            match crate::mapping::Model::from_json(&row.model) {
                Ok(model) if model.version != row.listing.version => problem(
                    "model",
                    format!(
                        "the weights are of {}, the row says {}",
                        model.version, row.listing.version
                    ),
                ),
                Ok(_) => {}
                Err(error) => problem("model", error.reason),
            }
            if let Err(error) =
                serde_json::from_str::<Vec<crate::mapping::LabelledPassage>>(&row.training_data)
            {
                problem(
                    "training_data",
                    format!("not a list of labelled passages: {error}"),
                );
            }
            if row.listing.is_current {
                if let Some(first) = current_line {
                    problem(
                        "is_current",
                        format!("a second current model (line {first} is current already)"),
                    );
                }
                current_line.get_or_insert(line_number);
            }
            stored.push(row);
        }
    }
    (stored, problems)
}

/// What storing a document did.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DocumentSummary {
    pub source: String,
    /// How the file was read (pdf, docx, odt, html, text, markdown).
    pub format: String,
    /// Pages of a paged document.
    pub pages: Option<usize>,
    pub language: String,
    pub passages: usize,
    pub objective_suggestions: usize,
    pub principle_suggestions: usize,
    pub lexicon_version: String,
}

/// Why a document was not stored.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error("{} problem(s) found; nothing was stored", .0.len())]
    Invalid(Vec<Problem>),
    #[error("this document is already stored as source `{0}`")]
    Duplicate(String),
    /// The file cannot be read as the format it was declared or found to be (a scan, a password, a
    /// damaged file, a zip bomb, too many pages).
    #[error(transparent)]
    Unreadable(#[from] crate::formats::FormatError),
    #[error(transparent)]
    Database(#[from] crate::db::DbError),
}

/// Reads (as `format`), segments, classifies and stores a national report as a source with one
/// `report_passage` item per passage and `auto` suggestions, in one transaction with its audit-log row:
/// all of it or nothing.
pub fn ingest_document(
    conn: &mut crate::db::AnyConnection,
    meta: &document::DocumentMeta,
    received: &Received<'_>,
    actor: &str,
) -> Result<DocumentSummary, DocumentError> {
    let classifier =
        crate::db::models::current_classifier(conn).map_err(crate::db::DbError::from)?;
    let plan = plan_document(meta, received, &classifier)?;
    store_document(conn, &plan, actor)
}

/// A report as it arrived: its bytes, the format they are read as, and the bounds on reading them.
#[derive(Debug, Clone)]
pub struct Received<'a> {
    pub bytes: &'a [u8],
    pub format: crate::formats::Format,
    pub limits: &'a crate::formats::ExtractLimits,
}

/// The CPU part of an ingestion, with no database: reading the file, segmenting and classifying (the
/// HTTP handler runs it on the blocking pool before it takes a connection, so a large report holds
/// neither a worker nor a connection).
pub fn plan_document(
    meta: &document::DocumentMeta,
    received: &Received<'_>,
    classifier: &crate::mapping::Classifier,
) -> Result<document::DocumentPlan, DocumentError> {
    let report = crate::formats::extract(received.bytes, received.format, received.limits)?;
    document::plan_document(
        meta,
        received.bytes,
        &report,
        classifier,
        chrono::Utc::now().date_naive(),
    )
    .map_err(DocumentError::Invalid)
}

/// Writes a planned document: checked against the store and written in one transaction.
pub fn store_document(
    conn: &mut crate::db::AnyConnection,
    plan: &document::DocumentPlan,
    actor: &str,
) -> Result<DocumentSummary, DocumentError> {
    let summary = DocumentSummary {
        source: plan.source_id.clone(),
        format: plan.format.clone(),
        pages: plan.pages,
        language: plan.language.clone(),
        passages: plan.passages,
        objective_suggestions: plan.objective_suggestions,
        principle_suggestions: plan.principle_suggestions,
        lexicon_version: plan.lexicon_version.clone(),
    };
    let author = format!("gcm-classify/{}", plan.lexicon_version);
    let outcome = crate::db::write_transaction(conn, |conn| {
        // First, so that a concurrent upload of the same bytes fails on the unique content hash (on
        // PostgreSQL it waits for this transaction, then fails) instead of passing a check as well.
        crate::db::documents::insert(
            conn,
            &crate::db::documents::NewDocument {
                source_id: &plan.source_id,
                content_sha256: &plan.content_sha256,
                format: &plan.format,
                byte_count: plan.byte_count as i64,
                pages: plan.pages.map(|p| p as i32),
                uploaded_by: actor,
                uploaded_at: chrono::Utc::now().naive_utc(),
            },
        )?;
        // A source of this id imported as files (not uploaded) would otherwise be overwritten.
        if crate::db::sources::exists(conn, &plan.source_id)? {
            return Err(StoreError::Refused(DocumentError::Duplicate(
                plan.source_id.clone(),
            )));
        }
        let context = crate::db::import::validation_context(conn, &[])?;
        let mut problems = validate(&plan.batch, &context);
        if !problems.is_empty() {
            problems.sort();
            problems.dedup();
            return Err(StoreError::Refused(DocumentError::Invalid(problems)));
        }
        crate::db::import::apply_batch_as(conn, &plan.batch, &author, &|| {})?;
        // Every suggestion records the model (or lexicon) version that made it.
        crate::db::models::mark_suggestions(conn, &plan.source_id, &plan.lexicon_version)?;
        let after = serde_json::to_value(&summary).ok();
        crate::db::review::record(
            conn,
            actor,
            "document.ingest",
            &format!("source:{}", plan.source_id),
            None,
            after.as_ref(),
        )?;
        Ok(())
    });
    match outcome {
        Ok(()) => Ok(summary),
        // A refusal is an error inside the transaction, so the document's row is rolled back with the
        // rest: nothing of a refused document stays.
        Err(StoreError::Refused(refused)) => Err(refused),
        Err(StoreError::Database(crate::db::DbError::Query(
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            ),
        ))) => {
            let stored = crate::db::documents::source_with_checksum(conn, &plan.content_sha256)?;
            Err(DocumentError::Duplicate(
                stored.unwrap_or_else(|| plan.source_id.clone()),
            ))
        }
        Err(StoreError::Database(error)) => Err(error.into()),
    }
}

/// Why the transaction that stores a document ended without committing.
enum StoreError {
    Refused(DocumentError),
    Database(crate::db::DbError),
}

impl From<crate::db::DbError> for StoreError {
    fn from(error: crate::db::DbError) -> StoreError {
        StoreError::Database(error)
    }
}

impl From<diesel::result::Error> for StoreError {
    fn from(error: diesel::result::Error) -> StoreError {
        StoreError::Database(error.into())
    }
}

/// The current model's suggestions for the stored passages of a report, as
/// [`crate::db::models::reclassify_source`] asks for them: the report's text cut into passages again
/// (so each passage is read under its headings, as at ingestion), matched to the stored passages by
/// their line spans; a stored passage whose span is no longer found is read alone.
pub fn suggest_for_report(
    report: &crate::db::models::StoredReport,
    classifier: &crate::mapping::Classifier,
) -> Vec<Vec<crate::db::models::Suggested>> {
    let extracted = crate::formats::Extracted {
        text: report.body.clone(),
        pages: None,
        format: crate::formats::Format::Text,
        warnings: Vec::new(),
    };
    let by_span: std::collections::HashMap<(usize, usize), crate::mapping::Passage> =
        crate::formats::passages(&extracted)
            .into_iter()
            .map(|paged| {
                let passage = paged.passage;
                ((passage.line_start, passage.line_end), passage)
            })
            .collect();
    report
        .passages
        .iter()
        .map(|stored| {
            let language = stored.language.parse().ok();
            let span = (stored.line_start as usize, stored.line_end as usize);
            let classification = match (by_span.get(&span), &stored.text) {
                (Some(passage), _) => classifier.classify_passage(passage, language),
                (None, Some(text)) => classifier.classify(text, language),
                (None, None) => return Vec::new(),
            };
            classification
                .objectives
                .iter()
                .map(|s| crate::db::models::Suggested {
                    objective: i32::from(s.objective),
                    confidence: s.score,
                    rationale: s.rationale(classifier),
                })
                .collect()
        })
        .collect()
}
