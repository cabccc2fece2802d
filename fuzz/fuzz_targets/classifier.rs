//! The classifier on arbitrary text, for each language option: spans stay inside the text, scores in
//! [0, 1], objectives 1-23, best first.
#![no_main]

use gcm::mapping::classify::MAX_EVIDENCE;
use gcm::mapping::{Classifier, Evidence, Language, DEFAULT_THRESHOLD, PRINCIPLES};
use libfuzzer_sys::fuzz_target;

const OPTIONS: [Option<Language>; 6] = [
    None,
    Some(Language::En),
    Some(Language::Es),
    Some(Language::Pt),
    Some(Language::Fr),
    Some(Language::Und),
];

fn check_evidence(evidence: &[Evidence], chars: &[char]) {
    assert!(!evidence.is_empty(), "a suggestion without evidence");
    assert!(evidence.len() <= MAX_EVIDENCE);
    for span in evidence {
        assert!(
            span.start < span.end && span.end <= chars.len(),
            "span {}-{} in a text of {} chars",
            span.start,
            span.end,
            chars.len()
        );
        // A match starts at a word: the span's first character is a letter or digit of the original.
        let first = chars.get(span.start).copied();
        assert!(
            first.is_some_and(char::is_alphanumeric),
            "span {}-{} ({:?}) starts at {first:?}",
            span.start,
            span.end,
            span.term
        );
    }
}

fn check_score(score: f64) {
    assert!((0.0..=1.0).contains(&score), "score {score}");
    assert!(
        score >= DEFAULT_THRESHOLD,
        "score {score} under the threshold"
    );
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let chars: Vec<char> = text.chars().collect();
    let classifier = Classifier::bundled();
    for option in OPTIONS {
        let classification = classifier.classify(&text, option);
        match option {
            Some(language) => assert_eq!(classification.language, language),
            None => assert_eq!(classification.language, classifier.detect_language(&text)),
        }
        for suggestion in &classification.objectives {
            assert!((1..=23).contains(&suggestion.objective));
            check_score(suggestion.score);
            check_evidence(&suggestion.evidence, &chars);
        }
        for pair in classification.objectives.windows(2) {
            assert!(
                pair[0].score > pair[1].score
                    || (pair[0].score == pair[1].score && pair[0].objective < pair[1].objective),
                "objectives out of order: {} ({}) before {} ({})",
                pair[0].objective,
                pair[0].score,
                pair[1].objective,
                pair[1].score
            );
        }
        for suggestion in &classification.principles {
            assert!(PRINCIPLES.contains(&suggestion.principle));
            check_score(suggestion.score);
            check_evidence(&suggestion.evidence, &chars);
        }
        for pair in classification.principles.windows(2) {
            assert!(pair[0].score >= pair[1].score, "principles out of order");
            assert_ne!(pair[0].principle, pair[1].principle);
        }
    }
});
