//! The whole store as import files (`gcm export --all DIR`): cycles.csv, sources.csv with a sources/
//! folder of texts, items.jsonl, submissions.csv and champions.csv, in the formats of docs/DATA.md, so
//! that `gcm import DIR` into an empty database gives the same store back and the same indicators.
//! Pure: records in, file names and bytes out.
//!
//! What does not travel: mapping authors and dates (an import attributes its mappings to `import`; the
//! basis, confidence, rationale and primary flag do travel, so a `reviewed` mapping stays `reviewed`),
//! which model made each suggestion, the audit log and the API tokens. Editions (`editions/`) and trained
//! models (`models/models.jsonl`) travel beside these files, as they are stored (`commands::export`).

use std::collections::BTreeMap;

use crate::db::backup::StoreContent;

/// The files of a backup: relative path and content.
pub fn backup_files(content: &StoreContent) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut files = Vec::new();
    files.push(("cycles.csv".to_string(), cycles_csv(&content.cycles)?));
    // A text keeps its file name unless two sources share it (uploads are all `upload.md`).
    let mut uses: BTreeMap<&str, usize> = BTreeMap::new();
    for source in &content.sources {
        *uses.entry(source.file_name.as_str()).or_default() += 1;
    }
    let file_of = |id: &str, name: &str| {
        if uses.get(name).copied().unwrap_or(0) > 1 || name.is_empty() {
            format!("{id}-{}", if name.is_empty() { "text.txt" } else { name })
        } else {
            name.to_string()
        }
    };
    let mut sources = csv::Writer::from_writer(Vec::new());
    let error = |e: csv::Error| e.to_string();
    sources
        .write_record([
            "id",
            "file",
            "title",
            "publisher",
            "kind",
            "voice",
            "language",
            "published",
            "cycle",
            "note",
        ])
        .map_err(error)?;
    for s in &content.sources {
        let file = file_of(&s.id, &s.file_name);
        sources
            .write_record([
                s.id.as_str(),
                &file,
                &s.title,
                &s.publisher,
                &s.kind,
                s.voice.as_str(),
                &s.language,
                &s.published.map(|d| d.to_string()).unwrap_or_default(),
                &s.cycle,
                s.note.as_deref().unwrap_or(""),
            ])
            .map_err(error)?;
        files.push((format!("sources/{file}"), s.body.as_bytes().to_vec()));
    }
    files.push((
        "sources.csv".to_string(),
        sources.into_inner().map_err(|e| e.to_string())?,
    ));
    let mut items = Vec::new();
    for item in &content.items {
        let record = serde_json::json!({
            "id": item.id,
            "source": item.source.id,
            "line_start": item.line_start,
            "line_end": item.line_end,
            "page_start": item.page_start,
            "page_end": item.page_end,
            "kind": item.kind,
            "context": item.context,
            "title": item.title,
            "summary": item.summary,
            "quote": item.quote,
            "language": item.language,
            "reporting_iso3": item.reporting_country.as_ref().map(|c| c.iso3.clone()),
            "countries": item.countries.iter().map(|c| serde_json::json!({
                "iso3": c.iso3, "role": c.role, "detail": c.detail,
            })).collect::<Vec<_>>(),
            "actor": item.actor,
            "actor_type": item.actor_type,
            "year": item.year,
            "date": item.date,
            "status": item.status,
            "figures": item.figures,
            "objectives": item.objectives.iter().map(|m| serde_json::json!({
                "objective": m.objective,
                "basis": m.basis,
                "confidence": m.confidence,
                "primary": m.primary,
                "why": m.rationale,
            })).collect::<Vec<_>>(),
            "principles": item.principles.iter().map(|p| serde_json::json!({
                "principle": p.principle, "basis": p.basis, "confidence": p.confidence,
            })).collect::<Vec<_>>(),
        });
        items.extend_from_slice(record.to_string().as_bytes());
        items.push(b'\n');
    }
    files.push(("items.jsonl".to_string(), items));
    let mut submissions = csv::Writer::from_writer(Vec::new());
    submissions
        .write_record(["cycle", "iso3", "kind", "source", "line_start", "line_end"])
        .map_err(error)?;
    let number = |n: Option<i32>| n.map(|n| n.to_string()).unwrap_or_default();
    for s in &content.submissions {
        submissions
            .write_record([
                s.cycle.as_str(),
                &s.iso3,
                &s.kind,
                s.source.as_deref().unwrap_or(""),
                &number(s.line_start),
                &number(s.line_end),
            ])
            .map_err(error)?;
    }
    files.push((
        "submissions.csv".to_string(),
        submissions.into_inner().map_err(|e| e.to_string())?,
    ));
    let mut champions = csv::Writer::from_writer(Vec::new());
    champions
        .write_record([
            "iso3",
            "since",
            "as_of",
            "source",
            "line_start",
            "line_end",
            "note",
        ])
        .map_err(error)?;
    for c in &content.champions {
        champions
            .write_record([
                c.iso3.as_str(),
                &c.since.map(|d| d.to_string()).unwrap_or_default(),
                &c.as_of.to_string(),
                c.source.as_deref().unwrap_or(""),
                &number(c.line_start),
                &number(c.line_end),
                c.note.as_deref().unwrap_or(""),
            ])
            .map_err(error)?;
    }
    files.push((
        "champions.csv".to_string(),
        champions.into_inner().map_err(|e| e.to_string())?,
    ));
    Ok(files)
}

/// cycles.csv (docs/DATA.md); `gcm synth` writes its cycles with it too.
pub fn cycles_csv(cycles_list: &[crate::evidence::Cycle]) -> Result<Vec<u8>, String> {
    let mut cycles = csv::Writer::from_writer(Vec::new());
    cycles
        .write_record([
            "id",
            "region",
            "title_en",
            "title_es",
            "review_start",
            "review_end",
            "feeds_until",
            "note",
        ])
        .map_err(|e| e.to_string())?;
    for c in cycles_list {
        cycles
            .write_record([
                c.id.as_str(),
                c.region.as_deref().unwrap_or(""),
                &c.title_en,
                &c.title_es,
                c.review_start.as_deref().unwrap_or(""),
                c.review_end.as_deref().unwrap_or(""),
                &c.feeds_until,
                c.note.as_deref().unwrap_or(""),
            ])
            .map_err(|e| e.to_string())?;
    }
    cycles.into_inner().map_err(|e| e.to_string())
}
