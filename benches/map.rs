//! Rendering the map (docs/MAP.md): the world and Latin America and the Caribbean, SVG and PNG, at their
//! natural sizes. Every country of the group has a figure: about a third without evidence (hatched, the
//! costliest style), the others spread over the five classes.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use gcm::charts::map::{self, MapChart, MapExtent, MapLabels, MapLanguage, MapValue};
use gcm::framework::ReferenceData;
use gcm::selection::groups::LAC_SUBREGIONS;

fn values(codes: &[String], all: &[String]) -> Vec<MapValue> {
    all.iter()
        .enumerate()
        .map(|(i, iso3)| MapValue {
            iso3: iso3.clone(),
            name: iso3.clone(),
            // 0, 7, 14, 21, 5, 12, 19, 3, ...: 0 (no evidence) one time in three or so.
            value: Some((i as u32 * 7) % 24).filter(|_| i % 3 != 0),
            in_group: codes.contains(iso3),
        })
        .collect()
}

fn map(c: &mut Criterion) {
    let reference = ReferenceData::bundled().expect("bundled reference data");
    let all: Vec<String> = reference.countries.iter().map(|c| c.iso3.clone()).collect();
    let lac: Vec<String> = reference
        .countries
        .iter()
        .filter(|c| {
            c.subregion
                .as_deref()
                .is_some_and(|s| LAC_SUBREGIONS.contains(&s))
        })
        .map(|c| c.iso3.clone())
        .collect();
    let cases = [
        ("world", MapExtent::World, values(&all, &all)),
        ("world, LAC group", MapExtent::World, values(&lac, &all)),
        ("LAC", MapExtent::Countries(lac.clone()), values(&lac, &all)),
    ];
    let mut group = c.benchmark_group("map");
    group.sample_size(20);
    for (name, extent, values) in cases {
        let summary = map::map_summary("the group", &values, MapLanguage::English);
        let chart = MapChart {
            title: format!("Objectives with evidence: {name}"),
            subtitle: "benchmark".into(),
            extent,
            values,
            labels: MapLabels::new(MapLanguage::English),
            summary,
        };
        let size = map::map_size(&chart.extent);
        group.bench_function(format!("svg {name}"), |b| {
            b.iter(|| black_box(map::map_svg(&chart, size).unwrap()))
        });
        group.bench_function(format!("png {name}"), |b| {
            b.iter(|| black_box(map::map_png(&chart, size).unwrap()))
        });
    }
    group.finish();
}

criterion_group!(benches, map);
criterion_main!(benches);
