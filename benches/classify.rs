//! Classification throughput (docs/PERFORMANCE.md): MB of text per second on one core, on a realistic
//! 100-page report (~300 KB) built from the seed texts with page numbers and a running header every page,
//! classified whole, passage by passage, and end to end (segment + classify every passage); the same
//! with a model trained on the annotated corpus (fixtures/items.jsonl), and passage by passage with the
//! headings each passage sits under.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use gcm::mapping::{segment, train, Classifier, LabelledPassage, TrainOptions};

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

/// The annotated items as labelled passages (their source lines), as `tests/learning.rs` reads them.
fn corpus() -> Vec<LabelledPassage> {
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut files = std::collections::HashMap::new();
    let mut reader = csv::Reader::from_path(fixtures.join("sources.csv")).expect("sources.csv");
    for record in reader.records() {
        let record = record.expect("a sources.csv record");
        let text =
            std::fs::read_to_string(fixtures.join("sources").join(&record[1])).expect("seed text");
        let lines: Vec<String> = text.lines().map(str::to_string).collect();
        files.insert(record[0].to_string(), lines);
    }
    std::fs::read_to_string(fixtures.join("items.jsonl"))
        .expect("items.jsonl")
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).expect("an item");
            let source = value["source"].as_str().unwrap_or_default().to_string();
            let lines = &files[&source];
            let start = value["line_start"].as_u64().unwrap_or(1).max(1) as usize;
            let end = (value["line_end"].as_u64().unwrap_or(0) as usize).min(lines.len());
            let positive = value["objectives"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|m| m["objective"].as_u64())
                .map(|n| n as u8)
                .collect();
            LabelledPassage {
                document: source,
                language: value["language"]
                    .as_str()
                    .and_then(|l| l.parse().ok())
                    .unwrap_or(gcm::mapping::Language::Und),
                text: lines
                    .get(start - 1..end)
                    .map(|l| l.join("\n"))
                    .unwrap_or_default(),
                positive,
                negative: Default::default(),
                primary: None,
            }
        })
        .collect()
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

    let model = train(
        &corpus(),
        &TrainOptions::default(),
        chrono::NaiveDateTime::default(),
    )
    .expect("a model trained on the corpus");
    let trained = Classifier::with_model(&model).expect("the model compiles");
    eprintln!(
        "trained model {}: {} terms, {} n-grams, {} bytes of JSON",
        model.version,
        model.terms.len(),
        model.ngrams.len(),
        model.to_json().len()
    );
    let mut group = c.benchmark_group("classify with the trained model");
    group.sample_size(20);
    group.throughput(Throughput::Bytes(report.len() as u64));
    group.bench_function("whole 100-page report as one text", |b| {
        b.iter(|| trained.classify(black_box(&report), None))
    });
    group.throughput(Throughput::Bytes(passage_bytes as u64));
    group.bench_function("each passage of the report", |b| {
        b.iter(|| {
            for passage in &passages {
                black_box(trained.classify(black_box(&passage.text), None));
            }
        })
    });
    group.bench_function("each passage with its headings", |b| {
        b.iter(|| {
            for passage in &passages {
                black_box(trained.classify_passage(black_box(passage), None));
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
