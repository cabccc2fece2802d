//! Full recompute of every indicator for a synthetic world: 193 countries, 3 cycles, 500 items per country
//! per cycle (289,500 items). Target (docs/PERFORMANCE.md): under 250 ms on one core.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use gcm::framework::ReferenceData;
use gcm::indicators::{self, Dataset, Selection};
use gcm::synth::{generate_facts, SynthSpec};

fn world() -> (Dataset, Vec<String>, gcm::framework::Grouping) {
    let reference = ReferenceData::bundled().expect("bundled reference data");
    let codes: Vec<String> = reference.countries.iter().map(|c| c.iso3.clone()).collect();
    let spec = SynthSpec {
        countries: 193,
        items_per_country: 500,
        cycles: 3,
        seed: 2026,
    };
    let (cycles, items) = generate_facts(&spec, &codes);
    let members: Vec<String> = codes[..193].to_vec();
    let data = Dataset {
        items,
        principles: reference
            .framework
            .principles
            .iter()
            .map(|p| p.key.clone())
            .collect(),
        cycles: cycles.iter().map(|c| c.id.clone()).collect(),
        ..Dataset::default()
    };
    (
        data,
        members,
        reference.framework.default_grouping().clone(),
    )
}

fn full_recompute(c: &mut Criterion) {
    let (data, members, grouping) = world();
    let selection = Selection::default();
    let mut group = c.benchmark_group("world");
    group.sample_size(20);
    group.bench_function("indicators 193 countries x 3 cycles x 500 items", |b| {
        b.iter(|| {
            let rows = indicators::compute(black_box(&data), &selection, &grouping, &members);
            let gaps = indicators::gaps(&rows);
            let peers = indicators::compare_with_peers(&rows[0], &rows);
            black_box((rows, gaps, peers))
        })
    });
    group.finish();
}

criterion_group!(benches, full_recompute);
criterion_main!(benches);
