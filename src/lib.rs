//! `gcm`: a service that monitors implementation of the Global Compact for Migration.
//!
//! One module a concern: `config` (settings), `db` (both database backends and all SQL), `framework`
//! (the GCM framework and geography as reference data), `web` (HTTP handlers), `startup` (wiring).

pub mod auth;
pub mod charts;
pub mod cli;
pub mod config;
pub mod db;
pub mod evidence;
pub mod exports;
/// Report formats (PDF, DOCX, ODT, HTML, text): bytes in, page-aware text with its debris repaired out.
pub mod formats;
pub mod framework;
pub mod indicators;
pub mod ingestion;
pub mod mapping;
pub mod startup;
pub mod synth;
pub mod telemetry;
pub mod web;
