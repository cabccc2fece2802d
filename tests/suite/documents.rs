//! A national report posted to the API becomes passages with suggestions, which a reviewer accepts;
//! the country's indicators change only then. Bad uploads are refused with a clear error and leave
//! nothing behind. Backend under test as for every suite.

use crate::common;

use actix_web::test;
use serde_json::Value;

const REPORT: &str = include_str!("../fixtures/reports/informe-ficticio-2025.md");

use common::send;

fn post(
    uri: &str,
    token: Option<&str>,
    content_type: &str,
    body: impl Into<Vec<u8>>,
) -> test::TestRequest {
    let mut request = test::TestRequest::post()
        .uri(uri)
        .insert_header(("Content-Type", content_type))
        .set_payload(body.into());
    if let Some(token) = token {
        request = request.insert_header(("Authorization", format!("Bearer {token}")));
    }
    request
}

async fn get(state: &gcm::web::AppState, uri: &str) -> Value {
    send(state, test::TestRequest::get().uri(uri)).await.2
}

fn editor(state: &gcm::web::AppState) -> String {
    let mut conn = state.db.get().unwrap();
    gcm::db::tokens::create(&mut conn, "editor", gcm::auth::Role::Editor, "test").unwrap()
}

const URI: &str = "/api/v1/documents?country=COL&cycle=2025&title=Informe%20de%20prueba";

#[actix_web::test]
async fn a_posted_report_becomes_reviewable_passages() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    let token = editor(&state);
    let (_, _, before) = send(
        &state,
        test::TestRequest::get().uri("/api/v1/countries/COL/profile"),
    )
    .await;
    assert_eq!(before["objectives_covered"], 18);

    let (status, headers, body) = send(
        &state,
        post(URI, Some(&token), "text/markdown; charset=utf-8", REPORT),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let source = body["source"].as_str().unwrap().to_string();
    assert!(source.starts_with("doc-col-2025-"));
    assert!(headers
        .iter()
        .any(|(k, v)| k == "location" && v == &format!("/api/v1/sources/{source}")));
    // The report has six paragraphs of text (the two headings and the page number "12" are not
    // passages). Spanish is detected. Suggestions, from assets/lexicon/es.toml, score 1 - e^-(sum of
    // weights) and count from 0.35:
    //   p1 (what the text is): no topic term;
    //   p2: "víctimas de trata" 2.0 -> objective 10 (0.865); "fronteras" 0.6 -> 11 (0.451);
    //       "interinstitucional" 1.0 -> whole-of-government (0.632);
    //   p3: "tráfico ilícito de migrantes" 2.0 -> 9; "frontera" 0.6 -> 11;
    //   p4: "regularización migratoria" 1.5 + "permisos de residencia" 1.2 -> 5;
    //       "servicios de salud" 1.2 + "educación" 0.5 -> 15 (0.817);
    //   p5: "red consular" 1.5 + "protección consular" 2.0 + "nacionales en el exterior" 1.2 -> 14;
    //       "línea telefónica" 0.8 -> 3 (0.551);
    //   p6: "remesas" 2.0 + "inclusión financiera" 2.0 -> 20.
    // Nine objective suggestions and one principle suggestion.
    assert_eq!(body["language"], "es");
    assert_eq!(body["passages"], 6);
    assert_eq!(body["suggestions"]["objectives"], 9);
    assert_eq!(body["suggestions"]["principles"], 1);

    // The passages are evidence items of kind report_passage, credited to Colombia, with `auto`
    // mappings whose rationale names the triggering terms.
    let listed = get(&state, &format!("/api/v1/evidence?source={source}")).await;
    assert_eq!(listed["total"], 6);
    let p4 = get(&state, &format!("/api/v1/evidence/{source}-p004")).await;
    assert_eq!(p4["kind"], "report_passage");
    assert_eq!(p4["reporting_country"]["iso3"], "COL");
    assert_eq!(
        (p4["line_start"].as_i64(), p4["line_end"].as_i64()),
        (Some(18), Some(19))
    );
    let objectives: Vec<(i64, &str)> = p4["objectives"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["objective"].as_i64().unwrap(),
                m["basis"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(objectives, vec![(5, "auto"), (15, "auto")]);
    let to_15 = &p4["objectives"][1];
    assert!(to_15["rationale"]
        .as_str()
        .unwrap()
        .contains("\"servicios de salud\""));
    assert_eq!(to_15["created_by"], "gcm-classify/gcm-lexicon-2026.1");

    // Suggestions do not count until reviewed: Colombia still covers 18 objectives, and objective 15
    // (one of its five gaps) counts only with basis=auto asked for.
    let (_, _, unchanged) = send(
        &state,
        test::TestRequest::get().uri("/api/v1/countries/COL/profile"),
    )
    .await;
    assert_eq!(unchanged["objectives_covered"], 18);
    let with_auto = get(
        &state,
        "/api/v1/countries/COL/profile?basis=cited,subject,section,inferred,reviewed,auto",
    )
    .await;
    assert_eq!(with_auto["objectives"][14]["depth"], 1);

    // The reviewer accepts p4 -> 15: it becomes `reviewed` and Colombia covers 19 objectives.
    let id = to_15["id"].as_i64().unwrap();
    let (status, _, _) = send(
        &state,
        test::TestRequest::post()
            .uri(&format!("/api/v1/mappings/{id}/accept"))
            .insert_header(("Authorization", format!("Bearer {token}"))),
    )
    .await;
    assert_eq!(status, 200);
    let after = get(&state, "/api/v1/countries/COL/profile").await;
    assert_eq!(after["objectives_covered"], 19);
    assert_eq!(
        after["objectives"][14]["depth"], 1,
        "a report passage counts as mentioned"
    );

    // The same report again: 409, naming the stored source.
    let (status, _, body) = send(&state, post(URI, Some(&token), "text/plain", REPORT)).await;
    assert_eq!(status, 409);
    assert!(body["message"].as_str().unwrap().contains(&source));
}

#[actix_web::test]
async fn bad_uploads_are_refused_and_leave_nothing() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    let token = editor(&state);
    let sources_before = get(&state, "/api/v1/sources").await["sources"]
        .as_array()
        .unwrap()
        .len();

    let cases: Vec<(test::TestRequest, u16, &str)> = vec![
        (post(URI, None, "text/plain", REPORT), 401, "unauthorized"),
        (
            post(URI, Some(&token), "application/json", "{}"),
            415,
            "unsupported_format",
        ),
        (
            post(URI, Some(&token), "text/plain; charset=latin1", REPORT),
            415,
            "unsupported_media_type",
        ),
        (
            post(
                "/api/v1/documents?cycle=2025&title=x",
                Some(&token),
                "text/plain",
                REPORT,
            ),
            400,
            "bad_request",
        ),
        (
            post(
                URI,
                Some(&token),
                "text/plain",
                vec![0x49, 0x6e, 0xff, 0xfe],
            ),
            // Byte 3 (0xff) is the first that is not UTF-8.
            422,
            "not_utf8",
        ),
        (
            post(
                &URI.replace("COL", "XYZ"),
                Some(&token),
                "text/plain",
                REPORT,
            ),
            422,
            "invalid",
        ),
        (
            post(
                &URI.replace("2025", "2099"),
                Some(&token),
                "text/plain",
                REPORT,
            ),
            422,
            "invalid",
        ),
        (
            post(
                &format!("{URI}&language=de"),
                Some(&token),
                "text/plain",
                REPORT,
            ),
            422,
            "invalid",
        ),
        (
            post(URI, Some(&token), "text/plain", "12\n\n13\n"),
            422,
            "invalid",
        ),
    ];
    for (request, status, code) in cases {
        let (got, _, body) = send(&state, request).await;
        assert_eq!(
            (got, body["error"].as_str().unwrap_or("")),
            (status, code),
            "{body}"
        );
    }
    // The unknown country's problem says what and where.
    let (_, _, body) = send(
        &state,
        post(
            &URI.replace("COL", "XYZ"),
            Some(&token),
            "text/plain",
            REPORT,
        ),
    )
    .await;
    let problems: Vec<&str> = body["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert!(
        problems
            .iter()
            .any(|p| p.contains("reporting_iso3") && p.contains("XYZ")),
        "{problems:?}"
    );

    // Larger than the configured limit: 413 before anything is read into the store.
    let small = gcm::web::AppState::with_policy(
        state.db.clone(),
        gcm::web::WebPolicy {
            document_bytes: 100,
            ..Default::default()
        },
    );
    let (status, _, body) = send(&small, post(URI, Some(&token), "text/plain", REPORT)).await;
    assert_eq!(status, 413, "{body}");

    // A write that fails half way (the audit-log row, written last, is made to fail): nothing stays.
    let mut conn = state.db.get().unwrap();
    let (create, drop_trigger) = if db.url.starts_with("postgres") {
        (
            vec![
                "CREATE FUNCTION gcm_fail() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$ LANGUAGE plpgsql",
                "CREATE TRIGGER gcm_fail BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION gcm_fail()",
            ],
            vec!["DROP TRIGGER gcm_fail ON audit_log", "DROP FUNCTION gcm_fail()"],
        )
    } else {
        (
            vec!["CREATE TRIGGER gcm_fail BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'injected failure'); END"],
            vec!["DROP TRIGGER gcm_fail"],
        )
    };
    use diesel::RunQueryDsl;
    for sql in &create {
        diesel::sql_query(*sql).execute(&mut conn).unwrap();
    }
    drop(conn);
    let (status, _, _) = send(&state, post(URI, Some(&token), "text/plain", REPORT)).await;
    assert_eq!(status, 500);
    let sources_after = get(&state, "/api/v1/sources").await["sources"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(sources_after, sources_before, "no source left behind");
    let passages = get(&state, "/api/v1/evidence?kind=report_passage").await;
    assert_eq!(passages["total"], 0, "no passage left behind");
    let mut conn = state.db.get().unwrap();
    for sql in &drop_trigger {
        diesel::sql_query(*sql).execute(&mut conn).unwrap();
    }
    drop(conn);
    // With the fault gone, the same upload goes through.
    let (status, _, _) = send(&state, post(URI, Some(&token), "text/plain", REPORT)).await;
    assert_eq!(status, 201);
}
