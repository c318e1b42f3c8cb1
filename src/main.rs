//! The `shenbao` binary: parses the command line and prints any error in one place.

use clap::Parser;
use shenbao::cli::{Cli, Command, HistoryAction};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The daemon reports each message at info; one-shot commands only what goes wrong.
    let level = match cli.command {
        Command::Run { .. } => "info",
        _ => "warn",
    };
    shenbao::ops::logging::init(cli.log_format, level);
    let result = match cli.command {
        Command::Check {
            history,
            received,
            json,
            files,
        } => shenbao::commands::check(
            cli.config.as_deref(),
            history.as_deref(),
            received.as_deref(),
            json,
            &files,
        ),
        Command::Run { once, samples } => {
            if samples {
                shenbao::samples::seed_configured(cli.config.as_deref())
                    .and_then(|()| shenbao::daemon::command(cli.config.as_deref(), once))
            } else {
                shenbao::daemon::command(cli.config.as_deref(), once)
            }
        }
        Command::Samples { out } => shenbao::samples::command(&out),
        Command::History {
            action: HistoryAction::Import { file },
        } => shenbao::daemon::history_import(cli.config.as_deref(), &file),
        Command::Acceptance { dir, verbose } => shenbao::acceptance::run(&dir, verbose),
        Command::Seal { file, page, out } => shenbao::commands::seal(&file, page, out.as_deref()),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("shenbao: {e:#}");
            ExitCode::from(2)
        }
    }
}
