//! The lexicon: words and phrases that are evidence of an objective or a guiding principle, with weights,
//! kept as data in `assets/lexicon/<language>.toml` (format in docs/MAPPING.md) and embedded in the binary.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::language::Language;
use super::normalise::Normalised;

/// The bundled lexicon files, one per language.
pub const BUNDLED_FILES: [(&str, &str); 4] = [
    ("en.toml", include_str!("../../assets/lexicon/en.toml")),
    ("es.toml", include_str!("../../assets/lexicon/es.toml")),
    ("pt.toml", include_str!("../../assets/lexicon/pt.toml")),
    ("fr.toml", include_str!("../../assets/lexicon/fr.toml")),
];

/// The guiding principles' keys, in the framework's order (assets/reference/framework.toml).
pub const PRINCIPLES: [&str; 10] = [
    "people-centred",
    "international cooperation",
    "national sovereignty",
    "rule of law and due process",
    "sustainable development",
    "human rights",
    "gender-responsive",
    "child-sensitive",
    "whole-of-government",
    "whole-of-society",
];

/// Number of GCM objectives.
pub const OBJECTIVES: u8 = 23;

/// The largest weight a term may carry: one term alone should not be worth more than a few strong ones.
pub const MAX_WEIGHT: f64 = 5.0;

/// What a lexicon entry is evidence of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// An objective, 1-23.
    Objective(u8),
    /// A guiding principle, by its index in [`PRINCIPLES`].
    Principle(usize),
    /// A name (an agency, a programme) that contains topic words but is evidence of nothing: it is
    /// matched so that, being longer, it hides the terms inside it.
    Blocked,
    /// A stopword, counted for language detection only.
    Stopword,
}

/// One term of the lexicon.
#[derive(Debug, Clone)]
pub struct Entry {
    pub language: Language,
    /// As written in the lexicon file (reported as the evidence's `term`).
    pub term: String,
    /// Folded as texts are ([`Normalised::term`]).
    pub normalised: String,
    pub target: Target,
    pub weight: f64,
}

/// The whole lexicon: every language's entries and the common version.
#[derive(Debug, Clone)]
pub struct Lexicon {
    pub version: String,
    pub entries: Vec<Entry>,
}

/// A lexicon file that cannot be used, with the file and the reason.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {reason}")]
pub struct LexiconError {
    pub file: String,
    pub reason: String,
}

/// The shape of one lexicon file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LexiconFile {
    version: String,
    language: String,
    #[serde(default)]
    stopwords: Vec<String>,
    #[serde(default)]
    blocked: Vec<String>,
    #[serde(default)]
    objectives: BTreeMap<String, BTreeMap<String, f64>>,
    #[serde(default)]
    principles: BTreeMap<String, BTreeMap<String, f64>>,
}

impl Lexicon {
    /// Parses and checks lexicon files given as (name, TOML text). All must carry the same `version`.
    pub fn parse(files: &[(&str, &str)]) -> Result<Lexicon, LexiconError> {
        let mut version: Option<String> = None;
        let mut entries: Vec<Entry> = Vec::new();
        // (language, folded term, target) already seen: the same term twice would count twice.
        let mut seen: std::collections::HashSet<(Language, String, String)> = Default::default();
        for (name, text) in files {
            let error = |reason: String| LexiconError {
                file: name.to_string(),
                reason,
            };
            let file: LexiconFile = toml::from_str(text).map_err(|e| error(e.to_string()))?;
            match &version {
                Some(first) if *first != file.version => {
                    return Err(error(format!(
                        "version `{}` differs from `{first}` of the other files",
                        file.version
                    )))
                }
                _ => version = Some(file.version.clone()),
            }
            let language: Language = file.language.parse().map_err(error)?;
            let mut add = |term: &str, target: Target, weight: f64| {
                let normalised = Normalised::term(term);
                if normalised.is_empty() {
                    return Err(error(format!("term `{term}` has no letters or digits")));
                }
                if !(weight > 0.0 && weight <= MAX_WEIGHT) {
                    return Err(error(format!(
                        "term `{term}`: weight {weight} is not in (0, {MAX_WEIGHT}]"
                    )));
                }
                if !seen.insert((language, normalised.clone(), format!("{target:?}"))) {
                    return Err(error(format!(
                        "term `{term}` is listed twice for the same target (once folded: `{normalised}`)"
                    )));
                }
                entries.push(Entry {
                    language,
                    term: term.to_string(),
                    normalised,
                    target,
                    weight,
                });
                Ok(())
            };
            for word in &file.stopwords {
                add(word, Target::Stopword, 1.0)?;
            }
            for name in &file.blocked {
                add(name, Target::Blocked, 1.0)?;
            }
            for (number, terms) in &file.objectives {
                let objective = number
                    .parse::<u8>()
                    .ok()
                    .filter(|n| (1..=OBJECTIVES).contains(n))
                    .ok_or_else(|| error(format!("objective `{number}` is not 1-23")))?;
                for (term, weight) in terms {
                    add(term, Target::Objective(objective), *weight)?;
                }
            }
            for (key, terms) in &file.principles {
                let principle = PRINCIPLES.iter().position(|p| p == key).ok_or_else(|| {
                    error(format!(
                        "principle `{key}` is not one of {}",
                        PRINCIPLES.join(", ")
                    ))
                })?;
                for (term, weight) in terms {
                    add(term, Target::Principle(principle), *weight)?;
                }
            }
        }
        let version = version.ok_or_else(|| LexiconError {
            file: "(none)".into(),
            reason: "no lexicon file given".into(),
        })?;
        Ok(Lexicon { version, entries })
    }

    /// The lexicon embedded in the binary.
    pub fn bundled() -> Result<Lexicon, LexiconError> {
        Lexicon::parse(&BUNDLED_FILES)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_files_parse_with_one_version_and_cover_every_objective_and_principle_in_each_language(
    ) {
        let lexicon = Lexicon::bundled().unwrap();
        assert!(!lexicon.version.is_empty());
        for language in Language::KNOWN {
            for objective in 1..=OBJECTIVES {
                assert!(
                    lexicon.entries.iter().any(|e| e.language == language
                        && e.target == Target::Objective(objective)),
                    "{language} has no term for objective {objective}"
                );
            }
            for (index, key) in PRINCIPLES.iter().enumerate() {
                assert!(
                    lexicon
                        .entries
                        .iter()
                        .any(|e| e.language == language && e.target == Target::Principle(index)),
                    "{language} has no term for principle {key}"
                );
            }
        }
    }

    #[test]
    fn a_bad_file_is_refused_with_its_name_and_reason() {
        let wrong_objective =
            "version = \"x\"\nlanguage = \"en\"\n[objectives.24]\n\"data\" = 1.0\n";
        let error = Lexicon::parse(&[("bad.toml", wrong_objective)]).unwrap_err();
        assert_eq!(error.to_string(), "bad.toml: objective `24` is not 1-23");

        let zero_weight = "version = \"x\"\nlanguage = \"en\"\n[objectives.1]\n\"data\" = 0.0\n";
        let error = Lexicon::parse(&[("w.toml", zero_weight)]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "w.toml: term `data`: weight 0 is not in (0, 5]"
        );

        let first = "version = \"a\"\nlanguage = \"en\"\n";
        let second = "version = \"b\"\nlanguage = \"es\"\n";
        let error = Lexicon::parse(&[("en.toml", first), ("es.toml", second)]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "es.toml: version `b` differs from `a` of the other files"
        );
    }
}
