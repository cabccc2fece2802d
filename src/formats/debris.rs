//! Text-level repairs shared by the extractors: ligatures, invisible characters, hyphenation at line ends,
//! and the recognisers of page furniture (page numbers, the dates and addresses a browser prints in its
//! margins, running headers told by a key that ignores digits).

/// Presentation-form ligatures (U+FB00-FB06) spelled out; the NFKC of that block, without pulling a
/// normalisation table for seven characters.
fn ligature(c: char) -> Option<&'static str> {
    match c {
        '\u{FB00}' => Some("ff"),
        '\u{FB01}' => Some("fi"),
        '\u{FB02}' => Some("fl"),
        '\u{FB03}' => Some("ffi"),
        '\u{FB04}' => Some("ffl"),
        '\u{FB05}' | '\u{FB06}' => Some("st"),
        _ => None,
    }
}

/// One piece of extracted text made plain: ligatures spelled out, soft hyphens and zero-width characters
/// dropped, any run of whitespace (no-break spaces, tabs, line breaks) one space, ends trimmed.
pub(crate) fn clean_inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if let Some(spelled) = ligature(c) {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push_str(spelled);
            continue;
        }
        match c {
            // Soft hyphen, zero-width space/joiners, word joiner, byte-order mark: invisible in print.
            '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' => {}
            // A form feed must not survive inside a line: it is the page separator of the output.
            c if c.is_whitespace() || c.is_control() => space = true,
            c => {
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                out.push(c);
            }
        }
    }
    out
}

/// Appends the next printed line of a paragraph: a word hyphenated at the line end is mended when the
/// line goes on in lower case ("obte-" + "nerse" → "obtenerse"); otherwise one space joins them.
pub(crate) fn join_line(paragraph: &mut String, line: &str) {
    let line = line.trim();
    if line.is_empty() {
        return;
    }
    if paragraph.is_empty() {
        paragraph.push_str(line);
        return;
    }
    let hyphenated = {
        let mut tail = paragraph.chars().rev();
        matches!(tail.next(), Some('-' | '\u{2010}'))
            && tail.next().is_some_and(char::is_alphabetic)
    };
    if hyphenated && line.chars().next().is_some_and(char::is_lowercase) {
        paragraph.pop();
    } else {
        paragraph.push(' ');
    }
    paragraph.push_str(line);
}

/// A line's identity as a running header or footer: lower case, digits blanked, spaces collapsed, so that
/// "Informe 2026 · página 3" and "Informe 2026 · página 4" are the same line.
pub(crate) fn running_key(text: &str) -> String {
    let mut key = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_digit() {
            if !key.ends_with('#') {
                key.push('#');
            }
        } else if c.is_whitespace() {
            if !key.is_empty() && !key.ends_with(' ') {
                key.push(' ');
            }
        } else {
            key.extend(c.to_lowercase());
        }
    }
    key.trim_end().to_string()
}

/// A page number as printed: "12", "- 12 -", "[12]", "Page 12", "Página 3 de 40", "page 3 of 40",
/// "3/12", "3 / 12", "p. 4", "xii".
pub(crate) fn is_page_number(text: &str) -> bool {
    let core = text
        .trim()
        .trim_matches(|c: char| "-–—[]()|·•".contains(c) || c.is_whitespace());
    if core.is_empty() {
        return false;
    }
    let lower = core.to_lowercase();
    let words = [
        "página", "pagina", "pág.", "pág", "pag.", "page", "p.", "pg.", "folha", "fl.",
    ];
    let rest = words
        .iter()
        .find_map(|word| lower.strip_prefix(word))
        .map(str::trim_start)
        .unwrap_or(&lower);
    let parts: Vec<&str> = rest
        .split(|c: char| c == '/' || c.is_whitespace())
        .filter(|part| !part.is_empty())
        .collect();
    let number = |part: &str| {
        !part.is_empty() && part.len() <= 4 && part.bytes().all(|b| b.is_ascii_digit())
    };
    match parts.as_slice() {
        [n] => number(n) || is_roman(n),
        [n, m] => number(n) && number(m) && rest.contains('/'),
        [n, of, m] => number(n) && number(m) && ["of", "de", "sur", "von", "di"].contains(of),
        _ => false,
    }
}

fn is_roman(text: &str) -> bool {
    text.len() <= 6 && text.chars().all(|c| "ivxlc".contains(c))
}

/// What a browser prints in its margins besides the title and page number: the page's address and the
/// date and time of printing ("12/1/26, 4:43 PM", "01/12/2026 16:43", "2026-12-01").
pub(crate) fn is_margin_stamp(text: &str) -> bool {
    let trimmed = text.trim();
    let lower = trimmed.to_lowercase();
    if ["file://", "http://", "https://", "www."]
        .iter()
        .any(|scheme| lower.starts_with(scheme))
        && !trimmed.contains(' ')
    {
        return true;
    }
    is_date_stamp(&lower)
}

/// Digits with date and time separators only (and AM/PM): a printed timestamp, not prose.
fn is_date_stamp(lower: &str) -> bool {
    let without_meridiem = lower
        .replace("a. m.", "")
        .replace("p. m.", "")
        .replace("am", "")
        .replace("pm", "");
    let text = without_meridiem.trim();
    if text.is_empty()
        || !text
            .chars()
            .all(|c| c.is_ascii_digit() || "/.-:, ".contains(c))
    {
        return false;
    }
    let date_groups = text
        .split([' ', ','])
        .filter(|token| {
            let numbers: Vec<&str> = token.split(['/', '-', '.']).collect();
            numbers.len() == 3
                && numbers
                    .iter()
                    .all(|n| !n.is_empty() && n.len() <= 4 && n.bytes().all(|b| b.is_ascii_digit()))
        })
        .count();
    date_groups >= 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ligatures_and_invisible_characters_are_made_plain() {
        assert_eq!(
            clean_inline("la o\u{FB01}cina \u{FB02}exible\u{00A0} de  e\u{FB00}ectos"),
            "la oficina flexible de effectos"
        );
        assert_eq!(clean_inline("migra\u{00AD}ción\u{200B}"), "migración");
        assert_eq!(clean_inline("a\u{000C}b\tc\r\n"), "a b c");
    }

    #[test]
    fn words_hyphenated_at_line_ends_are_mended_only_before_lower_case() {
        let mut text = String::from("los niños que carecían de par-");
        join_line(&mut text, "tida de nacimiento y del Gobierno");
        assert_eq!(
            text,
            "los niños que carecían de partida de nacimiento y del Gobierno"
        );
        // A hyphen before a capital or a digit is part of the text ("Sur-Sur", "2027-2030").
        let mut compound = String::from("la cooperación Sur-");
        join_line(&mut compound, "Sur y el plan 2027-");
        join_line(&mut compound, "2030");
        assert_eq!(compound, "la cooperación Sur- Sur y el plan 2027- 2030");
    }

    #[test]
    fn page_numbers_are_told_in_every_form_reports_print_them() {
        for page in [
            "12",
            "- 12 -",
            "[3]",
            "Página 3 de 40",
            "página 3",
            "Page 3 of 40",
            "3/12",
            "3 / 12",
            "p. 4",
            "xii",
            "Pág. 7",
        ] {
            assert!(is_page_number(page), "{page}");
        }
        for text in [
            "Objetivo 12",
            "2027-2030",
            "Ley 25.871",
            "58.400 solicitudes",
            "Página web del ministerio",
            "3 de abril",
        ] {
            assert!(!is_page_number(text), "{text}");
        }
    }

    #[test]
    fn browser_margin_stamps_are_told_from_prose() {
        for stamp in [
            "12/1/26, 4:43 PM",
            "01/12/2026 16:43",
            "2026-12-01",
            "file:///tmp/gcm/informe.html",
            "https://www.migraciones.example/informe",
        ] {
            assert!(is_margin_stamp(stamp), "{stamp}");
        }
        for text in [
            "14 de noviembre de 2025",
            "4,8 %",
            "Véase https://example.org para más detalles",
            "2025",
        ] {
            assert!(!is_margin_stamp(text), "{text}");
        }
    }

    #[test]
    fn running_keys_ignore_digits_case_and_spacing() {
        assert_eq!(
            running_key("Informe  2026 · Página 3"),
            running_key("informe 2026 · página 14")
        );
        assert_ne!(running_key("Objetivo 5"), running_key("Objetivo: 5 vías"));
    }
}
