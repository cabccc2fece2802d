//! Training a model from labelled passages: the annotated items and every reviewer decision.
//!
//! **Features** of a passage (exactly what [`Classifier`] reads with a model, in the same pass): the
//! lexicon's score for each of the 23 objectives (`1 − e^−raw`, in [0, 1)), each lexicon term found
//! (once), and each word uni- and bigram found (once; folded, stopwords and one-letter words out, see
//! `learned.rs`). A term or n-gram is a feature only if it occurs in at least
//! [`TrainOptions::min_examples`] training passages.
//!
//! **Labels**, per objective, one-vs-rest: a passage is a positive when the objective is in `positive`
//! (annotated, accepted or added by a reviewer) and a negative otherwise. Class balance gives each
//! negative of a common objective a small weight (there are many); an explicit rejection (`negative`)
//! instead weighs as much as an acceptance of the same objective (times
//! [`TrainOptions::rejected_weight`], default 1): a reviewer looked at that very suggestion and said
//! no, a decision as deliberate as a yes, whereas an objective merely absent from a passage's labels may
//! have been overlooked; and rejected suggestions are the current model's confident mistakes, the
//! examples it most needs to move on. An objective in both sets of a passage is left out for it.
//!
//! **Fitting.** First one shared calibration of the lexicon, `z = a × lexicon score + b`, over every
//! (passage, objective) pair; then per objective an L2-regularised logistic regression on top of it,
//! `z_k = a × s_k + b + β_k + Σ_j A_kj s_j + Σ w_kf`, class-balanced (positives and negatives each weigh
//! half of the loss), minimised with L-BFGS from zero. The penalty pulls every per-objective weight
//! towards zero, i.e. towards the shared lexicon calibration: an objective with few labels behaves like
//! the lexicon, one with many learns its own words. No randomness: the passages are put in canonical
//! order first, so the same data gives the same model, bit for bit, whatever order it came in.
//!
//! **Compiling.** The bias absorbs `ln(τ / (1 − τ))` with τ = [`DEFAULT_THRESHOLD`], so that the
//! class-balanced decision boundary (`z = 0`) falls on the classifier's one threshold; weights below
//! [`PRUNE_BELOW`] are dropped and the rest stored as integers (see [`Model`]).

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::classify::{Classifier, PassageFeatures, DEFAULT_THRESHOLD};
use super::language::Language;
use super::learned;
use super::lexicon::OBJECTIVES;
use super::model::{hex, FeatureWeights, Model, TrainOptions, MODEL_FORMAT, WEIGHT_SCALE};

/// Weights smaller than this (in logit units) change no score by more than a rounding and are dropped.
pub const PRUNE_BELOW: f64 = 0.01;

/// Dense features per objective: the 23 lexicon scores, and the objective's own score less the best
/// one (0 for the lexicon's first choice, negative for the others).
const DIMENSION_LEXICON: usize = OBJECTIVES as usize + 1;
const RELATIVE: usize = OBJECTIVES as usize;

/// One labelled passage, as the store holds it: an annotated item, or a passage with reviewer decisions.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelledPassage {
    /// The document (source) it comes from: the fold of the leave-one-document-out evaluation.
    pub document: String,
    /// The passage's language as the classifier is given it; `und` lets it detect the language.
    pub language: Language,
    /// The text the classifier reads (for a segmented report, the passage's cleaned text).
    pub text: String,
    /// Objectives annotated, accepted or added by a reviewer.
    pub positive: BTreeSet<u8>,
    /// Objectives a reviewer rejected for this passage.
    pub negative: BTreeSet<u8>,
    /// The objective marked primary, if any: top-1 is measured on it (see [`super::evaluate`]).
    #[serde(default)]
    pub primary: Option<u8>,
}

/// Why no model could be trained.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("training: {reason}")]
pub struct TrainError {
    pub reason: String,
}

fn error(reason: impl Into<String>) -> TrainError {
    TrainError {
        reason: reason.into(),
    }
}

/// SHA-256 (hex) of the canonical training data: each passage as one line of JSON (document, language,
/// text, positive, negative, primary; sets in ascending order), the lines sorted, joined by `\n`. The
/// order in which the store returns the passages does not matter; a passage given twice counts twice.
pub fn training_hash(examples: &[LabelledPassage]) -> String {
    let refs: Vec<&LabelledPassage> = examples.iter().collect();
    hash_lines(&canonical_lines(&refs))
}

fn canonical_lines(examples: &[&LabelledPassage]) -> Vec<String> {
    let mut lines: Vec<String> = examples.iter().map(|e| canonical_line(e)).collect();
    lines.sort_unstable();
    lines
}

fn canonical_line(example: &LabelledPassage) -> String {
    // A struct of strings, sets of integers and an option always serializes.
    serde_json::to_string(example).unwrap_or_default()
}

fn hash_lines(lines: &[String]) -> String {
    let mut hasher = Sha256::new();
    for (index, line) in lines.iter().enumerate() {
        if index > 0 {
            hasher.update(b"\n");
        }
        hasher.update(line.as_bytes());
    }
    hex(&hasher.finalize())
}

/// Trains a model on `examples` with the bundled lexicon's features.
pub fn train(
    examples: &[LabelledPassage],
    options: &TrainOptions,
    trained_at: NaiveDateTime,
) -> Result<Model, TrainError> {
    let classifier = Classifier::bundled();
    let features: Vec<PassageFeatures> = examples
        .iter()
        .map(|e| classifier.features(&e.text, Some(e.language)))
        .collect();
    let pairs: Vec<(&LabelledPassage, &PassageFeatures)> =
        examples.iter().zip(features.iter()).collect();
    fit(classifier, &pairs, options, trained_at)
}

/// Trains on passages whose features are already read (the evaluation reads them once for all folds).
pub(crate) fn fit(
    classifier: &Classifier,
    examples: &[(&LabelledPassage, &PassageFeatures)],
    options: &TrainOptions,
    trained_at: NaiveDateTime,
) -> Result<Model, TrainError> {
    check(examples, options)?;
    // Canonical order: the model cannot depend on the order the passages came in.
    let mut ordered: Vec<(String, &LabelledPassage, &PassageFeatures)> = examples
        .iter()
        .map(|(e, f)| (canonical_line(e), *e, *f))
        .collect();
    ordered.sort_by(|a, b| a.0.cmp(&b.0));
    let lines: Vec<String> = ordered.iter().map(|(line, _, _)| line.clone()).collect();
    let training_hash = hash_lines(&lines);
    let documents = ordered
        .iter()
        .map(|(_, e, _)| e.document.as_str())
        .collect::<BTreeSet<_>>()
        .len();

    // The vocabulary: terms and n-grams in at least `min_examples` passages, in text order.
    let mut term_counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut ngram_counts: HashMap<u64, (usize, &str)> = HashMap::new();
    for (_, _, features) in &ordered {
        for &pattern in &features.terms {
            term_counts
                .entry(classifier.pattern_text(pattern))
                .or_insert((pattern, 0))
                .1 += 1;
        }
        for (hash, text) in &features.ngrams {
            ngram_counts.entry(*hash).or_insert((0, text.as_str())).0 += 1;
        }
    }
    let min = options.min_examples.max(1);
    let terms: Vec<(&str, usize)> = term_counts
        .into_iter()
        .filter(|(_, (_, count))| *count >= min)
        .map(|(text, (pattern, _))| (text, pattern))
        .collect();
    let mut ngrams: Vec<(&str, u64)> = ngram_counts
        .into_iter()
        .filter(|(_, (count, _))| *count >= min)
        .map(|(hash, (_, text))| (text, hash))
        .collect();
    ngrams.sort_unstable();
    let term_column: HashMap<usize, u32> = terms
        .iter()
        .enumerate()
        .map(|(column, (_, pattern))| (*pattern, column as u32))
        .collect();
    let ngram_column: HashMap<u64, u32> = ngrams
        .iter()
        .enumerate()
        .map(|(column, (_, hash))| (*hash, (terms.len() + column) as u32))
        .collect();
    let rows: Vec<Row> = ordered
        .iter()
        .map(|(_, _, features)| {
            let mut columns: Vec<u32> = features
                .terms
                .iter()
                .filter_map(|p| term_column.get(p).copied())
                .chain(
                    features
                        .ngrams
                        .iter()
                        .filter_map(|(h, _)| ngram_column.get(h).copied()),
                )
                .collect();
            columns.sort_unstable();
            Row {
                lexicon: features.lexicon,
                columns,
                ngram_value: learned::ngram_value(features.words),
                best: features.lexicon.iter().fold(0.0, |m, s| m.max(*s)),
            }
        })
        .collect();
    let columns = terms.len() + ngrams.len();
    let term_columns = terms.len() as u32;

    // Labels per objective; None when left out (in both sets).
    let labels: Vec<Vec<Option<Label>>> = (1..=OBJECTIVES)
        .map(|objective| {
            ordered
                .iter()
                .map(|(_, e, _)| {
                    match (
                        e.positive.contains(&objective),
                        e.negative.contains(&objective),
                    ) {
                        (true, true) => None,
                        (true, false) => Some(Label::Positive),
                        (false, true) => Some(Label::Rejected),
                        (false, false) => Some(Label::Negative),
                    }
                })
                .collect()
        })
        .collect();

    let (a, b) = shared_calibration(&rows, &labels, options);
    let shift = (DEFAULT_THRESHOLD / (1.0 - DEFAULT_THRESHOLD)).ln();
    let scale = f64::from(WEIGHT_SCALE);
    let units = |w: f64| (w * scale).round() as i32;
    let mut bias = Vec::with_capacity(usize::from(OBJECTIVES));
    let mut relative = Vec::with_capacity(usize::from(OBJECTIVES));
    let mut lexicon = Vec::new();
    let mut per_column: Vec<Vec<(u8, i32)>> = vec![Vec::new(); columns];
    for (index, objective_labels) in labels.iter().enumerate() {
        let objective = index as u8 + 1;
        let offsets: Vec<f64> = rows.iter().map(|r| a * r.lexicon[index] + b).collect();
        let theta = fit_objective(
            &rows,
            index,
            objective_labels,
            &offsets,
            (columns, term_columns),
            options,
        );
        bias.push(units(b + theta[0] + shift));
        relative.push(units(theta[1 + RELATIVE]));
        for from in 0..RELATIVE {
            let mut w = theta[1 + from];
            if from == index {
                w += a;
            }
            if w.abs() >= PRUNE_BELOW && units(w) != 0 {
                lexicon.push((objective, from as u8 + 1, units(w)));
            }
        }
        for (column, weights) in per_column.iter_mut().enumerate() {
            let w = theta[1 + DIMENSION_LEXICON + column];
            if w.abs() >= PRUNE_BELOW && units(w) != 0 {
                weights.push((objective, units(w)));
            }
        }
    }
    let feature = |text: &str, weights: Vec<(u8, i32)>| FeatureWeights {
        feature: text.to_string(),
        weights,
    };
    let mut per_column = per_column.into_iter();
    let terms: Vec<FeatureWeights> = terms
        .iter()
        .zip(per_column.by_ref())
        .filter(|(_, weights)| !weights.is_empty())
        .map(|((text, _), weights)| feature(text, weights))
        .collect();
    let ngrams: Vec<FeatureWeights> = ngrams
        .iter()
        .zip(per_column)
        .filter(|(_, weights)| !weights.is_empty())
        .map(|((text, _), weights)| feature(text, weights))
        .collect();

    let options_json = serde_json::to_string(options).unwrap_or_default();
    let fingerprint = hex(&Sha256::digest(
        format!(
            "{MODEL_FORMAT}\n{training_hash}\n{options_json}\n{}",
            classifier.lexicon_version()
        )
        .as_bytes(),
    ));
    let mut model = Model {
        format: MODEL_FORMAT.to_string(),
        version: format!(
            "model-{}-{}",
            trained_at.format("%Y%m%d"),
            &fingerprint[..8]
        ),
        trained_at,
        examples: ordered.len(),
        documents,
        training_hash,
        lexicon_version: classifier.lexicon_version().to_string(),
        options: options.clone(),
        bias,
        lexicon,
        relative,
        terms,
        ngrams,
        checksum: String::new(),
    };
    model.checksum = model.compute_checksum();
    Ok(model)
}

fn check(
    examples: &[(&LabelledPassage, &PassageFeatures)],
    options: &TrainOptions,
) -> Result<(), TrainError> {
    if examples.is_empty() {
        return Err(error("no labelled passage to learn from"));
    }
    for (example, _) in examples {
        if let Some(n) = example
            .positive
            .iter()
            .chain(&example.negative)
            .chain(&example.primary)
            .find(|n| !(1..=OBJECTIVES).contains(n))
        {
            return Err(error(format!(
                "a passage of {} is labelled with objective {n}, not 1-{OBJECTIVES}",
                example.document
            )));
        }
    }
    if examples.iter().all(|(e, _)| e.positive.is_empty()) {
        return Err(error(
            "no passage has an objective annotated, accepted or added: nothing to learn",
        ));
    }
    let weight_ok = options.rejected_weight.is_finite() && options.rejected_weight > 0.0;
    let penalty_ok = options.l2.is_finite() && options.l2 >= 0.0;
    if !(weight_ok && penalty_ok) {
        return Err(error(
            "the rejected weight must be positive and the L2 penalty at least 0",
        ));
    }
    Ok(())
}

/// One passage as the optimiser sees it.
struct Row {
    lexicon: [f64; OBJECTIVES as usize],
    /// Feature columns present, ascending: terms (value 1), then n-grams (value `ngram_value`).
    columns: Vec<u32>,
    ngram_value: f64,
    /// The best lexicon score of the passage.
    best: f64,
}

/// What a passage says about one objective.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    Positive,
    /// Not labelled with the objective.
    Negative,
    /// A reviewer rejected the objective for this passage.
    Rejected,
}

/// Class-balanced example weights: positives share half of the loss, negatives (rejections counted
/// as one each) the other half, scaled so that a passage weighs 1 on average (the penalty is per model,
/// the loss a sum over passages, so more data lets the words weigh more). A rejection then weighs
/// `rejected_weight` times the larger of a positive's and a negative's weight: with the default 1, a
/// reviewer's "no" counts as much as a "yes" for the same objective.
fn balanced(labels: &[Option<Label>], rejected_weight: f64) -> Vec<f64> {
    let positives = labels
        .iter()
        .filter(|l| **l == Some(Label::Positive))
        .count() as f64;
    let count = labels.iter().flatten().count() as f64;
    let negatives = count - positives;
    let positive = if positives > 0.0 {
        0.5 * count / positives
    } else {
        0.0
    };
    let negative = if negatives > 0.0 {
        0.5 * count / negatives
    } else {
        0.0
    };
    labels
        .iter()
        .map(|label| match label {
            Some(Label::Positive) => positive,
            Some(Label::Negative) => negative,
            Some(Label::Rejected) => rejected_weight * positive.max(negative),
            None => 0.0,
        })
        .collect()
}

/// `log(1 + e^z)` without overflow.
fn softplus(z: f64) -> f64 {
    if z > 0.0 {
        z + (-z).exp().ln_1p()
    } else {
        z.exp().ln_1p()
    }
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// `z = a × s_k + b` over every (passage, objective) pair, class-balanced over all of them.
fn shared_calibration(
    rows: &[Row],
    labels: &[Vec<Option<Label>>],
    options: &TrainOptions,
) -> (f64, f64) {
    let mut pairs: Vec<(f64, Option<Label>)> = Vec::new();
    for (index, objective_labels) in labels.iter().enumerate() {
        for (row, label) in rows.iter().zip(objective_labels) {
            pairs.push((row.lexicon[index], *label));
        }
    }
    let pair_labels: Vec<Option<Label>> = pairs.iter().map(|(_, l)| *l).collect();
    let weights = balanced(&pair_labels, options.rejected_weight);
    // Two parameters fitted on thousands of pairs: a token penalty only keeps them finite.
    let l2 = 1e-6;
    let theta = minimise(2, options.max_iterations, |theta, gradient| {
        gradient.iter_mut().for_each(|g| *g = 0.0);
        let mut loss = 0.5 * l2 * (theta[0] * theta[0] + theta[1] * theta[1]);
        for ((score, label), weight) in pairs.iter().zip(&weights) {
            let Some(label) = label else {
                continue;
            };
            let y = if *label == Label::Positive { 1.0 } else { 0.0 };
            let z = theta[0] * score + theta[1];
            loss += weight * (softplus(z) - y * z);
            let residual = weight * (sigmoid(z) - y);
            gradient[0] += residual * score;
            gradient[1] += residual;
        }
        gradient[0] += l2 * theta[0];
        gradient[1] += l2 * theta[1];
        loss
    });
    (theta[0], theta[1])
}

/// One objective's weights: `[bias, 23 lexicon scores, relative score, feature columns…]`.
fn fit_objective(
    rows: &[Row],
    objective: usize,
    labels: &[Option<Label>],
    offsets: &[f64],
    (columns, term_columns): (usize, u32),
    options: &TrainOptions,
) -> Vec<f64> {
    let weights = balanced(labels, options.rejected_weight);
    let dimension = 1 + DIMENSION_LEXICON + columns;
    let l2 = options.l2;
    minimise(dimension, options.max_iterations, |theta, gradient| {
        gradient.iter_mut().for_each(|g| *g = 0.0);
        let mut loss = 0.0;
        for (((row, label), weight), offset) in rows.iter().zip(labels).zip(&weights).zip(offsets) {
            let Some(label) = label else {
                continue;
            };
            let y = if *label == Label::Positive { 1.0 } else { 0.0 };
            let relative = row.lexicon[objective] - row.best;
            let mut z = offset + theta[0] + theta[1 + RELATIVE] * relative;
            for (j, s) in row.lexicon.iter().enumerate() {
                z += theta[1 + j] * s;
            }
            for &column in &row.columns {
                let value = if column < term_columns {
                    1.0
                } else {
                    row.ngram_value
                };
                z += theta[1 + DIMENSION_LEXICON + column as usize] * value;
            }
            loss += weight * (softplus(z) - y * z);
            let residual = weight * (sigmoid(z) - y);
            gradient[0] += residual;
            gradient[1 + RELATIVE] += residual * relative;
            for (j, s) in row.lexicon.iter().enumerate() {
                gradient[1 + j] += residual * s;
            }
            for &column in &row.columns {
                let value = if column < term_columns {
                    1.0
                } else {
                    row.ngram_value
                };
                gradient[1 + DIMENSION_LEXICON + column as usize] += residual * value;
            }
        }
        for (g, t) in gradient.iter_mut().zip(theta) {
            *g += l2 * t;
        }
        loss + 0.5 * l2 * theta.iter().map(|t| t * t).sum::<f64>()
    })
}

/// L-BFGS (memory 8) with a backtracking Armijo line search, from zero; stops when the gradient or the
/// loss stops moving, or after `max_iterations`. `evaluate(θ, gradient)` returns the loss and fills the
/// gradient. Deterministic: plain arithmetic in a fixed order.
fn minimise(
    dimension: usize,
    max_iterations: usize,
    mut evaluate: impl FnMut(&[f64], &mut [f64]) -> f64,
) -> Vec<f64> {
    const MEMORY: usize = 8;
    const GRADIENT_TOLERANCE: f64 = 1e-7;
    const LOSS_TOLERANCE: f64 = 1e-10;
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    let mut x = vec![0.0; dimension];
    let mut gradient = vec![0.0; dimension];
    let mut loss = evaluate(&x, &mut gradient);
    let mut history: VecDeque<(Vec<f64>, Vec<f64>, f64)> = VecDeque::new();
    let mut candidate = vec![0.0; dimension];
    let mut candidate_gradient = vec![0.0; dimension];
    for _ in 0..max_iterations {
        if gradient.iter().fold(0.0f64, |m, g| m.max(g.abs())) < GRADIENT_TOLERANCE {
            break;
        }
        // The two-loop recursion: direction = −H·gradient.
        let mut direction = gradient.clone();
        let mut alphas = Vec::with_capacity(history.len());
        for (s, y, rho) in history.iter().rev() {
            let alpha = rho * dot(s, &direction);
            direction
                .iter_mut()
                .zip(y)
                .for_each(|(d, y)| *d -= alpha * y);
            alphas.push(alpha);
        }
        let gamma = match history.back() {
            Some((s, y, _)) => dot(s, y) / dot(y, y).max(f64::MIN_POSITIVE),
            None => 1.0 / dot(&gradient, &gradient).sqrt().max(1.0),
        };
        direction.iter_mut().for_each(|d| *d *= gamma);
        for ((s, y, rho), alpha) in history.iter().zip(alphas.iter().rev()) {
            let beta = rho * dot(y, &direction);
            direction
                .iter_mut()
                .zip(s)
                .for_each(|(d, s)| *d += (alpha - beta) * s);
        }
        direction.iter_mut().for_each(|d| *d = -*d);
        let mut slope = dot(&direction, &gradient);
        if slope >= 0.0 {
            // Not a descent direction (curvature lost): start again from the gradient.
            history.clear();
            direction = gradient.iter().map(|g| -g).collect();
            slope = -dot(&gradient, &gradient);
        }
        let mut step = 1.0;
        let accepted = loop {
            for ((c, x), d) in candidate.iter_mut().zip(&x).zip(&direction) {
                *c = x + step * d;
            }
            let candidate_loss = evaluate(&candidate, &mut candidate_gradient);
            if candidate_loss.is_finite() && candidate_loss <= loss + 1e-4 * step * slope {
                break Some(candidate_loss);
            }
            step *= 0.5;
            if step < 1e-12 {
                break None;
            }
        };
        let Some(candidate_loss) = accepted else {
            break;
        };
        let s: Vec<f64> = candidate.iter().zip(&x).map(|(c, x)| c - x).collect();
        let y: Vec<f64> = candidate_gradient
            .iter()
            .zip(&gradient)
            .map(|(c, g)| c - g)
            .collect();
        let sy = dot(&s, &y);
        if sy > 1e-12 {
            history.push_back((s, y, 1.0 / sy));
            if history.len() > MEMORY {
                history.pop_front();
            }
        }
        let improvement = loss - candidate_loss;
        std::mem::swap(&mut x, &mut candidate);
        std::mem::swap(&mut gradient, &mut candidate_gradient);
        loss = candidate_loss;
        if improvement.abs() <= LOSS_TOLERANCE * loss.abs().max(1.0) {
            break;
        }
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_optimiser_finds_the_minimum_of_a_quadratic() {
        // f(x, y) = (x − 3)² + 10 (y + 1)²: minimum at (3, −1).
        let x = minimise(2, 100, |t, g| {
            g[0] = 2.0 * (t[0] - 3.0);
            g[1] = 20.0 * (t[1] + 1.0);
            (t[0] - 3.0).powi(2) + 10.0 * (t[1] + 1.0).powi(2)
        });
        assert!(
            (x[0] - 3.0).abs() < 1e-5 && (x[1] + 1.0).abs() < 1e-5,
            "{x:?}"
        );
    }

    #[test]
    fn balanced_weights_give_each_class_half_and_a_rejection_weighs_like_an_acceptance() {
        use Label::*;
        // 6 labelled passages (one left out): 2 positives, 4 negatives of which 1 rejected. Positives
        // share half of 6: 1.5 each; negatives 3 / 4 = 0.75 each; the rejection 1 × max(1.5, 0.75) = 1.5.
        let labels = [
            Some(Positive),
            Some(Negative),
            Some(Positive),
            Some(Rejected),
            None,
            Some(Negative),
            Some(Negative),
        ];
        let weights = balanced(&labels, 1.0);
        let expected = [1.5, 0.75, 1.5, 1.5, 0.0, 0.75, 0.75];
        for (w, e) in weights.iter().zip(expected) {
            assert!((w - e).abs() < 1e-12, "{weights:?}");
        }
    }

    #[test]
    fn the_training_hash_ignores_order_and_sees_every_change() {
        let passage = |document: &str, text: &str, positive: &[u8]| LabelledPassage {
            document: document.into(),
            language: Language::En,
            text: text.into(),
            positive: positive.iter().copied().collect(),
            negative: BTreeSet::new(),
            primary: None,
        };
        let a = passage("d1", "Remittances are cheaper now.", &[20]);
        let b = passage("d2", "Return and reintegration.", &[21]);
        assert_eq!(
            training_hash(&[a.clone(), b.clone()]),
            training_hash(&[b.clone(), a.clone()])
        );
        let mut rejected = a.clone();
        rejected.negative.insert(19);
        assert_ne!(
            training_hash(&[a, b.clone()]),
            training_hash(&[rejected, b])
        );
    }
}
