//! The `gcm` binary: parse the command line, load settings, start logging, and hand over to the library.

use std::process::ExitCode;

use clap::Parser;
use gcm::cli::{Cli, Command, TokenAction};
use gcm::config::Settings;
use gcm::{startup, telemetry};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load(cli.config.as_deref()) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("gcm: {error}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(&settings.log.filter);
    let outcome = match cli.command {
        Command::Serve => serve(&settings),
        Command::Migrate => startup::prepare_database(&settings)
            .map(|db| println!("database ready: {}", db.target().describe()))
            .map_err(|e| e.to_string()),
        Command::Import { paths } => import(&settings, &paths),
        Command::Export { all: Some(dir), .. } => backup(&settings, &dir),
        Command::Export {
            kind,
            all: None,
            out,
            group,
            cycle,
            country,
            basis,
            grouping,
            excel,
            lang,
        } => export(
            &settings,
            kind.as_deref().unwrap_or_default(),
            out.as_deref(),
            country,
            gcm::exports::ExportQuery {
                indicators: gcm::indicators::request::IndicatorQuery {
                    group,
                    cycle,
                    basis,
                    grouping,
                    ..Default::default()
                },
                excel: Some(if excel { "1" } else { "0" }.to_string()),
                lang,
            },
        ),
        Command::Token { action } => token(&settings, action),
        Command::Ingest {
            file,
            country,
            cycle,
            language,
            title,
            kind,
        } => ingest(
            &settings,
            &file,
            gcm::ingestion::document::DocumentMeta {
                country,
                cycle,
                language,
                title: title.unwrap_or_else(|| {
                    file.file_stem()
                        .map(|s| s.to_string_lossy().to_string())
                        .unwrap_or_default()
                }),
                kind,
                file_name: file
                    .file_name()
                    .map(|s| s.to_string_lossy().to_string())
                    .unwrap_or_default(),
            },
        ),
        Command::Synth {
            countries,
            items_per_country,
            cycles,
            seed,
            out,
        } => synth(
            gcm::synth::SynthSpec {
                countries,
                items_per_country,
                cycles,
                seed,
            },
            &out,
        ),
        Command::Classify {
            input,
            output,
            threshold,
        } => classify(&input, output.as_deref(), threshold),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("gcm: {message}");
            ExitCode::FAILURE
        }
    }
}

fn serve(settings: &Settings) -> Result<(), String> {
    let db = startup::prepare_database(settings).map_err(|e| e.to_string())?;
    let listener = startup::bind(settings).map_err(|e| e.to_string())?;
    actix_web::rt::System::new().block_on(async move {
        let server = startup::server(listener, db, settings).map_err(|e| e.to_string())?;
        server.await.map_err(|e| format!("server stopped: {e}"))
    })
}

fn import(settings: &Settings, paths: &[std::path::PathBuf]) -> Result<(), String> {
    let files = match gcm::ingestion::read_paths(paths) {
        Ok(files) => files,
        Err(problems) => return Err(report_problems(&problems)),
    };
    let db = startup::prepare_schema(settings).map_err(|e| e.to_string())?;
    let mut conn = db.get().map_err(|e| e.to_string())?;
    // A progress bar on a terminal only; indicatif hides itself when standard error is not one.
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} items {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let outcome = gcm::ingestion::import_as(&mut conn, &files, &local_actor(), &|done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    });
    bar.finish_and_clear();
    match outcome {
        Ok(summary) => {
            println!(
                "imported {} file(s) into {}",
                files.len(),
                db.target().describe()
            );
            print!("{summary}");
            Ok(())
        }
        Err(gcm::ingestion::ImportError::Invalid(problems)) => Err(report_problems(&problems)),
        Err(error) => Err(error.to_string()),
    }
}

fn report_problems(problems: &[gcm::ingestion::Problem]) -> String {
    for problem in problems {
        eprintln!("{problem}");
    }
    format!("{} problem(s) found; nothing was imported", problems.len())
}

fn synth(spec: gcm::synth::SynthSpec, out: &std::path::Path) -> Result<(), String> {
    let reference = gcm::framework::ReferenceData::bundled().map_err(|e| e.to_string())?;
    let codes: Vec<String> = reference.countries.iter().map(|c| c.iso3.clone()).collect();
    if spec.countries == 0 || spec.countries > codes.len() {
        return Err(format!("--countries must be 1-{}", codes.len()));
    }
    if spec.cycles == 0 || spec.items_per_country == 0 {
        return Err("--cycles and --items-per-country must be at least 1".into());
    }
    let world = gcm::synth::generate(&spec, &codes);
    world
        .write(out)
        .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    println!(
        "wrote {} cycles, {} sources and {} items to {}",
        world.cycles.len(),
        world.sources.len(),
        world.items.len(),
        out.display()
    );
    Ok(())
}

/// The tables `gcm export` writes: the indicator tables, the evidence, or the bundle of all.
const EXPORT_KINDS: [&str; 4] = ["indicators", "coverage-matrix", "evidence", "bundle"];

fn export(
    settings: &Settings,
    kind: &str,
    out: Option<&std::path::Path>,
    country: Option<String>,
    query: gcm::exports::ExportQuery,
) -> Result<(), String> {
    let kind = kind.trim_end_matches(".csv").trim_end_matches(".zip");
    if !EXPORT_KINDS.contains(&kind) {
        return Err(format!(
            "unknown table `{kind}`; accepted: {}",
            EXPORT_KINDS.join(", ")
        ));
    }
    if country.is_some() && kind != "evidence" {
        return Err("--country applies to `evidence` only (use --group for the indicators)".into());
    }
    query.csv_options().map_err(|e| format!("--{e}"))?;
    let db = startup::prepare_database(settings).map_err(|e| e.to_string())?;
    let mut conn = db.get().map_err(|e| e.to_string())?;
    let now = chrono::Utc::now();
    let bytes = match kind {
        "evidence" => {
            let evidence_query = gcm::web::evidence_api::EvidenceQuery {
                country,
                cycle: query.indicators.cycle.clone(),
                ..Default::default()
            };
            let filter =
                gcm::web::evidence_api::parse_filter(&evidence_query).map_err(option_error)?;
            gcm::web::evidence_api::check_references(&mut conn, &filter)
                .map_err(|e| e.to_string())?
                .map_err(option_error)?;
            let items = gcm::db::items::all(&mut conn, &filter).map_err(|e| e.to_string())?;
            let options = query.csv_options().map_err(|e| format!("--{e}"))?;
            gcm::exports::encode(&gcm::exports::evidence_table(&items), options)
        }
        "bundle" => {
            let (_, data) = gcm::db::indicators::load_versioned_dataset(&mut conn)
                .map_err(|e| e.to_string())?;
            let filter = gcm::exports::bundle_evidence_filter(&data, &query)
                .map_err(|e| format!("--{e}"))?;
            let items = gcm::db::items::all(&mut conn, &filter).map_err(|e| e.to_string())?;
            gcm::exports::bundle(&data, &query, &items, now)
                .map_err(|e| match e {
                    gcm::exports::BundleError::Param(e) => format!("--{e}"),
                    other => other.to_string(),
                })?
                .bytes
        }
        table => {
            let kind = gcm::exports::Kind::parse(table)
                .ok_or_else(|| format!("unknown table `{table}`"))?;
            let (_, data) = gcm::db::indicators::load_versioned_dataset(&mut conn)
                .map_err(|e| e.to_string())?;
            gcm::exports::render(&data, &query, kind, now.date_naive())
                .map_err(|e| format!("--{e}"))?
                .bytes
        }
    };
    match out {
        Some(path) => {
            std::fs::write(path, &bytes)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            eprintln!("wrote {} ({} bytes)", path.display(), bytes.len());
        }
        None => {
            use std::io::Write;
            std::io::stdout()
                .write_all(&bytes)
                .map_err(|e| format!("cannot write to standard output: {e}"))?;
        }
    }
    Ok(())
}

/// A bad filter named as the command-line option that carries it.
fn option_error(error: gcm::web::error::ApiError) -> String {
    match error {
        gcm::web::error::ApiError::BadRequest { parameter, message } => {
            format!("--{parameter}: {message}")
        }
        other => other.to_string(),
    }
}

/// Who the command line acts as in the audit log.
fn local_actor() -> String {
    let user = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
    format!("cli:{user}")
}

fn token(settings: &Settings, action: TokenAction) -> Result<(), String> {
    let db = startup::prepare_schema(settings).map_err(|e| e.to_string())?;
    let mut conn = db.get().map_err(|e| e.to_string())?;
    match action {
        TokenAction::Create { name, role } => {
            if !gcm::auth::valid_name(&name) {
                return Err(format!(
                    "--name `{name}`: use 1-64 letters, digits, `.`, `-`, `_` or `@`"
                ));
            }
            let Some(role) = gcm::auth::Role::parse(&role) else {
                return Err(format!("--role `{role}`: accepted: editor, admin"));
            };
            let secret = gcm::db::tokens::create(&mut conn, &name, role, &local_actor())
                .map_err(|e| e.to_string())?;
            eprintln!(
                "created {} token `{name}`; it is shown once, keep it secret:",
                role.as_str()
            );
            println!("{secret}");
            Ok(())
        }
        TokenAction::List => {
            let tokens = gcm::db::tokens::list(&mut conn).map_err(|e| e.to_string())?;
            println!("{:<32} {:<7} {:<20} revoked", "name", "role", "created");
            for t in tokens {
                println!(
                    "{:<32} {:<7} {:<20} {}",
                    t.name,
                    t.role,
                    t.created_at.format("%Y-%m-%d %H:%M:%S"),
                    t.revoked_at
                        .map(|r| r.format("%Y-%m-%d %H:%M:%S").to_string())
                        .unwrap_or_else(|| "-".into())
                );
            }
            Ok(())
        }
        TokenAction::Revoke { name } => {
            gcm::db::tokens::revoke(&mut conn, &name, &local_actor()).map_err(|e| e.to_string())?;
            println!("revoked `{name}`");
            Ok(())
        }
    }
}

/// One line of `gcm classify` output: the input's id (and, for a segmented report, the passage's line
/// span, section and text, since evidence offsets refer to the passage text), then the suggestions.
#[derive(serde::Serialize)]
struct ClassifiedLine<'a> {
    id: serde_json::Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    line_start: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line_end: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    section: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a str>,
    #[serde(flatten)]
    classification: gcm::mapping::Classification,
}

fn classify(
    input: &std::path::Path,
    output: Option<&std::path::Path>,
    threshold: f64,
) -> Result<(), String> {
    use gcm::mapping::{segment, Classifier};
    use std::io::Write;

    if !(0.0..=1.0).contains(&threshold) {
        return Err(format!(
            "--threshold must be between 0 and 1, not {threshold}"
        ));
    }
    let bytes =
        std::fs::read(input).map_err(|e| format!("cannot read {}: {e}", input.display()))?;
    let mut sink: Box<dyn Write> = match output {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let classifier = Classifier::bundled();
    let write_error = |e: std::io::Error| format!("cannot write the output: {e}");
    let mut write = |line: &ClassifiedLine| -> Result<(), String> {
        serde_json::to_writer(&mut sink, line).map_err(|e| write_error(e.into()))?;
        sink.write_all(b"\n").map_err(write_error)
    };

    if is_report(input, &bytes) {
        // A report is text: bytes that are not UTF-8 become U+FFFD rather than refusing the whole file.
        let text = String::from_utf8_lossy(&bytes);
        for (index, passage) in segment(&text).iter().enumerate() {
            write(&ClassifiedLine {
                id: serde_json::Value::String(format!("p{}", index + 1)),
                line_start: Some(passage.line_start),
                line_end: Some(passage.line_end),
                section: passage.section.as_deref(),
                text: Some(&passage.text),
                classification: classifier.classify_with_threshold(&passage.text, None, threshold),
            })?;
        }
        return sink.flush().map_err(write_error);
    }

    let mut bad_lines = 0usize;
    for (index, raw) in bytes.split(|b| *b == b'\n').enumerate() {
        let number = index + 1;
        let request = std::str::from_utf8(raw)
            .map_err(|_| "not UTF-8".to_string())
            .and_then(|line| parse_classify_request(line.trim(), number));
        match request {
            Ok(None) => {}
            Ok(Some((id, text, language))) => write(&ClassifiedLine {
                id,
                line_start: None,
                line_end: None,
                section: None,
                text: None,
                classification: classifier.classify_with_threshold(&text, language, threshold),
            })?,
            Err(why) => {
                bad_lines += 1;
                eprintln!("{}:{number}: {why}", input.display());
            }
        }
    }
    sink.flush().map_err(write_error)?;
    if bad_lines > 0 {
        return Err(format!(
            "{bad_lines} bad line(s) in {}; the other lines were classified",
            input.display()
        ));
    }
    Ok(())
}

/// A report to segment: a `.txt` or `.md` file, or any file whose first non-blank line is not a JSON
/// object.
fn is_report(path: &std::path::Path, bytes: &[u8]) -> bool {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if matches!(extension.as_deref(), Some("txt" | "md" | "markdown")) {
        return true;
    }
    let first = bytes
        .split(|b| *b == b'\n')
        .map(|line| line.trim_ascii())
        .find(|line| !line.is_empty());
    first.is_some_and(|line| !line.starts_with(b"{"))
}

type ClassifyRequest = (serde_json::Value, String, Option<gcm::mapping::Language>);

/// One JSON Lines request: `None` for a blank line, else (id, text, language), or why it is unusable.
fn parse_classify_request(line: &str, number: usize) -> Result<Option<ClassifyRequest>, String> {
    if line.is_empty() {
        return Ok(None);
    }
    let value: serde_json::Value =
        serde_json::from_str(line).map_err(|e| format!("invalid JSON: {e}"))?;
    let serde_json::Value::Object(mut object) = value else {
        return Err("not a JSON object".into());
    };
    let text = match object.remove("text") {
        Some(serde_json::Value::String(text)) => text,
        Some(_) => return Err("`text` must be a string".into()),
        None => return Err("missing `text`".into()),
    };
    let language = match object.remove("language") {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(code)) => {
            Some(code.parse().map_err(|e| format!("`language`: {e}"))?)
        }
        Some(_) => return Err("`language` must be a string such as \"es\"".into()),
    };
    let id = object
        .remove("id")
        .unwrap_or_else(|| serde_json::Value::from(number));
    Ok(Some((id, text, language)))
}

fn ingest(
    settings: &Settings,
    file: &std::path::Path,
    meta: gcm::ingestion::document::DocumentMeta,
) -> Result<(), String> {
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let body = String::from_utf8(bytes).map_err(|e| {
        format!(
            "{}: the text is not UTF-8 (invalid bytes at offset {})",
            file.display(),
            e.utf8_error().valid_up_to()
        )
    })?;
    let db = startup::prepare_schema(settings).map_err(|e| e.to_string())?;
    let mut conn = db.get().map_err(|e| e.to_string())?;
    match gcm::ingestion::ingest_document(&mut conn, &meta, &body, &local_actor()) {
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
        Err(gcm::ingestion::DocumentError::Invalid(problems)) => {
            for problem in &problems {
                eprintln!("{problem}");
            }
            Err(format!(
                "{} problem(s) found; nothing was stored",
                problems.len()
            ))
        }
        Err(error) => Err(error.to_string()),
    }
}

/// `gcm export --all DIR`: the whole store as import files.
fn backup(settings: &Settings, dir: &std::path::Path) -> Result<(), String> {
    let db = startup::prepare_schema(settings).map_err(|e| e.to_string())?;
    let mut conn = db.get().map_err(|e| e.to_string())?;
    let content = gcm::db::backup::store_content(&mut conn).map_err(|e| e.to_string())?;
    let files = gcm::exports::backup::backup_files(&content)?;
    for (path, bytes) in &files {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&target, bytes)
            .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
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
    Ok(())
}
