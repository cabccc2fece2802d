//! Report formats: the bytes of a PDF, DOCX, ODT, HTML, Markdown or text report in, its text out, with
//! page boundaries kept and each format's debris repaired. Pure: no database, no HTTP, no file system.
//!
//! - [`Format`] is the kind of file: from the declared content type ([`Format::from_content_type`]), from
//!   the file's own signature ([`Format::sniff`]) or from its name ([`Format::from_file_name`]);
//!   [`check_declared`] refuses a declared type that the bytes contradict, and never guesses.
//! - [`extract`] turns bytes into an [`Extracted`] text: Markdown-like, so that
//!   [`crate::mapping::segment`] reads it as it reads a typed report. Headings are `#`..`######` lines
//!   (a passage's section), paragraphs and list items one line each with a blank line between them,
//!   table rows one line each with cells joined by ` | `, and pages separated by a line that is a lone
//!   form feed (`\u{000C}`): the page of a line is 1 + the number of form-feed lines before it.
//! - [`passages`] cuts an [`Extracted`] text into passages with `page_start`/`page_end`; [`PageMap`]
//!   maps any line span of the text to its pages.
//! - [`FormatError`] says what is wrong and where; [`FormatError::status`] is the HTTP status it
//!   stands for (415, 413 or 422).
//!
//! What each format's extractor repairs, the page model, the limits and the measured figures per
//! fixture: docs/FORMATS.md.

mod debris;
mod html;
mod layout;
mod office;
mod pdf;
mod text;
mod write;

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::mapping::{segment, Passage};

/// The line that separates two pages of an [`Extracted`] text.
pub const PAGE_BREAK: &str = "\u{000C}";

/// A report's file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Pdf,
    Docx,
    Odt,
    Html,
    Text,
    Markdown,
}

/// The MIME types accepted, each with its format (the first one of a format is its canonical type).
const CONTENT_TYPES: [(&str, Format); 9] = [
    ("application/pdf", Format::Pdf),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Format::Docx,
    ),
    ("application/vnd.oasis.opendocument.text", Format::Odt),
    ("text/html", Format::Html),
    ("application/xhtml+xml", Format::Html),
    ("text/plain", Format::Text),
    ("text/markdown", Format::Markdown),
    ("text/x-markdown", Format::Markdown),
    ("application/x-pdf", Format::Pdf),
];

/// The ODF mimetype entry of a text document.
const ODT_MIMETYPE: &[u8] = b"application/vnd.oasis.opendocument.text";

impl Format {
    pub const ALL: [Format; 6] = [
        Format::Pdf,
        Format::Docx,
        Format::Odt,
        Format::Html,
        Format::Text,
        Format::Markdown,
    ];

    /// The format's canonical MIME type.
    pub fn content_type(self) -> &'static str {
        CONTENT_TYPES
            .iter()
            .find(|(_, format)| *format == self)
            .map_or("application/octet-stream", |(mime, _)| mime)
    }

    /// A short name for messages and JSON: pdf, docx, odt, html, text, markdown.
    pub fn name(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Docx => "docx",
            Format::Odt => "odt",
            Format::Html => "html",
            Format::Text => "text",
            Format::Markdown => "markdown",
        }
    }

    /// The usual file-name extension of the format (`txt` and `md` for text and Markdown).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Text => "txt",
            Format::Markdown => "md",
            other => other.name(),
        }
    }

    /// Whether the format has pages (a PDF); the others give `pages: None`.
    pub fn is_paged(self) -> bool {
        self == Format::Pdf
    }

    /// The format of a declared `Content-Type` (parameters such as `; charset=utf-8` are ignored, case
    /// too). An unknown type is [`FormatError::Unsupported`], which names the accepted ones.
    pub fn from_content_type(content_type: &str) -> Result<Format, FormatError> {
        let essence = content_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        CONTENT_TYPES
            .iter()
            .find(|(mime, _)| *mime == essence)
            .map(|(_, format)| *format)
            .ok_or_else(|| FormatError::Unsupported {
                content_type: content_type.trim().to_string(),
            })
    }

    /// The format a file name's extension stands for, if any.
    pub fn from_file_name(name: &str) -> Option<Format> {
        let extension = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match extension.as_str() {
            "pdf" => Some(Format::Pdf),
            "docx" => Some(Format::Docx),
            "odt" => Some(Format::Odt),
            "html" | "htm" | "xhtml" => Some(Format::Html),
            "txt" | "text" => Some(Format::Text),
            "md" | "markdown" => Some(Format::Markdown),
            _ => None,
        }
    }

    /// The format the bytes themselves show: `%PDF-` near the start; a zip holding `word/document.xml`
    /// (DOCX) or whose `mimetype` entry is ODF text (ODT); HTML markers near the start; else text when the
    /// bytes are UTF-8. `None` for anything else (another zip, an image, binary data). Text and Markdown
    /// cannot be told apart by content: both sniff as [`Format::Text`].
    pub fn sniff(bytes: &[u8]) -> Option<Format> {
        // PDF readers accept the header anywhere in the first KB; so do we.
        let head = &bytes[..bytes.len().min(1024)];
        if find(head, b"%PDF-").is_some() {
            return Some(Format::Pdf);
        }
        if bytes.starts_with(b"PK\x03\x04") {
            return office::sniff_zip(bytes);
        }
        let text = strip_bom(&bytes[..bytes.len().min(4096)]);
        let start = text
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(text.len());
        let lower = text[start..].to_ascii_lowercase();
        let html_start: [&[u8]; 4] = [b"<!doctype html", b"<html", b"<head", b"<body"];
        // An XML declaration or a comment may come first; then an <html> element must follow.
        let xml_or_comment = lower.starts_with(b"<?xml") || lower.starts_with(b"<!--");
        if html_start.iter().any(|marker| lower.starts_with(marker))
            || (xml_or_comment && find(&lower, b"<html").is_some())
        {
            return Some(Format::Html);
        }
        if looks_like_text(bytes) {
            return Some(Format::Text);
        }
        None
    }
}

/// A format by its short name (`pdf`, `docx`, `odt`, `html`, `text`, `markdown`; `txt` and `md` too), as a
/// command-line option would give it.
impl std::str::FromStr for Format {
    type Err = FormatError;

    fn from_str(name: &str) -> Result<Format, FormatError> {
        let lower = name.trim().to_ascii_lowercase();
        Format::ALL
            .into_iter()
            .find(|f| f.name() == lower)
            .or(match lower.as_str() {
                "txt" => Some(Format::Text),
                "md" => Some(Format::Markdown),
                _ => None,
            })
            .ok_or(FormatError::Unsupported {
                content_type: name.trim().to_string(),
            })
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The format to read a file with: the declared one, checked against the bytes. A declared Text or
/// Markdown is accepted for any UTF-8 text (HTML included: a `.txt` of markup is read as text, as its
/// sender said); any other disagreement is [`FormatError::Mismatch`].
pub fn check_declared(declared: Format, bytes: &[u8]) -> Result<Format, FormatError> {
    let found = Format::sniff(bytes);
    match (declared, found) {
        (Format::Text | Format::Markdown, Some(Format::Text | Format::Html)) => Ok(declared),
        // Sent as text but not sniffed as text, and not a known binary kind either: text in another
        // encoding, or UTF-8 with a stray NUL. Reading it then names the byte that is not UTF-8, or
        // the store's text rule the line and column of the NUL, which says more than "binary data".
        (Format::Text | Format::Markdown, None) if known_binary(bytes).is_none() => Ok(declared),
        // A zip cut short has no directory to tell DOCX from ODT by: reading it as declared then says
        // it is damaged, which is what it is.
        (Format::Docx | Format::Odt, None)
            if bytes.starts_with(b"PK\x03\x04") && !office::zip_readable(bytes) =>
        {
            Ok(declared)
        }
        (_, Some(found)) if found == declared => Ok(declared),
        (_, found) => Err(FormatError::Mismatch {
            declared,
            found: found.map_or_else(|| describe_unknown(bytes), |f| f.name().to_string()),
        }),
    }
}

/// The format of a file told by its content alone (for `gcm ingest FILE`): the signature, and for text,
/// the file name's extension to tell Markdown from text.
pub fn detect(bytes: &[u8], file_name: Option<&str>) -> Result<Format, FormatError> {
    match Format::sniff(bytes) {
        Some(Format::Text) => Ok(match file_name.and_then(Format::from_file_name) {
            Some(Format::Markdown) => Format::Markdown,
            _ => Format::Text,
        }),
        Some(format) => Ok(format),
        None => Err(FormatError::Unsupported {
            content_type: describe_unknown(bytes),
        }),
    }
}

/// What unknown bytes look like, for a message.
fn describe_unknown(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return "an empty file".into();
    }
    known_binary(bytes).map_or_else(
        || "binary data that is not UTF-8 text".to_string(),
        str::to_string,
    )
}

/// The kind of a binary file that is not a report format, told by its signature.
fn known_binary(bytes: &[u8]) -> Option<&'static str> {
    let signatures: [(&[u8], &str); 6] = [
        (b"PK\x03\x04", "a zip archive that is neither DOCX nor ODT"),
        (b"\x89PNG", "a PNG image"),
        (b"\xff\xd8\xff", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (
            b"\xd0\xcf\x11\xe0",
            "an old binary Office file (.doc); save it as DOCX or PDF",
        ),
        (b"{\\rtf", "an RTF file; save it as DOCX or PDF"),
    ];
    signatures
        .iter()
        .find(|(signature, _)| bytes.starts_with(signature))
        .map(|(_, what)| *what)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes)
}

/// UTF-8 without NUL bytes in the first 64 KB (a sequence cut at the end of that window is fine).
fn looks_like_text(bytes: &[u8]) -> bool {
    let window = &bytes[..bytes.len().min(64 * 1024)];
    if window.contains(&0) {
        return false;
    }
    match std::str::from_utf8(window) {
        Ok(_) => true,
        Err(error) => error.error_len().is_none() && window.len() < bytes.len(),
    }
}

/// Bounds on what one extraction may cost. The defaults fit a 10 MB upload of a few hundred pages.
#[derive(Debug, Clone)]
pub struct ExtractLimits {
    /// Most pages of a PDF (`limits.document_pages`); more is [`FormatError::TooManyPages`].
    pub max_pages: usize,
    /// Most bytes the parts of a DOCX or ODT that are read may inflate to, together; more is
    /// [`FormatError::TooLarge`], told from the zip's directory before anything is inflated and
    /// enforced again while inflating.
    pub max_expanded_bytes: u64,
    /// Most entries in a DOCX or ODT archive.
    pub max_zip_entries: usize,
    /// Most characters of extracted text.
    pub max_text_chars: usize,
    /// Wall-clock budget; checked between pages and parts, so one page may overrun it a little.
    pub time_limit: Duration,
}

impl Default for ExtractLimits {
    fn default() -> ExtractLimits {
        ExtractLimits {
            max_pages: 500,
            max_expanded_bytes: 64 * 1024 * 1024,
            max_zip_entries: 2_000,
            max_text_chars: 20_000_000,
            time_limit: Duration::from_secs(30),
        }
    }
}

/// A started extraction's clock.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Deadline {
    started: Instant,
    limit: Duration,
}

impl Deadline {
    pub(crate) fn start(limit: Duration) -> Deadline {
        Deadline {
            started: Instant::now(),
            limit,
        }
    }

    /// [`FormatError::TimedOut`] once the budget is spent; `at` says where the extraction was.
    pub(crate) fn check(&self, at: impl FnOnce() -> String) -> Result<(), FormatError> {
        if self.started.elapsed() > self.limit {
            return Err(FormatError::TimedOut {
                seconds: self.limit.as_secs_f64(),
                at: at(),
            });
        }
        Ok(())
    }
}

/// Why a file cannot be read. [`FormatError::status`] gives the HTTP status each stands for.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FormatError {
    /// 415: not a format this service reads.
    #[error(
        "`{content_type}` is not a report format this service reads; accepted: {}",
        accepted_types()
    )]
    Unsupported { content_type: String },
    /// 415: the declared type and the file's own signature disagree.
    #[error("the file was declared as {declared} ({}) but its content is {found}; send it with its own type or convert it", declared.content_type())]
    Mismatch { declared: Format, found: String },
    /// 422: a PDF with no text layer, such as a scan.
    #[error("the PDF has no text layer on any of its {pages} page(s): it is probably a scan. Run OCR on it first (for example `ocrmypdf --language spa in.pdf out.pdf`) and upload the result")]
    NoTextLayer { pages: usize },
    /// 422: a password protected PDF.
    #[error("the PDF is password protected ({detail}); upload a copy without a password")]
    Encrypted { detail: String },
    /// 422: text that is not UTF-8; `byte` is the first byte (1-based) that is not.
    #[error("the text is not UTF-8 (byte {byte} is not); save the file as UTF-8")]
    NotUtf8 { byte: usize },
    /// 422: a damaged or truncated file; `detail` names the page or part where known.
    #[error("the {format} file is damaged or truncated: {detail}")]
    Corrupt { format: Format, detail: String },
    /// 413: more pages than `limits.document_pages`.
    #[error("the PDF has {pages} pages; at most {limit} are accepted (limits.document_pages)")]
    TooManyPages { pages: usize, limit: usize },
    /// 413: a part that would inflate beyond the limit (a zip bomb), or too much text. `limit` is the
    /// bound crossed: the configured budget, or the size the part's own header declared when its stream
    /// runs past it.
    #[error(
        "`{part}` would expand beyond {limit} bytes; the file is refused before it is expanded"
    )]
    TooLarge { part: String, limit: u64 },
    /// 422: reading took longer than the time limit.
    #[error("reading the file took longer than {seconds} s (at {at}); it is unusually complex or damaged")]
    TimedOut { seconds: f64, at: String },
}

fn accepted_types() -> String {
    CONTENT_TYPES
        .iter()
        .map(|(mime, _)| *mime)
        .collect::<Vec<_>>()
        .join(", ")
}

impl FormatError {
    /// The HTTP status the error stands for: 415 for a type not read or contradicted by the bytes, 413
    /// for a file over a limit, 422 for a file of the right type that cannot be read.
    pub fn status(&self) -> u16 {
        match self {
            FormatError::Unsupported { .. } | FormatError::Mismatch { .. } => 415,
            FormatError::TooManyPages { .. } | FormatError::TooLarge { .. } => 413,
            FormatError::NoTextLayer { .. }
            | FormatError::NotUtf8 { .. }
            | FormatError::Encrypted { .. }
            | FormatError::Corrupt { .. }
            | FormatError::TimedOut { .. } => 422,
        }
    }

    /// A stable code for JSON error bodies.
    pub fn code(&self) -> &'static str {
        match self {
            FormatError::Unsupported { .. } => "unsupported_format",
            FormatError::Mismatch { .. } => "format_mismatch",
            FormatError::NoTextLayer { .. } => "no_text_layer",
            FormatError::Encrypted { .. } => "encrypted",
            FormatError::NotUtf8 { .. } => "not_utf8",
            FormatError::Corrupt { .. } => "corrupt",
            FormatError::TooManyPages { .. } => "too_many_pages",
            FormatError::TooLarge { .. } => "too_large",
            FormatError::TimedOut { .. } => "timed_out",
        }
    }
}

/// A report's text as extracted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Extracted {
    /// The canonical text (see the module docs): what the source stores and every quote comes from.
    pub text: String,
    /// Pages of a paged format (PDF); `None` for the others.
    pub pages: Option<usize>,
    pub format: Format,
    /// Things noticed and worked around (a page without text, a lossy character set, ...).
    pub warnings: Vec<String>,
}

/// Reads a report. Never panics (PDF parsing runs under `catch_unwind`); memory and time are bounded by
/// `limits`.
pub fn extract(
    bytes: &[u8],
    format: Format,
    limits: &ExtractLimits,
) -> Result<Extracted, FormatError> {
    let deadline = Deadline::start(limits.time_limit);
    let extracted = match format {
        Format::Pdf => pdf::extract(bytes, limits, &deadline)?,
        Format::Docx => office::extract_docx(bytes, limits, &deadline)?,
        Format::Odt => office::extract_odt(bytes, limits, &deadline)?,
        Format::Html => html::extract(bytes, limits)?,
        Format::Text | Format::Markdown => text::extract(bytes, format)?,
    };
    if extracted.text.len() > limits.max_text_chars {
        return Err(FormatError::TooLarge {
            part: "extracted text".into(),
            limit: limits.max_text_chars as u64,
        });
    }
    Ok(extracted)
}

/// The page of every line of an extracted text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageMap {
    /// `page[i]` is the page (1-based) of line `i + 1`.
    page: Vec<usize>,
}

impl PageMap {
    pub fn new(text: &str) -> PageMap {
        PageMap::of_lines(&crate::evidence::source_lines(text))
    }

    /// The map of a text already cut into lines ([`crate::evidence::source_lines`]).
    pub fn of_lines(lines: &[&str]) -> PageMap {
        let mut page = Vec::with_capacity(lines.len());
        let mut current = 1;
        for &line in lines {
            if line == PAGE_BREAK {
                // The break line itself belongs to the page it ends.
                page.push(current);
                current += 1;
            } else {
                page.push(current);
            }
        }
        PageMap { page }
    }

    /// The page (1-based) of a line (1-based); lines past the end are on the last page.
    pub fn page_of_line(&self, line: usize) -> usize {
        let index = line
            .saturating_sub(1)
            .min(self.page.len().saturating_sub(1));
        self.page.get(index).copied().unwrap_or(1)
    }

    /// The first and last page of a line span (1-based, inclusive).
    pub fn span(&self, line_start: usize, line_end: usize) -> (usize, usize) {
        (self.page_of_line(line_start), self.page_of_line(line_end))
    }

    /// Pages in the text (1 + form-feed lines).
    pub fn pages(&self) -> usize {
        self.page.last().copied().unwrap_or(1)
    }
}

/// The first and last page of lines `line_start..=line_end` (1-based) of an extracted text. For many
/// spans of one text, build a [`PageMap`] once.
pub fn page_span(text: &str, line_start: usize, line_end: usize) -> (usize, usize) {
    PageMap::new(text).span(line_start, line_end)
}

/// A passage of an extracted report with its pages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PagedPassage {
    #[serde(flatten)]
    pub passage: Passage,
    /// First and last page (1-based); `None` for an unpaged format.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_start: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_end: Option<usize>,
}

/// Cuts an extracted report into passages ([`segment`]'s rules), each with its pages.
///
/// Page-break lines are taken out before segmenting and the line numbers mapped back, so a paragraph that
/// runs on to the next page stays one passage (the extractor joins what the layout shows is one
/// paragraph) and every `line_start`/`line_end` refers to the lines of `extracted.text`.
pub fn passages(extracted: &Extracted) -> Vec<PagedPassage> {
    let lines = crate::evidence::source_lines(&extracted.text);
    let mut kept = String::with_capacity(extracted.text.len());
    // original[i] is the line number in `extracted.text` of line i + 1 of `kept`.
    let mut original = Vec::with_capacity(lines.len());
    for (index, line) in lines.iter().enumerate() {
        if *line == PAGE_BREAK {
            continue;
        }
        kept.push_str(line);
        kept.push('\n');
        original.push(index + 1);
    }
    let map = PageMap::new(&extracted.text);
    let back = |line: usize| {
        original
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(line)
    };
    // Headings are shared by the passages under them: each shared list is mapped back once.
    let mut headings_back: std::collections::HashMap<
        usize,
        std::sync::Arc<[crate::mapping::Heading]>,
    > = std::collections::HashMap::new();
    let any_break = original.len() < lines.len();
    segment(&kept)
        .into_iter()
        .map(|mut passage| {
            passage.line_start = back(passage.line_start);
            passage.line_end = back(passage.line_end);
            if any_break && !passage.headings.is_empty() {
                let key = std::sync::Arc::as_ptr(&passage.headings) as *const () as usize;
                let mapped = headings_back.entry(key).or_insert_with(|| {
                    passage
                        .headings
                        .iter()
                        .map(|h| crate::mapping::Heading {
                            line: back(h.line),
                            ..h.clone()
                        })
                        .collect()
                });
                passage.headings = mapped.clone();
            }
            let (start, end) = map.span(passage.line_start, passage.line_end);
            let paged = extracted.pages.is_some();
            PagedPassage {
                passage,
                page_start: paged.then_some(start),
                page_end: paged.then_some(end),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_are_read_with_parameters_and_unknown_ones_name_the_accepted() {
        assert_eq!(
            Format::from_content_type("application/PDF; charset=binary"),
            Ok(Format::Pdf)
        );
        assert_eq!(
            Format::from_content_type("text/markdown;charset=utf-8"),
            Ok(Format::Markdown)
        );
        let error = Format::from_content_type("image/png").unwrap_err();
        assert_eq!(error.status(), 415);
        let message = error.to_string();
        assert!(message.contains("`image/png`"), "{message}");
        assert!(
            message.contains("application/vnd.oasis.opendocument.text"),
            "{message}"
        );
    }

    #[test]
    fn formats_parse_from_their_names() {
        assert_eq!("PDF".parse::<Format>(), Ok(Format::Pdf));
        assert_eq!("md".parse::<Format>(), Ok(Format::Markdown));
        assert_eq!(
            "doc".parse::<Format>(),
            Err(FormatError::Unsupported {
                content_type: "doc".into()
            })
        );
        for format in Format::ALL {
            assert_eq!(format.name().parse::<Format>(), Ok(format));
            assert_eq!(Format::from_content_type(format.content_type()), Ok(format));
        }
    }

    #[test]
    fn file_names_give_formats_by_extension() {
        assert_eq!(
            Format::from_file_name("Informe 2025.PDF"),
            Some(Format::Pdf)
        );
        assert_eq!(Format::from_file_name("a.b.docx"), Some(Format::Docx));
        assert_eq!(Format::from_file_name("notes.md"), Some(Format::Markdown));
        assert_eq!(Format::from_file_name("README"), None);
        assert_eq!(Format::from_file_name("x.doc"), None);
    }

    #[test]
    fn signatures_tell_pdf_html_and_text_apart() {
        assert_eq!(Format::sniff(b"%PDF-1.7\n%\xe2\xe3"), Some(Format::Pdf));
        // A few bytes of junk before the header, as some producers write.
        assert_eq!(Format::sniff(b"\r\n%PDF-1.4 rest"), Some(Format::Pdf));
        assert_eq!(
            Format::sniff(b"\xef\xbb\xbf  <!DOCTYPE html><html><p>x"),
            Some(Format::Html)
        );
        assert_eq!(Format::sniff(b"<html lang=es>"), Some(Format::Html));
        assert_eq!(
            Format::sniff("Informe de migración\n\nTexto.".as_bytes()),
            Some(Format::Text)
        );
        // Latin-1 "migración" is not UTF-8: not text.
        assert_eq!(Format::sniff(b"migraci\xf3n"), None);
        assert_eq!(Format::sniff(b"\x89PNG\r\n\x1a\n\0\0"), None);
        // XML that is not XHTML is not HTML.
        assert_eq!(
            Format::sniff(b"<?xml version=\"1.0\"?><office:document/>"),
            Some(Format::Text)
        );
        assert_eq!(
            Format::sniff(
                b"<?xml version=\"1.0\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">"
            ),
            Some(Format::Html)
        );
    }

    #[test]
    fn a_declared_type_the_bytes_contradict_is_refused_with_both_named() {
        let error = check_declared(Format::Pdf, b"\x89PNG\r\n\x1a\n").unwrap_err();
        assert_eq!(error.status(), 415);
        let message = error.to_string();
        assert!(
            message.contains("declared as pdf (application/pdf)")
                && message.contains("a PNG image"),
            "{message}"
        );
        assert_eq!(
            check_declared(Format::Markdown, b"# Title\n\ntext"),
            Ok(Format::Markdown)
        );
        assert_eq!(
            check_declared(Format::Html, b"%PDF-1.4"),
            Err(FormatError::Mismatch {
                declared: Format::Html,
                found: "pdf".into()
            })
        );
    }

    #[test]
    fn the_page_of_a_line_counts_the_form_feed_lines_before_it() {
        // Lines: 1 "a", 2 "", 3 FF, 4 "b", 5 FF, 6 "c". Line 3 ends page 1, line 5 ends page 2.
        let text = "a\n\n\u{c}\nb\n\u{c}\nc\n";
        let map = PageMap::new(text);
        assert_eq!(
            (1..=6).map(|l| map.page_of_line(l)).collect::<Vec<_>>(),
            [1, 1, 1, 2, 2, 3]
        );
        assert_eq!(map.pages(), 3);
        assert_eq!(page_span(text, 1, 4), (1, 2));
        assert_eq!(page_span(text, 99, 99), (3, 3));
    }

    #[test]
    fn a_paragraph_across_a_page_break_is_one_passage_with_both_pages() {
        let text = "# Objetivo 5\n\nLa Ley de Movilidad Humana creó tres nuevas categorías de residencia temporal.\n\nEl trámite es gratuito para los menores de edad y\n\u{c}\nPara las personas sin recursos suficientes, también.\n";
        let extracted = Extracted {
            text: text.into(),
            pages: Some(2),
            format: Format::Pdf,
            warnings: vec![],
        };
        let found = passages(&extracted);
        // Line 3 is the first paragraph (page 1); lines 5-7 the second, across the break (line 6).
        assert_eq!(found.len(), 2);
        assert_eq!(
            (
                found[0].passage.line_start,
                found[0].page_start,
                found[0].page_end
            ),
            (3, Some(1), Some(1))
        );
        assert_eq!(
            (
                found[1].passage.line_start,
                found[1].passage.line_end,
                found[1].page_start,
                found[1].page_end
            ),
            (5, 7, Some(1), Some(2))
        );
        assert_eq!(found[1].passage.section.as_deref(), Some("Objetivo 5"));
    }

    #[test]
    fn every_error_has_its_status_and_code() {
        let cases = [
            (FormatError::NoTextLayer { pages: 2 }, 422, "ocrmypdf"),
            (
                FormatError::Encrypted {
                    detail: "a user password is set".into(),
                },
                422,
                "password",
            ),
            (
                FormatError::TooManyPages {
                    pages: 900,
                    limit: 500,
                },
                413,
                "limits.document_pages",
            ),
            (
                FormatError::TooLarge {
                    part: "word/document.xml".into(),
                    limit: 10,
                },
                413,
                "word/document.xml",
            ),
        ];
        for (error, status, words) in cases {
            assert_eq!(error.status(), status, "{error}");
            assert!(error.to_string().contains(words), "{error}");
        }
    }
}
