//! Rendering and export costs (docs/PERFORMANCE.md): the coverage matrix for 35 countries (the LAC
//! reviews' scale) and for a synthetic world of 193, as SVG and PNG; and the CSV of every evidence mapping
//! of that world.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use gcm::charts::{self, MatrixChart};
use gcm::db::items::{EvidenceItem, ItemObjective, ItemSource};
use gcm::exports::{self, CsvOptions};
use gcm::framework::ReferenceData;
use gcm::indicators::{self, Counting};
use gcm::synth::{generate, world_dataset, SynthSpec};

fn matrix(c: &mut Criterion) {
    let reference = ReferenceData::bundled().expect("bundled reference data");
    let spec = SynthSpec {
        countries: 193,
        items_per_country: 500,
        cycles: 3,
        seed: 2026,
    };
    let (data, members) = world_dataset(&spec, &reference);
    let grouping = reference.framework.default_grouping().clone();
    let rows = indicators::compute(&data, &Counting::default(), &grouping, &members);
    let mut group = c.benchmark_group("coverage matrix");
    group.sample_size(10);
    for n in [35usize, 193] {
        let named: Vec<(String, &indicators::CountryIndicators)> =
            rows[..n].iter().map(|r| (r.iso3.clone(), r)).collect();
        let chart = MatrixChart {
            title: format!("{n} countries"),
            subtitle: "benchmark".into(),
            grouping: &grouping,
            summary: format!("the coverage matrix of {n} countries"),
            rows: named,
            labels: charts::MatrixLabels::default(),
        };
        let size = charts::matrix_size(n);
        group.bench_function(format!("svg {n} countries"), |b| {
            b.iter(|| black_box(charts::matrix_svg(&chart, size).unwrap()))
        });
        group.bench_function(format!("png {n} countries"), |b| {
            b.iter(|| black_box(charts::matrix_png(&chart, size).unwrap()))
        });
    }
    group.finish();
}

fn evidence_export(c: &mut Criterion) {
    let reference = ReferenceData::bundled().expect("bundled reference data");
    let codes: Vec<String> = reference.countries.iter().map(|x| x.iso3.clone()).collect();
    let spec = SynthSpec {
        countries: 193,
        items_per_country: 500,
        cycles: 3,
        seed: 2026,
    };
    let world = generate(&spec, &codes);
    // The items as the store serves them (what `db::items::all` returns).
    let now = chrono::Utc::now().naive_utc();
    let items: Vec<EvidenceItem> = world
        .items
        .iter()
        .map(|item| EvidenceItem {
            id: item.id.clone(),
            kind: item.kind.clone(),
            title: item.title.clone(),
            summary: None,
            quote: item.quote.clone(),
            language: item.language.clone(),
            context: None,
            source: ItemSource {
                id: item.source.clone(),
                title: item.source.clone(),
                cycle: "synth".into(),
            },
            line_start: item.line_start,
            line_end: item.line_end,
            page_start: None,
            page_end: None,
            reporting_country: None,
            countries: vec![],
            actor: None,
            actor_type: None,
            year: None,
            date: None,
            status: None,
            figures: item.figures.clone(),
            objectives: item
                .objectives
                .iter()
                .map(|m| ItemObjective {
                    id: 0,
                    objective: m.objective,
                    basis: m.basis.as_str().into(),
                    confidence: m.confidence,
                    primary: m.primary,
                    rationale: None,
                    created_by: "import".into(),
                    created_at: now,
                })
                .collect(),
            principles: vec![],
        })
        .collect();
    drop(world);
    let mut group = c.benchmark_group("evidence export");
    group.sample_size(10);
    group.bench_function("csv of 289,500 items", |b| {
        b.iter(|| {
            let table = exports::evidence_table(black_box(&items));
            black_box(exports::encode(&table, CsvOptions::new(false, None)))
        })
    });
    group.finish();
}

criterion_group!(benches, matrix, evidence_export);
criterion_main!(benches);
