//! Editions: frozen states of the store (docs/EDITIONS.md). An edition is one row of `editions` holding
//! the canonical export of every table an answer reads, gzip-compressed, and what describes it. To
//! answer from an edition, its export is materialised once into a read-only SQLite file and the same
//! queries run against it, so every endpoint answers from an edition exactly as it did live.
//!
//! The canonical export is JSON Lines: a header line, then one line per row, `{"table":T,"row":{..}}`,
//! tables in [`TABLES`] order and rows in their primary key's byte order (sorted here, not by the
//! database: PostgreSQL's collation and SQLite's byte order differ). Every column travels as stored, so
//! mapping authors and dates, page numbers and review marks are kept too.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use chrono::{NaiveDateTime, Utc};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::schema::{self, editions};
use super::{AnyConnection, DbError};

/// The first line of every canonical export: its format, so a later format can be told apart.
pub const EXPORT_HEADER: &str = r#"{"format":"gcm-edition/1"}"#;

/// Longest edition id: short enough for a file name and a citation.
pub const ID_MAX: usize = 64;
/// Longest title and note.
pub const TITLE_MAX: usize = 300;
pub const NOTE_MAX: usize = 2000;

/// Declares the row of one exported table: every column, with its sort key.
macro_rules! exported_rows {
    ($( $row:ident, $table:ident, |$r:ident| $key:expr, { $($field:ident : $ty:ty),* $(,)? } )*) => {
        $(
            #[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize, Deserialize)]
            #[diesel(table_name = schema::$table)]
            #[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
            pub struct $row { $(pub $field: $ty),* }
        )*

        /// One line of the canonical export.
        #[derive(Debug, Clone, Deserialize)]
        #[serde(tag = "table", content = "row")]
        #[allow(clippy::large_enum_variant, non_camel_case_types)]
        pub enum Record { $( $table($row), )* }

        /// The exported tables, in their order in the export (referenced tables first).
        pub const TABLES: &[&str] = &[$(stringify!($table)),*];

        /// Every exported table of the store, read in one transaction (the caller's).
        #[derive(Debug, Default, Clone)]
        #[allow(non_snake_case)]
        pub struct ExportedTables { $( pub $table: Vec<$row>, )* }

        fn read_tables(conn: &mut AnyConnection) -> Result<ExportedTables, DbError> {
            let mut tables = ExportedTables::default();
            $(
                let mut rows: Vec<$row> = schema::$table::table
                    .select($row::as_select())
                    .load(conn)?;
                rows.sort_by_cached_key(|$r| $key);
                tables.$table = rows;
            )*
            Ok(tables)
        }

        fn write_tables(tables: &ExportedTables, out: &mut impl Write) -> std::io::Result<()> {
            writeln!(out, "{EXPORT_HEADER}")?;
            $(
                for row in &tables.$table {
                    write!(out, "{{\"table\":\"{}\",\"row\":", stringify!($table))?;
                    serde_json::to_writer(&mut *out, row)?;
                    out.write_all(b"}\n")?;
                }
            )*
            Ok(())
        }

        /// Rows waiting to be inserted, a table at a time.
        #[derive(Default)]
        #[allow(non_snake_case)]
        struct Pending { $( $table: Vec<$row>, )* }

        impl Pending {
            fn push(&mut self, record: Record) {
                match record { $( Record::$table(row) => self.$table.push(row), )* }
            }

            fn len(&self) -> usize {
                0 $( + self.$table.len() )*
            }

            /// Inserts what waits, in chunks that stay under SQLite's limit on bound values.
            fn flush(&mut self, conn: &mut SqliteConnection) -> Result<(), diesel::result::Error> {
                $(
                    for chunk in self.$table.chunks(INSERT_CHUNK) {
                        diesel::insert_into(schema::$table::table).values(chunk).execute(conn)?;
                    }
                    self.$table.clear();
                )*
                Ok(())
            }
        }
    };
}

/// Rows a multi-row INSERT carries: the widest table (items, 21 columns) stays under SQLite's 32,766
/// bound values.
const INSERT_CHUNK: usize = 1000;
/// Rows read before they are inserted while materialising.
const PENDING_ROWS: usize = 20_000;

exported_rows! {
    ReferenceDatasetRow, reference_datasets, |r| r.name.clone(), {
        name: String, version: String, loaded_at: NaiveDateTime,
    }
    ObjectiveRow, objectives, |r| r.number, {
        number: i32, title_en: String, title_es: String, short_en: String, short_es: String,
    }
    PrincipleRow, principles, |r| r.key.clone(), {
        key: String, position: i32, name_en: String, name_es: String,
    }
    GroupingRow, groupings, |r| r.id.clone(), {
        id: String, version: String, is_default: bool, title_en: String, title_es: String, source: String,
    }
    GroupingGroupRow, grouping_groups, |r| (r.grouping_id.clone(), r.id.clone()), {
        grouping_id: String, id: String, position: i32, title_en: String, title_es: String,
    }
    GroupObjectiveRow, group_objectives, |r| (r.grouping_id.clone(), r.group_id.clone(), r.objective), {
        grouping_id: String, group_id: String, objective: i32,
    }
    CountryRow, countries, |r| r.iso3.clone(), {
        iso3: String, iso2: String, m49: String, name_en: String, name_es: String,
        region: Option<String>, subregion: Option<String>, aliases: String,
    }
    BlocRow, blocs, |r| r.id.clone(), {
        id: String, kind: String, name_en: String, name_es: String, founded: Option<i32>, source: String,
    }
    BlocMemberRow, bloc_members, |r| (r.bloc_id.clone(), r.iso3.clone()), {
        bloc_id: String, iso3: String, status: String, source: String,
    }
    CycleRow, review_cycles, |r| r.id.clone(), {
        id: String, position: i32, region: Option<String>, title_en: String, title_es: String,
        review_start: Option<String>, review_end: Option<String>, feeds_until: String, note: Option<String>,
    }
    SourceRow, sources, |r| r.id.clone(), {
        id: String, file_name: String, title: String, publisher: String, kind: String, language: String,
        published: Option<String>, published_precision: String, cycle_id: String, note: Option<String>,
        checksum: String, line_count: i32, body: String, imported_at: NaiveDateTime,
        voice: String,
    }
    DocumentRow, documents, |r| r.source_id.clone(), {
        source_id: String, content_sha256: String, format: String, byte_count: i64, pages: Option<i32>,
        uploaded_by: String, uploaded_at: NaiveDateTime,
    }
    ItemRow, evidence_items, |r| r.id.clone(), {
        id: String, source_id: String, line_start: i32, line_end: i32, kind: String,
        context: Option<String>, title: String, summary: Option<String>, quote: String, language: String,
        reporting_iso3: Option<String>, actor: Option<String>, actor_type: Option<String>,
        year: Option<i32>, date: Option<String>, status: Option<String>, figures: String,
        content_hash: String, imported_at: NaiveDateTime, page_start: Option<i32>, page_end: Option<i32>,
    }
    ItemCountryRow, item_countries, |r| (r.item_id.clone(), r.iso3.clone(), r.role.clone()), {
        item_id: String, iso3: String, role: String, detail: Option<String>,
    }
    ObjectiveMappingRow, objective_mappings, |r| r.id, {
        id: i32, item_id: String, objective: i32, basis: String, confidence: f64, is_primary: bool,
        rationale: Option<String>, created_by: String, created_at: NaiveDateTime,
        model_version: Option<String>,
    }
    PrincipleMappingRow, principle_mappings, |r| (r.item_id.clone(), r.principle.clone()), {
        item_id: String, principle: String, basis: String, confidence: f64, created_by: String,
        created_at: NaiveDateTime,
    }
    SubmissionRow, submissions, |r| (r.cycle_id.clone(), r.iso3.clone(), r.kind.clone()), {
        cycle_id: String, iso3: String, kind: String, source_id: Option<String>,
        line_start: Option<i32>, line_end: Option<i32>,
    }
    ChampionRow, champions, |r| r.iso3.clone(), {
        iso3: String, since: Option<String>, as_of: String, source_id: Option<String>,
        line_start: Option<i32>, line_end: Option<i32>, note: Option<String>,
    }
    RejectedSuggestionRow, rejected_suggestions, |r| r.id, {
        id: i32, item_id: String, mapping_id: Option<i32>, objective: Option<i32>,
        principle: Option<String>, basis: String, confidence: f64, is_primary: bool,
        rationale: Option<String>, created_by: String, created_at: NaiveDateTime, rejected_by: String,
        rejected_at: NaiveDateTime,
    }
    NotEvidenceRow, not_evidence_items, |r| r.item_id.clone(), {
        item_id: String, marked_by: String, marked_at: NaiveDateTime,
    }
}

/// What describes an edition (everything but its content).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Serialize, Deserialize)]
#[diesel(table_name = editions)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct EditionInfo {
    pub id: String,
    pub title: String,
    pub note: Option<String>,
    pub created_at: NaiveDateTime,
    pub created_by: String,
    pub method_version: String,
    pub model_version: String,
    pub framework_version: String,
    pub source_count: i32,
    pub item_count: i32,
    pub mapping_count: i32,
    pub country_count: i32,
    pub export_sha256: String,
    pub export_bytes: i64,
}

#[derive(Insertable)]
#[diesel(table_name = editions)]
struct NewEdition<'a> {
    id: &'a str,
    title: &'a str,
    note: Option<&'a str>,
    created_at: NaiveDateTime,
    created_by: &'a str,
    method_version: &'a str,
    model_version: &'a str,
    framework_version: &'a str,
    source_count: i32,
    item_count: i32,
    mapping_count: i32,
    country_count: i32,
    export_sha256: &'a str,
    export_bytes: i64,
    content: &'a [u8],
}

/// What a new edition is asked to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditionRequest {
    pub id: String,
    pub title: String,
    pub note: Option<String>,
}

/// A request for an edition that cannot be met, with the field it is about.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct EditionFieldError {
    pub field: &'static str,
    pub message: String,
}

impl EditionRequest {
    /// Checks the id (letters, digits, `.`, `-` and `_`, starting with a letter or digit: it appears in
    /// addresses, file names and citations), the title and the note.
    pub fn new(
        id: &str,
        title: &str,
        note: Option<&str>,
    ) -> Result<EditionRequest, EditionFieldError> {
        let refuse = |field, message: String| Err(EditionFieldError { field, message });
        let id = id.trim();
        let valid_id = !id.is_empty()
            && id.len() <= ID_MAX
            && id.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
        if !valid_id {
            return refuse(
                "id",
                format!(
                    "`{id}` is not an edition id; accepted: 1-{ID_MAX} letters, digits, `.`, `-` or `_`, \
                     starting with a letter or digit (such as 2026-lac-review)"
                ),
            );
        }
        let title = title.trim();
        if title.is_empty() || title.chars().count() > TITLE_MAX {
            return refuse(
                "title",
                format!("a title of 1-{TITLE_MAX} characters is needed"),
            );
        }
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        if note.is_some_and(|n| n.chars().count() > NOTE_MAX) {
            return refuse("note", format!("a note has at most {NOTE_MAX} characters"));
        }
        if [title, note.unwrap_or("")]
            .iter()
            .any(|t| t.chars().any(|c| c.is_control() && c != '\n'))
        {
            return refuse(
                "title",
                "the title and the note may not hold control characters".into(),
            );
        }
        Ok(EditionRequest {
            id: id.to_string(),
            title: title.to_string(),
            note: note.map(str::to_string),
        })
    }
}

/// Why an edition was not created.
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    #[error("an edition `{0}` exists already; editions never change, so choose another id")]
    Exists(String),
    #[error(transparent)]
    Database(#[from] DbError),
}

impl From<diesel::result::Error> for CreateError {
    fn from(error: diesel::result::Error) -> CreateError {
        CreateError::Database(error.into())
    }
}

/// A writer that hashes what passes through it.
struct Hashing<W: Write> {
    inner: W,
    hash: Sha256,
    bytes: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// An export, compressed, with the SHA-256 and length of its uncompressed bytes.
pub struct CompressedExport {
    pub gzip: Vec<u8>,
    pub sha256: String,
    pub bytes: u64,
}

fn io_error(error: std::io::Error) -> DbError {
    DbError::Setup(format!("cannot write the edition's export: {error}"))
}

/// The canonical export of `tables`, gzip-compressed as it is written (the uncompressed export of the
/// synthetic world is never held in memory whole).
pub fn compress(tables: &ExportedTables) -> Result<CompressedExport, DbError> {
    let encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut out = Hashing {
        inner: std::io::BufWriter::with_capacity(1 << 16, encoder),
        hash: Sha256::new(),
        bytes: 0,
    };
    write_tables(tables, &mut out).map_err(io_error)?;
    let Hashing { inner, hash, bytes } = out;
    let encoder = inner.into_inner().map_err(|e| io_error(e.into_error()))?;
    let gzip = encoder.finish().map_err(io_error)?;
    Ok(CompressedExport {
        gzip,
        sha256: hex(&hash.finalize()),
        bytes,
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The uncompressed canonical export of a stored edition's content.
pub fn decompress(gzip: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    std::io::copy(&mut flate2::read::GzDecoder::new(gzip), &mut out)?;
    Ok(out)
}

/// Every exported table of the store as it is now, read at one snapshot.
pub fn read_store(conn: &mut AnyConnection) -> Result<ExportedTables, DbError> {
    conn.transaction(|conn| {
        if let AnyConnection::Postgresql(_) = conn {
            diesel::sql_query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .execute(conn)?;
        }
        read_tables(conn)
    })
}

/// The counts an edition is listed with.
fn counts(tables: &ExportedTables) -> (i32, i32, i32, i32) {
    let countries: std::collections::BTreeSet<&str> = tables
        .evidence_items
        .iter()
        .filter_map(|i| i.reporting_iso3.as_deref())
        .collect();
    let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
    (
        count(tables.sources.len()),
        count(tables.evidence_items.len()),
        count(tables.objective_mappings.len()),
        count(countries.len()),
    )
}

/// The reference datasets with their versions, `name version` joined by `; `.
fn framework_version(tables: &ExportedTables) -> String {
    tables
        .reference_datasets
        .iter()
        .map(|d| format!("{} {}", d.name, d.version))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Freezes the store as it is now into the edition `request`, with its audit row, in one write
/// transaction: the write lock held while the tables are read, so no write falls between the export and
/// its row (on PostgreSQL the transaction reads at one snapshot). An existing id is refused and nothing
/// is written. The model version recorded is the store's current model, or `bundled_model_version`
/// (the bundled lexicon's) when no trained model is current.
pub fn create(
    conn: &mut AnyConnection,
    request: &EditionRequest,
    bundled_model_version: &str,
    actor: &str,
) -> Result<EditionInfo, CreateError> {
    super::write_transaction(conn, |conn| {
        if let AnyConnection::Postgresql(_) = conn {
            diesel::sql_query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ").execute(conn)?;
        }
        if find(conn, &request.id)?.is_some() {
            return Err(CreateError::Exists(request.id.clone()));
        }
        let model_version = super::models::current_version(conn)?
            .unwrap_or_else(|| bundled_model_version.to_string());
        let model_version = model_version.as_str();
        let tables = read_tables(conn)?;
        let export = compress(&tables)?;
        let (source_count, item_count, mapping_count, country_count) = counts(&tables);
        let framework = framework_version(&tables);
        let created_at = Utc::now().naive_utc();
        let inserted = diesel::insert_into(editions::table)
            .values(NewEdition {
                id: &request.id,
                title: &request.title,
                note: request.note.as_deref(),
                created_at,
                created_by: actor,
                method_version: crate::indicators::METHOD_VERSION,
                model_version,
                framework_version: &framework,
                source_count,
                item_count,
                mapping_count,
                country_count,
                export_sha256: &export.sha256,
                export_bytes: i64::try_from(export.bytes).unwrap_or(i64::MAX),
                content: &export.gzip,
            })
            .execute(conn);
        if let Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) = inserted
        {
            // Another instance created it between the check and the insert.
            return Err(CreateError::Exists(request.id.clone()));
        }
        inserted?;
        let info = find(conn, &request.id)?
            .ok_or_else(|| DbError::Setup("the new edition cannot be read back".into()))?;
        let after = serde_json::json!({
            "title": info.title,
            "sha256": info.export_sha256,
            "items": info.item_count,
            "stored_bytes": export.gzip.len(),
        });
        super::review::record(
            conn,
            actor,
            "create_edition",
            &format!("edition:{}", info.id),
            None,
            Some(&after),
        )?;
        Ok(info)
    })
}

/// One edition's description.
pub fn find(conn: &mut AnyConnection, id: &str) -> Result<Option<EditionInfo>, DbError> {
    Ok(editions::table
        .find(id)
        .select(EditionInfo::as_select())
        .first(conn)
        .optional()?)
}

/// Every edition, oldest first.
pub fn list(conn: &mut AnyConnection) -> Result<Vec<EditionInfo>, DbError> {
    let mut list: Vec<EditionInfo> = editions::table
        .select(EditionInfo::as_select())
        .load(conn)?;
    list.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    Ok(list)
}

/// Bytes an edition takes in the store (its compressed export).
pub fn stored_bytes(conn: &mut AnyConnection, id: &str) -> Result<Option<usize>, DbError> {
    Ok(content(conn, id)?.map(|gzip| gzip.len()))
}

/// An edition's compressed content.
pub fn content(conn: &mut AnyConnection, id: &str) -> Result<Option<Vec<u8>>, DbError> {
    Ok(editions::table
        .find(id)
        .select(editions::content)
        .first(conn)
        .optional()?)
}

/// An edition as a backup carries it: its description and its compressed content.
#[derive(Debug, Clone)]
pub struct StoredEdition {
    pub info: EditionInfo,
    pub gzip: Vec<u8>,
}

/// Every edition with its content, for the backup.
pub fn all_stored(conn: &mut AnyConnection) -> Result<Vec<StoredEdition>, DbError> {
    let mut stored = Vec::new();
    for info in list(conn)? {
        if let Some(gzip) = content(conn, &info.id)? {
            stored.push(StoredEdition { info, gzip });
        }
    }
    Ok(stored)
}

/// Stores editions read from a backup as they were (their dates, authors and content), inside the
/// caller's transaction. An edition already present with the same export is left alone; one present
/// with another export is refused by the primary key, so the whole restore is undone.
pub fn restore(
    conn: &mut AnyConnection,
    editions_list: &[StoredEdition],
) -> Result<usize, DbError> {
    let mut restored = 0;
    for edition in editions_list {
        let info = &edition.info;
        if let Some(present) = find(conn, &info.id)? {
            if present.export_sha256 == info.export_sha256 {
                continue;
            }
        }
        diesel::insert_into(editions::table)
            .values(NewEdition {
                id: &info.id,
                title: &info.title,
                note: info.note.as_deref(),
                created_at: info.created_at,
                created_by: &info.created_by,
                method_version: &info.method_version,
                model_version: &info.model_version,
                framework_version: &info.framework_version,
                source_count: info.source_count,
                item_count: info.item_count,
                mapping_count: info.mapping_count,
                country_count: info.country_count,
                export_sha256: &info.export_sha256,
                export_bytes: info.export_bytes,
                content: &edition.gzip,
            })
            .execute(conn)?;
        restored += 1;
    }
    Ok(restored)
}

/// Checks that a compressed export is whole: it decompresses, starts with the header, and its SHA-256
/// is `sha256`.
pub fn verify(gzip: &[u8], sha256: &str) -> Result<(), String> {
    let bytes = decompress(gzip).map_err(|e| format!("the export does not decompress: {e}"))?;
    if !bytes.starts_with(EXPORT_HEADER.as_bytes()) {
        return Err("the export does not start with the edition header".into());
    }
    let found = hex(&Sha256::digest(&bytes));
    if found != sha256 {
        return Err(format!(
            "the export's SHA-256 is {found}, its description says {sha256}"
        ));
    }
    Ok(())
}

/// Builds the read-only SQLite database of an edition at `path`: the schema by the migrations, then
/// every row of the export. It is written under a temporary name and renamed when complete, so a
/// database found at `path` is always whole; a process that finds one reuses it.
pub fn materialise(gzip: &[u8], path: &Path) -> Result<(), DbError> {
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(folder)
        .map_err(|e| DbError::Setup(format!("cannot create {}: {e}", folder.display())))?;
    let building = building_name(path);
    let _ = std::fs::remove_file(&building);
    let built = build(gzip, &building);
    if let Err(error) = built {
        let _ = std::fs::remove_file(&building);
        return Err(error);
    }
    std::fs::rename(&building, path).map_err(|e| {
        let _ = std::fs::remove_file(&building);
        DbError::Setup(format!("cannot rename {}: {e}", building.display()))
    })
}

/// A name of its own for each build, so two processes building one edition do not write one file.
fn building_name(path: &Path) -> PathBuf {
    static BUILDS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = BUILDS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut name = path.as_os_str().to_owned();
    name.push(format!(".building-{}-{n}", std::process::id()));
    PathBuf::from(name)
}

fn build(gzip: &[u8], path: &Path) -> Result<(), DbError> {
    let mut conn = SqliteConnection::establish(&path.to_string_lossy())
        .map_err(|e| DbError::Setup(format!("cannot create {}: {e}", path.display())))?;
    // A file nobody reads until it is renamed: no journal, no syncs until the end.
    conn.batch_execute("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")?;
    let mut any = AnyConnection::Sqlite(conn);
    super::run_migrations(&mut any)?;
    let AnyConnection::Sqlite(mut conn) = any else {
        return Err(DbError::Setup(
            "the edition's database is not SQLite".into(),
        ));
    };
    let bad = |line: usize, e: String| DbError::Setup(format!("edition export line {line}: {e}"));
    let reader = std::io::BufReader::with_capacity(1 << 16, flate2::read::GzDecoder::new(gzip));
    conn.transaction(|conn| {
        let mut pending = Pending::default();
        for (index, line) in reader.lines().enumerate() {
            let line = line.map_err(|e| bad(index + 1, e.to_string()))?;
            if index == 0 {
                if line != EXPORT_HEADER {
                    return Err(bad(1, format!("expected {EXPORT_HEADER}")));
                }
                continue;
            }
            let record: Record =
                serde_json::from_str(&line).map_err(|e| bad(index + 1, e.to_string()))?;
            pending.push(record);
            if pending.len() >= PENDING_ROWS {
                pending.flush(conn)?;
            }
        }
        pending.flush(conn)?;
        Ok::<_, DbError>(())
    })?;
    conn.batch_execute("PRAGMA synchronous = FULL; ANALYZE;")?;
    Ok(())
}

/// Where the database of an edition is kept: named by its id and the start of its export's SHA-256, so
/// a file built from another export (an edition of another store with the same id) is never taken.
pub fn materialised_path(folder: &Path, info: &EditionInfo) -> PathBuf {
    let sha = info.export_sha256.get(..16).unwrap_or(&info.export_sha256);
    folder.join(format!("{}-{sha}.sqlite3", info.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edition_id_is_a_safe_name() {
        assert!(EditionRequest::new("2026-lac_review.v1", "T", None).is_ok());
        // Path separators, a leading dot or dash, spaces inside and 65 characters are refused, with
        // the field named.
        for bad in ["../x", ".hidden", "-x", "a b", &"a".repeat(65), ""] {
            let error = EditionRequest::new(bad, "T", None).unwrap_err();
            assert_eq!(error.field, "id", "{bad}");
        }
        assert_eq!(
            EditionRequest::new("a", " ", None).unwrap_err().field,
            "title"
        );
        let long_note = "n".repeat(NOTE_MAX + 1);
        assert_eq!(
            EditionRequest::new("a", "T", Some(&long_note))
                .unwrap_err()
                .field,
            "note"
        );
        // An empty note is no note; spaces around values go.
        let request = EditionRequest::new(" a ", " T ", Some("  ")).unwrap();
        assert_eq!((request.id.as_str(), request.title.as_str()), ("a", "T"));
        assert_eq!(request.note, None);
    }

    #[test]
    fn the_export_hashes_its_uncompressed_bytes_and_verifies() {
        let tables = ExportedTables {
            objectives: vec![ObjectiveRow {
                number: 1,
                title_en: "Data".into(),
                title_es: "Datos".into(),
                short_en: "Data".into(),
                short_es: "Datos".into(),
            }],
            ..Default::default()
        };
        let export = compress(&tables).unwrap();
        let bytes = decompress(&export.gzip).unwrap();
        // The header line, then the one row, in the table's column order.
        let expected = format!(
            "{EXPORT_HEADER}\n{{\"table\":\"objectives\",\"row\":{{\"number\":1,\"title_en\":\"Data\",\
             \"title_es\":\"Datos\",\"short_en\":\"Data\",\"short_es\":\"Datos\"}}}}\n"
        );
        assert_eq!(String::from_utf8(bytes).unwrap(), expected);
        assert_eq!(export.bytes, expected.len() as u64);
        assert_eq!(export.sha256, hex(&Sha256::digest(expected.as_bytes())));
        assert!(verify(&export.gzip, &export.sha256).is_ok());
        assert!(verify(&export.gzip, &"0".repeat(64))
            .unwrap_err()
            .contains("its description says"));
    }
}
