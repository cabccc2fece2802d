//! Backup and restore: `gcm export --all DIR`, then `gcm import DIR` into an empty database, gives the
//! same indicators, figure for figure, reviewers' decisions included. Backend under test as for every
//! suite.

use crate::common;

use actix_web::test;

fn gcm(url: &str, args: &[&str]) -> std::process::Output {
    common::gcm_command()
        .args(args)
        .env("GCM__DATABASE__URL", url)
        .output()
        .unwrap()
}

async fn body(state: &gcm::web::AppState, uri: &str) -> Vec<u8> {
    let app = test::init_service(gcm::web::app(state.clone())).await;
    let response = test::call_service(&app, test::TestRequest::get().uri(uri).to_request()).await;
    assert_eq!(response.status().as_u16(), 200, "{uri}");
    test::read_body(response).await.to_vec()
}

#[actix_web::test]
async fn a_backup_restores_the_same_indicators() {
    let original = common::TestDatabase::new();
    let state = common::prepared_state(&original);
    // Beyond the fixtures: an ingested report with `auto` suggestions, one of them accepted by a
    // reviewer (basis `reviewed`) and one rejected, so every kind of mapping is in the backup.
    let report = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/reports/informe-ficticio-2025.md"
    );
    let output = gcm(
        &original.url,
        &["ingest", report, "--country", "COL", "--cycle", "2025"],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // And a PDF report, whose passages carry their pages (a backup must keep them).
    let pdf = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/formats/informe-libreoffice.pdf"
    );
    let output = gcm(
        &original.url,
        &["ingest", pdf, "--country", "ECU", "--cycle", "2025"],
    );
    let said = String::from_utf8_lossy(&output.stdout).to_string();
    assert!(output.status.success(), "{said}");
    // "stored FILE (pdf) as source ID (es): N passages, ..."
    let pdf_passages: usize = said
        .split(": ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no passage count in {said}"));
    {
        let mut conn = state.db.get().unwrap();
        let items = gcm::db::items::all(
            &mut conn,
            &gcm::db::items::EvidenceFilter {
                kinds: vec!["report_passage".into()],
                ..Default::default()
            },
        )
        .unwrap();
        let p4 = items.iter().find(|i| i.id.ends_with("-p004")).unwrap();
        gcm::db::review::decide(
            &mut conn,
            p4.objectives[1].id,
            gcm::db::review::Verdict::Accept,
            "test",
        )
        .unwrap();
        gcm::db::review::decide(
            &mut conn,
            p4.objectives[0].id,
            gcm::db::review::Verdict::Reject,
            "test",
        )
        .unwrap();
    }

    let dir = tempfile::tempdir().unwrap();
    let output = gcm(
        &original.url,
        &["export", "--all", dir.path().to_str().unwrap()],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // The fixtures' 5 sources and 387 items, plus the text report and its 6 passages, plus the PDF
    // and its passages.
    let said = String::from_utf8_lossy(&output.stdout).to_string();
    let expected = format!(
        "7 sources, {} items, 17 submissions and 7 champions",
        393 + pdf_passages
    );
    assert!(said.contains(&expected), "{said}");

    let restored = common::TestDatabase::new();
    let output = gcm(&restored.url, &["import", dir.path().to_str().unwrap()]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let database = gcm::startup::prepare_schema(&restored.settings()).unwrap();
    let restored_state = gcm::web::AppState::new(database);
    // The import is in the audit log, with who ran it and what it added.
    let mut conn = restored_state.db.get().unwrap();
    let entries = gcm::db::review::audit_entries(&mut conn, Some("store"), 10).unwrap();
    drop(conn);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].action, "import");
    assert!(entries[0].actor.starts_with("cli:"), "{}", entries[0].actor);
    assert_eq!(
        entries[0].after.as_ref().unwrap()["summary"]["items"]["added"],
        393 + pdf_passages
    );

    // Every country of the world, every basis (auto included) and the default view; the tidy table
    // carries every indicator with its numerator, denominator and sources.
    for uri in [
        "/exports/indicators.csv?group=world",
        "/exports/indicators.csv?group=world&basis=cited,subject,section,inferred,reviewed,auto",
        "/exports/coverage-matrix.csv?group=world&cycle=2025",
        "/api/v1/countries/COL/profile",
    ] {
        let (before, after) = (body(&state, uri).await, body(&restored_state, uri).await);
        let differs = String::from_utf8_lossy(&before)
            .lines()
            .zip(String::from_utf8_lossy(&after).lines())
            .find(|(a, b)| a != b)
            .map(|(a, b)| format!("first difference:\n{a}\n{b}"));
        assert!(before == after, "{uri}: {}", differs.unwrap_or_default());
    }
    // The PDF's passages keep their lines and pages.
    let spans = |state: &gcm::web::AppState| {
        let mut conn = state.db.get().unwrap();
        let filter = gcm::db::items::EvidenceFilter {
            country: Some("ECU".into()),
            kinds: vec!["report_passage".into()],
            ..Default::default()
        };
        gcm::db::items::all(&mut conn, &filter)
            .unwrap()
            .into_iter()
            .map(|i| (i.id, i.line_start, i.line_end, i.page_start, i.page_end))
            .collect::<Vec<_>>()
    };
    let original_spans = spans(&state);
    assert_eq!(original_spans.len(), pdf_passages);
    assert!(original_spans.iter().all(|s| s.3.is_some()));
    assert_eq!(spans(&restored_state), original_spans);
    // Colombia's accepted suggestion is there: 19 objectives, as in tests/documents.rs.
    let profile: serde_json::Value =
        serde_json::from_slice(&body(&restored_state, "/api/v1/countries/COL/profile").await)
            .unwrap();
    assert_eq!(profile["objectives_covered"], 19);
}
