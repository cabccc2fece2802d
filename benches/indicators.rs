//! Full recompute of every indicator for a synthetic world: 193 countries, 3 cycles, 500 items per country
//! per cycle (289,500 items). Target (docs/PERFORMANCE.md): under 250 ms on one core.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use gcm::framework::ReferenceData;
use gcm::indicators::{self, Counting};
use gcm::synth::{world_dataset, SynthSpec};

fn full_recompute(c: &mut Criterion) {
    let reference = ReferenceData::bundled().expect("bundled reference data");
    let spec = SynthSpec {
        countries: 193,
        items_per_country: 500,
        cycles: 3,
        seed: 2026,
    };
    let (data, members) = world_dataset(&spec, &reference);
    let grouping = reference.framework.default_grouping().clone();
    let selection = Counting::default();
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
