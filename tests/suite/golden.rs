//! Golden answers: every route with representative parameters (both languages, every table variant,
//! every chart), on the fixtures, answered byte for byte as recorded in `tests/golden/answers.tsv`. The
//! record was made before the layers were restructured; a change of any answer fails here, so a
//! refactoring that changes nothing passes and an intended change is a visible edit of the record.
//!
//! Each line of the record is `status <TAB> content-type <TAB> bytes <TAB> sha256 <TAB> request`. Bodies
//! are compared by their SHA-256; on a mismatch the answer is written to `target/golden/` to be looked
//! at. `GCM_GOLDEN_WRITE=1 cargo test --test golden` rewrites the record (then review the diff). Both
//! backends are held to the same record, which checks that they answer alike.

use crate::common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use actix_web::test as actix_test;
use sha2::{Digest, Sha256};

/// A request: the address and, for pages, the browser's language.
struct Request {
    uri: &'static str,
    accept_language: Option<&'static str>,
}

const fn get(uri: &'static str) -> Request {
    Request {
        uri,
        accept_language: None,
    }
}

const fn get_es(uri: &'static str) -> Request {
    Request {
        uri,
        accept_language: Some("es-CO,es;q=0.9"),
    }
}

const REQUESTS: &[Request] = &[
    get("/health"),
    // Reference data and the evidence store.
    get("/api/v1/framework"),
    get("/api/v1/countries"),
    get("/api/v1/countries?subregion=Caribbean"),
    get("/api/v1/countries?bloc=SACM"),
    get("/api/v1/cycles"),
    get("/api/v1/champions"),
    get("/api/v1/sources"),
    get("/api/v1/sources/seed-001?lines=1670-1682"),
    get("/api/v1/sources/nope"),
    get("/api/v1/evidence"),
    get("/api/v1/evidence?country=MEX&objective=19"),
    get("/api/v1/evidence?country=MEX&objective=19&basis=section"),
    get("/api/v1/evidence?q=trata&limit=5"),
    get("/api/v1/evidence?cycle=2021&limit=5&offset=5"),
    get("/api/v1/evidence?cycle=all&country=CHL"),
    get("/api/v1/evidence?kind=practice,measure&principle=human%20rights&limit=10"),
    get("/api/v1/evidence?objective=24"),
    get("/api/v1/evidence/s004-r013"),
    get("/api/v1/evidence/nope"),
    // Indicators.
    get("/api/v1/indicators"),
    get("/api/v1/indicators?group=world"),
    get("/api/v1/indicators?group=subregion:Caribbean&cycle=2021&basis=all"),
    get("/api/v1/indicators?group=bloc:SACM&grouping=imrf"),
    get("/api/v1/indicators?group=abc"),
    get("/api/v1/indicators?cycle=all&basis=cited,subject"),
    get("/api/v1/countries/COL/profile"),
    get("/api/v1/countries/mex/profile?peers=bloc:RCM&from=2021&to=2025"),
    get("/api/v1/countries/XXX/profile"),
    get("/api/v1/objectives/19/countries?group=americas"),
    get("/api/v1/objectives/0/countries"),
    get("/api/v1/compare"),
    get("/api/v1/compare?countries=COL,ECU,MEX"),
    get("/api/v1/gaps"),
    get("/api/v1/gaps?group=bloc:SICA&cycle=2025"),
    // Editions: none in the fixtures, so the list is empty and an edition named is unknown.
    get("/api/v1/snapshots"),
    get("/api/v1/indicators?snapshot=nope"),
    get("/api/v1/snapshots/nope/changes"),
    // Charts, SVG in both languages and one PNG of each kind.
    get("/charts/coverage-matrix.svg"),
    get("/charts/coverage-matrix.svg?lang=es&group=world&cycle=2021"),
    get("/charts/coverage-matrix.png"),
    get("/charts/countries/COL/areas.svg"),
    get("/charts/countries/COL/areas.svg?lang=es&peers=bloc:SACM"),
    get("/charts/countries/COL/areas.png"),
    get("/charts/objectives.svg?group=americas"),
    get("/charts/objectives.png?lang=es"),
    get("/charts/countries/MEX/change.svg"),
    get("/charts/countries/MEX/change.svg?lang=es&from=2021&to=2025"),
    get("/charts/compare.svg"),
    get("/charts/countries/COL/areas.svg?grouping=imrf&cycle=all"),
    get("/exports/indicators.csv?cycle=all&grouping=imrf"),
    get("/charts/compare.svg?countries=COL,ECU&lang=es"),
    get("/charts/principles.svg"),
    get("/charts/principles.png?lang=es&group=world"),
    get("/charts/coverage-matrix.svg?width=10"),
    // Tables in every variant.
    get("/exports/indicators.csv"),
    get("/exports/indicators.csv?excel=1&lang=es"),
    get("/exports/indicators.csv?excel=1&lang=en&group=world&cycle=2021"),
    get("/exports/coverage-matrix.csv"),
    get("/exports/coverage-matrix.csv?excel=1&lang=pt&group=americas"),
    get("/exports/evidence.csv?country=MEX"),
    get("/exports/evidence.csv?excel=1&lang=es&objective=19"),
    get("/exports/evidence.csv?cycle=all&country=COL"),
    get("/exports/indicators.csv?lang=xx"),
    // Pages in both languages, and their errors.
    get("/"),
    get("/?lang=es&group=subregion:South%20America"),
    get_es("/"),
    get("/countries/COL"),
    get_es("/countries/COL?peers=bloc:SACM"),
    get("/countries/XXX"),
    get("/objectives/19"),
    get("/objectives/19?lang=es&group=americas"),
    get("/compare"),
    get("/compare?pick=COL&pick=ECU&lang=es"),
    get("/evidence"),
    get("/evidence?country=MEX&objective=19&lang=es"),
    get("/evidence?q=trata&page=2"),
    get("/evidence/s004-r013"),
    get_es("/evidence/s004-r013"),
    get("/downloads"),
    get("/downloads?lang=es&group=world&cycle=2021"),
    get("/methodology"),
    get("/?group=abc"),
    get("/static/style.css"),
    get("/static/app.js"),
];

/// The body with every date-time (`2026-12-01T17:06:22.882111` and the like, the time a record was
/// imported) replaced by `<time>`: the fixtures hold dates but no times, so only those of the run vary.
fn without_times(body: &[u8]) -> Vec<u8> {
    let digit = |b: &u8| b.is_ascii_digit();
    let shape = b"dddd-dd-ddTdd:dd:dd";
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        let matches = body.len() - i >= shape.len()
            && shape.iter().zip(&body[i..]).all(|(s, b)| match s {
                b'd' => digit(b),
                other => other == b,
            });
        if !matches {
            out.push(body[i]);
            i += 1;
            continue;
        }
        i += shape.len();
        if body.get(i) == Some(&b'.') {
            i += 1;
            while body.get(i).is_some_and(digit) {
                i += 1;
            }
        }
        if body.get(i) == Some(&b'Z') {
            i += 1;
        }
        out.extend_from_slice(b"<time>");
    }
    out
}

/// One recorded answer.
#[derive(Debug, Clone, PartialEq)]
struct Recorded {
    status: u16,
    content_type: String,
    bytes: usize,
    sha256: String,
}

fn record_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/answers.tsv")
}

fn read_record() -> BTreeMap<String, Recorded> {
    let text = std::fs::read_to_string(record_path()).unwrap_or_default();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            assert_eq!(fields.len(), 5, "malformed golden line: {line}");
            (
                fields[4].to_string(),
                Recorded {
                    status: fields[0].parse().unwrap(),
                    content_type: fields[1].to_string(),
                    bytes: fields[2].parse().unwrap(),
                    sha256: fields[3].to_string(),
                },
            )
        })
        .collect()
}

fn key(request: &Request) -> String {
    match request.accept_language {
        Some(language) => format!("{} [Accept-Language: {language}]", request.uri),
        None => request.uri.to_string(),
    }
}

#[actix_web::test]
async fn every_route_answers_as_recorded() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    let app = actix_test::init_service(gcm::web::app(state.clone())).await;
    let mut answers: Vec<(String, Recorded, Vec<u8>)> = Vec::new();
    for request in REQUESTS {
        let mut built = actix_test::TestRequest::get().uri(request.uri);
        if let Some(language) = request.accept_language {
            built = built.insert_header(("Accept-Language", language));
        }
        let response = actix_test::call_service(&app, built.to_request()).await;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let body = without_times(&actix_test::read_body(response).await);
        let sha256: String = Sha256::digest(&body)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        answers.push((
            key(request),
            Recorded {
                status,
                content_type,
                bytes: body.len(),
                sha256,
            },
            body,
        ));
    }
    if std::env::var("GCM_GOLDEN_WRITE").is_ok_and(|v| v == "1") {
        let mut text = String::from(
            "# status\tcontent-type\tbytes\tsha256\trequest (tests/golden.rs explains this file)\n",
        );
        for (key, recorded, _) in &answers {
            text.push_str(&format!(
                "{}\t{}\t{}\t{}\t{key}\n",
                recorded.status, recorded.content_type, recorded.bytes, recorded.sha256
            ));
        }
        std::fs::create_dir_all(record_path().parent().unwrap()).unwrap();
        std::fs::write(record_path(), text).unwrap();
        return;
    }
    let record = read_record();
    let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/golden");
    let mut differences = Vec::new();
    for (key, actual, body) in &answers {
        match record.get(key) {
            None => differences.push(format!("{key}: not in the record")),
            Some(expected) if expected != actual => {
                std::fs::create_dir_all(&out).unwrap();
                let file: String = key
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                    .collect();
                std::fs::write(out.join(file), body).unwrap();
                differences.push(format!("{key}: recorded {expected:?}, answered {actual:?}"));
            }
            Some(_) => {}
        }
    }
    for key in record.keys() {
        if !answers.iter().any(|(k, _, _)| k == key) {
            differences.push(format!("{key}: recorded but no longer asked"));
        }
    }
    assert!(
        differences.is_empty(),
        "{} of {} answers differ from tests/golden/answers.tsv (bodies in target/golden/):\n{}",
        differences.len(),
        answers.len(),
        differences.join("\n")
    );
}
