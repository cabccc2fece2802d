//! Writes under contention and faults: concurrent writers, identical uploads at once, control characters,
//! bounded rendering, a database that stops answering, forged log lines, a read-only database, and the
//! HTTP details (Vary, 405 and Allow, HEAD, early 413, body timeout). Each test reproduces a finding of
//! the reliability review; the backend under test as for every suite.

use crate::common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Barrier};
use std::time::Duration;

use actix_web::test as actix_test;
use common::{http, Served, TestDatabase};
use gcm::auth::Role;

fn token(db: &gcm::db::Database, name: &str, role: Role) -> String {
    let mut conn = db.get().unwrap();
    gcm::db::tokens::create(&mut conn, name, role, "test").unwrap()
}

/// A Spanish report of `paragraphs` passages, each about consular protection (objective 14 in the
/// lexicon: "protección consular"), numbered so that no two are alike.
fn report(paragraphs: usize, tag: &str) -> String {
    (1..=paragraphs)
        .map(|i| {
            format!(
                "Medida {tag}-{i}: el consulado amplió la protección consular de las personas migrantes \
                 en el exterior y la asistencia a sus familias."
            )
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Stores a report directly (as `gcm ingest` does) and returns the ids of its objective mappings.
fn ingest(db: &gcm::db::Database, paragraphs: usize, tag: &str) -> (String, Vec<i64>) {
    let mut conn = db.get().unwrap();
    let meta = gcm::ingestion::document::DocumentMeta {
        country: "COL".into(),
        cycle: "2025".into(),
        title: format!("Informe {tag}"),
        language: Some("es".into()),
        file_name: format!("{tag}.md"),
        ..Default::default()
    };
    let text = report(paragraphs, tag);
    let limits = gcm::formats::ExtractLimits::default();
    let received = gcm::ingestion::Received {
        bytes: text.as_bytes(),
        format: gcm::formats::Format::Markdown,
        limits: &limits,
    };
    let summary = gcm::ingestion::ingest_document(&mut conn, &meta, &received, "test").unwrap();
    use diesel::prelude::*;
    use gcm::db::schema::{evidence_items, objective_mappings};
    let ids: Vec<i32> = objective_mappings::table
        .inner_join(evidence_items::table)
        .filter(evidence_items::source_id.eq(&summary.source))
        .select(objective_mappings::id)
        .order(objective_mappings::id)
        .load(&mut *conn)
        .unwrap();
    (summary.source, ids.into_iter().map(i64::from).collect())
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// SQLite used to answer 500 ("database is locked") at once when two writers overlapped, and a long
/// upload failed whenever a decision landed during it: write transactions now take the write lock when
/// they begin, so writers queue on the lock timeout.
#[test]
fn concurrent_decisions_and_a_long_upload_all_succeed() {
    let db = TestDatabase::new();
    let prepared = gcm::startup::prepare_database(&db.settings()).unwrap();
    let editor = token(&prepared, "editor", Role::Editor);
    let (_, ids) = ingest(&prepared, 80, "base");
    // 80 passages, each with the one suggestion of objective 14: 80 mappings to decide.
    assert_eq!(ids.len(), 80, "{ids:?}");
    drop(prepared);
    // A lock timeout longer than the upload's write, so every writer is expected to get its turn.
    let served = Served::start(&db.url, &[("GCM__DATABASE__LOCK_TIMEOUT_SECONDS", "30")]);
    let start = Arc::new(Barrier::new(9));
    let mut workers = Vec::new();
    for (worker, chunk) in ids.chunks(10).enumerate() {
        let (base, editor, chunk, start) = (
            served.base.clone(),
            editor.clone(),
            chunk.to_vec(),
            start.clone(),
        );
        workers.push(std::thread::spawn(move || {
            start.wait();
            chunk
                .iter()
                .enumerate()
                .map(|(i, id)| {
                    let decision = if (worker + i) % 2 == 0 {
                        "accept"
                    } else {
                        "reject"
                    };
                    let url = format!("{base}/api/v1/mappings/{id}/{decision}");
                    let answer = http("POST", &url, &[("Authorization", &bearer(&editor))], None);
                    (
                        answer.status,
                        String::from_utf8_lossy(&answer.body).into_owned(),
                    )
                })
                .collect::<Vec<_>>()
        }));
    }
    let upload = {
        let (base, editor, start) = (served.base.clone(), editor.clone(), start.clone());
        std::thread::spawn(move || {
            let body = report(3_000, "long");
            start.wait();
            let url = format!("{base}/api/v1/documents?country=COL&cycle=2025&title=Long");
            let answer = http(
                "POST",
                &url,
                &[
                    ("Authorization", &bearer(&editor)),
                    ("Content-Type", "text/markdown"),
                ],
                Some(body.as_bytes()),
            );
            (
                answer.status,
                String::from_utf8_lossy(&answer.body).into_owned(),
            )
        })
    };
    let decisions: Vec<(u16, String)> = workers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect();
    let failed: Vec<&(u16, String)> = decisions.iter().filter(|(s, _)| *s != 200).collect();
    assert!(failed.is_empty(), "decisions that failed: {failed:?}");
    assert_eq!(decisions.len(), 80);
    let (status, body) = upload.join().unwrap();
    assert_eq!(status, 201, "{body}");
    // 3,000 passages, each with its one suggestion.
    let stored: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(stored["passages"], 3000);
    assert!(
        !served.log_lines().iter().any(|l| l.contains("locked")),
        "{:?}",
        served.log_lines()
    );
}

/// Past the lock timeout a writer gets 503 with Retry-After, never 500: the test holds the write lock
/// itself (SQLite) or the mapping's row (PostgreSQL) for longer than the one-second timeout.
#[actix_web::test]
async fn a_writer_that_waits_too_long_gets_503() {
    let db = TestDatabase::new();
    let mut settings = db.settings();
    settings.database.lock_timeout_seconds = 1;
    let prepared = gcm::startup::prepare_database(&settings).unwrap();
    let editor = token(&prepared, "editor", Role::Editor);
    let (_, ids) = ingest(&prepared, 1, "one");
    let state = gcm::web::AppState::new(prepared);
    let holder = {
        use diesel::connection::SimpleConnection;
        use diesel::Connection;
        let url = db.url.clone();
        let id = ids[0];
        let (locked, release) = (
            std::sync::mpsc::channel::<()>(),
            std::sync::mpsc::channel::<()>(),
        );
        let (locked_tx, locked_rx) = locked;
        let (release_tx, release_rx) = release;
        let thread = std::thread::spawn(move || {
            if let Some(path) = url.strip_prefix("sqlite://") {
                let mut conn = diesel::SqliteConnection::establish(path).unwrap();
                conn.batch_execute("BEGIN IMMEDIATE").unwrap();
                locked_tx.send(()).unwrap();
                release_rx.recv().unwrap();
                conn.batch_execute("ROLLBACK").unwrap();
            } else {
                let mut conn = diesel::PgConnection::establish(&url).unwrap();
                conn.batch_execute(&format!(
                    "BEGIN; SELECT id FROM objective_mappings WHERE id = {id} FOR UPDATE"
                ))
                .unwrap();
                locked_tx.send(()).unwrap();
                release_rx.recv().unwrap();
                conn.batch_execute("ROLLBACK").unwrap();
            }
        });
        locked_rx.recv().unwrap();
        (thread, release_tx)
    };
    let request = actix_test::TestRequest::post()
        .uri(&format!("/api/v1/mappings/{}/accept", ids[0]))
        .insert_header(("Authorization", bearer(&editor)));
    let (status, headers, body) = common::send(&state, request).await;
    holder.1.send(()).unwrap();
    holder.0.join().unwrap();
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["error"], "busy", "{body}");
    assert!(headers.iter().any(|(k, v)| k == "retry-after" && v == "1"));
}

/// Eight identical uploads at once used to store one source and answer 201 four to seven times on
/// PostgreSQL (each with an audit row, the title of a later request). The content hash is now unique in
/// the database: one 201, seven 409, one audit row, the title of the request that won.
#[test]
fn identical_uploads_at_once_store_one_document() {
    let db = TestDatabase::new();
    let prepared = gcm::startup::prepare_database(&db.settings()).unwrap();
    let editor = token(&prepared, "editor", Role::Editor);
    drop(prepared);
    let served = Served::start(&db.url, &[]);
    let body = report(400, "same");
    let start = Arc::new(Barrier::new(8));
    let uploads: Vec<_> = (1..=8)
        .map(|k| {
            let (base, editor, body, start) = (
                served.base.clone(),
                editor.clone(),
                body.clone(),
                start.clone(),
            );
            std::thread::spawn(move || {
                start.wait();
                let url =
                    format!("{base}/api/v1/documents?country=COL&cycle=2025&title=Upload%20{k}");
                let answer = http(
                    "POST",
                    &url,
                    &[
                        ("Authorization", &bearer(&editor)),
                        ("Content-Type", "text/markdown"),
                    ],
                    Some(body.as_bytes()),
                );
                (k, answer.status, answer.json())
            })
        })
        .collect();
    let answers: Vec<(usize, u16, serde_json::Value)> =
        uploads.into_iter().map(|u| u.join().unwrap()).collect();
    let created: Vec<&(usize, u16, serde_json::Value)> =
        answers.iter().filter(|(_, s, _)| *s == 201).collect();
    let conflicts = answers.iter().filter(|(_, s, _)| *s == 409).count();
    assert_eq!((created.len(), conflicts), (1, 7), "{answers:?}");
    let (winner, _, stored) = created[0];
    let source = stored["source"].as_str().unwrap().to_string();
    for (_, status, body) in &answers {
        if *status == 409 {
            assert!(
                body["message"].as_str().unwrap().contains(&source),
                "{body}"
            );
        }
    }
    let state = gcm::web::AppState::new(gcm::startup::prepare_database(&db.settings()).unwrap());
    let mut conn = state.db.get().unwrap();
    let audit =
        gcm::db::review::audit_entries(&mut conn, Some(&format!("source:{source}")), 100).unwrap();
    assert_eq!(audit.len(), 1, "{audit:?}");
    use diesel::prelude::*;
    let documents: i64 = gcm::db::schema::documents::table
        .count()
        .get_result(&mut *conn)
        .unwrap();
    assert_eq!(documents, 1);
    drop(conn);
    let (_, _, stored_source) = actix_web::rt::System::new().block_on(common::send(
        &state,
        actix_test::TestRequest::get().uri(&format!("/api/v1/sources/{source}")),
    ));
    assert_eq!(stored_source["title"], format!("Upload {winner}"));
}

async fn raw(
    state: &gcm::web::AppState,
    request: actix_test::TestRequest,
) -> (u16, Vec<(String, String)>, String) {
    let app = actix_test::init_service(gcm::web::app(state.clone())).await;
    let response = actix_test::call_service(&app, request.to_request()).await;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let body = actix_test::read_body(response).await;
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

/// A NUL byte in a parameter or a path used to be a 500 on PostgreSQL ("invalid byte sequence for
/// encoding UTF8: 0x00"), and an upload holding one was stored on SQLite: both backends now refuse every
/// control character in parameters and paths with a 400 naming the parameter, and NUL in an upload with
/// a 422 naming its line and column, storing nothing.
#[actix_web::test]
async fn control_characters_are_refused_the_same_on_both_backends() {
    let db = TestDatabase::new();
    let state = common::prepared_state(&db);
    let admin = token(&state.db, "admin", Role::Admin);
    for (uri, parameter) in [
        ("/api/v1/evidence?q=%00", "q"),
        ("/api/v1/evidence/a%00b", "path"),
        ("/api/v1/sources/a%00b", "path"),
        ("/api/v1/audit?target=%00", "target"),
        ("/exports/evidence.csv?q=a%0Ab", "q"),
        ("/charts/coverage-matrix.svg?group=%1b", "group"),
    ] {
        let request = actix_test::TestRequest::get()
            .uri(uri)
            .insert_header(("Authorization", bearer(&admin)));
        let (status, _, body) = common::send(&state, request).await;
        assert_eq!(status, 400, "{uri}: {body}");
        assert_eq!(body["parameter"], parameter, "{uri}: {body}");
    }
    // Pages answer with a page, in the reader's language.
    for uri in ["/evidence?q=%00", "/countries/MEX%0A"] {
        let request = actix_test::TestRequest::get()
            .uri(uri)
            .insert_header(("Accept-Language", "es"));
        let (status, headers, body) = raw(&state, request).await;
        assert_eq!(status, 400, "{uri}");
        assert!(headers
            .iter()
            .any(|(k, v)| k == "content-type" && v.starts_with("text/html")));
        assert!(body.contains("lang=\"es\""), "{uri}: {body}");
    }
    // An upload with a NUL on its third line ("Línea\u{0}" after two lines: column 6).
    let editor = token(&state.db, "editor", Role::Editor);
    let upload = "Primera línea del informe sobre protección consular de migrantes.\n\n\
                  Línea\u{0} con un byte nulo en la protección consular de migrantes.";
    let request = actix_test::TestRequest::post()
        .uri("/api/v1/documents?country=COL&cycle=2025&title=Nulo")
        .insert_header(("Authorization", bearer(&editor)))
        .insert_header(("Content-Type", "text/plain"))
        .set_payload(upload.as_bytes().to_vec());
    let (status, _, body) = common::send(&state, request).await;
    assert_eq!(status, 422, "{body}");
    let problems = body["problems"].to_string();
    assert!(
        problems.contains("upload.txt:3: body: line 3, column 6: U+0000 (NUL"),
        "{problems}"
    );
    let (_, _, sources) = common::send(
        &state,
        actix_test::TestRequest::get().uri("/api/v1/sources"),
    )
    .await;
    assert_eq!(
        sources["sources"].as_array().unwrap().len(),
        5,
        "only the five seed documents are stored: {sources}"
    );
}

/// 32 concurrent requests for the largest PNG used to take the server from 75 MiB to 3 GiB: renders now
/// wait for one of `limits.concurrent_renders` turns (or get 503 with Retry-After), and a PNG is at most
/// `limits.chart_pixels` pixels.
#[test]
fn large_pngs_at_once_stay_within_the_memory_bound() {
    let db = TestDatabase::new();
    let served = Served::start(
        &db.url,
        &[
            ("GCM__LIMITS__CONCURRENT_RENDERS", "2"),
            ("GCM__LIMITS__RENDER_WAIT_SECONDS", "2"),
        ],
    );
    let warm = http(
        "GET",
        &format!("{}/charts/coverage-matrix.svg", served.base),
        &[],
        None,
    );
    assert_eq!(warm.status, 200);
    let before = served.peak_memory_kib();
    // Larger than limits.chart_pixels (16,000,000): refused before anything is drawn.
    let too_large = http(
        "GET",
        &format!(
            "{}/charts/coverage-matrix.png?width=4000&height=8000",
            served.base
        ),
        &[],
        None,
    );
    assert_eq!(too_large.status, 400);
    assert!(too_large.json()["message"]
        .as_str()
        .unwrap()
        .contains("limits.chart_pixels"));
    let start = Arc::new(Barrier::new(32));
    let requests: Vec<_> = (0..32)
        .map(|k| {
            let (base, start) = (served.base.clone(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                // 4000 x 4000 = 16,000,000 pixels, the most allowed; `x` misses the response cache.
                let url = format!("{base}/charts/coverage-matrix.png?width=4000&height=4000&x={k}");
                let answer = http("GET", &url, &[], None);
                (
                    answer.status,
                    answer.header("retry-after").map(str::to_string),
                )
            })
        })
        .collect();
    let answers: Vec<(u16, Option<String>)> =
        requests.into_iter().map(|r| r.join().unwrap()).collect();
    for (status, retry_after) in &answers {
        match status {
            200 => {}
            503 => assert_eq!(retry_after.as_deref(), Some("2")),
            other => panic!("unexpected status {other}: {answers:?}"),
        }
    }
    assert!(answers.iter().any(|(s, _)| *s == 200), "{answers:?}");
    let after = served.peak_memory_kib();
    // Two renders at a time, each with a 16 Mpx RGB buffer (48 MB) and its PNG: about 100 MiB each at
    // most, so the peak may rise by 2 x 100 MiB plus allocator slack, never by 32 x 48 MB (1.5 GB).
    let grown_mib = (after.saturating_sub(before)) / 1024;
    eprintln!(
        "peak memory {} MiB -> {} MiB ({answers:?})",
        before / 1024,
        after / 1024
    );
    assert!(grown_mib < 350, "peak memory grew by {grown_mib} MiB");
}

/// A database that stops answering without closing its sockets (a silent partition) used to hang
/// `/health` and every API call until the client gave up: now the pool's check of a connection is bounded
/// by `database.connect_timeout_seconds` and the answer is 503, `/health` says degraded, and all is well
/// again once the database answers. PostgreSQL only: SQLite has no network to lose.
#[actix_web::test]
#[ignore = "needs PostgreSQL: set GCM_TEST_POSTGRES_URL and run with --include-ignored"]
async fn a_silent_partition_gives_503_and_health_says_degraded() {
    let server = common::require_postgres();
    let db = TestDatabase::postgres(&server);
    gcm::startup::prepare_database(&db.settings()).unwrap();
    let address: std::net::SocketAddr = "127.0.0.1:5432".parse().unwrap();
    let proxy = common::CuttableProxy::start(address);
    let via_proxy = db.url.replace("127.0.0.1:5432", &proxy.address.to_string());
    let settings = common::settings_with_url(&via_proxy);
    let state = gcm::web::AppState::new(gcm::db::Database::open(&settings.database).unwrap());
    let (status, _, _) = common::send(&state, actix_test::TestRequest::get().uri("/health")).await;
    assert_eq!(status, 200);
    proxy.stall();
    // The answer must come at all: a bounded wait in a thread turns a hang into a failure.
    for uri in ["/health", "/api/v1/evidence?country=MEX", "/api/v1/cycles"] {
        let started = std::time::Instant::now();
        let (status, headers, body) =
            common::send(&state, actix_test::TestRequest::get().uri(uri)).await;
        // Printed for the record (docs/PERFORMANCE.md), never asserted: tests do not time.
        eprintln!(
            "{uri} during the stall: {status} after {:?}",
            started.elapsed()
        );
        assert_eq!(status, 503, "{uri}: {body}");
        assert!(headers.iter().any(|(k, _)| k == "retry-after"), "{uri}");
        if uri == "/health" {
            assert_eq!(body["status"], "degraded");
            assert_eq!(body["database"], "unavailable");
        }
    }
    proxy.resume();
    // Connections held by the stall finish once it ends; new checks succeed.
    let mut healthy = false;
    for _ in 0..20 {
        let (status, _, _) =
            common::send(&state, actix_test::TestRequest::get().uri("/health")).await;
        if status == 200 {
            healthy = true;
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(healthy, "the service recovers once the database answers");
}

/// A percent-encoded line feed in an address used to let an anonymous request write a forged line
/// (a timestamp and ERROR) into the log. Such requests are refused, and every log line is written with
/// its control characters escaped.
#[test]
fn a_request_cannot_forge_a_log_line() {
    let db = TestDatabase::new();
    let served = Served::start(&db.url, &[]);
    let forged = "%0A2026-01-01T00:00:00.000000Z%20ERROR%20gcm:%20forged";
    for path in [
        format!("/api/v1/evidence/x{forged}"),
        format!("/api/v1/evidence?q=x{forged}"),
        format!("/nowhere{forged}"),
    ] {
        let answer = http("GET", &format!("{}{path}", served.base), &[], None);
        assert_eq!(answer.status, 400, "{path}");
    }
    // The log is written by another thread: give it a moment.
    std::thread::sleep(Duration::from_millis(300));
    let log = served.log_lines();
    assert!(
        !log.iter()
            .any(|line| line.starts_with("2026-01-01T00:00:00")),
        "{log:?}"
    );
    assert!(
        log.iter().any(|line| line.contains("listening on")),
        "the log was read: {log:?}"
    );
}

/// A read-only SQLite file used to start with /health ok and then answer 500 to every write: start-up
/// now says the database is read-only, /health reports it, reading works and writes get 503. The file is
/// made immutable (`chattr +i`), which stops even root from writing it.
#[test]
fn a_read_only_database_is_reported_and_writes_get_503() {
    let db = TestDatabase::sqlite();
    let prepared = gcm::startup::prepare_database(&db.settings()).unwrap();
    let editor = token(&prepared, "editor", Role::Editor);
    let (_, ids) = ingest(&prepared, 1, "ro");
    drop(prepared);
    let path = db.url.trim_start_matches("sqlite://").to_string();
    // The write-ahead log is folded into the file first, so the file alone holds everything.
    {
        use diesel::connection::SimpleConnection;
        use diesel::Connection;
        let mut conn = diesel::SqliteConnection::establish(&path).unwrap();
        conn.batch_execute("PRAGMA wal_checkpoint(TRUNCATE)")
            .unwrap();
    }
    let immutable = std::process::Command::new("chattr")
        .args(["+i", &path])
        .status();
    if !immutable.is_ok_and(|s| s.success()) {
        eprintln!("ignored: `chattr +i` is not available here (needs root on ext4 or similar)");
        return;
    }
    struct Mutable(String);
    impl Drop for Mutable {
        fn drop(&mut self) {
            let _ = std::process::Command::new("chattr")
                .args(["-i", &self.0])
                .status();
        }
    }
    let _restore = Mutable(path.clone());
    let served = Served::start(&db.url, &[]);
    let health = http("GET", &format!("{}/health", served.base), &[], None);
    assert_eq!(health.status, 200);
    assert_eq!(health.json()["status"], "degraded");
    assert_eq!(health.json()["database"], "read_only");
    let read = http(
        "GET",
        &format!("{}/api/v1/evidence?country=MEX", served.base),
        &[],
        None,
    );
    assert_eq!(read.status, 200);
    let write = http(
        "POST",
        &format!("{}/api/v1/mappings/{}/accept", served.base, ids[0]),
        &[("Authorization", &bearer(&editor))],
        None,
    );
    assert_eq!(write.status, 503);
    assert_eq!(write.json()["error"], "read_only");
    assert!(write.header("retry-after").is_some());
    assert!(
        served
            .log_lines()
            .iter()
            .any(|l| l.contains("ERROR") && l.contains("read-only")),
        "{:?}",
        served.log_lines()
    );
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// A page kept gzip-compressed by the response cache used to answer `Vary: accept-encoding` only,
/// dropping `Accept-Language`, so a shared cache could serve it in the wrong language.
#[actix_web::test]
async fn cached_pages_vary_by_language_and_encoding() {
    let db = TestDatabase::new();
    let state = common::prepared_state(&db);
    for attempt in ["miss", "hit"] {
        let request = actix_test::TestRequest::get()
            .uri("/")
            .insert_header(("Accept-Encoding", "gzip"))
            .insert_header(("Accept-Language", "es"));
        let (status, headers, _) = raw(&state, request).await;
        assert_eq!(status, 200, "{attempt}");
        let vary = header(&headers, "vary").unwrap_or("").to_ascii_lowercase();
        assert!(
            vary.contains("accept-language") && vary.contains("accept-encoding"),
            "{attempt}: Vary: {vary}"
        );
        assert_eq!(
            header(&headers, "content-encoding"),
            Some("gzip"),
            "{attempt}"
        );
    }
}

/// `/downloads?group=abc` used to answer 200 with links that all answer 400: every page now checks the
/// whole selection it carries into its links.
#[actix_web::test]
async fn every_page_checks_its_selection() {
    let db = TestDatabase::new();
    let state = common::prepared_state(&db);
    for (uri, parameter) in [
        ("/downloads?group=abc", "group"),
        ("/methodology?group=abc", "group"),
        ("/countries/MEX?group=abc", "group"),
        ("/compare?group=abc", "group"),
        ("/evidence?cycle=1999", "cycle"),
        ("/evidence/s004-r013?cycle=1999", "cycle"),
        ("/?peers=zzz", "peers"),
        ("/objectives/3?from=1999", "from"),
        ("/countries/MEX?grouping=none", "grouping"),
    ] {
        let (status, _, body) = raw(&state, actix_test::TestRequest::get().uri(uri)).await;
        assert_eq!(status, 400, "{uri}");
        assert!(body.contains(&format!("{parameter}:")), "{uri}: {body}");
    }
}

/// OPTIONS, POST on a page or GET on an upload address used to be 404: the address exists, so the
/// answer is 405 with `Allow`. HEAD used to be 404 too; it now answers like GET, without the body.
#[test]
fn wrong_methods_get_405_with_allow_and_head_works() {
    let db = TestDatabase::new();
    let served = Served::start(&db.url, &[]);
    for (method, path, allow) in [
        ("OPTIONS", "/api/v1/evidence", "GET, HEAD"),
        ("POST", "/countries/MEX", "GET, HEAD"),
        ("DELETE", "/charts/coverage-matrix.svg", "GET, HEAD"),
        ("GET", "/api/v1/documents", "POST"),
        ("PUT", "/api/v1/mappings/1/accept", "POST"),
    ] {
        let answer = http(method, &format!("{}{path}", served.base), &[], None);
        assert_eq!(answer.status, 405, "{method} {path}");
        assert_eq!(answer.header("allow"), Some(allow), "{method} {path}");
    }
    // An address that does not exist stays 404, whatever the method.
    assert_eq!(
        http("OPTIONS", &format!("{}/nowhere", served.base), &[], None).status,
        404
    );
    for path in [
        "/",
        "/health",
        "/api/v1/framework",
        "/charts/coverage-matrix.svg",
        "/exports/indicators.csv",
    ] {
        let url = format!("{}{path}", served.base);
        let get = http("GET", &url, &[], None);
        let head = http("HEAD", &url, &[], None);
        assert_eq!((head.status, get.status), (200, 200), "{path}");
        assert!(head.body.is_empty(), "{path}: HEAD has no body");
        assert_eq!(
            head.header("content-type"),
            get.header("content-type"),
            "{path}"
        );
        assert_eq!(head.header("etag"), get.header("etag"), "{path}");
    }
}

/// Sends `head` on a raw connection, then `body_part`, and reads what comes back within `wait`.
fn raw_exchange(base: &str, head: &str, body_part: &[u8], wait: Duration) -> String {
    let address = base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(wait)).unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body_part).unwrap();
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                received.extend_from_slice(&buffer[..n]);
                if received.windows(4).any(|w| w == b"\r\n\r\n") {
                    break;
                }
            }
        }
    }
    String::from_utf8_lossy(&received).into_owned()
}

/// A body announced with `Expect: 100-continue` and a size over the limit used to be asked for (100
/// Continue) and read; it is now refused with 413 before it is sent. A body that comes too slowly is
/// answered 408 after `limits.body_timeout_seconds`.
#[test]
fn oversized_and_slow_bodies_are_refused_early() {
    let db = TestDatabase::new();
    let prepared = gcm::startup::prepare_database(&db.settings()).unwrap();
    let editor = token(&prepared, "editor", Role::Editor);
    drop(prepared);
    let served = Served::start(&db.url, &[("GCM__LIMITS__BODY_TIMEOUT_SECONDS", "1")]);
    let head = format!(
        "POST /api/v1/documents?country=COL&cycle=2025&title=Big HTTP/1.1\r\nHost: localhost\r\n\
         Authorization: Bearer {editor}\r\nContent-Type: text/plain\r\nContent-Length: 20000000\r\n\
         Expect: 100-continue\r\n\r\n"
    );
    let answer = raw_exchange(&served.base, &head, b"", Duration::from_secs(10));
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    // 1,000 bytes announced, 10 sent: the rest never comes.
    let head = format!(
        "POST /api/v1/documents?country=COL&cycle=2025&title=Slow HTTP/1.1\r\nHost: localhost\r\n\
         Authorization: Bearer {editor}\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n"
    );
    let answer = raw_exchange(&served.base, &head, b"0123456789", Duration::from_secs(20));
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
}

/// `lang` is case-insensitive everywhere, as on the pages: `lang=ES` used to be refused by the tables.
#[actix_web::test]
async fn table_language_ignores_case() {
    let db = TestDatabase::new();
    let state = common::prepared_state(&db);
    let request =
        actix_test::TestRequest::get().uri("/exports/coverage-matrix.csv?excel=1&lang=ES");
    let (status, _, body) = raw(&state, request).await;
    assert_eq!(status, 200, "{body}");
    // Spanish Excel tables separate cells with `;`.
    assert!(body.lines().next().unwrap().contains(';'), "{body}");
}
