//! The integration suite, in one binary so that it is linked once. Each module tests one area through
//! the service's real parts: the in-process application over a real database (SQLite, or PostgreSQL
//! with `GCM_TEST_POSTGRES_URL`), the real binary on a free port, and Chromium for the browser test.

mod common;

mod backup;
mod binary;
mod browser;
mod charts;
mod classify;
mod documents;
mod editions;
mod evidence_api;
mod exports;
mod formats;
mod framework_api;
mod golden;
mod health;
mod import;
mod indicators;
mod learning;
mod map;
mod mapping;
mod migrations;
mod models;
mod openapi;
mod pages;
mod reliability;
mod report_uploads;
mod review;
mod reviewing;
mod sessions;
mod voices;
