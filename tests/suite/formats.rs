//! Report formats on fixtures made by real tools (tests/fixtures/formats, made by
//! scripts/fixtures/make_format_fixtures.py): the share of the reference paragraphs each format gives
//! back, no debris passage, the pages of known paragraphs, the same objective suggestions as the
//! plain-text reference, and every bad file's error. Pure: no database.
//!
//! The reference is the Markdown the fixtures were made from (`informe.md`), cut by the same segmenter;
//! a paragraph counts as recovered when one extracted passage has the same words (case, punctuation and
//! spacing aside), so a mended hyphen, a dropped footnote mark or a paragraph joined across a page break
//! must be exactly right to count.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use gcm::formats::{
    check_declared, detect, extract, passages, ExtractLimits, Extracted, Format, FormatError,
    PagedPassage, PAGE_BREAK,
};
use gcm::mapping::{segment, Classifier};

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/formats")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn read(name: &str) -> Extracted {
    let bytes = fixture(name);
    let format = detect(&bytes, Some(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    extract(&bytes, format, &ExtractLimits::default()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn read_err(name: &str, declared: Format) -> FormatError {
    extract(&fixture(name), declared, &ExtractLimits::default())
        .expect_err(&format!("{name} must be refused"))
}

/// Words only: lower case, letters and digits, one space between.
fn words(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_lowercase().next().unwrap_or(c)
            } else {
                ' '
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn reference(name: &str) -> Vec<String> {
    let text = String::from_utf8(fixture(name)).unwrap();
    segment(&text).into_iter().map(|p| p.text).collect()
}

/// The reference paragraphs found among the passages, and the share they make.
fn recovered(reference: &[String], found: &[PagedPassage]) -> (usize, f64) {
    let found: BTreeSet<String> = found.iter().map(|p| words(&p.passage.text)).collect();
    let hits = reference
        .iter()
        .filter(|r| found.contains(&words(r)))
        .count();
    (hits, hits as f64 / reference.len() as f64)
}

/// The passage with these first words.
fn passage<'a>(found: &'a [PagedPassage], start: &str) -> &'a PagedPassage {
    let start = words(start);
    found
        .iter()
        .find(|p| words(&p.passage.text).starts_with(&start))
        .unwrap_or_else(|| panic!("no passage starts with `{start}`"))
}

/// A passage that is page furniture: a page number, a browser's stamp, a running header.
fn debris(text: &str) -> bool {
    let t = text.trim();
    let lower = t.to_lowercase();
    let numbering = lower.starts_with("página ") && lower.contains(" de ")
        || t.split('/').count() == 2 && t.split('/').all(|n| n.trim().parse::<u32>().is_ok());
    let date_stamp = t.split([' ', ',']).any(|token| {
        token.split('/').count() == 3 && token.split('/').all(|n| n.parse::<u32>().is_ok())
    });
    numbering
        || date_stamp
        || lower.contains("file://")
        || lower.contains("http")
        || t.parse::<u32>().is_ok()
        || lower.contains("república de almería del sur · 2026")
}

fn objectives(text: &str) -> BTreeSet<u8> {
    Classifier::bundled()
        .classify(text, None)
        .objectives
        .iter()
        .map(|s| s.objective)
        .collect()
}

/// The share of reference paragraphs whose extracted passage (same words) gets the same objectives. A
/// paragraph not recovered counts as a disagreement.
fn same_suggestions(name: &str, reference: &[String], found: &[PagedPassage]) -> f64 {
    let agree = reference
        .iter()
        .filter(|r| {
            found
                .iter()
                .find(|p| words(&p.passage.text) == words(r))
                .is_some_and(|p| objectives(&p.passage.text) == objectives(r))
        })
        .count();
    let share = agree as f64 / reference.len() as f64;
    // The figures of docs/FORMATS.md: `cargo test --test formats -- --nocapture` prints them.
    let (hits, _) = recovered(reference, found);
    eprintln!(
        "figures: {name}: {hits}/{} paragraphs recovered, {agree}/{} with the same objectives ({:.0} %)",
        reference.len(),
        reference.len(),
        share * 100.0
    );
    share
}

/// Every passage's pages agree with the page-break lines of the text around its line span.
fn pages_are_consistent(extracted: &Extracted, found: &[PagedPassage]) {
    let lines: Vec<&str> = extracted.text.split('\n').collect();
    for p in found {
        let before = lines[..p.passage.line_start - 1]
            .iter()
            .filter(|l| **l == PAGE_BREAK)
            .count();
        assert_eq!(p.page_start, Some(before + 1), "{:?}", p.passage.text);
        assert!(p.page_end >= p.page_start);
    }
}

#[test]
fn the_reference_report_is_read_as_text_unchanged() {
    let bytes = fixture("informe.md");
    assert_eq!(detect(&bytes, Some("informe.md")), Ok(Format::Markdown));
    let extracted = extract(&bytes, Format::Markdown, &ExtractLimits::default()).unwrap();
    // Spanish accents, « » quotes and all: the text is the file's.
    assert_eq!(extracted.text.as_bytes(), &bytes[..]);
    assert_eq!(extracted.pages, None);
    // 34 paragraphs and list items, one line each: the file's lines that are neither blank nor
    // headings (`grep -v '^#' informe.md | grep -c .`).
    assert_eq!(reference("informe.md").len(), 34);
}

#[test]
fn libreoffice_pdf_gives_back_the_paragraphs_with_their_pages() {
    let extracted = read("informe-libreoffice.pdf");
    assert_eq!(extracted.pages, Some(4));
    let found = passages(&extracted);
    let reference = reference("informe.md");
    let (hits, share) = recovered(&reference, &found);
    assert!(share >= 0.95, "{hits} of {} recovered", reference.len());
    assert!(found.iter().all(|p| !debris(&p.passage.text)));
    assert!(same_suggestions("informe-libreoffice.pdf", &reference, &found) >= 0.90);
    pages_are_consistent(&extracted, &found);
    // Pages read off `pdftotext -f N -l N` of the fixture: the Introducción is on page 1; "El Registro
    // Civil..." starts at the foot of page 1 and ends on page 2 ("de nacimiento."); "La cédula..." is on
    // page 2; "La fiscalía..." ends page 2 at "obtuvo" and goes on with "19 sentencias" on page 3; the
    // campaign paragraph ends page 3 at "con el lema" and goes on with "«Aquí nadie..." on page 4; the
    // closing "Persisten desafíos..." is on page 4.
    for (start, pages) in [
        ("El Gobierno presenta este informe", (1, 1)),
        ("El Registro Civil simplificó", (1, 2)),
        ("La cédula de identidad", (2, 2)),
        ("La fiscalía especializada", (2, 3)),
        ("El Instituto Nacional contra la Discriminación", (3, 4)),
        ("Persisten desafíos importantes", (4, 4)),
    ] {
        let p = passage(&found, start);
        assert_eq!(
            (p.page_start, p.page_end),
            (Some(pages.0), Some(pages.1)),
            "{start}"
        );
    }
    // Hyphenation mended ("pue-" + "den obtenerse", "per-" + "sisten").
    assert!(passage(&found, "El Registro Civil")
        .passage
        .text
        .contains("no pueden obtenerse"));
    assert!(passage(&found, "El informe sigue")
        .passage
        .text
        .contains("que persisten, con"));
    // Headings are sections.
    assert_eq!(
        passage(&found, "La Ley de Movilidad Humana")
            .passage
            .section
            .as_deref(),
        Some("Objetivo 5: vías de migración regular")
    );
}

#[test]
fn chromium_pdf_loses_its_header_footer_date_and_address() {
    let extracted = read("informe-chromium.pdf");
    assert_eq!(extracted.pages, Some(4));
    for stamp in ["file://", "gcm-format-fixtures", "1/4", "4/4", " PM"] {
        assert!(!extracted.text.contains(stamp), "{stamp} left in the text");
    }
    // The page title Chromium prints in its header is the report's h1: it stays once, as the heading.
    assert_eq!(
        extracted
            .text
            .matches("Informe nacional voluntario sobre la aplicación del Pacto Mundial")
            .count(),
        1
    );
    let found = passages(&extracted);
    let reference = reference("informe.md");
    let (hits, share) = recovered(&reference, &found);
    assert!(share >= 0.95, "{hits} of {} recovered", reference.len());
    assert!(found.iter().all(|p| !debris(&p.passage.text)));
    assert!(same_suggestions("informe-chromium.pdf", &reference, &found) >= 0.90);
    pages_are_consistent(&extracted, &found);
    // From `pdftotext -f N -l N`: page 1 ends with "...vulnerabilidad hacia los servicios de protección."
    // and the heading of objective 4, whose first paragraph opens page 2; page 2 ends with the last list
    // item ("seguimiento de cada caso..."); "Los gobiernos departamentales..." starts at the foot of
    // page 3 and ends on page 4 ("coordinan cursos gratuitos..."); "Persisten desafíos" is on page 4.
    for (start, pages) in [
        ("En los pasos fronterizos", (1, 1)),
        ("El Registro Civil simplificó", (2, 2)),
        ("seguimiento de cada caso", (2, 2)),
        ("Los gobiernos departamentales", (3, 4)),
        ("Persisten desafíos importantes", (4, 4)),
    ] {
        let p = passage(&found, start);
        assert_eq!(
            (p.page_start, p.page_end),
            (Some(pages.0), Some(pages.1)),
            "{start}"
        );
    }
}

#[test]
fn docx_and_odt_saved_by_libreoffice_give_back_the_paragraphs_and_headings() {
    let reference = reference("informe.md");
    for name in ["informe.docx", "informe.odt"] {
        let extracted = read(name);
        assert_eq!(extracted.pages, None, "{name}");
        let found = passages(&extracted);
        let (hits, share) = recovered(&reference, &found);
        assert!(
            share >= 0.95,
            "{name}: {hits} of {} recovered",
            reference.len()
        );
        assert!(found.iter().all(|p| !debris(&p.passage.text)), "{name}");
        assert!(same_suggestions(name, &reference, &found) >= 0.90, "{name}");
        assert!(found.iter().all(|p| p.page_start.is_none()));
        // Heading 1 and Heading 2 styles become `#` and `##`.
        assert!(
            extracted.text.starts_with("# Informe nacional voluntario"),
            "{name}"
        );
        assert!(
            extracted
                .text
                .contains("\n## Objetivo 20: remesas más rápidas, seguras y baratas\n"),
            "{name}"
        );
        // The list items are items.
        assert!(
            extracted
                .text
                .contains("\n- derivación a los servicios de protección"),
            "{name}"
        );
    }
}

#[test]
fn the_served_html_page_loses_its_chrome() {
    let extracted = read("informe-web.html");
    for chrome in [
        "Portal oficial",
        "Trámites de residencia y documentación en línea",
        "Publicaciones e informes",
        "Saltar al contenido",
        "Versión anterior",
        "Contenido reservado",
        "Compartir este informe",
        "Última actualización",
        "cookies",
        "Medición de visitas",
        "JavaScript",
    ] {
        assert!(
            !extracted.text.contains(chrome),
            "{chrome} left in the text"
        );
    }
    let found = passages(&extracted);
    let reference = reference("informe.md");
    let (hits, share) = recovered(&reference, &found);
    assert_eq!(hits, reference.len(), "{share}");
    assert!(same_suggestions("informe-web.html", &reference, &found) >= 0.90);
}

#[test]
fn two_columns_are_read_column_by_column() {
    let extracted = read("relatorio-duas-colunas.pdf");
    assert_eq!(extracted.pages, Some(2));
    let found = passages(&extracted);
    let reference = reference("relatorio.md");
    let (hits, share) = recovered(&reference, &found);
    // 14 paragraphs in relatorio.md (its lines that are neither blank nor headings).
    assert_eq!(reference.len(), 14);
    assert!(share >= 0.95, "{hits} of {} recovered", reference.len());
    assert!(found.iter().all(|p| !debris(&p.passage.text)));
    pages_are_consistent(&extracted, &found);
    // From `pdftotext -layout -f N -l N`: page 1 has two columns. "O Ministério do Trabalho..." starts
    // at the foot of the left column and goes on at the top of the right one ("de frutas. As equipes
    // ..."); "As escolas públicas..." ends the right column and goes on at the top of page 2 ("diplomas
    // estrangeiros."), which has the rest in one column.
    let trabalho = passage(&found, "O Ministério do Trabalho lançou");
    assert!(trabalho
        .passage
        .text
        .ends_with("o pagamento das verbas rescisórias."));
    for (start, pages) in [
        ("A Lei de Migração garante", (1, 1)),
        ("O Ministério do Trabalho lançou", (1, 1)),
        ("As escolas públicas matricularam", (1, 2)),
        ("Os centros de referência", (2, 2)),
        ("O país assinou acordos", (2, 2)),
    ] {
        let p = passage(&found, start);
        assert_eq!(
            (p.page_start, p.page_end),
            (Some(pages.0), Some(pages.1)),
            "{start}"
        );
    }
    // Reading order: all of the left column before the right column.
    let at = |start: &str| {
        found
            .iter()
            .position(|p| words(&p.passage.text).starts_with(&words(start)))
    };
    assert!(at("O programa de interiorização") < at("As agências privadas de emprego"));
    assert!(at("As agências privadas de emprego") < at("Os abrigos da fronteira norte"));
}

#[test]
fn tables_are_read_row_by_row_and_footnotes_leave_the_paragraph() {
    for name in ["anexo.pdf", "anexo.docx", "anexo.odt"] {
        let extracted = read(name);
        let text = &extracted.text;
        assert!(
            text.contains("Categoría | Solicitudes | Aprobadas | Pendientes\nRazones humanitarias | 21.400 | 19.800 | 1.100\nReunificación familiar | 14.700 | 13.900 | 500\nTrabajo de temporada | 22.300 | 18.200 | 2.600\nTotal | 58.400 | 51.900 | 4.200\n"),
            "{name}: {text}"
        );
        let found = passages(&extracted);
        // The note mark after "año anterior" is gone and the sentence closes up around it.
        assert!(
            found.iter().any(|p| p.passage.text == "El número de solicitudes pendientes se redujo a la mitad respecto del año anterior, gracias a la incorporación de cuarenta analistas y a la digitalización de los expedientes."),
            "{name}: {text}"
        );
        // The notes are passages of their own.
        assert!(
            found.iter().any(|p| p.passage.text
                == "Fiscalía Especializada en Trata de Personas, informe anual de gestión 2025."),
            "{name}: {text}"
        );
    }
}

#[test]
fn a_scan_is_refused_with_advice_to_run_ocr() {
    let error = read_err("escaneado.pdf", Format::Pdf);
    assert_eq!(error, FormatError::NoTextLayer { pages: 2 });
    assert_eq!(error.status(), 422);
    assert!(error.to_string().contains("ocrmypdf"), "{error}");
}

#[test]
fn a_password_protected_pdf_is_refused_naming_the_password() {
    let error = read_err("cifrado.pdf", Format::Pdf);
    assert!(matches!(error, FormatError::Encrypted { .. }), "{error:?}");
    assert_eq!(error.status(), 422);
    assert!(error.to_string().contains("password"), "{error}");
}

#[test]
fn a_pdf_restricted_by_an_owner_password_only_is_read() {
    // restringido.pdf: anexo.pdf with an owner password and no user password (RC4 128, printing and
    // copying forbidden), which any reader opens: its text is the annex's.
    let extracted = read("restringido.pdf");
    assert_eq!(extracted.pages, Some(1));
    assert!(extracted
        .text
        .contains("Razones humanitarias | 21.400 | 19.800 | 1.100"));
}

#[test]
fn truncated_files_are_corrupt() {
    for (name, format) in [
        ("truncado.pdf", Format::Pdf),
        ("truncado.docx", Format::Docx),
    ] {
        let error = read_err(name, format);
        assert!(
            matches!(&error, FormatError::Corrupt { format: f, .. } if *f == format),
            "{name}: {error:?}"
        );
        assert_eq!(error.status(), 422);
    }
    // The truncated DOCX is still a zip by its first bytes, but not a readable one.
    assert!(read_err("truncado.docx", Format::Docx)
        .to_string()
        .contains("cut short"));
}

#[test]
fn a_word_file_declared_as_pdf_is_a_mismatch() {
    let bytes = fixture("mal-etiquetado.pdf");
    let declared = Format::from_content_type("application/pdf").unwrap();
    let error = check_declared(declared, &bytes).unwrap_err();
    assert_eq!(
        error,
        FormatError::Mismatch {
            declared: Format::Pdf,
            found: "docx".into()
        }
    );
    assert_eq!(error.status(), 415);
    // Read as what it is, it is the report.
    assert_eq!(detect(&bytes, Some("mal-etiquetado.pdf")), Ok(Format::Docx));
    assert_eq!(check_declared(Format::Docx, &bytes), Ok(Format::Docx));
}

#[test]
fn zip_bombs_are_refused_quickly_whether_their_headers_tell_the_truth_or_not() {
    // bomba.docx declares its 256 MiB and is refused from the directory against the 64 MiB budget;
    // bomba-mentirosa.docx declares 1,024 bytes and is stopped when its stream runs past them.
    for (name, limit) in [
        ("bomba.docx", ExtractLimits::default().max_expanded_bytes),
        ("bomba-mentirosa.docx", 1024),
    ] {
        let started = Instant::now();
        let error = read_err(name, Format::Docx);
        assert_eq!(
            error,
            FormatError::TooLarge {
                part: "word/document.xml".into(),
                limit
            },
            "{name}"
        );
        assert_eq!(error.status(), 413);
        // 256 MiB declared (or hidden): refused from the directory, or after inflating at most the
        // 64 MiB limit. Generous for a debug build on a busy machine; typically well under a second.
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{name}: {:?}",
            started.elapsed()
        );
    }
}

#[test]
fn a_document_over_the_page_limit_is_refused() {
    let limits = ExtractLimits {
        max_pages: 3,
        ..ExtractLimits::default()
    };
    let error = extract(&fixture("informe-chromium.pdf"), Format::Pdf, &limits).unwrap_err();
    assert_eq!(error, FormatError::TooManyPages { pages: 4, limit: 3 });
    assert_eq!(error.status(), 413);
}

#[test]
fn reading_past_the_time_limit_stops_with_where_it_was() {
    // A zero budget is spent once the file is opened: the PDF stops before its first page, the DOCX
    // after reading its parts.
    let limits = ExtractLimits {
        time_limit: Duration::ZERO,
        ..ExtractLimits::default()
    };
    for (name, format, at) in [
        ("informe-libreoffice.pdf", Format::Pdf, "page 1 of 4"),
        ("informe.docx", Format::Docx, "word/document.xml"),
    ] {
        let error = extract(&fixture(name), format, &limits).unwrap_err();
        assert!(
            matches!(&error, FormatError::TimedOut { at: where_, .. } if where_ == at),
            "{name}: {error:?}"
        );
        assert_eq!(error.status(), 422);
    }
}

#[test]
fn no_input_makes_the_extractors_panic() {
    // Every fixture cut at several lengths, and bytes flipped in the middle, read as every format: each
    // read returns, with text or with an error of one of the three statuses, and never panics.
    let names = [
        "informe-libreoffice.pdf",
        "informe.docx",
        "informe.odt",
        "informe-web.html",
    ];
    let mut reads = 0;
    let mut check = |bytes: &[u8], format: Format| {
        if let Err(error) = extract(bytes, format, &ExtractLimits::default()) {
            assert!([413, 415, 422].contains(&error.status()), "{error}");
            assert!(!error.to_string().is_empty());
        }
        reads += 1;
    };
    for name in names {
        let bytes = fixture(name);
        for cut in [0, 1, 10, 100, bytes.len() / 3, bytes.len() - 1] {
            for format in Format::ALL {
                check(&bytes[..cut], format);
            }
        }
        let mut flipped = bytes.clone();
        let middle = flipped.len() / 2;
        for b in &mut flipped[middle..middle + 64] {
            *b ^= 0x5a;
        }
        for format in Format::ALL {
            check(&flipped, format);
        }
    }
    // 4 fixtures x (6 cuts + 1 damaged copy) x 6 formats.
    assert_eq!(reads, 4 * 7 * 6);
}
