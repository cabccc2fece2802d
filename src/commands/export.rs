//! `gcm export KIND` (the same bytes as `/exports/KIND.csv` with the same options) and `gcm export --all
//! DIR` (the whole store as import files).

use anyhow::{bail, Context};

use crate::cli::ExportOptions;
use crate::config::Settings;
use crate::selection::evidence::{check_references, EvidenceParams};
use crate::selection::{ParamError, Selection, SelectionParams};
use crate::{db, exports, startup};

/// The tables `gcm export` writes: the indicator tables, the evidence, or the bundle of all.
const KINDS: [&str; 4] = ["indicators", "coverage-matrix", "evidence", "bundle"];

/// A bad option, named as the flag that carries it.
fn flag(error: ParamError) -> anyhow::Error {
    anyhow::anyhow!("--{error}")
}

pub fn export(settings: &Settings, options: ExportOptions) -> anyhow::Result<()> {
    if let Some(dir) = &options.all {
        return backup(settings, dir);
    }
    let kind = options.kind.as_deref().unwrap_or_default();
    let kind = kind.trim_end_matches(".csv").trim_end_matches(".zip");
    if !KINDS.contains(&kind) {
        bail!("unknown table `{kind}`; accepted: {}", KINDS.join(", "));
    }
    if options.country.is_some() && kind != "evidence" {
        bail!("--country applies to `evidence` only (use --group for the indicators)");
    }
    if kind == "evidence" {
        // The evidence table lists items; it has no group of countries nor grouping of objectives to
        // apply, and ignoring them would hand back a table that is not what was asked for.
        for (name, given) in [("group", &options.group), ("grouping", &options.grouping)] {
            if given.is_some() {
                bail!("--{name} applies to the indicator tables; `evidence` takes --country, --cycle and --basis");
            }
        }
    }
    let params = SelectionParams {
        group: options.group.clone(),
        cycle: options.cycle.clone(),
        basis: options.basis.clone(),
        grouping: options.grouping.clone(),
        lang: options.lang.clone(),
        ..Default::default()
    };
    let db = startup::prepare_database(settings)?;
    let mut conn = db.get()?;
    let (_, data) = db::indicators::load_versioned_dataset(&mut conn)?;
    let selection = Selection::resolve(&data, &params).map_err(flag)?;
    let csv = exports::CsvOptions::new(options.excel, selection.language);
    let now = chrono::Utc::now();
    let bytes = match kind {
        "evidence" => {
            let filter = EvidenceParams {
                country: options.country.clone(),
                cycle: options.cycle.clone(),
                basis: options.basis.clone(),
                ..Default::default()
            }
            .filter()
            .map_err(flag)?;
            let known = db::lookups::known_references(&mut conn, &filter)?;
            check_references(&filter, &known).map_err(flag)?;
            let items = db::items::all(&mut conn, &filter)?;
            exports::encode(&exports::evidence_table(&items), csv)
        }
        "bundle" => {
            let filter = exports::bundle_evidence_filter(&selection);
            let items = db::items::all(&mut conn, &filter)?;
            exports::bundle(&data, &selection, csv, &items, now, None)
                .map_err(|e| match e {
                    exports::BundleError::Param(e) => flag(e),
                    other => other.into(),
                })?
                .bytes
        }
        table => {
            let kind =
                exports::Kind::parse(table).with_context(|| format!("unknown table `{table}`"))?;
            exports::render(&data, &selection, csv, kind, now.date_naive())
                .map_err(flag)?
                .bytes
        }
    };
    super::write_out(options.out.as_deref(), &bytes)
}

/// `gcm export --all DIR`: the whole store as import files.
fn backup(settings: &Settings, dir: &std::path::Path) -> anyhow::Result<()> {
    let store = startup::prepare_schema(settings)?;
    let mut conn = store.get()?;
    let content = db::backup::store_content(&mut conn)?;
    let mut files = exports::backup::backup_files(&content).map_err(anyhow::Error::msg)?;
    // Editions travel as they are stored: their description and their compressed export, whose
    // SHA-256 the import checks.
    let editions = db::editions::all_stored(&mut conn)?;
    if !editions.is_empty() {
        let described: Vec<&db::editions::EditionInfo> = editions.iter().map(|e| &e.info).collect();
        files.push((
            "editions/editions.json".to_string(),
            serde_json::to_vec_pretty(&described)?,
        ));
        for edition in &editions {
            files.push((
                format!("editions/{}.jsonl.gz", edition.info.id),
                edition.gzip.clone(),
            ));
        }
    }
    // Models travel whole (weights, evaluation and training data), one JSON object a line, so that the
    // restored store compares its next training against the same current model.
    let stored_models = db::models::all_stored(&mut conn)?;
    if !stored_models.is_empty() {
        let mut lines = Vec::new();
        for model in &stored_models {
            serde_json::to_writer(&mut lines, model)?;
            lines.push(b'\n');
        }
        files.push(("models/models.jsonl".to_string(), lines));
    }
    for (path, bytes) in &files {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&target, bytes)
            .with_context(|| format!("cannot write {}", target.display()))?;
    }
    println!(
        "wrote {} cycles, {} sources, {} items, {} submissions and {} champions to {}",
        content.cycles.len(),
        content.sources.len(),
        content.items.len(),
        content.submissions.len(),
        content.champions.len(),
        dir.display()
    );
    if !stored_models.is_empty() {
        println!(
            "wrote {} model(s) to {}",
            stored_models.len(),
            dir.join("models").display()
        );
    }
    if !editions.is_empty() {
        println!(
            "wrote {} edition(s) to {}",
            editions.len(),
            dir.join("editions").display()
        );
    }
    Ok(())
}
