//! Builds the synthetic world of the benchmark, computes every indicator once and prints the time, so its
//! peak memory can be measured from outside: `/usr/bin/time -v target/release/examples/world_indicators`.

use std::time::Instant;

use gcm::framework::ReferenceData;
use gcm::indicators::{self, Counting};
use gcm::synth::{world_dataset, SynthSpec};

fn main() {
    let reference = ReferenceData::bundled().expect("bundled reference data");
    let spec = SynthSpec {
        countries: 193,
        items_per_country: 500,
        cycles: 3,
        seed: 2026,
    };
    let started = Instant::now();
    // Generated country by country: only the reduced facts of the whole world are held at once.
    let (data, members) = world_dataset(&spec, &reference);
    println!(
        "items: {}, built in {:?}",
        data.items.len(),
        started.elapsed()
    );
    let grouping = reference.framework.default_grouping().clone();
    let started = Instant::now();
    let rows = indicators::compute(&data, &Counting::default(), &grouping, &members);
    let gaps = indicators::gaps(&rows);
    println!(
        "indicators for {} countries in {:?}; {} objectives without evidence",
        rows.len(),
        started.elapsed(),
        gaps.objectives_without_evidence.len()
    );
}
