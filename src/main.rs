//! The `gcm` binary: parse the command line, load settings, start logging, and hand over to the library.

use std::process::ExitCode;

use clap::Parser;
use gcm::cli::{Cli, Command};
use gcm::config::Settings;
use gcm::{startup, telemetry};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load(cli.config.as_deref()) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("gcm: {error}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(&settings.log.filter);
    let outcome = match cli.command {
        Command::Serve => serve(&settings),
        Command::Migrate => startup::prepare_database(&settings)
            .map(|db| println!("database ready: {}", db.target().describe()))
            .map_err(|e| e.to_string()),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("gcm: {message}");
            ExitCode::FAILURE
        }
    }
}

fn serve(settings: &Settings) -> Result<(), String> {
    let db = startup::prepare_database(settings).map_err(|e| e.to_string())?;
    let listener = startup::bind(settings).map_err(|e| e.to_string())?;
    actix_web::rt::System::new().block_on(async move {
        let server = startup::server(listener, db, settings).map_err(|e| e.to_string())?;
        server.await.map_err(|e| format!("server stopped: {e}"))
    })
}
