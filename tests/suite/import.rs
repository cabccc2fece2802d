//! `gcm import`: all-or-nothing, `file:line` messages, and idempotence, on the backend under test.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

use gcm::db::import::apply_batch;
use gcm::evidence::batch::{Batch, ValidationContext};
use gcm::ingestion::{self, ImportError, InputFile, Problem};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn count(state: &gcm::web::AppState) -> i64 {
    use diesel::prelude::*;
    let mut conn = state.db.get().unwrap();
    gcm::db::schema::evidence_items::table
        .count()
        .get_result(&mut *conn)
        .unwrap()
}

/// A folder with the fixtures' sources and the given items file.
fn import_folder(items: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sources")).unwrap();
    for entry in std::fs::read_dir(fixtures().join("sources")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(
            &path,
            dir.path().join("sources").join(path.file_name().unwrap()),
        )
        .unwrap();
    }
    std::fs::copy(
        fixtures().join("sources.csv"),
        dir.path().join("sources.csv"),
    )
    .unwrap();
    std::fs::write(dir.path().join("items.jsonl"), items).unwrap();
    dir
}

/// What an empty store holds that an import may refer to: the bundled countries and principles.
fn empty_store() -> ValidationContext {
    let reference = gcm::framework::ReferenceData::bundled().unwrap();
    ValidationContext {
        countries: reference.countries.iter().map(|c| c.iso3.clone()).collect(),
        principles: reference
            .framework
            .principles
            .iter()
            .map(|p| p.key.clone())
            .collect(),
        ..ValidationContext::default()
    }
}

/// The files parsed and validated against `context`, without a database; the batch only when no problem
/// was found.
fn parsed_and_valid(
    files: &[InputFile],
    context: &ValidationContext,
) -> Result<Batch, Vec<Problem>> {
    let (batch, mut problems) = ingestion::parse(files);
    problems.extend(ingestion::validate(&batch, context));
    if problems.is_empty() {
        Ok(batch)
    } else {
        Err(problems)
    }
}

fn good_item(id: &str) -> String {
    // Seed 001 line 1689 is footnote 9 on Costa Rica's champion status.
    format!(
        r#"{{"id":"{id}","source":"seed-001","line_start":1689,"line_end":1689,"kind":"statement","title":"Costa Rica confirmed as champion","quote":"Costa Rica was confirmed as a champion country in November 2021.","language":"en","reporting_iso3":"CRI","objectives":[{{"objective":23,"basis":"inferred"}}]}}"#
    )
}

#[test]
fn every_fixture_item_is_valid_and_its_quote_is_verbatim_in_its_span() {
    // The bundled fixtures against the bundled reference data, without a database: parsing and
    // validation include the verbatim-quote check for each of the 387 items.
    let batch = parsed_and_valid(&ingestion::bundled_fixtures(), &empty_store())
        .unwrap_or_else(|problems| panic!("fixture problems: {problems:#?}"));
    assert_eq!(batch.items.len(), 387);
    assert_eq!(batch.sources.len(), 5);
    assert_eq!(batch.submissions.len(), 17);
    assert_eq!(batch.champions.len(), 7);
    for (_, item) in &batch.items {
        let (_, source) = batch
            .sources
            .iter()
            .find(|(_, s)| s.id == item.source)
            .unwrap();
        let span = gcm::evidence::span_text(
            &source.body,
            item.line_start as usize,
            item.line_end as usize,
        );
        assert!(
            span.contains(&item.quote),
            "{}: quote not verbatim in its span",
            item.id
        );
    }
}

#[test]
fn a_malformed_file_changes_nothing_and_names_each_line() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    assert_eq!(count(&state), 387);

    // Line 1 is good, lines 2-4 are not: an objective outside 1-23, an unknown country with a quote that is
    // not in its span, and a missing title.
    let items = [
        good_item("new-1"),
        good_item("new-2").replace(r#""objective":23"#, r#""objective":24"#),
        good_item("new-3")
            .replace("\"CRI\"", "\"XYZ\"")
            .replace("in November 2021", "in May 2021"),
        good_item("new-4").replace(r#""title":"Costa Rica confirmed as champion","#, ""),
    ]
    .join("\n");
    let folder = import_folder(&items);
    let files = ingestion::read_paths(&[folder.path().to_path_buf()]).unwrap();
    let mut conn = state.db.get().unwrap();
    let error = ingestion::import(&mut conn, &files, &|_, _| {}).unwrap_err();
    let ImportError::Invalid(problems) = error else {
        panic!("expected validation problems, got {error:?}");
    };
    let shown: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    let file = folder.path().join("items.jsonl").display().to_string();
    assert!(
        shown.contains(&format!(
            "{file}:2: objectives[0].objective: 24 is outside 1-23"
        )),
        "{shown:#?}"
    );
    assert!(
        shown.iter().any(|s| s.starts_with(&format!(
            "{file}:3: reporting_iso3: unknown ISO 3166-1 alpha-3 code `XYZ`"
        ))),
        "{shown:#?}"
    );
    assert!(
        shown.contains(&format!(
            "{file}:3: quote: not found verbatim in source `seed-001` lines 1689-1689"
        )),
        "{shown:#?}"
    );
    assert!(
        shown.contains(&format!("{file}:4: title: missing required field")),
        "{shown:#?}"
    );
    assert_eq!(problems.len(), 4, "{shown:#?}");
    drop(conn);
    assert_eq!(count(&state), 387, "the good line 1 was not written either");
}

#[test]
fn a_write_that_fails_half_way_leaves_nothing() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    // Validation would refuse an item whose source does not exist; bypass it to make the database itself
    // fail on the second item, after the first was written inside the transaction.
    let context = empty_store();
    let folder = import_folder(&format!("{}\n{}", good_item("half-1"), good_item("half-2")));
    let files = ingestion::read_paths(&[folder.path().to_path_buf()]).unwrap();
    let valid: Batch = parsed_and_valid(&files, &{
        let mut c = context.clone();
        c.cycles = ["2021", "2025", "pre-gcm"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        c
    })
    .unwrap();
    let mut broken = valid.clone();
    broken.sources.clear(); // keep the sources already stored
    broken.items[1].1.source = "no-such-source".into();
    let mut conn = state.db.get().unwrap();
    let result = apply_batch(&mut conn, &broken, &|| {});
    assert!(result.is_err(), "the foreign key refuses the second item");
    drop(conn);
    assert_eq!(count(&state), 387, "the first item was rolled back with it");
}

#[test]
fn importing_twice_changes_nothing_and_a_change_is_an_update() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    let mut conn = state.db.get().unwrap();

    // The bundled fixtures are already loaded: importing them again adds and updates nothing.
    let again = ingestion::import(&mut conn, &ingestion::bundled_fixtures(), &|_, _| {}).unwrap();
    assert_eq!(
        (
            again.items.added,
            again.items.updated,
            again.items.unchanged
        ),
        (0, 0, 387)
    );
    assert_eq!((again.sources.added, again.sources.unchanged), (0, 5));
    assert_eq!(again.submissions.unchanged, 17);
    assert_eq!(again.champions.unchanged, 7);

    // A new item, twice: added once, then unchanged.
    let folder = import_folder(&good_item("new-1"));
    let files = ingestion::read_paths(&[folder.path().to_path_buf()]).unwrap();
    let first = ingestion::import(&mut conn, &files, &|_, _| {}).unwrap();
    assert_eq!(first.items.added, 1);
    let second = ingestion::import(&mut conn, &files, &|_, _| {}).unwrap();
    assert_eq!((second.items.added, second.items.unchanged), (0, 1));

    // The same id with another objective: updated, and the old mapping is gone.
    let changed = good_item("new-1").replace(r#""objective":23"#, r#""objective":14"#);
    std::fs::write(folder.path().join("items.jsonl"), changed).unwrap();
    let files = ingestion::read_paths(&[folder.path().to_path_buf()]).unwrap();
    let third = ingestion::import(&mut conn, &files, &|_, _| {}).unwrap();
    assert_eq!(third.items.updated, 1);
    let item = gcm::db::items::by_id(&mut conn, "new-1").unwrap().unwrap();
    let objectives: Vec<i32> = item.objectives.iter().map(|m| m.objective).collect();
    assert_eq!(objectives, vec![14]);
    drop(conn);
    assert_eq!(count(&state), 388);
}

#[test]
fn the_import_command_refuses_a_bad_file_with_file_line_messages() {
    let db = common::TestDatabase::new();
    common::prepared_state(&db);
    let folder = import_folder(&format!(
        "{}\n{}",
        good_item("cli-1"),
        good_item("cli-2").replace(r#""objective":23"#, r#""objective":0"#)
    ));
    let output = Command::new(env!("CARGO_BIN_EXE_gcm"))
        .arg("import")
        .arg(folder.path())
        .env("GCM__DATABASE__URL", &db.url)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let file = folder.path().join("items.jsonl").display().to_string();
    assert!(
        stderr.contains(&format!(
            "{file}:2: objectives[0].objective: 0 is outside 1-23"
        )),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was imported"), "{stderr}");

    // Fixed, it imports and reports what it added.
    std::fs::write(folder.path().join("items.jsonl"), good_item("cli-1")).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_gcm"))
        .arg("import")
        .arg(folder.path())
        .env("GCM__DATABASE__URL", &db.url)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("items            1 added"), "{stdout}");
}

#[test]
fn a_synthetic_world_passes_validation_and_imports() {
    // 3 countries x 2 cycles x 4 items = 24 items in 6 sources; every quote is its own line.
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_gcm"))
        .args([
            "synth",
            "--countries",
            "3",
            "--items-per-country",
            "4",
            "--cycles",
            "2",
            "--seed",
            "5",
            "--out",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let files = ingestion::read_paths(&[dir.path().to_path_buf()]).unwrap();
    let mut conn = state.db.get().unwrap();
    let summary = ingestion::import(&mut conn, &files, &|_, _| {}).unwrap();
    assert_eq!(summary.cycles.added, 2);
    assert_eq!(summary.sources.added, 6);
    assert_eq!(summary.items.added, 24);
    drop(conn);
    assert_eq!(count(&state), 387 + 24);
}
