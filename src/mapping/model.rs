//! A trained model: per objective, a linear function over the lexicon's scores, the lexicon's terms and
//! word n-grams, in a serialized form the store keeps in a text column (JSON), with a loader that refuses
//! a corrupt or incompatible model with a clear reason.
//!
//! Weights are stored as integers in units of `1 / scale`: JSON numbers that are integers read back
//! exactly, so a stored model scores exactly as the one that was trained, and its checksum (SHA-256 of
//! the model serialized with an empty checksum) proves that nothing was changed or cut on the way.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::lexicon::OBJECTIVES;

/// The serialized form this build reads and writes.
pub const MODEL_FORMAT: &str = "gcm-model/1";

/// Weights are integers in units of 1/WEIGHT_SCALE: four decimals are far finer than what training
/// data can tell apart, and integers survive any JSON reader unchanged.
pub const WEIGHT_SCALE: i32 = 10_000;

/// No weight may exceed this in absolute value (in weight units, i.e. 10,000 in logit units): a larger
/// one is a corrupt model, not a trained one.
const MAX_WEIGHT_UNITS: i64 = 100_000_000;

/// The training settings a model was fitted with (kept with it, so a model can be trained again alike).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainOptions {
    /// L2 penalty `l2/2 × Σ w²` on every per-objective weight, against a loss summed over the passages
    /// (class-balanced, each passage weighing 1 on average): larger keeps the model nearer the lexicon.
    pub l2: f64,
    /// A term or n-gram is a feature only if it occurs in at least this many training passages: one seen
    /// once tells the model about that passage, not about a kind of passage.
    pub min_examples: usize,
    /// An explicit rejection by a reviewer weighs this many times an acceptance of the same objective
    /// (see [`crate::mapping::train`]).
    pub rejected_weight: f64,
    /// Optimiser iterations per objective (L-BFGS); it usually stops earlier, converged.
    pub max_iterations: usize,
}

impl Default for TrainOptions {
    /// The settings chosen by leave-one-document-out on the tuning half of the annotated corpus
    /// (docs/MAPPING.md).
    fn default() -> TrainOptions {
        TrainOptions {
            l2: 30.0,
            min_examples: 3,
            rejected_weight: 1.0,
            max_iterations: 300,
        }
    }
}

/// One feature's weights: `(objective, weight units)`, by objective, no zero weight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeatureWeights {
    /// A lexicon term (folded as the classifier matches it) or an n-gram: one or two folded words
    /// joined by a space, stopwords left out ("trata personas").
    pub feature: String,
    pub weights: Vec<(u8, i32)>,
}

/// A trained model: what the store keeps, one row per version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Model {
    /// [`MODEL_FORMAT`].
    pub format: String,
    /// `model-YYYYMMDD-<8 hex digits>`: the training date and a hash of the data, options and lexicon.
    pub version: String,
    /// When it was trained (UTC), as given to [`crate::mapping::train::train`].
    pub trained_at: NaiveDateTime,
    /// Number of labelled passages it was trained on, and of distinct documents among them.
    pub examples: usize,
    pub documents: usize,
    /// SHA-256 (hex) of the canonical training data ([`crate::mapping::train::training_hash`]).
    pub training_hash: String,
    /// The lexicon whose terms and scores are its features: it only runs with that lexicon.
    pub lexicon_version: String,
    pub options: TrainOptions,
    /// Per objective 1-23 (index 0 is objective 1), the bias in weight units. The bias includes the
    /// shift that puts the class-balanced decision boundary on the default threshold (docs/MAPPING.md).
    pub bias: Vec<i32>,
    /// `(objective, lexicon objective, weight units)`: how the lexicon's score for one objective (in
    /// [0, 1)) weighs in another's (mostly the same objective).
    pub lexicon: Vec<(u8, u8, i32)>,
    /// Per objective (index 0 is objective 1), the weight of its lexicon score less the passage's best
    /// lexicon score (0 for the lexicon's first choice): how much the lexicon's ranking counts.
    pub relative: Vec<i32>,
    /// Weights of lexicon terms found in the passage (once each, however often).
    pub terms: Vec<FeatureWeights>,
    /// Weights of word uni- and bigrams found in the passage (once each).
    pub ngrams: Vec<FeatureWeights>,
    /// SHA-256 (hex) of this model serialized with `checksum` empty.
    pub checksum: String,
}

/// A model that cannot be used, and why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("model: {reason}")]
pub struct ModelError {
    pub reason: String,
}

impl ModelError {
    pub(crate) fn new(reason: impl Into<String>) -> ModelError {
        ModelError {
            reason: reason.into(),
        }
    }
}

impl Model {
    /// The serialized form (compact JSON) to store.
    pub fn to_json(&self) -> String {
        // A struct of strings, numbers and vectors always serializes.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads and validates a stored model: valid JSON of this format, a checksum that matches its
    /// content, and weights that make sense. Never panics, whatever the input.
    pub fn from_json(json: &str) -> Result<Model, ModelError> {
        let model: Model = serde_json::from_str(json).map_err(|e| {
            // Say what the format is when the text is another kind of model or not one at all.
            let format = serde_json::from_str::<serde_json::Value>(json)
                .ok()
                .and_then(|v| v.get("format").and_then(|f| f.as_str()).map(str::to_string));
            match format {
                Some(format) if format != MODEL_FORMAT => ModelError::new(format!(
                    "format `{format}` is not supported: this build reads {MODEL_FORMAT}"
                )),
                _ => ModelError::new(format!("not a valid {MODEL_FORMAT} model: {e}")),
            }
        })?;
        model.validate()?;
        Ok(model)
    }

    /// The checksum of this model's content (everything but the checksum itself).
    pub fn compute_checksum(&self) -> String {
        let mut blank = self.clone();
        blank.checksum = String::new();
        hex(&Sha256::digest(blank.to_json().as_bytes()))
    }

    /// Checks what a loaded model must satisfy; the classifier checks the rest (its lexicon, its terms).
    pub fn validate(&self) -> Result<(), ModelError> {
        if self.format != MODEL_FORMAT {
            return Err(ModelError::new(format!(
                "format `{}` is not supported: this build reads {MODEL_FORMAT}",
                self.format
            )));
        }
        if self.checksum != self.compute_checksum() {
            return Err(ModelError::new(
                "its checksum does not match its content: the stored model is corrupt",
            ));
        }
        if !is_version(&self.version) {
            return Err(ModelError::new(format!(
                "version `{}` is not of the form model-YYYYMMDD-<8 hex digits>",
                self.version
            )));
        }
        if self.training_hash.len() != 64 || !self.training_hash.bytes().all(is_lower_hex) {
            return Err(ModelError::new("the training hash is not 64 hex digits"));
        }
        if self.bias.len() != usize::from(OBJECTIVES) {
            return Err(ModelError::new(format!(
                "{} biases for {OBJECTIVES} objectives",
                self.bias.len()
            )));
        }
        let objective = |n: u8, what: &str| -> Result<(), ModelError> {
            if (1..=OBJECTIVES).contains(&n) {
                Ok(())
            } else {
                Err(ModelError::new(format!(
                    "{what}: objective {n} is not 1-{OBJECTIVES}"
                )))
            }
        };
        let weight = |w: i64, what: &str| -> Result<(), ModelError> {
            if w.abs() <= MAX_WEIGHT_UNITS {
                Ok(())
            } else {
                Err(ModelError::new(format!(
                    "{what}: weight {w} is out of range"
                )))
            }
        };
        if self.relative.len() != usize::from(OBJECTIVES) {
            return Err(ModelError::new(format!(
                "{} relative weights for {OBJECTIVES} objectives",
                self.relative.len()
            )));
        }
        for &b in self.bias.iter().chain(&self.relative) {
            weight(i64::from(b), "bias")?;
        }
        for &(to, from, w) in &self.lexicon {
            objective(to, "lexicon weights")?;
            objective(from, "lexicon weights")?;
            weight(i64::from(w), "lexicon weights")?;
        }
        for (kind, features) in [("term", &self.terms), ("n-gram", &self.ngrams)] {
            let mut previous: Option<&str> = None;
            for feature in features {
                let what = format!("{kind} `{}`", feature.feature);
                if kind == "n-gram" && !is_ngram(&feature.feature) {
                    return Err(ModelError::new(format!(
                        "{what} is not one or two folded words"
                    )));
                }
                if feature.feature.is_empty()
                    || previous.is_some_and(|p| p >= feature.feature.as_str())
                {
                    return Err(ModelError::new(format!(
                        "{what}: {kind}s must be distinct, non-empty and sorted"
                    )));
                }
                previous = Some(&feature.feature);
                let mut last_objective = 0;
                for &(n, w) in &feature.weights {
                    objective(n, &what)?;
                    weight(i64::from(w), &what)?;
                    if n <= last_objective {
                        return Err(ModelError::new(format!(
                            "{what}: objectives must be distinct and ascending"
                        )));
                    }
                    last_objective = n;
                }
            }
        }
        Ok(())
    }
}

/// `model-YYYYMMDD-xxxxxxxx`.
fn is_version(version: &str) -> bool {
    let parts: Vec<&str> = version.split('-').collect();
    matches!(parts[..], ["model", date, hash]
        if date.len() == 8 && date.bytes().all(|b| b.is_ascii_digit())
            && hash.len() == 8 && hash.bytes().all(is_lower_hex))
}

fn is_lower_hex(byte: u8) -> bool {
    byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte)
}

/// One or two words of folded text (`a-z`, `0-9`, `_`) of at least two bytes, one space between.
fn is_ngram(feature: &str) -> bool {
    let words: Vec<&str> = feature.split(' ').collect();
    (1..=2).contains(&words.len())
        && words.iter().all(|w| {
            w.len() >= 2
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        })
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
