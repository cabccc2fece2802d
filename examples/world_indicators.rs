//! Builds the synthetic world of the benchmark, computes every indicator once and prints the time, so its
//! peak memory can be measured from outside: `/usr/bin/time -v target/release/examples/world_indicators`.

use std::time::Instant;

use gcm::framework::ReferenceData;
use gcm::indicators::{self, Dataset, Selection};
use gcm::synth::{generate_facts, SynthSpec};

fn main() {
    let reference = ReferenceData::bundled().expect("bundled reference data");
    let codes: Vec<String> = reference.countries.iter().map(|c| c.iso3.clone()).collect();
    let spec = SynthSpec {
        countries: 193,
        items_per_country: 500,
        cycles: 3,
        seed: 2026,
    };
    let started = Instant::now();
    let (cycles, items) = generate_facts(&spec, &codes);
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
    println!(
        "items: {}, built in {:?}",
        data.items.len(),
        started.elapsed()
    );
    let members: Vec<String> = codes[..193].to_vec();
    let grouping = reference.framework.default_grouping().clone();
    let started = Instant::now();
    let rows = indicators::compute(&data, &Selection::default(), &grouping, &members);
    let gaps = indicators::gaps(&rows);
    println!(
        "indicators for {} countries in {:?}; {} objectives without evidence",
        rows.len(),
        started.elapsed(),
        gaps.objectives_without_evidence.len()
    );
}
