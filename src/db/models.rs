//! Trained mapping models in the store, the classifier of the current one, the store's labelled
//! passages (what training learns from), and re-classification of stored passages.
//!
//! A fresh store has no model row: the bundled lexicon is then the model ([`LEXICON`]). At most one row
//! is current. The classifier of the current model is compiled once per process and kept until the
//! current model changes: every use reads the current version (one indexed row), so a model trained or
//! rolled back by another process or instance is picked up at the next ingestion.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;

use super::schema::{
    documents, evidence_items, models, not_evidence_items, objective_mappings,
    rejected_suggestions, sources,
};
use super::{review, version, AnyConnection, DbError};
use crate::mapping::{Classifier, LabelledPassage, Language, Model, TrainOptions};

/// The name `gcm mapping use` and the listing give the bundled lexicon.
pub const LEXICON: &str = "lexicon";

/// A stored model as `gcm mapping models` lists it (without its weights and data).
#[derive(
    Debug, Clone, PartialEq, Serialize, serde::Deserialize, Queryable, Selectable, Insertable,
)]
#[diesel(table_name = models)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct ModelListing {
    pub version: String,
    pub created_at: NaiveDateTime,
    pub created_by: String,
    pub examples: i32,
    pub documents: i32,
    pub training_sha256: String,
    pub lexicon_version: String,
    pub top1: f64,
    pub top3: f64,
    pub is_current: bool,
}

/// A trained model to store.
#[derive(Debug, Clone)]
pub struct NewModel<'a> {
    pub model: &'a Model,
    /// The labelled passages it learned from.
    pub training_data: &'a [LabelledPassage],
    /// Its leave-one-document-out top-1 and top-3 rates.
    pub top1: f64,
    pub top3: f64,
    /// The whole evaluation, as the audit log and the row keep it.
    pub evaluation: &'a serde_json::Value,
}

/// Why a stored model cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ModelStoreError {
    #[error(transparent)]
    Database(#[from] DbError),
    #[error("stored model {version} cannot be used: {reason}; run `gcm mapping use {LEXICON}` or train again")]
    Unusable { version: String, reason: String },
    #[error("no model `{version}`; known: {}", known.join(", "))]
    Unknown { version: String, known: Vec<String> },
}

impl From<diesel::result::Error> for ModelStoreError {
    fn from(error: diesel::result::Error) -> ModelStoreError {
        ModelStoreError::Database(error.into())
    }
}

/// The stored models, newest first.
pub fn list(conn: &mut AnyConnection) -> Result<Vec<ModelListing>, DbError> {
    Ok(models::table
        .order((models::created_at.desc(), models::version.desc()))
        .select(ModelListing::as_select())
        .load(conn)?)
}

/// The current model's version; `None` when the bundled lexicon is the model.
pub fn current_version(conn: &mut AnyConnection) -> Result<Option<String>, DbError> {
    Ok(models::table
        .filter(models::is_current.eq(true))
        .select(models::version)
        .first::<String>(conn)
        .optional()?)
}

/// What the current model was trained on and with: its version, its training data and options.
/// `None` when the bundled lexicon is the model.
pub type CurrentTraining = (String, Vec<LabelledPassage>, TrainOptions);

pub fn current_training(
    conn: &mut AnyConnection,
) -> Result<Option<CurrentTraining>, ModelStoreError> {
    let row: Option<(String, String, String)> = models::table
        .filter(models::is_current.eq(true))
        .select((models::version, models::model, models::training_data))
        .first(conn)
        .optional()?;
    let Some((version, model, data)) = row else {
        return Ok(None);
    };
    let unusable = |reason: String| ModelStoreError::Unusable {
        version: version.clone(),
        reason,
    };
    let model = Model::from_json(&model).map_err(|e| unusable(e.to_string()))?;
    let data: Vec<LabelledPassage> = serde_json::from_str(&data)
        .map_err(|e| unusable(format!("its training data is not readable: {e}")))?;
    Ok(Some((version, data, model.options)))
}

/// The classifier of the current model: the bundled lexicon, or the current trained model compiled
/// with it. Compiled once per version and kept while that version stays current.
pub fn current_classifier(conn: &mut AnyConnection) -> Result<Arc<Classifier>, ModelStoreError> {
    static LEXICON_CLASSIFIER: OnceLock<Arc<Classifier>> = OnceLock::new();
    static COMPILED: Mutex<Option<(String, Arc<Classifier>)>> = Mutex::new(None);
    let Some(version) = current_version(conn)? else {
        return Ok(LEXICON_CLASSIFIER
            .get_or_init(|| Arc::new(Classifier::bundled().clone()))
            .clone());
    };
    // A poisoned lock only means another thread panicked while holding it; the cache is still valid.
    if let Some((cached, classifier)) = COMPILED.lock().unwrap_or_else(|e| e.into_inner()).as_ref()
    {
        if *cached == version {
            return Ok(classifier.clone());
        }
    }
    let json: String = models::table
        .find(&version)
        .select(models::model)
        .first(conn)?;
    let unusable = |reason: String| ModelStoreError::Unusable {
        version: version.clone(),
        reason,
    };
    let model = Model::from_json(&json).map_err(|e| unusable(e.to_string()))?;
    let classifier = Arc::new(Classifier::with_model(&model).map_err(|e| unusable(e.to_string()))?);
    *COMPILED.lock().unwrap_or_else(|e| e.into_inner()) = Some((version, classifier.clone()));
    Ok(classifier)
}

/// Stores a trained model and makes it current, with its audit-log row, in one transaction.
pub fn insert_current(
    conn: &mut AnyConnection,
    new: &NewModel<'_>,
    actor: &str,
) -> Result<(), DbError> {
    let now = Utc::now().naive_utc();
    super::write_transaction(conn, |conn| {
        let before = current_version(conn)?;
        diesel::update(models::table.filter(models::is_current.eq(true)))
            .set(models::is_current.eq(false))
            .execute(conn)?;
        let model = new.model;
        diesel::insert_into(models::table)
            .values((
                models::version.eq(&model.version),
                models::created_at.eq(now),
                models::created_by.eq(actor),
                models::examples.eq(model.examples as i32),
                models::documents.eq(model.documents as i32),
                models::training_sha256.eq(&model.training_hash),
                models::lexicon_version.eq(&model.lexicon_version),
                models::top1.eq(new.top1),
                models::top3.eq(new.top3),
                models::evaluation.eq(new.evaluation.to_string()),
                models::model.eq(model.to_json()),
                models::training_data
                    .eq(serde_json::to_string(new.training_data).unwrap_or_else(|_| "[]".into())),
                models::is_current.eq(true),
            ))
            .execute(conn)?;
        review::record(
            conn,
            actor,
            "model.train",
            &format!("model:{}", model.version),
            Some(&serde_json::json!({ "current": before.as_deref().unwrap_or(LEXICON) })),
            Some(&serde_json::json!({
                "current": model.version,
                "examples": model.examples,
                "documents": model.documents,
                "training_sha256": model.training_hash,
                "evaluation": new.evaluation,
            })),
        )?;
        Ok(())
    })
}

/// A stored model whole, as a backup carries it (`models/models.jsonl`, one row per line): its
/// listing and the three columns the listing leaves out, so that a restored store trains against and
/// rolls back to the same models.
#[derive(
    Debug, Clone, PartialEq, Serialize, serde::Deserialize, Queryable, Selectable, Insertable,
)]
#[diesel(table_name = models)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct StoredModel {
    #[diesel(embed)]
    #[serde(flatten)]
    pub listing: ModelListing,
    pub evaluation: String,
    pub model: String,
    pub training_data: String,
}

/// Every stored model, oldest first (the order a backup writes them in).
pub fn all_stored(conn: &mut AnyConnection) -> Result<Vec<StoredModel>, DbError> {
    Ok(models::table
        .order((models::created_at.asc(), models::version.asc()))
        .select(StoredModel::as_select())
        .load(conn)?)
}

/// Restores a backup's models in the caller's transaction: a version the store holds already is left
/// as it is (a version names one training), and the backup's current model becomes current only when
/// the store has none, so restoring never silently changes the model of a store in use. Returns how
/// many were added.
pub fn restore(conn: &mut AnyConnection, stored: &[StoredModel]) -> Result<usize, DbError> {
    let mut has_current = current_version(conn)?.is_some();
    let mut restored = 0;
    for model in stored {
        let present = models::table
            .find(&model.listing.version)
            .select(models::version)
            .first::<String>(conn)
            .optional()?;
        if present.is_some() {
            continue;
        }
        let mut row = model.clone();
        row.listing.is_current = model.listing.is_current && !has_current;
        has_current |= row.listing.is_current;
        diesel::insert_into(models::table)
            .values(&row)
            .execute(conn)?;
        restored += 1;
    }
    Ok(restored)
}

/// Makes `version` current (or the bundled lexicon, for [`LEXICON`]), with an audit-log row. Returns
/// the version current before.
pub fn use_version(
    conn: &mut AnyConnection,
    version: &str,
    actor: &str,
) -> Result<String, ModelStoreError> {
    super::write_transaction(conn, |conn| {
        let before = current_version(conn)?.unwrap_or_else(|| LEXICON.to_string());
        if version != LEXICON {
            let known: Vec<String> = models::table
                .order(models::created_at.desc())
                .select(models::version)
                .load(conn)?;
            if !known.iter().any(|v| v == version) {
                let mut names = vec![LEXICON.to_string()];
                names.extend(known);
                return Err(ModelStoreError::Unknown {
                    version: version.to_string(),
                    known: names,
                });
            }
        }
        if before == version {
            return Ok(before);
        }
        diesel::update(models::table.filter(models::is_current.eq(true)))
            .set(models::is_current.eq(false))
            .execute(conn)?;
        if version != LEXICON {
            diesel::update(models::table.find(version))
                .set(models::is_current.eq(true))
                .execute(conn)?;
        }
        review::record(
            conn,
            actor,
            "model.use",
            &format!("model:{version}"),
            Some(&serde_json::json!({ "current": before })),
            Some(&serde_json::json!({ "current": version })),
        )?;
        Ok(before)
    })
}

/// Records which model made the `auto` objective mappings of a source's items (call it in the
/// transaction that wrote them).
pub fn mark_suggestions(
    conn: &mut AnyConnection,
    source_id: &str,
    model_version: &str,
) -> QueryResult<usize> {
    diesel::update(
        objective_mappings::table
            .filter(objective_mappings::basis.eq(crate::evidence::Basis::Auto.as_str()))
            .filter(
                objective_mappings::item_id.eq_any(
                    evidence_items::table
                        .filter(evidence_items::source_id.eq(source_id))
                        .select(evidence_items::id),
                ),
            ),
    )
    .set(objective_mappings::model_version.eq(model_version))
    .execute(conn)
}

/// The model versions recorded on an item's objective mappings, by objective (`None` for a mapping
/// that is no suggestion, or was made before versions were recorded).
pub fn suggestion_versions(
    conn: &mut AnyConnection,
    item_id: &str,
) -> Result<BTreeMap<i32, Option<String>>, DbError> {
    Ok(objective_mappings::table
        .filter(objective_mappings::item_id.eq(item_id))
        .select((
            objective_mappings::objective,
            objective_mappings::model_version,
        ))
        .load::<(i32, Option<String>)>(conn)?
        .into_iter()
        .collect())
}

#[derive(Queryable)]
struct ItemRow {
    id: String,
    source_id: String,
    line_start: i32,
    line_end: i32,
    kind: String,
    language: String,
    summary: Option<String>,
}

/// The store's labelled passages, what `gcm mapping train` learns from:
/// - an annotated item (any kind but a report passage) with its objectives of every basis but `auto`
///   (the text: its source lines);
/// - a passage of an uploaded report that a reviewer decided on (the text: the passage as the
///   classifier read it): accepted or added objectives are positive, rejected suggestions negative (a
///   passage marked as not evidence has all its suggestions rejected, so it is a negative of each).
///
/// Passages nobody decided on are left out: an `auto` suggestion is the model's guess, not a label.
pub fn training_examples(conn: &mut AnyConnection) -> Result<Vec<LabelledPassage>, DbError> {
    let items: Vec<ItemRow> = evidence_items::table
        .order(evidence_items::id)
        .select((
            evidence_items::id,
            evidence_items::source_id,
            evidence_items::line_start,
            evidence_items::line_end,
            evidence_items::kind,
            evidence_items::language,
            evidence_items::summary,
        ))
        .load(conn)?;
    let mut positive: HashMap<String, (BTreeSet<u8>, Option<u8>)> = HashMap::new();
    let mappings: Vec<(String, i32, bool)> = objective_mappings::table
        .filter(objective_mappings::basis.ne(crate::evidence::Basis::Auto.as_str()))
        .select((
            objective_mappings::item_id,
            objective_mappings::objective,
            objective_mappings::is_primary,
        ))
        .load(conn)?;
    for (item, objective, primary) in mappings {
        let Ok(objective) = u8::try_from(objective) else {
            continue;
        };
        let entry = positive.entry(item).or_default();
        entry.0.insert(objective);
        if primary {
            entry.1 = Some(objective);
        }
    }
    let mut negative: HashMap<String, BTreeSet<u8>> = HashMap::new();
    let rejected: Vec<(String, Option<i32>)> = rejected_suggestions::table
        .filter(rejected_suggestions::objective.is_not_null())
        .select((
            rejected_suggestions::item_id,
            rejected_suggestions::objective,
        ))
        .load(conn)?;
    for (item, objective) in rejected {
        if let Some(objective) = objective.and_then(|n| u8::try_from(n).ok()) {
            negative.entry(item).or_default().insert(objective);
        }
    }
    // Source texts, only of the sources whose annotated items are read from their lines.
    let needed: BTreeSet<&str> = items
        .iter()
        .filter(|item| item.kind != "report_passage" && positive.contains_key(&item.id))
        .map(|item| item.source_id.as_str())
        .collect();
    let bodies: HashMap<String, String> = sources::table
        .filter(sources::id.eq_any(needed.iter().copied().collect::<Vec<_>>()))
        .select((sources::id, sources::body))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    let mut examples = Vec::new();
    for item in items {
        let (labels, primary) = positive.remove(&item.id).unwrap_or_default();
        let rejected = negative.remove(&item.id).unwrap_or_default();
        if labels.is_empty() && rejected.is_empty() {
            continue;
        }
        let text = match (item.kind.as_str(), item.summary) {
            ("report_passage", Some(summary)) => summary,
            _ => {
                let Some(body) = bodies.get(&item.source_id) else {
                    continue;
                };
                let lines = crate::evidence::source_lines(body);
                let start = (item.line_start.max(1) as usize).min(lines.len() + 1);
                let end = (item.line_end.max(0) as usize).min(lines.len());
                match lines.get(start - 1..end) {
                    Some(span) => span.join("\n"),
                    None => continue,
                }
            }
        };
        examples.push(LabelledPassage {
            document: item.source_id,
            language: item.language.parse().unwrap_or(Language::Und),
            text,
            positive: labels,
            negative: rejected,
            primary,
        });
    }
    Ok(examples)
}

/// One stored passage of an uploaded report, as re-classification reads it.
#[derive(Debug, Clone)]
pub struct StoredPassage {
    pub item_id: String,
    pub line_start: i32,
    pub line_end: i32,
    pub language: String,
    /// The passage's text as the classifier read it.
    pub text: Option<String>,
}

/// A source as re-classification reads it: its text and its passages in order.
#[derive(Debug, Clone)]
pub struct StoredReport {
    pub source_id: String,
    pub body: String,
    pub passages: Vec<StoredPassage>,
}

/// A suggestion the current model makes for a passage, best first.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggested {
    pub objective: i32,
    pub confidence: f64,
    pub rationale: String,
}

/// What re-classifying one source did to its objective suggestions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReclassifySummary {
    pub source: String,
    pub model_version: String,
    pub passages: usize,
    /// New suggestions.
    pub added: usize,
    /// Suggestions nobody decided on whose score, rank or rationale changed.
    pub updated: usize,
    /// Suggestions nobody decided on that the model no longer makes.
    pub removed: usize,
    /// Suggestions nobody decided on that stay as they were.
    pub kept: usize,
    /// Passages marked as not evidence, left alone.
    pub not_evidence: usize,
    /// Mappings a reviewer decided on (accepted or added), left alone.
    pub decided: usize,
    /// Suggestions the model makes again that a reviewer rejected, not brought back.
    pub still_rejected: usize,
}

/// The uploaded reports' sources, in order.
pub fn uploaded_sources(conn: &mut AnyConnection) -> Result<Vec<String>, DbError> {
    Ok(documents::table
        .order(documents::source_id)
        .select(documents::source_id)
        .load(conn)?)
}

#[derive(Queryable)]
struct MappingRow {
    id: i32,
    objective: i32,
    basis: String,
    confidence: f64,
    is_primary: bool,
    rationale: Option<String>,
    model_version: Option<String>,
}

/// Runs `suggest` over the stored passages of an uploaded report and brings its `auto` objective
/// suggestions up to date, in one transaction with its audit-log row: suggestions nobody decided on
/// are added, updated or removed; accepted, added and rejected mappings and passages marked as not
/// evidence are never touched, and a rejected objective is never suggested again. `suggest` gets the
/// report and gives, per passage (in order), the suggestions best first. `None` when `source_id` is not
/// an uploaded report.
pub fn reclassify_source(
    conn: &mut AnyConnection,
    source_id: &str,
    model_version: &str,
    suggest: &dyn Fn(&StoredReport) -> Vec<Vec<Suggested>>,
    actor: &str,
) -> Result<Option<ReclassifySummary>, DbError> {
    super::write_transaction(conn, |conn| {
        let uploaded: i64 = documents::table.find(source_id).count().get_result(conn)?;
        if uploaded == 0 {
            return Ok(None);
        }
        let body: String = sources::table
            .find(source_id)
            .select(sources::body)
            .first(conn)?;
        let passages: Vec<StoredPassage> = evidence_items::table
            .filter(evidence_items::source_id.eq(source_id))
            .filter(evidence_items::kind.eq("report_passage"))
            .order(evidence_items::id)
            .select((
                evidence_items::id,
                evidence_items::line_start,
                evidence_items::line_end,
                evidence_items::language,
                evidence_items::summary,
            ))
            .load::<(String, i32, i32, String, Option<String>)>(conn)?
            .into_iter()
            .map(
                |(item_id, line_start, line_end, language, text)| StoredPassage {
                    item_id,
                    line_start,
                    line_end,
                    language,
                    text,
                },
            )
            .collect();
        let report = StoredReport {
            source_id: source_id.to_string(),
            body,
            passages,
        };
        let suggestions = suggest(&report);
        let not_evidence: BTreeSet<String> = not_evidence_items::table
            .inner_join(evidence_items::table)
            .filter(evidence_items::source_id.eq(source_id))
            .select(not_evidence_items::item_id)
            .load::<String>(conn)?
            .into_iter()
            .collect();
        let now = Utc::now().naive_utc();
        let author = format!("gcm-classify/{model_version}");
        let mut summary = ReclassifySummary {
            source: source_id.to_string(),
            model_version: model_version.to_string(),
            passages: report.passages.len(),
            ..ReclassifySummary::default()
        };
        for (passage, suggested) in report.passages.iter().zip(suggestions) {
            if not_evidence.contains(&passage.item_id) {
                summary.not_evidence += 1;
                continue;
            }
            let rows: Vec<MappingRow> = objective_mappings::table
                .filter(objective_mappings::item_id.eq(&passage.item_id))
                .select((
                    objective_mappings::id,
                    objective_mappings::objective,
                    objective_mappings::basis,
                    objective_mappings::confidence,
                    objective_mappings::is_primary,
                    objective_mappings::rationale,
                    objective_mappings::model_version,
                ))
                .load(conn)?;
            let rejected: BTreeSet<i32> = rejected_suggestions::table
                .filter(rejected_suggestions::item_id.eq(&passage.item_id))
                .filter(rejected_suggestions::objective.is_not_null())
                .select(rejected_suggestions::objective)
                .load::<Option<i32>>(conn)?
                .into_iter()
                .flatten()
                .collect();
            let auto = crate::evidence::Basis::Auto.as_str();
            let decided: BTreeSet<i32> = rows
                .iter()
                .filter(|r| r.basis != auto)
                .map(|r| r.objective)
                .collect();
            summary.decided += decided.len();
            // A decided mapping that is primary stays the passage's primary; else the best suggestion
            // written is.
            let mut primary_taken = rows.iter().any(|r| r.basis != auto && r.is_primary);
            let mut wanted: Vec<(&Suggested, bool)> = Vec::new();
            for s in &suggested {
                if decided.contains(&s.objective) {
                    continue;
                }
                if rejected.contains(&s.objective) {
                    summary.still_rejected += 1;
                    continue;
                }
                wanted.push((s, !primary_taken));
                primary_taken = true;
            }
            let current: HashMap<i32, &MappingRow> = rows
                .iter()
                .filter(|r| r.basis == auto)
                .map(|r| (r.objective, r))
                .collect();
            for (s, primary) in &wanted {
                let confidence = s.confidence.clamp(0.0, 1.0);
                match current.get(&s.objective) {
                    Some(row)
                        if row.confidence == confidence
                            && row.is_primary == *primary
                            && row.rationale.as_deref() == Some(s.rationale.as_str())
                            && row.model_version.as_deref() == Some(model_version) =>
                    {
                        summary.kept += 1;
                    }
                    Some(row) => {
                        diesel::update(objective_mappings::table.find(row.id))
                            .set((
                                objective_mappings::confidence.eq(confidence),
                                objective_mappings::is_primary.eq(*primary),
                                objective_mappings::rationale.eq(&s.rationale),
                                objective_mappings::created_by.eq(&author),
                                objective_mappings::created_at.eq(now),
                                objective_mappings::model_version.eq(model_version),
                            ))
                            .execute(conn)?;
                        summary.updated += 1;
                    }
                    None => {
                        diesel::insert_into(objective_mappings::table)
                            .values((
                                objective_mappings::item_id.eq(&passage.item_id),
                                objective_mappings::objective.eq(s.objective),
                                objective_mappings::basis.eq(auto),
                                objective_mappings::confidence.eq(confidence),
                                objective_mappings::is_primary.eq(*primary),
                                objective_mappings::rationale.eq(&s.rationale),
                                objective_mappings::created_by.eq(&author),
                                objective_mappings::created_at.eq(now),
                                objective_mappings::model_version.eq(model_version),
                            ))
                            .execute(conn)?;
                        summary.added += 1;
                    }
                }
            }
            let still: BTreeSet<i32> = wanted.iter().map(|(s, _)| s.objective).collect();
            for row in current.values().filter(|r| !still.contains(&r.objective)) {
                diesel::delete(objective_mappings::table.find(row.id)).execute(conn)?;
                summary.removed += 1;
            }
        }
        let after = serde_json::to_value(&summary).ok();
        review::record(
            conn,
            actor,
            "source.reclassify",
            &format!("source:{source_id}"),
            None,
            after.as_ref(),
        )?;
        if summary.added + summary.updated + summary.removed > 0 {
            version::bump(conn)?;
        }
        Ok(Some(summary))
    })
}

impl From<ModelStoreError> for DbError {
    /// A stored model that cannot be used stops what needs it as a setup fault of the store.
    fn from(error: ModelStoreError) -> DbError {
        match error {
            ModelStoreError::Database(error) => error,
            other => DbError::Setup(other.to_string()),
        }
    }
}
