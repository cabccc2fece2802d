//! A trained model compiled for the classifier's one pass: word n-grams looked up by hash, per word, in
//! an open-addressing table, with no allocation per word.
//!
//! Words are the runs of the normalised copy between separators (so folded: lower case, no accents).
//! Words of one byte and stopwords (of any of the four languages) are left out; a bigram is two words
//! that follow each other once those are left out ("trata de personas" gives "trata", "personas" and
//! "trata personas"). A word's hash is FNV-1a over its bytes; a bigram's mixes its two words' hashes
//! ([`bigram_hash`]), so no byte is read twice. The hashes are fixed (no random seed): the model stores
//! each n-gram's text and the table is built from the texts when a model is loaded.

use super::lexicon::OBJECTIVES;
use super::model::{Model, ModelError, WEIGHT_SCALE};
use super::normalise::SEPARATOR;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// Lanes of a feature's weight row: the 23 objectives and one of padding (a multiple of 8 floats).
pub(crate) const LANES: usize = 24;

/// Words shorter than this (in folded bytes) are no feature: stray letters, list labels, initials.
pub(crate) const MIN_WORD_BYTES: usize = 2;

/// The value of an n-gram feature in a passage of `words` words: 1 up to [`FULL_VALUE_WORDS`] words,
/// then `sqrt(FULL_VALUE_WORDS / words)`. A long passage holds many n-grams, each weakly meant; without
/// this a long text would collect a large logit from sheer length.
#[inline]
pub(crate) fn ngram_value(words: usize) -> f64 {
    if words <= FULL_VALUE_WORDS {
        1.0
    } else {
        (FULL_VALUE_WORDS as f64 / words as f64).sqrt()
    }
}

/// See [`ngram_value`].
pub(crate) const FULL_VALUE_WORDS: usize = 40;

/// The table values with this bit set mark a stopword; the low four bits are its languages (a bit per
/// language of `Language::KNOWN`). Feature indices stay below it.
pub(crate) const STOPWORD: u32 = 1 << 31;

/// Language detection reads at most this many words (as the classifier's own stopword count does).
use super::classify::MAX_DETECTION_WORDS;

#[inline(always)]
fn fnv_step(hash: u64, byte: u8) -> u64 {
    (hash ^ u64::from(byte)).wrapping_mul(FNV_PRIME)
}

/// FNV-1a of a word's bytes.
fn word_hash(word: &[u8]) -> u64 {
    word.iter().fold(FNV_OFFSET, |h, b| fnv_step(h, *b))
}

/// A bigram's hash from its words' hashes (order matters: "a b" is not "b a").
#[inline(always)]
fn bigram_hash(first: u64, second: u64) -> u64 {
    (first.rotate_left(29) ^ second).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// The hash of an n-gram's text as the model stores it: one word, or two joined by a space.
pub(crate) fn ngram_hash(text: &str) -> u64 {
    match text.split_once(' ') {
        Some((first, second)) => {
            bigram_hash(word_hash(first.as_bytes()), word_hash(second.as_bytes()))
        }
        None => word_hash(text.as_bytes()),
    }
}

/// Keys are hashes; 0 marks an empty slot, so a hash of 0 is stored as 1 (a collision of 2^-64).
#[inline(always)]
fn key(hash: u64) -> u64 {
    hash.max(1)
}

/// Hash → `u32`, open addressing with linear probing at most half full: a miss (most words) costs one or
/// two probes of a cache line.
#[derive(Debug, Clone)]
pub(crate) struct WordTable {
    keys: Vec<u64>,
    values: Vec<u32>,
    shift: u32,
}

impl WordTable {
    /// The first value given for a key wins.
    pub(crate) fn new(entries: impl ExactSizeIterator<Item = (u64, u32)>) -> WordTable {
        let slots = (entries.len() * 2).next_power_of_two().max(16);
        let mut table = WordTable {
            keys: vec![0; slots],
            values: vec![0; slots],
            shift: 64 - slots.trailing_zeros(),
        };
        for (hash, value) in entries {
            let key = key(hash);
            let mut slot = table.slot(key);
            loop {
                if table.keys[slot] == key {
                    break;
                }
                if table.keys[slot] == 0 {
                    table.keys[slot] = key;
                    table.values[slot] = value;
                    break;
                }
                slot = (slot + 1) & (slots - 1);
            }
        }
        table
    }

    #[inline(always)]
    fn slot(&self, key: u64) -> usize {
        // Fibonacci hashing spreads FNV's low-entropy high bits over the table.
        (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> self.shift) as usize
    }

    #[inline(always)]
    pub(crate) fn get(&self, hash: u64) -> Option<u32> {
        let key = key(hash);
        let mask = self.keys.len() - 1;
        let mut slot = self.slot(key);
        loop {
            let found = self.keys[slot];
            if found == key {
                return Some(self.values[slot]);
            }
            if found == 0 {
                return None;
            }
            slot = (slot + 1) & mask;
        }
    }
}

/// One uni- or bigram of a normalised text: byte offsets into the copy, end exclusive.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Gram {
    pub hash: u64,
    pub start: usize,
    pub end: usize,
    /// The table's value for it (never a stopword's).
    pub value: Option<u32>,
    /// For a bigram, where its first word ends and its second starts (stopwords may lie between).
    pub split: Option<(usize, usize)>,
}

/// Calls `found` for every uni- and bigram of `bytes` (a normalised copy) in text order, stopwords
/// (values with [`STOPWORD`] set in `table`) and one-byte words left out. Returns the stopword hits per
/// language among the first [`MAX_DETECTION_WORDS`] words, as the classifier counts them for language
/// detection, so that a classifier with a model reads the text once for both.
#[inline]
pub(crate) fn scan_grams(bytes: &[u8], table: &WordTable, mut found: impl FnMut(Gram)) -> [u32; 4] {
    let mut stopword_hits = [0u32; 4];
    let mut words = 0usize;
    let length = bytes.len();
    let mut at = 0;
    // The previous word kept: its hash, start and end.
    let mut previous: Option<(u64, usize, usize)> = None;
    while at < length {
        if bytes[at] == SEPARATOR {
            at += 1;
            continue;
        }
        let start = at;
        let mut hash = FNV_OFFSET;
        while at < length && bytes[at] != SEPARATOR {
            hash = fnv_step(hash, bytes[at]);
            at += 1;
        }
        words += 1;
        let counting = words <= MAX_DETECTION_WORDS;
        if at - start < MIN_WORD_BYTES && !counting {
            continue;
        }
        let value = table.get(hash);
        if let Some(stopword) = value.filter(|v| v & STOPWORD != 0) {
            if counting {
                for (language, hits) in stopword_hits.iter_mut().enumerate() {
                    *hits += stopword >> language & 1;
                }
            }
            continue;
        }
        if at - start < MIN_WORD_BYTES {
            continue;
        }
        found(Gram {
            hash,
            start,
            end: at,
            value,
            split: None,
        });
        if let Some((previous_hash, previous_start, previous_end)) = previous {
            let bigram = bigram_hash(previous_hash, hash);
            found(Gram {
                hash: bigram,
                start: previous_start,
                end: at,
                value: table.get(bigram).filter(|v| v & STOPWORD == 0),
                split: Some((previous_end, start)),
            });
        }
        previous = Some((hash, start, at));
    }
    stopword_hits
}

/// A model compiled against one classifier's lexicon.
#[derive(Debug, Clone)]
pub(crate) struct Learned {
    pub version: String,
    /// Per objective, the bias (logit units).
    pub bias: [f64; OBJECTIVES as usize],
    /// Per lexicon objective (index), how its lexicon score weighs in each objective's logit: a column
    /// per lexicon objective, so a passage costs one vectorised add per objective its terms name.
    pub lexicon: [[f32; LANES]; OBJECTIVES as usize],
    /// Per objective, the weight of (its lexicon score − the best lexicon score).
    pub relative: [f64; OBJECTIVES as usize],
    /// N-gram hash → feature index; stopwords → [`STOPWORD`].
    pub table: WordTable,
    /// Per automaton pattern (lexicon term), its feature index, if the model weighs it.
    pub pattern_features: Vec<Option<u32>>,
    /// Per feature, its weight for each objective (index 0 is objective 1; the 24th lane is padding):
    /// dense rows, so that adding a feature's weights is one vectorised add, not a walk of pairs.
    pub weights: Vec<[f32; LANES]>,
    /// Per feature, the objectives (bit n − 1) it weighs for positively: its evidence.
    pub positive: Vec<u32>,
    /// Features below this index are lexicon terms, the others n-grams.
    pub terms: u32,
    /// Per feature, what it is: a lexicon term as written, or an n-gram's folded text.
    pub labels: Vec<std::sync::Arc<str>>,
}

impl Learned {
    /// Compiles `model` for a classifier whose automaton patterns (folded terms, in pattern order) are
    /// `patterns`, with `pattern_terms` the term as written for each, and whose stopwords hash as given.
    pub(crate) fn compile(
        model: &Model,
        patterns: &[String],
        pattern_terms: &[String],
        stopword_hashes: &[(u64, u8)],
    ) -> Result<Learned, ModelError> {
        let scale = f64::from(WEIGHT_SCALE);
        let mut bias = [0.0; OBJECTIVES as usize];
        for (slot, units) in bias.iter_mut().zip(&model.bias) {
            *slot = f64::from(*units) / scale;
        }
        let mut relative = [0.0; OBJECTIVES as usize];
        for (slot, units) in relative.iter_mut().zip(&model.relative) {
            *slot = f64::from(*units) / scale;
        }
        let mut lexicon = [[0.0f32; LANES]; OBJECTIVES as usize];
        // Objectives were checked to be 1-23 by the model's validation.
        for &(to, from, units) in &model.lexicon {
            lexicon[usize::from(from) - 1][usize::from(to) - 1] = (f64::from(units) / scale) as f32;
        }
        let pattern_index: std::collections::HashMap<&str, usize> = patterns
            .iter()
            .enumerate()
            .map(|(index, pattern)| (pattern.as_str(), index))
            .collect();
        let mut pattern_features = vec![None; patterns.len()];
        let mut weights = Vec::new();
        let mut positive = Vec::new();
        let mut labels = Vec::new();
        let mut push = |feature: &super::model::FeatureWeights, label: std::sync::Arc<str>| {
            let mut row = [0.0f32; LANES];
            let mut mask = 0u32;
            // Objectives were checked to be 1-23 by the model's validation.
            for &(n, units) in &feature.weights {
                let index = usize::from(n) - 1;
                row[index] = (f64::from(units) / scale) as f32;
                if units > 0 {
                    mask |= 1 << index;
                }
            }
            weights.push(row);
            positive.push(mask);
            labels.push(label);
            labels.len() as u32 - 1
        };
        for term in &model.terms {
            let Some(&pattern) = pattern_index.get(term.feature.as_str()) else {
                return Err(ModelError::new(format!(
                    "term `{}` is not in lexicon {}: the model belongs to another lexicon",
                    term.feature, model.lexicon_version
                )));
            };
            let label = pattern_terms[pattern].as_str().into();
            pattern_features[pattern] = Some(push(term, label));
        }
        // Every term of the model became one feature, first.
        let terms = model.terms.len() as u32;
        let mut entries: Vec<(u64, u32)> = stopword_hashes
            .iter()
            .map(|(hash, languages)| (*hash, STOPWORD | u32::from(*languages)))
            .collect();
        for ngram in &model.ngrams {
            let index = push(ngram, ngram.feature.as_str().into());
            entries.push((ngram_hash(&ngram.feature), index));
        }
        // Stopwords first: an n-gram that is a stopword would never be looked up anyway.
        let table = WordTable::new(entries.into_iter());
        Ok(Learned {
            version: model.version.clone(),
            bias,
            lexicon,
            relative,
            table,
            pattern_features,
            weights,
            positive,
            terms,
            labels,
        })
    }

    /// A feature's weight for one objective (index), 0 if none.
    pub(crate) fn weight(&self, feature: u32, objective: usize) -> f64 {
        f64::from(self.weights[feature as usize][objective])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::normalise::Normalised;

    #[test]
    fn bigrams_skip_stopwords_and_hash_as_their_text() {
        let table = WordTable::new([(ngram_hash("de"), STOPWORD | 0b0110)].into_iter());
        let normalised = Normalised::new("Trata de personas, y.");
        let mut grams = Vec::new();
        let stopwords = scan_grams(&normalised.bytes, &table, |g| {
            grams.push((
                String::from_utf8_lossy(&normalised.bytes[g.start..g.end]).to_string(),
                g.hash,
            ))
        });
        // "de" counts once for each of its languages (bits 1 and 2: es and pt).
        assert_eq!(stopwords, [0, 1, 1, 0]);
        // "de" is a stopword and "y" one byte: trata, personas, and "trata de personas" as the bigram
        // (its span covers the stopword), hashed as the text "trata personas".
        assert_eq!(
            grams,
            [
                ("trata".to_string(), ngram_hash("trata")),
                ("personas".to_string(), ngram_hash("personas")),
                (
                    "trata de personas".to_string(),
                    ngram_hash("trata personas")
                ),
            ]
        );
    }

    #[test]
    fn the_table_finds_every_key_and_misses_others() {
        let entries: Vec<(u64, u32)> = (0..1000u32)
            .map(|i| (ngram_hash(&format!("w{i}")), i))
            .collect();
        let table = WordTable::new(entries.clone().into_iter());
        for (hash, value) in entries {
            assert_eq!(table.get(hash), Some(value));
        }
        assert_eq!(table.get(ngram_hash("absent")), None);
        // A hash of 0 is stored as 1 and still found.
        let zero = WordTable::new([(0u64, 7u32)].into_iter());
        assert_eq!(zero.get(0), Some(7));
    }
}
