//! Writing needs a token of the right role; reviewers' decisions change the indicators and leave an
//! audit trail; security headers and the reading policy. Backend under test as for every suite.

use crate::common;

use actix_web::test;
use serde_json::Value;

async fn call(
    state: &gcm::web::AppState,
    method: &str,
    uri: &str,
    token: Option<&str>,
) -> (u16, Vec<(String, String)>, Value) {
    let mut request = match method {
        "POST" => test::TestRequest::post(),
        _ => test::TestRequest::get(),
    }
    .uri(uri);
    if let Some(token) = token {
        request = request.insert_header(("Authorization", format!("Bearer {token}")));
    }
    common::send(state, request).await
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

fn token(state: &gcm::web::AppState, name: &str, role: gcm::auth::Role) -> String {
    let mut conn = state.db.get().unwrap();
    gcm::db::tokens::create(&mut conn, name, role, "test").unwrap()
}

/// Ids of an item's mappings to `objective`.
async fn mapping_ids(state: &gcm::web::AppState, item: &str, objective: i64) -> Vec<i64> {
    let (_, _, body) = call(state, "GET", &format!("/api/v1/evidence/{item}"), None).await;
    body["objectives"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["objective"] == objective)
        .map(|m| m["id"].as_i64().unwrap())
        .collect()
}

#[actix_web::test]
async fn decisions_need_an_editor_token_and_change_the_indicators() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    let editor = token(&state, "reviewer@eclac", gcm::auth::Role::Editor);
    let admin = token(&state, "admin", gcm::auth::Role::Admin);
    let r013 = mapping_ids(&state, "s004-r013", 14).await;
    let r014 = mapping_ids(&state, "s004-r014", 14).await;
    assert_eq!((r013.len(), r014.len()), (1, 1));
    let uri = |id: i64, what: &str| format!("/api/v1/mappings/{id}/{what}");

    // No token, a malformed header, an unknown token: 401 with a JSON error, nothing written.
    let (status, headers, body) = call(&state, "POST", &uri(r013[0], "reject"), None).await;
    assert_eq!(status, 401);
    assert_eq!(header(&headers, "www-authenticate"), "Bearer");
    assert_eq!(body["error"], "unauthorized");
    let (status, _, _) = call(
        &state,
        "POST",
        &uri(r013[0], "reject"),
        Some("gcm_not-a-token"),
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(mapping_ids(&state, "s004-r013", 14).await, r013);

    // Colombia covers 18 objectives; objective 14 rests on s004-r013 and s004-r014 alone (their
    // `inferred` mappings to 14; tests/indicators.rs lists where each of Colombia's depths comes from).
    let (_, _, before) = call(&state, "GET", "/api/v1/countries/COL/profile", None).await;
    assert_eq!(before["objectives_covered"], 18);
    assert_eq!(before["objectives"][13]["depth"], 1);

    // The editor rejects both: objective 14 has no evidence left, Colombia covers 17.
    for id in [r013[0], r014[0]] {
        let (status, _, body) = call(&state, "POST", &uri(id, "reject"), Some(&editor)).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["decision"], "reject");
        assert_eq!(body["before"]["basis"], "inferred");
        assert_eq!(body["after"], Value::Null);
    }
    let (_, _, after) = call(&state, "GET", "/api/v1/countries/COL/profile", None).await;
    assert_eq!(after["objectives_covered"], 17);
    assert_eq!(after["objectives"][13]["depth"], 0);
    // Rejected twice: the mapping is gone, so 404.
    let (status, _, _) = call(&state, "POST", &uri(r013[0], "reject"), Some(&editor)).await;
    assert_eq!(status, 404);

    // Accepting makes a mapping `reviewed` and the reviewer's; accepting again changes nothing.
    let r013_19 = mapping_ids(&state, "s004-r013", 19).await[0];
    let (status, _, body) = call(&state, "POST", &uri(r013_19, "accept"), Some(&editor)).await;
    assert_eq!(status, 200);
    assert_eq!(body["after"]["basis"], "reviewed");
    assert_eq!(body["after"]["created_by"], "token:reviewer@eclac");
    let (_, _, body) = call(&state, "POST", &uri(r013_19, "accept"), Some(&editor)).await;
    assert_eq!(body["unchanged"], true);
    let (status, _, body) = call(&state, "POST", "/api/v1/mappings/x/accept", Some(&editor)).await;
    assert_eq!(status, 400);
    assert_eq!(body["parameter"], "id");

    // The audit log: admins only; three decisions, newest first, with the values before and after.
    let (status, _, _) = call(&state, "GET", "/api/v1/audit", Some(&editor)).await;
    assert_eq!(status, 403);
    let (status, _, body) = call(&state, "GET", "/api/v1/audit", Some(&admin)).await;
    assert_eq!(status, 200);
    let decisions: Vec<&Value> = body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"].as_str().unwrap().starts_with("mapping."))
        .collect();
    assert_eq!(decisions.len(), 3);
    assert_eq!(decisions[0]["action"], "mapping.accept");
    assert_eq!(decisions[0]["actor"], "token:reviewer@eclac");
    assert_eq!(decisions[0]["before"]["basis"], "inferred");
    assert_eq!(decisions[0]["after"]["basis"], "reviewed");
    assert_eq!(decisions[2]["target"], format!("mapping:{}", r013[0]));

    // A revoked token stops working at once.
    let mut conn = state.db.get().unwrap();
    gcm::db::tokens::revoke(&mut conn, "reviewer@eclac", "test").unwrap();
    drop(conn);
    let (status, _, body) = call(&state, "POST", &uri(r013_19, "accept"), Some(&editor)).await;
    assert_eq!(status, 401);
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains("unknown or revoked"));
}

#[actix_web::test]
async fn security_headers_and_a_reading_policy() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    let (_, headers, _) = call(&state, "GET", "/api/v1/framework", None).await;
    assert_eq!(header(&headers, "x-content-type-options"), "nosniff");
    let csp = header(&headers, "content-security-policy");
    assert!(csp.contains("default-src 'self'"), "{csp}");
    assert!(csp.ends_with("frame-ancestors 'self'"), "{csp}");

    // A deployment that lets one site embed the pages, and wants a token for reading.
    let policy = gcm::web::WebPolicy {
        read_requires_token: true,
        frame_ancestors: vec!["https://www.example.org".into()],
        ..Default::default()
    };
    let locked = gcm::web::AppState::with_policy(state.db.clone(), policy);
    let (status, headers, body) = call(&locked, "GET", "/api/v1/framework", None).await;
    assert_eq!(status, 401, "{body}");
    assert!(header(&headers, "content-security-policy")
        .ends_with("frame-ancestors 'self' https://www.example.org"));
    let (status, _, _) = call(&locked, "GET", "/health", None).await;
    assert_eq!(status, 200);
    let editor = token(&locked, "reader", gcm::auth::Role::Editor);
    let (status, _, _) = call(&locked, "GET", "/api/v1/framework", Some(&editor)).await;
    assert_eq!(status, 200);
}

#[actix_web::test]
async fn an_admin_answer_is_never_served_from_the_cache() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    let admin = token(&state, "admin", gcm::auth::Role::Admin);
    // The audit log under an encoded path (`%61` is `a`): the router decodes it, the cache sees it raw.
    // The admin's answer must not be stored for the anonymous request that follows.
    let (status, _, _) = call(&state, "GET", "/api/v1/%61udit", Some(&admin)).await;
    assert_eq!(status, 200);
    let (status, _, body) = call(&state, "GET", "/api/v1/%61udit", None).await;
    assert_eq!(status, 401, "{body}");
    // An anonymous read is cached, and a write retires it: the second answer is fresh.
    let (_, _, first) = call(&state, "GET", "/api/v1/countries/COL/profile", None).await;
    assert_eq!(first["objectives_covered"], 18);
    let editor = token(&state, "editor", gcm::auth::Role::Editor);
    for item in ["s004-r013", "s004-r014"] {
        for id in mapping_ids(&state, item, 14).await {
            let (status, _, _) = call(
                &state,
                "POST",
                &format!("/api/v1/mappings/{id}/reject"),
                Some(&editor),
            )
            .await;
            assert_eq!(status, 200);
        }
    }
    let (_, _, second) = call(&state, "GET", "/api/v1/countries/COL/profile", None).await;
    assert_eq!(second["objectives_covered"], 17);
}
