//! Mapping report text to GCM objectives and guiding principles: pure code, no I/O, no database.
//!
//! - [`segment`] cuts a plain-text or Markdown report into passages with their line spans;
//! - [`Classifier`] suggests objectives and principles for a passage, with the lexicon terms that
//!   triggered each suggestion as evidence spans (char offsets into the passage text);
//! - the lexicon is data (`assets/lexicon/*.toml`, embedded), with one version for all its files;
//! - [`structure`] reads headings that name an objective or thematic area, which suggest it for the
//!   passages beneath them ([`Classifier::classify_passage`]);
//! - [`train`](mod@train) fits a model on labelled passages (annotated items, reviewer decisions), which
//!   [`Classifier::with_model`] compiles into the same one-pass lookup; [`evaluate`] measures it
//!   leave-one-document-out against the lexicon, and [`compare`] says whether a new model is worse.
//!
//! Method, formats and measured quality: docs/MAPPING.md.

pub mod classify;
pub mod evaluate;
pub mod language;
pub(crate) mod learned;
pub mod lexicon;
pub mod model;
pub mod normalise;
pub mod segment;
pub mod structure;
pub mod train;
pub(crate) mod words;

pub use classify::{
    Classification, Classifier, Evidence, LearnedEvidence, PrincipleSuggestion, Suggestion,
    DEFAULT_THRESHOLD,
};
pub use evaluate::{
    compare, compare_on_folds, leave_one_document_out, Comparison, CurrentTraining, LeaveOneOut,
    Report, Verdict,
};
pub use language::Language;
pub use lexicon::{Lexicon, LexiconError, PRINCIPLES};
pub use model::{Model, ModelError, TrainOptions};
pub use segment::{segment, Heading, Passage};
pub use structure::{HeadingEvidence, HeadingSuggestion, Named, NamedBy};
pub use train::{train, training_hash, LabelledPassage, TrainError};

/// The version of the bundled lexicon, to be recorded with every suggestion made from it.
pub fn lexicon_version() -> &'static str {
    Classifier::bundled().version()
}
