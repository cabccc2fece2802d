//! The canonical text, block by block, for the extractors that read a document's structure (DOCX, ODT,
//! HTML): headings as `#` lines, paragraphs and list items one line each, table rows one line each,
//! blank lines between blocks.

use super::debris::clean_inline;

#[derive(Debug, Default)]
pub(crate) struct Writer {
    text: String,
    /// Table rows waiting for the table's end.
    rows: Vec<String>,
}

impl Writer {
    fn block(&mut self, line: &str) {
        if !self.text.is_empty() {
            self.text.push_str("\n\n");
        }
        self.text.push_str(line);
    }

    /// Flushes a table being written, so that the next block starts after it.
    fn end_table(&mut self) {
        if !self.rows.is_empty() {
            let rows = std::mem::take(&mut self.rows);
            self.block(&rows.join("\n"));
        }
    }

    pub(crate) fn heading(&mut self, level: usize, text: &str) {
        let text = clean_inline(text);
        if text.is_empty() {
            return;
        }
        self.end_table();
        let level = level.clamp(1, 6);
        self.block(&format!("{} {text}", "#".repeat(level)));
    }

    pub(crate) fn paragraph(&mut self, text: &str) {
        let text = clean_inline(text);
        if text.is_empty() {
            return;
        }
        self.end_table();
        // A paragraph that starts like a Markdown heading would become a section: keep it text.
        if text.starts_with('#') {
            self.block(&format!("\\{text}"));
        } else {
            self.block(&text);
        }
    }

    pub(crate) fn item(&mut self, text: &str) {
        let text = clean_inline(text);
        if text.is_empty() {
            return;
        }
        self.end_table();
        self.block(&format!("- {text}"));
    }

    /// A footnote or endnote, written after the paragraph that cites it.
    pub(crate) fn note(&mut self, number: usize, text: &str) {
        let text = clean_inline(text);
        if text.is_empty() {
            return;
        }
        self.end_table();
        self.block(&format!("{number}. {text}"));
    }

    /// One table row; cells are joined by ` | `, an empty row is skipped.
    pub(crate) fn row(&mut self, cells: &[String]) {
        let cells: Vec<String> = cells.iter().map(|c| clean_inline(c)).collect();
        if cells.iter().all(String::is_empty) {
            return;
        }
        self.rows.push(cells.join(" | "));
    }

    pub(crate) fn finish(mut self) -> String {
        self.end_table();
        if !self.text.is_empty() {
            self.text.push('\n');
        }
        self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_separated_by_blank_lines_and_rows_stay_together() {
        let mut writer = Writer::default();
        writer.heading(2, "Objetivo  5");
        writer.paragraph("La ley\ncreó tres categorías.");
        writer.row(&["Categoría".into(), "Solicitudes".into()]);
        writer.row(&["".into(), "".into()]);
        writer.row(&["Humanitarias".into(), "21.400".into()]);
        writer.item("identificación temprana");
        writer.note(1, "Dirección General de Migraciones.");
        writer.paragraph("# no es un título");
        assert_eq!(
            writer.finish(),
            "## Objetivo 5\n\nLa ley creó tres categorías.\n\nCategoría | Solicitudes\nHumanitarias | 21.400\n\n- identificación temprana\n\n1. Dirección General de Migraciones.\n\n\\# no es un título\n"
        );
    }
}
