//! A national report in, evidence out: the report becomes a source, each passage an item of kind
//! `report_passage` credited to the reporting country, and each objective or principle the classifier
//! suggests a mapping with basis `auto`, its score as confidence and the triggering terms as rationale.
//! A paged report's passages also carry their pages. Pure: the plan is a [`Batch`], validated and
//! written like any import (all or nothing).

use chrono::NaiveDate;

use super::Problem;
use crate::evidence::batch::{Batch, Origin};
use crate::evidence::{
    Basis, Item, ObjectiveMapping, PageSpan, PrincipleMapping, Source, Voice, LANGUAGES,
    SOURCE_KINDS,
};
use crate::formats::Extracted;
use crate::mapping::{Classification, Classifier, Language};

/// What the uploader says about a report.
#[derive(Debug, Clone, Default)]
pub struct DocumentMeta {
    /// ISO 3166-1 alpha-3 of the reporting country.
    pub country: String,
    pub cycle: String,
    /// en, es, pt or fr; detected from the text when absent.
    pub language: Option<String>,
    pub title: String,
    /// A source kind (national_report by default).
    pub kind: Option<String>,
    /// Whose voice the document is; the default of its kind when absent (a national report is
    /// `government`).
    pub voice: Option<String>,
    /// Where the text came from (a file name), for the record.
    pub file_name: String,
}

/// A document ready to be written, and what it holds.
#[derive(Debug, Clone)]
pub struct DocumentPlan {
    pub batch: Batch,
    pub source_id: String,
    /// SHA-256 (hex) of the document's bytes as received: unique in the store.
    pub content_sha256: String,
    /// How the document was read (`pdf`, `docx`, `odt`, `html`, `text`, `markdown`).
    pub format: String,
    /// Size of the document as received, in bytes.
    pub byte_count: usize,
    /// Pages of a paged document (a PDF, or a text with form feeds).
    pub pages: Option<usize>,
    pub language: String,
    pub passages: usize,
    pub objective_suggestions: usize,
    pub principle_suggestions: usize,
    pub lexicon_version: String,
}

/// Longest title of a passage item (cut at a word, with an ellipsis).
const TITLE_CHARS: usize = 90;
/// Longest quote of a passage item: the passage's first lines, verbatim.
const QUOTE_CHARS: usize = 600;

/// Checks the metadata, cuts the report (as read from `received`) into passages and classifies each
/// one. The source's text is the extracted text, page breaks kept, so every quote stands in it verbatim.
pub fn plan_document(
    meta: &DocumentMeta,
    received: &[u8],
    report: &Extracted,
    classifier: &Classifier,
    today: NaiveDate,
) -> Result<DocumentPlan, Vec<Problem>> {
    let body = report.text.as_str();
    let origin = Origin {
        file: meta.file_name.clone(),
        line: 1,
    };
    let mut problems = Vec::new();
    let country = meta.country.trim().to_uppercase();
    if country.len() != 3 || !country.bytes().all(|b| b.is_ascii_alphabetic()) {
        problems.push(Problem::new(
            "document",
            None,
            "country",
            format!(
                "`{}` is not an ISO 3166-1 alpha-3 code such as MEX",
                meta.country
            ),
        ));
    }
    if meta.cycle.trim().is_empty() {
        problems.push(Problem::new(
            "document",
            None,
            "cycle",
            "a review cycle is required, such as 2025",
        ));
    }
    let title = meta.title.trim();
    if title.is_empty() || title.chars().count() > 300 {
        problems.push(Problem::new(
            "document",
            None,
            "title",
            "a title of 1-300 characters is required",
        ));
    }
    let kind = meta
        .kind
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .unwrap_or("national_report");
    if !SOURCE_KINDS.contains(&kind) {
        problems.push(Problem::new(
            "document",
            None,
            "kind",
            format!(
                "`{kind}` is not a source kind; accepted: {}",
                SOURCE_KINDS.join(", ")
            ),
        ));
    }
    let voice = match meta
        .voice
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
    {
        None => Voice::default_for_kind(kind),
        Some(name) => Voice::parse(name).unwrap_or_else(|| {
            problems.push(Problem::new(
                "document",
                None,
                "voice",
                format!(
                    "`{name}` is not a voice; accepted: {} (or none: the default of the kind)",
                    Voice::accepted()
                ),
            ));
            Voice::Other
        }),
    };
    let given_language = match meta
        .language
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        None => None,
        Some(code) => match Language::KNOWN.into_iter().find(|l| l.code() == code) {
            Some(language) => Some(language),
            None => {
                problems.push(Problem::new(
                    "document",
                    None,
                    "language",
                    format!("`{code}` is not accepted; accepted: en, es, pt, fr (or none, to detect it)"),
                ));
                None
            }
        },
    };
    if body.trim().is_empty() {
        problems.push(Problem::new(
            "document",
            None,
            "body",
            "the document is empty",
        ));
    }
    if let Some(refused) = crate::evidence::text::refused_in_text(body) {
        problems.push(Problem::new(
            &meta.file_name,
            Some(refused.line),
            "body",
            refused.to_string(),
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    let passages = crate::formats::passages(report);
    if passages.is_empty() {
        return Err(vec![Problem::new(
            "document",
            None,
            "body",
            "no passage found: the text has no paragraph of at least a few words",
        )]);
    }
    // The document's language: as given, else the one most of its text is in. Passages whose own
    // language cannot be told take the document's.
    let language = given_language.unwrap_or_else(|| classifier.detect_language(body));
    if language == Language::Und {
        return Err(vec![Problem::new(
            "document",
            None,
            "language",
            "the language of the text could not be told; give it: en, es, pt or fr",
        )]);
    }
    let source_language = language.code().to_string();
    let source = Source {
        id: String::new(),
        file_name: meta.file_name.clone(),
        title: title.to_string(),
        publisher: country.clone(),
        kind: kind.to_string(),
        voice,
        language: source_language.clone(),
        published: None,
        cycle: meta.cycle.trim().to_string(),
        note: Some(format!(
            "received {today}; passages and suggestions by gcm-classify, lexicon {}",
            classifier.version()
        )),
        body: body.to_string(),
    };
    let checksum = source.checksum();
    let source_id = format!(
        "doc-{}-{}-{}",
        country.to_lowercase(),
        source.cycle,
        &checksum[..10]
    );
    let source = Source {
        id: source_id.clone(),
        ..source
    };
    let lines = crate::evidence::source_lines(body);
    let mut batch = Batch::default();
    let (mut objective_suggestions, mut principle_suggestions) = (0, 0);
    for (index, paged) in passages.iter().enumerate() {
        let passage = &paged.passage;
        let pages = match (paged.page_start, paged.page_end) {
            (Some(start), Some(end)) => Some(PageSpan {
                start: start as i32,
                end: end as i32,
            }),
            _ => None,
        };
        // The passage with the headings it sits under: a heading that names an objective is evidence
        // of it.
        let classification = classifier.classify_passage(passage, given_language);
        let item_language = match classification.language {
            Language::Und => source_language.clone(),
            known => known.code().to_string(),
        };
        objective_suggestions += classification.objectives.len();
        principle_suggestions += classification.principles.len();
        // The page-break line of a passage that runs on to the next page is left out of its quote: a
        // form feed is whitespace, so the quote still stands verbatim in its lines (up to whitespace,
        // as every quote is checked), and a spreadsheet cell gets no control character.
        let raw = lines
            .get(passage.line_start.saturating_sub(1)..passage.line_end.min(lines.len()))
            .map(|span| {
                span.iter()
                    .filter(|line| **line != crate::formats::PAGE_BREAK)
                    .copied()
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .unwrap_or_default();
        let item = Item {
            id: format!("{source_id}-p{:03}", index + 1),
            source: source_id.clone(),
            line_start: passage.line_start as i32,
            line_end: passage.line_end as i32,
            kind: "report_passage".to_string(),
            context: passage.section.clone(),
            title: cut(&passage.text, TITLE_CHARS, true),
            summary: Some(passage.text.clone()),
            quote: cut(raw.trim(), QUOTE_CHARS, false),
            language: if LANGUAGES.contains(&item_language.as_str()) {
                item_language
            } else {
                source_language.clone()
            },
            reporting_iso3: Some(country.clone()),
            countries: vec![],
            actor: None,
            actor_type: None,
            year: None,
            date: None,
            status: None,
            figures: vec![],
            pages,
            objectives: objective_mappings(&classification, classifier),
            principles: classification
                .principles
                .iter()
                .map(|p| PrincipleMapping {
                    principle: p.principle.to_string(),
                    basis: Basis::Auto,
                    confidence: p.score.clamp(0.0, 1.0),
                })
                .collect(),
        };
        batch.items.push((
            Origin {
                file: origin.file.clone(),
                line: passage.line_start,
            },
            item,
        ));
    }
    batch.sources.push((origin, source));
    let content_sha256 = {
        use sha2::{Digest, Sha256};
        crate::evidence::hex(&Sha256::digest(received))
    };
    Ok(DocumentPlan {
        batch,
        source_id,
        content_sha256,
        format: report.format.name().to_string(),
        byte_count: received.len(),
        pages: report.pages,
        language: source_language,
        passages: passages.len(),
        objective_suggestions,
        principle_suggestions,
        lexicon_version: classifier.version().to_string(),
    })
}

/// The suggestions as `auto` mappings; the best one is primary, and the rationale names the terms
/// that triggered it, so a reviewer sees why.
fn objective_mappings(
    classification: &Classification,
    classifier: &Classifier,
) -> Vec<ObjectiveMapping> {
    classification
        .objectives
        .iter()
        .enumerate()
        .map(|(rank, s)| ObjectiveMapping {
            objective: i32::from(s.objective),
            basis: Basis::Auto,
            confidence: s.score.clamp(0.0, 1.0),
            primary: rank == 0,
            rationale: Some(s.rationale(classifier)),
        })
        .collect()
}

/// `text` cut to at most `max` characters; at a word boundary with an ellipsis when `ellipsis`, else a
/// plain prefix (a quote must stay verbatim).
fn cut(text: &str, max: usize, ellipsis: bool) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let prefix: String = text.chars().take(max).collect();
    if !ellipsis {
        return prefix;
    }
    let at_word = match prefix.rfind(' ') {
        Some(space) if space > max / 2 => &prefix[..space],
        _ => prefix.as_str(),
    };
    format!("{}…", at_word.trim_end_matches([',', ';', ':']))
}
