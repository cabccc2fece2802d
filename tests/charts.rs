//! Charts: the SVG is well-formed XML with its text alternative and labels, the PNG decodes, and bad sizes
//! are refused with the accepted range.

mod common;

use actix_web::test;

async fn fetch(state: &gcm::web::AppState, uri: &str) -> (u16, String, Vec<u8>) {
    let app = test::init_service(gcm::web::app(state.clone())).await;
    let response = test::call_service(&app, test::TestRequest::get().uri(uri).to_request()).await;
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (
        status,
        content_type,
        test::read_body(response).await.to_vec(),
    )
}

#[actix_web::test]
async fn coverage_matrix_svg_is_well_formed_and_labelled() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    let (status, content_type, body) =
        fetch(&state, "/charts/coverage-matrix.svg?group=champions").await;
    assert_eq!(status, 200);
    assert_eq!(content_type, "image/svg+xml");
    let svg = String::from_utf8(body).unwrap();
    let document = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    let root = document.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.attribute("role"), Some("img"));
    let title = root
        .children()
        .find(|n| n.has_tag_name("title"))
        .and_then(|n| n.text())
        .unwrap();
    assert_eq!(title, "Evidence per GCM objective, 7 countries (champions)");
    let desc = root
        .children()
        .find(|n| n.has_tag_name("desc"))
        .and_then(|n| n.text())
        .unwrap();
    // Champions' coverage (tests/indicators.rs): Colombia and Mexico tie at 18 objectives.
    assert!(
        desc.contains("7 of 7 countries have evidence in these sources"),
        "{desc}"
    );
    assert!(
        desc.contains("Colombia and Mexico cover the most objectives (18 of 23)"),
        "{desc}"
    );
    assert!(
        desc.contains("gcm-coverage/1.0") && desc.contains("seed-004"),
        "{desc}"
    );
    let texts: Vec<&str> = document
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .map(str::trim) // plotters writes each label on a line of its own
        .collect();
    for label in [
        "Mexico",
        "Honduras",
        "TA1",
        "TA5",
        "all areas",
        "no evidence in these sources",
    ] {
        assert!(texts.contains(&label), "missing label {label}");
    }
}

#[actix_web::test]
async fn coverage_matrix_png_decodes_at_the_asked_size() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    let (status, content_type, body) = fetch(
        &state,
        "/charts/coverage-matrix.png?group=bloc:SACM&width=900&height=500",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(content_type, "image/png");
    let image = image::load_from_memory(&body).expect("a PNG that decodes");
    assert_eq!((image.width(), image.height()), (900, 500));
    // The same chart through ?format=png on the .svg address.
    let (_, content_type, _) = fetch(
        &state,
        "/charts/coverage-matrix.svg?group=bloc:SACM&format=png",
    )
    .await;
    assert_eq!(content_type, "image/png");
}

#[actix_web::test]
async fn bad_chart_parameters_name_themselves() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    for (uri, parameter) in [
        ("/charts/coverage-matrix.svg?width=10", "width"),
        ("/charts/coverage-matrix.svg?height=99999", "height"),
        ("/charts/coverage-matrix.svg?format=gif", "format"),
        ("/charts/coverage-matrix.svg?group=bloc:NATO", "group"),
    ] {
        let (status, _, body) = fetch(&state, uri).await;
        assert_eq!(status, 400, "{uri}");
        let error: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(error["parameter"], parameter, "{uri}");
    }
}
