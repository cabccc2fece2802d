//! CSV exports: they parse back to the numbers the JSON API gives, follow the Excel options, and carry
//! the right headers. Backend under test as for every suite.

use crate::common;

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
    assert_eq!(covered[col("method_version")], "gcm-coverage/1.1");
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
    assert!(etag.starts_with("W/\""), "a weak tag: {etag}");
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

#[actix_web::test]
async fn the_export_command_writes_the_same_bytes_as_the_endpoint() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    let (_, _, served) = fetch(
        &state,
        "/exports/coverage-matrix.csv?group=bloc:SACM&excel=1&lang=pt",
        None,
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("matrix.csv");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_gcm"))
        .args([
            "export",
            "coverage-matrix",
            "--group",
            "bloc:SACM",
            "--excel",
            "--lang",
            "pt",
            "--out",
        ])
        .arg(&file)
        .env("GCM__DATABASE__URL", &db.url)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(std::fs::read(&file).unwrap(), served);

    let output = std::process::Command::new(env!("CARGO_BIN_EXE_gcm"))
        .args(["export", "matrix"])
        .env("GCM__DATABASE__URL", &db.url)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("accepted: indicators, coverage-matrix")
    );
}

#[actix_web::test]
async fn evidence_csv_lists_every_mapping_and_neutralises_formulas() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    // One row per item and objective mapping, one row for an item mapped to nothing: the corpus has 775
    // mappings (6 cited + 184 subject + 85 section + 500 inferred) and 24 items without objective: 799.
    let (status, headers, body) = fetch(&state, "/exports/evidence.csv", None).await;
    assert_eq!(status, 200);
    assert!(header(&headers, "content-disposition").contains("gcm-evidence_all_all_"));
    let (names, rows) = records(&body, b',');
    assert_eq!(names[0], "item_id");
    assert_eq!(rows.len(), 799);
    // Mexico: 49 mappings and s004-r044, which has none: 50 rows, and its quote and span travel with it.
    let (_, _, body) = fetch(&state, "/exports/evidence.csv?country=MEX", None).await;
    let (names, rows) = records(&body, b',');
    assert_eq!(rows.len(), 50);
    let col = |name: &str| names.iter().position(|n| n == name).unwrap();
    let globalmx: Vec<&Vec<String>> = rows
        .iter()
        .filter(|r| r[col("item_id")] == "s001-m057")
        .collect();
    assert_eq!(globalmx.len(), 2);
    assert_eq!(globalmx[0][col("line_start")], "1236");
    assert!(globalmx[0][col("quote")].starts_with("Established in 2000"));

    // An item titled `=1+1` comes out as text, not as a formula.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("formula.jsonl"),
        r#"{"id":"formula-1","source":"seed-001","line_start":1689,"line_end":1689,"kind":"statement","title":"=1+1","quote":"Costa Rica was confirmed","language":"en","reporting_iso3":"CRI","objectives":[{"objective":23,"basis":"inferred"}]}"#,
    )
    .unwrap();
    let files = gcm::ingestion::read_paths(&[dir.path().join("formula.jsonl")]).unwrap();
    let mut conn = state.db.get().unwrap();
    gcm::ingestion::import(&mut conn, &files, &|_, _| {}).unwrap();
    drop(conn);
    let (_, _, body) = fetch(&state, "/exports/evidence.csv?country=CRI&q=%3D1%2B1", None).await;
    let text = String::from_utf8(body).unwrap();
    assert!(text.contains(",'=1+1,"), "{text}");
    let (status, _, _) = fetch(&state, "/exports/evidence.csv?objective=30", None).await;
    assert_eq!(status, 400);
}

#[actix_web::test]
async fn the_bundle_holds_every_table_the_methodology_and_metadata() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    let (status, headers, body) = fetch(
        &state,
        "/exports/bundle.zip?group=champions&cycle=2021",
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "content-type"), "application/zip");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(body)).expect("a zip archive");
    let today = chrono::Utc::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();
    let mut names: Vec<String> = archive
        .file_names()
        .map(|name| name.expect("a UTF-8 file name").to_string())
        .collect();
    names.sort();
    assert_eq!(
        names,
        vec![
            "METHODOLOGY.md".to_string(),
            "evidence.csv".to_string(),
            format!("gcm-coverage-matrix_champions_2021_{today}.csv"),
            format!("gcm-indicators_champions_2021_{today}.csv"),
            "metadata.json".to_string(),
        ]
    );
    let read = |archive: &mut zip::ZipArchive<std::io::Cursor<Vec<u8>>>, name: &str| {
        use std::io::Read;
        let mut bytes = Vec::new();
        archive
            .by_name(name)
            .unwrap()
            .read_to_end(&mut bytes)
            .unwrap();
        bytes
    };
    let metadata: Value = serde_json::from_slice(&read(&mut archive, "metadata.json")).unwrap();
    assert_eq!(metadata["method_version"], "gcm-coverage/1.1");
    assert_eq!(
        metadata["sources"],
        serde_json::json!(["seed-001", "seed-002"])
    );
    // The bundled table is the one the endpoint serves for the same selection.
    let (_, _, served) = fetch(
        &state,
        "/exports/indicators.csv?group=champions&cycle=2021",
        None,
    )
    .await;
    assert_eq!(
        read(
            &mut archive,
            &format!("gcm-indicators_champions_2021_{today}.csv")
        ),
        served
    );
    // Evidence of the 2021 cycle: seeds 001 and 002 (148 items).
    let (_, rows) = records(&read(&mut archive, "evidence.csv"), b',');
    let items: std::collections::BTreeSet<&String> = rows.iter().map(|r| &r[0]).collect();
    assert_eq!(items.len(), 148);
}

#[actix_web::test]
async fn the_export_command_writes_evidence_and_bundles() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    let gcm = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_gcm"))
            .args(args)
            .env("GCM__DATABASE__URL", &db.url)
            .output()
            .unwrap()
    };
    // Mexico's evidence: the same bytes as the endpoint (50 rows, see the test above).
    let (_, _, served) = fetch(&state, "/exports/evidence.csv?country=MEX", None).await;
    let output = gcm(&["export", "evidence", "--country", "mex"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(output.stdout, served);
    assert_eq!(records(&output.stdout, b',').1.len(), 50);

    // A bad filter names its option and the accepted values.
    let output = gcm(&["export", "evidence", "--cycle", "1999"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--cycle: unknown cycle `1999`; accepted:"),
        "{stderr}"
    );
    let output = gcm(&["export", "indicators", "--country", "MEX"]);
    assert_eq!(output.status.code(), Some(1));

    // The bundle for the 2021 champions holds the five files the endpoint's bundle holds.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bundle.zip");
    let output = gcm(&[
        "export",
        "bundle",
        "--group",
        "champions",
        "--cycle",
        "2021",
        "--out",
        file.to_str().unwrap(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let archive = zip::ZipArchive::new(std::fs::File::open(&file).unwrap()).unwrap();
    let mut names: Vec<String> = archive
        .file_names()
        .map(|name| name.expect("a UTF-8 file name").to_string())
        .collect();
    names.sort();
    assert_eq!(names.len(), 5, "{names:?}");
    assert_eq!(names[0], "METHODOLOGY.md");
    assert_eq!(names[1], "evidence.csv");
    assert_eq!(names[4], "metadata.json");
}
