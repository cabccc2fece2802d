//! `gcm serve` and `gcm migrate`.

use anyhow::Context;

use crate::config::Settings;
use crate::startup;

pub fn serve(settings: &Settings) -> anyhow::Result<()> {
    let db = startup::prepare_database(settings)?;
    let listener = startup::bind(settings)?;
    actix_web::rt::System::new().block_on(async move {
        let server = startup::server(listener, db, settings)?;
        server.await.context("server stopped")
    })
}

pub fn migrate(settings: &Settings) -> anyhow::Result<()> {
    let db = startup::prepare_database(settings)?;
    println!("database ready: {}", db.target().describe());
    Ok(())
}
