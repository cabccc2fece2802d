//! Measuring suggestions against labelled passages, and leave-one-document-out: each document's passages
//! scored by a model trained without that document, next to the bundled lexicon on the same passages.
//!
//! - **Gold** of a passage: its `positive` objectives. Suggestions: those at or above the threshold.
//! - **Top-1**: the best suggestion is the passage's primary objective (or, without one, any of its
//!   positives), over the passages that have a positive; no suggestion is a miss. **Top-3**: the primary
//!   (or a positive) is among the three best suggestions.
//! - **Micro** precision, recall and F1 over every (passage, objective) pair; also per language and per
//!   objective.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDateTime;
use serde::Serialize;

use super::classify::{Classification, Classifier, PassageFeatures};
use super::model::TrainOptions;
use super::train::{self, LabelledPassage, TrainError};

/// Counts of suggested and gold (passage, objective) pairs.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub true_positives: usize,
    pub false_positives: usize,
    pub false_negatives: usize,
}

impl Counts {
    pub fn gold(&self) -> usize {
        self.true_positives + self.false_negatives
    }
    pub fn precision(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_positives,
        )
    }
    pub fn recall(&self) -> f64 {
        ratio(self.true_positives, self.gold())
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    fn add(&mut self, other: Counts) {
        self.true_positives += other.true_positives;
        self.false_positives += other.false_positives;
        self.false_negatives += other.false_negatives;
    }
}

/// Hits over the passages that count for a measure.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Hits {
    pub hits: usize,
    pub total: usize,
}

impl Hits {
    pub fn rate(&self) -> f64 {
        ratio(self.hits, self.total)
    }
    fn add(&mut self, other: Hits) {
        self.hits += other.hits;
        self.total += other.total;
    }
}

/// The figures of one group of passages.
#[derive(Debug, Default, Clone, PartialEq, Serialize)]
pub struct Figures {
    pub passages: usize,
    pub top1: Hits,
    pub top3: Hits,
    pub micro: Counts,
}

impl Figures {
    fn add(&mut self, other: &Figures) {
        self.passages += other.passages;
        self.top1.add(other.top1);
        self.top3.add(other.top3);
        self.micro.add(other.micro);
    }
}

/// Figures overall, per language (its code) and per objective.
#[derive(Debug, Default, Clone, PartialEq, Serialize)]
pub struct Report {
    pub overall: Figures,
    pub per_language: BTreeMap<String, Figures>,
    pub per_objective: BTreeMap<u8, Counts>,
}

impl Report {
    fn add(&mut self, passage: &LabelledPassage, classification: &Classification, threshold: f64) {
        let figures = score(passage, classification, threshold);
        self.overall.add(&figures);
        self.per_language
            .entry(passage.language.code().to_string())
            .or_default()
            .add(&figures);
        let predicted = suggested(classification, threshold);
        for objective in 1..=super::lexicon::OBJECTIVES {
            let gold = passage.positive.contains(&objective);
            let guessed = predicted.contains(&objective);
            let counts = self.per_objective.entry(objective).or_default();
            match (gold, guessed) {
                (true, true) => counts.true_positives += 1,
                (false, true) => counts.false_positives += 1,
                (true, false) => counts.false_negatives += 1,
                (false, false) => {}
            }
        }
    }
}

fn suggested(classification: &Classification, threshold: f64) -> BTreeSet<u8> {
    classification
        .objectives
        .iter()
        .filter(|s| s.score >= threshold)
        .map(|s| s.objective)
        .collect()
}

/// One passage's figures.
fn score(passage: &LabelledPassage, classification: &Classification, threshold: f64) -> Figures {
    let ranked: Vec<u8> = classification
        .objectives
        .iter()
        .filter(|s| s.score >= threshold)
        .map(|s| s.objective)
        .collect();
    let predicted: BTreeSet<u8> = ranked.iter().copied().collect();
    let right = |objective: &u8| match passage.primary {
        Some(primary) => *objective == primary,
        None => passage.positive.contains(objective),
    };
    let counted = !passage.positive.is_empty() || passage.primary.is_some();
    let hits = |n: usize| Hits {
        hits: usize::from(counted && ranked.iter().take(n).any(right)),
        total: usize::from(counted),
    };
    Figures {
        passages: 1,
        top1: hits(1),
        top3: hits(3),
        micro: Counts {
            true_positives: passage.positive.intersection(&predicted).count(),
            false_positives: predicted.difference(&passage.positive).count(),
            false_negatives: passage.positive.difference(&predicted).count(),
        },
    }
}

/// A fixed classifier (the lexicon, or a model) on passages. Fair only on passages it was not trained on.
pub fn evaluate(passages: &[LabelledPassage], classifier: &Classifier, threshold: f64) -> Report {
    let mut report = Report::default();
    for passage in passages {
        let classification =
            classifier.classify_with_threshold(&passage.text, Some(passage.language), threshold);
        report.add(passage, &classification, threshold);
    }
    report
}

/// Leave-one-document-out figures: the bundled lexicon, and a model trained per fold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeaveOneOut {
    /// The documents, one fold each, in order.
    pub documents: Vec<String>,
    /// Documents whose fold had nothing to learn from (no positive label elsewhere): their passages
    /// were scored by the lexicon in the trained figures too.
    pub untrained: Vec<String>,
    pub lexicon: Report,
    pub trained: Report,
}

/// Leave-one-document-out over `passages`: for each document, a model trained on every other
/// document's passages with `options` scores that document's passages; the bundled lexicon scores the
/// same passages. Deterministic (each fold's model is).
pub fn leave_one_document_out(
    passages: &[LabelledPassage],
    options: &TrainOptions,
    threshold: f64,
) -> Result<LeaveOneOut, TrainError> {
    let lexicon = Classifier::bundled();
    // Features are read once: they depend on the lexicon only, not on the fold.
    let features: Vec<PassageFeatures> = passages
        .iter()
        .map(|p| lexicon.features(&p.text, Some(p.language)))
        .collect();
    let documents: Vec<String> = passages
        .iter()
        .map(|p| p.document.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    // Fold models are not kept: any fixed date will do.
    let trained_at = NaiveDateTime::default();
    let mut result = LeaveOneOut {
        documents: documents.clone(),
        untrained: Vec::new(),
        lexicon: Report::default(),
        trained: Report::default(),
    };
    for document in &documents {
        let training: Vec<(&LabelledPassage, &PassageFeatures)> = passages
            .iter()
            .zip(&features)
            .filter(|(p, _)| &p.document != document)
            .collect();
        let held_out = passages.iter().filter(|p| &p.document == document);
        let model = if training.iter().any(|(p, _)| !p.positive.is_empty()) {
            Some(train::fit(lexicon, &training, options, trained_at)?)
        } else {
            result.untrained.push(document.clone());
            None
        };
        let fold_classifier = match &model {
            Some(model) => Some(lexicon.with_trained(model).map_err(|e| TrainError {
                reason: e.to_string(),
            })?),
            None => None,
        };
        for passage in held_out {
            let language = Some(passage.language);
            let by_lexicon = lexicon.classify_with_threshold(&passage.text, language, threshold);
            result.lexicon.add(passage, &by_lexicon, threshold);
            match &fold_classifier {
                Some(classifier) => {
                    let by_model =
                        classifier.classify_with_threshold(&passage.text, language, threshold);
                    result.trained.add(passage, &by_model, threshold);
                }
                None => result.trained.add(passage, &by_lexicon, threshold),
            }
        }
    }
    Ok(result)
}

/// The current model and a new one, each scored leave-one-document-out on the same folds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// The documents, one fold each, in order.
    pub documents: Vec<String>,
    /// The current model's figures: the bundled lexicon's, or those of its training procedure (its
    /// training data and options) refitted per fold without the held-out document.
    pub current: Report,
    /// The new model's figures: trained per fold on `passages` without the held-out document.
    pub new: Report,
}

/// The training of the current model: the passages it learned from and its options. `None` is the
/// bundled lexicon, which learns nothing.
pub type CurrentTraining<'a> = Option<(&'a [LabelledPassage], &'a TrainOptions)>;

/// Scores the current model and a new one trained with `options` on `passages`, both leave-one-document-
/// out over the documents of `passages`: for each document, the current model's procedure is refitted
/// on its own training data without that document (a model that saw the held-out passages would flatter
/// itself), the new one on `passages` without it, and both score that document's passages of `passages`.
pub fn compare_on_folds(
    passages: &[LabelledPassage],
    current: CurrentTraining<'_>,
    options: &TrainOptions,
    threshold: f64,
) -> Result<Comparison, TrainError> {
    let lexicon = Classifier::bundled();
    let read = |set: &[LabelledPassage]| -> Vec<PassageFeatures> {
        set.iter()
            .map(|p| lexicon.features(&p.text, Some(p.language)))
            .collect()
    };
    let features = read(passages);
    let current_features = current.map(|(data, _)| read(data));
    let documents: Vec<String> = passages
        .iter()
        .map(|p| p.document.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let trained_at = NaiveDateTime::default();
    // A model trained on `set` without `document`, or none when nothing is left to learn from.
    let fold = |set: &[LabelledPassage],
                set_features: &[PassageFeatures],
                document: &str,
                options: &TrainOptions|
     -> Result<Option<Classifier>, TrainError> {
        let training: Vec<(&LabelledPassage, &PassageFeatures)> = set
            .iter()
            .zip(set_features)
            .filter(|(p, _)| p.document != document)
            .collect();
        if !training.iter().any(|(p, _)| !p.positive.is_empty()) {
            return Ok(None);
        }
        let model = train::fit(lexicon, &training, options, trained_at)?;
        lexicon
            .with_trained(&model)
            .map(Some)
            .map_err(|e| TrainError {
                reason: e.to_string(),
            })
    };
    let mut result = Comparison {
        documents: documents.clone(),
        current: Report::default(),
        new: Report::default(),
    };
    for document in &documents {
        let by_current = match (current, &current_features) {
            (Some((data, current_options)), Some(data_features)) => {
                fold(data, data_features, document, current_options)?
            }
            _ => None,
        };
        let by_new = fold(passages, &features, document, options)?;
        for passage in passages.iter().filter(|p| &p.document == document) {
            let language = Some(passage.language);
            let classify = |classifier: &Option<Classifier>| {
                classifier
                    .as_ref()
                    .unwrap_or(lexicon)
                    .classify_with_threshold(&passage.text, language, threshold)
            };
            result
                .current
                .add(passage, &classify(&by_current), threshold);
            result.new.add(passage, &classify(&by_new), threshold);
        }
    }
    Ok(result)
}

/// Whether a new model may replace the current one, measured on the same passages.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    /// More top-1 hits, or as many and a micro F1 higher by more than [`F1_TOLERANCE`].
    Better,
    /// Neither better nor worse.
    NotWorse,
    /// Fewer top-1 hits, or a micro F1 lower by more than [`F1_TOLERANCE`]: keep the current model
    /// unless forced.
    Worse { reasons: Vec<String> },
}

/// Differences in micro F1 smaller than this are noise of a few passages, not a change of quality.
pub const F1_TOLERANCE: f64 = 0.005;

/// Compares the figures of the current model (`before`) and a new one (`after`) on the same passages.
pub fn compare(before: &Report, after: &Report) -> Verdict {
    let (b, a) = (&before.overall, &after.overall);
    let mut reasons = Vec::new();
    if a.top1.hits < b.top1.hits {
        reasons.push(format!(
            "top-1 fell from {}/{} to {}/{}",
            b.top1.hits, b.top1.total, a.top1.hits, a.top1.total
        ));
    }
    if a.micro.f1() < b.micro.f1() - F1_TOLERANCE {
        reasons.push(format!(
            "micro F1 fell from {:.3} to {:.3}",
            b.micro.f1(),
            a.micro.f1()
        ));
    }
    if !reasons.is_empty() {
        Verdict::Worse { reasons }
    } else if a.top1.hits > b.top1.hits || a.micro.f1() > b.micro.f1() + F1_TOLERANCE {
        Verdict::Better
    } else {
        Verdict::NotWorse
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::Language;

    fn figures(top1: usize, total: usize, tp: usize, fp: usize, fn_: usize) -> Report {
        Report {
            overall: Figures {
                passages: total,
                top1: Hits { hits: top1, total },
                top3: Hits { hits: top1, total },
                micro: Counts {
                    true_positives: tp,
                    false_positives: fp,
                    false_negatives: fn_,
                },
            },
            ..Report::default()
        }
    }

    #[test]
    fn a_model_with_fewer_top1_hits_or_a_lower_f1_is_worse() {
        // F1 of 60 TP, 40 FP, 40 FN: P = R = 0.6, F1 0.6.
        let current = figures(50, 100, 60, 40, 40);
        assert_eq!(
            compare(&current, &figures(49, 100, 60, 40, 40)),
            Verdict::Worse {
                reasons: vec!["top-1 fell from 50/100 to 49/100".into()]
            }
        );
        // 55 TP, 45 FP, 45 FN: F1 0.55, lower by 0.05.
        assert!(matches!(
            compare(&current, &figures(50, 100, 55, 45, 45)),
            Verdict::Worse { .. }
        ));
        assert_eq!(
            compare(&current, &figures(51, 100, 60, 40, 40)),
            Verdict::Better
        );
        assert_eq!(compare(&current, &current.clone()), Verdict::NotWorse);
    }

    #[test]
    fn top1_counts_the_primary_and_top3_any_of_the_best_three() {
        let classifier = Classifier::bundled();
        // Objective 21: "return" 0.6 + "reintegration" 1.8 = 2.4, 1 - e^-2.4 = 0.909; objective 20:
        // "remittances" 2.0, 0.865. So 21 ranks first, 20 second.
        let mut passage = LabelledPassage {
            document: "d".into(),
            language: Language::En,
            text: "Remittances, and the return and reintegration of migrants.".into(),
            positive: [20, 21].into_iter().collect(),
            negative: BTreeSet::new(),
            primary: Some(21),
        };
        let report = evaluate(std::slice::from_ref(&passage), classifier, 0.35);
        assert_eq!(report.overall.top1, Hits { hits: 1, total: 1 });
        assert_eq!(report.overall.top3, Hits { hits: 1, total: 1 });
        assert_eq!(report.per_language["en"].passages, 1);
        // Primary 20 (second best): a top-1 miss, a top-3 hit; both objectives are gold, so 2 TP.
        passage.primary = Some(20);
        let report = evaluate(std::slice::from_ref(&passage), classifier, 0.35);
        assert_eq!(report.overall.top1, Hits { hits: 0, total: 1 });
        assert_eq!(report.overall.top3, Hits { hits: 1, total: 1 });
        assert_eq!(report.overall.micro.true_positives, 2);
    }
}
