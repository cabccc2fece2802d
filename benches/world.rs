//! The steps of the side-by-side comparison with pandas (scripts/bench/compare.sh, docs/PERFORMANCE.md),
//! each on its own: importing a synthetic world into a fresh SQLite store, reading the store into the
//! indicator dataset (what a cold process and the first answer after start pay), and the world's
//! indicators CSV from the dataset in memory (what a warm, uncached request pays besides HTTP).
//!
//! The import is measured on a 30-country world (45,000 items) so that a sample takes about a second;
//! the rest on the full world (193 countries x 500 items x 3 cycles = 289,500 items), imported once.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use gcm::synth::{generate, SynthSpec};

fn settings_for(dir: &std::path::Path) -> gcm::config::Settings {
    let url = format!("sqlite://{}", dir.join("gcm.sqlite3").display());
    let mut vars = std::collections::HashMap::new();
    vars.insert("GCM__DATABASE__URL".to_string(), url);
    gcm::config::Settings::load_from(
        None,
        config::Environment::with_prefix("GCM").source(Some(vars)),
    )
    .expect("settings")
}

/// A synthetic world written as an import folder, and its files as an import reads them.
fn world_files(countries: usize) -> (tempfile::TempDir, Vec<gcm::ingestion::InputFile>) {
    let reference = gcm::framework::ReferenceData::bundled().expect("bundled reference data");
    let codes: Vec<String> = reference.countries.iter().map(|c| c.iso3.clone()).collect();
    let spec = SynthSpec {
        countries,
        items_per_country: 500,
        cycles: 3,
        seed: 2026,
    };
    let dir = tempfile::tempdir().expect("temporary folder");
    generate(&spec, &codes)
        .write(&dir.path().join("world"))
        .expect("world written");
    let files = gcm::ingestion::read_paths(&[dir.path().join("world")]).expect("world read");
    (dir, files)
}

/// A fresh, migrated store with the reference data and nothing else.
fn fresh_store() -> (tempfile::TempDir, gcm::db::Database) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let db = gcm::startup::prepare_schema(&settings_for(dir.path())).expect("prepared store");
    (dir, db)
}

fn import(c: &mut Criterion) {
    let (_world, files) = world_files(30);
    let items = 30 * 500 * 3;
    let mut group = c.benchmark_group("import");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Elements(items));
    group.bench_function("30 countries x 3 cycles x 500 items into SQLite", |b| {
        b.iter_batched(
            fresh_store,
            |(_dir, db)| {
                let mut conn = db.get().expect("connection");
                black_box(gcm::ingestion::import(&mut conn, &files, &|_, _| {}).expect("imported"))
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

fn world_store() -> (tempfile::TempDir, gcm::db::Database) {
    let (_world, files) = world_files(193);
    let (dir, db) = fresh_store();
    let mut conn = db.get().expect("connection");
    gcm::ingestion::import(&mut conn, &files, &|_, _| {}).expect("imported");
    (dir, db)
}

fn load_and_answer(c: &mut Criterion) {
    let (_dir, db) = world_store();
    let mut conn = db.get().expect("connection");
    let mut group = c.benchmark_group("world store");
    group.sample_size(10);
    group.bench_function("load the dataset (289,500 items)", |b| {
        b.iter(|| black_box(gcm::db::indicators::load_versioned_dataset(&mut conn).unwrap()))
    });
    let (_, data) = gcm::db::indicators::load_versioned_dataset(&mut conn).unwrap();
    let params = gcm::selection::SelectionParams {
        group: Some("world".into()),
        ..Default::default()
    };
    let selection = gcm::selection::Selection::resolve(&data, &params).expect("world selection");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    group.bench_function("world indicators CSV from the dataset", |b| {
        b.iter(|| {
            black_box(
                gcm::exports::render(
                    &data,
                    &selection,
                    gcm::exports::CsvOptions::new(false, selection.language),
                    gcm::exports::Kind::Indicators,
                    today,
                )
                .unwrap(),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, import, load_and_answer);
criterion_main!(benches);
