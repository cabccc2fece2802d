//! Validation of a parsed import against the vocabularies, the reference data and the sources: every
//! problem is collected, so one run lists all of them.

use std::collections::{BTreeMap, BTreeSet};

use super::{Problem, ProblemAt};
use crate::evidence::batch::{Batch, Origin, ValidationContext};
use crate::evidence::{
    self, quote_in_span, valid_id, PartialDate, COUNTRY_ROLES, ITEM_KINDS, LANGUAGES, SOURCE_KINDS,
    SOURCE_LANGUAGES,
};
use crate::framework::OBJECTIVE_COUNT;

pub fn validate(batch: &Batch, context: &ValidationContext) -> Vec<Problem> {
    let mut problems = Vec::new();

    let mut cycles: BTreeSet<&str> = context.cycles.iter().map(String::as_str).collect();
    let mut seen = BTreeSet::new();
    for (origin, cycle) in &batch.cycles {
        if !valid_id(&cycle.id) {
            problems.push(origin.problem("id", id_rule(&cycle.id)));
        }
        if !seen.insert(cycle.id.as_str()) {
            problems.push(origin.problem("id", format!("cycle `{}` appears twice", cycle.id)));
        }
        for (field, value) in [
            ("review_start", cycle.review_start.as_deref()),
            ("review_end", cycle.review_end.as_deref()),
            ("feeds_until", Some(cycle.feeds_until.as_str())),
        ] {
            if let Some(Err(message)) = value.map(PartialDate::parse) {
                problems.push(origin.problem(field, message));
            }
        }
        cycles.insert(cycle.id.as_str());
    }
    let known_cycles = || cycles.iter().copied().collect::<Vec<_>>().join(", ");

    // Source texts by id: the batch's own, then the stored ones it does not replace.
    let mut texts: BTreeMap<&str, &str> = context
        .sources
        .iter()
        .map(|(id, body)| (id.as_str(), body.as_str()))
        .collect();
    let mut seen = BTreeSet::new();
    for (origin, source) in &batch.sources {
        if !valid_id(&source.id) {
            problems.push(origin.problem("id", id_rule(&source.id)));
        }
        if !seen.insert(source.id.as_str()) {
            problems.push(origin.problem("id", format!("source `{}` appears twice", source.id)));
        }
        if !SOURCE_KINDS.contains(&source.kind.as_str()) {
            problems.push(origin.problem("kind", accepted(&source.kind, SOURCE_KINDS)));
        }
        if !SOURCE_LANGUAGES.contains(&source.language.as_str()) {
            problems.push(origin.problem("language", accepted(&source.language, SOURCE_LANGUAGES)));
        }
        if !cycles.contains(source.cycle.as_str()) {
            problems.push(origin.problem(
                "cycle",
                format!(
                    "unknown cycle `{}`; known: {}",
                    source.cycle,
                    known_cycles()
                ),
            ));
        }
        required(origin, "title", &source.title, &mut problems);
        required(origin, "publisher", &source.publisher, &mut problems);
        for (field, value) in [
            ("file_name", Some(source.file_name.as_str())),
            ("title", Some(source.title.as_str())),
            ("publisher", Some(source.publisher.as_str())),
            ("note", source.note.as_deref()),
        ] {
            check_text(origin, field, value, &mut problems);
        }
        if let Some(refused) = evidence::text::refused_in_text(&source.body) {
            problems.push(origin.problem(
                "file",
                format!("the text of `{}`, {refused}", source.file_name),
            ));
        }
        // A new text for a stored source must still hold the stored items that this import does not
        // bring again, or their quotes would point at the wrong lines.
        let changed = context
            .sources
            .get(&source.id)
            .is_some_and(|stored| *stored != source.body);
        if changed {
            let reimported: BTreeSet<&str> =
                batch.items.iter().map(|(_, i)| i.id.as_str()).collect();
            let lines = evidence::source_lines(&source.body);
            for span in context.stored_items.get(&source.id).into_iter().flatten() {
                if reimported.contains(span.item.as_str()) {
                    continue;
                }
                if let Some(problem) =
                    span_problem(&lines, span.line_start, span.line_end, &span.quote)
                {
                    problems.push(origin.problem(
                        "file",
                        format!(
                            "the new text breaks stored item `{}`: {}",
                            span.item,
                            problem.describe(&source.id, span.line_start, span.line_end)
                        ),
                    ));
                }
            }
        }
        texts.insert(source.id.as_str(), source.body.as_str());
    }
    let known_sources = || texts.keys().copied().collect::<Vec<_>>().join(", ");

    // Each source's lines, split once: splitting the source again for every item made a long
    // document's validation quadratic in its length.
    let mut lines_of: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut pages_of: BTreeMap<&str, crate::formats::PageMap> = BTreeMap::new();
    let mut seen = BTreeSet::new();
    for (origin, item) in &batch.items {
        if !valid_id(&item.id) {
            problems.push(origin.problem("id", id_rule(&item.id)));
        }
        if !seen.insert(item.id.as_str()) {
            problems.push(origin.problem(
                "id",
                format!("item `{}` appears twice in this import", item.id),
            ));
        }
        for (field, value) in [
            ("id", Some(item.id.as_str())),
            ("context", item.context.as_deref()),
            ("title", Some(item.title.as_str())),
            ("summary", item.summary.as_deref()),
            ("quote", Some(item.quote.as_str())),
            ("actor", item.actor.as_deref()),
            ("actor_type", item.actor_type.as_deref()),
            ("status", item.status.as_deref()),
        ] {
            check_text(origin, field, value, &mut problems);
        }
        for (i, figure) in item.figures.iter().enumerate() {
            check_text(
                origin,
                &format!("figures[{i}]"),
                Some(figure),
                &mut problems,
            );
        }
        for (i, mapping) in item.objectives.iter().enumerate() {
            check_text(
                origin,
                &format!("objectives[{i}].rationale"),
                mapping.rationale.as_deref(),
                &mut problems,
            );
        }
        if !ITEM_KINDS.contains(&item.kind.as_str()) {
            problems.push(origin.problem("kind", accepted(&item.kind, ITEM_KINDS)));
        }
        if !LANGUAGES.contains(&item.language.as_str()) {
            problems.push(origin.problem("language", accepted(&item.language, LANGUAGES)));
        }
        required(origin, "title", &item.title, &mut problems);
        required(origin, "quote", &item.quote, &mut problems);
        if let Some(iso3) = &item.reporting_iso3 {
            check_country(origin, "reporting_iso3", iso3, context, &mut problems);
        }
        for (i, country) in item.countries.iter().enumerate() {
            check_country(
                origin,
                &format!("countries[{i}].iso3"),
                &country.iso3,
                context,
                &mut problems,
            );
            if !COUNTRY_ROLES.contains(&country.role.as_str()) {
                problems.push(origin.problem(
                    &format!("countries[{i}].role"),
                    accepted(&country.role, COUNTRY_ROLES),
                ));
            }
        }
        if let Some(year) = item.year {
            if !(1900..=2100).contains(&year) {
                problems.push(origin.problem("year", format!("{year} is outside 1900-2100")));
            }
            if let Some(date) = item
                .date
                .as_deref()
                .and_then(|d| PartialDate::parse(d).ok())
            {
                if date.year != year {
                    problems
                        .push(origin.problem("year", format!("{year} disagrees with date {date}")));
                }
            }
        }
        let mut objectives = BTreeSet::new();
        for (i, mapping) in item.objectives.iter().enumerate() {
            if !(1..=OBJECTIVE_COUNT).contains(&mapping.objective) {
                problems.push(origin.problem(
                    &format!("objectives[{i}].objective"),
                    format!("{} is outside 1-{OBJECTIVE_COUNT}", mapping.objective),
                ));
            }
            if !objectives.insert(mapping.objective) {
                problems.push(origin.problem(
                    &format!("objectives[{i}].objective"),
                    format!("objective {} is mapped twice", mapping.objective),
                ));
            }
            check_confidence(
                origin,
                &format!("objectives[{i}].confidence"),
                mapping.confidence,
                &mut problems,
            );
        }
        if item.objectives.iter().filter(|m| m.primary).count() > 1 {
            problems
                .push(origin.problem("objectives", "more than one objective is marked primary"));
        }
        let mut principles = BTreeSet::new();
        for (i, mapping) in item.principles.iter().enumerate() {
            if !context.principles.contains(&mapping.principle) {
                let known: Vec<&str> = context.principles.iter().map(String::as_str).collect();
                problems.push(origin.problem(
                    &format!("principles[{i}]"),
                    accepted(&mapping.principle, &known),
                ));
            }
            if !principles.insert(mapping.principle.as_str()) {
                problems.push(origin.problem(
                    &format!("principles[{i}]"),
                    format!("principle `{}` is listed twice", mapping.principle),
                ));
            }
            check_confidence(
                origin,
                &format!("principles[{i}].confidence"),
                mapping.confidence,
                &mut problems,
            );
        }

        // The span must exist in the source, and the quote must stand in it.
        match texts.get(item.source.as_str()) {
            None => problems.push(origin.problem(
                "source",
                format!(
                    "unknown source `{}`; known: {}",
                    item.source,
                    known_sources()
                ),
            )),
            Some(body) => {
                let lines = lines_of
                    .entry(item.source.as_str())
                    .or_insert_with(|| evidence::source_lines(body));
                if let Some(problem) =
                    span_problem(lines, item.line_start, item.line_end, &item.quote)
                {
                    problems.push(origin.problem(
                        problem.field(),
                        problem.describe(&item.source, item.line_start, item.line_end),
                    ));
                } else if let Some(pages) = item.pages {
                    // Pages are told by the page-break lines of the stored text, so a citation by page
                    // is as checkable as one by line.
                    let (start, end) = pages_of
                        .entry(item.source.as_str())
                        .or_insert_with(|| crate::formats::PageMap::of_lines(lines))
                        .span(item.line_start as usize, item.line_end as usize);
                    if (pages.start as usize, pages.end as usize) != (start, end) {
                        problems.push(origin.problem(
                            "page_start",
                            format!(
                                "pages {}-{} do not match the page breaks of source `{}`: lines {}-{} are on pages {start}-{end}",
                                pages.start, pages.end, item.source, item.line_start, item.line_end
                            ),
                        ));
                    }
                }
            }
        }
    }

    let mut seen = BTreeSet::new();
    for (origin, submission) in &batch.submissions {
        let key = (
            submission.cycle.as_str(),
            submission.iso3.as_str(),
            submission.kind.as_str(),
        );
        if !seen.insert(key) {
            problems.push(origin.problem(
                "iso3",
                format!(
                    "{} appears twice for cycle {} and kind `{}`",
                    submission.iso3, submission.cycle, submission.kind
                ),
            ));
        }
        check_record_span(
            origin,
            submission.source.as_deref(),
            submission.line_start,
            submission.line_end,
            &texts,
            &mut problems,
        );
        if !cycles.contains(submission.cycle.as_str()) {
            problems.push(origin.problem(
                "cycle",
                format!(
                    "unknown cycle `{}`; known: {}",
                    submission.cycle,
                    known_cycles()
                ),
            ));
        }
        check_country(origin, "iso3", &submission.iso3, context, &mut problems);
        required(origin, "kind", &submission.kind, &mut problems);
    }

    let mut seen = BTreeSet::new();
    for (origin, champion) in &batch.champions {
        check_country(origin, "iso3", &champion.iso3, context, &mut problems);
        if !seen.insert(champion.iso3.as_str()) {
            problems.push(origin.problem("iso3", format!("{} appears twice", champion.iso3)));
        }
        if let Some(since) = champion.since {
            if since > champion.as_of && since.earliest() > champion.as_of.earliest() {
                problems.push(origin.problem(
                    "since",
                    format!("{since} is after as_of {}", champion.as_of),
                ));
            }
        }
        check_record_span(
            origin,
            champion.source.as_deref(),
            champion.line_start,
            champion.line_end,
            &texts,
            &mut problems,
        );
    }
    problems
}

/// Why a span does not hold a quote in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SpanProblem {
    NotARange,
    PastTheEnd { line_count: i32 },
    QuoteMissing,
}

impl SpanProblem {
    fn field(self) -> &'static str {
        match self {
            SpanProblem::NotARange => "line_start",
            SpanProblem::PastTheEnd { .. } => "line_end",
            SpanProblem::QuoteMissing => "quote",
        }
    }

    fn describe(self, source: &str, start: i32, end: i32) -> String {
        match self {
            SpanProblem::NotARange => {
                format!("span {start}-{end} is not a range of lines (1 <= line_start <= line_end)")
            }
            SpanProblem::PastTheEnd { line_count } => {
                format!("line {end} is past the end of source `{source}` ({line_count} lines)")
            }
            SpanProblem::QuoteMissing => {
                format!("not found verbatim in source `{source}` lines {start}-{end}")
            }
        }
    }
}

/// Checks that lines `start..=end` exist among a source's `lines` and hold `quote` (an empty quote is
/// not checked).
fn span_problem(lines: &[&str], start: i32, end: i32, quote: &str) -> Option<SpanProblem> {
    let line_count = lines.len() as i32;
    if start < 1 || end < start {
        return Some(SpanProblem::NotARange);
    }
    if end > line_count {
        return Some(SpanProblem::PastTheEnd { line_count });
    }
    if !quote.trim().is_empty() {
        let span = lines[start as usize - 1..end as usize].join("\n");
        if !quote_in_span(quote, &span) {
            return Some(SpanProblem::QuoteMissing);
        }
    }
    None
}

/// A submission's or champion's reference to source lines: the source must exist and the lines be in it.
fn check_record_span(
    origin: &Origin,
    source: Option<&str>,
    start: Option<i32>,
    end: Option<i32>,
    texts: &BTreeMap<&str, &str>,
    problems: &mut Vec<Problem>,
) {
    let Some(source) = source else {
        if start.is_some() || end.is_some() {
            problems.push(origin.problem("source", "line numbers need the source they refer to"));
        }
        return;
    };
    let Some(body) = texts.get(source) else {
        problems.push(origin.problem("source", format!("unknown source `{source}`")));
        return;
    };
    if let Some(start) = start {
        let end = end.unwrap_or(start);
        if let Some(problem) = span_problem(&evidence::source_lines(body), start, end, "") {
            problems.push(origin.problem(problem.field(), problem.describe(source, start, end)));
        }
    } else if end.is_some() {
        problems.push(origin.problem("line_start", "line_end is given without line_start"));
    }
}

/// A text field must not hold NUL or other control characters (the rule of `evidence::text`).
fn check_text(origin: &Origin, field: &str, value: Option<&str>, problems: &mut Vec<Problem>) {
    if let Some(refused) = value.and_then(evidence::text::refused_in_text) {
        problems.push(origin.problem(field, refused.to_string()));
    }
}

fn required(origin: &Origin, field: &str, value: &str, problems: &mut Vec<Problem>) {
    if value.trim().is_empty() {
        problems.push(origin.problem(field, "must not be empty"));
    }
}

fn check_country(
    origin: &Origin,
    field: &str,
    iso3: &str,
    context: &ValidationContext,
    problems: &mut Vec<Problem>,
) {
    if !context.countries.contains(iso3) {
        problems.push(origin.problem(
            field,
            format!("unknown ISO 3166-1 alpha-3 code `{iso3}` (codes are upper case, e.g. MEX)"),
        ));
    }
}

fn check_confidence(origin: &Origin, field: &str, value: f64, problems: &mut Vec<Problem>) {
    if !(0.0..=1.0).contains(&value) {
        problems.push(origin.problem(field, format!("{value} is outside 0-1")));
    }
}

fn accepted(value: &str, list: &[&str]) -> String {
    format!("`{value}` is not accepted; accepted: {}", list.join(", "))
}

fn id_rule(id: &str) -> String {
    format!("`{id}` is not an id: use 1-80 letters, digits, `.`, `-`, `_` or `:`")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::batch::StoredSpan;
    use crate::evidence::{Basis, Item, ObjectiveMapping};

    fn context() -> ValidationContext {
        ValidationContext {
            countries: ["MEX", "COL"].iter().map(|s| s.to_string()).collect(),
            principles: ["human rights".to_string()].into_iter().collect(),
            cycles: ["2021".to_string()].into_iter().collect(),
            sources: [(
                "doc".to_string(),
                "line one\nMexico opened a shelter\nfor children.\nline four".to_string(),
            )]
            .into_iter()
            .collect(),
            stored_items: BTreeMap::new(),
        }
    }

    fn item() -> Item {
        Item {
            id: "i-1".into(),
            source: "doc".into(),
            line_start: 2,
            line_end: 3,
            kind: "practice".into(),
            context: None,
            title: "Shelter".into(),
            summary: None,
            quote: "opened a shelter for children".into(),
            language: "en".into(),
            reporting_iso3: Some("MEX".into()),
            countries: vec![],
            actor: None,
            actor_type: None,
            year: None,
            date: None,
            status: None,
            figures: vec![],
            pages: None,
            objectives: vec![ObjectiveMapping {
                objective: 7,
                basis: Basis::Inferred,
                confidence: 0.5,
                primary: true,
                rationale: None,
            }],
            principles: vec![],
        }
    }

    fn check(item: Item) -> Vec<String> {
        let batch = Batch {
            items: vec![(
                Origin {
                    file: "f.jsonl".into(),
                    line: 4,
                },
                item,
            )],
            ..Batch::default()
        };
        validate(&batch, &context())
            .iter()
            .map(|p| p.to_string())
            .collect()
    }

    #[test]
    fn a_good_item_passes() {
        assert_eq!(check(item()), Vec::<String>::new());
    }

    #[test]
    fn pages_must_match_the_page_breaks_of_the_source_text() {
        // "doc" has no form-feed line: all of it is page 1, so lines 2-3 are on pages 1-1.
        let mut paged = item();
        paged.pages = Some(crate::evidence::PageSpan { start: 1, end: 1 });
        assert_eq!(check(paged.clone()), Vec::<String>::new());
        paged.pages = Some(crate::evidence::PageSpan { start: 1, end: 2 });
        assert_eq!(
            check(paged),
            vec!["f.jsonl:4: page_start: pages 1-2 do not match the page breaks of source `doc`: lines 2-3 are on pages 1-1"]
        );
    }

    #[test]
    fn unknown_country_objective_out_of_range_and_missing_quote_are_named() {
        let mut bad = item();
        bad.reporting_iso3 = Some("XXX".into());
        bad.objectives[0].objective = 24;
        bad.quote = "opened a school".into();
        let problems = check(bad);
        assert!(
            problems.iter().any(|p| p
                .starts_with("f.jsonl:4: reporting_iso3: unknown ISO 3166-1 alpha-3 code `XXX`")),
            "{problems:?}"
        );
        assert!(
            problems
                .contains(&"f.jsonl:4: objectives[0].objective: 24 is outside 1-23".to_string()),
            "{problems:?}"
        );
        assert!(
            problems.contains(
                &"f.jsonl:4: quote: not found verbatim in source `doc` lines 2-3".to_string()
            ),
            "{problems:?}"
        );
    }

    #[test]
    fn a_new_text_must_keep_the_stored_items_it_does_not_replace() {
        let mut ctx = context();
        ctx.stored_items.insert(
            "doc".into(),
            vec![StoredSpan {
                item: "old-1".into(),
                line_start: 2,
                line_end: 2,
                quote: "Mexico opened a shelter".into(),
            }],
        );
        let source = crate::evidence::Source {
            id: "doc".into(),
            file_name: "doc.txt".into(),
            title: "Doc".into(),
            publisher: "P".into(),
            kind: "national_report".into(),
            voice: crate::evidence::Voice::Government,
            language: "en".into(),
            published: None,
            cycle: "2021".into(),
            note: None,
            body: "a new first line\nline one\nMexico opened a shelter".into(),
        };
        let batch = Batch {
            sources: vec![(
                Origin {
                    file: "sources.csv".into(),
                    line: 2,
                },
                source,
            )],
            ..Batch::default()
        };
        let problems: Vec<String> = validate(&batch, &ctx)
            .iter()
            .map(|p| p.to_string())
            .collect();
        assert_eq!(
            problems,
            vec!["sources.csv:2: file: the new text breaks stored item `old-1`: not found verbatim in source `doc` lines 2-2"]
        );
    }

    #[test]
    fn spans_past_the_source_and_unknown_sources_are_named() {
        let mut past = item();
        past.line_end = 9;
        assert_eq!(
            check(past),
            vec!["f.jsonl:4: line_end: line 9 is past the end of source `doc` (4 lines)"]
        );
        let mut elsewhere = item();
        elsewhere.source = "other".into();
        assert_eq!(
            check(elsewhere),
            vec!["f.jsonl:4: source: unknown source `other`; known: doc"]
        );
    }
}
