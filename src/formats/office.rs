//! DOCX and ODT: a zip of XML parts. The body part is read with `quick-xml` (namespaces resolved, so a
//! drawing's `a:t` is never taken for a paragraph's `w:t`), and written as the canonical text.
//!
//! - Headings: DOCX paragraph styles whose outline level or name says heading (Heading 1-9, Título,
//!   Titre, Title) and a paragraph's own `w:outlineLvl`; ODT `text:h` with its `text:outline-level`.
//! - Lists: DOCX paragraphs with numbering (`w:numPr`), ODT `text:list-item`: one `- ` line each.
//! - Tables: row by row, cells joined by ` | `; a cell's paragraphs joined by spaces.
//! - Footnotes and endnotes are kept out of the paragraph that cites them (their marks are dropped) and
//!   written right after it as `N. text` lines.
//! - Deleted revisions, comments and tracked-change records are not text of the document.
//!
//! Zip bombs: each part read is checked against [`ExtractLimits::max_expanded_bytes`] on the size the
//! zip's central directory declares, before anything is inflated, and inflated through a reader that
//! stops one byte past the limit, so a header that lies about the size cannot blow memory either.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

use super::write::Writer;
use super::{Deadline, ExtractLimits, Extracted, Format, FormatError, ODT_MIMETYPE};

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const TEXT: &str = "urn:oasis:names:tc:opendocument:xmlns:text:1.0";
const TABLE: &str = "urn:oasis:names:tc:opendocument:xmlns:table:1.0";
const OFFICE: &str = "urn:oasis:names:tc:opendocument:xmlns:office:1.0";

/// DOCX or ODT, told by the parts a zip holds; `None` for any other zip or an unreadable one.
/// Whether the bytes are a zip whose directory can be read (a truncated one's cannot).
pub(crate) fn zip_readable(bytes: &[u8]) -> bool {
    zip::ZipArchive::new(Cursor::new(bytes)).is_ok()
}

pub(crate) fn sniff_zip(bytes: &[u8]) -> Option<Format> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    if archive.index_for_name("word/document.xml").is_some() {
        return Some(Format::Docx);
    }
    let mut mimetype = archive.by_name("mimetype").ok()?;
    let mut head = Vec::new();
    // The mimetype entry is a few dozen bytes; read no more than that whatever it claims.
    (&mut mimetype).take(128).read_to_end(&mut head).ok()?;
    (head.trim_ascii() == ODT_MIMETYPE).then_some(Format::Odt)
}

/// An opened archive and the inflation budget left.
struct Archive<'a> {
    zip: zip::ZipArchive<Cursor<&'a [u8]>>,
    format: Format,
    budget: u64,
    limit: u64,
}

impl<'a> Archive<'a> {
    fn open(
        bytes: &'a [u8],
        format: Format,
        limits: &ExtractLimits,
    ) -> Result<Archive<'a>, FormatError> {
        let zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| FormatError::Corrupt {
            format,
            detail: format!("its zip directory cannot be read ({e}); the file may be cut short"),
        })?;
        if zip.len() > limits.max_zip_entries {
            return Err(FormatError::TooLarge {
                part: format!("the archive's {} entries", zip.len()),
                limit: limits.max_zip_entries as u64,
            });
        }
        Ok(Archive {
            zip,
            format,
            budget: limits.max_expanded_bytes,
            limit: limits.max_expanded_bytes,
        })
    }

    /// A part's bytes, or `None` when the archive has no such part.
    fn part(&mut self, name: &str) -> Result<Option<Vec<u8>>, FormatError> {
        let format = self.format;
        let Some(index) = self.zip.index_for_name(name) else {
            return Ok(None);
        };
        let mut file = self.zip.by_index(index).map_err(|e| FormatError::Corrupt {
            format,
            detail: format!("part `{name}` cannot be opened: {e}"),
        })?;
        let too_large = || FormatError::TooLarge {
            part: name.to_string(),
            limit: self.limit,
        };
        // The central directory's word first: refused before a byte is inflated.
        if file.size() > self.budget {
            return Err(too_large());
        }
        let declared = file.size();
        let mut data = Vec::with_capacity(declared.min(self.budget) as usize);
        if let Err(e) = (&mut file).take(self.budget + 1).read_to_end(&mut data) {
            // The zip reader stops a stream that runs past the size its header declared: a header that
            // lies about the size, as zip bombs do. The bound crossed is the declared size.
            if data.len() as u64 >= declared {
                return Err(FormatError::TooLarge {
                    part: name.to_string(),
                    limit: declared,
                });
            }
            return Err(FormatError::Corrupt {
                format,
                detail: format!("part `{name}` cannot be inflated: {e}"),
            });
        }
        // And the stream's: a header that understated the size is caught here, one byte past the limit.
        if data.len() as u64 > self.budget {
            return Err(too_large());
        }
        self.budget -= data.len() as u64;
        Ok(Some(data))
    }

    fn required(&mut self, name: &str) -> Result<Vec<u8>, FormatError> {
        let format = self.format;
        self.part(name)?.ok_or_else(|| FormatError::Corrupt {
            format,
            detail: format!("it has no `{name}` part"),
        })
    }
}

fn utf8(bytes: Vec<u8>, format: Format, part: &str) -> Result<String, FormatError> {
    String::from_utf8(bytes).map_err(|e| FormatError::Corrupt {
        format,
        detail: format!(
            "part `{part}` is not UTF-8 XML (byte {})",
            e.utf8_error().valid_up_to()
        ),
    })
}

fn xml_error(
    format: Format,
    part: &str,
    reader_position: u64,
    error: impl std::fmt::Display,
) -> FormatError {
    FormatError::Corrupt {
        format,
        detail: format!("part `{part}` is not well-formed XML at byte {reader_position}: {error}"),
    }
}

/// An attribute's value by local name.
fn attr(element: &BytesStart, local: &str) -> Option<String> {
    element
        .attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

fn in_ns(resolved: &ResolveResult, namespace: &str) -> bool {
    matches!(resolved, ResolveResult::Bound(ns) if ns.as_ref() == namespace)
}

/// Text of a general entity reference (`&amp;`, `&#233;`).
fn entity(name: &str) -> Option<char> {
    if let Some(number) = name.strip_prefix('#') {
        let value = match number.strip_prefix('x') {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        return char::from_u32(value);
    }
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => None,
    }
}

// ------------------------------------------------------------------------------------------------
// DOCX

/// A paragraph style's heading level, from its outline level or its name, following `w:basedOn`.
#[derive(Debug, Default)]
struct DocxStyle {
    name: String,
    outline: Option<usize>,
    based_on: Option<String>,
    is_list: bool,
}

fn heading_level_from_name(name: &str) -> Option<usize> {
    let lower = name.to_lowercase();
    if ["title", "título", "titre", "titulo"].contains(&lower.trim()) {
        return Some(1);
    }
    for word in [
        "heading",
        "título",
        "titulo",
        "titre",
        "encabezado",
        "überschrift",
        "cabeçalho",
    ] {
        if let Some(rest) = lower.strip_prefix(word) {
            if let Ok(n) = rest.trim().parse::<usize>() {
                return Some(n.clamp(1, 6));
            }
        }
    }
    None
}

fn docx_styles(xml: &str) -> Result<HashMap<String, DocxStyle>, FormatError> {
    let mut styles = HashMap::new();
    let mut reader = NsReader::from_str(xml);
    let mut current: Option<(String, DocxStyle)> = None;
    loop {
        let position = reader.buffer_position();
        let (resolved, event) = reader
            .read_resolved_event()
            .map_err(|e| xml_error(Format::Docx, "word/styles.xml", position, e))?;
        match event {
            Event::Start(e) | Event::Empty(e) if in_ns(&resolved, W) => {
                match e.local_name().as_ref() {
                    "style" => {
                        let id = attr(&e, "styleId").unwrap_or_default();
                        current = Some((id, DocxStyle::default()));
                    }
                    "name" => {
                        if let Some((_, style)) = current.as_mut() {
                            style.name = attr(&e, "val").unwrap_or_default();
                        }
                    }
                    "basedOn" => {
                        if let Some((_, style)) = current.as_mut() {
                            style.based_on = attr(&e, "val");
                        }
                    }
                    "outlineLvl" => {
                        if let Some((_, style)) = current.as_mut() {
                            style.outline = attr(&e, "val").and_then(|v| v.parse().ok());
                        }
                    }
                    "numPr" => {
                        if let Some((_, style)) = current.as_mut() {
                            style.is_list = true;
                        }
                    }
                    _ => {}
                }
            }
            Event::End(e) if in_ns(&resolved, W) && e.local_name().as_ref() == "style" => {
                if let Some((id, style)) = current.take() {
                    styles.insert(id, style);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(styles)
}

/// The heading level of a style id, following `basedOn` a few steps (a loop in the styles ends there).
fn style_level(styles: &HashMap<String, DocxStyle>, id: &str) -> Option<usize> {
    let mut id = id.to_string();
    for _ in 0..8 {
        let style = styles.get(&id)?;
        if let Some(outline) = style.outline {
            // Outline level 9 is body text.
            return (outline < 9).then_some((outline + 1).min(6));
        }
        if let Some(level) = heading_level_from_name(&style.name) {
            return Some(level);
        }
        id = style.based_on.clone()?;
    }
    None
}

fn style_is_list(styles: &HashMap<String, DocxStyle>, id: &str) -> bool {
    styles.get(id).is_some_and(|s| {
        s.is_list
            || s.name.to_lowercase().starts_with("list bullet")
            || s.name.to_lowercase().starts_with("list number")
    })
}

/// The notes of `word/footnotes.xml` or `word/endnotes.xml` by id, each one text.
fn docx_notes(xml: &str, part: &str) -> Result<HashMap<String, String>, FormatError> {
    let mut notes = HashMap::new();
    let mut reader = NsReader::from_str(xml);
    let mut current: Option<(String, String)> = None;
    let mut in_text = false;
    loop {
        let position = reader.buffer_position();
        let (resolved, event) = reader
            .read_resolved_event()
            .map_err(|e| xml_error(Format::Docx, part, position, e))?;
        let w = in_ns(&resolved, W);
        match event {
            Event::Start(e) if w => match e.local_name().as_ref() {
                "footnote" | "endnote" => {
                    // Separators (types separator, continuationSeparator) are no note.
                    let separator = attr(&e, "type").is_some_and(|t| t != "normal");
                    current =
                        (!separator).then(|| (attr(&e, "id").unwrap_or_default(), String::new()));
                }
                "t" => in_text = true,
                "p" => {
                    if let Some((_, text)) = current.as_mut() {
                        if !text.is_empty() {
                            text.push(' ');
                        }
                    }
                }
                _ => {}
            },
            Event::Empty(e) if w && matches!(e.local_name().as_ref(), "tab" | "br") => {
                if let Some((_, text)) = current.as_mut() {
                    text.push(' ');
                }
            }
            Event::End(e) if w => match e.local_name().as_ref() {
                "footnote" | "endnote" => {
                    if let Some((id, text)) = current.take() {
                        notes.insert(id, text);
                    }
                }
                "t" => in_text = false,
                _ => {}
            },
            Event::Text(t) if in_text => {
                if let Some((_, text)) = current.as_mut() {
                    text.push_str(&t);
                }
            }
            Event::GeneralRef(r) if in_text => {
                if let (Some((_, text)), Some(c)) = (current.as_mut(), entity(&r)) {
                    text.push(c);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(notes)
}

/// A DOCX paragraph being read.
#[derive(Default)]
struct DocxParagraph {
    text: String,
    style: Option<String>,
    outline: Option<usize>,
    numbered: bool,
    /// Notes cited in it, in order: (kind, id).
    notes: Vec<(&'static str, String)>,
}

pub(crate) fn extract_docx(
    bytes: &[u8],
    limits: &ExtractLimits,
    deadline: &Deadline,
) -> Result<Extracted, FormatError> {
    let mut archive = Archive::open(bytes, Format::Docx, limits)?;
    let document = utf8(
        archive.required("word/document.xml")?,
        Format::Docx,
        "word/document.xml",
    )?;
    let styles = match archive.part("word/styles.xml")? {
        Some(xml) => docx_styles(&utf8(xml, Format::Docx, "word/styles.xml")?)?,
        None => HashMap::new(),
    };
    let mut notes = HashMap::new();
    for (kind, part) in [
        ("footnote", "word/footnotes.xml"),
        ("endnote", "word/endnotes.xml"),
    ] {
        if let Some(xml) = archive.part(part)? {
            for (id, text) in docx_notes(&utf8(xml, Format::Docx, part)?, part)? {
                notes.insert((kind, id), text);
            }
        }
    }
    deadline.check(|| "word/document.xml".into())?;

    let mut writer = Writer::default();
    let mut reader = NsReader::from_str(&document);
    let mut paragraph: Option<DocxParagraph> = None;
    let mut paragraph_depth = 0usize;
    // Table nesting: each level's rows being read, and the current row's cells.
    let mut tables: Vec<Vec<String>> = Vec::new();
    let mut in_text = false;
    // Inside deleted revisions or elements whose text is not the document's.
    let mut skip_depth = 0usize;
    let mut note_number = 0usize;
    loop {
        let position = reader.buffer_position();
        let (resolved, event) = reader
            .read_resolved_event()
            .map_err(|e| xml_error(Format::Docx, "word/document.xml", position, e))?;
        let w = in_ns(&resolved, W);
        match event {
            Event::Start(e) if w => {
                let local = e.local_name();
                let name = local.as_ref();
                if skip_depth > 0 || matches!(name, "del" | "moveFrom" | "instrText" | "delText") {
                    skip_depth += 1;
                    continue;
                }
                match name {
                    "p" => {
                        paragraph_depth += 1;
                        if paragraph_depth == 1 {
                            paragraph = Some(DocxParagraph::default());
                        } else if let Some(p) = paragraph.as_mut() {
                            // A paragraph inside a paragraph (a text box): its text runs on in the
                            // paragraph that holds it.
                            p.text.push(' ');
                        }
                    }
                    "t" => in_text = true,
                    "tbl" => tables.push(Vec::new()),
                    "tr" => {}
                    "tc" => {
                        if let Some(cells) = tables.last_mut() {
                            cells.push(String::new());
                        }
                    }
                    _ => {}
                }
            }
            Event::Empty(e) if w => {
                if skip_depth > 0 {
                    continue;
                }
                let local = e.local_name();
                match local.as_ref() {
                    "pStyle" => {
                        if let Some(p) = paragraph.as_mut() {
                            p.style = attr(&e, "val");
                        }
                    }
                    "outlineLvl" => {
                        if let Some(p) = paragraph.as_mut() {
                            p.outline = attr(&e, "val").and_then(|v| v.parse().ok());
                        }
                    }
                    "numId" => {
                        if let Some(p) = paragraph.as_mut() {
                            // numId 0 removes numbering.
                            p.numbered = attr(&e, "val").is_some_and(|v| v != "0");
                        }
                    }
                    "footnoteReference" | "endnoteReference" => {
                        let kind = if local.as_ref() == "footnoteReference" {
                            "footnote"
                        } else {
                            "endnote"
                        };
                        if let (Some(p), Some(id)) = (paragraph.as_mut(), attr(&e, "id")) {
                            p.notes.push((kind, id));
                        }
                    }
                    "tab" | "br" | "cr" => {
                        if let Some(p) = paragraph.as_mut() {
                            p.text.push(' ');
                        }
                    }
                    _ => {}
                }
            }
            Event::End(e) if w => {
                let local = e.local_name();
                if skip_depth > 0 {
                    skip_depth -= 1;
                    continue;
                }
                match local.as_ref() {
                    "t" => in_text = false,
                    "p" => {
                        paragraph_depth = paragraph_depth.saturating_sub(1);
                        // Only the outermost paragraph's end closes it.
                        if paragraph_depth == 0 {
                            let Some(p) = paragraph.take() else { continue };
                            match tables.last_mut().and_then(|cells| cells.last_mut()) {
                                Some(cell) => {
                                    if !cell.is_empty() {
                                        cell.push(' ');
                                    }
                                    cell.push_str(&p.text);
                                }
                                None => {
                                    let level = p
                                        .outline
                                        .filter(|o| *o < 9)
                                        .map(|o| (o + 1).min(6))
                                        .or_else(|| {
                                            p.style.as_deref().and_then(|s| style_level(&styles, s))
                                        });
                                    match level {
                                        Some(level) => writer.heading(level, &p.text),
                                        None if p.numbered
                                            || p.style
                                                .as_deref()
                                                .is_some_and(|s| style_is_list(&styles, s)) =>
                                        {
                                            writer.item(&p.text)
                                        }
                                        None => writer.paragraph(&p.text),
                                    }
                                    for key in &p.notes {
                                        if let Some(text) = notes.get(key) {
                                            note_number += 1;
                                            writer.note(note_number, text);
                                        }
                                    }
                                }
                            }
                        }
                    }
                    "tr" => {
                        if let Some(cells) = tables.last_mut() {
                            let row = std::mem::take(cells);
                            if tables.len() == 1 {
                                writer.row(&row);
                            } else if let Some(outer) =
                                tables.iter_mut().rev().nth(1).and_then(|c| c.last_mut())
                            {
                                // A nested table's rows become text of the outer cell.
                                outer.push(' ');
                                outer.push_str(&row.join(" "));
                            }
                        }
                    }
                    "tbl" => {
                        tables.pop();
                    }
                    _ => {}
                }
            }
            Event::Text(t) if in_text && skip_depth == 0 => {
                if let Some(p) = paragraph.as_mut() {
                    p.text.push_str(&t);
                }
            }
            Event::GeneralRef(r) if in_text && skip_depth == 0 => {
                if let (Some(p), Some(c)) = (paragraph.as_mut(), entity(&r)) {
                    p.text.push(c);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(Extracted {
        text: writer.finish(),
        pages: None,
        format: Format::Docx,
        warnings: Vec::new(),
    })
}

// ------------------------------------------------------------------------------------------------
// ODT

pub(crate) fn extract_odt(
    bytes: &[u8],
    limits: &ExtractLimits,
    deadline: &Deadline,
) -> Result<Extracted, FormatError> {
    let mut archive = Archive::open(bytes, Format::Odt, limits)?;
    let mimetype = archive.part("mimetype")?.unwrap_or_default();
    if mimetype.trim_ascii() != ODT_MIMETYPE {
        return Err(FormatError::Mismatch {
            declared: Format::Odt,
            found: format!(
                "an OpenDocument file of type `{}`",
                String::from_utf8_lossy(&mimetype[..mimetype.len().min(80)])
            ),
        });
    }
    let content = utf8(archive.required("content.xml")?, Format::Odt, "content.xml")?;
    deadline.check(|| "content.xml".into())?;

    let mut writer = Writer::default();
    let mut reader = NsReader::from_str(&content);
    // The block being read: heading level (None for a paragraph), in a list item, its text.
    let mut block: Option<(Option<usize>, bool, String)> = None;
    let mut block_depth = 0usize;
    let mut list_depth = 0usize;
    let mut tables: Vec<Vec<String>> = Vec::new();
    let mut in_body = false;
    let mut skip_depth = 0usize;
    // Notes met in the open block, written after it; a note's own paragraphs are read into `note`.
    let mut pending_notes: Vec<String> = Vec::new();
    let mut note: Option<String> = None;
    let mut note_number = 0usize;
    loop {
        let position = reader.buffer_position();
        let (resolved, event) = reader
            .read_resolved_event()
            .map_err(|e| xml_error(Format::Odt, "content.xml", position, e))?;
        let text_ns = in_ns(&resolved, TEXT);
        let table_ns = in_ns(&resolved, TABLE);
        match event {
            Event::Start(e) => {
                let local = e.local_name();
                let name = local.as_ref();
                if in_ns(&resolved, OFFICE) && name == "text" {
                    in_body = true;
                    continue;
                }
                if !in_body {
                    continue;
                }
                if skip_depth > 0
                    || text_ns && matches!(name, "tracked-changes" | "note-citation")
                    || in_ns(&resolved, OFFICE) && name == "annotation"
                {
                    skip_depth += 1;
                    continue;
                }
                if text_ns && name == "note-body" {
                    note = Some(String::new());
                    continue;
                }
                if note.is_some() {
                    continue;
                }
                if text_ns && matches!(name, "p" | "h") {
                    block_depth += 1;
                    if block_depth == 1 {
                        let level = (name == "h").then(|| {
                            attr(&e, "outline-level")
                                .and_then(|l| l.parse().ok())
                                .unwrap_or(1usize)
                        });
                        block = Some((level, list_depth > 0, String::new()));
                    }
                } else if text_ns && name == "list" {
                    list_depth += 1;
                } else if table_ns && name == "table" {
                    tables.push(Vec::new());
                } else if table_ns && name == "table-cell" {
                    if let Some(cells) = tables.last_mut() {
                        cells.push(String::new());
                    }
                }
            }
            Event::Empty(e) => {
                if !in_body || skip_depth > 0 {
                    continue;
                }
                let local = e.local_name();
                let name = local.as_ref();
                if text_ns && matches!(name, "s" | "tab" | "line-break") {
                    let target = match note.as_mut() {
                        Some(note) => Some(note),
                        None => block.as_mut().map(|(_, _, text)| text),
                    };
                    if let Some(text) = target {
                        text.push(' ');
                    }
                } else if table_ns && matches!(name, "table-cell" | "covered-table-cell") {
                    // Empty cells keep their place in the row, but a repeated run of them counts once.
                    if let Some(cells) = tables.last_mut() {
                        cells.push(String::new());
                    }
                }
            }
            Event::End(e) => {
                let local = e.local_name();
                let name = local.as_ref();
                if !in_body {
                    continue;
                }
                if in_ns(&resolved, OFFICE) && name == "text" {
                    in_body = false;
                    continue;
                }
                if skip_depth > 0 {
                    skip_depth -= 1;
                    continue;
                }
                if text_ns && name == "note-body" {
                    if let Some(text) = note.take() {
                        pending_notes.push(text);
                    }
                    continue;
                }
                if note.is_some() {
                    if text_ns && matches!(name, "p" | "h") {
                        if let Some(text) = note.as_mut() {
                            text.push(' ');
                        }
                    }
                    continue;
                }
                if text_ns && matches!(name, "p" | "h") {
                    block_depth = block_depth.saturating_sub(1);
                    if block_depth == 0 {
                        if let Some((level, item, text)) = block.take() {
                            match tables.last_mut().and_then(|cells| cells.last_mut()) {
                                Some(cell) => {
                                    if !cell.is_empty() {
                                        cell.push(' ');
                                    }
                                    cell.push_str(&text);
                                }
                                None => match level {
                                    Some(level) => writer.heading(level, &text),
                                    None if item => writer.item(&text),
                                    None => writer.paragraph(&text),
                                },
                            }
                            for text in pending_notes.drain(..) {
                                note_number += 1;
                                writer.note(note_number, &text);
                            }
                        }
                    }
                } else if text_ns && name == "list" {
                    list_depth = list_depth.saturating_sub(1);
                } else if table_ns && name == "table-row" {
                    if let Some(cells) = tables.last_mut() {
                        let row = std::mem::take(cells);
                        if tables.len() == 1 {
                            writer.row(&row);
                        } else if let Some(outer) =
                            tables.iter_mut().rev().nth(1).and_then(|c| c.last_mut())
                        {
                            outer.push(' ');
                            outer.push_str(&row.join(" "));
                        }
                    }
                } else if table_ns && name == "table" {
                    tables.pop();
                }
            }
            Event::Text(t) if in_body && skip_depth == 0 => match note.as_mut() {
                Some(note) => note.push_str(&t),
                None => {
                    if let Some((_, _, text)) = block.as_mut() {
                        text.push_str(&t);
                    }
                }
            },
            Event::GeneralRef(r) if in_body && skip_depth == 0 => {
                if let Some(c) = entity(&r) {
                    match note.as_mut() {
                        Some(note) => note.push(c),
                        None => {
                            if let Some((_, _, text)) = block.as_mut() {
                                text.push(c);
                            }
                        }
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(Extracted {
        text: writer.finish(),
        pages: None,
        format: Format::Odt,
        warnings: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        {
            let mut zip = zip::ZipWriter::new(&mut out);
            for (name, data) in parts {
                zip.start_file(*name, zip::write::SimpleFileOptions::default())
                    .unwrap();
                zip.write_all(data).unwrap();
            }
            zip.finish().unwrap();
        }
        out.into_inner()
    }

    const DOC_START: &str = r#"<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><w:body>"#;

    #[test]
    fn docx_headings_lists_tables_notes_and_revisions_are_read_by_structure() {
        let document = format!(
            "{DOC_START}\
             <w:p><w:pPr><w:pStyle w:val=\"Ttulo2\"/></w:pPr><w:r><w:t>Objetivo 5</w:t></w:r></w:p>\
             <w:p><w:r><w:t xml:space=\"preserve\">La ley cre&#243; tres </w:t></w:r><w:del><w:r><w:delText>dos</w:delText></w:r></w:del><w:r><w:t>categor&#xED;as</w:t></w:r><w:r><w:footnoteReference w:id=\"2\"/></w:r><w:r><w:t>.</w:t></w:r></w:p>\
             <w:p><w:pPr><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"3\"/></w:numPr></w:pPr><w:r><w:t>identificación temprana</w:t></w:r></w:p>\
             <w:tbl><w:tr><w:tc><w:p><w:r><w:t>Categoría</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Total</w:t></w:r></w:p></w:tc></w:tr>\
             <w:tr><w:tc><w:p><w:r><w:t>Humanitarias</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>21.400</w:t></w:r></w:p></w:tc></w:tr></w:tbl>\
             <w:p><w:r><w:drawing><a:p><a:t>texto de un gráfico</a:t></a:p></w:drawing><w:t>Fin &amp; cierre.</w:t></w:r></w:p>\
             </w:body></w:document>"
        );
        let styles = r#"<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:style w:type="paragraph" w:styleId="Ttulo2"><w:name w:val="heading 2"/></w:style></w:styles>"#;
        let footnotes = r#"<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:footnote w:type="separator" w:id="0"><w:p><w:r><w:t>---</w:t></w:r></w:p></w:footnote><w:footnote w:id="2"><w:p><w:r><w:t>Dirección General de Migraciones.</w:t></w:r></w:p></w:footnote></w:footnotes>"#;
        let bytes = zip_of(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("word/document.xml", document.as_bytes()),
            ("word/styles.xml", styles.as_bytes()),
            ("word/footnotes.xml", footnotes.as_bytes()),
        ]);
        assert_eq!(Format::sniff(&bytes), Some(Format::Docx));
        let extracted = extract_docx(
            &bytes,
            &ExtractLimits::default(),
            &Deadline::start(std::time::Duration::from_secs(10)),
        )
        .unwrap();
        assert_eq!(
            extracted.text,
            "## Objetivo 5\n\nLa ley creó tres categorías.\n\n1. Dirección General de Migraciones.\n\n- identificación temprana\n\nCategoría | Total\nHumanitarias | 21.400\n\nFin & cierre.\n"
        );
    }

    #[test]
    fn odt_headings_lists_tables_and_notes_are_read_by_structure() {
        let content = r#"<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body><office:text>
<text:tracked-changes><text:changed-region><text:deletion><text:p>borrado</text:p></text:deletion></text:changed-region></text:tracked-changes>
<text:h text:outline-level="3">Remesas</text:h>
<text:p>El banco<text:s/>central redujo el costo<text:note text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>Banco Central, 2025.</text:p></text:note-body></text:note> de las remesas.</text:p>
<text:list><text:list-item><text:p>primera medida del plan</text:p></text:list-item></text:list>
<table:table><table:table-row><table:table-cell><text:p>A</text:p></table:table-cell><table:table-cell><text:p>1</text:p></table:table-cell></table:table-row></table:table>
</office:text></office:body></office:document-content>"#;
        let bytes = zip_of(&[
            ("mimetype", ODT_MIMETYPE),
            ("content.xml", content.as_bytes()),
        ]);
        assert_eq!(Format::sniff(&bytes), Some(Format::Odt));
        let extracted = extract_odt(
            &bytes,
            &ExtractLimits::default(),
            &Deadline::start(std::time::Duration::from_secs(10)),
        )
        .unwrap();
        assert_eq!(
            extracted.text,
            "### Remesas\n\nEl banco central redujo el costo de las remesas.\n\n1. Banco Central, 2025.\n\n- primera medida del plan\n\nA | 1\n"
        );
    }

    #[test]
    fn a_part_over_the_budget_is_refused_from_the_directory() {
        let big = vec![b' '; 4096];
        let bytes = zip_of(&[("word/document.xml", &big)]);
        let limits = ExtractLimits {
            max_expanded_bytes: 1000,
            ..ExtractLimits::default()
        };
        let error = extract_docx(
            &bytes,
            &limits,
            &Deadline::start(std::time::Duration::from_secs(10)),
        )
        .unwrap_err();
        assert_eq!(
            error,
            FormatError::TooLarge {
                part: "word/document.xml".into(),
                limit: 1000
            }
        );
    }

    #[test]
    fn heading_names_in_several_languages_give_levels() {
        assert_eq!(heading_level_from_name("heading 3"), Some(3));
        assert_eq!(heading_level_from_name("Título 2"), Some(2));
        assert_eq!(heading_level_from_name("Titre 1"), Some(1));
        assert_eq!(heading_level_from_name("Title"), Some(1));
        assert_eq!(heading_level_from_name("Normal"), None);
    }
}
