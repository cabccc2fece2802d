//! A trained model compiled for the classifier's one pass: word n-grams looked up by hash, per word, in
//! an open-addressing table, with no allocation per word.
//!
//! Words are the runs of the normalised copy between separators (so folded: lower case, no accents).
//! Words of one byte and stopwords (of any of the four languages) are left out; a bigram is two words
//! that follow each other once those are left out ("trata de personas" gives "trata", "personas" and
//! "trata personas"). A word's hash is FNV-1a over its bytes; a bigram's chains its two words' hashes
//! (`words.rs`), so no byte is read twice. The hashes are fixed (no random seed): the model stores
//! each n-gram's text and the table is built from the texts when a model is loaded.

use super::lexicon::OBJECTIVES;
use super::model::{Model, ModelError, WEIGHT_SCALE};
pub(crate) use super::words::WordTable;
use super::words::{chain_hash, word_hash, Word};

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

/// The hash of an n-gram's text as the model stores it: one word, or two joined by a space.
pub(crate) fn ngram_hash(text: &str) -> u64 {
    match text.split_once(' ') {
        Some((first, second)) => {
            chain_hash(word_hash(first.as_bytes()), word_hash(second.as_bytes()))
        }
        None => word_hash(text.as_bytes()),
    }
}

/// One uni- or bigram of a normalised text: byte offsets into the copy and char offsets into the
/// original, end exclusive.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Gram {
    pub hash: u64,
    pub start: usize,
    pub end: usize,
    pub char_start: usize,
    pub char_end: usize,
    /// The table's value for it (never a stopword's).
    pub value: Option<u32>,
    /// For a bigram, where its first word ends and its second starts (stopwords may lie between).
    pub split: Option<(usize, usize)>,
}

/// Calls `found` for every uni- and bigram of `words` (read from a normalised copy) in text order,
/// stopwords (values with [`STOPWORD`] set in `table`) and one-byte words left out. Returns the stopword
/// hits per language among the first [`MAX_DETECTION_WORDS`] words, as the classifier counts them for
/// language detection, so that a classifier with a model looks each word up once for both.
#[inline]
pub(crate) fn scan_grams(
    words: &[Word],
    table: &WordTable,
    mut found: impl FnMut(Gram),
) -> [u32; 4] {
    let mut stopword_hits = [0u32; 4];
    // The previous word kept.
    let mut previous: Option<&Word> = None;
    for (read, word) in words.iter().enumerate() {
        let counting = read < MAX_DETECTION_WORDS;
        let short = word.end - word.start < MIN_WORD_BYTES;
        if short && !counting {
            continue;
        }
        let value = table.get(word.hash);
        if let Some(stopword) = value.filter(|v| v & STOPWORD != 0) {
            if counting {
                for (language, hits) in stopword_hits.iter_mut().enumerate() {
                    *hits += stopword >> language & 1;
                }
            }
            continue;
        }
        if short {
            continue;
        }
        found(Gram {
            hash: word.hash,
            start: word.start,
            end: word.end,
            char_start: word.char_start,
            char_end: word.char_end,
            value,
            split: None,
        });
        if let Some(before) = previous {
            let bigram = chain_hash(before.hash, word.hash);
            found(Gram {
                hash: bigram,
                start: before.start,
                end: word.end,
                char_start: before.char_start,
                char_end: word.char_end,
                value: table.get(bigram).filter(|v| v & STOPWORD == 0),
                split: Some((before.end, word.start)),
            });
        }
        previous = Some(word);
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
    /// Per term pattern of the classifier (a lexicon term), its feature index, if the model weighs it.
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
    /// Compiles `model` for a classifier whose term patterns (folded terms, in pattern order) are
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
        let stopwords = scan_grams(&normalised.words, &table, |g| {
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
}
