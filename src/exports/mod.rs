//! CSV tables of the indicators: tidy (one row per country x indicator x dimension) and the wide coverage
//! matrix. Pure: tables in, bytes out, so the HTTP export and a file written by the CLI are the same bytes.

pub mod backup;
pub mod citation;

use std::borrow::Cow;

use crate::framework::{Grouping, OBJECTIVE_COUNT};
use crate::indicators::{self, Counting, CountryIndicators, Dataset, METHOD_VERSION};
use crate::selection::{params, Language, ParamError, Selection};

/// The tables this module writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Indicators,
    CoverageMatrix,
}

impl Kind {
    pub const ALL: [Kind; 2] = [Kind::Indicators, Kind::CoverageMatrix];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Indicators => "indicators",
            Kind::CoverageMatrix => "coverage-matrix",
        }
    }

    pub fn parse(text: &str) -> Option<Kind> {
        let text = text.trim_end_matches(".csv");
        Kind::ALL.into_iter().find(|k| k.name() == text)
    }
}

/// How a table is asked for: `excel=` here, the language (`lang=`) from the selection.
pub fn csv_options(
    excel: &Option<String>,
    selection: &Selection,
) -> Result<CsvOptions, ParamError> {
    let excel = params::switch("excel", excel, "for Excel")?;
    Ok(CsvOptions::new(excel, selection.language))
}

/// The methodology, shipped in every bundle so the tables travel with their definitions.
pub const METHODOLOGY: &str = include_str!("../../docs/METHODOLOGY.md");

/// A zip archive of named files (deflated), for `/exports/bundle.zip`.
pub fn zip_files(files: &[(String, Vec<u8>)]) -> Result<Vec<u8>, String> {
    use std::io::Write;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        writer
            .start_file(name.as_str(), options)
            .map_err(|e| format!("zip: {e}"))?;
        writer.write_all(bytes).map_err(|e| format!("zip: {e}"))?;
    }
    let cursor = writer.finish().map_err(|e| format!("zip: {e}"))?;
    Ok(cursor.into_inner())
}

/// A table ready to send or write.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// Computes and encodes a table: the HTTP export and `gcm export` call this, so they give the same bytes.
pub fn render(
    data: &Dataset,
    selection: &Selection,
    options: CsvOptions,
    kind: Kind,
    today: chrono::NaiveDate,
) -> Result<Rendered, ParamError> {
    let (group, countries) = selection.group(data)?;
    let rows = indicators::compute(data, &selection.counting, &selection.grouping, &countries);
    let scope = TableScope {
        data,
        counting: &selection.counting,
        grouping: &selection.grouping,
        group: group.to_string(),
    };
    let table = match kind {
        Kind::Indicators => indicators_table(&scope, &rows),
        Kind::CoverageMatrix => coverage_matrix_table(&scope, &rows),
    };
    Ok(Rendered {
        file_name: scope.file_name(kind.name(), today),
        bytes: encode(&table, options),
    })
}

/// One cell: numbers stay numbers until encoding, so the decimal separator can follow the locale.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    Float(f64),
    Empty,
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell::Text(text.to_string())
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell::Text(text)
    }
}

impl From<usize> for Cell {
    fn from(n: usize) -> Cell {
        Cell::Int(n as i64)
    }
}

impl From<Option<f64>> for Cell {
    fn from(value: Option<f64>) -> Cell {
        value.map_or(Cell::Empty, Cell::Float)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// How a table is written: plain RFC 4180 CSV, or for Excel (a UTF-8 byte-order mark, and in Spanish or
/// Portuguese locales `;` between cells and `,` as the decimal separator, which is what Excel expects
/// there).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvOptions {
    pub excel: bool,
    pub semicolon_locale: bool,
}

impl CsvOptions {
    pub fn new(excel: bool, language: Option<Language>) -> CsvOptions {
        CsvOptions {
            excel,
            semicolon_locale: excel && matches!(language, Some(Language::Es | Language::Pt)),
        }
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A text cell that a spreadsheet would run as a formula is prefixed with `'` (formula injection). Cells
/// holding numbers are written as numbers and never start with `=`, `+`, `@`, tab or CR.
pub fn neutralise(text: &str) -> Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{text}")),
        _ => Cow::Borrowed(text),
    }
}

fn format_cell(cell: &Cell, options: CsvOptions) -> Cow<'_, str> {
    match cell {
        Cell::Text(text) => neutralise(text),
        Cell::Int(n) => Cow::Owned(n.to_string()),
        Cell::Float(x) => {
            // Six decimals at most, trailing zeros dropped: 0.5, 0.987132, 83.333333.
            let mut text = format!("{x:.6}");
            while text.contains('.') && (text.ends_with('0') || text.ends_with('.')) {
                text.pop();
            }
            if options.semicolon_locale {
                text = text.replace('.', ",");
            }
            Cow::Owned(text)
        }
        Cell::Empty => Cow::Borrowed(""),
    }
}

pub fn encode(table: &Table, options: CsvOptions) -> Vec<u8> {
    let mut out = Vec::new();
    if options.excel {
        out.extend_from_slice(BOM);
    }
    {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(if options.semicolon_locale { b';' } else { b',' })
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        // Writing to a Vec cannot fail for I/O; a failure here would be a bug in the csv crate.
        let _ = writer.write_record(table.headers.iter().map(|h| neutralise(h).into_owned()));
        for row in &table.rows {
            let _ = writer.write_record(row.iter().map(|c| format_cell(c, options).into_owned()));
        }
        let _ = writer.flush();
    }
    out
}

/// What a table counted, for its rows and its file name.
pub struct TableScope<'a> {
    pub data: &'a Dataset,
    pub counting: &'a Counting,
    pub grouping: &'a Grouping,
    /// The group as written in `?group=`.
    pub group: String,
}

impl TableScope<'_> {
    fn cycle_label(&self) -> String {
        match &self.counting.cycles {
            None => "all".into(),
            Some(cycles) => cycles.iter().cloned().collect::<Vec<_>>().join("+"),
        }
    }

    fn bases_label(&self) -> String {
        self.counting
            .bases
            .iter()
            .map(|b| b.as_str())
            .collect::<Vec<_>>()
            .join("+")
    }

    /// `gcm-indicators_lac_all_2026-11-27.csv`: the table, group, cycle and date.
    pub fn file_name(&self, table: &str, date: chrono::NaiveDate) -> String {
        let safe = |s: &str| {
            s.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' {
                        c
                    } else {
                        '-'
                    }
                })
                .collect::<String>()
        };
        format!(
            "gcm-{table}_{}_{}_{}.csv",
            safe(&self.group.to_lowercase()),
            safe(&self.cycle_label()),
            date.format("%Y-%m-%d")
        )
    }

    fn name(&self, iso3: &str) -> String {
        self.data
            .countries
            .get(iso3)
            .map(|c| c.name_en.clone())
            .unwrap_or_default()
    }
}

pub const EVIDENCE_HEADERS: [&str; 24] = [
    "item_id",
    "kind",
    "title",
    "reporting_iso3",
    "reporting_country",
    "objective",
    "basis",
    "confidence",
    "primary",
    "mapped_by",
    "principles",
    "other_countries",
    "quote",
    "source_id",
    "source_title",
    "line_start",
    "line_end",
    "page_start",
    "page_end",
    "cycle",
    "language",
    "year",
    "date",
    "status",
];

/// Every item with its mappings: one row per item and objective mapping (one row with an empty objective
/// for an item mapped to none), so a spreadsheet can filter and count by objective and basis.
pub fn evidence_table(items: &[crate::db::items::EvidenceItem]) -> Table {
    let mut rows = Vec::new();
    for item in items {
        let principles = item
            .principles
            .iter()
            .map(|p| format!("{} ({})", p.principle, p.basis))
            .collect::<Vec<_>>()
            .join("; ");
        let others = item
            .countries
            .iter()
            .map(|c| format!("{} {}", c.iso3, c.role))
            .collect::<Vec<_>>()
            .join("; ");
        let base = |objective: Cell, basis: Cell, confidence: Cell, primary: Cell, by: Cell| {
            vec![
                Cell::from(item.id.as_str()),
                Cell::from(item.kind.as_str()),
                Cell::from(item.title.as_str()),
                item.reporting_country
                    .as_ref()
                    .map_or(Cell::Empty, |c| Cell::from(c.iso3.as_str())),
                item.reporting_country
                    .as_ref()
                    .map_or(Cell::Empty, |c| Cell::from(c.name_en.as_str())),
                objective,
                basis,
                confidence,
                primary,
                by,
                Cell::from(principles.as_str()),
                Cell::from(others.as_str()),
                Cell::from(item.quote.as_str()),
                Cell::from(item.source.id.as_str()),
                Cell::from(item.source.title.as_str()),
                Cell::Int(item.line_start as i64),
                Cell::Int(item.line_end as i64),
                item.page_start.map_or(Cell::Empty, |p| Cell::Int(p as i64)),
                item.page_end.map_or(Cell::Empty, |p| Cell::Int(p as i64)),
                Cell::from(item.source.cycle.as_str()),
                Cell::from(item.language.as_str()),
                item.year.map_or(Cell::Empty, |y| Cell::Int(y as i64)),
                item.date.as_deref().map_or(Cell::Empty, Cell::from),
                item.status.as_deref().map_or(Cell::Empty, Cell::from),
            ]
        };
        if item.objectives.is_empty() {
            rows.push(base(
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
            ));
        }
        for m in &item.objectives {
            rows.push(base(
                Cell::Int(m.objective as i64),
                Cell::from(m.basis.as_str()),
                Cell::Float(m.confidence),
                Cell::Int(m.primary as i64),
                Cell::from(m.created_by.as_str()),
            ));
        }
    }
    Table {
        headers: EVIDENCE_HEADERS.iter().map(|h| h.to_string()).collect(),
        rows,
    }
}

pub const INDICATOR_HEADERS: [&str; 15] = [
    "iso3",
    "country",
    "indicator",
    "dimension_type",
    "dimension",
    "cycle",
    "value",
    "numerator",
    "denominator",
    "unit",
    "status",
    "bases",
    "method_version",
    "sources",
    "voices",
];

/// Voices as a cell: their names, space-separated, in `Voice` order.
fn voices_cell(voices: &[crate::evidence::Voice]) -> String {
    voices
        .iter()
        .map(|v| v.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

fn status(has: bool) -> &'static str {
    if has {
        "evidence"
    } else {
        "no evidence in these sources"
    }
}

/// The tidy table: one row per country x indicator x dimension, with its numerator, denominator and unit.
pub fn indicators_table(scope: &TableScope<'_>, rows: &[CountryIndicators]) -> Table {
    let cycle = scope.cycle_label();
    let bases = scope.bases_label();
    let mut out = Vec::new();
    for c in rows {
        let name = scope.name(&c.iso3);
        let sources = c.sources.join(" ");
        // An objective's rows name the voices that give evidence for it; every other row the voices
        // of all the country's counted items.
        let country_voices = voices_cell(&c.voices);
        let mut push = |indicator: &str,
                        dimension_type: &str,
                        dimension: String,
                        value: Cell,
                        numerator: Cell,
                        denominator: Cell,
                        unit: &str,
                        has: bool,
                        voices: &str| {
            out.push(vec![
                Cell::from(c.iso3.as_str()),
                Cell::from(name.as_str()),
                Cell::from(indicator),
                Cell::from(dimension_type),
                Cell::Text(dimension),
                Cell::from(cycle.as_str()),
                value,
                numerator,
                denominator,
                Cell::from(unit),
                Cell::from(status(has)),
                Cell::from(bases.as_str()),
                Cell::from(METHOD_VERSION),
                Cell::from(sources.as_str()),
                Cell::from(voices),
            ]);
        };
        let has = c.has_evidence();
        let total = OBJECTIVE_COUNT as usize;
        push(
            "objectives_covered",
            "overall",
            "all".into(),
            c.objectives_covered.into(),
            c.objectives_covered.into(),
            total.into(),
            "objectives",
            has,
            &country_voices,
        );
        push(
            "objectives_share",
            "overall",
            "all".into(),
            Cell::Float(c.objectives_share),
            c.objectives_covered.into(),
            total.into(),
            "share",
            has,
            &country_voices,
        );
        for o in &c.objectives {
            let voices = voices_cell(&o.voices);
            push(
                "depth",
                "objective",
                o.objective.to_string(),
                Cell::Int(o.depth as i64),
                Cell::Empty,
                Cell::Empty,
                "depth 0-3",
                o.depth > 0,
                &voices,
            );
            push(
                "evidence_count",
                "objective",
                o.objective.to_string(),
                o.evidence_count.into(),
                Cell::Empty,
                Cell::Empty,
                "items",
                o.depth > 0,
                &voices,
            );
        }
        for a in &c.areas {
            push(
                "objectives_covered",
                scope.grouping.id.as_str(),
                a.id.clone(),
                a.covered.into(),
                a.covered.into(),
                a.total.into(),
                "objectives",
                a.covered > 0,
                &country_voices,
            );
        }
        push(
            "principles_covered",
            "overall",
            "all".into(),
            c.principles_covered.into(),
            c.principles_covered.into(),
            c.principles.len().into(),
            "principles",
            has,
            &country_voices,
        );
        for p in &c.principles {
            push(
                "evidence_count",
                "principle",
                p.principle.clone(),
                p.evidence_count.into(),
                Cell::Empty,
                Cell::Empty,
                "items",
                p.evidence_count > 0,
                &country_voices,
            );
        }
        push(
            "balance",
            scope.grouping.id.as_str(),
            "all".into(),
            c.balance.into(),
            Cell::Empty,
            Cell::Empty,
            "normalised Shannon evenness (0-1)",
            has,
            &country_voices,
        );
        let solid = c
            .solid_share
            .map(|s| (s * c.mappings_counted as f64).round() as usize);
        push(
            "solid_share",
            "overall",
            "all".into(),
            c.solid_share.into(),
            solid.map_or(Cell::Empty, Cell::from),
            c.mappings_counted.into(),
            "share",
            has,
            &country_voices,
        );
        // Of the objectives with evidence: those more than one voice supports, and those only the
        // government's own reports support (METHODOLOGY 2.12).
        push(
            "corroborated",
            "overall",
            "all".into(),
            c.corroborated.into(),
            c.corroborated.into(),
            c.objectives_covered.into(),
            "objectives",
            has,
            &country_voices,
        );
        push(
            "government_only",
            "overall",
            "all".into(),
            c.government_only.into(),
            c.government_only.into(),
            c.objectives_covered.into(),
            "objectives",
            has,
            &country_voices,
        );
        let reported = match &scope.counting.cycles {
            None => !c.voluntary_reports.is_empty(),
            Some(cycles) => c.voluntary_reports.iter().any(|r| cycles.contains(r)),
        };
        push(
            "voluntary_report",
            "overall",
            "all".into(),
            Cell::Int(reported as i64),
            Cell::Empty,
            Cell::Empty,
            "1 = submitted",
            has,
            &country_voices,
        );
    }
    Table {
        headers: INDICATOR_HEADERS.iter().map(|h| h.to_string()).collect(),
        rows: out,
    }
}

/// The wide matrix: one row per country, the depth of each objective, and totals. A country without any
/// evidence has empty objective cells, not zeros: "no evidence in these sources" is not "nothing done".
pub fn coverage_matrix_table(scope: &TableScope<'_>, rows: &[CountryIndicators]) -> Table {
    let mut headers = vec!["iso3".to_string(), "country".to_string()];
    headers.extend((1..=OBJECTIVE_COUNT).map(|o| format!("objective_{o}")));
    headers.extend(
        [
            "objectives_covered",
            "principles_covered",
            "evidence_status",
            "cycle",
            "bases",
            "method_version",
        ]
        .map(String::from),
    );
    let table_rows = rows
        .iter()
        .map(|c| {
            let has = c.has_evidence();
            let mut row = vec![Cell::from(c.iso3.as_str()), Cell::from(scope.name(&c.iso3))];
            row.extend(c.objectives.iter().map(|o| {
                if has {
                    Cell::Int(o.depth as i64)
                } else {
                    Cell::Empty
                }
            }));
            row.push(if has {
                c.objectives_covered.into()
            } else {
                Cell::Empty
            });
            row.push(if has {
                c.principles_covered.into()
            } else {
                Cell::Empty
            });
            row.push(Cell::from(status(has)));
            row.push(Cell::from(scope.cycle_label()));
            row.push(Cell::from(scope.bases_label()));
            row.push(Cell::from(METHOD_VERSION));
            row
        })
        .collect();
    Table {
        headers,
        rows: table_rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_numbers_are_not() {
        assert_eq!(neutralise("=1+1"), "'=1+1");
        assert_eq!(neutralise("+34"), "'+34");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("\tx"), "'\tx");
        assert_eq!(neutralise("Mexico"), "Mexico");
        let table = Table {
            headers: vec!["a".into(), "b".into(), "c".into()],
            rows: vec![vec![Cell::from("=1+1"), Cell::Float(-0.5), Cell::Int(-2)]],
        };
        let text = String::from_utf8(encode(&table, CsvOptions::new(false, None))).unwrap();
        assert_eq!(text, "a,b,c\r\n'=1+1,-0.5,-2\r\n");
    }

    #[test]
    fn excel_variants_have_a_bom_and_follow_the_locale() {
        let table = Table {
            headers: vec!["share".into(), "name".into()],
            rows: vec![vec![Cell::Float(0.782609), Cell::from("Perú; Bolivia")]],
        };
        let plain = encode(&table, CsvOptions::new(false, Some(Language::Es)));
        assert!(!plain.starts_with(BOM));
        let english = encode(&table, CsvOptions::new(true, Some(Language::En)));
        assert!(english.starts_with(BOM));
        assert_eq!(
            &english[3..],
            b"share,name\r\n0.782609,Per\xC3\xBA; Bolivia\r\n"
        );
        let spanish = encode(&table, CsvOptions::new(true, Some(Language::Es)));
        assert!(spanish.starts_with(BOM));
        assert_eq!(
            String::from_utf8(spanish[3..].to_vec()).unwrap(),
            "share;name\r\n0,782609;\"Perú; Bolivia\"\r\n"
        );
    }

    #[test]
    fn floats_drop_trailing_zeros() {
        let options = CsvOptions::new(false, None);
        assert_eq!(format_cell(&Cell::Float(1.0), options), "1");
        assert_eq!(format_cell(&Cell::Float(0.25), options), "0.25");
        assert_eq!(format_cell(&Cell::Float(500.0 / 6.0), options), "83.333333");
    }
}

/// `gcm-evidence_mex_2021_2026-11-27.csv`: the evidence table's file name for a country (or all) and the
/// cycles it holds (or all).
pub fn evidence_file_name(
    filter: &crate::db::items::EvidenceFilter,
    date: chrono::NaiveDate,
) -> String {
    let country = filter.country.as_deref().unwrap_or("all").to_lowercase();
    let cycles = if filter.cycles.is_empty() {
        "all".to_string()
    } else {
        filter.cycles.join("+")
    };
    format!(
        "gcm-evidence_{country}_{cycles}_{}.csv",
        date.format("%Y-%m-%d")
    )
}

/// The evidence the bundle holds for a selection: every item of the cycles the indicators count.
pub fn bundle_evidence_filter(selection: &Selection) -> crate::db::items::EvidenceFilter {
    crate::db::items::EvidenceFilter {
        cycles: selection.counting.cycle_filter(),
        ..Default::default()
    }
}

/// `/exports/bundle.zip` and `gcm export bundle`: the indicator tables, the evidence (`items`, read with
/// [`bundle_evidence_filter`]), the methodology and a metadata file naming what was counted.
pub fn bundle(
    data: &Dataset,
    selection: &Selection,
    options: CsvOptions,
    items: &[crate::db::items::EvidenceItem],
    generated: chrono::DateTime<chrono::Utc>,
    edition: Option<&crate::db::editions::EditionInfo>,
) -> Result<Rendered, BundleError> {
    let today = generated.date_naive();
    let indicators = render(data, selection, options, Kind::Indicators, today)?;
    let matrix = render(data, selection, options, Kind::CoverageMatrix, today)?;
    let evidence = encode(&evidence_table(items), options);
    let mut metadata = serde_json::json!({
        "generated_at": generated.to_rfc3339(),
        "method_version": crate::indicators::METHOD_VERSION,
        "group": crate::selection::given(&selection.params.group).unwrap_or("lac"),
        "cycles": selection.counting.cycle_list(data),
        "bases": selection.counting.bases.iter().map(|b| b.as_str()).collect::<Vec<_>>(),
        "grouping": {"id": selection.grouping.id, "version": selection.grouping.version},
        "sources": selection.counting.sources(data),
        "files": {
            "indicators": indicators.file_name,
            "coverage_matrix": matrix.file_name,
            "evidence": "evidence.csv",
            "methodology": "METHODOLOGY.md",
        },
    });
    // An edition's bundle is a citable data set: DataCite's properties beside the selection's, and
    // CITATION.cff.
    if let (Some(info), Some(fields)) = (edition, metadata.as_object_mut()) {
        if let serde_json::Value::Object(datacite) = citation::datacite(info) {
            fields.extend(datacite);
        }
        fields.insert("edition".into(), serde_json::json!(info.id));
    }
    let mut files = vec![
        (indicators.file_name.clone(), indicators.bytes),
        (matrix.file_name.clone(), matrix.bytes),
        ("evidence.csv".to_string(), evidence),
        (
            "METHODOLOGY.md".to_string(),
            METHODOLOGY.as_bytes().to_vec(),
        ),
        (
            "metadata.json".to_string(),
            serde_json::to_vec_pretty(&metadata).unwrap_or_default(),
        ),
    ];
    if let Some(info) = edition {
        files.push((
            "CITATION.cff".to_string(),
            citation::citation_cff(info).into_bytes(),
        ));
    }
    let bytes = zip_files(&files).map_err(BundleError::Zip)?;
    Ok(Rendered {
        file_name: format!("gcm-bundle_{}.zip", today.format("%Y-%m-%d")),
        bytes,
    })
}

/// Why a bundle could not be made: a bad parameter (the caller's fault) or the archive (ours).
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error(transparent)]
    Param(#[from] ParamError),
    #[error("cannot write the archive: {0}")]
    Zip(String),
}
