//! Logging: `tracing` to standard error, filtered by RUST_LOG or the `log.filter` setting.
//!
//! Every log line is written through [`EscapingWriter`]: a value that came from a request (a path, a
//! parameter, a user agent) cannot break a line or send terminal sequences, so nobody can forge a log
//! line (a timestamp and `ERROR` after a line feed) or hide one.

use std::borrow::Cow;
use std::io::{self, Write};

use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

pub fn init(default_filter: &str) {
    // The PDF reader logs every font it loads and each glyph it cannot map: its business, not the
    // operator's, unless a filter asks for it by name.
    let quiet = |filter: EnvFilter| match "pdf_oxide=error".parse() {
        Ok(directive) if !default_filter.contains("pdf_oxide") => filter.add_directive(directive),
        _ => filter,
    };
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(default_filter).map(quiet))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let ansi = io::IsTerminal::is_terminal(&io::stderr());
    // try_init: a second call (tests) keeps the first subscriber instead of panicking.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(EscapingStderr { ansi })
        .with_ansi(ansi)
        .try_init();
}

/// Makes an [`EscapingWriter`] over standard error for each event.
struct EscapingStderr {
    ansi: bool,
}

impl<'a> MakeWriter<'a> for EscapingStderr {
    type Writer = EscapingWriter<io::Stderr>;

    fn make_writer(&'a self) -> Self::Writer {
        EscapingWriter {
            inner: io::stderr(),
            ansi: self.ansi,
        }
    }
}

/// Writes each formatted event (one buffer, ending with its line feed) with its control characters
/// escaped.
pub struct EscapingWriter<W> {
    inner: W,
    ansi: bool,
}

impl<W: Write> Write for EscapingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write_all(&escape_log_line(buf, self.ansi))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// A log line with every control character shown as an escape (`\n`, `\r`, `\t`, `\x1b`, `\u{9b}`),
/// except the line feed that ends it and, when the log is coloured, the colour sequences the formatter
/// itself writes (`ESC [ digits ; ... m`).
pub fn escape_log_line(line: &[u8], ansi: bool) -> Cow<'_, [u8]> {
    let body = line.strip_suffix(b"\n").unwrap_or(line);
    let needs_escape = |b: &u8| *b < 0x20 || *b == 0x7f || *b == 0xc2;
    if !body.iter().any(needs_escape) {
        return Cow::Borrowed(line);
    }
    let mut out = Vec::with_capacity(line.len() + 16);
    let mut i = 0;
    while i < body.len() {
        let byte = body[i];
        match byte {
            0x1b if ansi && colour_sequence_len(&body[i..]).is_some() => {
                let len = colour_sequence_len(&body[i..]).unwrap_or(1);
                out.extend_from_slice(&body[i..i + len]);
                i += len;
                continue;
            }
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x00..=0x1f | 0x7f => out.extend_from_slice(format!("\\x{byte:02x}").as_bytes()),
            // U+0080-U+009F (C1 controls: U+009B starts a terminal sequence), encoded C2 80-9F.
            0xc2 if matches!(body.get(i + 1), Some(0x80..=0x9f)) => {
                out.extend_from_slice(format!("\\u{{{:x}}}", body[i + 1]).as_bytes());
                i += 2;
                continue;
            }
            _ => out.push(byte),
        }
        i += 1;
    }
    if line.ends_with(b"\n") {
        out.push(b'\n');
    }
    Cow::Owned(out)
}

/// The length of a Select Graphic Rendition sequence (`ESC [ 1 ; 31 m`) at the start of `bytes`.
fn colour_sequence_len(bytes: &[u8]) -> Option<usize> {
    let rest = bytes.strip_prefix(b"\x1b[")?;
    let params = rest
        .iter()
        .take_while(|b| b.is_ascii_digit() || **b == b';')
        .count();
    (rest.get(params) == Some(&b'm')).then_some(2 + params + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_forged_line_stays_on_its_line() {
        let forged = b"INFO request path=/a\n2026-12-01T00:00:00Z ERROR forged\n";
        assert_eq!(
            escape_log_line(forged, false).as_ref(),
            b"INFO request path=/a\\n2026-12-01T00:00:00Z ERROR forged\n"
        );
        assert_eq!(
            escape_log_line(b"tab\there\rcr\x00nul\x7fdel", false).as_ref(),
            b"tab\\there\\rcr\\x00nul\\x7fdel"
        );
        // "é" (C3 A9) is left alone; U+009B (C2 9B) is escaped.
        assert_eq!(
            escape_log_line("é\u{9b}31m".as_bytes(), false).as_ref(),
            "é\\u{9b}31m".as_bytes()
        );
    }

    #[test]
    fn colour_sequences_survive_only_in_a_coloured_log() {
        let coloured = b"\x1b[1;31mERROR\x1b[0m text\n";
        assert_eq!(escape_log_line(coloured, true).as_ref(), coloured);
        assert_eq!(
            escape_log_line(coloured, false).as_ref(),
            b"\\x1b[1;31mERROR\\x1b[0m text\n"
        );
        // Any other escape sequence (cursor movement, title) is escaped even in a coloured log.
        assert_eq!(
            escape_log_line(b"\x1b[2Jcleared", true).as_ref(),
            b"\\x1b[2Jcleared"
        );
    }
}
