//! Text and Markdown: UTF-8 as sent, with line ends made `\n` and a leading byte-order mark dropped. A
//! form feed (as `pdftotext` writes between pages) is put on a line of its own, and the text then has
//! pages like a PDF's. Control characters are left for the text rule of the store
//! ([`crate::evidence::text`]), which names their line and column.

use super::{Extracted, Format, FormatError, PAGE_BREAK};

pub(crate) fn extract(bytes: &[u8], format: Format) -> Result<Extracted, FormatError> {
    let bytes = super::strip_bom(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| FormatError::NotUtf8 {
        byte: e.valid_up_to() + 1,
    })?;
    let unified = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(unified.len() + 16);
    let mut pages = 1usize;
    for line in unified.split_inclusive('\n') {
        let (content, end) = match line.strip_suffix('\n') {
            Some(content) => (content, "\n"),
            None => (line, ""),
        };
        if !content.contains('\u{000C}') {
            out.push_str(line);
            continue;
        }
        // Every form feed becomes a page-break line; the text around it keeps its own lines.
        for (index, piece) in content.split('\u{000C}').enumerate() {
            if index > 0 {
                if !out.is_empty() && !out.ends_with('\n') {
                    out.push('\n');
                }
                out.push_str(PAGE_BREAK);
                out.push('\n');
                pages += 1;
            }
            out.push_str(piece);
        }
        out.push_str(end);
    }
    Ok(Extracted {
        text: out,
        pages: (pages > 1).then_some(pages),
        format,
        warnings: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_ends_and_bom_are_normalised_and_form_feeds_become_page_lines() {
        let out = extract(
            b"\xef\xbb\xbfuno\r\ndos\rtres\x0ccuatro\n\x0c\ncinco",
            Format::Text,
        )
        .unwrap();
        assert_eq!(out.text, "uno\ndos\ntres\n\u{c}\ncuatro\n\u{c}\n\ncinco");
        assert_eq!(out.pages, Some(3));
        let plain = extract("# Título\n\nmigración".as_bytes(), Format::Markdown).unwrap();
        assert_eq!(plain.text, "# Título\n\nmigración");
        assert_eq!(plain.pages, None);
    }

    #[test]
    fn text_that_is_not_utf8_names_the_byte() {
        let error = extract(b"Informe de migraci\xf3n", Format::Text).unwrap_err();
        assert_eq!(error.status(), 422);
        assert!(error.to_string().contains("byte 19"), "{error}");
    }
}
