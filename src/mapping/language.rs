//! The four languages of the lexicon, and telling them apart by their stopwords.
//!
//! Detection counts how many of each language's stopwords (listed in its lexicon file) a passage
//! contains, among its first 2,000 words. The language with the most hits wins if it has at least
//! [`MIN_STOPWORD_HITS`] and strictly more than the runner-up; otherwise the passage is `und`
//! (undetermined), and the terms of all four languages count for it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Fewer stopword hits than this tell nothing: a title or a list of names.
pub const MIN_STOPWORD_HITS: u32 = 2;

/// A passage's language: one of the lexicon's four, or undetermined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    En,
    Es,
    Pt,
    Fr,
    /// Not enough evidence to choose (too short, mixed, or another language): every lexicon counts.
    Und,
}

impl Language {
    /// The four languages of the lexicon, in the order of the per-language counters.
    pub const KNOWN: [Language; 4] = [Language::En, Language::Es, Language::Pt, Language::Fr];

    /// The ISO 639-1 code (`und` for undetermined).
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Es => "es",
            Language::Pt => "pt",
            Language::Fr => "fr",
            Language::Und => "und",
        }
    }

    /// Position in [`Language::KNOWN`]; `None` for `und`.
    pub fn index(self) -> Option<usize> {
        Language::KNOWN.iter().position(|known| *known == self)
    }

    /// Whether a lexicon entry of language `entry` applies to a passage in `self`.
    pub fn admits(self, entry: Language) -> bool {
        self == Language::Und || entry == Language::Und || self == entry
    }

    /// Picks the language from stopword hits per language (in [`Language::KNOWN`] order).
    pub fn from_stopword_hits(hits: [u32; 4]) -> Language {
        let mut order = [0usize, 1, 2, 3];
        order.sort_by(|a, b| hits[*b].cmp(&hits[*a]));
        let (best, second) = (hits[order[0]], hits[order[1]]);
        if best >= MIN_STOPWORD_HITS && best > second {
            Language::KNOWN[order[0]]
        } else {
            Language::Und
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Language {
    type Err = String;

    /// Accepts the codes case-insensitively, with a region (`es-MX`, `pt_BR`) ignored.
    fn from_str(code: &str) -> Result<Language, String> {
        let base = code
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        match base.as_str() {
            "en" => Ok(Language::En),
            "es" => Ok(Language::Es),
            "pt" => Ok(Language::Pt),
            "fr" => Ok(Language::Fr),
            "und" => Ok(Language::Und),
            _ => Err(format!(
                "`{code}` is not a language of the lexicon; accepted: en, es, pt, fr, und"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_hits_win_only_with_a_clear_lead() {
        // Spanish 5 hits against English 1: Spanish.
        assert_eq!(Language::from_stopword_hits([1, 5, 0, 0]), Language::Es);
        // A tie between Spanish and French (shared words such as "la", "en"): undetermined.
        assert_eq!(Language::from_stopword_hits([0, 3, 0, 3]), Language::Und);
        // One hit is below MIN_STOPWORD_HITS (2).
        assert_eq!(Language::from_stopword_hits([1, 0, 0, 0]), Language::Und);
    }

    #[test]
    fn codes_parse_with_regions_and_reject_others() {
        assert_eq!("pt-BR".parse::<Language>(), Ok(Language::Pt));
        assert_eq!("ES".parse::<Language>(), Ok(Language::Es));
        assert!("de".parse::<Language>().is_err());
        // Undetermined admits every lexicon; a known language admits its own and language-neutral entries.
        assert!(Language::Und.admits(Language::Fr));
        assert!(Language::Es.admits(Language::Und));
        assert!(!Language::Es.admits(Language::Pt));
    }
}
