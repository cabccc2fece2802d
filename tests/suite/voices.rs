//! Voices (docs/METHODOLOGY.md 2.12): whose voice each source is, which voices give evidence for each
//! objective of a country, the corroborated and government-only counts, in the profile, the tidy CSV
//! and the pages; set at import, at upload and kept by a backup. Backend under test as for every suite.
//! Every expected value is worked out by hand from fixtures/ (sources.csv, items.jsonl); the comments
//! list the items that make it.

use crate::common::{self, send};

use std::path::Path;

use actix_web::test as actix_test;
use serde_json::Value;

use gcm::ingestion::{self, ImportError};

async fn get_json(state: &gcm::web::AppState, uri: &str) -> Value {
    let (status, _, body) = send(state, actix_test::TestRequest::get().uri(uri)).await;
    assert_eq!(status, 200, "{uri}: {body}");
    body
}

async fn get_text(state: &gcm::web::AppState, uri: &str) -> String {
    let app = actix_test::init_service(gcm::web::app(state.clone())).await;
    let response =
        actix_test::call_service(&app, actix_test::TestRequest::get().uri(uri).to_request()).await;
    assert_eq!(response.status(), 200, "{uri}");
    String::from_utf8(actix_test::read_body(response).await.to_vec()).unwrap()
}

/// The voices of one objective cell of a profile.
fn cell_voices(profile: &Value, objective: usize) -> Vec<String> {
    profile["objectives"][objective - 1]["voices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

fn sources_by_voice(sources: &Value) -> Vec<(String, String)> {
    sources["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap().to_string(),
                s["voice"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// Two reports about Mexico in the 2025 cycle: its government's national report (no `voice`: a
/// national report is the government's by default) with three items on objectives 2, 7 and 13, and a
/// civil-society report (`voice` given) with one item on objective 13.
const SOURCES_CSV: &str = "id,file,title,publisher,kind,voice,language,published,cycle,note
mex-nr-2025,mex-nr.txt,Informe nacional de México,Gobierno de México,national_report,,es,2024-11,2025,
mex-cs-2025,mex-cs.txt,Informe sombra,Red de organizaciones de migrantes,other,civil_society,es,2024-12,2025,
";
const MEX_NR: &str = "Informe nacional de México\n\
    México amplió los servicios consulares para sus nacionales en el exterior.\n\
    México abrió nuevos albergues para personas migrantes en la frontera sur.\n\
    México creó un programa de regularización para trabajadores migrantes.\n";
const MEX_CS: &str = "Informe sombra\n\
    Las organizaciones documentan que el programa de regularización llegó a pocas personas.\n";
const ITEMS: &str = r#"{"id":"mex-nr-1","source":"mex-nr-2025","line_start":2,"line_end":2,"kind":"measure","title":"Servicios consulares","quote":"México amplió los servicios consulares para sus nacionales en el exterior.","language":"es","reporting_iso3":"MEX","objectives":[{"objective":14,"basis":"inferred"}]}
{"id":"mex-nr-2","source":"mex-nr-2025","line_start":3,"line_end":3,"kind":"measure","title":"Albergues","quote":"México abrió nuevos albergues para personas migrantes en la frontera sur.","language":"es","reporting_iso3":"MEX","objectives":[{"objective":2,"basis":"inferred"},{"objective":7,"basis":"inferred"}]}
{"id":"mex-nr-3","source":"mex-nr-2025","line_start":4,"line_end":4,"kind":"measure","title":"Regularización","quote":"México creó un programa de regularización para trabajadores migrantes.","language":"es","reporting_iso3":"MEX","objectives":[{"objective":13,"basis":"inferred"}]}
{"id":"mex-cs-1","source":"mex-cs-2025","line_start":2,"line_end":2,"kind":"situation","title":"Alcance de la regularización","quote":"Las organizaciones documentan que el programa de regularización llegó a pocas personas.","language":"es","reporting_iso3":"MEX","objectives":[{"objective":13,"basis":"inferred"}]}
"#;

fn write_folder(dir: &Path, sources_csv: &str) {
    std::fs::create_dir_all(dir.join("sources")).unwrap();
    std::fs::write(dir.join("sources.csv"), sources_csv).unwrap();
    std::fs::write(dir.join("sources/mex-nr.txt"), MEX_NR).unwrap();
    std::fs::write(dir.join("sources/mex-cs.txt"), MEX_CS).unwrap();
    std::fs::write(dir.join("items.jsonl"), ITEMS).unwrap();
}

fn import_dir(state: &gcm::web::AppState, dir: &Path) -> Result<(), ImportError> {
    let files = ingestion::read_paths(&[dir.to_path_buf()]).unwrap();
    let mut conn = state.db.get().unwrap();
    ingestion::import(&mut conn, &files, &|_, _| {}).map(|_| ())
}

#[actix_web::test]
async fn the_seeds_voices_follow_their_publishers() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    let sources = get_json(&state, "/api/v1/sources").await;
    // fixtures/sources.csv, by publisher: seed 001 is the UN Network on Migration's (the UN system);
    // 000 is the SACM's Technical Secretariat (first-named, "with IOM"), 002 the EU's EUROsociAL+,
    // 003 the RCM and SACM, 004 the Summits of the Americas Secretariat (OAS): intergovernmental
    // bodies outside the UN system. No seed is a government's own report.
    assert_eq!(
        sources_by_voice(&sources),
        pairs(&[
            ("seed-000", "intergovernmental"),
            ("seed-001", "un"),
            ("seed-002", "intergovernmental"),
            ("seed-003", "intergovernmental"),
            ("seed-004", "intergovernmental"),
        ])
    );
}

#[actix_web::test]
async fn mexico_corroborated_and_government_only_by_hand() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    let mex = get_json(&state, "/api/v1/countries/MEX/profile").await;
    assert_eq!(mex["method_version"], "gcm-coverage/1.1");
    // Mexico's 18 objectives with evidence (tests/suite/indicators.rs). Objective 7: s001-m096
    // (seed 001, un) and s002-p43, s002-p44, s004-r035, s004-r042, s004-r043 (seeds 002 and 004,
    // intergovernmental). Objective 18: s001-m057 (un) and s004-r034; objective 19: s001-m057 and
    // s004-r023, s004-r041. Every other objective has one voice: 8 only s001-m096 (un), the rest only
    // seeds 002/004. So 3 corroborated (7, 18, 19), and none government-only: no seed is a
    // government's report.
    assert_eq!(mex["objectives_covered"], 18);
    assert_eq!(mex["corroborated"], 3);
    assert_eq!(mex["government_only"], 0);
    assert_eq!(
        mex["voices"],
        serde_json::json!(["un", "intergovernmental"])
    );
    // The fixed order: government, un, intergovernmental, civil_society, academic, other.
    assert_eq!(cell_voices(&mex, 7), ["un", "intergovernmental"]);
    assert_eq!(cell_voices(&mex, 8), ["un"]);
    assert_eq!(cell_voices(&mex, 10), ["intergovernmental"]);
    // Objective 2: no evidence, no voice (and the cell says "no evidence", not "nothing done").
    assert!(cell_voices(&mex, 2).is_empty());
    assert_eq!(
        mex["objectives"][1]["status"],
        "no evidence in these sources"
    );
    // Ecuador: objectives 4 (s000-p02, s000-p18 and s001-m043) and 5 (s001-m043, s003-p46) are
    // corroborated; its other 10 objectives have one voice each.
    let ecu = get_json(&state, "/api/v1/countries/ECU/profile").await;
    assert_eq!(
        (ecu["corroborated"].clone(), ecu["government_only"].clone()),
        (2.into(), 0.into())
    );

    // Mexico's own national report and a civil-society report (SOURCES_CSV, ITEMS):
    let dir = tempfile::tempdir().unwrap();
    write_folder(dir.path(), SOURCES_CSV);
    import_dir(&state, dir.path()).unwrap();
    let sources = get_json(&state, "/api/v1/sources").await;
    let voices = sources_by_voice(&sources);
    assert!(
        voices.contains(&("mex-nr-2025".into(), "government".into())),
        "{voices:?}"
    );
    assert!(
        voices.contains(&("mex-cs-2025".into(), "civil_society".into())),
        "{voices:?}"
    );
    let mex = get_json(&state, "/api/v1/countries/MEX/profile").await;
    // New objectives: 2 (mex-nr-2) and 13 (mex-nr-3, mex-cs-1); 14 already had s004-r045.
    // Objective 2: the government only. Objective 13: government and civil society. Objective 7
    // gains a third voice; 14 gains a second (government beside intergovernmental).
    // corroborated = {7, 13, 14, 18, 19} = 5; government_only = {2} = 1; covered = 18 + 2 = 20.
    assert_eq!(mex["objectives_covered"], 20);
    assert_eq!(mex["corroborated"], 5);
    assert_eq!(mex["government_only"], 1);
    assert_eq!(cell_voices(&mex, 2), ["government"]);
    assert_eq!(
        cell_voices(&mex, 7),
        ["government", "un", "intergovernmental"]
    );
    assert_eq!(cell_voices(&mex, 13), ["government", "civil_society"]);
    assert_eq!(cell_voices(&mex, 14), ["government", "intergovernmental"]);
    assert_eq!(
        mex["voices"],
        serde_json::json!(["government", "un", "intergovernmental", "civil_society"])
    );
    // Only the 2025 cycle: the two new reports and seeds 000 and 003, which credit Mexico with
    // nothing; so objectives 2, 7, 13, 14 have evidence, 13 has two voices and 2, 7, 14 only the
    // government's.
    let mex_2025 = get_json(&state, "/api/v1/countries/MEX/profile?cycle=2025").await;
    assert_eq!(mex_2025["objectives_covered"], 4);
    assert_eq!(mex_2025["corroborated"], 1);
    assert_eq!(mex_2025["government_only"], 3);

    // The tidy CSV: an objective's rows carry its voices, the others the country's.
    let csv = get_text(&state, "/exports/indicators.csv").await;
    let mut lines = csv.lines();
    let header = lines.next().unwrap();
    assert!(
        header.ends_with(",method_version,sources,voices"),
        "{header}"
    );
    let row = |indicator: &str, dimension: &str| -> Vec<String> {
        csv.lines()
            .map(|l| l.split(',').map(str::to_string).collect::<Vec<_>>())
            .find(|cells| cells[0] == "MEX" && cells[2] == indicator && cells[4] == dimension)
            .unwrap_or_else(|| panic!("no {indicator} {dimension} row in\n{csv}"))
    };
    let depth_13 = row("depth", "13");
    // depth 2: mex-nr-3 is a measure without figures.
    assert_eq!(depth_13[6], "2");
    assert_eq!(depth_13.last().unwrap(), "government civil_society");
    assert_eq!(row("depth", "2").last().unwrap(), "government");
    assert_eq!(
        row("depth", "20").last().unwrap(),
        "",
        "no evidence for 20: no voice"
    );
    let corroborated = row("corroborated", "all");
    // value 5, numerator 5, denominator the 20 objectives with evidence.
    assert_eq!(&corroborated[6..9], ["5", "5", "20"]);
    assert_eq!(
        corroborated.last().unwrap(),
        "government un intergovernmental civil_society"
    );
    assert_eq!(&row("government_only", "all")[6..9], ["1", "1", "20"]);

    // The country page names the voices and the two counts, in English and Spanish.
    let page = get_text(&state, "/countries/MEX").await;
    assert!(
        page.contains(r#"<dd id="country-voices">Government, UN system, Intergovernmental body and Civil society</dd>"#),
        "{page}"
    );
    assert!(
        page.contains(r#"<dd id="country-corroborated">5 of 20</dd>"#),
        "{page}"
    );
    assert!(
        page.contains(r#"<dd id="country-government-only">1 of 20</dd>"#),
        "{page}"
    );
    let page_es = get_text(&state, "/countries/MEX?lang=es").await;
    assert!(page_es.contains("Voces de la evidencia"), "{page_es}");
    assert!(page_es.contains("Gobierno y Sociedad civil"), "{page_es}");
    // The matrix table on the overview: initials under each depth, the names in the link's label,
    // and the legend.
    let overview = get_text(&state, "/?countries=MEX").await;
    assert!(
        overview.contains(r#"<span class="voices" aria-hidden="true">G CS</span>"#),
        "{overview}"
    );
    assert!(
        overview.contains("13: described; voices: Government and Civil society"),
        "{overview}"
    );
    assert!(overview.contains(r#"<dt><abbr title="UN system">UN</abbr></dt><dd>UN system</dd>"#));
}

#[actix_web::test]
async fn an_unknown_voice_is_refused_with_its_line_and_leaves_nothing() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    let before = get_json(&state, "/api/v1/sources").await;
    let dir = tempfile::tempdir().unwrap();
    // Line 3 of sources.csv (the civil-society report) misspells its voice.
    write_folder(
        dir.path(),
        &SOURCES_CSV.replace(",other,civil_society,", ",other,civil society,"),
    );
    let error = import_dir(&state, dir.path()).unwrap_err();
    let ImportError::Invalid(problems) = error else {
        panic!("expected validation problems, got {error:?}");
    };
    let shown: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    let file = dir.path().join("sources.csv").display().to_string();
    assert_eq!(
        shown,
        [format!(
            "{file}:3: voice: `civil society` is not a voice; accepted: government, un, intergovernmental, civil_society, academic, other (or empty: the default of the kind)"
        )],
        "the source is refused and the items that refer to it are not reported again"
    );
    // Nothing of the import was written: not the good government report of line 2 either.
    assert_eq!(get_json(&state, "/api/v1/sources").await, before);
    let mex = get_json(&state, "/api/v1/countries/MEX/profile").await;
    assert_eq!(mex["objectives_covered"], 18);
}

fn editor(state: &gcm::web::AppState) -> String {
    let mut conn = state.db.get().unwrap();
    gcm::db::tokens::create(&mut conn, "editor", gcm::auth::Role::Editor, "test").unwrap()
}

fn upload(token: &str, uri: &str, body: &str) -> actix_test::TestRequest {
    actix_test::TestRequest::post()
        .uri(uri)
        .insert_header(("Authorization", format!("Bearer {token}")))
        .insert_header(("Content-Type", "text/plain"))
        .set_payload(body.to_string())
}

const REPORT: &str = "Informe de la red de organizaciones\n\n\
    La red acompañó a personas migrantes en el acceso a la justicia y la regularización.\n";

#[actix_web::test]
async fn an_upload_is_the_governments_unless_told_and_a_wrong_voice_is_refused() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    let token = editor(&state);
    let base = "/api/v1/documents?country=COL&cycle=2025&title=Informe";
    // An unknown voice: 422 naming the parameter and the accepted values; nothing stored.
    let before = get_json(&state, "/api/v1/sources").await;
    let (status, _, body) =
        send(&state, upload(&token, &format!("{base}&voice=ngo"), REPORT)).await;
    assert_eq!(status, 422, "{body}");
    let said = body.to_string();
    assert!(said.contains("voice"), "{said}");
    assert!(
        said.contains("`ngo` is not a voice; accepted: government, un, intergovernmental, civil_society, academic, other"),
        "{said}"
    );
    assert_eq!(get_json(&state, "/api/v1/sources").await, before);

    // Told: civil society.
    let (status, _, stored) = send(
        &state,
        upload(&token, &format!("{base}&voice=civil_society"), REPORT),
    )
    .await;
    assert_eq!(status, 201, "{stored}");
    let id = stored["source"].as_str().unwrap().to_string();
    let source = get_json(&state, &format!("/api/v1/sources/{id}")).await;
    assert_eq!(source["voice"], "civil_society");
    // Not told: a national report is its government's.
    let (status, _, stored) = send(
        &state,
        upload(&token, base, &REPORT.replace("red de", "gobierno y sus")),
    )
    .await;
    assert_eq!(status, 201, "{stored}");
    let id = stored["source"].as_str().unwrap().to_string();
    let source = get_json(&state, &format!("/api/v1/sources/{id}")).await;
    assert_eq!(source["voice"], "government");
    assert_eq!(source["kind"], "national_report");
}

#[test]
fn a_backup_keeps_every_voice_and_a_restore_gives_them_back() {
    let original = common::TestDatabase::new();
    let state = common::prepared_state(&original);
    let dir = tempfile::tempdir().unwrap();
    write_folder(dir.path(), SOURCES_CSV);
    import_dir(&state, dir.path()).unwrap();

    let backup = tempfile::tempdir().unwrap();
    let run = |url: &str, args: &[&str]| {
        let output = common::gcm_command()
            .args(args)
            .env("GCM__DATABASE__URL", url)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    run(
        &original.url,
        &["export", "--all", backup.path().to_str().unwrap()],
    );
    // sources.csv of the backup names each source's voice: the five seeds' and the two reports'.
    let sources_csv = std::fs::read_to_string(backup.path().join("sources.csv")).unwrap();
    let mut rows = csv::Reader::from_reader(sources_csv.as_bytes());
    let headers = rows.headers().unwrap().clone();
    let at = headers
        .iter()
        .position(|h| h == "voice")
        .expect("a voice column");
    let voices: Vec<(String, String)> = rows
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_string(), r[at].to_string())
        })
        .collect();
    let expected = pairs(&[
        ("mex-cs-2025", "civil_society"),
        ("mex-nr-2025", "government"),
        ("seed-000", "intergovernmental"),
        ("seed-001", "un"),
        ("seed-002", "intergovernmental"),
        ("seed-003", "intergovernmental"),
        ("seed-004", "intergovernmental"),
    ]);
    let mut sorted = voices.clone();
    sorted.sort();
    assert_eq!(sorted, expected);

    let restored = common::TestDatabase::new();
    run(&restored.url, &["import", backup.path().to_str().unwrap()]);
    let database = gcm::startup::prepare_schema(&restored.settings()).unwrap();
    let mut conn = database.get().unwrap();
    let mut back: Vec<(String, String)> = gcm::db::sources::list(&mut conn)
        .unwrap()
        .into_iter()
        .map(|s| (s.id, s.voice))
        .collect();
    back.sort();
    assert_eq!(back, expected);
}

#[test]
fn the_migration_gives_stored_sources_the_voices_of_their_publishers() {
    use diesel::connection::SimpleConnection;
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    let mut conn = state.db.get().unwrap();
    // A store from before voices: the seeds as loaded then (the voice column and its migration
    // reverted; migrations that came after it reverted with it), plus a national report, a
    // catalogue whose publisher no rule places and a sheet of IOM's.
    let mut reverted = Vec::new();
    while !reverted
        .iter()
        .any(|v: &String| v.starts_with("20261202000009"))
    {
        reverted.push(gcm::db::revert_last_migration(&mut conn).unwrap());
        assert!(
            reverted.len() < 10,
            "the voices migration was not found: {reverted:?}"
        );
    }
    conn.batch_execute(
        "INSERT INTO sources (id, file_name, title, publisher, kind, language, published, \
         published_precision, cycle_id, note, checksum, line_count, body, imported_at) VALUES \
         ('chl-nr', 'chl.txt', 'Informe', 'Gobierno de Chile', 'national_report', 'es', NULL, \
          'unknown', '2025', NULL, 'x', 1, 'Informe', '2026-01-01 00:00:00'), \
         ('uni-cat', 'uni.txt', 'Catálogo', 'Universidad de Chile', 'practice_catalogue', 'es', \
          NULL, 'unknown', '2025', NULL, 'y', 1, 'Catálogo', '2026-01-01 00:00:00'), \
         ('iom-sheet', 'iom.txt', 'Ficha', 'iom country office', 'programme_sheet', 'es', \
          NULL, 'unknown', '2025', NULL, 'z', 1, 'Ficha', '2026-01-01 00:00:00')",
    )
    .unwrap();
    gcm::db::run_migrations(&mut conn).unwrap();
    let mut voices: Vec<(String, String)> = gcm::db::sources::list(&mut conn)
        .unwrap()
        .into_iter()
        .map(|s| (s.id, s.voice))
        .collect();
    voices.sort();
    // The seeds get the voices fixtures/sources.csv names (the same rules on their publishers); the
    // national report its government's; the university's catalogue the default of its kind, `other`
    // (no rule names universities: the import asks for the voice instead); IOM's sheet `un`, its
    // publisher written in lower case (compared in lower case on both backends).
    assert_eq!(
        voices,
        pairs(&[
            ("chl-nr", "government"),
            ("iom-sheet", "un"),
            ("seed-000", "intergovernmental"),
            ("seed-001", "un"),
            ("seed-002", "intergovernmental"),
            ("seed-003", "intergovernmental"),
            ("seed-004", "intergovernmental"),
            ("uni-cat", "other"),
        ])
    );
}
