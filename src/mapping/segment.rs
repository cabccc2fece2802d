//! Cutting a plain-text or Markdown report into passages: paragraphs and list items, with their line spans.
//!
//! Reports arrive converted from PDF, so the segmenter expects and repairs its debris:
//! - lines broken mid-sentence are joined with a space, and a word hyphenated at a line end is mended
//!   ("migra-" + "tion" → "migration");
//! - a paragraph cut by a page break (blank lines, a page number, a running header) continues when the
//!   text before it did not end a sentence and the text after it starts in lower case, or when a long
//!   line was cut at two or more blank lines;
//! - bare page numbers ("12", "- 12 -", "Page 12 of 40", "xii") and running headers and footers (a short
//!   line repeated [`RUNNING_LINE_REPEATS`] times or more, digits aside) are dropped;
//! - footnote marks glued to words are removed: digits right after a lower-case letter and before a space
//!   or punctuation ("migrants12 ," → "migrants,"), and superscript digits ("Secretariat¹");
//! - Markdown links keep their text only ("[Act 25,781](#)" → "Act 25,781"; "[](#)" → nothing);
//! - Markdown headings (`# …`) and short standalone lines without final punctuation (titles whose `#`
//!   the conversion lost) become the `section` of the passages after them, not passages themselves;
//! - so does a single line that names a GCM objective or thematic area ([`super::structure`]):
//!   "Objetivo 13:", "2.2 Thematic area 2:", or "13. " followed by the objective's title when it stands
//!   alone between blank lines (in a tight numbered list the objectives are list items);
//! - every passage also gets the stack of headings it sits under (`headings`, outermost first): a
//!   heading ends at the next heading of the same or a higher level (a smaller number);
//! - fragments shorter than [`MIN_PASSAGE_CHARS`] characters or [`MIN_PASSAGE_WORDS`] words are dropped.

use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::structure::{self, Named};

/// A passage shorter than this (in chars, after cleaning) is a fragment, not a passage.
pub const MIN_PASSAGE_CHARS: usize = 25;
/// A passage with fewer words than this is a fragment.
pub const MIN_PASSAGE_WORDS: usize = 4;
/// A short line seen this many times in one document is a running header or footer.
pub const RUNNING_LINE_REPEATS: usize = 3;
/// Lines up to this length (chars) may be running headers, or titles when they stand alone.
pub const SHORT_LINE_CHARS: usize = 80;
/// A Markdown heading longer than this (chars) is a paragraph with a stray `#`, kept as a passage.
pub const MAX_HEADING_CHARS: usize = 200;
/// A line at least this long that ends without punctuation was probably cut by a page break.
const LONG_LINE_CHARS: usize = 60;
/// The level of a title line that is neither numbered nor names an objective ("Avances", "Challenges"):
/// below every Markdown level, so it nests under the heading before it instead of ending it.
pub const MINOR_HEADING_LEVEL: u8 = 7;
/// The level of an unnumbered title line naming a thematic area, and one naming an objective: an area
/// holds objectives.
const AREA_HEADING_LEVEL: u8 = 1;
const OBJECTIVE_HEADING_LEVEL: u8 = 2;

/// A heading of the document: a Markdown heading, or a line the segmenter read as a title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Heading {
    /// 1-6 for Markdown `#`..`######` and for numbered sections ("2.1" is 2, "13." is 1); for other
    /// title lines 1 when they name a thematic area, 2 an objective, else [`MINOR_HEADING_LEVEL`].
    pub level: u8,
    /// As written (cleaned like passage text).
    pub text: String,
    /// Its line (1-based).
    pub line: usize,
    /// The objectives or thematic area it names, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub names: Option<Named>,
}

/// One passage of a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Passage {
    /// First line (1-based) of the passage in the document.
    pub line_start: usize,
    /// Last line (1-based, inclusive).
    pub line_end: usize,
    /// The cleaned text: lines joined, debris removed.
    pub text: String,
    /// The heading or title the passage sits under, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    /// Every heading the passage sits under, outermost first (the last one's text is `section`).
    /// Shared by the passages under the same headings.
    #[serde(default, skip_serializing_if = "no_headings")]
    pub headings: Arc<[Heading]>,
}

fn no_headings(headings: &Arc<[Heading]>) -> bool {
    headings.is_empty()
}

/// What one line of the document is.
#[derive(Debug, Clone, PartialEq)]
enum Line {
    Blank,
    /// A page number or running header/footer: skipped, but like a blank it may separate paragraphs.
    Debris,
    /// A Markdown heading: its level (number of `#`) and text.
    Heading(u8, String),
    /// The start of a list item, its marker removed.
    ListItem(String),
    Text(String),
}

/// A passage being assembled.
struct Open {
    line_start: usize,
    line_end: usize,
    text: String,
    /// Standalone line so far (candidate title).
    lines: usize,
    is_list_item: bool,
    /// The first line with its list marker ("13. Utilizar…"): a numbered line may be a heading.
    first_line: String,
    /// A blank line, a heading or the document's start came before it.
    standalone_before: bool,
}

/// The headings in force at a point of the document.
#[derive(Default)]
struct Context {
    section: Option<String>,
    stack: Vec<Heading>,
    /// The stack as the passages get it, rebuilt at each heading.
    shared: Arc<[Heading]>,
}

impl Context {
    /// A new heading ends those of the same or a lower rank (a level number at least as large).
    fn push(&mut self, heading: Heading) {
        while self
            .stack
            .last()
            .is_some_and(|top| top.level >= heading.level)
        {
            self.stack.pop();
        }
        self.section = Some(heading.text.clone());
        self.stack.push(heading);
        self.shared = self.stack.as_slice().into();
    }
}

/// Cuts `text` into passages. Never fails: any UTF-8 gives a (possibly empty) list.
pub fn segment(text: &str) -> Vec<Passage> {
    let raw_lines: Vec<&str> = text.lines().collect();
    let running = running_lines(&raw_lines);
    let mut passages = Vec::new();
    let mut context = Context::default();
    let mut open: Option<Open> = None;
    // Blank or debris lines seen since the open passage's last line.
    let mut gap = 0usize;
    // Nothing but blanks since the document's start or the last heading.
    let mut after_boundary = true;

    for (index, raw) in raw_lines.iter().enumerate() {
        let number = index + 1;
        match classify_line(raw, &running) {
            Line::Blank | Line::Debris => gap += 1,
            Line::Heading(level, heading) => {
                close(&mut open, &mut passages, &mut context, true);
                if heading.chars().count() > MAX_HEADING_CHARS {
                    open = Some(Open::new(number, &heading, false, &heading, true));
                    after_boundary = false;
                } else if !heading.is_empty() {
                    let names = structure::detect(&heading);
                    context.push(Heading {
                        level,
                        text: heading,
                        line: number,
                        names,
                    });
                    after_boundary = true;
                }
                gap = 0;
            }
            Line::ListItem(item) => {
                close(&mut open, &mut passages, &mut context, gap > 0);
                let first_line = clean(raw.trim());
                open = Some(Open::new(
                    number,
                    &item,
                    true,
                    &first_line,
                    gap > 0 || after_boundary,
                ));
                after_boundary = false;
                gap = 0;
            }
            Line::Text(line) => {
                // With no gap, a list item goes on with the lines under it and a paragraph with its lines,
                // unless the paragraph so far is one line naming an objective by number ("Objetivo 13:"):
                // a heading whose blank line the conversion lost, or that a page break seems to cut.
                let continues = match &open {
                    Some(current) if gap == 0 => !is_numbered_heading(current),
                    Some(current) => {
                        continues_across_gap(current, &line, gap) && !is_numbered_heading(current)
                    }
                    None => false,
                };
                if continues {
                    if let Some(current) = open.as_mut() {
                        current.append(&line, number);
                    }
                } else {
                    close(&mut open, &mut passages, &mut context, gap > 0);
                    open = Some(Open::new(
                        number,
                        &line,
                        false,
                        &line,
                        gap > 0 || after_boundary,
                    ));
                }
                after_boundary = false;
                gap = 0;
            }
        }
    }
    close(&mut open, &mut passages, &mut context, true);
    passages
}

/// One line of text, not a list item, that names objectives or an area by number and nothing else but
/// their title: "Objetivo 13", "Objective 13: Alternatives to detention", "2.2 Thematic area 2:".
fn is_numbered_heading(open: &Open) -> bool {
    // Called for the first line of every paragraph: the cheapest tests first.
    open.lines == 1
        && !open.is_list_item
        && open.first_line.len() <= MAX_HEADING_CHARS * 4
        && structure::detect_line(&open.first_line, false).is_some_and(|d| {
            d.bare
                && matches!(
                    d.named.by,
                    structure::NamedBy::Number | structure::NamedBy::NumberAndTitle
                )
        })
}

impl Open {
    fn new(
        line: usize,
        text: &str,
        is_list_item: bool,
        first_line: &str,
        standalone_before: bool,
    ) -> Open {
        Open {
            line_start: line,
            line_end: line,
            text: text.to_string(),
            lines: 1,
            is_list_item,
            first_line: first_line.to_string(),
            standalone_before,
        }
    }

    fn append(&mut self, line: &str, number: usize) {
        join_line(&mut self.text, line);
        self.line_end = number;
        self.lines += 1;
    }
}

/// Whether a text line after `gap` blank or debris lines continues the open passage (a page break inside
/// a sentence) rather than starting a new one.
fn continues_across_gap(open: &Open, line: &str, gap: usize) -> bool {
    let ended = open
        .text
        .trim_end()
        .ends_with(['.', '!', '?', ':', ';', '"', '”', '»', ')']);
    if ended || open.is_list_item && gap > 0 && !starts_lower(line) {
        return false;
    }
    let last_line_long = open.text.chars().count() >= LONG_LINE_CHARS;
    starts_lower(line) || (gap >= 2 && last_line_long)
}

fn starts_lower(line: &str) -> bool {
    line.chars().next().is_some_and(char::is_lowercase)
}

/// Ends the open passage: a short standalone line without final punctuation becomes a heading (the
/// section), and so does a line that names an objective or thematic area (see the module's notes); a
/// passage long enough is kept; a fragment is dropped. `standalone_after`: a blank line, a heading or the
/// document's end follows.
fn close(
    open: &mut Option<Open>,
    passages: &mut Vec<Passage>,
    context: &mut Context,
    standalone_after: bool,
) {
    let Some(current) = open.take() else {
        return;
    };
    let text = current.text.trim().to_string();
    let chars = text.chars().count();
    if current.lines == 1 && !text.is_empty() && chars <= MAX_HEADING_CHARS {
        let is_title = !current.is_list_item
            && chars <= SHORT_LINE_CHARS
            && !text.ends_with(['.', ',', ';', ':']);
        // Titles alone are compared only with lines that do not end a sentence or a clause: running text
        // is never an objective's title, and the comparison is the costly part.
        let compare_titles = !text.ends_with(['.', ',', ';']);
        // A list item is a heading only when it stands alone: the others need no reading.
        let may_be_heading =
            !current.is_list_item || (current.standalone_before && standalone_after);
        let detection = match may_be_heading {
            true => structure::detect_line(&current.first_line, compare_titles),
            false => None,
        };
        // A title alone (no number) makes a heading of a title line, or of a line too long for one (an
        // objective's full title) that ends no clause; "As regards border management:" leads into a list.
        let names_alone = detection.as_ref().is_some_and(|d| {
            let by_title_ok = d.named.by != structure::NamedBy::Title
                || (chars > SHORT_LINE_CHARS && !text.ends_with(':'));
            d.bare
                && by_title_ok
                && (!current.is_list_item || (current.standalone_before && standalone_after))
        });
        if is_title || names_alone {
            let names = detection.map(|d| d.named);
            let heading_text = if current.is_list_item {
                current.first_line.trim().to_string()
            } else {
                text
            };
            context.push(Heading {
                level: heading_level(&heading_text, names.as_ref()),
                text: heading_text,
                line: current.line_start,
                names,
            });
            return;
        }
    }
    if chars >= MIN_PASSAGE_CHARS && text.split_whitespace().count() >= MIN_PASSAGE_WORDS {
        passages.push(Passage {
            line_start: current.line_start,
            line_end: current.line_end,
            text,
            section: context.section.clone(),
            headings: Arc::clone(&context.shared),
        });
    }
}

/// The level of a heading line that is not a Markdown heading: its section number's depth, else by what
/// it names.
fn heading_level(text: &str, names: Option<&Named>) -> u8 {
    if let Some((parts, _)) = structure::section_number(text) {
        return parts.len().clamp(1, 6) as u8;
    }
    match names {
        Some(named) if named.thematic_area.is_some() => AREA_HEADING_LEVEL,
        Some(_) => OBJECTIVE_HEADING_LEVEL,
        None => MINOR_HEADING_LEVEL,
    }
}

/// Appends a line to a paragraph: mends a word hyphenated at the line end, else joins with one space.
fn join_line(text: &mut String, line: &str) {
    let hyphenated = {
        let mut tail = text.chars().rev();
        tail.next() == Some('-') && tail.next().is_some_and(char::is_alphabetic)
    };
    if hyphenated && starts_lower(line) {
        text.pop();
    } else if !text.is_empty() {
        text.push(' ');
    }
    text.push_str(line);
}

/// Short lines (digits blanked) seen [`RUNNING_LINE_REPEATS`] times or more: running headers and footers.
fn running_lines(lines: &[&str]) -> HashMap<String, usize> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for line in lines {
        if !is_short(line.trim()) {
            continue;
        }
        let key = running_key(line);
        if !key.is_empty() {
            *counts.entry(key).or_default() += 1;
        }
    }
    counts.retain(|_, count| *count >= RUNNING_LINE_REPEATS);
    counts
}

/// At most [`SHORT_LINE_CHARS`] characters (the byte length is checked first: it bounds the count).
fn is_short(line: &str) -> bool {
    line.len() <= SHORT_LINE_CHARS || line.chars().count() <= SHORT_LINE_CHARS
}

/// A line with its digits and surrounding spaces removed: "Page 3 of 40" and "Page 4 of 40" are the same.
fn running_key(line: &str) -> String {
    line.trim()
        .chars()
        .filter(|c| !c.is_ascii_digit())
        .collect::<String>()
        .trim()
        .to_string()
}

fn classify_line(raw: &str, running: &HashMap<String, usize>) -> Line {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Line::Blank;
    }
    if is_page_number(trimmed) {
        return Line::Debris;
    }
    if let Some((level, heading)) = markdown_heading(trimmed) {
        return Line::Heading(level, clean(heading));
    }
    let (is_item, content) = match list_item(trimmed) {
        Some(content) => (true, content),
        None => (false, trimmed),
    };
    // A repeated short line is a running header, unless it is a list item with text of its own.
    if !is_item && is_short(trimmed) && running.contains_key(&running_key(trimmed)) {
        return Line::Debris;
    }
    let cleaned = clean(content);
    if cleaned.is_empty() {
        return Line::Blank;
    }
    if is_item {
        Line::ListItem(cleaned)
    } else {
        Line::Text(cleaned)
    }
}

/// "12", "- 12 -", "Page 12", "Page 12 of 40", "Página 3", "12/40", and Roman numerals up to ~xxxix.
fn is_page_number(line: &str) -> bool {
    let core = line.trim_matches(|c: char| c == '-' || c == '–' || c == '—' || c.is_whitespace());
    if core.is_empty() {
        // A line of dashes is a rule, not a page number, but it is debris all the same.
        return !line.is_empty() && line.chars().all(|c| "-–—_=*".contains(c) || c == ' ');
    }
    let lower = core.to_lowercase();
    let without_word = ["page", "página", "pagina", "pág.", "pag.", "p."]
        .iter()
        .find_map(|word| lower.strip_prefix(word))
        .unwrap_or(&lower)
        .trim();
    let numbers: Vec<&str> = without_word
        .split(|c: char| c == '/' || c.is_whitespace())
        .filter(|part| !part.is_empty() && !["of", "de", "sur", "/"].contains(part))
        .collect();
    let is_number = |part: &&str| part.len() <= 4 && part.chars().all(|c| c.is_ascii_digit());
    if !numbers.is_empty() && numbers.len() <= 2 && numbers.iter().all(is_number) {
        return true;
    }
    lower.len() <= 6 && !lower.is_empty() && lower.chars().all(|c| "ivxl".contains(c))
}

/// The level and text of an ATX heading (`#` to `######` then a space).
fn markdown_heading(line: &str) -> Option<(u8, &str)> {
    let hashes = line.chars().take_while(|c| *c == '#').count();
    if (1..=6).contains(&hashes) {
        let rest = &line[hashes..];
        if rest.is_empty() || rest.starts_with(' ') {
            return Some((hashes as u8, rest.trim().trim_end_matches('#').trim()));
        }
    }
    None
}

/// The content of a list item, its marker removed: `-`, `*`, `+`, `•`, `◦`, `▪`, `o`, `1.`, `1)`, `a)`.
fn list_item(line: &str) -> Option<&str> {
    for marker in ["- ", "* ", "+ ", "• ", "◦ ", "▪ ", "■ ", "o ", "– ", "· "] {
        if let Some(rest) = line.strip_prefix(marker) {
            return Some(rest.trim_start());
        }
    }
    for bullet in ['•', '◦', '▪', '■', '·'] {
        if let Some(rest) = line.strip_prefix(bullet) {
            return Some(rest.trim_start());
        }
    }
    let label: String = line
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    let rest = &line[label.len()..];
    let is_label =
        (!label.is_empty() && label.len() <= 3 && label.chars().all(|c| c.is_ascii_digit()))
            || (label.len() == 1 && label.chars().all(|c| c.is_ascii_lowercase()));
    if is_label {
        for marker in [". ", ") "] {
            if let Some(content) = rest.strip_prefix(marker) {
                return Some(content.trim_start());
            }
        }
    }
    None
}

/// Removes Markdown links' targets, footnote marks and runs of spaces from one line.
fn clean(line: &str) -> String {
    let unlinked = strip_markdown_links(line);
    let text = unlinked.as_str();
    let mut out = String::with_capacity(text.len());
    let mut previous: Option<char> = None;
    let mut at = 0;
    while let Some(c) = text[at..].chars().next() {
        if matches!(c, '¹' | '²' | '³' | '\u{2070}'..='\u{2079}') {
            at += c.len_utf8();
            continue;
        }
        // Digits glued to a lower-case letter and followed by a space, punctuation or the end are a
        // footnote mark ("migrants12 ,"); "COVID19" (upper case) and "G20" keep theirs.
        if c.is_ascii_digit() && previous.is_some_and(char::is_lowercase) {
            let rest = &text[at..];
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            let after = &rest[digits..];
            let next = after.chars().next();
            if digits <= 3 && next.is_none_or(|n| n.is_whitespace() || ",.;:)".contains(n)) {
                at += digits;
                // "migrants12 ," leaves "migrants ,": the space before the punctuation goes too.
                let unspaced = after.trim_start();
                if unspaced.starts_with([',', '.', ';', ':']) {
                    at += after.len() - unspaced.len();
                }
                continue;
            }
        }
        if c.is_whitespace() {
            if !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
        previous = Some(c);
        at += c.len_utf8();
    }
    out.truncate(out.trim_end().len());
    out
}

/// `[text](target)` → `text`, for any target (empty, `#` or a URL).
fn strip_markdown_links(line: &str) -> String {
    if !line.contains("](") {
        return line.to_string();
    }
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find('[') {
        let after_open = &rest[open + 1..];
        let Some(close) = after_open.find("](") else {
            break;
        };
        let after_target_open = &after_open[close + 2..];
        let Some(target_end) = after_target_open.find(')') else {
            break;
        };
        out.push_str(&rest[..open]);
        out.push_str(&after_open[..close]);
        rest = &after_target_open[target_end + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(passages: &[Passage]) -> Vec<&str> {
        passages.iter().map(|p| p.text.as_str()).collect()
    }

    #[test]
    fn lines_broken_mid_sentence_and_hyphenated_words_are_joined() {
        let text = "The Ministry opened a regularization pro-\ncedure for migrant workers and\ntheir families.\n";
        let passages = segment(text);
        assert_eq!(
            texts(&passages),
            ["The Ministry opened a regularization procedure for migrant workers and their families."]
        );
        // One paragraph over lines 1-3.
        assert_eq!((passages[0].line_start, passages[0].line_end), (1, 3));
    }

    #[test]
    fn a_page_break_inside_a_sentence_does_not_split_the_paragraph() {
        // Line 1 ends without punctuation, lines 2-4 are blank and a page number, line 5 starts in lower
        // case: the same sentence.
        let text = "This portal includes educational resources and reflections on\n\n12\n\nmigration, discrimination and racism in Argentina.\n";
        let passages = segment(text);
        assert_eq!(
            texts(&passages),
            ["This portal includes educational resources and reflections on migration, discrimination and racism in Argentina."]
        );
        assert_eq!((passages[0].line_start, passages[0].line_end), (1, 5));
    }

    #[test]
    fn footnote_digits_empty_links_and_running_footers_are_removed() {
        let footer = "Report on the regional review";
        let text = format!(
            "Access to health for migrants12 , as set out in [Act 25,781](#) and [](#), improved.\n\n{footer}\n\nThe second paragraph mentions the Secretariat¹ of the SACM here.\n\n{footer}\n\nA third paragraph with COVID19 and the G20 in it stays.\n\n{footer}\n"
        );
        let passages = segment(&text);
        assert_eq!(
            texts(&passages),
            [
                "Access to health for migrants, as set out in Act 25,781 and , improved.",
                "The second paragraph mentions the Secretariat of the SACM here.",
                "A third paragraph with COVID19 and the G20 in it stays.",
            ]
        );
    }

    #[test]
    fn headings_and_titles_become_sections_and_list_items_are_passages() {
        let text = "# Objective 5: regular pathways\n\nMigrant children and adolescents\n\nThe programme gives temporary residence to children.\n- first measure: a humanitarian visa for families\n- second measure: a work permit for\n  seasonal workers in agriculture\n\n12\n";
        let passages = segment(text);
        assert_eq!(
            texts(&passages),
            [
                "The programme gives temporary residence to children.",
                "first measure: a humanitarian visa for families",
                "second measure: a work permit for seasonal workers in agriculture",
            ]
        );
        // The standalone short line (line 3) follows the heading and replaces it as the section.
        assert!(passages
            .iter()
            .all(|p| p.section.as_deref() == Some("Migrant children and adolescents")));
        assert_eq!(
            passages
                .iter()
                .map(|p| (p.line_start, p.line_end))
                .collect::<Vec<_>>(),
            [(5, 5), (6, 6), (7, 8)]
        );
    }

    /// (line, level, objectives named) of each heading over a passage, outermost first.
    fn stack(passage: &Passage) -> Vec<(usize, u8, Option<Vec<u8>>)> {
        passage
            .headings
            .iter()
            .map(|h| {
                (
                    h.line,
                    h.level,
                    h.names.as_ref().map(|n| n.objectives.clone()),
                )
            })
            .collect()
    }

    #[test]
    fn a_heading_holds_until_the_next_heading_of_the_same_or_a_higher_level() {
        let text = "# Informe nacional\n\n## Objetivo 13\n\nEn esta área se aplican medidas nuevas desde 2021.\n\n### Avances\n\nSe abrieron dos albergues para familias con niños.\n\n## Objetivo 14: Protección consular\n\nLos consulados atienden a los connacionales en el exterior.\n\n# Anexo\n\nLista de las instituciones que respondieron al cuestionario.\n";
        let passages = segment(text);
        assert_eq!(passages.len(), 4);
        // Line 5 sits under the report's title (line 1, level 1, names nothing) and "Objetivo 13" (line 3).
        assert_eq!(stack(&passages[0]), [(1, 1, None), (3, 2, Some(vec![13]))]);
        // "### Avances" (level 3, line 7) nests under objective 13; it is the section.
        assert_eq!(
            stack(&passages[1]),
            [(1, 1, None), (3, 2, Some(vec![13])), (7, 3, None)]
        );
        assert_eq!(passages[1].section.as_deref(), Some("Avances"));
        // "## Objetivo 14" (same level as 13) ends 13 and its sub-heading.
        assert_eq!(stack(&passages[2]), [(1, 1, None), (11, 2, Some(vec![14]))]);
        // "# Anexo" (level 1) ends everything before it, the report's title included.
        assert_eq!(stack(&passages[3]), [(15, 1, None)]);
    }

    #[test]
    fn plain_lines_that_name_an_objective_are_headings_and_a_tight_list_is_not() {
        let text = "13. Utilizar la detención de migrantes solo como último recurso y buscar otras alternativas\n\nEl país no detiene a niños migrantes desde 2019.\n\nObjetivo 14:\nLos consulados móviles visitaron doce ciudades.\n\nLos objetivos priorizados fueron:\n\n5. Aumentar la disponibilidad y flexibilidad de las vías de migración regular\n6. Facilitar la contratación equitativa y ética y salvaguardar las condiciones que garantizan el trabajo decente\n";
        let passages = segment(text);
        assert_eq!(
            texts(&passages),
            [
                "El país no detiene a niños migrantes desde 2019.",
                "Los consulados móviles visitaron doce ciudades.",
                "Los objetivos priorizados fueron:",
                "Aumentar la disponibilidad y flexibilidad de las vías de migración regular",
                "Facilitar la contratación equitativa y ética y salvaguardar las condiciones que garantizan el trabajo decente",
            ]
        );
        // Line 1 stands alone between blank lines: "13." + the Spanish title of 13, level 1 (one number).
        assert_eq!(stack(&passages[0]), [(1, 1, Some(vec![13]))]);
        // "Objetivo 14:" (line 5) ends before line 6 though no blank line separates them; an unnumbered
        // objective heading is level 2, so it does not end the level-1 "13." heading above it.
        assert_eq!(
            stack(&passages[1]),
            [(1, 1, Some(vec![13])), (5, 2, Some(vec![14]))]
        );
        // Lines 9-10 are a tight list of objectives: list items, not headings.
        assert_eq!(
            stack(&passages[3]),
            [(1, 1, Some(vec![13])), (5, 2, Some(vec![14]))]
        );
    }

    #[test]
    fn fragments_page_numbers_and_empty_texts_give_no_passage() {
        assert!(segment("").is_empty());
        assert!(segment("\n\n   \n\t\n").is_empty());
        assert!(segment("- 3 -\n\nPage 4 of 40\n\nxii\n\n- ok.\n").is_empty());
    }
}
