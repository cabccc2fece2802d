//! `gcm extract FILE`: what `gcm ingest` would read from a report, printed without a database.

use std::io::Write;

use anyhow::Context;
use serde::Serialize;

use crate::cli::ExtractOptions;
use crate::config::Settings;

/// One passage as printed: the passage's place in the stored text, its pages and its section.
#[derive(Serialize)]
struct PassageLine<'a> {
    id: String,
    line_start: usize,
    line_end: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    page_start: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    page_end: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    section: Option<&'a str>,
    text: &'a str,
}

pub fn extract(settings: &Settings, options: ExtractOptions) -> anyhow::Result<()> {
    let path = &options.file;
    let (bytes, format) = super::read_report(path, options.format)?;
    let report = crate::formats::extract(&bytes, format, &settings.limits.extract_limits())
        .with_context(|| format!("{}: cannot read this file as {format}", path.display()))?;
    // The same text rule as the store's, so what is printed is what `gcm ingest` would take.
    if let Some(refused) = crate::evidence::text::refused_in_text(&report.text) {
        anyhow::bail!("{}: {refused}", path.display());
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if options.text {
        out.write_all(report.text.as_bytes())?;
    } else {
        let passages = crate::formats::passages(&report);
        for (index, paged) in passages.iter().enumerate() {
            let line = PassageLine {
                id: format!("p{}", index + 1),
                line_start: paged.passage.line_start,
                line_end: paged.passage.line_end,
                page_start: paged.page_start,
                page_end: paged.page_end,
                section: paged.passage.section.as_deref(),
                text: &paged.passage.text,
            };
            serde_json::to_writer(&mut out, &line)?;
            out.write_all(b"\n")?;
        }
        let pages = report
            .pages
            .map(|p| format!(", {p} pages"))
            .unwrap_or_default();
        eprintln!(
            "{}: {format}{pages}, {} passages",
            path.display(),
            passages.len()
        );
    }
    for warning in &report.warnings {
        eprintln!("{}: note: {warning}", path.display());
    }
    out.flush()?;
    Ok(())
}
