//! `gcm ingest FILE`: a national report stored as passages with suggestions, as `POST
//! /api/v1/documents` does.

use anyhow::Context;

use crate::cli::IngestOptions;
use crate::config::Settings;
use crate::ingestion::{self, document::DocumentMeta, DocumentError};
use crate::startup;

pub fn ingest(settings: &Settings, options: IngestOptions) -> anyhow::Result<()> {
    let file = &options.file;
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let body = String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{}: the text is not UTF-8 (invalid bytes at offset {})",
            file.display(),
            e.utf8_error().valid_up_to()
        )
    })?;
    let file_name = |path: &std::path::Path| {
        path.file_name()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default()
    };
    let meta = DocumentMeta {
        country: options.country,
        cycle: options.cycle,
        language: options.language,
        title: options.title.unwrap_or_else(|| {
            file.file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_default()
        }),
        kind: options.kind,
        file_name: file_name(file),
    };
    let db = startup::prepare_schema(settings)?;
    let mut conn = db.get()?;
    match ingestion::ingest_document(&mut conn, &meta, &body, &super::local_actor()) {
        Ok(summary) => {
            println!(
                "stored {} as source {} ({}): {} passages, {} objective and {} principle suggestions (lexicon {})",
                file.display(),
                summary.source,
                summary.language,
                summary.passages,
                summary.objective_suggestions,
                summary.principle_suggestions,
                summary.lexicon_version
            );
            Ok(())
        }
        Err(DocumentError::Invalid(problems)) => Err(super::refused(&problems, "stored")),
        Err(error) => Err(error.into()),
    }
}
