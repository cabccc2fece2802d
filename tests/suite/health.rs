//! `/health` tells whether the database answers, and the service recovers by itself when it returns.
//!
//! Cutting a database off needs a network path to cut, so this runs against PostgreSQL through a TCP proxy
//! that the test closes and reopens. It is ignored without PostgreSQL (`.ci/run` runs it with GCM_TEST_POSTGRES_URL and --include-ignored).

use crate::common;

use std::net::ToSocketAddrs;

use actix_web::test;
use serde_json::Value;

async fn health(state: &gcm::web::AppState) -> (u16, Option<String>, Value) {
    let app = test::init_service(gcm::web::app(state.clone())).await;
    let response =
        test::call_service(&app, test::TestRequest::get().uri("/health").to_request()).await;
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_string());
    (status, retry_after, test::read_body_json(response).await)
}

#[actix_web::test]
async fn health_is_ok_on_a_working_database() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    let (status, _, body) = health(&state).await;
    assert_eq!(status, 200);
    assert_eq!(body, serde_json::json!({"status": "ok", "database": "ok"}));
}

#[actix_web::test]
#[ignore = "needs PostgreSQL: set GCM_TEST_POSTGRES_URL and run with --include-ignored"]
async fn health_reports_an_unreachable_database_and_recovers() {
    let server = common::require_postgres();
    let db = common::TestDatabase::postgres(&server);
    // Prepare the schema directly, then serve through the proxy.
    common::prepared_state(&db);
    let host_port = server
        .rsplit('@')
        .next()
        .unwrap()
        .trim_start_matches("postgres://")
        .trim_start_matches("postgresql://");
    let target = host_port.to_socket_addrs().unwrap().next().unwrap();
    let mut proxy = common::CuttableProxy::start(target);
    let database_name = db.url.rsplit('/').next().unwrap();
    let user = server
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split('@').next())
        .filter(|_| server.contains('@'))
        .unwrap_or("postgres");
    let proxied_url = format!("postgres://{user}@{}/{database_name}", proxy.address);
    let settings = common::settings_with_url(&proxied_url);
    let state = gcm::web::AppState::new(gcm::db::Database::open(&settings.database).unwrap());

    let (status, _, _) = health(&state).await;
    assert_eq!(status, 200, "healthy through the proxy");

    proxy.cut();
    let (status, retry_after, body) = health(&state).await;
    assert_eq!(status, 503);
    assert_eq!(
        body,
        serde_json::json!({"status": "degraded", "database": "unavailable"})
    );
    assert!(retry_after.is_some(), "503 tells the client when to retry");

    // API calls answer 503 too, with the JSON error shape.
    let app = test::init_service(gcm::web::app(state.clone())).await;
    let response = test::call_service(
        &app,
        test::TestRequest::get()
            .uri("/api/v1/framework")
            .to_request(),
    )
    .await;
    assert_eq!(response.status().as_u16(), 503);
    let body: Value = test::read_body_json(response).await;
    assert_eq!(body["error"], "unavailable");
    // So do the pages (an HTML page saying so), the charts, and a write (the token cannot be checked).
    for (method, uri) in [
        ("GET", "/?lang=es"),
        ("GET", "/charts/objectives.svg"),
        ("POST", "/api/v1/mappings/1/accept"),
    ] {
        let request = match method {
            "POST" => test::TestRequest::post().insert_header(("Authorization", "Bearer gcm_x")),
            _ => test::TestRequest::get(),
        };
        let response = test::call_service(&app, request.uri(uri).to_request()).await;
        assert_eq!(response.status().as_u16(), 503, "{uri}");
        assert!(response.headers().contains_key("retry-after"), "{uri}");
    }

    proxy.restore();
    let (status, _, body) = health(&state).await;
    assert_eq!(status, 200, "recovers without a restart: {body}");
}
