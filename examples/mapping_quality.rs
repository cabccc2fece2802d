//! Quality of the objective and principle suggestions against the annotated corpus (docs/MAPPING.md).
//!
//! Run from the repository root: `cargo run --release --example mapping_quality`. Options:
//! `--threshold X` (default: the classifier's), `--sweep` (micro F1 per threshold, tuning part only),
//! `--errors` (each tuning item's misses and false suggestions: the only part of the corpus the lexicon
//! may be tuned on), `--root DIR` (where `fixtures/` is; default `.`).
//!
//! Split: an item is in the tuning part when the FNV-1a 64-bit hash of its id, modulo 100, is below 50;
//! otherwise it is held out. The split depends on the id only, so it never changes when items are added.
//! Text classified: the item's source lines (`line_start..=line_end` of its file in fixtures/sources/),
//! as a reviewer would see them; figures are also given for the item's quote alone. Gold: every
//! objective annotated on the item, whatever its basis (cited, subject, section, inferred).
//!
//! `--lodo` prints instead the leave-one-document-out figures of the bundled lexicon and of the trained
//! model on the same folds (each seed document's items scored by a model trained on the other four),
//! overall, per language and per objective. With it: `--part tuning|held-out|all` (which items take
//! part, for training and scoring alike; the training settings were chosen with `--part tuning`),
//! `--l2 X`, `--min-examples N` (training settings; default: the library's).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

use gcm::mapping::evaluate::{Counts as LodoCounts, Figures};
use gcm::mapping::{
    leave_one_document_out, Classification, Classifier, LabelledPassage, Language, TrainOptions,
    DEFAULT_THRESHOLD, PRINCIPLES,
};
use serde_json::Value;

struct Item {
    id: String,
    source: String,
    text: String,
    quote: String,
    language: Option<Language>,
    objectives: BTreeSet<u8>,
    primary: Option<u8>,
    principles: BTreeSet<String>,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Part {
    Tuning,
    HeldOut,
}

fn part_of(id: &str) -> Part {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in id.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    if hash % 100 < 50 {
        Part::Tuning
    } else {
        Part::HeldOut
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut threshold = DEFAULT_THRESHOLD;
    let mut root = PathBuf::from(".");
    let (mut sweep, mut errors, mut lodo) = (false, false, false);
    let mut lodo_part: Option<Part> = None;
    let mut options = TrainOptions::default();
    let mut index = 0;
    while index < args.len() {
        match args[index].as_str() {
            "--threshold" => {
                index += 1;
                threshold = args
                    .get(index)
                    .ok_or("--threshold needs a value")?
                    .parse()?;
            }
            "--root" => {
                index += 1;
                root = PathBuf::from(args.get(index).ok_or("--root needs a value")?);
            }
            "--sweep" => sweep = true,
            "--lodo" => lodo = true,
            "--part" => {
                index += 1;
                lodo_part = match args.get(index).map(String::as_str) {
                    Some("tuning") => Some(Part::Tuning),
                    Some("held-out") => Some(Part::HeldOut),
                    Some("all") => None,
                    _ => return Err("--part is tuning, held-out or all".into()),
                };
            }
            "--l2" => {
                index += 1;
                options.l2 = args.get(index).ok_or("--l2 needs a value")?.parse()?;
            }
            "--min-examples" => {
                index += 1;
                options.min_examples = args
                    .get(index)
                    .ok_or("--min-examples needs a value")?
                    .parse()?;
            }
            "--errors" => errors = true,
            other => return Err(format!("unknown argument {other}").into()),
        }
        index += 1;
    }
    let items = load_items(&root)?;
    if lodo {
        return print_lodo(&items, lodo_part, &options, threshold);
    }
    let classifier = Classifier::bundled();
    println!(
        "lexicon {}; threshold {threshold}; {} items",
        classifier.version(),
        items.len()
    );

    // Everything with any evidence, once per item; thresholds are applied afterwards.
    let runs: Vec<(Part, &Item, Classification, Classification)> = items
        .iter()
        .map(|item| {
            let on_text = classifier.classify_with_threshold(&item.text, item.language, 0.0);
            let on_quote = classifier.classify_with_threshold(&item.quote, item.language, 0.0);
            (part_of(&item.id), item, on_text, on_quote)
        })
        .collect();

    if sweep {
        println!("\n## Threshold sweep (tuning part, source lines)\n");
        println!("| threshold | precision | recall | F1 | principles F1 |");
        println!("|---|---|---|---|---|");
        for step in 2..=19 {
            let t = f64::from(step) * 0.05;
            let m = measure(&runs, Part::Tuning, t, false);
            println!(
                "| {t:.2} | {:.3} | {:.3} | {:.3} | {:.3} |",
                m.objectives.precision(),
                m.objectives.recall(),
                m.objectives.f1(),
                m.principles.f1()
            );
        }
    }

    println!("\n## Summary at threshold {threshold}\n");
    println!("| text | part | items | micro P | micro R | micro F1 | top-1 accuracy | principles P | principles R | principles F1 |");
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for (quote, label) in [(false, "source lines"), (true, "quote only")] {
        for part in [Part::Tuning, Part::HeldOut] {
            let m = measure(&runs, part, threshold, quote);
            println!(
                "| {label} | {} | {} | {:.3} | {:.3} | {:.3} | {:.3} ({}/{}) | {:.3} | {:.3} | {:.3} |",
                part_name(part),
                m.items,
                m.objectives.precision(),
                m.objectives.recall(),
                m.objectives.f1(),
                ratio(m.top1_hits, m.top1_items),
                m.top1_hits,
                m.top1_items,
                m.principles.precision(),
                m.principles.recall(),
                m.principles.f1()
            );
        }
    }

    println!("\n## Language detection (source lines, language not given)\n");
    println!("| part | items | detected as annotated | undetermined | wrong |");
    println!("|---|---|---|---|---|");
    for part in [Part::Tuning, Part::HeldOut] {
        let (mut right, mut undetermined, mut wrong, mut total) = (0, 0, 0, 0);
        for (item_part, item, _, _) in &runs {
            if *item_part != part {
                continue;
            }
            total += 1;
            match classifier.detect_language(&item.text) {
                Language::Und => undetermined += 1,
                detected if Some(detected) == item.language => right += 1,
                _ => wrong += 1,
            }
        }
        println!(
            "| {} | {total} | {right} | {undetermined} | {wrong} |",
            part_name(part)
        );
    }

    println!("\n## Per objective at threshold {threshold}, source lines\n");
    println!("| objective | tuning: gold | P | R | F1 | held-out: gold | P | R | F1 |");
    println!("|---|---|---|---|---|---|---|---|---|");
    let tuning = measure(&runs, Part::Tuning, threshold, false);
    let held_out = measure(&runs, Part::HeldOut, threshold, false);
    for objective in 1..=23u8 {
        let (a, b) = (
            tuning
                .per_objective
                .get(&objective)
                .copied()
                .unwrap_or_default(),
            held_out
                .per_objective
                .get(&objective)
                .copied()
                .unwrap_or_default(),
        );
        println!(
            "| {objective} | {} | {:.2} | {:.2} | {:.2} | {} | {:.2} | {:.2} | {:.2} |",
            a.gold(),
            a.precision(),
            a.recall(),
            a.f1(),
            b.gold(),
            b.precision(),
            b.recall(),
            b.f1()
        );
    }

    if errors {
        println!("\n## Errors on the tuning part (source lines)\n");
        for (part, item, on_text, _) in &runs {
            if *part != Part::Tuning {
                continue;
            }
            let predicted: BTreeMap<u8, &gcm::mapping::Suggestion> = on_text
                .objectives
                .iter()
                .filter(|s| s.score >= threshold)
                .map(|s| (s.objective, s))
                .collect();
            let missed: Vec<u8> = item
                .objectives
                .iter()
                .filter(|o| !predicted.contains_key(o))
                .copied()
                .collect();
            let wrong: Vec<String> = predicted
                .values()
                .filter(|s| !item.objectives.contains(&s.objective))
                .map(|s| {
                    let terms: BTreeSet<&str> = s.evidence.iter().map(|e| &*e.term).collect();
                    format!("{}({:.2}: {:?})", s.objective, s.score, terms)
                })
                .collect();
            if missed.is_empty() && wrong.is_empty() {
                continue;
            }
            let all: Vec<String> = on_text
                .objectives
                .iter()
                .map(|s| format!("{}:{:.2}", s.objective, s.score))
                .collect();
            println!(
                "{} [{}] gold {:?} primary {:?} | missed {missed:?} | false {} | scores {}",
                item.id,
                on_text.language,
                item.objectives,
                item.primary,
                wrong.join(" "),
                all.join(" ")
            );
        }
    }
    Ok(())
}

fn part_name(part: Part) -> &'static str {
    match part {
        Part::Tuning => "tuning",
        Part::HeldOut => "held-out",
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

#[derive(Default, Clone, Copy)]
struct Counts {
    true_positives: usize,
    false_positives: usize,
    false_negatives: usize,
}

impl Counts {
    fn gold(&self) -> usize {
        self.true_positives + self.false_negatives
    }
    fn precision(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_positives,
        )
    }
    fn recall(&self) -> f64 {
        ratio(self.true_positives, self.gold())
    }
    fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    fn add<T: Ord>(&mut self, gold: &BTreeSet<T>, predicted: &BTreeSet<T>) {
        self.true_positives += gold.intersection(predicted).count();
        self.false_positives += predicted.difference(gold).count();
        self.false_negatives += gold.difference(predicted).count();
    }
}

struct Measures {
    items: usize,
    objectives: Counts,
    principles: Counts,
    per_objective: HashMap<u8, Counts>,
    top1_hits: usize,
    top1_items: usize,
}

fn measure(
    runs: &[(Part, &Item, Classification, Classification)],
    part: Part,
    threshold: f64,
    quote: bool,
) -> Measures {
    let mut m = Measures {
        items: 0,
        objectives: Counts::default(),
        principles: Counts::default(),
        per_objective: HashMap::new(),
        top1_hits: 0,
        top1_items: 0,
    };
    for (item_part, item, on_text, on_quote) in runs {
        if *item_part != part {
            continue;
        }
        let classification = if quote { on_quote } else { on_text };
        m.items += 1;
        let predicted: BTreeSet<u8> = classification
            .objectives
            .iter()
            .filter(|s| s.score >= threshold)
            .map(|s| s.objective)
            .collect();
        m.objectives.add(&item.objectives, &predicted);
        for objective in 1..=23u8 {
            let counts = m.per_objective.entry(objective).or_default();
            let gold: BTreeSet<u8> = item
                .objectives
                .iter()
                .filter(|o| **o == objective)
                .copied()
                .collect();
            let guessed: BTreeSet<u8> = predicted
                .iter()
                .filter(|o| **o == objective)
                .copied()
                .collect();
            counts.add(&gold, &guessed);
        }
        if let Some(primary) = item.primary {
            m.top1_items += 1;
            // Best first; below the threshold there is no suggestion, hence no top-1.
            let best = classification
                .objectives
                .first()
                .filter(|s| s.score >= threshold);
            if best.is_some_and(|s| s.objective == primary) {
                m.top1_hits += 1;
            }
        }
        let predicted: BTreeSet<String> = classification
            .principles
            .iter()
            .filter(|s| s.score >= threshold)
            .map(|s| s.principle.to_string())
            .collect();
        m.principles.add(&item.principles, &predicted);
    }
    m
}

fn load_items(root: &std::path::Path) -> Result<Vec<Item>, Box<dyn std::error::Error>> {
    let fixtures = root.join("fixtures");
    let mut files: HashMap<String, Vec<String>> = HashMap::new();
    let mut reader = csv::Reader::from_path(fixtures.join("sources.csv"))?;
    let headers = reader.headers()?.clone();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let (id_column, file_column) = (
        column("id").ok_or("sources.csv has no id")?,
        column("file").ok_or("sources.csv has no file")?,
    );
    for record in reader.records() {
        let record = record?;
        let text = std::fs::read_to_string(fixtures.join("sources").join(&record[file_column]))?;
        files.insert(
            record[id_column].to_string(),
            text.lines().map(str::to_string).collect(),
        );
    }
    let mut items = Vec::new();
    for line in std::fs::read_to_string(fixtures.join("items.jsonl"))?.lines() {
        if line.trim().is_empty() {
            continue;
        }
        let value: Value = serde_json::from_str(line)?;
        let id = value["id"].as_str().ok_or("item without id")?.to_string();
        let lines = files
            .get(value["source"].as_str().unwrap_or_default())
            .ok_or_else(|| format!("{id}: unknown source"))?;
        let start = value["line_start"].as_u64().unwrap_or(1).max(1) as usize;
        let end = (value["line_end"].as_u64().unwrap_or(0) as usize).min(lines.len());
        let text = lines
            .get(start - 1..end)
            .map(|span| span.join("\n"))
            .unwrap_or_default();
        let mut objectives = BTreeSet::new();
        let mut primary = None;
        for mapping in value["objectives"].as_array().into_iter().flatten() {
            if let Some(n) = mapping["objective"].as_u64() {
                objectives.insert(n as u8);
                if mapping["primary"].as_bool() == Some(true) {
                    primary = Some(n as u8);
                }
            }
        }
        let principles = value["principles"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| p.as_str().or_else(|| p["principle"].as_str()))
            .filter(|p| PRINCIPLES.contains(p))
            .map(str::to_string)
            .collect();
        items.push(Item {
            id,
            source: value["source"].as_str().unwrap_or_default().to_string(),
            text,
            quote: value["quote"].as_str().unwrap_or_default().to_string(),
            language: value["language"].as_str().and_then(|l| l.parse().ok()),
            objectives,
            primary,
            principles,
        });
    }
    Ok(items)
}

/// Leave-one-document-out: the lexicon and the trained model on the same folds (the seed documents).
fn print_lodo(
    items: &[Item],
    part: Option<Part>,
    options: &TrainOptions,
    threshold: f64,
) -> Result<(), Box<dyn std::error::Error>> {
    let passages: Vec<LabelledPassage> = items
        .iter()
        .filter(|item| part.is_none_or(|p| part_of(&item.id) == p))
        .map(|item| LabelledPassage {
            document: item.source.clone(),
            language: item.language.unwrap_or(Language::Und),
            text: item.text.clone(),
            positive: item.objectives.clone(),
            negative: BTreeSet::new(),
            primary: item.primary,
        })
        .collect();
    let started = std::time::Instant::now();
    let lodo = leave_one_document_out(&passages, options, threshold)?;
    println!(
        "leave-one-document-out over {} items of {} documents ({}); threshold {threshold}; {options:?}; {:.1} s",
        passages.len(),
        lodo.documents.len(),
        part.map_or("all", part_name),
        started.elapsed().as_secs_f64()
    );
    if !lodo.untrained.is_empty() {
        println!("folds with nothing to learn from: {:?}", lodo.untrained);
    }
    let row = |label: &str, f: &Figures| {
        println!(
            "| {label} | {} | {:.3} ({}/{}) | {:.3} ({}/{}) | {:.3} | {:.3} | {:.3} |",
            f.passages,
            f.top1.rate(),
            f.top1.hits,
            f.top1.total,
            f.top3.rate(),
            f.top3.hits,
            f.top3.total,
            f.micro.precision(),
            f.micro.recall(),
            f.micro.f1()
        )
    };
    println!("\n| model | items | top-1 | top-3 | micro P | micro R | micro F1 |");
    println!("|---|---|---|---|---|---|---|");
    row("lexicon", &lodo.lexicon.overall);
    row("trained", &lodo.trained.overall);
    println!("\n| language, model | items | top-1 | top-3 | micro P | micro R | micro F1 |");
    println!("|---|---|---|---|---|---|---|");
    for (language, figures) in &lodo.lexicon.per_language {
        row(&format!("{language}, lexicon"), figures);
        if let Some(trained) = lodo.trained.per_language.get(language) {
            row(&format!("{language}, trained"), trained);
        }
    }
    println!("\n| objective | gold | lexicon P | R | F1 | trained P | R | F1 |");
    println!("|---|---|---|---|---|---|---|---|");
    for objective in 1..=23u8 {
        let get = |report: &gcm::mapping::Report| -> LodoCounts {
            report
                .per_objective
                .get(&objective)
                .copied()
                .unwrap_or_default()
        };
        let (a, b) = (get(&lodo.lexicon), get(&lodo.trained));
        println!(
            "| {objective} | {} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} |",
            a.gold(),
            a.precision(),
            a.recall(),
            a.f1(),
            b.precision(),
            b.recall(),
            b.f1()
        );
    }
    println!(
        "\nverdict (trained against lexicon): {:?}",
        gcm::mapping::compare(&lodo.lexicon, &lodo.trained)
    );
    Ok(())
}
