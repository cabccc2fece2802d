//! HTML: parsed by `scraper` (html5ever, the browsers' parsing algorithm, so any markup gives a tree),
//! read from the page's `main` element when it has one, else from `body`.
//!
//! Dropped: `script`, `style`, `noscript`, `template`, forms, embedded objects; `nav`, and `header`,
//! `footer` and `aside` outside an `article` or `main` (the site's chrome, not the report's); elements
//! with `hidden`, `aria-hidden="true"`, an inline `display: none` or `visibility: hidden`, or the
//! roles navigation, banner, contentinfo and search; footnote marks (`sup` of digits). `h1`-`h6` are
//! headings, `li` list items, tables row by row; every other block element ends a paragraph.

use scraper::{ElementRef, Html, Node};

use super::write::Writer;
use super::{ExtractLimits, Extracted, Format, FormatError};

const SKIPPED: [&str; 16] = [
    "script", "style", "noscript", "template", "head", "form", "button", "select", "textarea",
    "input", "svg", "iframe", "object", "embed", "canvas", "nav",
];

const BLOCKS: [&str; 33] = [
    "address",
    "article",
    "aside",
    "blockquote",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "header",
    "hgroup",
    "hr",
    "li",
    "main",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "ul",
    "caption",
    "center",
    "br",
    "tbody",
    "thead",
    "tfoot",
    "body",
];

pub(crate) fn extract(bytes: &[u8], _limits: &ExtractLimits) -> Result<Extracted, FormatError> {
    let mut warnings = Vec::new();
    let source = match std::str::from_utf8(super::strip_bom(bytes)) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(e) => {
            warnings.push(format!(
                "the page is not UTF-8 (from byte {}); characters that are not were replaced",
                e.valid_up_to() + 1
            ));
            String::from_utf8_lossy(super::strip_bom(bytes))
        }
    };
    let document = Html::parse_document(&source);
    let root = find_root(&document);
    let mut reader = Reader::default();
    reader.walk(root);
    let text = reader.finish();
    if text.trim().is_empty() {
        return Err(FormatError::Corrupt {
            format: Format::Html,
            detail: "the page has no visible text".into(),
        });
    }
    Ok(Extracted {
        text,
        pages: None,
        format: Format::Html,
        warnings,
    })
}

/// The `main` element (or `role="main"`), else `body`, else the document.
fn find_root(document: &Html) -> ElementRef<'_> {
    let mut body = None;
    for node in document.root_element().descendants() {
        let Some(element) = ElementRef::wrap(node) else {
            continue;
        };
        let tag = element.value().name();
        if tag == "main" || element.value().attr("role") == Some("main") {
            return element;
        }
        if tag == "body" && body.is_none() {
            body = Some(element);
        }
    }
    body.unwrap_or_else(|| document.root_element())
}

fn is_hidden(element: &ElementRef) -> bool {
    let value = element.value();
    if value.attr("hidden").is_some() || value.attr("aria-hidden") == Some("true") {
        return true;
    }
    if matches!(
        value.attr("role"),
        Some("navigation" | "banner" | "contentinfo" | "search")
    ) {
        return true;
    }
    value.attr("style").is_some_and(|style| {
        let compact: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        compact.contains("display:none") || compact.contains("visibility:hidden")
    })
}

/// A footnote mark: a `sup` whose text is a short number (possibly a link to the note).
fn is_note_mark(element: &ElementRef) -> bool {
    if element.value().name() != "sup" {
        return false;
    }
    let text: String = element.text().collect();
    let trimmed = text.trim().trim_matches(['[', ']', '(', ')']);
    !trimmed.is_empty() && trimmed.len() <= 3 && trimmed.bytes().all(|b| b.is_ascii_digit())
}

#[derive(Default)]
struct Reader {
    writer: Writer,
    /// Inline text of the open paragraph.
    inline: String,
    /// Inside `article` or `main`: a `header` or `footer` there belongs to the report.
    in_content: usize,
}

/// The walk's work list: enter a node, or leave an element (to end its block).
enum Step<'a> {
    Enter(ego_tree::NodeRef<'a, Node>),
    Leave(ElementRef<'a>),
}

impl Reader {
    fn flush(&mut self) {
        let text = std::mem::take(&mut self.inline);
        self.writer.paragraph(&text);
    }

    /// Reads an element's subtree with an explicit stack: a page nested thousands deep cannot overflow
    /// the thread's stack.
    fn walk(&mut self, root: ElementRef) {
        let mut stack = vec![Step::Enter(*root)];
        while let Some(step) = stack.pop() {
            match step {
                Step::Leave(element) => self.leave(element),
                Step::Enter(node) => match node.value() {
                    Node::Text(text) => self.inline.push_str(text),
                    Node::Element(_) => {
                        let Some(element) = ElementRef::wrap(node) else {
                            continue;
                        };
                        if !self.enter(element) {
                            continue;
                        }
                        stack.push(Step::Leave(element));
                        let children: Vec<_> = node.children().collect();
                        for child in children.into_iter().rev() {
                            stack.push(Step::Enter(child));
                        }
                    }
                    _ => {}
                },
            }
        }
        self.flush();
    }

    /// Starts an element; `false` when its subtree is skipped (or read whole here, as a table is).
    fn enter(&mut self, element: ElementRef) -> bool {
        let tag = element.value().name();
        let chrome = matches!(tag, "header" | "footer" | "aside") && self.in_content == 0;
        if SKIPPED.contains(&tag) || chrome || is_hidden(&element) || is_note_mark(&element) {
            return false;
        }
        if matches!(tag, "article" | "main") {
            self.in_content += 1;
        }
        if tag == "table" {
            self.flush();
            self.table(element);
            return false;
        }
        if BLOCKS.contains(&tag) || heading_level(tag).is_some() {
            self.flush();
        }
        true
    }

    fn leave(&mut self, element: ElementRef) {
        let tag = element.value().name();
        if matches!(tag, "article" | "main") {
            self.in_content = self.in_content.saturating_sub(1);
        }
        if let Some(level) = heading_level(tag) {
            let text = std::mem::take(&mut self.inline);
            self.writer.heading(level, &text);
        } else if tag == "li" {
            let text = std::mem::take(&mut self.inline);
            self.writer.item(&text);
        } else if BLOCKS.contains(&tag) {
            self.flush();
        }
    }

    /// A table row by row: each cell's visible text, hidden parts and marks left out.
    fn table(&mut self, table: ElementRef) {
        for row in table
            .descendants()
            .filter_map(ElementRef::wrap)
            .filter(|e| e.value().name() == "tr")
        {
            // Rows of a nested table are read with their own table; skip them here.
            let owner = row
                .ancestors()
                .filter_map(ElementRef::wrap)
                .find(|e| e.value().name() == "table");
            if owner.map(|o| o.id()) != Some(table.id()) {
                continue;
            }
            let cells: Vec<String> = row
                .children()
                .filter_map(ElementRef::wrap)
                .filter(|c| matches!(c.value().name(), "td" | "th") && !is_hidden(c))
                .map(|cell| visible_text(cell))
                .collect();
            self.writer.row(&cells);
        }
    }

    fn finish(mut self) -> String {
        self.flush();
        self.writer.finish()
    }
}

/// An element's text without its hidden or skipped parts and footnote marks.
fn visible_text(element: ElementRef) -> String {
    let mut text = String::new();
    let mut stack = vec![*element];
    while let Some(node) = stack.pop() {
        match node.value() {
            Node::Text(t) => text.push_str(t),
            Node::Element(_) => {
                if let Some(e) = ElementRef::wrap(node) {
                    let tag = e.value().name();
                    if SKIPPED.contains(&tag) || is_hidden(&e) || is_note_mark(&e) {
                        continue;
                    }
                    if BLOCKS.contains(&tag) {
                        text.push(' ');
                    }
                }
                let children: Vec<_> = node.children().collect();
                stack.extend(children.into_iter().rev());
            }
            _ => {}
        }
    }
    text
}

fn heading_level(tag: &str) -> Option<usize> {
    match tag {
        "h1" => Some(1),
        "h2" => Some(2),
        "h3" => Some(3),
        "h4" => Some(4),
        "h5" => Some(5),
        "h6" => Some(6),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(html: &str) -> String {
        extract(html.as_bytes(), &ExtractLimits::default())
            .unwrap()
            .text
    }

    #[test]
    fn chrome_scripts_and_hidden_elements_are_dropped() {
        let html = r##"<!doctype html><html><head><title>T</title><style>p{}</style></head><body>
            <header><p>Portal del ministerio</p><nav><a href="/">Inicio</a></nav></header>
            <h2>Objetivo 15</h2>
            <p>El acceso a la salud es universal<sup><a href="#n1">1</a></sup> y gratuito.</p>
            <div hidden>oculto</div><p style="display : none">tampoco</p><span aria-hidden="true">icono</span>
            <script>var x = "código";</script>
            <ul><li>primera medida</li><li>segunda <b>medida</b></li></ul>
            <table><tr><th>Año</th><th>Personas</th></tr><tr><td>2025</td><td>64.000</td></tr></table>
            <footer>Dirección General, teléfono</footer></body></html>"##;
        assert_eq!(
            text_of(html),
            "## Objetivo 15\n\nEl acceso a la salud es universal y gratuito.\n\n- primera medida\n\n- segunda medida\n\nAño | Personas\n2025 | 64.000\n"
        );
    }

    #[test]
    fn main_is_read_alone_and_its_own_header_is_kept() {
        let html = "<body><div>Aviso de cookies del sitio</div><main><article><header><h1>Informe</h1></header><p>Texto del informe nacional.</p></article></main><div>Pie</div></body>";
        assert_eq!(text_of(html), "# Informe\n\nTexto del informe nacional.\n");
    }

    #[test]
    fn deep_nesting_does_not_overflow_and_empty_pages_are_refused() {
        let deep = format!(
            "{}<p>hondo</p>{}",
            "<div>".repeat(20_000),
            "</div>".repeat(20_000)
        );
        assert!(text_of(&deep).contains("hondo"));
        let error = extract(
            b"<html><body><script>x</script></body></html>",
            &ExtractLimits::default(),
        )
        .unwrap_err();
        assert_eq!(error.status(), 422);
    }
}
