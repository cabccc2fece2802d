//! Ingestion scaling (docs/PERFORMANCE.md): a report of 1,000, 10,000 and 50,000 short paragraphs cut,
//! classified, validated and stored in a fresh SQLite database. The time per paragraph must stay flat:
//! validation once split the whole source text again for every passage, which made a 50,000-paragraph
//! upload take minutes.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};

fn report(paragraphs: usize) -> String {
    (1..=paragraphs)
        .map(|i| {
            format!(
                "Párrafo {i}: el ministerio amplió la protección consular de las personas migrantes."
            )
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// A migrated store with the reference data and the five seed documents, in a temporary folder.
fn fresh_store() -> (tempfile::TempDir, gcm::db::Database) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let url = format!("sqlite://{}", dir.path().join("gcm.sqlite3").display());
    let mut vars = std::collections::HashMap::new();
    vars.insert("GCM__DATABASE__URL".to_string(), url);
    let settings = gcm::config::Settings::load_from(
        None,
        config::Environment::with_prefix("GCM").source(Some(vars)),
    )
    .expect("settings");
    let db = gcm::startup::prepare_database(&settings).expect("prepared store");
    (dir, db)
}

fn ingest(c: &mut Criterion) {
    let mut group = c.benchmark_group("ingest");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    for paragraphs in [1_000, 10_000, 50_000] {
        let text = report(paragraphs);
        group.throughput(Throughput::Elements(paragraphs as u64));
        group.bench_with_input(BenchmarkId::from_parameter(paragraphs), &text, |b, text| {
            b.iter_batched(
                fresh_store,
                |(dir, db)| {
                    let meta = gcm::ingestion::document::DocumentMeta {
                        country: "COL".into(),
                        cycle: "2025".into(),
                        title: "Informe".into(),
                        language: Some("es".into()),
                        file_name: "informe.md".into(),
                        ..Default::default()
                    };
                    let mut conn = db.get().expect("connection");
                    let limits = gcm::formats::ExtractLimits::default();
                    let received = gcm::ingestion::Received {
                        bytes: text.as_bytes(),
                        format: gcm::formats::Format::Markdown,
                        limits: &limits,
                    };
                    let summary =
                        gcm::ingestion::ingest_document(&mut conn, &meta, &received, "bench")
                            .expect("stored");
                    black_box(summary);
                    (dir, db)
                },
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, ingest);
criterion_main!(benches);
