//! The reviewer's pages, in process: the list of documents with their review progress, the review page
//! (passages with pages and lines, marked terms, suggestions by confidence, filters, the next undecided
//! passage), the upload form and the decision forms, with a person signed in and their form token.
//! Backend under test as for every suite.

use actix_web::test;
use serde_json::Value;

use crate::common::{self, send};

const REPORT: &str = include_str!("../fixtures/reports/informe-ficticio-2025.md");
const URI: &str = "/api/v1/documents?country=COL&cycle=2025&title=Informe%20de%20prueba";

fn editor_token(state: &gcm::web::AppState) -> String {
    let mut conn = state.db.get().unwrap();
    gcm::db::tokens::create(&mut conn, "editor", gcm::auth::Role::Editor, "test").unwrap()
}

/// Posts a report through the API; its source id.
async fn upload(state: &gcm::web::AppState, token: &str, uri: &str, body: &str) -> String {
    let (status, _, answer) = send(
        state,
        test::TestRequest::post()
            .uri(uri)
            .insert_header(("Authorization", format!("Bearer {token}")))
            .insert_header(("Content-Type", "text/markdown; charset=utf-8"))
            .set_payload(body.to_string()),
    )
    .await;
    assert_eq!(status, 201, "{answer}");
    answer["source"].as_str().unwrap().to_string()
}

/// A GET of a page: status, headers and body.
async fn page(
    state: &gcm::web::AppState,
    request: test::TestRequest,
) -> (u16, Vec<(String, String)>, String) {
    let app = test::init_service(gcm::web::app(state.clone())).await;
    let response = test::call_service(&app, request.to_request()).await;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let body = String::from_utf8(test::read_body(response).await.to_vec()).unwrap();
    (status, headers, body)
}

async fn get_page(state: &gcm::web::AppState, uri: &str) -> (u16, String) {
    let (status, _, body) = page(state, test::TestRequest::get().uri(uri)).await;
    (status, body)
}

/// The text of a page with tags removed and whitespace collapsed.
fn text(html: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in html.chars() {
        match c {
            '<' => {
                inside = true;
                out.push(' ');
            }
            '>' => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn item(state: &gcm::web::AppState, id: &str) -> Value {
    send(
        state,
        test::TestRequest::get().uri(&format!("/api/v1/evidence/{id}")),
    )
    .await
    .2
}

/// The id of an item's mapping to `objective`.
fn mapping_id(item: &Value, objective: i64) -> i64 {
    item["objectives"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["objective"] == objective)
        .unwrap_or_else(|| panic!("no mapping to {objective}: {item}"))["id"]
        .as_i64()
        .unwrap()
}

#[actix_web::test]
async fn the_documents_and_a_review_page_are_public_reading() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    let token = editor_token(&state);

    // No document yet: the list says so, and offers to sign in to upload one.
    let (status, html) = get_page(&state, "/documents").await;
    assert_eq!(status, 200);
    assert!(
        text(&html).contains("No report has been uploaded yet."),
        "{html}"
    );
    assert!(html.contains("href=\"/sign-in?next=%2Fdocuments%2Fnew&#38;lang=en\""));

    let source = upload(&state, &token, URI, REPORT).await;
    // The fixture's six passages (tests/suite/documents.rs works out its suggestions): p1 has none, so it
    // counts as reviewed from the start (no `auto` suggestion is left on it); p2-p6 each have at least
    // one `auto` objective. 1 of 6 reviewed.
    let (status, html) = get_page(&state, "/documents").await;
    assert_eq!(status, 200);
    let listed = text(&html);
    assert!(
        listed.contains("Informe de prueba Colombia 2025 MARKDOWN – 1 of 6 passages reviewed"),
        "{listed}"
    );
    assert!(html.contains("<progress max=\"6\" value=\"1\""));
    assert!(html.contains(&format!("href=\"/documents/{source}?lang=en\"")));
    assert!(html.contains("aria-current=\"page\">Documents</a>"));

    // In Spanish.
    let (_, html) = get_page(&state, "/documents?lang=es").await;
    assert!(text(&html).contains("1 de 6 pasajes revisados"));

    // The review page: every passage with its lines, section and suggestions, nothing to decide with
    // nobody signed in.
    let (status, html) = get_page(&state, &format!("/documents/{source}")).await;
    assert_eq!(status, 200, "{html}");
    let shown = text(&html);
    assert!(shown.contains("1 of 6 passages reviewed"), "{shown}");
    assert!(html.contains("<progress id=\"review-progress\" max=\"6\" value=\"1\">"));
    assert!(shown.contains("6 of 6 passages shown"));
    // p2 is on lines 8-9 of the text, under "Lucha contra la trata y el tráfico" (a Markdown file has
    // no pages).
    assert!(
        shown.contains(
            "Passage 2 of 6 undecided lines 8–9 · Section: Lucha contra la trata y el tráfico"
        ),
        "{shown}"
    );
    // Its two objective suggestions' terms are marked: "víctimas de trata" (objective 10) and
    // "fronteras" (11); "interinstitucional" triggered a principle, whose suggestion names no span.
    assert!(html.contains("<mark>víctimas de trata</mark>"), "{html}");
    assert!(html.contains("<mark>fronteras</mark>"));
    assert!(!html.contains("<mark>interinstitucional</mark>"));
    // By confidence: 10 (0.865) before 11 (0.451).
    let ten = html.find("10. ").unwrap();
    let eleven = html.find("11. ").unwrap();
    assert!(ten < eleven);
    assert!(
        shown.contains("suggested · confidence 0.86 · triggered by “víctimas de trata”"),
        "{shown}"
    );
    // p1 is the first passage and already reviewed; the first undecided one is p2.
    assert!(html.contains(&format!(
        "<a class=\"next-undecided\" href=\"#p-{source}-p002\">Next undecided passage</a>"
    )));
    assert!(
        !html.contains("csrf_token"),
        "no form without a person signed in"
    );
    assert!(shown.contains("Sign in to accept, reject or add suggestions."));

    // Filters: the undecided passages only (p2-p6), and one objective's (20: only p6, remittances).
    let (_, html) = get_page(&state, &format!("/documents/{source}?show=undecided")).await;
    let shown = text(&html);
    assert!(shown.contains("5 of 6 passages shown"), "{shown}");
    assert!(!html.contains(&format!("id=\"p-{source}-p001\"")));
    let (_, html) = get_page(&state, &format!("/documents/{source}?objective=20")).await;
    assert!(text(&html).contains("1 of 6 passages shown"));
    assert!(html.contains(&format!("id=\"p-{source}-p006\"")));

    // Refused filters name themselves; an unknown document is 404; both as pages.
    let (status, html) = get_page(&state, &format!("/documents/{source}?show=maybe")).await;
    assert_eq!(status, 400);
    assert!(text(&html).contains("show: `maybe` is not accepted; accepted: undecided, all"));
    let (status, html) = get_page(&state, &format!("/documents/{source}?objective=24")).await;
    assert_eq!(status, 400);
    assert!(text(&html).contains("objective: `24` is not an objective number"));
    let (status, _) = get_page(&state, "/documents/doc-nothing").await;
    assert_eq!(status, 404);

    // A decision through the API shows at once: accepting p2's 10 and rejecting its 11 leaves p2 with
    // no `auto` objective, so 2 of 6 are reviewed.
    let p2 = item(&state, &format!("{source}-p002")).await;
    for (objective, verb) in [(10, "accept"), (11, "reject")] {
        let id = mapping_id(&p2, objective);
        let (status, _, body) = send(
            &state,
            test::TestRequest::post()
                .uri(&format!("/api/v1/mappings/{id}/{verb}"))
                .insert_header(("Authorization", format!("Bearer {token}"))),
        )
        .await;
        assert_eq!(status, 200, "{body}");
    }
    let (_, html) = get_page(&state, "/documents").await;
    assert!(text(&html).contains("2 of 6 passages reviewed"));
    let (_, html) = get_page(&state, &format!("/documents/{source}")).await;
    let shown = text(&html);
    assert!(shown.contains("Passage 2 of 6 reviewed"), "{shown}");
    assert!(shown.contains("accepted by token:editor"), "{shown}");
    assert!(html.contains(&format!(
        "<a class=\"next-undecided\" href=\"#p-{source}-p003\">"
    )));
}

#[actix_web::test]
async fn passage_text_is_escaped_and_documents_are_newest_first() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    let token = editor_token(&state);
    let first = upload(&state, &token, URI, REPORT).await;
    // A passage with markup in it, and the title too: both are text on the page.
    let hostile = "El <script>alert(1)</script> protocolo protege a las víctimas de trata de personas en la frontera norte del país.\n";
    let second = upload(
        &state,
        &token,
        "/api/v1/documents?country=ECU&cycle=2025&title=%3Cb%3EInforme%3C%2Fb%3E",
        hostile,
    )
    .await;
    let (_, html) = get_page(&state, "/documents").await;
    assert!(!html.contains("<script>alert"));
    assert!(!html.contains("<b>Informe"));
    assert!(html.contains("&#60;b&#62;Informe&#60;/b&#62;"), "{html}");
    // The later upload first.
    let at_second = html.find(&format!("/documents/{second}")).unwrap();
    let at_first = html.find(&format!("/documents/{first}")).unwrap();
    assert!(at_second < at_first);

    let (status, html) = get_page(&state, &format!("/documents/{second}")).await;
    assert_eq!(status, 200);
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(html.contains("&#60;script&#62;alert(1)&#60;/script&#62;"));
    assert!(html.contains("<mark>víctimas de trata</mark>"));
}
