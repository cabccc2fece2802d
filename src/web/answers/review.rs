//! The answers of the writes: a stored document, a reviewer's decision, the audit log.

use serde::Serialize;
use utoipa::ToSchema;

use crate::db::review::{AuditEntry, Decision, MappingState};
use crate::ingestion::DocumentSummary;

/// A report stored: its source, its passages and the suggestions made for them.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentStoredAnswer {
    /// One evidence item per passage.
    pub items: usize,
    pub language: String,
    pub lexicon_version: String,
    pub passages: usize,
    /// Where the suggestions wait for a reviewer.
    pub review: String,
    pub source: String,
    pub suggestions: SuggestionCounts,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestionCounts {
    pub objectives: usize,
    pub principles: usize,
}

impl DocumentStoredAnswer {
    pub fn new(summary: &DocumentSummary) -> DocumentStoredAnswer {
        DocumentStoredAnswer {
            items: summary.passages,
            language: summary.language.clone(),
            lexicon_version: summary.lexicon_version.clone(),
            passages: summary.passages,
            review: format!("/api/v1/evidence?source={}&basis=auto", summary.source),
            source: summary.source.clone(),
            suggestions: SuggestionCounts {
                objectives: summary.objective_suggestions,
                principles: summary.principle_suggestions,
            },
        }
    }
}

/// A reviewer's decision on a mapping, with the mapping before and after.
#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionAnswer {
    /// accept or reject.
    pub decision: String,
    pub before: MappingAnswer,
    /// None once rejected.
    pub after: Option<MappingAnswer>,
    /// True when the mapping already was as decided: nothing was written.
    pub unchanged: bool,
}

/// A mapping of an item to an objective.
#[derive(Debug, Serialize, ToSchema)]
pub struct MappingAnswer {
    pub id: i32,
    pub item_id: String,
    pub objective: i32,
    pub basis: String,
    pub confidence: f64,
    pub primary: bool,
    pub rationale: Option<String>,
    pub created_by: String,
    pub created_at: chrono::NaiveDateTime,
}

impl MappingAnswer {
    fn new(m: &MappingState) -> MappingAnswer {
        MappingAnswer {
            id: m.id,
            item_id: m.item_id.clone(),
            objective: m.objective,
            basis: m.basis.clone(),
            confidence: m.confidence,
            primary: m.primary,
            rationale: m.rationale.clone(),
            created_by: m.created_by.clone(),
            created_at: m.created_at,
        }
    }
}

impl DecisionAnswer {
    pub fn new(decision: &Decision) -> DecisionAnswer {
        DecisionAnswer {
            decision: decision.decision.to_string(),
            before: MappingAnswer::new(&decision.before),
            after: decision.after.as_ref().map(MappingAnswer::new),
            unchanged: decision.unchanged,
        }
    }
}

/// The audit log, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditAnswer {
    pub entries: Vec<AuditEntryAnswer>,
}

/// One write: who made it, when, what it touched, and the values before and after.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryAnswer {
    pub action: String,
    pub actor: String,
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
    pub at: chrono::NaiveDateTime,
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    pub id: i32,
    pub target: String,
}

impl AuditAnswer {
    pub fn new(entries: &[AuditEntry]) -> AuditAnswer {
        AuditAnswer {
            entries: entries
                .iter()
                .map(|e| AuditEntryAnswer {
                    action: e.action.clone(),
                    actor: e.actor.clone(),
                    after: e.after.clone(),
                    at: e.at,
                    before: e.before.clone(),
                    id: e.id,
                    target: e.target.clone(),
                })
                .collect(),
        }
    }
}
