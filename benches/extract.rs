//! Extraction throughput (docs/PERFORMANCE.md): a 100-page report printed by Chromium
//! (tests/fixtures/formats/informe-100-paginas.pdf, made by scripts/fixtures/make_format_fixtures.py),
//! read into the canonical text, and then cut into passages; the DOCX of the same report for scale.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use gcm::formats::{extract, passages, ExtractLimits, Format};

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/formats")
        .join(name);
    std::fs::read(path).expect("the format fixtures are committed")
}

fn bench(c: &mut Criterion) {
    let limits = ExtractLimits::default();
    let pdf = fixture("informe-100-paginas.pdf");
    let pages = extract(&pdf, Format::Pdf, &limits)
        .expect("the fixture reads")
        .pages
        .unwrap_or(0);
    assert_eq!(pages, 100);

    let mut group = c.benchmark_group("extract");
    group.sample_size(10);
    group.throughput(Throughput::Elements(pages as u64));
    group.bench_function("pdf 100 pages (pages/s)", |b| {
        b.iter(|| extract(black_box(&pdf), Format::Pdf, &limits).expect("reads"))
    });
    group.throughput(Throughput::Bytes(pdf.len() as u64));
    group.bench_function("pdf 100 pages + passages (bytes/s)", |b| {
        b.iter(|| {
            let extracted = extract(black_box(&pdf), Format::Pdf, &limits).expect("reads");
            passages(&extracted).len()
        })
    });
    let docx = fixture("informe.docx");
    group.throughput(Throughput::Bytes(docx.len() as u64));
    group.bench_function("docx 4 pages (bytes/s)", |b| {
        b.iter(|| extract(black_box(&docx), Format::Docx, &limits).expect("reads"))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
