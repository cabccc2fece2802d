//! The framework and country API over a real database of the backend under test (SQLite by default,
//! PostgreSQL when GCM_TEST_POSTGRES_URL is set). Expected values come from DOMAIN.md and the seeds.

use crate::common;

use std::collections::BTreeSet;

use actix_web::test;
use serde_json::Value;

async fn get(state: gcm::web::AppState, uri: &str) -> (u16, Value) {
    let app = test::init_service(gcm::web::app(state)).await;
    let response = test::call_service(&app, test::TestRequest::get().uri(uri).to_request()).await;
    let status = response.status().as_u16();
    let body: Value = test::read_body_json(response).await;
    (status, body)
}

fn objectives_of(group: &Value) -> Vec<i64> {
    group["objectives"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.as_i64().unwrap())
        .collect()
}

#[actix_web::test]
async fn framework_has_23_objectives_10_principles_and_two_groupings() {
    let db = common::TestDatabase::new();
    let (status, body) = get(common::prepared_state(&db), "/api/v1/framework").await;
    assert_eq!(status, 200);

    let objectives = body["objectives"].as_array().unwrap();
    assert_eq!(objectives.len(), 23);
    assert_eq!(objectives[0]["number"], 1);
    assert_eq!(objectives[0]["short_label"]["en"], "Data");
    assert_eq!(objectives[0]["short_label"]["es"], "Datos");
    assert_eq!(
        objectives[12]["title"]["en"],
        "Use migration detention only as a measure of last resort and work towards alternatives"
    );
    assert_eq!(body["principles"].as_array().unwrap().len(), 10);
    assert_eq!(body["principles"][9]["name"]["es"], "Enfoque pansocial");

    let groupings = body["groupings"].as_array().unwrap();
    let mptf = groupings.iter().find(|g| g["id"] == "mptf").unwrap();
    assert_eq!(mptf["default"], true);
    assert_eq!(mptf["version"], "2019");
    let areas = mptf["groups"].as_array().unwrap();
    assert_eq!(areas.len(), 5);
    // DOMAIN.md: TA1 = 1, 3, 17, 23, and objective 23 sits in all five areas.
    assert_eq!(areas[0]["id"], "TA1");
    assert_eq!(objectives_of(&areas[0]), vec![1, 3, 17, 23]);
    for area in areas {
        assert!(objectives_of(area).contains(&23), "{} lacks 23", area["id"]);
    }
    // The five areas list 4 + 6 + 6 + 6 + 5 = 27 memberships: the 22 other objectives once, 23 five times.
    let memberships: usize = areas.iter().map(|a| objectives_of(a).len()).sum();
    assert_eq!(memberships, 27);

    // The IMRF round tables partition 1..=23: 5 + 7 + 6 + 5 = 23 memberships, no objective twice.
    let imrf = groupings.iter().find(|g| g["id"] == "imrf").unwrap();
    let tables = imrf["groups"].as_array().unwrap();
    assert_eq!(tables.len(), 4);
    let mut all: Vec<i64> = tables.iter().flat_map(objectives_of).collect();
    all.sort();
    assert_eq!(all, (1..=23).collect::<Vec<i64>>());
}

#[actix_web::test]
async fn countries_cover_the_world_and_filter_by_subregion_and_bloc() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);

    let (status, all) = get(state.clone(), "/api/v1/countries").await;
    assert_eq!(status, 200);
    assert_eq!(all["count"], 249); // every ISO 3166-1 entry
    let mexico = all["countries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["iso3"] == "MEX")
        .unwrap();
    assert_eq!(mexico["iso2"], "MX");
    assert_eq!(mexico["name"]["es"], "México");
    assert_eq!(mexico["region"], "Americas");
    assert_eq!(mexico["subregion"], "Central America");
    assert_eq!(
        mexico["blocs"],
        serde_json::json!(["PACIFIC_ALLIANCE", "RCM"])
    );

    let iso3s = |body: &Value| -> BTreeSet<String> {
        body["countries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["iso3"].as_str().unwrap().to_string())
            .collect()
    };
    // UN M49 Central America: the seven isthmus countries plus Mexico.
    let (_, central) = get(
        state.clone(),
        "/api/v1/countries?subregion=Central%20America",
    )
    .await;
    let expected: BTreeSet<String> = ["BLZ", "CRI", "SLV", "GTM", "HND", "MEX", "NIC", "PAN"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(iso3s(&central), expected);

    // RCM members as seed 003 line 76 lists them; the filter is case-insensitive.
    let (_, rcm) = get(state.clone(), "/api/v1/countries?bloc=rcm").await;
    let expected: BTreeSet<String> = [
        "BLZ", "CAN", "CRI", "DOM", "SLV", "GTM", "HND", "MEX", "NIC", "PAN", "USA",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(iso3s(&rcm), expected);

    // Both filters together: SACM members in South America are all twelve.
    let (_, both) = get(
        state.clone(),
        "/api/v1/countries?bloc=SACM&subregion=south%20america",
    )
    .await;
    assert_eq!(both["count"], 12);
}

#[actix_web::test]
async fn bad_parameters_and_unknown_routes_are_json_errors() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);

    let (status, body) = get(state.clone(), "/api/v1/countries?bloc=NATO").await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "bad_request");
    assert_eq!(body["parameter"], "bloc");
    let message = body["message"].as_str().unwrap();
    assert!(message.contains("NATO") && message.contains("RCM") && message.contains("SACM"));

    let (status, body) = get(state.clone(), "/api/v1/countries?subregion=Atlantis").await;
    assert_eq!(status, 400);
    assert_eq!(body["parameter"], "subregion");
    assert!(body["message"].as_str().unwrap().contains("Caribbean"));

    let (status, body) = get(state, "/api/v1/nothing-here").await;
    assert_eq!(status, 404);
    assert_eq!(body["error"], "not_found");
}

#[actix_web::test]
async fn preparing_twice_loads_reference_data_once() {
    let db = common::TestDatabase::new();
    let first = common::prepared_state(&db);
    drop(first);
    let again = common::prepared_state(&db);
    let (_, framework) = get(again.clone(), "/api/v1/framework").await;
    assert_eq!(framework["objectives"].as_array().unwrap().len(), 23);
    let (_, countries) = get(again, "/api/v1/countries").await;
    assert_eq!(countries["count"], 249);
}
