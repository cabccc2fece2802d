//! `gcm ingest FILE`: a national report stored as passages with suggestions, as `POST
//! /api/v1/documents` does.

use crate::cli::IngestOptions;
use crate::config::Settings;
use crate::ingestion::{self, document::DocumentMeta, DocumentError};
use crate::startup;

pub fn ingest(settings: &Settings, options: IngestOptions) -> anyhow::Result<()> {
    let file = &options.file;
    let (bytes, format) = super::read_report(file, options.format)?;
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
        voice: options.voice,
        file_name: file_name(file),
    };
    let db = startup::prepare_schema(settings)?;
    let mut conn = db.get()?;
    let limits = settings.limits.extract_limits();
    let received = ingestion::Received {
        bytes: &bytes,
        format,
        limits: &limits,
    };
    match ingestion::ingest_document(&mut conn, &meta, &received, &super::local_actor()) {
        Ok(summary) => {
            println!(
                "stored {} ({format}) as source {} ({}): {} passages, {} objective and {} principle suggestions (by {})",
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
        Err(DocumentError::Unreadable(error)) => Err(anyhow::Error::new(error).context(format!(
            "{}: cannot read this file as {format}",
            file.display()
        ))),
        Err(error) => Err(error.into()),
    }
}
