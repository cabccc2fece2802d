//! PDF: `pdf_oxide` reads the file and gives each page's text runs with their boxes and fonts; the
//! layout ([`super::layout`]) does the rest. The library was chosen over `pdf-extract` + `lopdf` on the
//! fixtures (docs/FORMATS.md has the comparison).
//!
//! `pdf_oxide` is a large parser of untrusted input and does not promise to be panic-free, so every call
//! into it runs under `catch_unwind`: a panic becomes [`FormatError::Corrupt`], never a crashed worker.

use std::panic::{catch_unwind, AssertUnwindSafe};

use pdf_oxide::PdfDocument;

use super::layout::{lay_out, Page, Run};
use super::{Deadline, ExtractLimits, Extracted, Format, FormatError};

/// Fewer visible characters than this per page, on average, is no text layer: a scan.
const MIN_CHARS_PER_PAGE: usize = 10;

pub(crate) fn extract(
    bytes: &[u8],
    limits: &ExtractLimits,
    deadline: &Deadline,
) -> Result<Extracted, FormatError> {
    let outcome = catch_unwind(AssertUnwindSafe(|| read(bytes, limits, deadline)));
    let pages = match outcome {
        Ok(result) => result?,
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown cause".into());
            return Err(corrupt(format!("the PDF parser gave up ({what})")));
        }
    };
    let count = pages.len();
    let visible: usize = pages
        .iter()
        .flat_map(|p| &p.runs)
        .map(|r| r.text.chars().filter(|c| !c.is_whitespace()).count())
        .sum();
    if visible < MIN_CHARS_PER_PAGE * count.max(1) {
        return Err(FormatError::NoTextLayer { pages: count });
    }
    let laid_out = lay_out(&pages);
    Ok(Extracted {
        text: laid_out.text,
        pages: Some(count),
        format: Format::Pdf,
        warnings: laid_out.warnings,
    })
}

fn corrupt(detail: String) -> FormatError {
    FormatError::Corrupt {
        format: Format::Pdf,
        detail,
    }
}

fn read(
    bytes: &[u8],
    limits: &ExtractLimits,
    deadline: &Deadline,
) -> Result<Vec<Page>, FormatError> {
    if super::find(&bytes[..bytes.len().min(1024)], b"%PDF-").is_none() {
        return Err(corrupt("no `%PDF-` header in the first 1 KB".into()));
    }
    let document = PdfDocument::from_bytes(bytes.to_vec())
        .map_err(|e| corrupt(format!("it cannot be opened: {e}")))?;
    if document.is_encrypted() {
        // An empty user password (owner-only protection against printing or copying) opens it.
        match document.authenticate(b"") {
            Ok(true) => {}
            Ok(false) => {
                return Err(FormatError::Encrypted {
                    detail: "it needs a password to open".into(),
                })
            }
            Err(e) => {
                return Err(FormatError::Encrypted {
                    detail: format!("its encryption cannot be read: {e}"),
                })
            }
        }
    }
    let count = document
        .page_count()
        .map_err(|e| corrupt(format!("its page tree cannot be read: {e}")))?;
    if count > limits.max_pages {
        return Err(FormatError::TooManyPages {
            pages: count,
            limit: limits.max_pages,
        });
    }
    if count == 0 {
        return Err(corrupt("it has no pages".into()));
    }
    let mut pages = Vec::with_capacity(count);
    for index in 0..count {
        deadline.check(|| format!("page {} of {count}", index + 1))?;
        let spans = document
            .extract_spans(index)
            .map_err(|e| corrupt(format!("page {}: {e}", index + 1)))?;
        let (width, height) = match document.get_page_media_box(index) {
            Ok((x0, y0, x1, y1)) => ((x1 - x0).abs(), (y1 - y0).abs()),
            // A missing box: A4, the size of most reports.
            Err(_) => (595.0, 842.0),
        };
        let runs = spans
            .into_iter()
            .map(|span| Run {
                x: span.bbox.x,
                y: span.bbox.y,
                width: span.bbox.width,
                size: span.font_size,
                bold: span.font_weight.is_bold() || is_bold_name(&span.font_name),
                text: span.text,
            })
            .collect();
        pages.push(Page {
            width,
            height,
            runs,
        });
    }
    Ok(pages)
}

/// Bold told by the font's name when the font does not say its weight ("ABCDEF+Arial-BoldMT").
fn is_bold_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.contains("bold") || lower.contains("black") || lower.contains("heavy")
}
