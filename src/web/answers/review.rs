//! The answers of the writes: a stored document, a reviewer's decision, the audit log.

use serde::Serialize;
use utoipa::ToSchema;

use crate::db::review::AuditEntry;
use crate::ingestion::DocumentSummary;

/// A report stored: its source, its passages and the suggestions made for them.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentStoredAnswer {
    /// How the file was read: pdf, docx, odt, html, text or markdown.
    pub format: String,
    /// One evidence item per passage.
    pub items: usize,
    pub language: String,
    pub lexicon_version: String,
    /// Pages of a paged document (a PDF); null otherwise.
    pub pages: Option<usize>,
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
            format: summary.format.clone(),
            items: summary.passages,
            language: summary.language.clone(),
            lexicon_version: summary.lexicon_version.clone(),
            pages: summary.pages,
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

/// The audit log, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditAnswer {
    pub entries: Vec<AuditEntry>,
}
