//! The command line of the `gcm` binary.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Monitors how countries implement the Global Compact for Safe, Orderly and Regular Migration (GCM):
/// evidence read from national reports and review documents, and per-country coverage indicators.
///
/// Settings come from built-in defaults, then the file given by --config (or GCM_CONFIG), then
/// environment variables GCM__SECTION__KEY, e.g. GCM__DATABASE__URL=postgres://postgres@127.0.0.1/gcm or
/// GCM__SERVER__BIND=0.0.0.0:8080.
#[derive(Debug, Parser)]
#[command(name = "gcm", version, propagate_version = true)]
pub struct Cli {
    /// TOML settings file layered over the defaults (also read from GCM_CONFIG).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply pending migrations, load the bundled reference data into an empty database, and serve HTTP
    /// on server.bind (default http://127.0.0.1:8080).
    Serve,
    /// Apply pending database migrations and load missing reference data, then exit.
    Migrate,
    /// Import evidence files: cycles.csv, sources.csv (with a sources/ folder of texts), items as
    /// *.jsonl, submissions.csv, champions.csv (formats in docs/DATA.md). Folders are searched for these
    /// names. Every row is validated first; if any is wrong, each problem is printed as
    /// `file:line: field: why` and nothing is written. Importing the same files again changes nothing.
    Import {
        /// Files or folders to import.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Write a table (the same bytes as /exports/KIND.csv with the same options): `indicators` (tidy: one
    /// row per country x indicator x dimension), `coverage-matrix`, `evidence` (every item with its
    /// mappings, quote and source lines), or `bundle` (a zip of all three, the methodology and metadata).
    ///
    /// `gcm export --all DIR` instead writes the whole store as import files (a backup that
    /// `gcm import DIR` restores into an empty database).
    Export(ExportOptions),
    /// Ingest a national report (PDF, DOCX, ODT, HTML, text or Markdown; the format told by the file's
    /// content): store its text as a source, cut it into passages (with their pages for a PDF), and
    /// store each passage as an evidence item with `auto` objective and principle suggestions for a
    /// reviewer to accept or reject (the same as POST /api/v1/documents).
    Ingest(IngestOptions),
    /// Print what `gcm ingest` would read from a report, without a database: its passages as JSON
    /// Lines (`id`, `line_start`, `line_end`, `page_start`/`page_end` for a PDF, `section`, `text`),
    /// or with `--text` the text that would be stored. A file that cannot be read says why; exit 1.
    Extract(ExtractOptions),
    /// Manage the API tokens that writing needs (document uploads, accepting or rejecting mappings).
    /// Only a hash of each token is stored; `create` prints the token once.
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
    /// Freeze the store into a citable edition that later writes never change, or list the editions
    /// (every read endpoint, page, chart and table answers from one with `snapshot=ID`).
    Snapshot {
        #[command(subcommand)]
        action: SnapshotAction,
    },
    /// Manage the accounts of people who sign in to the pages to upload and review reports
    /// (passwords are stored as Argon2id hashes; at least 12 characters).
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Write a deterministic synthetic dataset in the import format (cycles.csv, sources.csv, sources/,
    /// items.jsonl) for scale tests: the same arguments always give the same files.
    Synth(SynthOptions),
    /// Suggest GCM objectives and guiding principles, with the words that triggered them, for passages
    /// of text (no database). Input: JSON Lines, one `{"id": ..., "text": "...", "language": "es"}` per
    /// line (`language` optional: en, es, pt, fr, detected when absent; `id` defaults to the line
    /// number); or a plain-text or Markdown report (`.txt`, `.md`, or any file that is not JSON Lines),
    /// which is cut into passages first (ids p1, p2, ... with their line spans and text). Output: JSON
    /// Lines, one per input line or passage, in input order; evidence `start`/`end` are character
    /// offsets into that line's `text`. Bad lines are reported as `FILE:LINE: why` on standard error,
    /// the others are still classified, and the exit code is then 1.
    Classify {
        /// JSON Lines, plain-text or Markdown file to classify.
        #[arg(long, value_name = "FILE")]
        input: PathBuf,
        /// File to write; standard output when absent.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Lowest score (0-1) of a suggestion listed.
        #[arg(long, default_value_t = crate::mapping::DEFAULT_THRESHOLD)]
        threshold: f64,
    },
    /// The mapping models in the store: train one from the reviewers' decisions and the annotated
    /// items, list them, or choose which one suggests objectives (a fresh store uses the bundled
    /// lexicon).
    Mapping {
        #[command(subcommand)]
        action: MappingAction,
    },
    /// Run the current model over the stored passages of uploaded reports again: suggestions nobody
    /// decided on are added, updated or removed; accepted, added and rejected mappings and passages
    /// marked as not evidence are never touched. One transaction per report; prints what changed.
    Reclassify {
        /// The uploaded report's source id (as `gcm ingest` printed it).
        #[arg(
            long,
            value_name = "ID",
            required_unless_present = "all",
            conflicts_with = "all"
        )]
        source: Option<String>,
        /// Every uploaded report.
        #[arg(long)]
        all: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum MappingAction {
    /// Train a model on the store's labelled passages (annotated items; accepted, added and rejected
    /// suggestions), print the leave-one-document-out evaluation of the current model and of the new
    /// one on the same folds, and store the new one as current unless it is worse.
    Train {
        /// Store the new model as current even when it is worse than the current one.
        #[arg(long)]
        force: bool,
    },
    /// List the stored models (version, date, examples, training-data hash, top-1, the current one).
    Models,
    /// Make a stored model current, or `lexicon` for the bundled lexicon (a rollback).
    Use {
        /// A version as `gcm mapping models` lists it, or `lexicon`.
        #[arg(value_name = "VERSION")]
        model: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserAction {
    /// Create an account for a person who reviews reports in the pages. The password is asked for
    /// on the terminal (twice), or read from the first line of standard input with --password-stdin.
    Create {
        /// The name the person signs in with: 1-64 letters, digits, `.`, `-`, `_` or `@`.
        #[arg(long)]
        name: String,
        /// editor (uploads and reviews) or admin (also reads the audit log).
        #[arg(long)]
        role: String,
        /// Read the password from standard input instead of asking for it.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List the accounts (names, roles, when created and disabled; never passwords).
    List,
    /// Disable an account: it cannot sign in, and its sessions end at once.
    Disable { name: String },
    /// Enable a disabled account again.
    Enable { name: String },
    /// Set a new password (asked for, or --password-stdin); the account's sessions end.
    SetPassword {
        name: String,
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum SnapshotAction {
    /// Freeze the evidence, the mappings, the framework, the method and model versions as they are now.
    Create {
        /// 1-64 letters, digits, `.`, `-` or `_`, starting with a letter or digit (`2026-lac-review`).
        #[arg(long)]
        id: String,
        /// The title a citation gives it.
        #[arg(long)]
        title: String,
        /// What it was made for.
        #[arg(long)]
        note: Option<String>,
    },
    /// List the editions: id, date, counts, SHA-256 of the canonical export.
    List,
}

#[derive(Debug, Subcommand)]
pub enum TokenAction {
    /// Create a token and print it (once: it cannot be shown again).
    Create {
        /// A name for the token's holder: 1-64 letters, digits, `.`, `-`, `_` or `@`.
        #[arg(long)]
        name: String,
        /// editor (ingests and reviews) or admin (also reads the audit log).
        #[arg(long)]
        role: String,
    },
    /// List the tokens (names, roles, when created and revoked; never the tokens themselves).
    List,
    /// Revoke a token by name: it stops working at once.
    Revoke {
        /// The token's name.
        name: String,
    },
}

/// The options of `gcm export`.
#[derive(Debug, Args)]
pub struct ExportOptions {
    /// indicators, coverage-matrix, evidence or bundle
    #[arg(value_name = "KIND", required_unless_present = "all")]
    pub kind: Option<String>,
    /// Write the whole store (cycles, sources and their texts, items with every mapping,
    /// submissions, champions) as import files into DIR.
    #[arg(long, value_name = "DIR", conflicts_with = "kind")]
    pub all: Option<PathBuf>,
    /// File to write; standard output when absent.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Countries: lac (default), americas, world, champions, vnr, vnr:CYCLE, subregion:NAME, bloc:ID, or
    /// ISO3 codes such as COL,ECU,MEX.
    #[arg(long)]
    pub group: Option<String>,
    /// Cycles to count: all (default) or a comma list such as 2021,2025.
    #[arg(long)]
    pub cycle: Option<String>,
    /// For `evidence`: only the items credited to this country (ISO3).
    #[arg(long)]
    pub country: Option<String>,
    /// Mapping bases to count (default: all but auto), e.g. cited,subject.
    #[arg(long)]
    pub basis: Option<String>,
    /// Grouping of objectives: mptf (default) or imrf.
    #[arg(long)]
    pub grouping: Option<String>,
    /// Write for Excel: byte-order mark, and with --lang es or pt `;` and decimal commas.
    #[arg(long)]
    pub excel: bool,
    /// Language of the spreadsheet: en, es, pt or fr.
    #[arg(long)]
    pub lang: Option<String>,
}

/// The options of `gcm ingest`.
#[derive(Debug, Args)]
pub struct IngestOptions {
    /// The report: PDF, DOCX, ODT, HTML, text or Markdown.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Read the file as this format (pdf, docx, odt, html, text, markdown), checked against its
    /// content; told from the content when absent.
    #[arg(long, value_parser = format_name)]
    pub format: Option<crate::formats::Format>,
    /// The reporting country (ISO3).
    #[arg(long)]
    pub country: String,
    /// The review cycle it reports to, e.g. 2025.
    #[arg(long)]
    pub cycle: String,
    /// en, es, pt or fr; detected from the text when absent.
    #[arg(long)]
    pub language: Option<String>,
    /// The report's title (the file name when absent).
    #[arg(long)]
    pub title: Option<String>,
    /// The source kind (national_report when absent).
    #[arg(long)]
    pub kind: Option<String>,
    /// Whose voice the report is (government, un, intergovernmental, civil_society, academic,
    /// other); the default of the kind when absent (a national report is government).
    #[arg(long)]
    pub voice: Option<String>,
}

/// The options of `gcm extract`.
#[derive(Debug, Args)]
pub struct ExtractOptions {
    /// The report: PDF, DOCX, ODT, HTML, text or Markdown.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Read the file as this format (pdf, docx, odt, html, text, markdown), checked against its
    /// content; told from the content when absent.
    #[arg(long, value_parser = format_name)]
    pub format: Option<crate::formats::Format>,
    /// Print the text that would be stored (pages separated by a form-feed line) instead of passages.
    #[arg(long)]
    pub text: bool,
}

/// The options of `gcm synth`.
#[derive(Debug, Args)]
pub struct SynthOptions {
    /// Number of countries (taken in ISO3 order from the reference data, at most 249).
    #[arg(long, default_value_t = 193)]
    pub countries: usize,
    /// Items per country per cycle.
    #[arg(long, default_value_t = 500)]
    pub items_per_country: usize,
    /// Number of review cycles.
    #[arg(long, default_value_t = 3)]
    pub cycles: usize,
    /// Seed of the random generator.
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
    /// Folder to write (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// A `--format` value: a format's short name.
fn format_name(name: &str) -> Result<crate::formats::Format, String> {
    name.parse().map_err(|_| {
        let names: Vec<&str> = crate::formats::Format::ALL
            .iter()
            .map(|f| f.name())
            .collect();
        format!("`{name}` is not a format; accepted: {}", names.join(", "))
    })
}
