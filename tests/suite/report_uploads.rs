//! Reports in their real formats posted to `POST /api/v1/documents` (fixtures made by Chromium and
//! LibreOffice, tests/fixtures/formats): a PDF's passages are stored with their pages, shown by the
//! evidence API, the evidence page and evidence.csv; every file that cannot be read gets its status and
//! code and leaves the store as it was. Backend under test as for every suite.

use actix_web::test as actix_test;
use serde_json::Value;

use crate::common::{self, send};

const URI: &str = "/api/v1/documents?country=COL&cycle=2025&title=Informe%20nacional";

const PDF: &str = "application/pdf";
const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const ODT: &str = "application/vnd.oasis.opendocument.text";

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/formats/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn post(token: &str, uri: &str, content_type: &str, body: Vec<u8>) -> actix_test::TestRequest {
    actix_test::TestRequest::post()
        .uri(uri)
        .insert_header(("Authorization", format!("Bearer {token}")))
        .insert_header(("Content-Type", content_type))
        .set_payload(body)
}

fn editor(state: &gcm::web::AppState) -> String {
    let mut conn = state.db.get().unwrap();
    gcm::db::tokens::create(&mut conn, "editor", gcm::auth::Role::Editor, "test").unwrap()
}

async fn get_json(state: &gcm::web::AppState, uri: &str) -> Value {
    let (status, _, body) = send(state, actix_test::TestRequest::get().uri(uri)).await;
    assert_eq!(status, 200, "{uri}: {body}");
    body
}

/// The raw text of a GET (a page or a CSV table).
async fn get_text(state: &gcm::web::AppState, uri: &str) -> String {
    let app = actix_test::init_service(gcm::web::app(state.clone())).await;
    let response =
        actix_test::call_service(&app, actix_test::TestRequest::get().uri(uri).to_request()).await;
    assert_eq!(response.status(), 200, "{uri}");
    String::from_utf8(actix_test::read_body(response).await.to_vec()).unwrap()
}

/// The stored passage whose quote starts with `start`.
fn passage<'a>(items: &'a [Value], start: &str) -> &'a Value {
    items
        .iter()
        .find(|item| item["quote"].as_str().unwrap_or("").starts_with(start))
        .unwrap_or_else(|| panic!("no passage starts with {start:?}"))
}

/// What the store holds, to show that a refused upload left nothing: rows of sources, documents,
/// evidence items, objective mappings and the audit log.
fn store_counts(state: &gcm::web::AppState) -> [i64; 5] {
    use diesel::prelude::*;
    use gcm::db::schema::{audit_log, documents, evidence_items, objective_mappings, sources};
    let mut conn = state.db.get().unwrap();
    [
        sources::table.count().get_result(&mut conn).unwrap(),
        documents::table.count().get_result(&mut conn).unwrap(),
        evidence_items::table.count().get_result(&mut conn).unwrap(),
        objective_mappings::table
            .count()
            .get_result(&mut conn)
            .unwrap(),
        audit_log::table.count().get_result(&mut conn).unwrap(),
    ]
}

#[actix_web::test]
async fn a_pdf_report_is_stored_with_the_pages_of_its_passages() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    let token = editor(&state);

    let (status, _, stored) = send(
        &state,
        post(&token, URI, PDF, fixture("informe-libreoffice.pdf")),
    )
    .await;
    assert_eq!(status, 201, "{stored}");
    // The LibreOffice export has 4 pages (tests/suite/formats.rs reads the same file).
    assert_eq!(stored["format"], "pdf");
    assert_eq!(stored["pages"], 4);
    assert_eq!(stored["language"], "es");
    let source = stored["source"].as_str().unwrap().to_string();

    let listed = get_json(
        &state,
        &format!("/api/v1/evidence?source={source}&limit=200"),
    )
    .await;
    let items = listed["items"].as_array().unwrap();
    assert_eq!(items.len() as u64, stored["passages"].as_u64().unwrap());
    assert!(items.iter().all(|i| i["page_start"].is_i64()));
    // Pages read off `pdftotext -f N -l N` of the fixture (as in tests/suite/formats.rs): the
    // introduction is on page 1, "El Registro Civil simplificó..." runs from the foot of page 1 on to
    // page 2, the closing "Persisten desafíos importantes..." is on page 4.
    for (start, pages) in [
        ("El Gobierno presenta este informe", (1, 1)),
        ("El Registro Civil simplificó", (1, 2)),
        ("Persisten desafíos importantes", (4, 4)),
    ] {
        let item = passage(items, start);
        assert_eq!(
            (item["page_start"].as_i64(), item["page_end"].as_i64()),
            (Some(pages.0), Some(pages.1)),
            "{start}"
        );
    }

    // The passage across the page break: its lines hold the form-feed line, its quote does not (a
    // form feed is whitespace, so the quote still stands in the lines), and the source text kept it.
    let across = passage(items, "El Registro Civil simplificó");
    let (line_start, line_end) = (
        across["line_start"].as_i64().unwrap(),
        across["line_end"].as_i64().unwrap(),
    );
    assert!(!across["quote"].as_str().unwrap().contains('\u{c}'));
    let lines = get_json(
        &state,
        &format!("/api/v1/sources/{source}?lines={line_start}-{line_end}"),
    )
    .await;
    let texts: Vec<&str> = lines["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["text"].as_str().unwrap())
        .collect();
    assert!(texts.contains(&"\u{c}"), "{texts:?}");

    // The evidence page cites page and lines, in Spanish and in English.
    let id = across["id"].as_str().unwrap();
    let es = get_text(&state, &format!("/evidence/{id}?lang=es")).await;
    assert!(
        es.contains(&format!("páginas 1–2, líneas {line_start}–{line_end}")),
        "{es}"
    );
    assert!(
        es.contains("— salto de página —"),
        "the break line is named"
    );
    let en = get_text(&state, &format!("/evidence/{id}?lang=en")).await;
    assert!(
        en.contains(&format!("pages 1–2, lines {line_start}–{line_end}")),
        "{en}"
    );
    let one_page = passage(items, "Persisten desafíos importantes")["id"]
        .as_str()
        .unwrap();
    let en = get_text(&state, &format!("/evidence/{one_page}?lang=en")).await;
    assert!(en.contains(", page 4, lines "), "{en}");

    // evidence.csv has the pages beside the lines.
    let csv = get_text(&state, "/exports/evidence.csv?country=COL&cycle=2025").await;
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (id_at, start_at, end_at) = (column("item_id"), column("page_start"), column("page_end"));
    let row = reader
        .records()
        .map(|r| r.unwrap())
        .find(|r| &r[id_at] == id)
        .expect("the passage's row");
    assert_eq!((&row[start_at], &row[end_at]), ("1", "2"));
}

#[actix_web::test]
async fn word_and_web_reports_are_stored_without_pages() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    let token = editor(&state);
    // The same report saved as DOCX and ODT by LibreOffice, and served as an HTML page, each read
    // without pages. The DOCX and the page give the same text, so the same source: stored once per
    // country and cycle (the second would be a 409), hence another country for each.
    for (country, name, content_type, format) in [
        ("COL", "informe.docx", DOCX, "docx"),
        ("ECU", "informe.odt", ODT, "odt"),
        (
            "MEX",
            "informe-web.html",
            "text/html; charset=utf-8",
            "html",
        ),
    ] {
        let uri = URI.replace("COL", country);
        let (status, _, stored) =
            send(&state, post(&token, &uri, content_type, fixture(name))).await;
        assert_eq!(status, 201, "{name}: {stored}");
        assert_eq!(stored["format"], format, "{name}");
        assert_eq!(stored["pages"], Value::Null, "{name}");
        let source = stored["source"].as_str().unwrap();
        let items = get_json(
            &state,
            &format!("/api/v1/evidence?source={source}&limit=200&cycle=all"),
        )
        .await;
        let items = items["items"].as_array().unwrap();
        assert!(!items.is_empty(), "{name}");
        assert!(
            items.iter().all(|i| i["page_start"].is_null()),
            "{name}: no pages"
        );
    }
}

#[actix_web::test]
async fn files_that_cannot_be_read_get_their_error_and_leave_the_store_as_it_was() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    let token = editor(&state);
    let before = store_counts(&state);

    // (file, declared type, status, code, words the message must hold)
    let cases = [
        ("escaneado.pdf", PDF, 422, "no_text_layer", "ocrmypdf"),
        ("cifrado.pdf", PDF, 422, "encrypted", "password"),
        ("truncado.pdf", PDF, 422, "corrupt", "damaged or truncated"),
        (
            "truncado.docx",
            DOCX,
            422,
            "corrupt",
            "damaged or truncated",
        ),
        // A Word file sent as a PDF: the signature says otherwise, and nothing is guessed.
        (
            "mal-etiquetado.pdf",
            PDF,
            415,
            "format_mismatch",
            "declared as pdf",
        ),
        (
            "informe.docx",
            ODT,
            415,
            "format_mismatch",
            "but its content is docx",
        ),
        (
            "informe-libreoffice.pdf",
            "text/plain",
            415,
            "format_mismatch",
            "content is pdf",
        ),
        // Zip bombs: one whose directory tells the truth about the expanded size, one that lies.
        (
            "bomba.docx",
            DOCX,
            413,
            "too_large",
            "before it is expanded",
        ),
        (
            "bomba-mentirosa.docx",
            DOCX,
            413,
            "too_large",
            "would expand beyond",
        ),
        (
            "informe.docx",
            "image/png",
            415,
            "unsupported_format",
            "accepted: application/pdf",
        ),
    ];
    for (name, content_type, status, code, words) in cases {
        let (got, _, body) = send(&state, post(&token, URI, content_type, fixture(name))).await;
        assert_eq!(
            (got, body["error"].as_str().unwrap_or("")),
            (status, code),
            "{name} as {content_type}: {body}"
        );
        let message = body["message"].as_str().unwrap();
        assert!(message.contains(words), "{name}: {message}");
    }

    // More pages than limits.document_pages: the 100-page report against a limit of 50.
    let strict = gcm::web::AppState::with_policy(
        state.db.clone(),
        gcm::web::WebPolicy {
            extract_limits: gcm::formats::ExtractLimits {
                max_pages: 50,
                ..Default::default()
            },
            ..Default::default()
        },
    );
    let (got, _, body) = send(
        &strict,
        post(&token, URI, PDF, fixture("informe-100-paginas.pdf")),
    )
    .await;
    assert_eq!(
        (got, body["error"].as_str().unwrap_or("")),
        (413, "too_many_pages"),
        "{body}"
    );
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("limits.document_pages"),
        "{body}"
    );

    assert_eq!(store_counts(&state), before, "nothing was stored");

    // And a readable file is still taken afterwards (the refusals held nothing).
    let (got, _, body) = send(
        &state,
        post(&token, URI, PDF, fixture("informe-chromium.pdf")),
    )
    .await;
    assert_eq!(got, 201, "{body}");
}

fn gcm(url: Option<&str>, args: &[&str]) -> (bool, String, String) {
    let mut command = common::gcm_command();
    command.args(args);
    if let Some(url) = url {
        command.env("GCM__DATABASE__URL", url);
    }
    let output = command.output().unwrap();
    (
        output.status.success(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8_lossy(&output.stderr).to_string(),
    )
}

fn fixture_path(name: &str) -> String {
    format!(
        "{}/tests/fixtures/formats/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn gcm_extract_prints_the_passages_with_their_pages_and_touches_no_database() {
    let pdf = fixture_path("informe-libreoffice.pdf");
    // No database setting at all: extract needs none.
    let (ok, out, err) = gcm(None, &["extract", &pdf]);
    assert!(ok, "{err}");
    assert!(err.contains("pdf, 4 pages"), "{err}");
    let passages: Vec<Value> = out
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert!(
        err.contains(&format!("{} passages", passages.len())),
        "{err}"
    );
    assert_eq!(passages[0]["id"], "p1");
    let across = passages
        .iter()
        .find(|p| {
            p["text"]
                .as_str()
                .unwrap()
                .starts_with("El Registro Civil simplificó")
        })
        .expect("the passage across pages 1 and 2");
    assert_eq!(
        (across["page_start"].as_i64(), across["page_end"].as_i64()),
        (Some(1), Some(2))
    );

    // --text: the text that would be stored, pages apart on form-feed lines (4 pages: 3 breaks).
    let (ok, text, err) = gcm(None, &["extract", "--text", &pdf]);
    assert!(ok, "{err}");
    assert_eq!(text.lines().filter(|l| *l == "\u{c}").count(), 3);

    // A scan, and a PDF declared as a Word file: exit 1, saying why.
    let (ok, _, err) = gcm(None, &["extract", &fixture_path("escaneado.pdf")]);
    assert!(!ok);
    assert!(
        err.contains("escaneado.pdf") && err.contains("ocrmypdf"),
        "{err}"
    );
    let (ok, _, err) = gcm(None, &["extract", "--format", "docx", &pdf]);
    assert!(!ok);
    assert!(
        err.contains("declared as docx") && err.contains("content is pdf"),
        "{err}"
    );
    let (ok, _, err) = gcm(None, &["extract", "--format", "rtf", &pdf]);
    assert!(!ok);
    assert!(
        err.contains("accepted: pdf, docx, odt, html, text, markdown"),
        "{err}"
    );
}

#[test]
fn gcm_ingest_reads_the_format_from_the_content() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    // An ODT under a misleading name: the content says what it is.
    let dir = tempfile::tempdir().unwrap();
    let renamed = dir.path().join("informe.txt");
    std::fs::copy(fixture_path("informe.odt"), &renamed).unwrap();
    let (ok, out, err) = gcm(
        Some(&db.url),
        &[
            "ingest",
            renamed.to_str().unwrap(),
            "--country",
            "COL",
            "--cycle",
            "2025",
        ],
    );
    assert!(ok, "{err}");
    assert!(out.contains("(odt) as source doc-col-2025-"), "{out}");
    let (ok, out, err) = gcm(
        Some(&db.url),
        &[
            "ingest",
            &fixture_path("informe-chromium.pdf"),
            "--country",
            "ECU",
            "--cycle",
            "2025",
        ],
    );
    assert!(ok, "{err}");
    assert!(out.contains("(pdf) as source doc-ecu-2025-"), "{out}");
    let mut conn = state.db.get().unwrap();
    let items = gcm::db::items::all(
        &mut conn,
        &gcm::db::items::EvidenceFilter {
            country: Some("ECU".into()),
            kinds: vec!["report_passage".into()],
            ..Default::default()
        },
    )
    .unwrap();
    assert!(!items.is_empty());
    assert!(items.iter().all(|i| i.page_start.is_some_and(|p| p >= 1)));
    // A file that cannot be read stores nothing and says why.
    let (ok, _, err) = gcm(
        Some(&db.url),
        &[
            "ingest",
            &fixture_path("cifrado.pdf"),
            "--country",
            "PER",
            "--cycle",
            "2025",
        ],
    );
    assert!(!ok);
    assert!(err.contains("password"), "{err}");
}

#[actix_web::test]
async fn a_heading_that_names_an_objective_is_evidence_of_it_with_its_line() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    let token = editor(&state);
    let (status, _, stored) = send(
        &state,
        post(&token, URI, PDF, fixture("informe-libreoffice.pdf")),
    )
    .await;
    assert_eq!(status, 201, "{stored}");
    let source = stored["source"].as_str().unwrap().to_string();
    let listed = get_json(
        &state,
        &format!("/api/v1/evidence?source={source}&limit=200"),
    )
    .await;
    // "La Ley de Movilidad Humana..." sits under the heading "Objetivo 5: vías de migración regular"
    // (tests/suite/formats.rs reads its section): objective 5 is suggested with the heading as evidence.
    let item = passage(
        listed["items"].as_array().unwrap(),
        "La Ley de Movilidad Humana",
    );
    let five = item["objectives"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["objective"] == 5)
        .unwrap_or_else(|| panic!("objective 5 suggested: {}", item["objectives"]));
    let rationale = five["rationale"].as_str().unwrap();
    assert!(
        rationale.starts_with("heading \"Objetivo 5: vías de migración regular\" (line "),
        "{rationale}"
    );
    // The line named is the heading's line in the stored text (page breaks counted).
    let line: usize = rationale
        .split("(line ")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    let lines = get_json(
        &state,
        &format!("/api/v1/sources/{source}?lines={line}-{line}"),
    )
    .await;
    let text = lines["lines"][0]["text"].as_str().unwrap();
    assert!(
        text.contains("Objetivo 5: vías de migración regular"),
        "line {line}: {text}"
    );
}
