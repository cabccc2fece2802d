//! `gcm`: a service that monitors implementation of the Global Compact for Migration.
//!
//! `docs/ARCHITECTURE.md` shows the layers and which module may call which.

/// Roles and API tokens: generating, hashing and reading them (pure).
pub mod auth;
/// Charts drawn with plotters as SVG or PNG (pure: chart values in, bytes out).
pub mod charts;
/// The command line's arguments (clap).
pub mod cli;
/// The body of every command of the binary.
pub mod commands;
/// Settings: built-in defaults, a file, `GCM__*` environment variables.
pub mod config;
/// Both database backends, the pool, migrations, and every query (the only module with SQL).
pub mod db;
/// Evidence records, their vocabularies, partial dates, the text rule and quote checks (pure).
pub mod evidence;
/// CSV tables, the bundle and the backup files (pure: values in, bytes out).
pub mod exports;
/// Report formats (PDF, DOCX, ODT, HTML, text): bytes in, page-aware text with its debris repaired out.
pub mod formats;
/// The GCM framework, countries and blocs as reference data (pure).
pub mod framework;
/// The coverage indicators: counting, peers, change, gaps (pure).
pub mod indicators;
/// Import files and national reports into validated batches, and their writing through `db`.
pub mod ingestion;
/// Segmenting reports and suggesting objectives and principles from the lexicons (pure).
pub mod mapping;
/// The request's selection and evidence filters, parsed and resolved once (pure).
pub mod selection;
/// Start-up: preparing the database, binding, the HTTP server.
pub mod startup;
/// The synthetic world for scale tests and benchmarks (pure).
pub mod synth;
/// Logging to standard error, with control characters escaped.
pub mod telemetry;
/// The HTTP layer: routes, extractors, handlers, typed answers, pages (no SQL).
pub mod web;
