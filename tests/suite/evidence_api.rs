//! The evidence store over HTTP, on the backend under test, loaded from the bundled fixtures.
//!
//! Expected values are read off `fixtures/items.jsonl` (built from ../shared/corpus/items.jsonl) by hand;
//! each assertion says which items make the number.

use crate::common;

use std::collections::BTreeSet;

use actix_web::test;
use serde_json::Value;

async fn get(state: &gcm::web::AppState, uri: &str) -> (u16, Value) {
    let app = test::init_service(gcm::web::app(state.clone())).await;
    let response = test::call_service(&app, test::TestRequest::get().uri(uri).to_request()).await;
    let status = response.status().as_u16();
    (status, test::read_body_json(response).await)
}

fn ids(body: &Value) -> BTreeSet<String> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect()
}

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

#[actix_web::test]
async fn all_387_items_and_five_sources_are_served() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);

    let (status, sources) = get(&state, "/api/v1/sources").await;
    assert_eq!(status, 200);
    assert_eq!(sources["count"], 5);
    // Items per source document: seed 000 has 19, 001 has 99, 002 has 49, 003 has 110, 004 has 110.
    let per_source: Vec<(String, i64)> = sources["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap().to_string(),
                s["items"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        per_source,
        vec![
            ("seed-000".to_string(), 19),
            ("seed-001".to_string(), 99),
            ("seed-002".to_string(), 49),
            ("seed-003".to_string(), 110),
            ("seed-004".to_string(), 110),
        ]
    );

    let (_, all) = get(&state, "/api/v1/evidence?limit=1").await;
    assert_eq!(all["total"], 387);
}

#[actix_web::test]
async fn country_counts_match_the_corpus() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    // Corpus README: Mexico 27, Chile 17, Argentina 14, Colombia 11, Panama 11, Ecuador 10, Brazil 10.
    for (iso3, expected) in [
        ("MEX", 27),
        ("CHL", 17),
        ("ARG", 14),
        ("COL", 11),
        ("PAN", 11),
        ("ECU", 10),
        ("BRA", 10),
    ] {
        let (status, body) = get(
            &state,
            &format!("/api/v1/evidence?country={iso3}&limit=200"),
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(body["total"], expected, "{iso3}");
        assert_eq!(body["items"].as_array().unwrap().len(), expected as usize);
    }

    // Each of Mexico's items carries its quote, source and line span, and a link to those lines.
    let (_, mexico) = get(&state, "/api/v1/evidence?country=mex&limit=200").await;
    for item in mexico["items"].as_array().unwrap() {
        assert_eq!(item["reporting_country"]["iso3"], "MEX");
        assert!(!item["quote"].as_str().unwrap().is_empty());
        assert!(item["source"]["id"].as_str().unwrap().starts_with("seed-"));
        assert!(item["line_start"].as_i64().unwrap() <= item["line_end"].as_i64().unwrap());
        assert!(item["links"]["source_lines"]
            .as_str()
            .unwrap()
            .contains("?lines="));
    }
}

#[actix_web::test]
async fn filters_combine() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    let fetch = |uri: String| {
        let state = state.clone();
        async move { get(&state, &uri).await.1 }
    };

    // Mexico x objective 19 (diaspora contributions): the GlobalMx network (s001-m057, basis section) and
    // two follow-up report entries mapped to 19 by inference (s004-r023, s004-r041).
    let body = fetch("/api/v1/evidence?country=MEX&objective=19".into()).await;
    assert_eq!(ids(&body), set(&["s001-m057", "s004-r023", "s004-r041"]));
    // ... and with basis=section only the GlobalMx item remains: the basis applies to the objective-19 mapping.
    let body = fetch("/api/v1/evidence?country=MEX&objective=19&basis=section".into()).await;
    assert_eq!(ids(&body), set(&["s001-m057"]));
    // s004-r023 maps 21 and 19 by inference; asking 19 with basis=section must not match it through 21.
    let body = fetch("/api/v1/evidence?objective=21&basis=section&country=MEX".into()).await;
    assert_eq!(body["total"], 0);

    // Six items cite an objective by number: s000-p16 (1), s001-m003..m006 (17), s001-m062 (6).
    let body = fetch("/api/v1/evidence?basis=cited".into()).await;
    assert_eq!(
        ids(&body),
        set(&[
            "s000-p16",
            "s001-m003",
            "s001-m004",
            "s001-m005",
            "s001-m006",
            "s001-m062"
        ])
    );
    let body = fetch("/api/v1/evidence?basis=cited&objective=17".into()).await;
    assert_eq!(body["total"], 4);
    let body = fetch("/api/v1/evidence?basis=cited&country=PER".into()).await;
    assert_eq!(ids(&body), set(&["s000-p16"]));

    // Cycles follow the sources: 2025 = seed 000 (19) + seed 003 (110); 2021 = seed 001 (99) + 002 (49);
    // pre-gcm = seed 004 (110).
    for (cycle, expected) in [("2025", 129), ("2021", 148), ("pre-gcm", 110)] {
        let body = fetch(format!("/api/v1/evidence?cycle={cycle}&limit=1")).await;
        assert_eq!(body["total"], expected, "cycle {cycle}");
    }
    // Mexico has no item in the 2025 sources.
    let body = fetch("/api/v1/evidence?cycle=2025&country=MEX".into()).await;
    assert_eq!(body["total"], 0);

    // 23 of Mexico's 27 items are Summit follow-up report entries.
    let body = fetch("/api/v1/evidence?country=MEX&kind=report_entry&limit=1".into()).await;
    assert_eq!(body["total"], 23);
    let body = fetch("/api/v1/evidence?country=MEX&kind=practice,measure".into()).await;
    assert_eq!(body["total"], 3);

    // Only the Comprehensive Protection Route for migrant children (s002-p44) is Mexican and child-sensitive.
    let body = fetch("/api/v1/evidence?country=MEX&principle=child-sensitive".into()).await;
    assert_eq!(ids(&body), set(&["s002-p44"]));

    // Text search is case-insensitive: "trata" (trafficking, Spanish) stands in 8 items of seed 004.
    let body = fetch("/api/v1/evidence?q=TRATA&source=seed-004".into()).await;
    assert_eq!(body["total"], 8);
    // Case folding beyond ASCII on both backends: "MIGRAÇÃO" finds the Portuguese "migração".
    let lower = fetch("/api/v1/evidence?q=migra%C3%A7%C3%A3o".into()).await;
    let upper = fetch("/api/v1/evidence?q=MIGRA%C3%87%C3%83O".into()).await;
    assert!(lower["total"].as_i64().unwrap() > 0);
    assert_eq!(lower["total"], upper["total"]);
    let body = fetch("/api/v1/evidence?q=100%25".into()).await; // a literal %, not a wildcard
    assert!(body["total"].as_i64().unwrap() < 387);
}

#[actix_web::test]
async fn paging_is_stable_and_complete() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    let mut seen = Vec::new();
    let mut offset = Some(0);
    while let Some(at) = offset {
        let (_, page) = get(&state, &format!("/api/v1/evidence?limit=100&offset={at}")).await;
        seen.extend(ids(&page).into_iter().collect::<Vec<_>>());
        offset = page["next_offset"].as_i64();
    }
    let unique: BTreeSet<&String> = seen.iter().collect();
    assert_eq!(seen.len(), 387);
    assert_eq!(unique.len(), 387, "no item on two pages");
    let (_, first) = get(&state, "/api/v1/evidence?limit=3").await;
    let (_, again) = get(&state, "/api/v1/evidence?limit=3").await;
    assert_eq!(first["items"], again["items"]);
}

#[actix_web::test]
async fn one_item_comes_with_its_source_lines() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    // s001-m057 spans lines 1236-1240 of seed 001; three lines either side are its context.
    let (status, item) = get(&state, "/api/v1/evidence/s001-m057").await;
    assert_eq!(status, 200);
    assert_eq!(item["line_start"], 1236);
    assert_eq!(item["source_context"]["start"], 1233);
    assert_eq!(item["source_context"]["end"], 1243);
    let lines = item["source_context"]["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 11);
    let in_span: String = lines
        .iter()
        .filter(|l| l["in_span"] == true)
        .map(|l| l["text"].as_str().unwrap())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(in_span.contains(item["quote"].as_str().unwrap()));
    let objectives: Vec<(i64, &str)> = item["objectives"]
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
    assert_eq!(objectives, vec![(19, "section"), (18, "inferred")]);

    // The source's own lines: footnote 9 of seed 001 dates Costa Rica's champion status.
    let (status, source) = get(&state, "/api/v1/sources/seed-001?lines=1689-1689").await;
    assert_eq!(status, 200);
    // 2039 newlines and a last line without one: 2040 lines (`wc -l` says 2039).
    assert_eq!(source["line_count"], 2040);
    assert_eq!(
        source["lines"][0]["text"],
        "⁹ Costa Rica was confirmed as a champion country in November 2021."
    );
}

#[actix_web::test]
async fn bad_parameters_name_themselves() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    for (uri, parameter) in [
        ("/api/v1/evidence?country=XXX", "country"),
        ("/api/v1/evidence?country=Mexico", "country"),
        ("/api/v1/evidence?objective=24", "objective"),
        ("/api/v1/evidence?objective=0", "objective"),
        ("/api/v1/evidence?principle=kindness", "principle"),
        ("/api/v1/evidence?kind=rumour", "kind"),
        ("/api/v1/evidence?source=seed-999", "source"),
        ("/api/v1/evidence?cycle=2030", "cycle"),
        ("/api/v1/evidence?basis=guess", "basis"),
        ("/api/v1/evidence?limit=1000", "limit"),
        ("/api/v1/evidence?offset=-5", "offset"),
        ("/api/v1/sources/seed-001?lines=9-3", "lines"),
        ("/api/v1/sources/seed-001?lines=5000-5001", "lines"),
    ] {
        let (status, body) = get(&state, uri).await;
        assert_eq!(status, 400, "{uri}");
        assert_eq!(body["parameter"], parameter, "{uri}: {body}");
        assert!(
            body["message"].as_str().unwrap().contains("accepted")
                || parameter == "lines"
                || parameter == "country",
            "{uri}: {body}"
        );
    }
    let (status, _) = get(&state, "/api/v1/evidence/no-such-item").await;
    assert_eq!(status, 404);
    let (status, _) = get(&state, "/api/v1/sources/seed-999").await;
    assert_eq!(status, 404);
}

#[actix_web::test]
async fn cycles_list_their_sources_and_voluntary_reports_and_champions_their_dates() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    let (status, body) = get(&state, "/api/v1/cycles").await;
    assert_eq!(status, 200);
    let cycles = body["cycles"].as_array().unwrap();
    let ids: Vec<&str> = cycles.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, vec!["pre-gcm", "2021", "2025"]);
    // 2021: seeds 001 and 002 (99 + 49 items); the 17 voluntary national reports of seed 001, Annex 2.
    assert_eq!(
        cycles[1]["sources"],
        serde_json::json!(["seed-001", "seed-002"])
    );
    assert_eq!(cycles[1]["items"], 148);
    let reports = cycles[1]["voluntary_reports"].as_array().unwrap();
    assert_eq!(reports.len(), 17);
    assert!(reports.contains(&serde_json::json!("LCA")));
    assert!(!reports.contains(&serde_json::json!("BRA")));

    let (_, body) = get(&state, "/api/v1/champions").await;
    assert_eq!(body["count"], 7);
    let costa_rica = body["champions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["iso3"] == "CRI")
        .unwrap();
    assert_eq!(costa_rica["since"], "2021-11");
    assert_eq!(
        costa_rica["links"]["source_lines"],
        "/api/v1/sources/seed-001?lines=1689-1689"
    );
    let mexico = body["champions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["iso3"] == "MEX")
        .unwrap();
    assert_eq!(
        mexico["since"],
        serde_json::Value::Null,
        "seed 001 gives no start date"
    );
    assert_eq!(mexico["as_of"], "2022-02");
}
