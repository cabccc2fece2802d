//! Editions: frozen, citable states of the store. An edition made before a write answers exactly as
//! before after it (JSON, CSV and SVG bytes) while live answers change; the changes endpoint lists the
//! write; only admins create editions, once per id; an unknown edition is named; the bundle of an
//! edition carries its citation; backup and restore keep editions. Backend under test as for every
//! suite.

use std::io::Read;

use actix_web::test;
use serde_json::Value;

use crate::common;

async fn get(state: &gcm::web::AppState, uri: &str) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let app = test::init_service(gcm::web::app(state.clone())).await;
    let response = test::call_service(&app, test::TestRequest::get().uri(uri).to_request()).await;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    (status, headers, test::read_body(response).await.to_vec())
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

async fn create(
    state: &gcm::web::AppState,
    token: Option<&str>,
    body: Value,
) -> (u16, Vec<(String, String)>, Value) {
    let mut request = test::TestRequest::post()
        .uri("/api/v1/snapshots")
        .set_json(body);
    if let Some(token) = token {
        request = request.insert_header(("Authorization", format!("Bearer {token}")));
    }
    common::send(state, request).await
}

/// An edition's JSON object without its leading `edition` member: the bytes live data gave.
fn without_edition_member(body: &[u8]) -> Vec<u8> {
    let value: Value = serde_json::from_slice(body).unwrap();
    let member = serde_json::to_vec(&value["edition"]).unwrap();
    let prefix = [b"{\"edition\":".as_slice(), &member, b","].concat();
    assert!(body.starts_with(&prefix), "the edition member comes first");
    [b"{".as_slice(), &body[prefix.len()..]].concat()
}

/// The answers the edition must keep: a country profile and evidence (JSON), the region's indicators
/// table (CSV) and its coverage matrix (SVG).
const ANSWERS: [&str; 4] = [
    "/api/v1/countries/ATG/profile",
    "/api/v1/evidence?country=ATG",
    "/exports/indicators.csv?group=lac",
    "/charts/coverage-matrix.svg?group=lac",
];

fn in_edition(uri: &str, id: &str) -> String {
    let separator = if uri.contains('?') { '&' } else { '?' };
    format!("{uri}{separator}snapshot={id}")
}

/// Imports one statement by Antigua and Barbuda (which the fixtures give no evidence) on objective 23,
/// basis `inferred`, from a line of seed-001.
fn import_antigua(state: &gcm::web::AppState) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("antigua.jsonl"),
        r#"{"id":"atg-1","source":"seed-001","line_start":1689,"line_end":1689,"kind":"statement","title":"Antigua and Barbuda on partnerships","quote":"Costa Rica was confirmed","language":"en","reporting_iso3":"ATG","objectives":[{"objective":23,"basis":"inferred"}]}"#,
    )
    .unwrap();
    let files = gcm::ingestion::read_paths(&[dir.path().join("antigua.jsonl")]).unwrap();
    let mut conn = state.db.get().unwrap();
    gcm::ingestion::import(&mut conn, &files, &|_, _| {}).unwrap();
}

#[actix_web::test]
async fn an_edition_answers_as_before_after_an_import_while_live_data_changes() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    let admin = token(&state, "publisher", gcm::auth::Role::Admin);
    let mut live_before = Vec::new();
    for uri in ANSWERS {
        let (status, headers, body) = get(&state, uri).await;
        assert_eq!(status, 200, "{uri}");
        assert_eq!(header(&headers, "gcm-edition"), "live", "{uri}");
        live_before.push(body);
    }
    let (status, _, made) = create(
        &state,
        Some(&admin),
        serde_json::json!({"id": "lac-2026", "title": "LAC review 2026", "note": "before Antigua"}),
    )
    .await;
    assert_eq!(status, 201, "{made}");
    // The fixtures: 5 sources, 387 items and 775 objective mappings (the evidence CSV test counts them).
    assert_eq!(made["counts"]["items"], 387);
    assert_eq!(made["counts"]["sources"], 5);
    assert_eq!(made["counts"]["mappings"], 775);
    assert_eq!(made["method_version"], gcm::indicators::METHOD_VERSION);
    assert_eq!(made["model_version"], gcm::mapping::lexicon_version());
    let sha = made["sha256"].as_str().unwrap().to_string();
    assert_eq!(sha.len(), 64);

    // Before any write the edition answers what live data answers, with the edition named.
    let mut edition_before = Vec::new();
    for (uri, live) in ANSWERS.iter().zip(&live_before) {
        let (status, headers, body) = get(&state, &in_edition(uri, "lac-2026")).await;
        assert_eq!(status, 200, "{uri}");
        assert_eq!(header(&headers, "gcm-edition"), "lac-2026");
        assert_eq!(header(&headers, "gcm-edition-sha256"), sha);
        if uri.starts_with("/api/") {
            assert_eq!(&without_edition_member(&body), live, "{uri}");
            let value: Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(value["edition"]["id"], "lac-2026");
            assert_eq!(value["edition"]["title"], "LAC review 2026");
        } else {
            assert_eq!(&body, live, "{uri}");
        }
        edition_before.push(body);
    }

    import_antigua(&state);

    for (i, uri) in ANSWERS.iter().enumerate() {
        let (_, _, live_after) = get(&state, uri).await;
        assert_ne!(
            live_after, live_before[i],
            "live {uri} changes with the import"
        );
        let (status, _, edition_after) = get(&state, &in_edition(uri, "lac-2026")).await;
        assert_eq!(status, 200);
        assert_eq!(
            edition_after, edition_before[i],
            "the edition's {uri} keeps its bytes"
        );
    }
    // Live, Antigua now has one item on one objective; in the edition it has none.
    let (_, _, live) = get(&state, "/api/v1/countries/ATG/profile").await;
    let live: Value = serde_json::from_slice(&live).unwrap();
    assert_eq!(live["items_counted"], 1);
    let (_, _, frozen) = get(&state, "/api/v1/countries/ATG/profile?snapshot=lac-2026").await;
    let frozen: Value = serde_json::from_slice(&frozen).unwrap();
    assert_eq!(frozen["items_counted"], 0);

    // The changes since the edition: the one item added, nothing removed or remapped, and Antigua's
    // indicators: items 0 -> 1, objectives 0 -> 1 (objective 23 gained), mappings counted 0 -> 1
    // (`inferred` counts by default), principles 0 -> 0 (the item names none). No other country moved:
    // the item is credited to Antigua alone.
    let (status, _, changes) = common::send(
        &state,
        test::TestRequest::get().uri("/api/v1/snapshots/lac-2026/changes"),
    )
    .await;
    assert_eq!(status, 200, "{changes}");
    assert_eq!(
        changes,
        serde_json::json!({
            "countries": [{
                "items_counted": {"after": 1, "before": 0},
                "iso3": "ATG",
                "mappings_counted": {"after": 1, "before": 0},
                "objectives_covered": {"after": 1, "before": 0},
                "objectives_gained": [23],
                "objectives_lost": [],
                "principles_covered": {"after": 0, "before": 0},
            }],
            "edition": "lac-2026",
            "items_added": ["atg-1"],
            "items_remapped": [],
            "items_removed": [],
        })
    );

    // The list: the one edition, with its date, counts and hash.
    let (status, _, list) =
        common::send(&state, test::TestRequest::get().uri("/api/v1/snapshots")).await;
    assert_eq!(status, 200);
    assert_eq!(list["editions"].as_array().unwrap().len(), 1);
    assert_eq!(list["editions"][0]["id"], "lac-2026");
    assert_eq!(list["editions"][0]["sha256"], sha.as_str());
    assert_eq!(list["editions"][0]["note"], "before Antigua");

    // A page from the edition says so, and its links keep the edition.
    let (status, _, page) = get(&state, "/countries/ATG?snapshot=lac-2026&lang=en").await;
    assert_eq!(status, 200);
    let page = String::from_utf8(page).unwrap();
    assert!(page.contains("class=\"edition-banner\""), "{page}");
    assert!(page.contains("Frozen edition “LAC review 2026” (lac-2026, "));
    assert!(page.contains("/compare?snapshot=lac-2026&#38;lang=en"));
    let (_, _, live_page) = get(&state, "/countries/ATG?lang=en").await;
    assert!(!String::from_utf8(live_page)
        .unwrap()
        .contains("edition-banner"));
}

#[actix_web::test]
async fn only_admins_create_an_edition_and_only_once() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    let editor = token(&state, "reviewer", gcm::auth::Role::Editor);
    let admin = token(&state, "publisher", gcm::auth::Role::Admin);
    let body = serde_json::json!({"id": "first", "title": "First"});
    let (status, _, _) = create(&state, None, body.clone()).await;
    assert_eq!(status, 401);
    let (status, _, refused) = create(&state, Some(&editor), body.clone()).await;
    assert_eq!(status, 403, "{refused}");
    let (status, _, _) = create(&state, Some(&admin), body.clone()).await;
    assert_eq!(status, 201);
    // The same id again, even with another title: refused, and the first edition stays as it was.
    let (status, _, again) = create(
        &state,
        Some(&admin),
        serde_json::json!({"id": "first", "title": "Second"}),
    )
    .await;
    assert_eq!(status, 409, "{again}");
    assert!(again["message"].as_str().unwrap().contains("`first`"));
    let (status, _, bad) = create(
        &state,
        Some(&admin),
        serde_json::json!({"id": "../etc", "title": "x"}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(bad["parameter"], "id");
    let mut conn = state.db.get().unwrap();
    let list = gcm::db::editions::list(&mut conn).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].title, "First");
    assert_eq!(list[0].created_by, "token:publisher");
    // One audit row, for the one edition made.
    let audit = gcm::db::review::audit_entries(&mut conn, Some("edition:first"), 10).unwrap();
    assert_eq!(audit.len(), 1);
    drop(conn);

    // An unknown edition is named with the ones there are, as JSON and on a page.
    let (status, _, unknown) = common::send(
        &state,
        test::TestRequest::get().uri("/api/v1/indicators?snapshot=nope"),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(unknown["parameter"], "snapshot");
    assert_eq!(
        unknown["message"],
        "unknown edition `nope`; accepted: first (GET /api/v1/snapshots lists them)"
    );
    let (status, _, page) = get(&state, "/?snapshot=nope&lang=en").await;
    assert_eq!(status, 400);
    assert!(String::from_utf8(page)
        .unwrap()
        .contains("unknown edition `nope`"));
    let (status, _, _) = get(&state, "/api/v1/snapshots/nope/changes").await;
    assert_eq!(status, 404);
    // An edition is never written through: a write naming one is refused before it reaches a handler.
    let (status, _, write) = common::send(
        &state,
        test::TestRequest::post()
            .uri("/api/v1/mappings/1/accept?snapshot=first")
            .insert_header(("Authorization", format!("Bearer {admin}"))),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(write["parameter"], "snapshot");
}

#[actix_web::test]
async fn the_bundle_of_an_edition_carries_its_citation() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    let admin = token(&state, "publisher", gcm::auth::Role::Admin);
    let (status, _, made) = create(
        &state,
        Some(&admin),
        serde_json::json!({"id": "cite-me", "title": "Citable edition"}),
    )
    .await;
    assert_eq!(status, 201);
    let (status, _, zip_bytes) =
        get(&state, "/exports/bundle.zip?group=lac&snapshot=cite-me").await;
    assert_eq!(status, 200);
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip_bytes)).unwrap();
    let mut read = |name: &str| {
        let mut text = String::new();
        archive
            .by_name(name)
            .unwrap_or_else(|_| panic!("{name} in the bundle"))
            .read_to_string(&mut text)
            .unwrap();
        text
    };
    let cff = read("CITATION.cff");
    assert!(cff.starts_with("cff-version: 1.2.0\n"));
    assert!(cff.contains("title: \"Citable edition\"\n"));
    assert!(cff.contains("version: \"cite-me\"\n"));
    let sha = made["sha256"].as_str().unwrap();
    assert!(cff.contains(&format!("value: \"sha256:{sha}\"")));
    let metadata: Value = serde_json::from_str(&read("metadata.json")).unwrap();
    assert_eq!(metadata["edition"], "cite-me");
    assert_eq!(metadata["version"], "cite-me");
    assert_eq!(metadata["titles"][0]["title"], "Citable edition");
    assert_eq!(metadata["types"]["resourceTypeGeneral"], "Dataset");
    assert_eq!(metadata["suggestedCitation"], made["citation"]);
    assert_eq!(metadata["group"], "lac");
    // The live bundle has no citation file.
    let (_, _, live) = get(&state, "/exports/bundle.zip?group=lac").await;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(live)).unwrap();
    assert!(archive.by_name("CITATION.cff").is_err());
}

#[actix_web::test]
async fn backup_and_restore_keep_editions() {
    let original = common::TestDatabase::new();
    let state = common::prepared_state(&original);
    let gcm = |url: &str, args: &[&str]| {
        let output = common::gcm_command()
            .args(args)
            .env("GCM__DATABASE__URL", url)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).to_string()
    };
    gcm(
        &original.url,
        &["snapshot", "create", "--id", "kept", "--title", "Kept"],
    );
    let (_, _, frozen) = get(&state, "/api/v1/countries/MEX/profile?snapshot=kept").await;
    // A write after the edition, so live data and the edition differ in the backup too.
    import_antigua(&state);
    let dir = tempfile::tempdir().unwrap();
    let said = gcm(
        &original.url,
        &["export", "--all", dir.path().to_str().unwrap()],
    );
    assert!(said.contains("wrote 1 edition(s) to "), "{said}");
    assert!(dir.path().join("editions/kept.jsonl.gz").is_file());

    let restored = common::TestDatabase::new();
    gcm(&restored.url, &["import", dir.path().to_str().unwrap()]);
    let restored_state =
        gcm::web::AppState::new(gcm::startup::prepare_schema(&restored.settings()).unwrap());
    let mut a = original_list(&state);
    let mut b = original_list(&restored_state);
    assert_eq!(a.len(), 1);
    // Everything that describes the edition travels: id, title, date, author, counts and hash.
    a[0].created_at = a[0].created_at.and_utc().timestamp_micros().pipe_micros();
    b[0].created_at = b[0].created_at.and_utc().timestamp_micros().pipe_micros();
    assert_eq!(a, b);
    // The restored edition answers what the original answered.
    let (status, _, again) = get(
        &restored_state,
        "/api/v1/countries/MEX/profile?snapshot=kept",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(again, frozen);

    // A damaged export is refused with its file named, and nothing is restored.
    let damaged = common::TestDatabase::new();
    let export = dir.path().join("editions/kept.jsonl.gz");
    let mut bytes = std::fs::read(&export).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&export, bytes).unwrap();
    let output = common::gcm_command()
        .args(["import", dir.path().to_str().unwrap()])
        .env("GCM__DATABASE__URL", &damaged.url)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("kept.jsonl.gz"), "{stderr}");
}

fn original_list(state: &gcm::web::AppState) -> Vec<gcm::db::editions::EditionInfo> {
    let mut conn = state.db.get().unwrap();
    gcm::db::editions::list(&mut conn).unwrap()
}

/// Dates compared to the microsecond: PostgreSQL keeps no finer.
trait Micros {
    fn pipe_micros(self) -> chrono::NaiveDateTime;
}

impl Micros for i64 {
    fn pipe_micros(self) -> chrono::NaiveDateTime {
        chrono::DateTime::from_timestamp_micros(self)
            .unwrap()
            .naive_utc()
    }
}
