//! The words that triggered a suggestion, marked in the passage's text. A suggestion's rationale names
//! its terms with character offsets into the passage (`lexicon gcm-lexicon-2026.1: "trata" at 10-15,
//! "víctimas" at 30-38`); the passage becomes a list of segments, each marked or not, which the template
//! writes with `<mark>` around the marked ones. Every segment is text, escaped by the template: nothing
//! of the passage or the rationale is ever written as markup.

/// A term of a rationale and where it stands in the passage: `start..end` in characters (Unicode scalar
/// values), end exclusive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub term: String,
    pub start: usize,
    pub end: usize,
}

/// A run of the passage's text, marked when a suggestion's term covers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub text: String,
    pub marked: bool,
}

/// The terms a rationale names, in its order, with their spans in the passage: those of its `lexicon`
/// part (`"trata" at 10-15`) and the words of its `learned` part that argued for the suggestion
/// (`"víctimas" +0.42 at 30-38`). The `heading "..." (line N)` parts name a heading the passage sits
/// under, which is not in the passage's text: they are skipped. Anything else is skipped too, so a
/// rationale written by hand (or by an older classifier) yields fewer terms, never an error.
pub fn rationale_terms(rationale: &str) -> Vec<Term> {
    let Some(start) = terms_start(rationale) else {
        return Vec::new();
    };
    let mut terms = Vec::new();
    let mut rest = &rationale[start..];
    while let Some(open) = rest.find('"') {
        let after_open = &rest[open + 1..];
        let Some(close) = after_open.find('"') else {
            break;
        };
        let term = &after_open[..close];
        rest = &after_open[close + 1..];
        if let Some((span, consumed)) = span_after(rest) {
            terms.push(Term {
                term: term.to_string(),
                start: span.0,
                end: span.1,
            });
            rest = &rest[consumed..];
        }
    }
    terms
}

/// Where a rationale's term lists begin: after its headings, whose text is the report's own and may
/// hold anything.
fn terms_start(rationale: &str) -> Option<usize> {
    ["lexicon ", "learned "]
        .into_iter()
        .filter_map(|key| {
            rationale
                .match_indices(key)
                .map(|(at, _)| at)
                .find(|&at| at == 0 || rationale[..at].ends_with("; "))
        })
        .min()
}

/// The headings a rationale names (`heading "Objetivo 5: vías regulares" (line 40)`): the passage sits
/// under them, and they name the objective.
pub fn rationale_headings(rationale: &str) -> Vec<String> {
    let end = terms_start(rationale).unwrap_or(rationale.len());
    rationale[..end]
        .split("; ")
        .filter_map(|part| {
            let quoted = part
                .strip_prefix("area heading ")
                .or_else(|| part.strip_prefix("heading "))?
                .strip_prefix('"')?;
            let close = quoted.rfind("\" (line ")?;
            Some(quoted[..close].to_string())
        })
        .collect()
}

/// ` at START-END`, or ` +W at START-END` (a learned word's weight; a negative one argued against the
/// suggestion and gives nothing), at the start of `text`: the span and the bytes it took.
fn span_after(text: &str) -> Option<((usize, usize), usize)> {
    let mut at = 0;
    if let Some(weighted) = text.strip_prefix(' ').filter(|t| t.starts_with(['+', '-'])) {
        if weighted.starts_with('-') {
            return None;
        }
        let length = 1 + weighted[1..]
            .bytes()
            .take_while(|b| b.is_ascii_digit() || *b == b'.')
            .count();
        at = 1 + length;
    }
    let rest = text[at..].strip_prefix(" at ")?;
    at += 4;
    let digits = |text: &str| -> (Option<usize>, usize) {
        let length = text.bytes().take_while(u8::is_ascii_digit).count();
        (text[..length].parse().ok(), length)
    };
    let (start, start_len) = digits(rest);
    let after = rest[start_len..].strip_prefix('-')?;
    let (end, end_len) = digits(after);
    let (start, end) = (start?, end?);
    (end > start).then_some(((start, end), at + start_len + 1 + end_len))
}

/// `text` cut into segments, the character spans `spans` (start inclusive, end exclusive) marked.
/// Overlapping and touching spans merge into one mark; spans past the end of the text are cut to it,
/// empty ones dropped. Adjacent segments always differ in `marked`, and their texts join to `text`.
pub fn marked_segments(text: &str, spans: &[(usize, usize)]) -> Vec<Segment> {
    let length = text.chars().count();
    let mut spans: Vec<(usize, usize)> = spans
        .iter()
        .map(|&(start, end)| (start.min(length), end.min(length)))
        .filter(|(start, end)| start < end)
        .collect();
    spans.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
    for (start, end) in spans {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    // Byte offsets of every character boundary, so each cut is on one.
    let mut boundaries: Vec<usize> = text.char_indices().map(|(at, _)| at).collect();
    boundaries.push(text.len());
    let mut segments = Vec::with_capacity(merged.len() * 2 + 1);
    let mut at = 0;
    let mut push = |from: usize, to: usize, marked: bool| {
        if from < to {
            segments.push(Segment {
                text: text[boundaries[from]..boundaries[to]].to_string(),
                marked,
            });
        }
    };
    for (start, end) in merged {
        push(at, start, false);
        push(start, end, true);
        at = end;
    }
    push(at, length, false);
    segments
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(segments: &[Segment]) -> String {
        segments
            .iter()
            .map(|s| {
                if s.marked {
                    format!("[{}]", s.text)
                } else {
                    s.text.clone()
                }
            })
            .collect()
    }

    #[test]
    fn a_rationale_names_its_terms_and_their_spans() {
        let terms = rationale_terms(
            "lexicon gcm-lexicon-2026.1: \"trata\" at 10-15, \"víctimas de trata\" at 30-47 and 2 more",
        );
        assert_eq!(
            terms,
            vec![
                Term {
                    term: "trata".into(),
                    start: 10,
                    end: 15
                },
                Term {
                    term: "víctimas de trata".into(),
                    start: 30,
                    end: 47
                },
            ]
        );
        // Text that is not a term list gives nothing, and a broken entry is skipped.
        assert!(rationale_terms("accepted by hand").is_empty());
        assert!(rationale_terms("").is_empty());
        assert_eq!(
            rationale_terms("lexicon x: \"a\" at 5-, \"b\" at 7-3, \"c\" at 1-2").len(),
            1
        );
        assert_eq!(
            rationale_terms("lexicon x: \"x\" at 99999999999999999999999-1"),
            vec![]
        );
    }

    #[test]
    fn headings_are_skipped_and_learned_words_for_it_kept() {
        // A heading's text is the report's and not in the passage: even one with quotes and " at " in
        // it gives no span. The lexicon's terms and the learned words with a positive weight do.
        let rationale = "heading \"Objetivo 5: \"vías\" at 1-2\" (line 40); area heading \"Tema\" \
                         (line 38, TA2); lexicon gcm-lexicon-2026.1: \"regularización\" at 10-24; \
                         learned m1: \"permisos\" +0.42 at 30-38, \"no\" -0.10 at 40-42";
        let spans: Vec<(String, usize, usize)> = rationale_terms(rationale)
            .into_iter()
            .map(|t| (t.term, t.start, t.end))
            .collect();
        assert_eq!(
            spans,
            vec![
                ("regularización".to_string(), 10, 24),
                ("permisos".to_string(), 30, 38)
            ]
        );
        assert!(rationale_terms("heading \"Objetivo 5\" (line 40)").is_empty());
        assert_eq!(
            rationale_headings(rationale),
            vec![
                "Objetivo 5: \"vías\" at 1-2".to_string(),
                "Tema".to_string()
            ]
        );
        assert!(rationale_headings("lexicon x: \"a\" at 1-2").is_empty());
        assert_eq!(rationale_terms("learned m: \"x\" +0.5 at 0-1").len(), 1);
    }

    #[test]
    fn spans_are_characters_and_merge_when_they_meet() {
        // "El Estado protege a las víctimas de trata": "víctimas" is characters 24-32 (the í is one
        // character, two bytes), "trata" 36-41; "de trata" (33-41) overlaps "trata" and merges with it.
        let text = "El Estado protege a las víctimas de trata";
        assert_eq!(
            shown(&marked_segments(text, &[(36, 41), (24, 32), (33, 41)])),
            "El Estado protege a las [víctimas] [de trata]"
        );
        // Touching spans become one mark; a span past the end is cut to it; empty and reversed spans
        // are dropped.
        assert_eq!(
            shown(&marked_segments(
                "abcdef",
                &[(0, 2), (2, 3), (5, 99), (4, 4), (3, 1)]
            )),
            "[abc]de[f]"
        );
        assert_eq!(shown(&marked_segments("ñandú", &[])), "ñandú");
        assert!(marked_segments("", &[(0, 3)]).is_empty());
    }

    #[test]
    fn segments_join_back_to_the_text_whatever_the_spans() {
        let text = "Niñas, niños y adolescentes no acompañados — 🙂 «protección»";
        let length = text.chars().count();
        for a in 0..length + 2 {
            for b in [0, 1, 7, length, length + 3] {
                let segments = marked_segments(text, &[(a, a + 3), (b, a)]);
                let joined: String = segments.iter().map(|s| s.text.as_str()).collect();
                assert_eq!(joined, text);
                assert!(segments.windows(2).all(|w| w[0].marked != w[1].marked));
                assert!(segments.iter().all(|s| !s.text.is_empty()));
            }
        }
    }

    #[test]
    fn markup_in_a_passage_stays_text() {
        // The segments are text: `<script>` stays in one, for the template to escape.
        let segments = marked_segments("<script>alert(1)</script> trata", &[(26, 31)]);
        assert_eq!(segments[0].text, "<script>alert(1)</script> ");
        assert!(!segments[0].marked);
        assert_eq!(segments[1].text, "trata");
    }
}
