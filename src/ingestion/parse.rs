//! Parsing import files into records with their line numbers. Syntax and types are checked here; what a
//! record refers to (countries, sources, objectives) is checked by `validate`.

use std::collections::BTreeMap;

use rayon::iter::Either;
use rayon::prelude::*;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::{FileKind, InputFile, Problem, ProblemAt};
use crate::evidence::batch::{Batch, Origin};
use crate::evidence::{
    Basis, Champion, CountryRole, Cycle, Item, ObjectiveMapping, PageSpan, PartialDate,
    PrincipleMapping, Source, Submission, Voice,
};

/// Parses every file; returns what could be read and every problem met.
pub fn parse(files: &[InputFile]) -> (Batch, Vec<Problem>) {
    let mut batch = Batch::default();
    let mut problems = Vec::new();

    // Texts first: a sources.csv row refers to a file of the `sources/` folder beside it, so texts are
    // keyed by their path and two folders' `sources/report.txt` never mix.
    let mut texts: BTreeMap<String, (String, String)> = BTreeMap::new(); // path -> (path, text)
    for file in files.iter().filter(|f| f.kind == FileKind::SourceText) {
        let base = normalise(&file.name);
        match String::from_utf8(file.bytes.clone()) {
            Ok(text) => {
                let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_string();
                texts.insert(base, (file.name.clone(), text));
            }
            Err(error) => problems.push(Problem::new(
                &file.name,
                None,
                "text",
                format!("not UTF-8 (byte {})", error.utf8_error().valid_up_to()),
            )),
        }
    }

    for file in files {
        match file.kind {
            FileKind::SourceText
            | FileKind::EditionList
            | FileKind::EditionExport
            | FileKind::Models => {}
            FileKind::Cycles => {
                for (origin, row) in csv_rows::<CycleRow>(file, &mut problems) {
                    batch.cycles.push((origin, row.into_cycle()));
                }
            }
            FileKind::Sources => {
                let folder = folder_of(&file.name);
                for (origin, row) in csv_rows::<SourceRow>(file, &mut problems) {
                    if let Some(source) = row.into_source(&origin, &folder, &texts, &mut problems) {
                        batch.sources.push((origin, source));
                    }
                }
            }
            FileKind::Submissions => {
                for (origin, row) in csv_rows::<SubmissionRow>(file, &mut problems) {
                    batch.submissions.push((origin, row.into_submission()));
                }
            }
            FileKind::Champions => {
                for (origin, row) in csv_rows::<ChampionRow>(file, &mut problems) {
                    if let Some(champion) = row.into_champion(&origin, &mut problems) {
                        batch.champions.push((origin, champion));
                    }
                }
            }
            FileKind::Items => parse_items(file, &mut batch, &mut problems),
        }
    }
    (batch, problems)
}

fn normalise(path: &str) -> String {
    path.replace('\\', "/")
}

/// The folder of a file, as a prefix ending in `/` (empty for a bare file name).
fn folder_of(path: &str) -> String {
    let path = normalise(path);
    match path.rfind('/') {
        Some(i) => path[..=i].to_string(),
        None => String::new(),
    }
}

fn base_name(path: &str) -> String {
    path.replace('\\', "/")
        .rsplit('/')
        .next()
        .unwrap_or(path)
        .to_string()
}

/// Reads a CSV file with a header into typed rows; a row that does not fit is a problem naming its column.
fn csv_rows<T: DeserializeOwned>(
    file: &InputFile,
    problems: &mut Vec<Problem>,
) -> Vec<(Origin, T)> {
    let bytes = file
        .bytes
        .strip_prefix("\u{feff}".as_bytes())
        .unwrap_or(&file.bytes);
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let headers = match reader.headers() {
        Ok(headers) => headers.clone(),
        Err(error) => {
            problems.push(Problem::new(
                &file.name,
                Some(1),
                "header",
                error.to_string(),
            ));
            return Vec::new();
        }
    };
    let mut rows = Vec::new();
    for result in reader.records() {
        let record = match result {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map(|p| p.line() as usize);
                problems.push(Problem::new(&file.name, line, "row", error.to_string()));
                continue;
            }
        };
        let line = record.position().map(|p| p.line() as usize).unwrap_or(0);
        let origin = Origin {
            file: file.name.clone(),
            line,
        };
        match record.deserialize::<T>(Some(&headers)) {
            Ok(row) => rows.push((origin, row)),
            Err(error) => {
                let field = match error.kind() {
                    csv::ErrorKind::Deserialize { err, .. } => err
                        .field()
                        .and_then(|i| headers.get(i as usize))
                        .unwrap_or("row")
                        .to_string(),
                    _ => "row".to_string(),
                };
                let message = match error.kind() {
                    csv::ErrorKind::Deserialize { err, .. } => err.kind().to_string(),
                    _ => error.to_string(),
                };
                problems.push(origin.problem(&field, message));
            }
        }
    }
    rows
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

/// The voice a source record names, or its kind's default when it names none. An unknown voice is a
/// problem naming the accepted ones (which refuses the import); the source is kept as `other` meanwhile,
/// so that its items are checked against it and the one mistake is reported once.
fn source_voice(
    origin: &Origin,
    given: Option<&str>,
    kind: &str,
    problems: &mut Vec<Problem>,
) -> Voice {
    match given.map(str::trim).filter(|v| !v.is_empty()) {
        None => Voice::default_for_kind(kind.trim()),
        Some(name) => match Voice::parse(name) {
            Some(voice) => voice,
            None => {
                problems.push(origin.problem(
                    "voice",
                    format!(
                        "`{name}` is not a voice; accepted: {} (or empty: the default of the kind)",
                        Voice::accepted()
                    ),
                ));
                Voice::Other
            }
        },
    }
}

fn partial_date(
    origin: &Origin,
    field: &str,
    value: Option<&str>,
    problems: &mut Vec<Problem>,
) -> Result<Option<PartialDate>, ()> {
    match value.filter(|v| !v.trim().is_empty()) {
        None => Ok(None),
        Some(text) => PartialDate::parse(text).map(Some).map_err(|message| {
            problems.push(origin.problem(field, message));
        }),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CycleRow {
    id: String,
    region: Option<String>,
    title_en: String,
    title_es: String,
    review_start: Option<String>,
    review_end: Option<String>,
    feeds_until: String,
    note: Option<String>,
}

impl CycleRow {
    fn into_cycle(self) -> Cycle {
        Cycle {
            id: self.id,
            region: non_empty(self.region),
            title_en: self.title_en,
            title_es: self.title_es,
            review_start: non_empty(self.review_start),
            review_end: non_empty(self.review_end),
            feeds_until: self.feeds_until,
            note: non_empty(self.note),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceRow {
    id: String,
    file: String,
    title: String,
    publisher: String,
    kind: String,
    /// Optional: an empty cell (or no column) takes the default of the kind.
    voice: Option<String>,
    language: String,
    published: Option<String>,
    cycle: String,
    note: Option<String>,
}

impl SourceRow {
    fn into_source(
        self,
        origin: &Origin,
        folder: &str,
        texts: &BTreeMap<String, (String, String)>,
        problems: &mut Vec<Problem>,
    ) -> Option<Source> {
        let published = partial_date(origin, "published", self.published.as_deref(), problems);
        let voice = source_voice(origin, self.voice.as_deref(), &self.kind, problems);
        let key = format!("{folder}sources/{}", base_name(&self.file));
        let Some((_, body)) = texts.get(&key) else {
            problems.push(origin.problem(
                "file",
                format!(
                    "no text `{}` in the sources/ folder beside this file",
                    self.file
                ),
            ));
            return None;
        };
        Some(Source {
            id: self.id,
            file_name: base_name(&self.file),
            title: self.title,
            publisher: self.publisher,
            kind: self.kind,
            voice,
            language: self.language,
            published: published.ok()?,
            cycle: self.cycle,
            note: non_empty(self.note),
            body: body.clone(),
        })
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SubmissionRow {
    cycle: String,
    iso3: String,
    kind: String,
    source: Option<String>,
    line_start: Option<i32>,
    line_end: Option<i32>,
}

impl SubmissionRow {
    fn into_submission(self) -> Submission {
        Submission {
            cycle: self.cycle,
            iso3: self.iso3,
            kind: self.kind,
            source: non_empty(self.source),
            line_start: self.line_start,
            line_end: self.line_end,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ChampionRow {
    iso3: String,
    since: Option<String>,
    as_of: String,
    source: Option<String>,
    line_start: Option<i32>,
    line_end: Option<i32>,
    note: Option<String>,
}

impl ChampionRow {
    fn into_champion(self, origin: &Origin, problems: &mut Vec<Problem>) -> Option<Champion> {
        let since = partial_date(origin, "since", self.since.as_deref(), problems);
        let as_of = partial_date(origin, "as_of", Some(&self.as_of), problems);
        let as_of = match as_of {
            Ok(Some(date)) => date,
            Ok(None) => {
                problems.push(origin.problem("as_of", "missing required field"));
                return None;
            }
            Err(()) => return None,
        };
        Some(Champion {
            iso3: self.iso3,
            since: since.ok()?,
            as_of,
            source: non_empty(self.source),
            line_start: self.line_start,
            line_end: self.line_end,
            note: non_empty(self.note),
        })
    }
}

/// An item line as written in a `.jsonl` file (docs/DATA.md).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ItemRecord {
    id: String,
    source: String,
    line_start: i32,
    line_end: i32,
    #[serde(default)]
    page_start: Option<i32>,
    #[serde(default)]
    page_end: Option<i32>,
    kind: String,
    #[serde(default)]
    context: Option<String>,
    title: String,
    #[serde(default)]
    summary: Option<String>,
    quote: String,
    language: String,
    #[serde(default)]
    reporting_iso3: Option<String>,
    #[serde(default)]
    countries: Vec<CountryRecord>,
    #[serde(default)]
    actor: Option<String>,
    #[serde(default)]
    actor_type: Option<String>,
    #[serde(default)]
    year: Option<i32>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    figures: Vec<String>,
    #[serde(default)]
    objectives: Vec<ObjectiveRecord>,
    #[serde(default)]
    principles: Vec<PrincipleRecord>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CountryRecord {
    iso3: String,
    role: String,
    #[serde(default)]
    detail: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ObjectiveRecord {
    objective: i32,
    basis: String,
    #[serde(default)]
    why: Option<String>,
    #[serde(default)]
    primary: bool,
    #[serde(default)]
    confidence: Option<f64>,
}

/// A principle is written as its key alone (basis `inferred`) or as an object.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum PrincipleRecord {
    Key(String),
    Full(PrincipleObject),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PrincipleObject {
    principle: String,
    #[serde(default)]
    basis: Option<String>,
    #[serde(default)]
    confidence: Option<f64>,
}

fn parse_items(file: &InputFile, batch: &mut Batch, problems: &mut Vec<Problem>) {
    let text = match std::str::from_utf8(&file.bytes) {
        Ok(text) => text.strip_prefix('\u{feff}').unwrap_or(text),
        Err(error) => {
            problems.push(Problem::new(
                &file.name,
                None,
                "file",
                format!("not UTF-8 (byte {})", error.valid_up_to()),
            ));
            return;
        }
    };
    // Each line is a record of its own, so the lines are parsed on every core; what they give is then
    // taken in the order of the file, so items and problems come out as a line-by-line reading gives.
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .collect();
    let (mut items, line_problems): (Vec<(Origin, Item)>, Vec<Vec<Problem>>) =
        lines.par_iter().partition_map(|&(index, line)| {
            match parse_item_line(&file.name, index + 1, line) {
                Ok(item) => Either::Left(item),
                Err(line_problems) => Either::Right(line_problems),
            }
        });
    // The items go in without a copy when they are the batch's first (one items file, as usual).
    if batch.items.is_empty() {
        batch.items = items;
    } else {
        batch.items.append(&mut items);
    }
    problems.extend(line_problems.into_iter().flatten());
}

/// One line of an items file: the item it holds, or what is wrong with it.
fn parse_item_line(
    file: &str,
    line_number: usize,
    line: &str,
) -> Result<(Origin, Item), Vec<Problem>> {
    let origin = Origin {
        file: file.to_string(),
        line: line_number,
    };
    let mut problems = Vec::new();
    let mut deserializer = serde_json::Deserializer::from_str(line);
    let record: ItemRecord = match serde_path_to_error::deserialize(&mut deserializer) {
        Ok(record) => record,
        Err(error) => {
            let path = error.path().to_string();
            let inner = error.into_inner();
            let (field, message) = describe_json_error(&path, &inner);
            problems.push(origin.problem(&field, message));
            return Err(problems);
        }
    };
    match record.into_item(&origin, &mut problems) {
        Some(item) if problems.is_empty() => Ok((origin, item)),
        _ => Err(problems),
    }
}

/// Names the field a JSON error is about: serde reports a missing field in its message, not its path.
fn describe_json_error(path: &str, error: &serde_json::Error) -> (String, String) {
    let message = error.to_string();
    let message = message
        .split(" at line ")
        .next()
        .unwrap_or(&message)
        .to_string();
    if let Some(rest) = message.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or("?");
        let full = if path == "." {
            field.to_string()
        } else {
            format!("{path}.{field}")
        };
        return (full, "missing required field".into());
    }
    if error.is_syntax() || error.is_eof() {
        return ("json".into(), format!("not valid JSON: {message}"));
    }
    if message.contains("did not match any variant of untagged enum PrincipleRecord") {
        return (
            path.to_string(),
            "expected a principle key such as \"human rights\", or an object with exactly `principle`, \
             optional `basis` and `confidence`"
                .into(),
        );
    }
    let field = if path == "." { "record" } else { path };
    (field.to_string(), message)
}

impl ItemRecord {
    fn into_item(self, origin: &Origin, problems: &mut Vec<Problem>) -> Option<Item> {
        let before = problems.len();
        let mut objectives = Vec::new();
        for (i, o) in self.objectives.into_iter().enumerate() {
            match Basis::parse(&o.basis) {
                Some(basis) => objectives.push(ObjectiveMapping {
                    objective: o.objective,
                    basis,
                    confidence: o.confidence.unwrap_or(basis.default_confidence()),
                    primary: o.primary,
                    rationale: non_empty(o.why),
                }),
                None => problems.push(origin.problem(
                    &format!("objectives[{i}].basis"),
                    format!(
                        "`{}` is not a basis; accepted: {}",
                        o.basis,
                        Basis::accepted()
                    ),
                )),
            }
        }
        let mut principles = Vec::new();
        for (i, p) in self.principles.into_iter().enumerate() {
            let (key, basis, confidence) = match p {
                PrincipleRecord::Key(key) => (key, None, None),
                PrincipleRecord::Full(PrincipleObject {
                    principle,
                    basis,
                    confidence,
                }) => (principle, basis, confidence),
            };
            let basis = match basis.as_deref() {
                None => Basis::Inferred,
                Some(text) => match Basis::parse(text) {
                    Some(basis) => basis,
                    None => {
                        problems.push(origin.problem(
                            &format!("principles[{i}].basis"),
                            format!("`{text}` is not a basis; accepted: {}", Basis::accepted()),
                        ));
                        continue;
                    }
                },
            };
            principles.push(PrincipleMapping {
                principle: key.trim().to_lowercase(),
                basis,
                confidence: confidence.unwrap_or(basis.default_confidence()),
            });
        }
        if let Some(date) = self.date.as_deref() {
            if let Err(message) = PartialDate::parse(date) {
                problems.push(origin.problem("date", message));
            }
        }
        let pages = match (self.page_start, self.page_end) {
            (None, None) => None,
            (Some(start), Some(end)) if 1 <= start && start <= end => Some(PageSpan { start, end }),
            (Some(start), Some(end)) => {
                problems.push(origin.problem(
                    "page_start",
                    format!("pages {start}-{end} are not a range (1 <= page_start <= page_end)"),
                ));
                None
            }
            (Some(_), None) => {
                problems.push(origin.problem("page_end", "page_start is given without page_end"));
                None
            }
            (None, Some(_)) => {
                problems.push(origin.problem("page_start", "page_end is given without page_start"));
                None
            }
        };
        if problems.len() > before {
            return None;
        }
        Some(Item {
            pages,
            id: self.id,
            source: self.source,
            line_start: self.line_start,
            line_end: self.line_end,
            kind: self.kind,
            context: non_empty(self.context),
            title: self.title,
            summary: non_empty(self.summary),
            quote: self.quote,
            language: self.language,
            reporting_iso3: non_empty(self.reporting_iso3),
            countries: self
                .countries
                .into_iter()
                .map(|c| CountryRole {
                    iso3: c.iso3,
                    role: c.role,
                    detail: non_empty(c.detail),
                })
                .collect(),
            actor: non_empty(self.actor),
            actor_type: non_empty(self.actor_type),
            year: self.year,
            date: non_empty(self.date),
            status: non_empty(self.status),
            figures: self
                .figures
                .into_iter()
                .map(|f| f.trim().to_string())
                .filter(|f| !f.is_empty())
                .collect(),
            objectives,
            principles,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items_file(text: &str) -> InputFile {
        InputFile {
            name: "new/items.jsonl".into(),
            kind: FileKind::Items,
            bytes: text.as_bytes().to_vec(),
        }
    }

    const GOOD: &str = r#"{"id":"x-1","source":"s","line_start":1,"line_end":2,"kind":"practice","title":"T","quote":"q","language":"en","objectives":[{"objective":5,"basis":"inferred"}],"principles":["human rights"]}"#;

    #[test]
    fn a_good_line_parses_with_default_confidences() {
        let (batch, problems) = parse(&[items_file(GOOD)]);
        assert!(problems.is_empty(), "{problems:?}");
        let item = &batch.items[0].1;
        assert_eq!(item.objectives[0].confidence, 0.5);
        assert_eq!(item.principles[0].basis, Basis::Inferred);
    }

    /// The lines are parsed on every core; items and problems must still come in the file's order,
    /// each problem with its own line. 2,000 lines (enough for the work to be split), every seventh
    /// one missing its title, every 250th line blank.
    #[test]
    fn items_and_problems_keep_the_order_and_line_numbers_of_the_file() {
        let mut text = String::new();
        let mut good_ids = Vec::new();
        let mut bad_lines = Vec::new();
        for line in 1..=2_000usize {
            if line % 250 == 0 {
                text.push('\n');
                continue;
            }
            let id = format!("x-{line}");
            if line % 7 == 0 {
                text.push_str(
                    &GOOD
                        .replace("\"x-1\"", &format!("\"{id}\""))
                        .replace(",\"title\":\"T\"", ""),
                );
                bad_lines.push(line);
            } else {
                text.push_str(&GOOD.replace("\"x-1\"", &format!("\"{id}\"")));
                good_ids.push(id);
            }
            text.push('\n');
        }
        let (batch, problems) = parse(&[items_file(&text)]);
        let ids: Vec<&str> = batch
            .items
            .iter()
            .map(|(_, item)| item.id.as_str())
            .collect();
        assert_eq!(ids, good_ids.iter().map(String::as_str).collect::<Vec<_>>());
        // Each item's origin is its own line: x-N was written on line N.
        assert!(batch
            .items
            .iter()
            .all(|(origin, item)| item.id == format!("x-{}", origin.line)));
        let lines: Vec<usize> = problems.iter().map(|p| p.line.unwrap_or(0)).collect();
        assert_eq!(lines, bad_lines);
        assert!(problems
            .iter()
            .all(|p| p.to_string().ends_with("title: missing required field")));
    }

    #[test]
    fn each_bad_line_is_named_with_its_field() {
        let text = format!(
            "{GOOD}\n{}\n{}\n\n{}\n{}\n",
            r#"{"id":"x-2","source":"s","line_start":1,"line_end":2,"kind":"practice","quote":"q","language":"en"}"#,
            r#"{"id":"x-3","source":"s","line_start":"one","line_end":2,"kind":"practice","title":"T","quote":"q","language":"en"}"#,
            r#"{"id":"x-4", not json"#,
            r#"{"id":"x-5","source":"s","line_start":1,"line_end":2,"kind":"practice","title":"T","quote":"q","language":"en","date":"11/20/2016","objectives":[{"objective":3,"basis":"guess"}]}"#,
        );
        let (batch, problems) = parse(&[items_file(&text)]);
        assert_eq!(batch.items.len(), 1);
        let shown: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert!(
            shown.contains(&"new/items.jsonl:2: title: missing required field".to_string()),
            "{shown:?}"
        );
        assert!(
            shown
                .iter()
                .any(|s| s.starts_with("new/items.jsonl:3: line_start: invalid type")),
            "{shown:?}"
        );
        assert!(
            shown
                .iter()
                .any(|s| s.starts_with("new/items.jsonl:5: json: not valid JSON")),
            "{shown:?}"
        );
        assert!(
            shown
                .iter()
                .any(|s| s.starts_with("new/items.jsonl:6: date: `11/20/2016` is not a date")),
            "{shown:?}"
        );
        assert!(
            shown
                .iter()
                .any(|s| s.starts_with("new/items.jsonl:6: objectives[0].basis: `guess`")),
            "{shown:?}"
        );
    }

    #[test]
    fn pages_come_both_or_neither_and_in_order() {
        let with = |pages: &str| GOOD.replace("\"kind\"", &format!("{pages},\"kind\""));
        let (batch, problems) = parse(&[items_file(&with(r#""page_start":2,"page_end":3"#))]);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(batch.items[0].1.pages, Some(PageSpan { start: 2, end: 3 }));
        for (pages, expected) in [
            (r#""page_start":2"#, "new/items.jsonl:1: page_end: page_start is given without page_end"),
            (r#""page_end":2"#, "new/items.jsonl:1: page_start: page_end is given without page_start"),
            (
                r#""page_start":3,"page_end":2"#,
                "new/items.jsonl:1: page_start: pages 3-2 are not a range (1 <= page_start <= page_end)",
            ),
            (
                r#""page_start":0,"page_end":0"#,
                "new/items.jsonl:1: page_start: pages 0-0 are not a range (1 <= page_start <= page_end)",
            ),
        ] {
            let (batch, problems) = parse(&[items_file(&with(pages))]);
            assert!(batch.items.is_empty(), "{pages}");
            let shown: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
            assert_eq!(shown, vec![expected.to_string()], "{pages}");
        }
    }

    #[test]
    fn unknown_item_fields_are_refused() {
        let line = GOOD.replace("\"kind\"", "\"kindd\":1,\"kind\"");
        let (_, problems) = parse(&[items_file(&line)]);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.contains("kindd"), "{problems:?}");
    }

    #[test]
    fn csv_rows_name_their_column_and_line() {
        let file = InputFile {
            name: "champions.csv".into(),
            kind: FileKind::Champions,
            bytes: b"iso3,since,as_of,source,line_start,line_end,note\nCRI,2021-11,2022-02,seed-001,x,1689,n\nMEX,,2022-13,,,,\n".to_vec(),
        };
        let (batch, problems) = parse(&[file]);
        assert!(batch.champions.is_empty());
        let shown: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert!(
            shown
                .iter()
                .any(|s| s.starts_with("champions.csv:2: line_start:")),
            "{shown:?}"
        );
        assert!(
            shown
                .iter()
                .any(|s| s.starts_with("champions.csv:3: as_of: `2022-13`")),
            "{shown:?}"
        );
    }
}
