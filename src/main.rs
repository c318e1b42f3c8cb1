//! The `shenbao` binary: parses the command line and prints any error in one place.

use clap::Parser;
use shenbao::cli::{Cli, Command, HistoryAction};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SHENBAO_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
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
