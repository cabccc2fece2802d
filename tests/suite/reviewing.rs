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
    // Every page offers to sign in, coming back to it; the sign-in page itself does not.
    assert!(html.contains(
        "<a class=\"sign-in\" href=\"/sign-in?next=%2Fdocuments&#38;lang=en\">Sign in</a>"
    ));
    let (_, html) = get_page(&state, "/sign-in").await;
    assert!(!html.contains("<a class=\"sign-in\""));

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

    // In Spanish, by the page's language.
    let (_, html) = get_page(&state, &format!("/documents/{source}?lang=es")).await;
    let shown = text(&html);
    assert!(html.contains("<html lang=\"es\">"));
    assert!(shown.contains("1 de 6 pasajes revisados"), "{shown}");
    assert!(
        shown.contains(
            "Pasaje 2 de 6 sin decidir líneas 8–9 · Sección: Lucha contra la trata y el tráfico"
        ),
        "{shown}"
    );
    assert!(
        shown.contains("sugerido · confianza 0,86 · por los términos «víctimas de trata»"),
        "{shown}"
    );
    assert!(shown.contains("Siguiente pasaje sin decidir"));

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

#[actix_web::test]
async fn a_long_report_is_reviewed_fifty_passages_a_page() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    let token = editor_token(&state);
    // 60 paragraphs, each its own passage (blank lines apart): pages of 50 make two pages, 50 and 10.
    // Each paragraph is worded apart (n mod 6, 5 and 7 pick its parts: 210 distinct combinations), since
    // lines repeated through a document are read as running headers and dropped.
    let who = [
        "El ministerio",
        "La defensoría",
        "El municipio",
        "La cancillería",
        "El consulado",
        "La red local",
    ];
    let does = [
        "protege a",
        "orienta a",
        "registra a",
        "acompaña a",
        "informa a",
    ];
    let whom = [
        "las víctimas de trata en la frontera norte",
        "los trabajadores migrantes temporales",
        "las familias que envían remesas",
        "los niños no acompañados en tránsito",
        "las personas retornadas al país",
        "los estudiantes extranjeros",
        "las comunidades de acogida del sur",
    ];
    let report: String = (1..=60usize)
        .map(|n| format!("{} {} {}.\n\n", who[n % 6], does[n % 5], whom[n % 7]))
        .collect();
    let source = upload(
        &state,
        &token,
        "/api/v1/documents?country=COL&cycle=2025&title=Largo",
        &report,
    )
    .await;
    let articles = |html: &str| html.matches("<article ").count();
    let (status, html) = get_page(&state, &format!("/documents/{source}?lang=en")).await;
    assert_eq!(status, 200);
    assert_eq!(articles(&html), 50);
    let words = text(&html);
    assert!(words.contains("60 of 60 passages shown"), "{words}");
    assert!(
        words.contains("Passages 1–50 of 60 · page 1 of 2"),
        "{words}"
    );
    assert!(words.contains("Passage 50 of 60"));
    assert!(!words.contains("Passage 51 of 60"));
    // The pager links to page 2 (askama writes `&` as `&#38;`), at the top and the foot of the page.
    let next = format!("rel=\"next\" href=\"/documents/{source}?page=2&#38;lang=en\"");
    assert_eq!(html.matches(&next).count(), 2, "{html}");

    let (status, html) = get_page(&state, &format!("/documents/{source}?page=2&lang=en")).await;
    assert_eq!(status, 200);
    assert_eq!(articles(&html), 10);
    let words = text(&html);
    assert!(
        words.contains("Passages 51–60 of 60 · page 2 of 2"),
        "{words}"
    );
    assert!(words.contains("Passage 51 of 60"));
    // Back to page 1, whose address has no page number.
    let previous = format!("rel=\"prev\" href=\"/documents/{source}?lang=en\"");
    assert_eq!(html.matches(&previous).count(), 2, "{html}");

    let (status, html) = get_page(&state, &format!("/documents/{source}?page=0&lang=en")).await;
    assert_eq!(status, 400);
    assert!(text(&html).contains("page"), "{html}");
}

const PASSWORD: &str = "una contraseña larga de prueba";

/// A person's session, as the browser holds it after signing in: the cookie's secret and the token
/// its forms carry.
struct Session {
    secret: String,
    csrf_token: String,
}

/// Creates the editor `ana` and signs her in (as `POST /sign-in` does).
fn sign_in(db: &common::TestDatabase, state: &gcm::web::AppState) -> Session {
    use gcm::db::users;
    let mut conn = state.db.get().unwrap();
    users::create(&mut conn, "ana", gcm::auth::Role::Editor, PASSWORD, "test").unwrap();
    let policy = users::SessionPolicy::from_settings(&db.settings().auth);
    match users::sign_in(&mut conn, "ana", PASSWORD, "127.0.0.1", &policy).unwrap() {
        users::SignIn::Started(session) => Session {
            secret: session.secret,
            csrf_token: session.csrf_token,
        },
        other => panic!("ana could not sign in: {other:?}"),
    }
}

/// A GET with the session's cookie.
fn get_as(uri: &str, session: &Session) -> test::TestRequest {
    test::TestRequest::get()
        .uri(uri)
        .insert_header(("Cookie", format!("gcm_session={}", session.secret)))
}

/// A form posted from a page of this service, with the session's cookie.
fn post_form(uri: &str, session: Option<&Session>, fields: &[(&str, &str)]) -> test::TestRequest {
    let mut encoder = form_urlencoded::Serializer::new(String::new());
    for (k, v) in fields {
        encoder.append_pair(k, v);
    }
    let mut request = test::TestRequest::post()
        .uri(uri)
        .insert_header(("Host", "localhost:8080"))
        .insert_header(("Origin", "http://localhost:8080"))
        .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
        .set_payload(encoder.finish());
    if let Some(session) = session {
        request = request.insert_header(("Cookie", format!("gcm_session={}", session.secret)));
    }
    request
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Posts a decision form and checks the answer: 303 back to the review page at the passage.
async fn decide(
    state: &gcm::web::AppState,
    uri: &str,
    session: &Session,
    fields: &[(&str, &str)],
    back_to: &str,
) {
    let mut all = vec![("csrf_token", session.csrf_token.as_str())];
    all.extend_from_slice(fields);
    let (status, headers, body) = page(state, post_form(uri, Some(session), &all)).await;
    assert_eq!(status, 303, "{uri}: {body}");
    assert_eq!(header(&headers, "location"), Some(back_to), "{uri}");
}

#[actix_web::test]
async fn a_reviewer_decides_on_the_review_page() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    let token = editor_token(&state);
    let source = upload(&state, &token, URI, REPORT).await;
    let ana = sign_in(&db, &state);
    let review = format!("/documents/{source}");
    let at = |n: u32| format!("{review}?lang=en#p-{source}-p00{n}");

    // Signed in, the page has the forms, each with her token, and is hers alone (no cache keeps it).
    let (status, headers, html) = page(&state, get_as(&review, &ana)).await;
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "cache-control"), Some("private, no-store"));
    assert!(html.contains(&format!(
        "<input type=\"hidden\" name=\"csrf_token\" value=\"{}\">",
        ana.csrf_token
    )));
    assert!(text(&html).contains("Sign out ana"));
    // p2: accept its objective 10, reject its 11 (tests/suite/documents.rs has its suggestions).
    let p2 = item(&state, &format!("{source}-p002")).await;
    let (to_10, to_11) = (mapping_id(&p2, 10), mapping_id(&p2, 11));
    decide(
        &state,
        &format!("/mappings/{to_10}/decision?lang=en"),
        &ana,
        &[("decision", "accept")],
        &at(2),
    )
    .await;
    decide(
        &state,
        &format!("/mappings/{to_11}/decision?lang=en"),
        &ana,
        &[("decision", "reject")],
        &at(2),
    )
    .await;
    let (_, _, html) = page(&state, get_as(&review, &ana)).await;
    let shown = text(&html);
    // p1 (no suggestion) and p2 (none left `auto`) are reviewed.
    assert!(shown.contains("2 of 6 passages reviewed"), "{shown}");
    assert!(shown.contains("accepted by user:ana"));
    assert!(shown.contains("rejected by user:ana"));
    // The rejected suggestion keeps its place, with an undo.
    assert!(html.contains(&format!(
        "<form class=\"decision undo\" method=\"post\" action=\"/mappings/{to_11}/decision?lang=en\">"
    )));
    // Undo brings 11 back as a suggestion: p2 is undecided again.
    decide(
        &state,
        &format!("/mappings/{to_11}/decision?lang=en"),
        &ana,
        &[("decision", "undo")],
        &at(2),
    )
    .await;
    let (_, _, html) = page(&state, get_as(&review, &ana)).await;
    assert!(text(&html).contains("1 of 6 passages reviewed"));

    // An objective the classifier missed: 8 (one of Colombia's five gaps) on p1. Colombia then covers
    // 19 objectives; accepting 10 changed nothing there (Colombia had 10 already).
    let (_, _, before) = send(
        &state,
        test::TestRequest::get().uri("/api/v1/countries/COL/profile"),
    )
    .await;
    assert_eq!(before["objectives_covered"], 18);
    decide(
        &state,
        &format!("/items/{source}-p001/objectives?show=undecided&lang=en"),
        &ana,
        &[("objective", "8")],
        &format!("{review}?show=undecided&lang=en#p-{source}-p001"),
    )
    .await;
    let (_, _, after) = send(
        &state,
        test::TestRequest::get().uri("/api/v1/countries/COL/profile"),
    )
    .await;
    assert_eq!(after["objectives_covered"], 19);

    // Principles: add "human rights" to p3, reject p2's suggested whole-of-government.
    decide(
        &state,
        &format!("/items/{source}-p003/principles?lang=en"),
        &ana,
        &[("principle", "human rights")],
        &at(3),
    )
    .await;
    decide(
        &state,
        &format!("/items/{source}-p002/principles/whole-of-government/decision?lang=en"),
        &ana,
        &[("decision", "reject")],
        &at(2),
    )
    .await;
    // p5 is not evidence: its suggestions are set aside and it counts as reviewed (p1, p5).
    decide(
        &state,
        &format!("/items/{source}-p005/not-evidence?lang=en"),
        &ana,
        &[("value", "1")],
        &at(5),
    )
    .await;
    let (_, _, html) = page(&state, get_as(&review, &ana)).await;
    let shown = text(&html);
    assert!(shown.contains("2 of 6 passages reviewed"), "{shown}");
    assert!(shown.contains("Passage 5 of 6 not evidence"), "{shown}");
    assert!(html.contains(&format!(
        "action=\"/items/{source}-p002/principles/whole-of-government/decision?lang=en\"><input type=\"hidden\" name=\"csrf_token\" value=\"{}\"><input type=\"hidden\" name=\"decision\" value=\"undo\">",
        ana.csrf_token
    )), "{html}");
    assert!(html.contains(&format!(
        "action=\"/items/{source}-p005/not-evidence?lang=en\"><input type=\"hidden\" name=\"csrf_token\" value=\"{}\"><input type=\"hidden\" name=\"value\" value=\"0\">",
        ana.csrf_token
    )));
    // The list agrees with the page.
    let (_, html) = get_page(&state, "/documents").await;
    assert!(text(&html).contains("2 of 6 passages reviewed"));

    // Every decision is in the audit log under her account name, with the value before and after.
    let mut conn = state.db.get().unwrap();
    let entries =
        gcm::db::review::audit_entries(&mut conn, Some(&format!("mapping:{to_10}")), 10).unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].actor, "user:ana");
    assert_eq!(entries[0].before.as_ref().unwrap()["basis"], "auto");
    assert_eq!(entries[0].after.as_ref().unwrap()["basis"], "reviewed");
    drop(conn);

    // Refused values name their field, in the page's language; unknown things are 404.
    for (uri, fields, status, words) in [
        (
            format!("/mappings/{to_10}/decision?lang=en"),
            vec![("decision", "maybe")],
            400,
            "decision: `maybe` is not a decision; accepted: accept, reject, undo",
        ),
        (
            format!("/items/{source}-p001/objectives?lang=en"),
            vec![("objective", "24")],
            400,
            "objective: `24` is not an objective number",
        ),
        (
            format!("/items/{source}-p001/objectives?lang=en"),
            vec![("objective", "")],
            400,
            "objective: `` is not an objective number",
        ),
        (
            format!("/items/{source}-p001/principles?lang=en"),
            vec![("principle", "kindness")],
            400,
            "principle: `kindness` is not a guiding principle",
        ),
        (
            format!("/items/{source}-p001/not-evidence?lang=en"),
            vec![("value", "yes")],
            400,
            "value: `yes` is not accepted",
        ),
        (
            "/mappings/999999/decision?lang=en".to_string(),
            vec![("decision", "accept")],
            404,
            "no mapping with id 999999",
        ),
        (
            "/items/nothing/objectives?lang=en".to_string(),
            vec![("objective", "3")],
            404,
            "no evidence item `nothing`",
        ),
        (
            format!("/mappings/{to_10}/decision?show=some&lang=en"),
            vec![("decision", "accept")],
            400,
            "show: `some` is not accepted",
        ),
    ] {
        let mut all = vec![("csrf_token", ana.csrf_token.as_str())];
        all.extend(fields);
        let (got, _, html) = page(&state, post_form(&uri, Some(&ana), &all)).await;
        assert_eq!(got, status, "{uri}: {html}");
        assert!(text(&html).contains(words), "{uri}: {}", text(&html));
    }
}

#[actix_web::test]
async fn forms_without_a_session_a_token_or_this_origin_change_nothing() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    let token = editor_token(&state);
    let source = upload(&state, &token, URI, REPORT).await;
    let ana = sign_in(&db, &state);
    let p2 = item(&state, &format!("{source}-p002")).await;
    let to_10 = mapping_id(&p2, 10);
    let uri = format!("/mappings/{to_10}/decision?lang=en");

    // Nobody signed in: the form sends to the sign-in page (which then opens the documents); the
    // upload form too, and comes back to it.
    let (status, headers, _) = page(
        &state,
        post_form(&uri, None, &[("csrf_token", "x"), ("decision", "accept")]),
    )
    .await;
    assert_eq!(status, 303);
    assert_eq!(
        header(&headers, "location"),
        Some("/sign-in?next=%2Fdocuments&lang=en")
    );
    let (status, headers, _) = page(&state, test::TestRequest::get().uri("/documents/new")).await;
    assert_eq!(status, 303);
    assert_eq!(
        header(&headers, "location"),
        Some("/sign-in?next=%2Fdocuments%2Fnew&lang=en")
    );
    // A forged or missing token, and a form from another site: 403 in the page's language.
    for request in [
        post_form(
            &uri,
            Some(&ana),
            &[("csrf_token", "forged"), ("decision", "accept")],
        ),
        post_form(&uri, Some(&ana), &[("decision", "accept")]),
        post_form(
            &uri,
            Some(&ana),
            &[("csrf_token", &ana.csrf_token), ("decision", "accept")],
        )
        .insert_header(("Origin", "https://elsewhere.example")),
    ] {
        let (status, _, html) = page(&state, request).await;
        assert_eq!(status, 403, "{html}");
        assert!(text(&html).contains("Nothing was changed"), "{html}");
    }
    let (status, _, html) = page(
        &state,
        post_form(
            &uri.replace("lang=en", "lang=es"),
            Some(&ana),
            &[("csrf_token", "forged"), ("decision", "accept")],
        ),
    )
    .await;
    assert_eq!(status, 403);
    assert!(html.contains("<html lang=\"es\">"));
    // The mapping is still a suggestion.
    let p2 = item(&state, &format!("{source}-p002")).await;
    let still = p2["objectives"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["objective"] == 10)
        .unwrap()
        .clone();
    assert_eq!(still["basis"], "auto");
}

/// A part of a `multipart/form-data` body: a field, or a file with its name and type.
enum Part<'a> {
    Field(&'a str, &'a str),
    File {
        name: &'a str,
        content_type: &'a str,
        bytes: &'a [u8],
    },
}

const BOUNDARY: &str = "----gcm-test-boundary-7MA4YWxkTrZu0gW";

fn multipart(parts: &[Part<'_>]) -> Vec<u8> {
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match part {
            Part::Field(name, value) => {
                body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                        .as_bytes(),
                );
            }
            Part::File {
                name,
                content_type,
                bytes,
            } => {
                body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: {content_type}\r\n\r\n"
                    )
                    .as_bytes(),
                );
                body.extend_from_slice(bytes);
                body.extend_from_slice(b"\r\n");
            }
        }
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn post_upload(uri: &str, session: &Session, parts: &[Part<'_>]) -> test::TestRequest {
    test::TestRequest::post()
        .uri(uri)
        .insert_header(("Host", "localhost:8080"))
        .insert_header(("Origin", "http://localhost:8080"))
        .insert_header(("Cookie", format!("gcm_session={}", session.secret)))
        .insert_header((
            "Content-Type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        ))
        .set_payload(multipart(parts))
}

fn sources_count(state: &gcm::web::AppState) -> i64 {
    use diesel::prelude::*;
    let mut conn = state.db.get().unwrap();
    gcm::db::schema::sources::table
        .count()
        .get_result(&mut conn)
        .unwrap()
}

#[actix_web::test]
async fn the_upload_form_stores_a_report_or_lists_every_problem() {
    let db = common::TestDatabase::new();
    let database = gcm::startup::prepare_database(&db.settings()).expect("prepare database");
    // A small limit, so that a file over it is easy to make: the fixture report is 1,234 bytes... of
    // text well under 4 KiB.
    let policy = gcm::web::WebPolicy {
        document_bytes: 4096,
        ..gcm::web::WebPolicy::default()
    };
    let state = gcm::web::AppState::with_policy(database, policy);
    let ana = sign_in(&db, &state);
    let sources = sources_count(&state);

    // The form: a file, the country, the cycles of the store (newest first), the title, the language
    // (or detect) and the kind (a national report unless told).
    let (status, headers, html) = page(&state, get_as("/documents/new", &ana)).await;
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "cache-control"), Some("private, no-store"));
    assert!(html.contains("enctype=\"multipart/form-data\""));
    for id in [
        "upload-file",
        "upload-country",
        "upload-cycle",
        "upload-title",
        "upload-language",
        "upload-kind",
    ] {
        assert!(
            html.contains(&format!("<label for=\"{id}\"")),
            "{id} has its label"
        );
    }
    assert!(html.contains("<option value=\"national_report\" selected>National report</option>"));
    assert!(text(&html).contains("up to 0 MB"));

    // Every problem at once, each naming its field, in the page's language; nothing stored.
    let (status, _, html) = page(
        &state,
        post_upload(
            "/documents?lang=es",
            &ana,
            &[
                Part::Field("csrf_token", &ana.csrf_token),
                Part::Field("country", "XX"),
                Part::Field("cycle", "1999"),
                Part::Field("title", ""),
                Part::Field("language", "de"),
                Part::Field("kind", "novel"),
                Part::File {
                    name: "",
                    content_type: "application/octet-stream",
                    bytes: b"",
                },
            ],
        ),
    )
    .await;
    assert_eq!(status, 422, "{html}");
    let shown = text(&html);
    assert!(
        shown.contains("El informe no se guardó: 6 problema(s) por corregir"),
        "{shown}"
    );
    for words in [
        "Elija el archivo del informe.",
        "El país debe ser un código ISO 3166-1 alfa-3, como COL.",
        "Elija uno de los ciclos de examen de la lista.",
        "Indique un título de 1 a 300 caracteres.",
        "Elija un idioma de la lista, o deje que se detecte.",
        "Elija un tipo de documento de la lista.",
    ] {
        assert!(shown.contains(words), "{words}: {shown}");
    }
    // Each problem links to its control, which is marked invalid; what was sent stays in the form.
    assert!(html.contains("<a href=\"#upload-country\">"));
    assert!(html.contains("aria-invalid=\"true\""));
    assert!(html.contains("name=\"country\" value=\"XX\""));
    assert_eq!(sources_count(&state), sources);

    // A file of a type the service does not read: 415, as the API gives.
    let fields = |title: &'static str| {
        vec![
            Part::Field("csrf_token", ana.csrf_token.as_str()),
            Part::Field("country", "col"),
            Part::Field("cycle", "2025"),
            Part::Field("title", title),
            Part::Field("language", ""),
            Part::Field("kind", ""),
        ]
    };
    let mut parts = fields("Informe");
    parts.push(Part::File {
        name: "foto.png",
        content_type: "image/png",
        bytes: b"\x89PNG\r\n\x1a\n0000",
    });
    let (status, _, html) = page(&state, post_upload("/documents", &ana, &parts)).await;
    assert_eq!(status, 415);
    assert!(
        text(&html).contains("This kind of file is not read"),
        "{}",
        text(&html)
    );
    // Larger than limits.document_bytes: 413.
    let large = "palabra ".repeat(1000);
    let mut parts = fields("Informe");
    parts.push(Part::File {
        name: "grande.txt",
        content_type: "text/plain",
        bytes: large.as_bytes(),
    });
    let (status, _, html) = page(&state, post_upload("/documents", &ana, &parts)).await;
    assert_eq!(status, 413);
    assert!(text(&html).contains("The file is too large."));
    // It was read to its end (and dropped), so the form comes back filled in as sent.
    assert!(html.contains("name=\"title\" value=\"Informe\""), "{html}");
    // Far larger (more than four times the limit): refused as soon as that much has come.
    let huge = "palabra ".repeat(3000);
    let mut parts = fields("Informe");
    parts.push(Part::File {
        name: "enorme.txt",
        content_type: "text/plain",
        bytes: huge.as_bytes(),
    });
    let (status, _, html) = page(&state, post_upload("/documents", &ana, &parts)).await;
    assert_eq!(status, 413);
    assert!(text(&html).contains("The file is too large."));
    // A forged token: 403, whatever else the form holds.
    let mut parts = fields("Informe");
    parts[0] = Part::Field("csrf_token", "forged");
    parts.push(Part::File {
        name: "informe.md",
        content_type: "text/markdown",
        bytes: REPORT.as_bytes(),
    });
    let (status, _, _) = page(&state, post_upload("/documents", &ana, &parts)).await;
    assert_eq!(status, 403);
    assert_eq!(sources_count(&state), sources);

    // The report, sent as a browser sends a file it has no type for: told by its bytes and name.
    let mut parts = fields("Informe de prueba");
    parts.push(Part::File {
        name: "informes/informe-ficticio-2025.md",
        content_type: "application/octet-stream",
        bytes: REPORT.as_bytes(),
    });
    let (status, headers, html) = page(&state, post_upload("/documents", &ana, &parts)).await;
    assert_eq!(status, 303, "{html}");
    let location = header(&headers, "location").unwrap().to_string();
    assert!(
        location.starts_with("/documents/doc-col-2025-"),
        "{location}"
    );
    assert!(location.ends_with("?lang=en"));
    let source = location
        .trim_start_matches("/documents/")
        .trim_end_matches("?lang=en")
        .to_string();
    assert_eq!(sources_count(&state), sources + 1);
    // Stored as the API stores it: the same passages, by the person signed in, the file's own name.
    let (_, _, stored) = send(
        &state,
        test::TestRequest::get().uri(&format!("/api/v1/sources/{source}")),
    )
    .await;
    assert_eq!(stored["origin"], "informe-ficticio-2025.md");
    assert_eq!(stored["items"], 6);
    let (status, html) = get_page(&state, &location).await;
    assert_eq!(status, 200);
    assert!(text(&html).contains("1 of 6 passages reviewed"));
    let mut conn = state.db.get().unwrap();
    let entries =
        gcm::db::review::audit_entries(&mut conn, Some(&format!("source:{source}")), 5).unwrap();
    assert_eq!(entries[0].actor, "user:ana");
    assert_eq!(entries[0].action, "document.ingest");
    drop(conn);

    // The same file again: 409, with a link to the stored one.
    let (status, _, html) = page(&state, post_upload("/documents", &ana, &parts)).await;
    assert_eq!(status, 409);
    assert!(text(&html).contains("This very file is already stored."));
    assert!(html.contains(&format!("href=\"/documents/{source}?lang=en\"")));
}
