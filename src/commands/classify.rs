//! `gcm classify`: suggestions for passages of text, with the words that triggered them (no database).

use anyhow::{bail, Context};

/// One line of `gcm classify` output: the input's id (and, for a segmented report, the passage's line
/// span, section and text, since evidence offsets refer to the passage text), then the suggestions.
#[derive(serde::Serialize)]
struct ClassifiedLine<'a> {
    id: serde_json::Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    line_start: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line_end: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    section: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a str>,
    #[serde(flatten)]
    classification: crate::mapping::Classification,
}

pub fn classify(
    input: &std::path::Path,
    output: Option<&std::path::Path>,
    threshold: f64,
) -> anyhow::Result<()> {
    use crate::mapping::{segment, Classifier};
    use std::io::Write;

    if !(0.0..=1.0).contains(&threshold) {
        bail!("--threshold must be between 0 and 1, not {threshold}");
    }
    let bytes = std::fs::read(input).with_context(|| format!("cannot read {}", input.display()))?;
    let mut sink: Box<dyn Write> = match output {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot write {}", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let classifier = Classifier::bundled();
    let mut write = |line: &ClassifiedLine| -> anyhow::Result<()> {
        serde_json::to_writer(&mut sink, line).context("cannot write the output")?;
        sink.write_all(b"\n").context("cannot write the output")
    };

    if is_report(input, &bytes) {
        // A report is text: bytes that are not UTF-8 become U+FFFD rather than refusing the whole file.
        let text = String::from_utf8_lossy(&bytes);
        for (index, passage) in segment(&text).iter().enumerate() {
            write(&ClassifiedLine {
                id: serde_json::Value::String(format!("p{}", index + 1)),
                line_start: Some(passage.line_start),
                line_end: Some(passage.line_end),
                section: passage.section.as_deref(),
                text: Some(&passage.text),
                classification: classifier.classify_with_threshold(&passage.text, None, threshold),
            })?;
        }
        return sink.flush().context("cannot write the output");
    }

    let mut bad_lines = 0usize;
    for (index, raw) in bytes.split(|b| *b == b'\n').enumerate() {
        let number = index + 1;
        let request = std::str::from_utf8(raw)
            .map_err(|_| "not UTF-8".to_string())
            .and_then(|line| parse_classify_request(line.trim(), number));
        match request {
            Ok(None) => {}
            Ok(Some((id, text, language))) => write(&ClassifiedLine {
                id,
                line_start: None,
                line_end: None,
                section: None,
                text: None,
                classification: classifier.classify_with_threshold(&text, language, threshold),
            })?,
            Err(why) => {
                bad_lines += 1;
                eprintln!("{}:{number}: {why}", input.display());
            }
        }
    }
    sink.flush().context("cannot write the output")?;
    if bad_lines > 0 {
        bail!(
            "{bad_lines} bad line(s) in {}; the other lines were classified",
            input.display()
        );
    }
    Ok(())
}

/// A report to segment: a `.txt` or `.md` file, or any file whose first non-blank line is not a JSON
/// object.
fn is_report(path: &std::path::Path, bytes: &[u8]) -> bool {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if matches!(extension.as_deref(), Some("txt" | "md" | "markdown")) {
        return true;
    }
    let first = bytes
        .split(|b| *b == b'\n')
        .map(|line| line.trim_ascii())
        .find(|line| !line.is_empty());
    first.is_some_and(|line| !line.starts_with(b"{"))
}

type ClassifyRequest = (serde_json::Value, String, Option<crate::mapping::Language>);

/// One JSON Lines request: `None` for a blank line, else (id, text, language), or why it is unusable.
fn parse_classify_request(line: &str, number: usize) -> Result<Option<ClassifyRequest>, String> {
    if line.is_empty() {
        return Ok(None);
    }
    let value: serde_json::Value =
        serde_json::from_str(line).map_err(|e| format!("invalid JSON: {e}"))?;
    let serde_json::Value::Object(mut object) = value else {
        return Err("not a JSON object".into());
    };
    let text = match object.remove("text") {
        Some(serde_json::Value::String(text)) => text,
        Some(_) => return Err("`text` must be a string".into()),
        None => return Err("missing `text`".into()),
    };
    let language = match object.remove("language") {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(code)) => {
            Some(code.parse().map_err(|e| format!("`language`: {e}"))?)
        }
        Some(_) => return Err("`language` must be a string such as \"es\"".into()),
    };
    let id = object
        .remove("id")
        .unwrap_or_else(|| serde_json::Value::from(number));
    Ok(Some((id, text, language)))
}
