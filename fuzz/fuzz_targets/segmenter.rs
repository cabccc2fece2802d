//! The segmenter on arbitrary text: it never fails, and every passage points at real lines.
#![no_main]

use gcm::mapping::segment;
use gcm::mapping::segment::{MIN_PASSAGE_CHARS, MIN_PASSAGE_WORDS};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Uploads are decoded before they reach the segmenter; lossy decoding keeps every input useful.
    let text = String::from_utf8_lossy(data);
    let passages = segment(&text);
    let line_count = text.lines().count();
    let mut previous_end = 0;
    for passage in &passages {
        assert!(
            1 <= passage.line_start
                && passage.line_start <= passage.line_end
                && passage.line_end <= line_count,
            "lines {}-{} of a {line_count}-line text",
            passage.line_start,
            passage.line_end
        );
        // Passages come in document order and do not share lines: each line is quoted once.
        assert!(
            passage.line_start > previous_end,
            "passage at {}-{} overlaps the one ending at {previous_end}",
            passage.line_start,
            passage.line_end
        );
        previous_end = passage.line_end;
        assert!(!passage.text.trim().is_empty(), "empty passage");
        assert_eq!(
            passage.text,
            passage.text.trim(),
            "passage text not trimmed"
        );
        assert!(passage.text.chars().count() >= MIN_PASSAGE_CHARS);
        assert!(passage.text.split_whitespace().count() >= MIN_PASSAGE_WORDS);
        if let Some(section) = &passage.section {
            assert!(!section.trim().is_empty(), "empty section");
        }
    }
});
