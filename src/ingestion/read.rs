//! Finding and reading the files of an import.

use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};

use super::{FileKind, InputFile, Problem};

/// The fixtures compiled into the binary: loaded into an empty database from any working directory.
static FIXTURES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/fixtures");

pub fn bundled_fixtures() -> Vec<InputFile> {
    let mut files = Vec::new();
    collect_bundled(&FIXTURES, &mut files);
    files.sort_by(|a, b| a.name.cmp(&b.name));
    files
}

fn collect_bundled(dir: &Dir<'static>, files: &mut Vec<InputFile>) {
    for file in dir.files() {
        let name = format!("fixtures/{}", file.path().display());
        if let Some(kind) = FileKind::of(&name) {
            files.push(InputFile {
                name,
                kind,
                bytes: file.contents().to_vec(),
            });
        }
    }
    for sub in dir.dirs() {
        collect_bundled(sub, files);
    }
}

/// Reads the named files and folders. A folder contributes every file an import takes, including the
/// texts under its `sources/` folder; a `sources.csv` named on its own brings its `sources/` folder too.
pub fn read_paths(paths: &[PathBuf]) -> Result<Vec<InputFile>, Vec<Problem>> {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        if path.is_dir() {
            read_folder(path, &mut files, &mut problems);
        } else {
            let name = path.display().to_string();
            match FileKind::of(&name) {
                Some(kind) => {
                    read_file(path, kind, &mut files, &mut problems);
                    if kind == FileKind::Sources {
                        if let Some(folder) = path.parent().map(|p| p.join("sources")) {
                            if folder.is_dir() {
                                read_folder(&folder, &mut files, &mut problems);
                            }
                        }
                    }
                }
                None => problems.push(Problem::new(
                    &name,
                    None,
                    "file",
                    "not a file an import takes; expected cycles.csv, sources.csv (with a sources/ \
                     folder of texts), submissions.csv, champions.csv or items as *.jsonl",
                )),
            }
        }
    }
    // A folder and a file inside it may both be named: read each file once.
    files.sort_by(|a, b| a.name.cmp(&b.name));
    files.dedup_by(|a, b| a.name == b.name);
    if problems.is_empty() {
        Ok(files)
    } else {
        Err(problems)
    }
}

fn read_folder(folder: &Path, files: &mut Vec<InputFile>, problems: &mut Vec<Problem>) {
    let mut entries: Vec<PathBuf> = match std::fs::read_dir(folder) {
        Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(error) => {
            problems.push(Problem::new(
                &folder.display().to_string(),
                None,
                "folder",
                format!("cannot read: {error}"),
            ));
            return;
        }
    };
    entries.sort();
    for path in entries {
        if path.is_dir() {
            if path
                .file_name()
                .is_some_and(|n| n == "sources" || n == "editions" || n == "models")
            {
                read_folder(&path, files, problems);
            }
            continue;
        }
        if let Some(kind) = FileKind::of(&path.display().to_string()) {
            read_file(&path, kind, files, problems);
        }
    }
}

fn read_file(path: &Path, kind: FileKind, files: &mut Vec<InputFile>, problems: &mut Vec<Problem>) {
    let name = path.display().to_string();
    match std::fs::read(path) {
        Ok(bytes) => files.push(InputFile { name, kind, bytes }),
        Err(error) => problems.push(Problem::new(
            &name,
            None,
            "file",
            format!("cannot read: {error}"),
        )),
    }
}
