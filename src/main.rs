//! The `gcm` binary: parse the command line, load settings, start logging, and hand over to the library.

use std::process::ExitCode;

use clap::Parser;
use gcm::cli::Cli;
use gcm::config::Settings;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load(cli.config.as_deref()) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("gcm: {error}");
            // Settings that cannot be used are a usage error, as clap reports its own.
            return ExitCode::from(2);
        }
    };
    gcm::telemetry::init(&settings.log.filter);
    match gcm::commands::run(cli.command, &settings) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // `{:#}` prints the error with its causes: "cannot write out.csv: Permission denied".
            eprintln!("gcm: {error:#}");
            ExitCode::FAILURE
        }
    }
}
