//! Migrations go up, down and up again on the backend under test, and leave a working schema.

use crate::common;

use gcm::db::{reference, revert_all_migrations, run_migrations, Database};

#[test]
fn migrations_run_up_down_up() {
    let test_db = common::TestDatabase::new();
    let settings = test_db.settings();
    let database = Database::open(&settings.database).unwrap();
    let mut conn = database.get().unwrap();

    let applied = run_migrations(&mut conn).unwrap();
    assert!(
        !applied.is_empty(),
        "a new database has migrations to apply"
    );
    let reverted = revert_all_migrations(&mut conn).unwrap();
    assert_eq!(reverted, applied.len(), "every applied migration reverts");
    let again = run_migrations(&mut conn).unwrap();
    assert_eq!(again, applied, "the same migrations apply again");
    assert!(
        run_migrations(&mut conn).unwrap().is_empty(),
        "nothing left pending"
    );

    // The schema after up-down-up holds the reference data.
    let data = gcm::framework::ReferenceData::bundled().unwrap();
    let report = reference::load_reference_data(&mut conn, &data).unwrap();
    assert_eq!(report.loaded.len(), 3);
    let framework = reference::framework(&mut conn).unwrap();
    assert_eq!(
        framework, data.framework,
        "the stored framework reads back as bundled"
    );
}

#[test]
fn sqlite_folder_is_created() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/deeper/gcm.sqlite3");
    let settings = common::settings_with_url(&format!("sqlite://{}", path.display()));
    let database = Database::open(&settings.database).unwrap();
    database.migrate().unwrap();
    assert!(path.exists());
}
