//! `gcm import PATH...`: evidence files into the store, all or nothing.

use crate::config::Settings;
use crate::{ingestion, startup};

pub fn import(settings: &Settings, paths: &[std::path::PathBuf]) -> anyhow::Result<()> {
    let files =
        ingestion::read_paths(paths).map_err(|problems| super::refused(&problems, "imported"))?;
    let db = startup::prepare_schema(settings)?;
    let mut conn = db.get()?;
    // A progress bar on a terminal only; indicatif hides itself when standard error is not one.
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} items {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let outcome = ingestion::import_as(&mut conn, &files, &super::local_actor(), &|done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    });
    bar.finish_and_clear();
    match outcome {
        Ok(summary) => {
            println!(
                "imported {} file(s) into {}",
                files.len(),
                db.target().describe()
            );
            print!("{summary}");
            Ok(())
        }
        Err(ingestion::ImportError::Invalid(problems)) => {
            Err(super::refused(&problems, "imported"))
        }
        Err(error) => Err(error.into()),
    }
}
