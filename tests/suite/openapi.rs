//! The API description (`/api/v1/openapi.json`): a valid OpenAPI 3.1 document that lists every JSON
//! route the application declares, with its parameters and the schema of its answer.

use crate::common;

use actix_web::test as actix_test;

#[actix_web::test]
async fn the_description_is_valid_and_lists_every_json_route() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    let app = actix_test::init_service(gcm::web::app(state)).await;
    let request = actix_test::TestRequest::get()
        .uri("/api/v1/openapi.json")
        .to_request();
    let response = actix_test::call_service(&app, request).await;
    assert_eq!(response.status(), 200);
    let body = actix_test::read_body(response).await;
    let text = std::str::from_utf8(&body).unwrap();
    // A document that an OpenAPI 3.1 reader takes: oas3 parses it into its typed model.
    let spec = oas3::from_json(text).expect("a valid OpenAPI 3.1 document");
    assert!(spec.openapi.starts_with("3.1"), "{}", spec.openapi);
    let paths = spec.paths.clone().unwrap_or_default();

    // The JSON routes are the API's and the health check; pages, charts and tables are not JSON.
    let json_routes: Vec<(&str, &str)> = gcm::web::declared_routes()
        .into_iter()
        .filter(|(_, path)| path.starts_with("/api/") || *path == "/health")
        .collect();
    assert!(json_routes.len() >= 19, "{json_routes:?}");
    for (method, path) in &json_routes {
        let Some(item) = paths.get(*path) else {
            panic!("{method} {path} is not in the description");
        };
        let operation = match *method {
            "GET" => item.get.as_ref(),
            "POST" => item.post.as_ref(),
            other => panic!("unexpected method {other}"),
        };
        let operation = operation.unwrap_or_else(|| panic!("{method} {path}: no operation"));
        // Every path parameter of the pattern is described.
        for name in path
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        {
            let described = operation.parameters.iter().any(|p| match p {
                oas3::spec::ObjectOrReference::Object(p) => p.name == name,
                oas3::spec::ObjectOrReference::Ref { .. } => false,
            });
            assert!(
                described,
                "{method} {path}: parameter {name} is not described"
            );
        }
        // A successful answer with a schema (the description itself is the one answer without).
        let responses = operation.responses.clone().unwrap_or_default();
        let ok = responses
            .iter()
            .find(|(status, _)| status.starts_with('2'))
            .unwrap_or_else(|| panic!("{method} {path}: no 2xx answer"));
        if *path != "/api/v1/openapi.json" {
            let described = serde_json::to_value(ok.1).unwrap();
            assert!(
                described.to_string().contains("application/json"),
                "{method} {path}: the answer has no JSON schema: {described}"
            );
        }
    }
    // Query parameters, as the handlers read them.
    let evidence = &paths["/api/v1/evidence"].get.as_ref().unwrap().parameters;
    for name in ["country", "objective", "cycle", "basis", "limit", "offset"] {
        assert!(
            evidence
                .iter()
                .any(|p| matches!(p, oas3::spec::ObjectOrReference::Object(p) if p.name == name)),
            "/api/v1/evidence lacks {name}"
        );
    }
    // The answers' schemas are components, with their fields.
    let value: serde_json::Value = serde_json::from_str(text).unwrap();
    let schemas = &value["components"]["schemas"];
    for (schema, field) in [
        ("IndicatorsAnswer", "countries"),
        ("ProfileAnswer", "peers"),
        ("ItemAnswer", "objectives"),
        ("ErrorAnswer", "parameter"),
    ] {
        assert!(
            schemas[schema]["properties"][field].is_object(),
            "{schema}.{field} missing: {}",
            schemas[schema]
        );
    }
}
