//! The import parser and validator on arbitrary files: problems come back as values, never as a panic.
//!
//! Input: files separated by a NUL byte; each file's first byte says what it is (`i` items JSON Lines,
//! `c` cycles.csv, `s` sources.csv, `t` a text in the `sources/` folder, `u` submissions.csv,
//! `h` champions.csv; any other byte picks a kind by its value), the rest is its content. Several files
//! in one input let a sources.csv meet its texts and items meet their sources.
#![no_main]

use std::sync::OnceLock;

use gcm::evidence::batch::ValidationContext;
use gcm::framework::ReferenceData;
use gcm::ingestion::{bundled_fixtures, parse, validate, FileKind, InputFile};
use libfuzzer_sys::fuzz_target;

const KINDS: [FileKind; 6] = [
    FileKind::Items,
    FileKind::Cycles,
    FileKind::Sources,
    FileKind::SourceText,
    FileKind::Submissions,
    FileKind::Champions,
];

/// A store that already holds the bundled fixtures' cycles and sources, so that fixture items (the
/// seeds) reach the span and quote checks instead of stopping at "unknown source".
fn context() -> &'static ValidationContext {
    static CONTEXT: OnceLock<ValidationContext> = OnceLock::new();
    CONTEXT.get_or_init(|| {
        let reference = ReferenceData::bundled().expect("bundled reference data");
        let (fixtures, _) = parse(&bundled_fixtures());
        ValidationContext {
            countries: reference.countries.into_iter().map(|c| c.iso3).collect(),
            principles: reference
                .framework
                .principles
                .into_iter()
                .map(|p| p.key)
                .collect(),
            cycles: fixtures.cycles.into_iter().map(|(_, c)| c.id).collect(),
            sources: fixtures
                .sources
                .into_iter()
                .map(|(_, s)| (s.id, s.body))
                .collect(),
            ..ValidationContext::default()
        }
    })
}

fn files(data: &[u8]) -> Vec<InputFile> {
    let mut files = Vec::new();
    for (index, chunk) in data.split(|b| *b == 0).enumerate() {
        let Some((&tag, content)) = chunk.split_first() else {
            continue;
        };
        let kind = match tag {
            b'i' => FileKind::Items,
            b'c' => FileKind::Cycles,
            b's' => FileKind::Sources,
            b't' => FileKind::SourceText,
            b'u' => FileKind::Submissions,
            b'h' => FileKind::Champions,
            other => KINDS[usize::from(other) % KINDS.len()],
        };
        // The first text is `report.txt`, the name the seeds' sources.csv rows refer to.
        let name = match kind {
            FileKind::Items => format!("fuzz/items{index}.jsonl"),
            FileKind::Cycles => "fuzz/cycles.csv".to_string(),
            FileKind::Sources => "fuzz/sources.csv".to_string(),
            FileKind::SourceText if index == 0 => "fuzz/sources/report.txt".to_string(),
            FileKind::SourceText => format!("fuzz/sources/report{index}.txt"),
            FileKind::Submissions => "fuzz/submissions.csv".to_string(),
            FileKind::Champions => "fuzz/champions.csv".to_string(),
        };
        files.push(InputFile {
            name,
            kind,
            bytes: content.to_vec(),
        });
    }
    files
}

fuzz_target!(|data: &[u8]| {
    let files = files(data);
    let (batch, problems) = parse(&files);
    // A problem names the file it is about, so that a user can find it.
    for problem in &problems {
        assert!(
            files.iter().any(|f| f.name == problem.file),
            "problem names no input file: {problem}"
        );
    }
    // Whatever parsing made of the input, validating it gives problems as values too.
    validate(&batch, context());
});
