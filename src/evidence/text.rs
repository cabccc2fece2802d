//! The one rule for control characters in text the service takes in, the same on both backends.
//! PostgreSQL cannot store NUL in text at all, and SQLite would keep it silently; other control
//! characters in a parameter, a path or a stored text are either a mistake (a binary or UTF-16 file
//! sent as text) or an attempt to forge log lines. So they are refused where they arrive, with where.
//!
//! - **Parameters and path segments**: every C0 control (U+0000-U+001F), DEL (U+007F) and C1 control
//!   (U+0080-U+009F) is refused.
//! - **Texts** (uploaded reports, imported source texts and fields): NUL and the C0 controls other than
//!   tab, line feed, carriage return and form feed (a page break in text exported from PDF) are refused.

/// Whether `c` may appear in a query parameter or a path segment.
pub fn allowed_in_parameter(c: char) -> bool {
    !c.is_control()
}

/// Whether `c` may appear in a stored text.
pub fn allowed_in_text(c: char) -> bool {
    c > '\u{1f}' || matches!(c, '\t' | '\n' | '\r' | '\u{c}')
}

/// Where a refused character stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ControlCharacter {
    /// 1-based line of the text.
    pub line: usize,
    /// 1-based column (in characters) within the line.
    pub column: usize,
    pub character: char,
}

impl std::fmt::Display for ControlCharacter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let code = format!("U+{:04X}", self.character as u32);
        let what = if self.character == '\0' {
            format!("{code} (NUL; is the file UTF-16 or binary? send UTF-8 text)")
        } else {
            format!("control character {code}")
        };
        write!(
            f,
            "line {}, column {}: {what} is not accepted",
            self.line, self.column
        )
    }
}

/// The first character of `text` that `allowed` refuses, with its line and column.
pub fn first_refused(text: &str, allowed: fn(char) -> bool) -> Option<ControlCharacter> {
    // Most texts have none: a fast scan first, lines counted only for the one found.
    let (offset, character) = text.char_indices().find(|(_, c)| !allowed(*c))?;
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..offset].chars().count() + 1;
    Some(ControlCharacter {
        line,
        column,
        character,
    })
}

/// The first refused character of a text to be stored.
pub fn refused_in_text(text: &str) -> Option<ControlCharacter> {
    first_refused(text, allowed_in_text)
}

/// The first refused character of a parameter's decoded value.
pub fn refused_in_parameter(value: &str) -> Option<ControlCharacter> {
    first_refused(value, allowed_in_parameter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_keep_line_breaks_tabs_and_page_breaks() {
        assert_eq!(refused_in_text("a\tb\r\nc\u{c}d"), None);
        // "ab\ncd\0": the NUL is on line 2, after "cd", so at column 3.
        let nul = refused_in_text("ab\ncd\0").unwrap();
        assert_eq!((nul.line, nul.column, nul.character), (2, 3, '\0'));
        assert!(nul.to_string().contains("NUL"), "{nul}");
        // Escape (U+001B) starts terminal sequences: refused in texts too; "é" counts as one column.
        let escape = refused_in_text("é\u{1b}[31m").unwrap();
        assert_eq!((escape.line, escape.column), (1, 2));
        assert_eq!(
            escape.to_string(),
            "line 1, column 2: control character U+001B is not accepted"
        );
    }

    #[test]
    fn parameters_refuse_every_control_character() {
        for refused in ["a\nb", "\r", "\t", "\0", "\u{7f}", "\u{85}"] {
            assert!(refused_in_parameter(refused).is_some(), "{refused:?}");
        }
        assert_eq!(refused_in_parameter("migración, trata"), None);
    }
}
