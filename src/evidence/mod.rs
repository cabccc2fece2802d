//! Evidence: the records the service holds about what countries did and said, their controlled
//! vocabularies, and the rules a record must satisfy before it is stored. Pure: no I/O.

pub mod batch;
pub mod dates;
pub mod text;

use serde::{Deserialize, Serialize};

pub use dates::{PartialDate, Precision};

/// Kinds of evidence item. `report_passage` is a passage of an ingested national report.
pub const ITEM_KINDS: &[&str] = &[
    "practice",
    "measure",
    "situation",
    "commitment",
    "statement",
    "statistic",
    "mandate",
    "report_entry",
    "report_passage",
];

/// Kinds of source document.
pub const SOURCE_KINDS: &[&str] = &[
    "national_report",
    "regional_review_report",
    "practice_catalogue",
    "meeting_report",
    "mandate_page",
    "programme_sheet",
    "other",
];

/// Whose voice a source is: who says what its items say. It lets a reader contrast what governments
/// report about themselves with what the UN system, regional intergovernmental bodies, civil society and
/// researchers report (docs/METHODOLOGY.md 2.12). A property of the source: every item of a source shares
/// it. The order is the order of the legend and of every list of voices.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Voice {
    /// A government about itself: national reports, voluntary national reviews, national follow-up.
    Government,
    /// The UN system: the UN Network on Migration, IOM and other agencies, the regional reviews' reports.
    Un,
    /// Regional and other intergovernmental bodies and processes outside the UN system: regional
    /// consultative processes (RCM, SACM), the OAS and the Summits, the European Union's programmes.
    Intergovernmental,
    /// Civil society: NGOs, migrants' and diaspora organisations, trade unions, faith groups.
    CivilSociety,
    /// Universities and research institutes.
    Academic,
    /// Anyone else (the press, the private sector, a publisher the record cannot place).
    Other,
}

impl Voice {
    pub const ALL: [Voice; 6] = [
        Voice::Government,
        Voice::Un,
        Voice::Intergovernmental,
        Voice::CivilSociety,
        Voice::Academic,
        Voice::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Voice::Government => "government",
            Voice::Un => "un",
            Voice::Intergovernmental => "intergovernmental",
            Voice::CivilSociety => "civil_society",
            Voice::Academic => "academic",
            Voice::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<Voice> {
        Voice::ALL.into_iter().find(|v| v.as_str() == text)
    }

    /// Every accepted name, for error messages.
    pub fn accepted() -> String {
        Voice::ALL.map(Voice::as_str).join(", ")
    }

    /// The voice a source has when its record names none, from its kind: a national report is its
    /// government's, a regional review's report the UN's (the reviews are convened by the UN Network on
    /// Migration), a meeting report the intergovernmental process that met. Catalogues, mandate pages,
    /// programme sheets and others are published by anyone, so they are `other` unless named.
    /// The migration `2026-12-02-000009_voices` applies the same rule to stored sources.
    pub fn default_for_kind(kind: &str) -> Voice {
        match kind {
            "national_report" => Voice::Government,
            "regional_review_report" => Voice::Un,
            "meeting_report" => Voice::Intergovernmental,
            _ => Voice::Other,
        }
    }
}

impl std::fmt::Display for Voice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Languages of evidence text; sources may also be `mul` (several languages).
pub const LANGUAGES: &[&str] = &["en", "es", "pt", "fr"];
pub const SOURCE_LANGUAGES: &[&str] = &["en", "es", "pt", "fr", "mul"];

/// Roles a country plays in an item. The credited country is `reporting_iso3`, not a role here.
pub const COUNTRY_ROLES: &[&str] = &[
    "implementer",
    "funder",
    "member",
    "host",
    "beneficiary",
    "subject",
    "party",
    "location",
    "participant",
    "origin",
    "destination",
    "champion",
    "signatory",
    "lead",
    "author",
    "mentioned",
    "reporting",
];

/// How a mapping to an objective or principle was made; see docs/METHODOLOGY.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Basis {
    /// The text names the objective by number.
    Cited,
    /// The text names the objective's subject plainly.
    Subject,
    /// Implied by the thematic-area section the item sits in.
    Section,
    /// A reader's judgement from the content.
    Inferred,
    /// Suggested by the classifier, not yet reviewed.
    Auto,
    /// A classifier suggestion a reviewer accepted.
    Reviewed,
}

impl Basis {
    pub const ALL: [Basis; 6] = [
        Basis::Cited,
        Basis::Subject,
        Basis::Section,
        Basis::Inferred,
        Basis::Auto,
        Basis::Reviewed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Cited => "cited",
            Basis::Subject => "subject",
            Basis::Section => "section",
            Basis::Inferred => "inferred",
            Basis::Auto => "auto",
            Basis::Reviewed => "reviewed",
        }
    }

    pub fn parse(text: &str) -> Option<Basis> {
        Basis::ALL.into_iter().find(|b| b.as_str() == text)
    }

    /// Confidence given to a mapping when its record states none: how directly the text supports it.
    pub fn default_confidence(self) -> f64 {
        match self {
            Basis::Cited => 1.0,
            Basis::Reviewed => 0.9,
            Basis::Subject => 0.8,
            Basis::Section => 0.6,
            Basis::Inferred => 0.5,
            Basis::Auto => 0.3,
        }
    }

    /// Every accepted name, for error messages.
    pub fn accepted() -> String {
        Basis::ALL.map(Basis::as_str).join(", ")
    }
}

/// A review cycle (the regional reviews, and the pre-GCM baseline).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cycle {
    pub id: String,
    pub region: Option<String>,
    pub title_en: String,
    pub title_es: String,
    pub review_start: Option<String>,
    pub review_end: Option<String>,
    /// Last date of documents that feed this cycle.
    pub feeds_until: String,
    pub note: Option<String>,
}

/// A source document with its full text.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub id: String,
    pub file_name: String,
    pub title: String,
    pub publisher: String,
    pub kind: String,
    /// Whose voice the source is.
    pub voice: Voice,
    pub language: String,
    pub published: Option<PartialDate>,
    pub cycle: String,
    pub note: Option<String>,
    pub body: String,
}

impl Source {
    /// SHA-256 of the text, hex: tells whether a source changed between imports.
    pub fn checksum(&self) -> String {
        use sha2::{Digest, Sha256};
        hex(&Sha256::digest(self.body.as_bytes()))
    }

    pub fn line_count(&self) -> usize {
        source_lines(&self.body).len()
    }
}

/// Lines of a source text (line n is element n - 1); a trailing `\r` is dropped, and the newline that
/// ends the last line does not start another.
pub fn source_lines(body: &str) -> Vec<&str> {
    body.strip_suffix('\n')
        .unwrap_or(body)
        .split('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line))
        .collect()
}

/// One line of a source shown around an item: its number, its text, and whether it is in the item's span.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContextLine {
    pub number: usize,
    pub text: String,
    pub in_span: bool,
}

/// The lines `start..=end` (1-based) of a text and `margin` lines either side, clamped to the text.
pub fn context_lines(body: &str, start: i32, end: i32, margin: i32) -> Vec<ContextLine> {
    let lines = source_lines(body);
    let from = (start - margin).max(1) as usize;
    let to = (end.saturating_add(margin).max(0) as usize).min(lines.len());
    (from..=to)
        .filter_map(|number| {
            lines.get(number - 1).map(|text| ContextLine {
                number,
                text: text.to_string(),
                in_span: (start.max(0) as usize..=end.max(0) as usize).contains(&number),
            })
        })
        .collect()
}

/// Lines `start..=end` (1-based) of a text joined by `\n`; clamped to the text.
pub fn span_text(body: &str, start: usize, end: usize) -> String {
    let lines = source_lines(body);
    let from = start.saturating_sub(1).min(lines.len());
    let to = end.min(lines.len()).max(from);
    lines[from..to].join("\n")
}

/// Whether `quote` stands in `span` verbatim. Line breaks and runs of spaces in either are treated as one
/// space, because a quote copied from a wrapped text loses its line breaks; nothing else is forgiven.
pub fn quote_in_span(quote: &str, span: &str) -> bool {
    if span.contains(quote) {
        return true;
    }
    let fold = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    fold(span).contains(&fold(quote))
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CountryRole {
    pub iso3: String,
    pub role: String,
    pub detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObjectiveMapping {
    pub objective: i32,
    pub basis: Basis,
    pub confidence: f64,
    pub primary: bool,
    pub rationale: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrincipleMapping {
    pub principle: String,
    pub basis: Basis,
    pub confidence: f64,
}

/// An evidence item as imported: what the text says, where, who did it, and what it serves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub id: String,
    pub source: String,
    pub line_start: i32,
    pub line_end: i32,
    pub kind: String,
    pub context: Option<String>,
    pub title: String,
    pub summary: Option<String>,
    pub quote: String,
    pub language: String,
    pub reporting_iso3: Option<String>,
    pub countries: Vec<CountryRole>,
    pub actor: Option<String>,
    pub actor_type: Option<String>,
    pub year: Option<i32>,
    pub date: Option<String>,
    pub status: Option<String>,
    /// Figures or results the source reports for this item ("more than 700 cases assisted").
    pub figures: Vec<String>,
    pub objectives: Vec<ObjectiveMapping>,
    pub principles: Vec<PrincipleMapping>,
    /// The pages of a paged report (a PDF) the item's lines stand on; `None` for an unpaged text.
    /// Left out of the encoding when absent, so the fingerprint of an item without pages is what it
    /// was before pages existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<PageSpan>,
}

/// The first and last page (1-based, inclusive) of a passage of a paged report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageSpan {
    pub start: i32,
    pub end: i32,
}

impl Item {
    /// Fingerprint of everything imported about the item, to recognise an unchanged re-import.
    pub fn content_hash(&self) -> String {
        use sha2::{Digest, Sha256};
        // serde_json writes struct fields in declaration order, so the encoding is stable.
        let encoded = serde_json::to_vec(self).unwrap_or_default();
        hex(&Sha256::digest(&encoded))
    }
}

/// Voluntary national report submitted by a country to a cycle.
#[derive(Debug, Clone, PartialEq)]
pub struct Submission {
    pub cycle: String,
    pub iso3: String,
    pub kind: String,
    pub source: Option<String>,
    pub line_start: Option<i32>,
    pub line_end: Option<i32>,
}

/// GCM champion status of a country: since when (when the source says), and as of which date a source
/// confirms it.
#[derive(Debug, Clone, PartialEq)]
pub struct Champion {
    pub iso3: String,
    pub since: Option<PartialDate>,
    pub as_of: PartialDate,
    pub source: Option<String>,
    pub line_start: Option<i32>,
    pub line_end: Option<i32>,
    pub note: Option<String>,
}

/// Identifiers of cycles, sources and items: letters, digits and `.-_:`, 1 to 80 characters, so they are
/// safe in URLs and file names.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 80
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b':'))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_match_verbatim_or_across_line_breaks_only() {
        let span = "The programme trains\nborder officials in 12 provinces.";
        assert!(quote_in_span("trains\nborder officials", span));
        assert!(quote_in_span("trains border officials", span));
        assert!(!quote_in_span("trains Border officials", span));
        assert!(!quote_in_span("in 13 provinces", span));
    }

    #[test]
    fn spans_are_one_based_and_clamped() {
        let body = "a\r\nb\nc\nd";
        assert_eq!(span_text(body, 2, 3), "b\nc");
        assert_eq!(span_text(body, 1, 1), "a");
        assert_eq!(span_text(body, 3, 99), "c\nd");
        assert_eq!(span_text(body, 9, 12), "");
    }

    #[test]
    fn ids_are_url_safe() {
        assert!(valid_id("s000-p01"));
        assert!(valid_id("seed-001"));
        assert!(!valid_id(""));
        assert!(!valid_id("a b"));
        assert!(!valid_id("../x/y"));
    }

    #[test]
    fn basis_round_trips() {
        for basis in Basis::ALL {
            assert_eq!(Basis::parse(basis.as_str()), Some(basis));
        }
        assert_eq!(Basis::parse("guessed"), None);
    }
}
