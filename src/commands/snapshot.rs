//! `gcm snapshot create|list`: frozen, citable editions of the store (docs/EDITIONS.md).

use crate::cli::SnapshotAction;
use crate::config::Settings;
use crate::db::editions::{self, CreateError, EditionRequest};
use crate::startup;

pub fn snapshot(settings: &Settings, action: SnapshotAction) -> anyhow::Result<()> {
    let store = startup::prepare_schema(settings)?;
    let mut conn = store.get()?;
    match action {
        SnapshotAction::Create { id, title, note } => {
            let request = EditionRequest::new(&id, &title, note.as_deref())
                .map_err(|e| anyhow::anyhow!("--{}: {}", e.field, e.message))?;
            let started = std::time::Instant::now();
            let model = crate::mapping::lexicon_version();
            match editions::create(&mut conn, &request, model, &super::local_actor()) {
                Ok(info) => {
                    let seconds = started.elapsed().as_secs_f64();
                    let stored = editions::stored_bytes(&mut conn, &info.id)?.unwrap_or(0);
                    println!(
                        "created edition `{}` in {seconds:.1} s: {} sources, {} items, {} mappings; \
                         export {} bytes, stored {stored} bytes compressed, SHA-256 {}",
                        info.id,
                        info.source_count,
                        info.item_count,
                        info.mapping_count,
                        info.export_bytes,
                        info.export_sha256
                    );
                    println!("{}", crate::exports::citation::suggested_citation(&info));
                    Ok(())
                }
                Err(CreateError::Exists(id)) => Err(anyhow::anyhow!(
                    "--id `{id}`: an edition with this id exists already; editions never change, so \
                     choose another id"
                )),
                Err(CreateError::Database(error)) => Err(error.into()),
            }
        }
        SnapshotAction::List => {
            println!(
                "{:<24} {:<20} {:>8} {:>9} {:>9}  sha256",
                "id", "created", "sources", "items", "mappings"
            );
            for e in editions::list(&mut conn)? {
                println!(
                    "{:<24} {:<20} {:>8} {:>9} {:>9}  {}",
                    e.id,
                    e.created_at.format("%Y-%m-%d %H:%M:%S"),
                    e.source_count,
                    e.item_count,
                    e.mapping_count,
                    e.export_sha256
                );
            }
            Ok(())
        }
    }
}
