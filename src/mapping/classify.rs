//! Suggesting objectives and principles for a passage from the lexicon terms it contains.
//!
//! One pass over the normalised text reads its words and hashes them; every term and blocked name of
//! every language is then found word by word in one hash table of their word prefixes (`words.rs`),
//! overlapping ones included, and the same hashes count the stopwords. Then:
//! 1. a match counts only as whole words (or before a footnote mark glued to a word, "migrants12"),
//!    so "pacto" inside "impacto" is no match;
//! 2. stopword hits decide the language when it was not given;
//! 3. of the matches whose term belongs to that language (all languages for `und`), the longest leftmost
//!    ones are kept and the matches they overlap are dropped, so "tráfico ilícito de migrantes"
//!    (objective 9) hides "migrantes", and a blocked agency name hides the words inside it;
//! 4. per objective (and principle), `raw = Σ over distinct terms of weight × (1 + REPEAT_WEIGHT ×
//!    (occurrences − 1))`, and `score = 1 − exp(−raw)`, which saturates towards 1.
//!
//! With a trained model ([`Classifier::with_model`]) the objectives' text score is instead the model's
//! `σ(bias + Σ lexicon-score weights + Σ weights of the terms and word n-grams present)`, computed in the
//! same pass (n-grams are looked up per word by hash, see `learned.rs`); principles keep the
//! lexicon's score. Headings above a passage ([`Classifier::classify_passage`]) add their score as a
//! noisy-OR: `score = 1 − (1 − text score) × Π (1 − heading score)` (docs/MAPPING.md).

use std::cell::RefCell;
use std::sync::{Arc, OnceLock};

use serde::Serialize;

use super::language::Language;
use super::learned::{self, Learned, WordTable, STOPWORD};
use super::lexicon::{Lexicon, LexiconError, Target, OBJECTIVES, PRINCIPLES};
use super::model::{Model, ModelError};
use super::normalise::{Normalised, SEPARATOR};
use super::segment::{Heading, Passage};
use super::structure::{self, HeadingEvidence};
use super::words::{Span, TermIndex, Word};

/// Default suggestion threshold on the score, chosen on the tuning part of the corpus (docs/MAPPING.md).
pub const DEFAULT_THRESHOLD: f64 = 0.35;

/// Each repeat of a term already counted adds this fraction of its weight: repetition is weak evidence.
pub const REPEAT_WEIGHT: f64 = 0.25;

/// At most this many evidence spans are listed per suggestion (the score counts all of them).
pub const MAX_EVIDENCE: usize = 25;

/// At most this many learned words are listed per suggestion: the ones that weighed most for it.
pub const MAX_LEARNED_EVIDENCE: usize = 8;

/// Where a term was found: char offsets (Unicode scalar values) into the classified text, end exclusive.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    pub start: usize,
    pub end: usize,
    /// The lexicon term as written in its file (shared with the classifier: no copy per match).
    pub term: Arc<str>,
}

/// A word or term that a trained model weighed for an objective, where it was found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LearnedEvidence {
    /// Char offsets into the classified text, end exclusive (a bigram spans the stopwords between).
    pub start: usize,
    pub end: usize,
    /// A lexicon term as written, or an n-gram's folded words ("trata personas").
    pub term: Arc<str>,
    /// Its weight for the objective (logit units, rounded to three decimals); listed when positive.
    pub weight: f64,
}

/// A suggested objective.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    pub objective: u8,
    /// In [0, 1), rounded to three decimals.
    pub score: f64,
    /// The lexicon terms of the objective found in the text.
    pub evidence: Vec<Evidence>,
    /// With a trained model: the words it weighed most for this objective, heaviest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub learned: Vec<LearnedEvidence>,
    /// The headings above the passage that name this objective (or its thematic area).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub headings: Vec<HeadingEvidence>,
}

impl Suggestion {
    /// Where the suggestion came from: `heading`, `lexicon` (its terms), `model` (learned words).
    pub fn sources(&self) -> Vec<&'static str> {
        let mut sources = Vec::new();
        if !self.headings.is_empty() {
            sources.push("heading");
        }
        if !self.evidence.is_empty() {
            sources.push("lexicon");
        }
        if !self.learned.is_empty() {
            sources.push("model");
        }
        sources
    }

    /// One line for a reviewer, naming each source: `heading "Objetivo 13" (line 40); lexicon
    /// gcm-lexicon-2026.1: "detención" at 12-21; learned model-20260301-1a2b3c4d: "albergues" +0.84 at
    /// 40-49`. `version` is the classifier's ([`Classifier::version`]); the lexicon's own version is
    /// named when a model is used.
    pub fn rationale(&self, classifier: &Classifier) -> String {
        const LISTED: usize = 5;
        let mut parts: Vec<String> = self
            .headings
            .iter()
            .map(HeadingEvidence::rationale)
            .collect();
        let list = |items: Vec<String>, total: usize| {
            let mut text = items.join(", ");
            if total > items.len() {
                text.push_str(&format!(" and {} more", total - items.len()));
            }
            text
        };
        if !self.evidence.is_empty() {
            let terms = self
                .evidence
                .iter()
                .take(LISTED)
                .map(|e| format!("\"{}\" at {}-{}", e.term, e.start, e.end))
                .collect();
            parts.push(format!(
                "lexicon {}: {}",
                classifier.lexicon_version(),
                list(terms, self.evidence.len())
            ));
        }
        if !self.learned.is_empty() {
            let words = self
                .learned
                .iter()
                .take(LISTED)
                .map(|e| format!("\"{}\" {:+.2} at {}-{}", e.term, e.weight, e.start, e.end))
                .collect();
            parts.push(format!(
                "learned {}: {}",
                classifier.model_version().unwrap_or_default(),
                list(words, self.learned.len())
            ));
        }
        parts.join("; ")
    }
}

/// A suggested guiding principle.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PrincipleSuggestion {
    /// The principle's key, as in assets/reference/framework.toml.
    pub principle: &'static str,
    pub score: f64,
    pub evidence: Vec<Evidence>,
}

/// What the classifier suggests for one passage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Classification {
    /// The language given, or the one detected (`und` when unclear).
    pub language: Language,
    /// Best first; ties by objective number.
    pub objectives: Vec<Suggestion>,
    /// Best first; ties in the framework's order.
    pub principles: Vec<PrincipleSuggestion>,
}

/// A lexicon compiled into one table of terms, with a trained model or without.
#[derive(Debug, Clone)]
pub struct Classifier {
    version: String,
    /// Every pattern (a distinct normalised term or blocked name), found word by word.
    terms: TermIndex,
    /// Per pattern, its entries: index into `entries`.
    pattern_entries: Vec<Vec<usize>>,
    /// Pattern length in bytes.
    pattern_lengths: Vec<usize>,
    entries: Vec<CompiledEntry>,
    /// Per pattern, its folded text and the term as written of its first entry: how
    /// a model names the lexicon's terms, and how evidence shows them.
    patterns: Vec<String>,
    pattern_terms: Vec<String>,
    /// The FNV-1a hash of every stopword of every language, with its languages (a bit per language of
    /// `Language::KNOWN`): words no n-gram contains.
    stopword_hashes: Vec<(u64, u8)>,
    /// The stopwords alone as a word table (for counting them, and reading a text's n-grams without
    /// a model). Stopwords are not terms: they are a third of all words, and each is one lookup.
    stopword_table: WordTable,
    learned: Option<Learned>,
}

/// What the model reads of a passage: the lexicon's score per objective, the terms found (patterns,
/// once each) and the word n-grams (hash and folded text, once each, in hash order).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PassageFeatures {
    pub lexicon: [f64; OBJECTIVES as usize],
    pub terms: Vec<usize>,
    pub ngrams: Vec<(u64, String)>,
    /// Words read (stopwords and one-letter words left out, repeats counted).
    pub words: usize,
}

/// A model feature found in the text: byte offsets into the normalised copy, char offsets into the
/// text.
#[derive(Debug, Clone, Copy)]
struct FeatureHit {
    feature: u32,
    start: usize,
    end: usize,
    char_start: usize,
    char_end: usize,
}

#[derive(Debug, Clone)]
struct CompiledEntry {
    language: Language,
    term: Arc<str>,
    target: Target,
    weight: f64,
}

/// A whole-word match of a pattern: byte offsets of the normalised copy, char offsets of the text.
#[derive(Debug, Clone, Copy)]
struct Hit {
    start: usize,
    end: usize,
    char_start: usize,
    char_end: usize,
    pattern: usize,
}

/// The buffers of one classification, kept per thread and reused, so that a call allocates only what
/// it returns (a report is classified passage by passage, and most passages are short).
#[derive(Debug, Default)]
struct Scratch {
    normalised: Normalised,
    hits: Vec<Hit>,
    gram_hits: Vec<FeatureHit>,
    blocked: Vec<Hit>,
    admitted: Vec<Hit>,
    kept: Vec<Hit>,
    /// A bit per model feature: whether it was seen in this text (cleared after each use).
    seen: Vec<u64>,
    features: Vec<FeatureHit>,
    weighed: Vec<(f64, usize, usize, u32)>,
    /// Per objective and per principle, what the lexicon's terms add up to (their evidence lists are
    /// handed to the suggestions made; the rest keep their room).
    objectives: Vec<Tally>,
    principles: Vec<Tally>,
}

/// A thread keeps its buffers only while the longest text it read is at most this long (a passage is
/// a few KB; a thread that read a whole report gives its buffers back).
const MAX_KEPT_SCRATCH_BYTES: usize = 1 << 20;

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Evidence accumulated for one objective or principle.
#[derive(Debug, Default, Clone)]
struct Tally {
    raw: f64,
    /// Occurrences so far per entry index (to weigh repeats).
    seen: Vec<(usize, u32)>,
    evidence: Vec<Evidence>,
}

impl Tally {
    fn add(&mut self, entry_index: usize, entry: &CompiledEntry, start: usize, end: usize) {
        let occurrences = match self
            .seen
            .iter_mut()
            .find(|(index, _)| *index == entry_index)
        {
            Some((_, count)) => {
                *count += 1;
                *count
            }
            None => {
                self.seen.push((entry_index, 1));
                1
            }
        };
        self.raw += if occurrences == 1 {
            entry.weight
        } else {
            entry.weight * REPEAT_WEIGHT
        };
        // The term is cloned only for the spans listed, not for every occurrence in a long text.
        if self.evidence.len() < MAX_EVIDENCE {
            self.evidence.push(Evidence {
                start,
                end,
                term: entry.term.clone(),
            });
        }
    }

    fn score(&self) -> f64 {
        round3(self.unrounded())
    }

    fn unrounded(&self) -> f64 {
        // Most objectives have no term in a passage: no exponential for them (1 − e⁰ is 0 exactly).
        if self.raw == 0.0 {
            0.0
        } else {
            1.0 - (-self.raw).exp()
        }
    }

    /// Empty again, keeping the room of its lists.
    fn clear(&mut self) {
        self.raw = 0.0;
        self.seen.clear();
        self.evidence.clear();
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

impl Classifier {
    /// The classifier of the bundled lexicon, compiled once per process.
    pub fn bundled() -> &'static Classifier {
        static BUNDLED: OnceLock<Classifier> = OnceLock::new();
        BUNDLED.get_or_init(|| {
            // The bundled files are part of the binary and checked by the tests of this module, so a
            // failure here is a build defect, not bad input.
            let lexicon = Lexicon::bundled().expect("the bundled lexicon is valid");
            Classifier::new(&lexicon).expect("the bundled lexicon compiles")
        })
    }

    /// Compiles a lexicon.
    pub fn new(lexicon: &Lexicon) -> Result<Classifier, LexiconError> {
        let mut patterns: Vec<String> = Vec::new();
        let mut pattern_entries: Vec<Vec<usize>> = Vec::new();
        let mut index_of: std::collections::HashMap<&str, usize> = Default::default();
        let mut entries = Vec::with_capacity(lexicon.entries.len());
        for (entry_index, entry) in lexicon.entries.iter().enumerate() {
            entries.push(CompiledEntry {
                language: entry.language,
                term: entry.term.as_str().into(),
                target: entry.target,
                weight: entry.weight,
            });
            if entry.target == Target::Stopword {
                // Stopwords are counted word by word: one that folds to several words would never be
                // counted (one that folds to nothing is refused by the parser).
                if entry.normalised.as_bytes().contains(&SEPARATOR) {
                    return Err(LexiconError {
                        file: format!("{}.toml", entry.language),
                        reason: format!("stopword `{}` must be one word", entry.term),
                    });
                }
                continue;
            }
            let pattern = *index_of
                .entry(entry.normalised.as_str())
                .or_insert_with(|| {
                    patterns.push(entry.normalised.clone());
                    pattern_entries.push(Vec::new());
                    patterns.len() - 1
                });
            pattern_entries[pattern].push(entry_index);
        }
        let terms = TermIndex::new(&patterns);
        let pattern_lengths = patterns.iter().map(String::len).collect();
        let pattern_terms = pattern_entries
            .iter()
            .map(|indices| {
                indices
                    .first()
                    .map(|&e| entries[e].term.to_string())
                    .unwrap_or_default()
            })
            .collect();
        let mut stopword_hashes: Vec<(u64, u8)> = lexicon
            .entries
            .iter()
            .filter(|entry| entry.target == Target::Stopword)
            .filter_map(|entry| {
                let language = entry.language.index()?;
                Some((learned::ngram_hash(&entry.normalised), 1u8 << language))
            })
            .collect();
        stopword_hashes.sort_unstable();
        stopword_hashes.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                kept.1 |= later.1;
            }
            same
        });
        let stopword_table = WordTable::new(
            stopword_hashes
                .iter()
                .map(|(hash, languages)| (*hash, STOPWORD | u32::from(*languages))),
        );
        Ok(Classifier {
            version: lexicon.version.clone(),
            terms,
            pattern_entries,
            pattern_lengths,
            entries,
            patterns,
            pattern_terms,
            stopword_hashes,
            stopword_table,
            learned: None,
        })
    }

    /// The bundled lexicon with a trained model: the model's lexicon must be the bundled one.
    pub fn with_model(model: &Model) -> Result<Classifier, ModelError> {
        Classifier::bundled().with_trained(model)
    }

    /// This classifier's lexicon with a trained model in place of its objective scores (principles keep
    /// the lexicon's). Refuses a model that does not validate or was trained on another lexicon.
    pub fn with_trained(&self, model: &Model) -> Result<Classifier, ModelError> {
        model.validate()?;
        if model.lexicon_version != self.version {
            return Err(ModelError::new(format!(
                "{} was trained on lexicon {}, this classifier's is {}: train it again",
                model.version, model.lexicon_version, self.version
            )));
        }
        let learned = Learned::compile(
            model,
            &self.patterns,
            &self.pattern_terms,
            &self.stopword_hashes,
        )?;
        let mut classifier = self.clone();
        classifier.learned = Some(learned);
        Ok(classifier)
    }

    /// What to record with every suggestion: the model's version with a trained model, else the
    /// lexicon's.
    pub fn version(&self) -> &str {
        self.model_version().unwrap_or(&self.version)
    }

    /// The lexicon's version (also with a trained model, whose features it provides).
    pub fn lexicon_version(&self) -> &str {
        &self.version
    }

    /// The trained model's version, if one is used.
    pub fn model_version(&self) -> Option<&str> {
        self.learned.as_ref().map(|l| l.version.as_str())
    }

    /// Suggestions at the default threshold.
    pub fn classify(&self, text: &str, language: Option<Language>) -> Classification {
        self.classify_with_threshold(text, language, DEFAULT_THRESHOLD)
    }

    /// Suggestions whose score is at least `threshold` (0 lists everything with any evidence).
    pub fn classify_with_threshold(
        &self,
        text: &str,
        language: Option<Language>,
        threshold: f64,
    ) -> Classification {
        self.classify_in_context(text, language, &[], threshold)
    }

    /// A segmented passage at the default threshold, with the headings it sits under.
    pub fn classify_passage(
        &self,
        passage: &Passage,
        language: Option<Language>,
    ) -> Classification {
        self.classify_in_context(
            &passage.text,
            language,
            &passage.headings,
            DEFAULT_THRESHOLD,
        )
    }

    /// Suggestions for a text under `headings` (outermost first, as [`Passage::headings`]) whose score
    /// is at least `threshold`.
    pub fn classify_in_context(
        &self,
        text: &str,
        language: Option<Language>,
        headings: &[Heading],
        threshold: f64,
    ) -> Classification {
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut scratch) => {
                let classification =
                    self.classify_with(&mut scratch, text, language, headings, threshold);
                // A whole report read as one text would otherwise keep its buffers on the thread.
                if scratch.normalised.bytes.capacity() > MAX_KEPT_SCRATCH_BYTES {
                    *scratch = Scratch::default();
                }
                classification
            }
            // Only a classification that classifies inside itself would find the buffers taken.
            Err(_) => {
                self.classify_with(&mut Scratch::default(), text, language, headings, threshold)
            }
        })
    }

    fn classify_with(
        &self,
        scratch: &mut Scratch,
        text: &str,
        language: Option<Language>,
        headings: &[Heading],
        threshold: f64,
    ) -> Classification {
        let Scratch {
            normalised,
            hits,
            gram_hits,
            blocked,
            admitted,
            kept,
            seen,
            features,
            weighed,
            objectives,
            principles,
        } = scratch;
        normalised.refill(text);
        self.find_hits_into(normalised, hits);
        let words = &normalised.words;
        // With a model, one lookup per word finds its n-grams and counts the stopwords.
        gram_hits.clear();
        let mut gram_words = 0usize;
        let stopword_hits = match &self.learned {
            Some(model) => learned::scan_grams(words, &model.table, |gram| {
                gram_words += usize::from(gram.split.is_none());
                if let Some(feature) = gram.value {
                    gram_hits.push(FeatureHit {
                        feature,
                        start: gram.start,
                        end: gram.end,
                        char_start: gram.char_start,
                        char_end: gram.char_end,
                    });
                }
            }),
            None => self.stopword_hits(words),
        };
        let language = language.unwrap_or_else(|| Language::from_stopword_hits(stopword_hits));
        self.longest_leftmost_into(hits, language, blocked, admitted, kept);
        let kept = &*kept;

        objectives.resize_with(usize::from(OBJECTIVES), Tally::default);
        principles.resize_with(PRINCIPLES.len(), Tally::default);
        objectives.iter_mut().for_each(Tally::clear);
        principles.iter_mut().for_each(Tally::clear);
        for hit in kept {
            let (start, end) = (hit.char_start, hit.char_end);
            for &entry_index in &self.pattern_entries[hit.pattern] {
                let entry = &self.entries[entry_index];
                if !language.admits(entry.language) {
                    continue;
                }
                let tally = match entry.target {
                    Target::Objective(n) => &mut objectives[usize::from(n) - 1],
                    Target::Principle(p) => &mut principles[p],
                    Target::Blocked | Target::Stopword => continue,
                };
                tally.add(entry_index, entry, start, end);
            }
        }

        // Whether the text holds any evidence of each objective, and with a model its logits.
        let mut evidenced = [false; OBJECTIVES as usize];
        for (index, tally) in objectives.iter().enumerate() {
            evidenced[index] = tally.raw > 0.0;
        }
        features.clear();
        let logits = self.learned.as_ref().map(|model| {
            self.logits(
                model,
                kept,
                gram_hits,
                gram_words,
                objectives,
                &mut evidenced,
                seen,
                features,
            )
        });
        // The text's score of an objective: the model's, else the lexicon's.
        let text_score = |index: usize, tally: &Tally| match &logits {
            Some(logits) => sigmoid(logits[index]),
            None => tally.unrounded(),
        };
        let mut heading_scores = structure::heading_scores(headings);
        // A thematic area spans five or six objectives: its heading raises only those of them that
        // the passage's own lexicon terms already point to.
        let area_only = structure::area_only(headings);
        for (index, tally) in objectives.iter().enumerate() {
            if area_only[index] && tally.raw == 0.0 {
                heading_scores[index] = 0.0;
            }
        }
        // With a model nearly every objective has some weight in a passage, and the exponential and
        // the rounding of 23 scores cost more than the rest of the scoring: an objective without a
        // heading whose text score is surely below the threshold, even once rounded to 3 decimals, is
        // dropped on its logit (or lexicon sum) alone. NaN bounds (thresholds outside 0-1) drop nothing.
        let surely_below = threshold - 0.0006;
        let logit_floor = (surely_below / (1.0 - surely_below)).ln();
        let raw_floor = -(1.0 - surely_below).ln();
        let mut objectives: Vec<Suggestion> = objectives
            .iter_mut()
            .enumerate()
            .filter_map(|(index, tally)| {
                let heading = heading_scores[index];
                if heading == 0.0 {
                    let surely_out = match &logits {
                        Some(logits) => logits[index] < logit_floor,
                        None => tally.raw < raw_floor,
                    };
                    if !evidenced[index] || surely_out {
                        return None;
                    }
                }
                // Without a heading or a model the score is the lexicon's, exactly as it always was.
                let score = match (heading > 0.0, &self.learned) {
                    (false, None) => tally.score(),
                    (false, Some(_)) => round3(text_score(index, tally)),
                    (true, _) => round3(1.0 - (1.0 - text_score(index, tally)) * (1.0 - heading)),
                };
                if score < threshold {
                    return None;
                }
                let objective = index as u8 + 1;
                let learned = match &self.learned {
                    Some(model) => learned_evidence(model, features, index, weighed),
                    None => Vec::new(),
                };
                let headings = if heading > 0.0 {
                    structure::heading_evidence(headings, objective)
                } else {
                    Vec::new()
                };
                Some(Suggestion {
                    objective,
                    score,
                    evidence: std::mem::take(&mut tally.evidence),
                    learned,
                    headings,
                })
            })
            .collect();
        objectives.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(a.objective.cmp(&b.objective))
        });
        let mut principles: Vec<(usize, PrincipleSuggestion)> = principles
            .iter_mut()
            .enumerate()
            .filter(|(_, tally)| tally.raw > 0.0 && tally.score() >= threshold)
            .map(|(index, tally)| {
                let suggestion = PrincipleSuggestion {
                    principle: PRINCIPLES[index],
                    score: tally.score(),
                    evidence: std::mem::take(&mut tally.evidence),
                };
                (index, suggestion)
            })
            .collect();
        principles.sort_by(|(ia, a), (ib, b)| b.score.total_cmp(&a.score).then(ia.cmp(ib)));
        Classification {
            language,
            objectives,
            principles: principles.into_iter().map(|(_, s)| s).collect(),
        }
    }

    /// The trained model's logit per objective for a text; the model's features found in it (each
    /// feature once, at its first occurrence) go to `hits`. Marks in `evidenced` the objectives that a
    /// feature found weighs for. `seen` is a bit set per feature, all clear before and after.
    #[allow(clippy::too_many_arguments)]
    fn logits(
        &self,
        model: &Learned,
        kept: &[Hit],
        gram_hits: &[FeatureHit],
        words: usize,
        tallies: &[Tally],
        evidenced: &mut [bool; OBJECTIVES as usize],
        seen: &mut Vec<u64>,
        hits: &mut Vec<FeatureHit>,
    ) -> [f64; OBJECTIVES as usize] {
        let mut logits = model.bias;
        let mut lexicon_scores = [0.0; OBJECTIVES as usize];
        for (score, tally) in lexicon_scores.iter_mut().zip(tallies) {
            *score = tally.unrounded();
        }
        let best = lexicon_scores.iter().fold(0.0f64, |m, s| m.max(*s));
        let mut from_lexicon = [0.0f32; learned::LANES];
        for (score, column) in lexicon_scores.iter().zip(&model.lexicon) {
            // Most objectives have no term in a passage: their column adds nothing.
            if *score > 0.0 {
                let score = *score as f32;
                for (total, weight) in from_lexicon.iter_mut().zip(column) {
                    *total += weight * score;
                }
            }
        }
        for (index, logit) in logits.iter_mut().enumerate() {
            *logit += model.relative[index] * (lexicon_scores[index] - best)
                + f64::from(from_lexicon[index]);
        }
        // Each feature counts once, however often it occurs (its first occurrence is its evidence): a
        // bit per feature, cleared again below for the next text.
        seen.resize(model.labels.len().div_ceil(64), 0);
        let mut first_time = |feature: u32| {
            let (word, bit) = (feature as usize / 64, feature % 64);
            let new = seen[word] >> bit & 1 == 0;
            seen[word] |= 1 << bit;
            new
        };
        hits.clear();
        for hit in kept {
            if let Some(feature) = model.pattern_features[hit.pattern] {
                if first_time(feature) {
                    hits.push(FeatureHit {
                        feature,
                        start: hit.start,
                        end: hit.end,
                        char_start: hit.char_start,
                        char_end: hit.char_end,
                    });
                }
            }
        }
        for hit in gram_hits {
            if first_time(hit.feature) {
                hits.push(*hit);
            }
        }
        // Terms and n-grams summed apart (n-grams are scaled by the passage's length), in f32 lanes.
        let (mut terms, mut ngrams) = ([0.0f32; learned::LANES], [0.0f32; learned::LANES]);
        let mut positive = 0u32;
        for hit in hits.iter() {
            seen[hit.feature as usize / 64] = 0;
            let row = &model.weights[hit.feature as usize];
            let sum = if hit.feature < model.terms {
                &mut terms
            } else {
                &mut ngrams
            };
            for (total, weight) in sum.iter_mut().zip(row) {
                *total += weight;
            }
            positive |= model.positive[hit.feature as usize];
        }
        // By place, a term before an n-gram at the same place (terms have the lower feature numbers):
        // how the suggestions list them.
        hits.sort_unstable_by_key(|hit| (hit.start, hit.end, hit.feature));
        let ngram_value = learned::ngram_value(words);
        for (index, logit) in logits.iter_mut().enumerate() {
            *logit += f64::from(terms[index]) + f64::from(ngrams[index]) * ngram_value;
            evidenced[index] |= positive >> index & 1 == 1;
        }
        logits
    }

    /// What a model reads of a text (the same pass as [`Classifier::classify`] makes with a model),
    /// for training.
    pub(crate) fn features(&self, text: &str, language: Option<Language>) -> PassageFeatures {
        let normalised = Normalised::new(text);
        let hits = self.find_hits(&normalised);
        let stopword_hits = self.stopword_hits(&normalised.words);
        let language = match language {
            Some(Language::Und) | None => Language::from_stopword_hits(stopword_hits),
            Some(known) => known,
        };
        let kept = self.longest_leftmost(&hits, language);
        let mut raw = [0.0f64; OBJECTIVES as usize];
        let mut tallies = vec![Tally::default(); usize::from(OBJECTIVES)];
        let mut terms = Vec::new();
        for hit in &kept {
            terms.push(hit.pattern);
            for &entry_index in &self.pattern_entries[hit.pattern] {
                let entry = &self.entries[entry_index];
                if let (Target::Objective(n), true) =
                    (entry.target, language.admits(entry.language))
                {
                    tallies[usize::from(n) - 1].add(entry_index, entry, 0, 0);
                }
            }
        }
        for (slot, tally) in raw.iter_mut().zip(&tallies) {
            *slot = tally.unrounded();
        }
        terms.sort_unstable();
        terms.dedup();
        let mut ngrams: Vec<(u64, String)> = Vec::new();
        let bytes = &normalised.bytes;
        let mut gram_words = 0usize;
        let _ = learned::scan_grams(&normalised.words, &self.stopword_table, |gram| {
            gram_words += usize::from(gram.split.is_none());
            let text = match gram.split {
                Some((first_end, second_start)) => format!(
                    "{} {}",
                    String::from_utf8_lossy(&bytes[gram.start..first_end]),
                    String::from_utf8_lossy(&bytes[second_start..gram.end])
                ),
                None => String::from_utf8_lossy(&bytes[gram.start..gram.end]).to_string(),
            };
            ngrams.push((gram.hash, text));
        });
        ngrams.sort_unstable();
        ngrams.dedup_by(|a, b| a.0 == b.0);
        PassageFeatures {
            lexicon: raw,
            terms,
            ngrams,
            words: gram_words,
        }
    }

    /// The folded text of each term pattern (a lexicon term), by pattern index.
    pub(crate) fn pattern_text(&self, pattern: usize) -> &str {
        &self.patterns[pattern]
    }

    /// The language a text is detected as (what `classify` does with `language: None`).
    pub fn detect_language(&self, text: &str) -> Language {
        let normalised = Normalised::new(text);
        Language::from_stopword_hits(self.stopword_hits(&normalised.words))
    }

    /// Every whole-word match of a term or blocked name.
    fn find_hits(&self, normalised: &Normalised) -> Vec<Hit> {
        let mut hits = Vec::new();
        self.find_hits_into(normalised, &mut hits);
        hits
    }

    /// [`Classifier::find_hits`] into a buffer (cleared first).
    fn find_hits_into(&self, normalised: &Normalised, hits: &mut Vec<Hit>) {
        hits.clear();
        self.terms.find(normalised, |span: Span, pattern| {
            hits.push(Hit {
                start: span.start,
                end: span.end,
                char_start: span.char_start,
                char_end: span.char_end,
                pattern,
            })
        });
    }

    /// Stopwords per language among the first [`MAX_DETECTION_WORDS`] words: a lookup per word.
    fn stopword_hits(&self, words: &[Word]) -> [u32; 4] {
        let mut hits = [0u32; 4];
        for word in words.iter().take(MAX_DETECTION_WORDS) {
            if let Some(languages) = self.stopword_table.get(word.hash) {
                for (language, count) in hits.iter_mut().enumerate() {
                    *count += languages >> language & 1;
                }
            }
        }
        hits
    }

    /// Keeps, among the hits admitted by `language`, the leftmost and then longest ones that do not
    /// overlap a hit already kept. Blocked names go first: nothing that overlaps one counts, even a term
    /// that starts before it ("cooperation with the International Organization for Migration").
    fn longest_leftmost(&self, hits: &[Hit], language: Language) -> Vec<Hit> {
        let (mut blocked, mut admitted, mut kept) = Default::default();
        self.longest_leftmost_into(hits, language, &mut blocked, &mut admitted, &mut kept);
        kept
    }

    /// [`Classifier::longest_leftmost`] into `kept`, with two work buffers (all cleared first).
    fn longest_leftmost_into(
        &self,
        hits: &[Hit],
        language: Language,
        blocked: &mut Vec<Hit>,
        admitted: &mut Vec<Hit>,
        kept: &mut Vec<Hit>,
    ) {
        let is_blocked = |hit: &Hit| {
            self.pattern_entries[hit.pattern]
                .iter()
                .any(|&e| self.entries[e].target == Target::Blocked)
        };
        admitted.clear();
        admitted.extend(hits.iter().copied().filter(is_blocked));
        self.select(admitted, blocked);
        let blocked = &*blocked;
        // The kept blocked names do not overlap, so sorted by start they are sorted by end too: the only
        // one that can overlap a hit is the first that ends after the hit starts.
        let overlaps_blocked = |hit: &Hit| {
            let first = blocked.partition_point(|b| b.end <= hit.start);
            blocked.get(first).is_some_and(|b| b.start < hit.end)
        };
        admitted.clear();
        admitted.extend(
            hits.iter()
                .copied()
                .filter(|hit| !is_blocked(hit) && !overlaps_blocked(hit))
                .filter(|hit| {
                    self.pattern_entries[hit.pattern].iter().any(|&e| {
                        let entry = &self.entries[e];
                        entry.target != Target::Stopword && language.admits(entry.language)
                    })
                }),
        );
        self.select(admitted, kept);
    }

    /// Greedy leftmost-longest choice of non-overlapping hits (`hits` is sorted in place; `kept` is
    /// cleared first).
    fn select(&self, hits: &mut [Hit], kept: &mut Vec<Hit>) {
        // Overlapping matches arrive by end; most passages hold a handful, so the sort is short.
        hits.sort_unstable_by(|a, b| {
            a.start
                .cmp(&b.start)
                .then(self.pattern_lengths[b.pattern].cmp(&self.pattern_lengths[a.pattern]))
                .then(a.pattern.cmp(&b.pattern))
        });
        kept.clear();
        let mut covered_until = 0;
        for hit in hits.iter() {
            if hit.start >= covered_until {
                covered_until = hit.end;
                kept.push(*hit);
            }
        }
    }
}

/// The model's features found in the text that weigh for objective `index`, heaviest first (at most
/// [`MAX_LEARNED_EVIDENCE`]). `hits` are sorted by place, and a term before an n-gram at the same place
/// ([`Classifier::logits`]); `weighed` is a work buffer.
fn learned_evidence(
    model: &Learned,
    hits: &[FeatureHit],
    index: usize,
    weighed: &mut Vec<(f64, usize, usize, u32)>,
) -> Vec<LearnedEvidence> {
    // A lexicon term and an n-gram over the same words ("frontera", "trata de personas" and the bigram
    // "trata personas") are two features at one place: they are shown once, with their weights added,
    // under the first that weighs for this objective (the term as the lexicon writes it, when it does).
    //
    // Most features weigh nothing for a given objective, and which ones do is unpredictable: every hit
    // is written at the end of the kept ones and the count moves past it only when it weighs, so that
    // skipping costs no branch.
    weighed.clear();
    weighed.resize(hits.len(), (0.0, 0, 0, 0));
    let mut kept = 0;
    let mut last_place = (usize::MAX, usize::MAX);
    for hit in hits {
        let weight = model.weight(hit.feature, index);
        let place = (hit.start, hit.end);
        if kept > 0 && place == last_place {
            weighed[kept - 1].0 += weight;
            continue;
        }
        weighed[kept] = (weight, hit.char_start, hit.char_end, hit.feature);
        let weighs = weight != 0.0;
        last_place = if weighs { place } else { last_place };
        kept += usize::from(weighs);
    }
    weighed.truncate(kept);
    weighed.retain(|kept| kept.0 > 0.0);
    // Heaviest first; equal weights in text order.
    weighed.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then((a.1, a.2).cmp(&(b.1, b.2))));
    weighed
        .iter()
        .take(MAX_LEARNED_EVIDENCE)
        .map(|&(weight, start, end, feature)| LearnedEvidence {
            start,
            end,
            term: model.labels[feature as usize].clone(),
            weight: round3(weight),
        })
        .collect()
}

/// Language detection reads at most this many words: enough for any passage, and a whole report's
/// language is settled long before.
pub const MAX_DETECTION_WORDS: usize = 2_000;

#[cfg(test)]
mod tests {
    use super::*;

    fn objective_scores(classification: &Classification) -> Vec<(u8, f64)> {
        classification
            .objectives
            .iter()
            .map(|s| (s.objective, s.score))
            .collect()
    }

    #[test]
    fn spanish_smuggling_and_trafficking_are_told_apart() {
        let text = "El tráfico ilícito de migrantes y la trata de personas";
        let classification = Classifier::bundled().classify(text, None);
        // Stopwords: Spanish el, de, y, la, de (5) beat French de, la, de (3) and Portuguese de, de (2).
        assert_eq!(classification.language, Language::Es);
        // Each phrase weighs 2.0: 1 - e^-2 = 0.865; the tie is ordered by objective number.
        assert_eq!(objective_scores(&classification), [(9, 0.865), (10, 0.865)]);
        // "El " is 3 characters and the 28-character phrase ends at 31; "trata de personas" starts after
        // " y la " at 37 and is 17 characters long. The shorter terms inside ("tráfico ilícito",
        // "tráfico") are hidden by the longer phrase.
        assert_eq!(
            classification.objectives[0].evidence,
            [Evidence {
                start: 3,
                end: 31,
                term: "tráfico ilícito de migrantes".into()
            }]
        );
        assert_eq!(
            (
                classification.objectives[1].evidence[0].start,
                classification.objectives[1].evidence[0].end
            ),
            (37, 54)
        );
    }

    #[test]
    fn portuguese_trafico_de_pessoas_is_trafficking() {
        let classification =
            Classifier::bundled().classify("Combate ao tráfico de pessoas na fronteira.", None);
        // Portuguese stopwords ao, de, na (3) against one "de" each for Spanish and French.
        assert_eq!(classification.language, Language::Pt);
        // "tráfico de pessoas" 2.0 → 0.865 (objective 10, not 9); "fronteira" 0.6 → 0.451 (borders).
        assert_eq!(
            objective_scores(&classification),
            [(10, 0.865), (11, 0.451)]
        );
    }

    #[test]
    fn a_term_inside_a_longer_word_is_no_match() {
        let lexicon = Lexicon::parse(&[(
            "test.toml",
            "version = \"t\"\nlanguage = \"es\"\n[objectives.23]\n\"pacto\" = 1.0\n",
        )])
        .unwrap();
        let classifier = Classifier::new(&lexicon).unwrap();
        let classification = classifier.classify("El impacto del pacto", Some(Language::Es));
        // Only the standalone word at characters 15-20 counts; "impacto" does not: raw 1.0, 0.632.
        assert_eq!(objective_scores(&classification), [(23, 0.632)]);
        assert_eq!(
            classification.objectives[0].evidence,
            [Evidence {
                start: 15,
                end: 20,
                term: "pacto".into()
            }]
        );
    }

    #[test]
    fn a_stopword_of_several_words_is_refused_with_its_file() {
        // Stopwords are counted one word at a time, so "de la" (two words once folded) could never
        // be counted: the lexicon is refused, naming the file. (A stopword that folds to nothing,
        // "¿", is already refused by the parser, as any term.)
        for stopword in ["de la", "d'un"] {
            let lexicon = Lexicon::parse(&[(
                "es.toml",
                &format!(
                    "version = \"t\"\nlanguage = \"es\"\nstopwords = [\"el\", \"{stopword}\"]\n\
                     [objectives.23]\n\"pacto\" = 1.0\n"
                ),
            )])
            .unwrap();
            let error = Classifier::new(&lexicon).unwrap_err();
            assert_eq!(error.file, "es.toml", "{stopword}");
            assert_eq!(
                error.reason,
                format!("stopword `{stopword}` must be one word")
            );
        }
    }

    #[test]
    fn agency_names_and_the_compact_itself_are_evidence_of_nothing() {
        let classifier = Classifier::bundled();
        for text in [
            // Without the guard, "refugiados" (objective 7) and "derechos humanos" (human rights) count.
            "con el apoyo del Alto Comisionado de las Naciones Unidas para los Refugiados, la Organización Internacional para las Migraciones y el Alto Comisionado para los Derechos Humanos",
            // "regular migration" (objective 5) is inside the Compact's name.
            "States endorsed the Global Compact for Safe, Orderly and Regular Migration",
            "the International Organization for Migration and UN Women",
        ] {
            let classification = classifier.classify_with_threshold(text, None, 0.0);
            assert!(classification.objectives.is_empty(), "{text}: {classification:?}");
            assert!(classification.principles.is_empty(), "{text}: {classification:?}");
        }
        // "se trata de personas" (these are people) is an idiom, not trafficking.
        let idiom = classifier.classify_with_threshold(
            "En la frontera se trata de personas vulnerables.",
            None,
            0.0,
        );
        assert!(
            idiom.objectives.iter().all(|s| s.objective != 10),
            "{idiom:?}"
        );
    }

    #[test]
    fn the_longest_term_hides_the_terms_inside_it() {
        let classification = Classifier::bundled().classify_with_threshold(
            "Assistance to victims of trafficking.",
            Some(Language::En),
            0.0,
        );
        // "victims of trafficking" (10, 2.0) hides "victims" (7) and "trafficking" (10, 1.5); objective 7
        // keeps only "assistance" (0.3): 1 - e^-0.3 = 0.259.
        assert_eq!(objective_scores(&classification), [(10, 0.865), (7, 0.259)]);
        let terms: Vec<&str> = classification.objectives[1]
            .evidence
            .iter()
            .map(|e| &*e.term)
            .collect();
        assert_eq!(terms, ["assistance"]);
        // At the default threshold (0.35) objective 7 is not suggested.
        let default = Classifier::bundled()
            .classify("Assistance to victims of trafficking.", Some(Language::En));
        assert_eq!(objective_scores(&default), [(10, 0.865)]);
    }

    #[test]
    fn repeats_count_a_quarter_and_cited_objectives_count_most() {
        let classifier = Classifier::bundled();
        // "remittances" twice: 2.0 + 0.25 × 2.0 = 2.5, 1 - e^-2.5 = 0.918; both spans are listed.
        let repeated = classifier.classify("Remittances and REMITTANCES.", Some(Language::En));
        assert_eq!(objective_scores(&repeated), [(20, 0.918)]);
        assert_eq!(repeated.objectives[0].evidence.len(), 2);
        // "Objective 5" weighs 3.0: 0.950; "objective 50" is no objective (a digit follows).
        let cited = classifier.classify("Objective 5 and objective 50.", Some(Language::En));
        assert_eq!(objective_scores(&cited), [(5, 0.95)]);
    }

    #[test]
    fn case_accents_line_breaks_and_footnote_marks_do_not_hide_a_term() {
        // "NIÑOS  no\nACOMPAÑADOS" folds to "ninos no acompanados"; "no acompañados" (7, 1.2) starts at
        // character 7 and ends at 21 (the two spaces and the line break count as characters). "niños"
        // (7, 0.35) is the other evidence of objective 7, at 0-5.
        let classification = Classifier::bundled().classify_with_threshold(
            "NIÑOS  no\nACOMPAÑADOS",
            Some(Language::Es),
            0.0,
        );
        let seven = classification
            .objectives
            .iter()
            .find(|s| s.objective == 7)
            .unwrap();
        let spans: Vec<(usize, usize, &str)> = seven
            .evidence
            .iter()
            .map(|e| (e.start, e.end, &*e.term))
            .collect();
        assert_eq!(spans, [(0, 5, "niños"), (7, 21, "no acompañados")]);
        // A footnote number glued to the word ("remittances12") still matches.
        let glued = Classifier::bundled().classify("remittances12 , here", Some(Language::En));
        assert_eq!(objective_scores(&glued), [(20, 0.865)]);
        assert_eq!(
            (
                glued.objectives[0].evidence[0].start,
                glued.objectives[0].evidence[0].end
            ),
            (0, 11)
        );
    }

    #[test]
    fn the_one_pass_stopword_count_of_a_model_is_the_classifier_s_own() {
        let classifier = Classifier::bundled();
        for text in [
            "El gobierno y los municipios de la región, y a la vez o e a",
            "O governo e os municípios da região",
            "The government and the civil society of the region",
            "Le gouvernement et les communes de la région",
            &"de la y el ".repeat(700),
        ] {
            let words = Normalised::new(text).words;
            let one_pass = learned::scan_grams(&words, &classifier.stopword_table, |_| {});
            assert_eq!(one_pass, classifier.stopword_hits(&words), "{text}");
        }
    }

    /// The matches an Aho-Corasick automaton over `" " + pattern` finds in the normalised copy, kept
    /// where the pattern ends a word (a separator or the end follows, or a digit follows a letter):
    /// how terms were found before they were looked up word by word.
    fn automaton_hits(classifier: &Classifier, bytes: &[u8]) -> Vec<(usize, usize, usize)> {
        let patterns: Vec<String> = classifier
            .patterns
            .iter()
            .map(|p| format!(" {p}"))
            .collect();
        let automaton = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::Standard)
            .build(&patterns)
            .unwrap();
        let mut hits: Vec<(usize, usize, usize)> = automaton
            .find_overlapping_iter(bytes)
            .filter(|found| match bytes.get(found.end()) {
                None | Some(&SEPARATOR) => true,
                Some(next) => next.is_ascii_digit() && bytes[found.end() - 1].is_ascii_lowercase(),
            })
            .map(|found| (found.start() + 1, found.end(), found.pattern().as_usize()))
            .collect();
        hits.sort_unstable();
        hits
    }

    #[test]
    fn terms_found_word_by_word_are_exactly_an_automaton_s_matches() {
        let classifier = Classifier::bundled();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sources");
        let mut texts: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| std::fs::read_to_string(entry.unwrap().path()).unwrap())
            .collect();
        // Footnote marks glued to words, digits after digits, terms inside words, and terms cut by
        // the end of the text.
        texts.push(
            "remittances12 remittances1x migrants2024 objective 50 objective 5 impacto del pacto \
             tráfico ilícito de migrantes12 trata de personas"
                .to_string(),
        );
        let mut total = 0;
        for text in &texts {
            let normalised = Normalised::new(text);
            let mut found: Vec<(usize, usize, usize)> = classifier
                .find_hits(&normalised)
                .iter()
                .map(|hit| (hit.start, hit.end, hit.pattern))
                .collect();
            found.sort_unstable();
            assert_eq!(found, automaton_hits(classifier, &normalised.bytes));
            total += found.len();
        }
        // The seed texts hold thousands of term occurrences: the comparison is not vacuous.
        assert!(total > 1_000, "{total} matches");
    }

    #[test]
    fn languages_are_detected_from_stopwords() {
        let classifier = Classifier::bundled();
        let cases = [
            (
                "The government and the civil society of the region",
                Language::En,
            ),
            ("El gobierno y los municipios de la región", Language::Es),
            ("O governo e os municípios da região", Language::Pt),
            ("Le gouvernement et les communes de la région", Language::Fr),
            ("Migración", Language::Und),
        ];
        for (text, expected) in cases {
            assert_eq!(classifier.detect_language(text), expected, "{text}");
        }
    }
}
