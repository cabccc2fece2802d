//! Headings that name a GCM objective or thematic area, and the suggestions they give the passages
//! beneath them.
//!
//! National reports are usually written objective by objective: the author has already said which
//! objective a passage serves. A heading names objectives
//! - by number, in any of the four languages: "Objetivo 13", "Objective 13:", "Objectif n° 13",
//!   "Objetivos 5, 6 y 18", "Thematic area 2", "Área temática 2" ([`NamedBy::Number`]);
//! - by a section number followed by the objective's title, or by the number phrase followed by it:
//!   "13. Utilizar la detención de migrantes solo como último recurso…" ([`NamedBy::NumberAndTitle`]);
//! - by the objective's (or thematic area's) title or short label alone, compared tolerantly (accents,
//!   case, function words and small spelling differences do not matter) with the framework's titles in
//!   English, Spanish, Portuguese and French ([`NamedBy::Title`]).
//!
//! Reference data: `assets/reference/framework.toml` (English and Spanish titles, short labels and the
//! thematic areas) and `assets/lexicon/headings.toml` (Portuguese and French titles and labels, the
//! number words). A heading naming an objective gives every passage beneath it (until the next heading
//! of the same or a higher level, see [`crate::mapping::segment`]) a suggestion of
//! [`OBJECTIVE_HEADING_SCORE`]; one naming a thematic area raises by [`AREA_HEADING_SCORE`] those of its
//! objectives that the passage's own lexicon terms already point to: an area spans five or six
//! objectives, so it cannot choose one by itself.

use std::collections::{BTreeMap, HashSet};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::lexicon::{Lexicon, Target, OBJECTIVES};
use super::normalise::Normalised;
use super::segment::Heading;

/// The score a heading naming an objective gives each passage beneath it: well above the threshold (the
/// author said so) but below a citation inside the passage itself (`objetivo 13` in the text, 0.95),
/// because some passages under a heading are general (an introduction, a list of challenges).
pub const OBJECTIVE_HEADING_SCORE: f64 = 0.8;

/// The score a heading naming a thematic area gives each of its objectives: below the default threshold
/// (0.35), so it only adds to the passage's own evidence (combined as a noisy-OR, docs/MAPPING.md).
pub const AREA_HEADING_SCORE: f64 = 0.25;

/// A title compared alone (no number) must agree this much (matched words of both over all their words).
const TITLE_MATCH: f64 = 0.75;
/// After the objective's number, its title may be shortened or paraphrased more.
const NUMBERED_TITLE_MATCH: f64 = 0.5;

/// How a heading named what it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NamedBy {
    /// "Objetivo 13", "Thematic area 2".
    Number,
    /// "13." (or "Objetivo 13:") followed by the objective's title.
    NumberAndTitle,
    /// The title or short label alone.
    Title,
}

/// What a heading names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Named {
    /// The objectives named (1-23, ascending); for a thematic area, its objectives.
    pub objectives: Vec<u8>,
    /// The thematic area (`TA1`..`TA5`) when the heading names one rather than objectives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thematic_area: Option<String>,
    pub by: NamedBy,
}

impl Named {
    /// The score this heading gives each objective it names.
    pub fn score(&self) -> f64 {
        if self.thematic_area.is_some() {
            AREA_HEADING_SCORE
        } else {
            OBJECTIVE_HEADING_SCORE
        }
    }
}

/// A line's reading as a possible heading.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Detection {
    pub named: Named,
    /// Nothing follows the number phrase but the title (or nothing at all): the line is a heading, not a
    /// sentence that happens to start with "Objective 13".
    pub bare: bool,
}

/// The leading section number of a line ("2.1", "13.", "3.2.1)"): its parts and the rest of the line.
pub(crate) fn section_number(line: &str) -> Option<(Vec<u8>, &str)> {
    let bytes = line.as_bytes();
    let mut parts = Vec::new();
    let mut at = 0;
    loop {
        let digits = bytes[at..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if digits == 0 || digits > 2 {
            return None;
        }
        parts.push(line[at..at + digits].parse().ok()?);
        at += digits;
        match bytes.get(at) {
            Some(b'.') if bytes.get(at + 1).is_some_and(u8::is_ascii_digit) => at += 1,
            Some(b'.' | b')') => {
                at += 1;
                break;
            }
            _ => break,
        }
        if parts.len() > 6 {
            return None;
        }
    }
    let rest = &line[at..];
    if !(rest.is_empty() || rest.starts_with(char::is_whitespace)) {
        return None;
    }
    Some((parts, rest.trim_start()))
}

/// What a heading's text names, if anything. For text already known to be a heading (a Markdown
/// heading, a stored section title); a line of running text that only starts with "Objective 13" is
/// read by the segmenter, which is stricter.
pub fn detect(text: &str) -> Option<Named> {
    detect_line(text, true).map(|detection| detection.named)
}

/// Reads a line as a possible heading; titles alone are compared only when `compare_titles`.
pub(crate) fn detect_line(text: &str, compare_titles: bool) -> Option<Detection> {
    let reference = Reference::bundled();
    let line = text.trim();
    if line.is_empty() || line.len() > 1_000 || !(compare_titles || may_name_by_number(line)) {
        return None;
    }
    let (section, rest) = match section_number(line) {
        Some((parts, rest)) => (Some(parts), rest),
        None => (None, line),
    };
    let tokens = tokens(rest);
    if let Some(detection) = reference.by_number_phrase(&tokens) {
        return Some(detection);
    }
    let content = reference.content_words(&tokens);
    if content.is_empty() {
        return None;
    }
    // "13. <the title of objective 13>": the section number names the objective only if the title agrees.
    if let Some(&number) = section.as_ref().and_then(|parts| parts.last()) {
        if (1..=OBJECTIVES).contains(&number)
            && reference.objectives[usize::from(number) - 1].matches(&content)
                >= NUMBERED_TITLE_MATCH
        {
            return Some(Detection {
                named: Named {
                    objectives: vec![number],
                    thematic_area: None,
                    by: NamedBy::NumberAndTitle,
                },
                bare: true,
            });
        }
    }
    if !compare_titles {
        return None;
    }
    reference
        .by_title(&content)
        .map(|named| Detection { named, bare: true })
}

/// The heading-derived suggestions for a passage under `headings` (outermost first): per objective,
/// `1 − Π (1 − score of each heading naming it)`, with every such heading as evidence.
pub fn heading_suggestions(headings: &[Heading]) -> Vec<HeadingSuggestion> {
    let mut by_objective: BTreeMap<u8, HeadingSuggestion> = BTreeMap::new();
    for heading in headings {
        let Some(named) = &heading.names else {
            continue;
        };
        for &objective in &named.objectives {
            let suggestion = by_objective
                .entry(objective)
                .or_insert_with(|| HeadingSuggestion {
                    objective,
                    score: 0.0,
                    evidence: Vec::new(),
                });
            suggestion.score = 1.0 - (1.0 - suggestion.score) * (1.0 - named.score());
            suggestion.evidence.push(HeadingEvidence {
                text: heading.text.clone(),
                line: heading.line,
                by: named.by,
                thematic_area: named.thematic_area.clone(),
            });
        }
    }
    by_objective.into_values().collect()
}

/// Per objective (index 0 is objective 1), the headings' combined score (0 when none names it): the
/// same figures as [`heading_suggestions`], without building their evidence.
pub fn heading_scores(headings: &[Heading]) -> [f64; OBJECTIVES as usize] {
    let mut scores = [0.0; OBJECTIVES as usize];
    for named in headings.iter().filter_map(|h| h.names.as_ref()) {
        for &objective in &named.objectives {
            if let Some(score) = scores.get_mut(usize::from(objective).wrapping_sub(1)) {
                *score = 1.0 - (1.0 - *score) * (1.0 - named.score());
            }
        }
    }
    scores
}

/// Per objective, whether only thematic-area headings (no heading naming the objective itself) raise it.
pub fn area_only(headings: &[Heading]) -> [bool; OBJECTIVES as usize] {
    let mut by_area = [false; OBJECTIVES as usize];
    let mut by_objective = [false; OBJECTIVES as usize];
    for named in headings.iter().filter_map(|h| h.names.as_ref()) {
        let marks = if named.thematic_area.is_some() {
            &mut by_area
        } else {
            &mut by_objective
        };
        for &objective in &named.objectives {
            if let Some(mark) = marks.get_mut(usize::from(objective).wrapping_sub(1)) {
                *mark = true;
            }
        }
    }
    let mut only = [false; OBJECTIVES as usize];
    for (index, slot) in only.iter_mut().enumerate() {
        *slot = by_area[index] && !by_objective[index];
    }
    only
}

/// The headings that name `objective` (or an area holding it), outermost first.
pub fn heading_evidence(headings: &[Heading], objective: u8) -> Vec<HeadingEvidence> {
    headings
        .iter()
        .filter_map(|heading| {
            let named = heading.names.as_ref()?;
            named
                .objectives
                .contains(&objective)
                .then(|| HeadingEvidence {
                    text: heading.text.clone(),
                    line: heading.line,
                    by: named.by,
                    thematic_area: named.thematic_area.clone(),
                })
        })
        .collect()
}

/// An objective suggested by the headings above a passage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeadingSuggestion {
    pub objective: u8,
    /// In (0, 1): the headings' scores combined as a noisy-OR.
    pub score: f64,
    pub evidence: Vec<HeadingEvidence>,
}

/// A heading as evidence of an objective.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeadingEvidence {
    /// The heading as written.
    pub text: String,
    /// Its line (1-based) in the document.
    pub line: usize,
    pub by: NamedBy,
    /// Set when the heading names a thematic area (`TA1`..`TA5`) that contains the objective.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thematic_area: Option<String>,
}

impl HeadingEvidence {
    /// `heading "Objetivo 13: …" (line 40)`, or `area heading "…" (line 12, TA2)`.
    pub fn rationale(&self) -> String {
        let text: String = self.text.chars().take(80).collect();
        let ellipsis = if text.len() < self.text.len() {
            "…"
        } else {
            ""
        };
        match &self.thematic_area {
            Some(area) => format!(
                "area heading \"{text}{ellipsis}\" (line {}, {area})",
                self.line
            ),
            None => format!("heading \"{text}{ellipsis}\" (line {})", self.line),
        }
    }
}

/// Folded words of a text: lower-case ASCII, accents dropped, punctuation as separators.
fn tokens(text: &str) -> Vec<String> {
    Normalised::term(text)
        .split(' ')
        .filter(|word| !word.is_empty())
        .map(str::to_string)
        .collect()
}

/// The titles, labels and words a heading is compared with.
struct Reference {
    objective_words: Vec<Vec<String>>,
    area_words: Vec<Vec<String>>,
    number_marks: HashSet<String>,
    list_words: HashSet<String>,
    ignored: HashSet<String>,
    objectives: Vec<Titles>,
    areas: Vec<Area>,
    /// The first [`PREFIX_BYTES`] bytes of every word of every title and label, with the objectives
    /// (bit n − 1) and areas (bit i) whose titles have it: a line is compared in full only with the
    /// titles it shares words with, which spares the comparison for almost every line.
    prefixes: std::collections::HashMap<String, (u32, u8)>,
}

/// Similar words share their first five bytes (see [`similar`]; a typo within them is not tolerated).
const PREFIX_BYTES: usize = 5;

fn prefix(word: &str) -> &str {
    // Folded words are ASCII, so any byte index is a char boundary.
    &word[..word.len().min(PREFIX_BYTES)]
}

/// Whether a line may name objectives or an area by number: it starts with a digit, or with a letter
/// that starts one of the number words ("objective", "objetivo", "objectif", "thematic area", "área
/// temática", "domaine/axe/zone thématique"). A cheap test before any folding.
fn may_name_by_number(line: &str) -> bool {
    let Some(first) = line.chars().next() else {
        return false;
    };
    if first.is_ascii_digit() {
        return true;
    }
    let start: String = line.chars().take(8).flat_map(char::to_lowercase).collect();
    ["obj", "them", "area", "área", "are", "doma", "axe", "zone"]
        .iter()
        .any(|p| start.starts_with(p))
}

/// Content words of each title and label of one objective or area, in every language given.
#[derive(Default)]
struct Titles {
    variants: Vec<Vec<String>>,
}

struct Area {
    id: String,
    objectives: Vec<u8>,
    titles: Titles,
}

impl Titles {
    /// The best agreement of `words` with one of the titles (see [`agreement`]).
    fn matches(&self, words: &[String]) -> f64 {
        self.variants
            .iter()
            .map(|title| agreement(words, title))
            .fold(0.0, f64::max)
    }
}

/// How much a heading's content words and a title's agree: the words of each that have a similar word
/// in the other, over all the words of both (1 when they are the same words). A title of one word must
/// be the heading's only word; longer ones must share at least two words.
fn agreement(heading: &[String], title: &[String]) -> f64 {
    if heading.is_empty() || title.is_empty() {
        return 0.0;
    }
    let matched_title = title
        .iter()
        .filter(|t| heading.iter().any(|h| similar(h, t)))
        .count();
    let matched_heading = heading
        .iter()
        .filter(|h| title.iter().any(|t| similar(h, t)))
        .count();
    let single_words = title.len() == 1 && heading.len() == 1;
    if matched_title < 2 && !single_words {
        return 0.0;
    }
    (matched_title + matched_heading) as f64 / (title.len() + heading.len()) as f64
}

/// Two folded words are the same word, or differ by one edit (a typo, "detencion"/"detention"), or share
/// all but their last two letters ("alternativas"/"alternatives", "migrants"/"migrantes").
fn similar(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let shorter = a.len().min(b.len());
    if shorter < 5 {
        return false;
    }
    let prefix = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    prefix >= shorter.saturating_sub(2).max(5) || within_one_edit(a.as_bytes(), b.as_bytes())
}

/// Levenshtein distance ≤ 1, in one pass.
fn within_one_edit(a: &[u8], b: &[u8]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if long.len() - short.len() > 1 {
        return false;
    }
    let prefix = short.iter().zip(long).take_while(|(x, y)| x == y).count();
    if short.len() == long.len() {
        // One substitution: the rest after the differing byte is equal.
        short.get(prefix + 1..) == long.get(prefix + 1..)
    } else {
        // One insertion into the shorter word.
        short.get(prefix..) == long.get(prefix + 1..)
    }
}

#[derive(Deserialize)]
struct FrameworkFile {
    objectives: Vec<FrameworkObjective>,
    #[serde(default)]
    groupings: Vec<FrameworkGrouping>,
}

#[derive(Deserialize)]
struct FrameworkObjective {
    number: u8,
    title_en: String,
    title_es: String,
    short_en: String,
    short_es: String,
}

#[derive(Deserialize)]
struct FrameworkGrouping {
    id: String,
    groups: Vec<FrameworkGroup>,
}

#[derive(Deserialize)]
struct FrameworkGroup {
    id: String,
    title_en: String,
    title_es: String,
    objectives: Vec<u8>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HeadingsFile {
    #[allow(dead_code)]
    version: String,
    objective_words: Vec<String>,
    area_words: Vec<String>,
    number_marks: Vec<String>,
    list_words: Vec<String>,
    ignore: Vec<String>,
    objectives: Vec<HeadingsObjective>,
    areas: Vec<HeadingsArea>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HeadingsObjective {
    number: u8,
    title_pt: String,
    title_fr: String,
    short_pt: String,
    short_fr: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HeadingsArea {
    id: String,
    title_pt: String,
    title_fr: String,
}

const FRAMEWORK: &str = include_str!("../../assets/reference/framework.toml");
const HEADINGS: &str = include_str!("../../assets/lexicon/headings.toml");

/// The grouping whose groups are the thematic areas.
const AREA_GROUPING: &str = "mptf";

impl Reference {
    fn bundled() -> &'static Reference {
        static BUNDLED: OnceLock<Reference> = OnceLock::new();
        BUNDLED.get_or_init(|| {
            // Both files are embedded and checked by this module's tests: a failure is a build defect.
            Reference::parse(FRAMEWORK, HEADINGS).expect("the bundled heading reference is valid")
        })
    }

    fn parse(framework: &str, headings: &str) -> Result<Reference, String> {
        let framework: FrameworkFile =
            toml::from_str(framework).map_err(|e| format!("framework.toml: {e}"))?;
        let headings: HeadingsFile =
            toml::from_str(headings).map_err(|e| format!("headings.toml: {e}"))?;
        let lexicon = Lexicon::bundled().map_err(|e| e.to_string())?;
        let mut ignored: HashSet<String> = lexicon
            .entries
            .iter()
            .filter(|entry| entry.target == Target::Stopword)
            .map(|entry| entry.normalised.clone())
            .collect();
        ignored.extend(headings.ignore.iter().map(|word| Normalised::term(word)));
        let phrases = |words: &[String]| -> Vec<Vec<String>> {
            let mut phrases: Vec<Vec<String>> = words.iter().map(|w| tokens(w)).collect();
            // Longest first, so "thematic areas" is tried before "thematic area".
            phrases.sort_by_key(|phrase| std::cmp::Reverse(phrase.len()));
            phrases
        };
        let mut reference = Reference {
            objective_words: phrases(&headings.objective_words),
            area_words: phrases(&headings.area_words),
            number_marks: headings
                .number_marks
                .iter()
                .map(|w| Normalised::term(w))
                .collect(),
            list_words: headings
                .list_words
                .iter()
                .map(|w| Normalised::term(w))
                .collect(),
            ignored,
            objectives: (0..OBJECTIVES).map(|_| Titles::default()).collect(),
            areas: Vec::new(),
            prefixes: std::collections::HashMap::new(),
        };
        let add = |titles: &mut Titles, text: &str, reference_ignored: &HashSet<String>| {
            let words = content_words(&tokens(text), reference_ignored);
            if !words.is_empty() {
                titles.variants.push(words);
            }
        };
        let ignored = reference.ignored.clone();
        for objective in &framework.objectives {
            let titles = objective_titles(&mut reference.objectives, objective.number)?;
            for text in [
                &objective.title_en,
                &objective.title_es,
                &objective.short_en,
                &objective.short_es,
            ] {
                add(titles, text, &ignored);
            }
        }
        for objective in &headings.objectives {
            let titles = objective_titles(&mut reference.objectives, objective.number)?;
            for text in [
                &objective.title_pt,
                &objective.title_fr,
                &objective.short_pt,
                &objective.short_fr,
            ] {
                add(titles, text, &ignored);
            }
        }
        if let Some(number) = reference
            .objectives
            .iter()
            .position(|titles| titles.variants.len() < 8)
        {
            return Err(format!(
                "objective {} lacks a title or label in some language",
                number + 1
            ));
        }
        let grouping = framework
            .groupings
            .iter()
            .find(|g| g.id == AREA_GROUPING)
            .ok_or("framework.toml has no thematic areas")?;
        for group in &grouping.groups {
            let mut titles = Titles::default();
            add(&mut titles, &group.title_en, &ignored);
            add(&mut titles, &group.title_es, &ignored);
            let extra = headings
                .areas
                .iter()
                .find(|area| area.id == group.id)
                .ok_or_else(|| format!("headings.toml has no titles for {}", group.id))?;
            add(&mut titles, &extra.title_pt, &ignored);
            add(&mut titles, &extra.title_fr, &ignored);
            let mut objectives = group.objectives.clone();
            objectives.sort_unstable();
            reference.areas.push(Area {
                id: group.id.clone(),
                objectives,
                titles,
            });
        }
        for (index, titles) in reference.objectives.iter().enumerate() {
            for word in titles.variants.iter().flatten() {
                reference
                    .prefixes
                    .entry(prefix(word).to_string())
                    .or_default()
                    .0 |= 1 << index;
            }
        }
        for (index, area) in reference.areas.iter().enumerate() {
            for word in area.titles.variants.iter().flatten() {
                reference
                    .prefixes
                    .entry(prefix(word).to_string())
                    .or_default()
                    .1 |= 1 << index;
            }
        }
        Ok(reference)
    }

    fn content_words(&self, tokens: &[String]) -> Vec<String> {
        content_words(tokens, &self.ignored)
    }

    /// "Objetivo 13", "Objectives 5, 6 and 18", "Área temática 2" at the start of the words.
    fn by_number_phrase(&self, tokens: &[String]) -> Option<Detection> {
        for (phrases, is_area) in [(&self.objective_words, false), (&self.area_words, true)] {
            let Some(phrase) = phrases.iter().find(|p| tokens.starts_with(p)) else {
                continue;
            };
            let mut at = phrase.len();
            if tokens
                .get(at)
                .is_some_and(|t| self.number_marks.contains(t))
                && tokens.get(at + 1).is_some_and(|t| number(t).is_some())
            {
                at += 1;
            }
            let limit = if is_area { 5 } else { OBJECTIVES };
            let mut numbers = Vec::new();
            while let Some(n) = tokens.get(at).and_then(|t| number(t)) {
                if !(1..=limit).contains(&n) {
                    return None;
                }
                numbers.push(n);
                at += 1;
                // "5 6 y 18": a list word goes on only if a number follows it.
                if tokens.get(at).is_some_and(|t| self.list_words.contains(t))
                    && tokens.get(at + 1).is_some_and(|t| number(t).is_some())
                {
                    at += 1;
                }
            }
            if numbers.is_empty() {
                return None;
            }
            numbers.sort_unstable();
            numbers.dedup();
            let remainder = self.content_words(&tokens[at..]);
            if is_area {
                // One area per heading: "Thematic areas 1 and 2" is a summary, not a section.
                let [n] = numbers[..] else {
                    return None;
                };
                let area = self.areas.get(usize::from(n) - 1)?;
                let titled = !remainder.is_empty()
                    && area.titles.matches(&remainder) >= NUMBERED_TITLE_MATCH;
                return Some(Detection {
                    named: Named {
                        objectives: area.objectives.clone(),
                        thematic_area: Some(area.id.clone()),
                        by: if titled {
                            NamedBy::NumberAndTitle
                        } else {
                            NamedBy::Number
                        },
                    },
                    bare: remainder.is_empty() || titled,
                });
            }
            let titled = match numbers[..] {
                [n] => {
                    !remainder.is_empty()
                        && self.objectives[usize::from(n) - 1].matches(&remainder)
                            >= NUMBERED_TITLE_MATCH
                }
                _ => false,
            };
            return Some(Detection {
                named: Named {
                    objectives: numbers,
                    thematic_area: None,
                    by: if titled {
                        NamedBy::NumberAndTitle
                    } else {
                        NamedBy::Number
                    },
                },
                bare: remainder.is_empty() || titled,
            });
        }
        None
    }

    /// The one objective (else the one area) whose title or label the words are; none when two tie.
    fn by_title(&self, content: &[String]) -> Option<Named> {
        // Per objective and area, how many of the words have a word of its titles' prefix: a title
        // needs two words in common (or the one word of a one-word heading) to agree at all.
        let mut objective_hits = [0u8; OBJECTIVES as usize];
        let mut area_hits = [0u8; 8];
        for word in content {
            if let Some(&(objectives, areas)) = self.prefixes.get(prefix(word)) {
                for (bit, hits) in objective_hits.iter_mut().enumerate() {
                    *hits += u8::from(objectives >> bit & 1 == 1);
                }
                for (bit, hits) in area_hits.iter_mut().enumerate() {
                    *hits += u8::from(areas >> bit & 1 == 1);
                }
            }
        }
        let needed = if content.len() == 1 { 1 } else { 2 };
        let best = |scores: Vec<(f64, usize)>| -> Option<usize> {
            let mut sorted = scores;
            sorted.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            match sorted[..] {
                [(first, index), (second, _), ..] if first >= TITLE_MATCH && first > second => {
                    Some(index)
                }
                [(first, index)] if first >= TITLE_MATCH => Some(index),
                _ => None,
            }
        };
        let objective = best(
            self.objectives
                .iter()
                .enumerate()
                .filter(|(index, _)| objective_hits[*index] >= needed)
                .map(|(index, titles)| (titles.matches(content), index))
                .collect(),
        );
        if let Some(index) = objective {
            return Some(Named {
                objectives: vec![index as u8 + 1],
                thematic_area: None,
                by: NamedBy::Title,
            });
        }
        let area = best(
            self.areas
                .iter()
                .enumerate()
                .filter(|(index, _)| area_hits[*index] >= needed)
                .map(|(index, area)| (area.titles.matches(content), index))
                .collect(),
        )?;
        Some(Named {
            objectives: self.areas[area].objectives.clone(),
            thematic_area: Some(self.areas[area].id.clone()),
            by: NamedBy::Title,
        })
    }
}

fn objective_titles(objectives: &mut [Titles], number: u8) -> Result<&mut Titles, String> {
    number
        .checked_sub(1)
        .and_then(|index| objectives.get_mut(usize::from(index)))
        .ok_or_else(|| format!("objective {number} is not 1-{OBJECTIVES}"))
}

/// The words that carry meaning: no function words, no bare numbers (page numbers in a table of
/// contents, "2021").
fn content_words(tokens: &[String], ignored: &HashSet<String>) -> Vec<String> {
    tokens
        .iter()
        .filter(|t| !ignored.contains(*t) && !t.bytes().all(|b| b.is_ascii_digit()))
        .cloned()
        .collect()
}

/// A folded token that is a number of one or two digits.
fn number(token: &str) -> Option<u8> {
    if token.is_empty() || token.len() > 2 || !token.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    token.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(text: &str) -> Option<(Vec<u8>, Option<String>, NamedBy)> {
        detect(text).map(|n| (n.objectives, n.thematic_area, n.by))
    }

    #[test]
    fn the_bundled_reference_has_eight_titles_and_labels_per_objective_and_five_areas() {
        let reference = Reference::bundled();
        assert!(reference.objectives.iter().all(|t| t.variants.len() == 8));
        assert_eq!(reference.areas.len(), 5);
        assert_eq!(reference.areas[1].objectives, [2, 7, 8, 12, 13, 23]);
    }

    #[test]
    fn objectives_are_named_by_number_in_the_four_languages() {
        use NamedBy::*;
        assert_eq!(named("Objetivo 13"), Some((vec![13], None, Number)));
        assert_eq!(named("Objective 13:"), Some((vec![13], None, Number)));
        assert_eq!(named("OBJECTIF N° 13"), Some((vec![13], None, Number)));
        assert_eq!(named("Objetivo nº 4 –"), Some((vec![4], None, Number)));
        // "Objetivos 5, 6 y 18" folds to "objetivos 5 6 y 18": a list of three.
        assert_eq!(
            named("Objetivos 5, 6 y 18"),
            Some((vec![5, 6, 18], None, Number))
        );
        // 24 is no objective; "Objetivos del Pacto" has no number.
        assert_eq!(named("Objetivo 24"), None);
        assert_eq!(named("Objetivos del Pacto"), None);
        // The number phrase followed by the objective's title (Portuguese title of 13).
        assert_eq!(
            named("Objetivo 13: Utilizar a detenção de migrantes apenas como medida de último recurso"),
            Some((vec![13], None, NumberAndTitle))
        );
    }

    #[test]
    fn a_section_number_names_an_objective_only_before_its_title() {
        // 13 + the English title of 13, cut short: 7 of its 9 content words are there.
        assert_eq!(
            named("13. Use migration detention only as a measure of last resort"),
            Some((vec![13], None, NamedBy::NumberAndTitle))
        );
        // French: "Sauver des vies et mettre en place une action internationale coordonnée…" is 8.
        assert_eq!(
            named("8. Sauver des vies et mettre en place une action internationale coordonnée en faveur des migrants disparus"),
            Some((vec![8], None, NamedBy::NumberAndTitle))
        );
        // A section number before something else is just a section number.
        assert_eq!(
            named("3. Integrating the vision and guiding principles"),
            None
        );
        assert_eq!(
            named("1. Migration in Latin America and the Caribbean"),
            None
        );
    }

    #[test]
    fn titles_and_short_labels_name_objectives_alone_tolerantly() {
        use NamedBy::Title;
        // Spanish short label of 13 plus "de migrantes": words alternativas, detencion (label) and
        // migrantes (heading): (2 + 2) / (2 + 3) = 0.8 ≥ 0.75.
        assert_eq!(
            named("Alternativas a la detención de migrantes"),
            Some((vec![13], None, Title))
        );
        // Case and accents do not matter; English label of 15.
        assert_eq!(
            named("ACCESS TO BASIC SERVICES"),
            Some((vec![15], None, Title))
        );
        // Single-word labels: Remesas, Remittances, Envois de fonds.
        assert_eq!(named("Remesas"), Some((vec![20], None, Title)));
        assert_eq!(named("Envois de fonds"), Some((vec![20], None, Title)));
        // A typo ("Proteccion consulr") is one edit from "consular".
        assert_eq!(named("Protección consulr"), Some((vec![14], None, Title)));
        // Ordinary section headings name nothing.
        for heading in [
            "Progress and potentialities",
            "Challenges",
            "Introducción",
            "Conclusions and recommendations",
            "Migrant children and adolescents",
            "Migration in Latin America and the Caribbean",
        ] {
            assert_eq!(named(heading), None, "{heading}");
        }
    }

    #[test]
    fn thematic_areas_are_named_by_number_and_by_title() {
        assert_eq!(
            named("2.2 Thematic area 2:"),
            Some((
                vec![2, 7, 8, 12, 13, 23],
                Some("TA2".into()),
                NamedBy::Number
            ))
        );
        assert_eq!(
            named("Área temática 5: Mejorar la inclusión social y la integración de los migrantes"),
            Some((
                vec![4, 15, 16, 22, 23],
                Some("TA5".into()),
                NamedBy::NumberAndTitle
            ))
        );
        // The title alone (English TA5 title, "migrant population" for "migrants").
        assert_eq!(
            named("Improving social inclusion and integration of migrants"),
            Some((vec![4, 15, 16, 22, 23], Some("TA5".into()), NamedBy::Title))
        );
    }

    #[test]
    fn section_numbers_are_read_with_their_depth() {
        assert_eq!(
            section_number("2.1 Thematic"),
            Some((vec![2, 1], "Thematic"))
        );
        assert_eq!(section_number("13. Use"), Some((vec![13], "Use")));
        assert_eq!(section_number("3.2.1) x"), Some((vec![3, 2, 1], "x")));
        assert_eq!(section_number("2020 report"), None);
        assert_eq!(section_number("13.5%"), None);
    }

    #[test]
    fn similar_words_tolerate_one_edit_or_a_different_ending() {
        assert!(similar("detencion", "detention"));
        assert!(similar("alternativas", "alternatives"));
        assert!(similar("migrants", "migrantes"));
        assert!(!similar("datos", "otros"));
        assert!(!similar("migration", "migratory"));
        assert!(within_one_edit(b"consulr", b"consular"));
        assert!(!within_one_edit(b"abc", b"abcde"));
    }
}
