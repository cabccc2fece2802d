//! Classification throughput (docs/PERFORMANCE.md): MB of text per second on one core, on a realistic
//! 100-page report (~300 KB) built from the seed texts with page numbers and a running header every page,
//! classified whole, passage by passage, and end to end (segment + classify every passage).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use gcm::mapping::{segment, Classifier};

/// About 3 KB a page: seed text lines, then a blank line, the page number and a running header.
const PAGE_BYTES: usize = 3_000;
const PAGES: usize = 100;

fn report() -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sources");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures/sources")
        .map(|entry| entry.expect("entry").path())
        .collect();
    names.sort();
    let lines: Vec<String> = names
        .iter()
        .flat_map(|path| {
            std::fs::read_to_string(path)
                .expect("seed text")
                .lines()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    let mut report = String::with_capacity(PAGES * PAGE_BYTES + PAGE_BYTES);
    let mut page = 1;
    let mut page_bytes = 0;
    for line in lines.iter().cycle() {
        report.push_str(line);
        report.push('\n');
        page_bytes += line.len() + 1;
        if page_bytes >= PAGE_BYTES {
            report.push_str(&format!(
                "\n{page}\n\nNational report on the implementation of the GCM\n\n"
            ));
            page += 1;
            page_bytes = 0;
            if page > PAGES {
                break;
            }
        }
    }
    report
}

fn classify(c: &mut Criterion) {
    let classifier = Classifier::bundled();
    let report = report();
    let passages = segment(&report);
    let passage_bytes: usize = passages.iter().map(|p| p.text.len()).sum();
    eprintln!(
        "report: {} bytes, {} lines, {} passages ({passage_bytes} bytes of passage text)",
        report.len(),
        report.lines().count(),
        passages.len()
    );

    let mut group = c.benchmark_group("classify");
    group.sample_size(20);
    group.throughput(Throughput::Bytes(report.len() as u64));
    group.bench_function("whole 100-page report as one text", |b| {
        b.iter(|| classifier.classify(black_box(&report), None))
    });
    group.throughput(Throughput::Bytes(passage_bytes as u64));
    group.bench_function("each passage of the report", |b| {
        b.iter(|| {
            for passage in &passages {
                black_box(classifier.classify(black_box(&passage.text), None));
            }
        })
    });
    group.finish();

    let mut group = c.benchmark_group("report end to end");
    group.sample_size(20);
    group.throughput(Throughput::Bytes(report.len() as u64));
    group.bench_function("segment + classify every passage (100 pages)", |b| {
        b.iter(|| {
            let passages = segment(black_box(&report));
            passages
                .iter()
                .map(|p| classifier.classify(&p.text, None).objectives.len())
                .sum::<usize>()
        })
    });
    group.bench_function("segment only (100 pages)", |b| {
        b.iter(|| segment(black_box(&report)).len())
    });
    group.finish();
}

criterion_group!(benches, classify);
criterion_main!(benches);
