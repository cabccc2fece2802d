//! The segmenter and the classifier on every seed text and on adversarial input: nothing panics, every
//! span stays inside its text, and every evidence span holds (once folded) the term it names.

use gcm::mapping::normalise::Normalised;
use gcm::mapping::{segment, Classifier, Language};

fn seeds() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sources");
    let mut texts: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            (name, std::fs::read_to_string(&path).unwrap())
        })
        .collect();
    texts.sort();
    assert_eq!(texts.len(), 5, "the five seed texts");
    texts
}

/// Classifies `text` with every suggestion (threshold 0) and checks each evidence span against it.
fn check_spans(text: &str, language: Option<Language>) -> usize {
    let classification = Classifier::bundled().classify_with_threshold(text, language, 0.0);
    let chars: Vec<char> = text.chars().collect();
    let mut spans = 0;
    let evidence = classification
        .objectives
        .iter()
        .flat_map(|s| s.evidence.iter())
        .chain(
            classification
                .principles
                .iter()
                .flat_map(|s| s.evidence.iter()),
        );
    for span in evidence {
        assert!(
            span.start < span.end && span.end <= chars.len(),
            "{span:?} in {} chars",
            chars.len()
        );
        let quoted: String = chars[span.start..span.end].iter().collect();
        assert_eq!(
            Normalised::term(&quoted),
            Normalised::term(&span.term),
            "{span:?}"
        );
        spans += 1;
    }
    for pair in classification.objectives.windows(2) {
        assert!(pair[0].score >= pair[1].score, "objectives best first");
    }
    spans
}

#[test]
fn every_seed_text_segments_and_classifies_with_spans_inside_the_text() {
    for (name, text) in seeds() {
        let lines = text.lines().count();
        let passages = segment(&text);
        assert!(passages.len() > 10, "{name}: {} passages", passages.len());
        let mut spans = 0;
        let mut previous_end = 0;
        for passage in &passages {
            assert!(
                passage.line_start >= 1
                    && passage.line_start <= passage.line_end
                    && passage.line_end <= lines,
                "{name}: {passage:?}"
            );
            // Passages come in document order and do not overlap.
            assert!(passage.line_start > previous_end, "{name}: {passage:?}");
            previous_end = passage.line_end;
            spans += check_spans(&passage.text, None);
        }
        // The whole document at once as well (the benchmark's case).
        spans += check_spans(&text, None);
        assert!(spans > 100, "{name}: only {spans} evidence spans");
    }
}

#[test]
fn adversarial_input_neither_panics_nor_gives_spans_outside_the_text() {
    let long_word = "a".repeat(100_000);
    let many_lines = "- \n#\n12\n\n".repeat(10_000);
    let mixed = "trata de personas ".repeat(20_000);
    let cases: Vec<String> = vec![
        String::new(),
        " ".into(),
        "\0\0\0".into(),
        "\u{feff}\u{200b}\u{00ad}".into(),
        "e\u{301}\u{301}\u{301}".into(),
        "ﬁnancial inclusion ﬁ ﬂ ß".into(),
        "\r\n\r\n\r".into(),
        "[](#)[[[]]]((()))](".into(),
        "# \n## \n###### #".into(),
        "1.\n2)\na)\n- \n* \n•".into(),
        "移民の権利 حقوق المهاجرين права мигрантов 🙂🙂 remittances".into(),
        "remittances¹²³ migrants12 , trafficking٣".into(),
        "\u{10ffff}\u{e000}\u{fffd}".into(),
        "tráfico\u{301} de pessoas".into(),
        "-\n-\n-\nmigra-\n-tion".into(),
        long_word,
        many_lines,
        mixed,
    ];
    for text in &cases {
        for passage in segment(text) {
            assert!(passage.line_start <= passage.line_end);
            check_spans(&passage.text, None);
        }
        for language in [None, Some(Language::Es), Some(Language::Und)] {
            check_spans(text, language);
        }
    }
}
