//! `gcm mapping train|models|use` and `gcm reclassify`: the store's mapping models, and re-running the
//! current one over stored passages.

use anyhow::{bail, Context};

use crate::cli::MappingAction;
use crate::config::Settings;
use crate::db::models::{self, NewModel, LEXICON};
use crate::mapping::{self, evaluate::Figures, Report, TrainOptions, Verdict, DEFAULT_THRESHOLD};
use crate::startup;

pub fn mapping(settings: &Settings, action: MappingAction) -> anyhow::Result<()> {
    let db = startup::prepare_schema(settings)?;
    let mut conn = db.get()?;
    match action {
        MappingAction::Train { force } => train(&mut conn, force),
        MappingAction::Models => list(&mut conn),
        MappingAction::Use { model: version } => {
            let before = models::use_version(&mut conn, &version, &super::local_actor())?;
            if before == version {
                println!("{version} is already the current model");
            } else {
                println!("the current model is now {version} (was {before})");
            }
            Ok(())
        }
    }
}

fn train(conn: &mut crate::db::AnyConnection, force: bool) -> anyhow::Result<()> {
    let examples = models::training_examples(conn)?;
    if examples.is_empty() {
        bail!(
            "the store has no labelled passage: import annotated items or decide on suggestions first"
        );
    }
    let current = models::current_training(conn)?;
    let options = TrainOptions::default();
    let documents = examples
        .iter()
        .map(|e| e.document.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let decided = examples.iter().filter(|e| !e.negative.is_empty()).count();
    println!(
        "training data: {} labelled passages ({decided} with rejected suggestions) in {documents} documents, SHA-256 {}",
        examples.len(),
        mapping::training_hash(&examples)
    );
    let current_name = current
        .as_ref()
        .map(|(version, _, _)| version.clone())
        .unwrap_or_else(|| format!("{LEXICON} ({})", mapping::lexicon_version()));
    let comparison = mapping::compare_on_folds(
        &examples,
        current
            .as_ref()
            .map(|(_, data, options)| (data.as_slice(), options)),
        &options,
        DEFAULT_THRESHOLD,
    )?;
    println!(
        "leave-one-document-out over {} documents (each scored by models that never saw it), threshold {DEFAULT_THRESHOLD}:",
        comparison.documents.len()
    );
    print_figures(
        &current_name,
        &comparison.current,
        "new model",
        &comparison.new,
    );
    let verdict = mapping::compare(&comparison.current, &comparison.new);
    match &verdict {
        Verdict::Better => println!("the new model is better than {current_name}"),
        Verdict::NotWorse => println!("the new model is not worse than {current_name}"),
        Verdict::Worse { reasons } if force => println!(
            "the new model is worse than {current_name} ({}); stored anyway (--force)",
            reasons.join("; ")
        ),
        Verdict::Worse { reasons } => bail!(
            "the new model is worse than {current_name}: {}; the current model stays (use --force to replace it)",
            reasons.join("; ")
        ),
    }
    let model = mapping::train(&examples, &options, chrono::Utc::now().naive_utc())?;
    if models::list(conn)?
        .iter()
        .any(|m| m.version == model.version)
    {
        // The same data, options and lexicon on the same day give the same version: the model is
        // stored already, and making it current is all there is to do.
        let before = models::use_version(conn, &model.version, &super::local_actor())?;
        println!(
            "model {} (the same training data) is stored already; it is current (was {before})",
            model.version
        );
        return Ok(());
    }
    let evaluation = serde_json::json!({
        "threshold": DEFAULT_THRESHOLD,
        "current_model": current_name,
        "comparison": comparison,
        "verdict": verdict,
    });
    models::insert_current(
        conn,
        &NewModel {
            model: &model,
            training_data: &examples,
            top1: comparison.new.overall.top1.rate(),
            top3: comparison.new.overall.top3.rate(),
            evaluation: &evaluation,
        },
        &super::local_actor(),
    )
    .context("cannot store the model")?;
    println!(
        "stored model {} ({} examples, {} documents, {} terms and {} n-grams weighed); it is now current",
        model.version,
        model.examples,
        model.documents,
        model.terms.len(),
        model.ngrams.len()
    );
    Ok(())
}

/// The two models' figures, overall and per language, one row per scope and model.
fn print_figures(current_name: &str, current: &Report, new_name: &str, new: &Report) {
    let row = |scope: &str, name: &str, f: &Figures| {
        println!(
            "  {scope:<8} {name:<40} {:>5} passages  top-1 {:.3} ({}/{})  top-3 {:.3} ({}/{})  micro F1 {:.3}",
            f.passages,
            f.top1.rate(),
            f.top1.hits,
            f.top1.total,
            f.top3.rate(),
            f.top3.hits,
            f.top3.total,
            f.micro.f1()
        );
    };
    row("overall", current_name, &current.overall);
    row("overall", new_name, &new.overall);
    for (language, figures) in &current.per_language {
        row(language, current_name, figures);
        if let Some(figures) = new.per_language.get(language) {
            row(language, new_name, figures);
        }
    }
}

fn list(conn: &mut crate::db::AnyConnection) -> anyhow::Result<()> {
    let stored = models::list(conn)?;
    let lexicon_current = !stored.iter().any(|m| m.is_current);
    println!(
        "  version                 created (UTC)        examples  top-1  training data SHA-256"
    );
    for model in &stored {
        println!(
            "{} {:<23} {} {:>8}  {:.3}  {}",
            if model.is_current { "*" } else { " " },
            model.version,
            model.created_at.format("%Y-%m-%d %H:%M:%S"),
            model.examples,
            model.top1,
            model.training_sha256
        );
    }
    println!(
        "{} {:<23} bundled ({})",
        if lexicon_current { "*" } else { " " },
        LEXICON,
        mapping::lexicon_version()
    );
    Ok(())
}

pub fn reclassify(settings: &Settings, source: Option<&str>, all: bool) -> anyhow::Result<()> {
    let db = startup::prepare_schema(settings)?;
    let mut conn = db.get()?;
    let sources = match (source, all) {
        (Some(source), false) => vec![source.to_string()],
        (None, true) => models::uploaded_sources(&mut conn)?,
        _ => bail!("give either --source ID or --all"),
    };
    let classifier = models::current_classifier(&mut conn)?;
    let actor = super::local_actor();
    let suggest =
        |report: &models::StoredReport| crate::ingestion::suggest_for_report(report, &classifier);
    for source in &sources {
        let summary =
            models::reclassify_source(&mut conn, source, classifier.version(), &suggest, &actor)
                .with_context(|| format!("cannot re-classify {source}"))?;
        let Some(summary) = summary else {
            let known = models::uploaded_sources(&mut conn)?;
            bail!(
                "no uploaded report `{source}`; uploaded: {}",
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            );
        };
        println!(
            "{}: {} passages with {}: {} added, {} updated, {} removed, {} kept; left alone: {} decided mappings, {} rejected suggestions, {} passages not evidence",
            summary.source,
            summary.passages,
            summary.model_version,
            summary.added,
            summary.updated,
            summary.removed,
            summary.kept,
            summary.decided,
            summary.still_rejected,
            summary.not_evidence
        );
    }
    if sources.is_empty() {
        println!("no uploaded report to re-classify");
    }
    Ok(())
}
