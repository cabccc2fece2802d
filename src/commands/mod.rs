//! The commands of the `gcm` binary, one module each. `main.rs` parses the command line and settings
//! and calls [`run`]; each command returns its failure with its causes (`anyhow`), which `main` prints.

mod classify;
mod export;
mod extract;
mod import;
mod ingest;
mod mapping;
mod serve;
mod snapshot;
mod synth;
mod token;
mod user;

use anyhow::Context;

use crate::cli::Command;
use crate::config::Settings;
use crate::ingestion::Problem;

/// Runs one command.
pub fn run(command: Command, settings: &Settings) -> anyhow::Result<()> {
    match command {
        Command::Serve => serve::serve(settings),
        Command::Migrate => serve::migrate(settings),
        Command::Import { paths } => import::import(settings, &paths),
        Command::Export(options) => export::export(settings, options),
        Command::Ingest(options) => ingest::ingest(settings, options),
        Command::Extract(options) => extract::extract(settings, options),
        Command::Token { action } => token::token(settings, action),
        Command::Snapshot { action } => snapshot::snapshot(settings, action),
        Command::User { action } => user::user(settings, action),
        Command::Synth(options) => synth::synth(options),
        Command::Classify {
            input,
            output,
            threshold,
        } => classify::classify(&input, output.as_deref(), threshold),
        Command::Mapping { action } => mapping::mapping(settings, action),
        Command::Reclassify { source, all } => {
            mapping::reclassify(settings, source.as_deref(), all)
        }
    }
}

/// Reads a report file into its bytes and the format to read them as: `declared` checked against the
/// content, or the format the content shows. Errors name the file.
fn read_report(
    path: &std::path::Path,
    declared: Option<crate::formats::Format>,
) -> anyhow::Result<(Vec<u8>, crate::formats::Format)> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let format = match declared {
        Some(declared) => crate::formats::check_declared(declared, &bytes),
        None => {
            let name = path.file_name().map(|n| n.to_string_lossy().to_string());
            crate::formats::detect(&bytes, name.as_deref())
        }
    }
    .with_context(|| format!("{}: cannot read this file", path.display()))?;
    Ok((bytes, format))
}

/// Who the command line acts as in the audit log.
fn local_actor() -> String {
    let user = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
    format!("cli:{user}")
}

/// Prints each problem of a refused input on standard error, one a line (`file:line: field: why`), and
/// returns the error that ends the command.
fn refused(problems: &[Problem], what: &str) -> anyhow::Error {
    for problem in problems {
        eprintln!("{problem}");
    }
    anyhow::anyhow!("{} problem(s) found; nothing was {what}", problems.len())
}

/// Writes `bytes` to `out`, or to standard output.
fn write_out(out: Option<&std::path::Path>, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    match out {
        Some(path) => {
            std::fs::write(path, bytes)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("wrote {} ({} bytes)", path.display(), bytes.len());
        }
        None => std::io::stdout()
            .write_all(bytes)
            .context("cannot write to standard output")?,
    }
    Ok(())
}
