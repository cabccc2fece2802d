//! CSV exports: they parse back to the numbers the JSON API gives, follow the Excel options, and carry
//! the right headers. Backend under test as for every suite.

mod common;

use actix_web::test;
use serde_json::Value;

async fn fetch(
    state: &gcm::web::AppState,
    uri: &str,
    etag: Option<&str>,
) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let app = test::init_service(gcm::web::app(state.clone())).await;
    let mut request = test::TestRequest::get().uri(uri);
    if let Some(tag) = etag {
        request = request.insert_header(("If-None-Match", tag));
    }
    let response = test::call_service(&app, request.to_request()).await;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let body = test::read_body(response).await.to_vec();
    (status, headers, body)
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

fn records(body: &[u8], delimiter: u8) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_reader(body);
    let headers = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (headers, rows)
}

#[actix_web::test]
async fn indicators_csv_agrees_with_the_json_profile() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    let (status, headers, body) =
        fetch(&state, "/exports/indicators.csv?group=MEX,NIC", None).await;
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "content-type"), "text/csv; charset=utf-8");
    let disposition = header(&headers, "content-disposition");
    let today = chrono::Utc::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();
    assert_eq!(
        disposition,
        format!("attachment; filename=\"gcm-indicators_mex-nic_all_{today}.csv\"")
    );
    let (names, rows) = records(&body, b',');
    assert_eq!(names[..3], ["iso3", "country", "indicator"]);
    let col = |name: &str| names.iter().position(|n| n == name).unwrap();
    let find = |iso3: &str, indicator: &str, dimension: &str| -> Vec<String> {
        rows.iter()
            .find(|r| {
                r[col("iso3")] == iso3
                    && r[col("indicator")] == indicator
                    && r[col("dimension")] == dimension
            })
            .unwrap_or_else(|| panic!("{iso3} {indicator} {dimension}"))
            .clone()
    };

    let app = test::init_service(gcm::web::app(state.clone())).await;
    let response = test::call_service(
        &app,
        test::TestRequest::get()
            .uri("/api/v1/countries/MEX/profile")
            .to_request(),
    )
    .await;
    let profile: Value = test::read_body_json(response).await;

    let covered = find("MEX", "objectives_covered", "all");
    assert_eq!(
        covered[col("value")],
        profile["objectives_covered"].to_string()
    ); // 18
    assert_eq!(covered[col("denominator")], "23");
    assert_eq!(covered[col("method_version")], "gcm-coverage/1.0");
    for objective in profile["objectives"].as_array().unwrap() {
        let n = objective["objective"].to_string();
        assert_eq!(
            find("MEX", "depth", &n)[col("value")],
            objective["depth"].to_string()
        );
        assert_eq!(
            find("MEX", "evidence_count", &n)[col("value")],
            objective["evidence_count"].to_string()
        );
    }
    for area in profile["areas"].as_array().unwrap() {
        let row = find("MEX", "objectives_covered", area["id"].as_str().unwrap());
        assert_eq!(row[col("value")], area["covered"].to_string());
        assert_eq!(row[col("denominator")], area["total"].to_string());
    }
    let balance: f64 = find("MEX", "balance", "all")[col("value")].parse().unwrap();
    assert!((balance - profile["balance"]["value"].as_f64().unwrap()).abs() < 1e-6);
    // Nicaragua has no evidence: its rows say so in words.
    assert_eq!(
        find("NIC", "objectives_covered", "all")[col("status")],
        "no evidence in these sources"
    );
    assert_eq!(find("NIC", "balance", "all")[col("value")], "");
}

#[actix_web::test]
async fn coverage_matrix_has_a_row_per_country_and_a_column_per_objective() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    let (status, _, body) =
        fetch(&state, "/exports/coverage-matrix.csv?group=champions", None).await;
    assert_eq!(status, 200);
    let (names, rows) = records(&body, b',');
    assert_eq!(names.len(), 2 + 23 + 6);
    assert_eq!(names[2], "objective_1");
    assert_eq!(names[24], "objective_23");
    assert_eq!(rows.len(), 7); // the seven champions
    let mexico = rows.iter().find(|r| r[0] == "MEX").unwrap();
    // Depths from the hand-worked profile (tests/indicators.rs): 18 and 19 are 3, 7 is 2, 2 has none.
    assert_eq!(mexico[2 + 17], "3");
    assert_eq!(mexico[2 + 6], "2");
    assert_eq!(mexico[2 + 1], "0");
    assert_eq!(mexico[25], "18");
}

#[actix_web::test]
async fn excel_variants_and_etags() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    let (_, headers, spanish) = fetch(
        &state,
        "/exports/indicators.csv?group=MEX&excel=1&lang=es",
        None,
    )
    .await;
    assert!(spanish.starts_with(b"\xEF\xBB\xBF"), "byte-order mark");
    let (names, rows) = records(&spanish[3..], b';');
    let col = |name: &str| names.iter().position(|n| n == name).unwrap();
    let share = rows
        .iter()
        .find(|r| r[col("indicator")] == "objectives_share")
        .unwrap();
    assert_eq!(share[col("value")], "0,782609"); // 18 / 23 with a decimal comma
    let (_, _, english) = fetch(&state, "/exports/indicators.csv?group=MEX&excel=1", None).await;
    assert!(english.starts_with(b"\xEF\xBB\xBF"));
    assert!(String::from_utf8_lossy(&english).contains(",0.782609,"));

    // The same table again with its ETag: 304 and no body.
    let etag = header(&headers, "etag").to_string();
    assert!(etag.starts_with('"'));
    let (status, _, body) = fetch(
        &state,
        "/exports/indicators.csv?group=MEX&excel=1&lang=es",
        Some(&etag),
    )
    .await;
    assert_eq!(status, 304);
    assert!(body.is_empty());

    let (status, _, body) = fetch(&state, "/exports/indicators.csv?excel=yes", None).await;
    assert_eq!(status, 400);
    let error: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(error["parameter"], "excel");
}
