//! Models in the store, end to end on the backend under test: a report uploaded, reviewers' decisions
//! through the API and the pages, `gcm mapping train` (the real binary) storing a model that the
//! service then uses, `gcm reclassify` keeping the reviewers' work, and `gcm mapping use lexicon`
//! rolling back.

use actix_web::test;
use serde_json::Value;

use crate::common::{self, send};

/// Eight passages about the Tarjeta de Visitante Trabajador Fronterizo (the same as in learning.rs):
/// the lexicon reads "fronterizo" (objective 11, weight 0.6) in each, so each gets 11 at least at
/// 1 − e^−0.6 = 0.451 ≥ 0.35, and no term of objective 5 (regular pathways). Reviewers judge them 5.
const CARDS: [&str; 8] = [
    "El Instituto Nacional de Migración expidió 12.400 Tarjetas de Visitante Trabajador Fronterizo a personas de Guatemala y Belice, que pueden trabajar legalmente en los estados fronterizos de Chiapas, Tabasco, Campeche y Quintana Roo.",
    "La Tarjeta de Visitante Trabajador Fronterizo se tramita sin costo en las oficinas de la frontera sur y permite a la persona trabajadora cambiar de empleador dentro de la región.",
    "Con la Tarjeta de Visitante Trabajador Fronterizo, las trabajadoras del hogar guatemaltecas en Tapachula cuentan con una estancia documentada y acceso a la seguridad social.",
    "Se amplió la vigencia de la Tarjeta de Visitante Trabajador Fronterizo a un año, renovable, para quienes trabajan en las fincas cafetaleras de la frontera sur.",
    "Las personas con Tarjeta de Visitante Trabajador Fronterizo pueden ingresar y salir de México por cualquier punto de la frontera sur durante su vigencia.",
    "En Tenosique se abrió una oficina para emitir la Tarjeta de Visitante Trabajador Fronterizo a jornaleros de Petén que cruzan la frontera cada temporada.",
    "La Tarjeta de Visitante Trabajador Fronterizo se entrega en un solo día a quien presente una oferta de empleo de un patrón registrado en la frontera sur.",
    "Durante 2022 se otorgaron 9.800 Tarjetas de Visitante Trabajador Fronterizo, la mitad a mujeres que trabajan en el comercio de la frontera sur.",
];

/// A new passage of the same kind, in a later report: "Fronterizo" and "frontera" give 11 at
/// 1 − e^−(0.6 + 0.6) = 0.699 from the lexicon, and nothing of 5.
const NEW_CARD: &str = "En el segundo semestre se entregaron 3.100 Tarjetas de Visitante Trabajador Fronterizo en Ciudad Hidalgo a jornaleros guatemaltecos de la frontera sur.";

/// A passage under a heading that names objective 13, without any term of 13.
const UNDER_HEADING: &str =
    "En esta área, el país aplicó medidas nuevas para las familias con niños en 2022.";

const PASSWORD: &str = "correct horse battery";

fn first_report() -> String {
    format!(
        "# Informe nacional de México 2025\n\n{}\n\n## Objetivo 13\n\n{UNDER_HEADING}\n",
        CARDS.join("\n\n")
    )
}

fn second_report() -> String {
    format!("# Informe complementario de México\n\n{NEW_CARD}\n")
}

async fn upload(state: &gcm::web::AppState, token: &str, title: &str, body: &str) -> String {
    let uri = format!("/api/v1/documents?country=MEX&cycle=2025&language=es&title={title}");
    let (status, _, answer) = send(
        state,
        test::TestRequest::post()
            .uri(&uri)
            .insert_header(("Authorization", format!("Bearer {token}")))
            .insert_header(("Content-Type", "text/markdown; charset=utf-8"))
            .set_payload(body.to_string()),
    )
    .await;
    assert_eq!(status, 201, "{answer}");
    answer["source"].as_str().unwrap().to_string()
}

async fn item(state: &gcm::web::AppState, id: &str) -> Value {
    let (status, _, answer) = send(
        state,
        test::TestRequest::get().uri(&format!("/api/v1/evidence/{id}")),
    )
    .await;
    assert_eq!(status, 200, "{id}: {answer}");
    answer
}

/// An item's objective mappings as (objective, basis, confidence, id), best first as stored.
fn mappings(item: &Value) -> Vec<(i64, String, f64, i64)> {
    item["objectives"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["objective"].as_i64().unwrap(),
                m["basis"].as_str().unwrap().to_string(),
                m["confidence"].as_f64().unwrap(),
                m["id"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn objective(item: &Value, n: i64) -> Option<(i64, String, f64, i64)> {
    mappings(item).into_iter().find(|m| m.0 == n)
}

/// Runs the real `gcm` binary on the test's database; (success, stdout, stderr).
fn gcm(db: &common::TestDatabase, args: &[&str]) -> (bool, String, String) {
    let output = common::gcm_command()
        .args(args)
        .env("GCM__DATABASE__URL", &db.url)
        .output()
        .expect("run gcm");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).to_string(),
        String::from_utf8_lossy(&output.stderr).to_string(),
    )
}

/// The editor `ana`, signed in: her session cookie and form token.
fn sign_in(db: &common::TestDatabase, state: &gcm::web::AppState) -> (String, String) {
    use gcm::db::users;
    let mut conn = state.db.get().unwrap();
    users::create(&mut conn, "ana", gcm::auth::Role::Editor, PASSWORD, "test").unwrap();
    let policy = users::SessionPolicy::from_settings(&db.settings().auth);
    match users::sign_in(&mut conn, "ana", PASSWORD, "127.0.0.1", &policy).unwrap() {
        users::SignIn::Started(session) => (session.secret, session.csrf_token),
        other => panic!("ana could not sign in: {other:?}"),
    }
}

/// Ana adds objective `n` to an item with the review page's form.
async fn add_objective(state: &gcm::web::AppState, session: &(String, String), id: &str, n: u8) {
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("csrf_token", &session.1)
        .append_pair("objective", &n.to_string())
        .finish();
    let request = test::TestRequest::post()
        .uri(&format!("/items/{id}/objectives?lang=en"))
        .insert_header(("Host", "localhost:8080"))
        .insert_header(("Origin", "http://localhost:8080"))
        .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
        .insert_header(("Cookie", format!("gcm_session={}", session.0)))
        .set_payload(body);
    let app = test::init_service(gcm::web::app(state.clone())).await;
    let response = test::call_service(&app, request.to_request()).await;
    assert_eq!(response.status().as_u16(), 303, "add {n} to {id}");
}

fn versions(
    state: &gcm::web::AppState,
    id: &str,
) -> std::collections::BTreeMap<i32, Option<String>> {
    let mut conn = state.db.get().unwrap();
    gcm::db::models::suggestion_versions(&mut conn, id).unwrap()
}

#[actix_web::test]
async fn reviewers_teach_a_stored_model_that_reclassify_and_rollback_respect() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    let lexicon = gcm::mapping::lexicon_version();
    let token = {
        let mut conn = state.db.get().unwrap();
        gcm::db::tokens::create(&mut conn, "editor", gcm::auth::Role::Editor, "test").unwrap()
    };

    // A fresh store has no trained model: the bundled lexicon is current.
    let (ok, listed, _) = gcm(&db, &["mapping", "models"]);
    assert!(ok);
    assert!(
        listed.contains(&format!("* lexicon                 bundled ({lexicon})")),
        "{listed}"
    );

    let first = upload(&state, &token, "Informe%202025", &first_report()).await;
    // The cards are p001-p008 (the title heading is no passage), the passage under "## Objetivo 13"
    // p009.
    for n in 1..=8 {
        let card = item(&state, &format!("{first}-p00{n}")).await;
        let eleven = objective(&card, 11).unwrap_or_else(|| panic!("p00{n} has no 11: {card}"));
        assert_eq!(eleven.1, "auto");
        assert!(eleven.2 >= 0.451, "{eleven:?}");
        assert_eq!(objective(&card, 5), None, "{card}");
    }
    // Under the heading: no term of 13, so text score 0 and 1 − (1 − 0) × (1 − 0.8) = 0.8 from the
    // heading alone; the rationale says so.
    let heading = item(&state, &format!("{first}-p009")).await;
    let thirteen = objective(&heading, 13).unwrap();
    assert_eq!((thirteen.1.as_str(), thirteen.2), ("auto", 0.8));
    let rationale = heading["objectives"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["objective"] == 13)
        .unwrap()["rationale"]
        .as_str()
        .unwrap()
        .to_string();
    // The heading is line 19: the title (1), a blank line, the eight cards on lines 3, 5, ..., 17,
    // a blank line.
    assert!(
        rationale.starts_with("heading \"Objetivo 13\" (line 19)"),
        "{rationale}"
    );
    // Every suggestion records what made it: the lexicon.
    assert_eq!(
        versions(&state, &format!("{first}-p009"))[&13].as_deref(),
        Some(lexicon)
    );

    // A reviewer rejects 11 with the API token and adds 5 with the review page, on the eight cards.
    let ana = sign_in(&db, &state);
    for n in 1..=8 {
        let id = format!("{first}-p00{n}");
        let eleven = objective(&item(&state, &id).await, 11).unwrap();
        let (status, _, answer) = send(
            &state,
            test::TestRequest::post()
                .uri(&format!("/api/v1/mappings/{}/reject", eleven.3))
                .insert_header(("Authorization", format!("Bearer {token}"))),
        )
        .await;
        assert_eq!(status, 200, "{answer}");
        add_objective(&state, &ana, &id, 5).await;
        let card = item(&state, &id).await;
        assert_eq!(objective(&card, 11), None);
        assert_eq!(objective(&card, 5).unwrap().1, "reviewed");
        // A reviewer's mapping is no suggestion: no model version.
        assert_eq!(versions(&state, &id)[&5], None);
    }

    // Training: the 363 annotated items of the fixtures that have an objective (24 have none and
    // teach nothing) plus the eight decided cards: 371 passages in 6 documents (five seed texts and
    // this report; the passage under the heading is undecided, so no label).
    let (ok, out, err) = gcm(&db, &["mapping", "train"]);
    assert!(ok, "{out}\n{err}");
    assert!(
        out.contains(
            "training data: 371 labelled passages (8 with rejected suggestions) in 6 documents"
        ),
        "{out}"
    );
    // The lexicon, leave-one-document-out (it learns nothing): its 202 top-1 hits on the corpus
    // (docs/MAPPING.md) and none on the cards (it ranks 11 first, the reviewers' primary is 5).
    assert!(out.contains("overall  lexicon ("), "{out}");
    assert!(out.contains("371 passages  top-1 0.544 (202/371)"), "{out}");
    assert!(
        out.contains("the new model is better than lexicon"),
        "{out}"
    );
    let version = out
        .lines()
        .find_map(|line| line.strip_prefix("stored model "))
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("{out}"))
        .to_string();
    assert!(version.starts_with("model-"), "{version}");
    let (_, listed, _) = gcm(&db, &["mapping", "models"]);
    assert!(listed.contains(&format!("* {version}")), "{listed}");
    assert!(listed.contains("  lexicon"), "{listed}");
    {
        let mut conn = state.db.get().unwrap();
        let audit = gcm::db::review::audit_entries(&mut conn, Some(&format!("model:{version}")), 5)
            .unwrap();
        assert_eq!(audit[0].action, "model.train");
        assert_eq!(audit[0].before.as_ref().unwrap()["current"], "lexicon");
    }

    // An edition frozen now records the trained model as the one that made its suggestions.
    let (ok, out, err) = gcm(
        &db,
        &[
            "snapshot",
            "create",
            "--id",
            "after-training",
            "--title",
            "After training",
        ],
    );
    assert!(ok, "{out}\n{err}");
    {
        let mut conn = state.db.get().unwrap();
        let edition = gcm::db::editions::find(&mut conn, "after-training")
            .unwrap()
            .expect("the edition");
        assert_eq!(edition.model_version, version);
    }

    // The service picks up the new current model at the next upload: the new card no longer gets 11
    // and gets 5, recorded as the model's suggestion.
    let second = upload(&state, &token, "Complemento", &second_report()).await;
    let new_card = item(&state, &format!("{second}-p001")).await;
    assert_eq!(objective(&new_card, 11), None, "{new_card}");
    let five = objective(&new_card, 5).unwrap_or_else(|| panic!("no 5: {new_card}"));
    assert_eq!(five.1, "auto");
    assert_eq!(mappings(&new_card)[0].0, 5, "{new_card}");
    assert_eq!(
        versions(&state, &format!("{second}-p001"))[&5].as_deref(),
        Some(version.as_str())
    );

    // Re-classifying the first report with the model: the cards' 5 stays the reviewer's, 11 stays
    // rejected, the heading passage keeps 13 (the heading alone gives at least 0.8).
    let (ok, out, err) = gcm(&db, &["reclassify", "--source", &first]);
    assert!(ok, "{out}\n{err}");
    assert!(
        out.contains(&format!("{first}: 9 passages with {version}")),
        "{out}"
    );
    assert!(out.contains("left alone: 8 decided mappings"), "{out}");
    for n in 1..=8 {
        let card = item(&state, &format!("{first}-p00{n}")).await;
        assert_eq!(objective(&card, 11), None, "{card}");
        assert_eq!(objective(&card, 5).unwrap().1, "reviewed");
    }
    let heading = item(&state, &format!("{first}-p009")).await;
    assert!(objective(&heading, 13).unwrap().2 >= 0.8, "{heading}");

    // An unknown model or source is a clear error that names what is known.
    let (ok, _, err) = gcm(&db, &["mapping", "use", "model-20990101-00000000"]);
    assert!(!ok);
    assert!(
        err.contains(&format!(
            "no model `model-20990101-00000000`; known: lexicon, {version}"
        )),
        "{err}"
    );
    let (ok, _, err) = gcm(&db, &["reclassify", "--source", "doc-nope"]);
    assert!(!ok);
    assert!(
        err.contains("no uploaded report `doc-nope`; uploaded: "),
        "{err}"
    );

    // Rollback to the lexicon, and re-classify everything with it: the lexicon suggests 11 on each
    // card again (as at upload), and each time it is a rejected suggestion that is not brought back
    // (8 of them). The new card, never decided, gets the lexicon's 11 at 0.699 back, and its 5 (the
    // model's, no term of 5 in the lexicon) goes.
    let (ok, out, err) = gcm(&db, &["mapping", "use", "lexicon"]);
    assert!(ok, "{err}");
    assert_eq!(
        out.trim(),
        format!("the current model is now lexicon (was {version})")
    );
    let (ok, out, err) = gcm(&db, &["reclassify", "--all"]);
    assert!(ok, "{out}\n{err}");
    let first_line = out
        .lines()
        .find(|l| l.starts_with(&format!("{first}:")))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        first_line.contains(
            "left alone: 8 decided mappings, 8 rejected suggestions, 0 passages not evidence"
        ),
        "{first_line}"
    );
    for n in 1..=8 {
        let card = item(&state, &format!("{first}-p00{n}")).await;
        assert_eq!(objective(&card, 11), None, "{card}");
        assert_eq!(objective(&card, 5).unwrap().1, "reviewed");
    }
    let new_card = item(&state, &format!("{second}-p001")).await;
    assert_eq!(
        mappings(&new_card)
            .iter()
            .map(|m| (m.0, m.2))
            .collect::<Vec<_>>(),
        [(11, 0.699)]
    );
    assert_eq!(
        versions(&state, &format!("{second}-p001"))[&11].as_deref(),
        Some(lexicon)
    );
    let (_, listed, _) = gcm(&db, &["mapping", "models"]);
    assert!(listed.contains(&format!("  {version}")), "{listed}");
    assert!(listed.contains("* lexicon"), "{listed}");
}

/// The noise batch: every annotated item of seed-003 copied into a second source with the same text,
/// its objectives shifted by one (n → n + 1, 23 → 1), as an annotator's batch gone wrong would read.
/// Returns the folder to import and how many items it holds.
fn shifted_copy_of_seed_003() -> (tempfile::TempDir, usize) {
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sources")).unwrap();
    let mut sources = csv::Reader::from_path(fixtures.join("sources.csv")).unwrap();
    let header = sources.headers().unwrap().clone();
    let seed = sources
        .records()
        .map(Result::unwrap)
        .find(|r| &r[0] == "seed-003")
        .unwrap();
    // The same text under another file name (one line added at the end, so its bytes differ but
    // every item's lines are where they were).
    let mut text = std::fs::read_to_string(fixtures.join("sources").join(&seed[1])).unwrap();
    text.push_str("\nCopy for the noise test.\n");
    std::fs::write(dir.path().join("sources/noise-000.txt"), text).unwrap();
    let mut writer = csv::Writer::from_path(dir.path().join("sources.csv")).unwrap();
    writer.write_record(&header).unwrap();
    let mut record: Vec<String> = seed.iter().map(str::to_string).collect();
    record[0] = "noise-000".into();
    record[1] = "noise-000.txt".into();
    record[2] = format!("{} (shifted copy)", record[2]);
    writer.write_record(&record).unwrap();
    writer.flush().unwrap();
    let mut items = String::new();
    let mut count = 0;
    for line in std::fs::read_to_string(fixtures.join("items.jsonl"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
    {
        let mut item: Value = serde_json::from_str(line).unwrap();
        if item["source"] != "seed-003" {
            continue;
        }
        item["id"] = Value::from(format!("noise-{}", item["id"].as_str().unwrap()));
        item["source"] = Value::from("noise-000");
        for mapping in item["objectives"].as_array_mut().into_iter().flatten() {
            let n = mapping["objective"].as_u64().unwrap();
            mapping["objective"] = Value::from(n % 23 + 1);
        }
        items.push_str(&item.to_string());
        items.push('\n');
        count += 1;
    }
    std::fs::write(dir.path().join("items.jsonl"), items).unwrap();
    (dir, count)
}

/// The current model of the store as `gcm mapping models` marks it.
fn current_model(db: &common::TestDatabase) -> String {
    let (ok, listed, err) = gcm(db, &["mapping", "models"]);
    assert!(ok, "{err}");
    listed
        .lines()
        .find_map(|line| line.strip_prefix("* "))
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no current model: {listed}"))
        .to_string()
}

#[actix_web::test]
async fn a_worse_model_is_refused_unless_forced_and_models_travel_in_backups() {
    let db = common::TestDatabase::new();
    let _state = common::prepared_state(&db);
    // The fixtures alone: a first model, better than the lexicon on the same folds.
    let (ok, out, err) = gcm(&db, &["mapping", "train"]);
    assert!(ok, "{out}\n{err}");
    assert!(
        out.contains("the new model is better than lexicon"),
        "{out}"
    );
    let first = current_model(&db);
    assert!(first.starts_with("model-"), "{first}");

    // A batch that contradicts seed-003 passage by passage. Left out of training, seed-003's own fold
    // is scored by a new model that learned its very text with every objective shifted, while the
    // current model's fold never saw that batch; the noise document's fold is the same for both
    // (neither sees it). So the new model can only lose top-1 hits, and it loses many.
    let (noise, count) = shifted_copy_of_seed_003();
    assert!(count > 50, "seed-003 has {count} annotated items");
    let (ok, out, err) = gcm(&db, &["import", noise.path().to_str().unwrap()]);
    assert!(ok, "{out}\n{err}");
    let (ok, out, err) = gcm(&db, &["mapping", "train"]);
    assert!(!ok, "a worse model was stored:\n{out}");
    assert!(
        err.contains(&format!(
            "the new model is worse than {first}: top-1 fell from"
        )),
        "{err}"
    );
    assert!(
        err.contains("the current model stays (use --force to replace it)"),
        "{err}"
    );
    assert_eq!(current_model(&db), first);
    // Forced, it is stored and current, and says it was worse.
    let (ok, out, err) = gcm(&db, &["mapping", "train", "--force"]);
    assert!(ok, "{out}\n{err}");
    assert!(out.contains("stored anyway (--force)"), "{out}");
    let second = current_model(&db);
    assert_ne!(second, first);

    // A backup carries both models whole; restored into an empty store, the same one is current and
    // the other can be rolled back to.
    let backup = tempfile::tempdir().unwrap();
    let (ok, out, err) = gcm(&db, &["export", "--all", backup.path().to_str().unwrap()]);
    assert!(ok, "{out}\n{err}");
    assert!(out.contains("wrote 2 model(s)"), "{out}");
    let models_file = backup.path().join("models/models.jsonl");
    let lines = std::fs::read_to_string(&models_file).unwrap();
    assert_eq!(lines.lines().count(), 2);
    let restored = common::TestDatabase::new();
    let (ok, out, err) = gcm(&restored, &["import", backup.path().to_str().unwrap()]);
    assert!(ok, "{out}\n{err}");
    assert_eq!(current_model(&restored), second);
    let (ok, out, err) = gcm(&restored, &["mapping", "use", &first]);
    assert!(ok, "{out}\n{err}");
    assert_eq!(current_model(&restored), first);

    // A model changed on the way is refused with its file and line, and nothing is written.
    let mut rows: Vec<Value> = lines
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let model = rows[1]["model"].as_str().unwrap().to_string();
    rows[1]["model"] = Value::from(model.replacen("\"checksum\":\"", "\"checksum\":\"0", 1));
    let damaged: String = rows.iter().map(|r| format!("{r}\n")).collect();
    std::fs::write(&models_file, damaged).unwrap();
    let empty = common::TestDatabase::new();
    let (ok, _, err) = gcm(&empty, &["import", backup.path().to_str().unwrap()]);
    assert!(!ok);
    assert!(
        err.contains("models.jsonl:2: model: its checksum does not match its content"),
        "{err}"
    );
    let (ok, listed, _) = gcm(&empty, &["mapping", "models"]);
    assert!(ok);
    assert!(listed.contains("* lexicon"), "{listed}");
    assert!(!listed.contains("model-"), "{listed}");
}
