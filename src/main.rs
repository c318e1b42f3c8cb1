//! The `shenbao` binary: parses the command line and prints any error in one place.

// Binary-only: clap's own words in Chinese. Under `src/main/` so that the library's layers
// (ARCHITECTURE.md) stay as they are.
#[path = "main/zh.rs"]
mod zh;

use shenbao::cli::{
    Cli, Command, ConfigAction, DecideAction, HistoryAction, ReplyAction, UserAction,
};
use shenbao::division::decide::{self, Request};
use shenbao::store::DecisionKind;
use std::process::ExitCode;

/// Commands that only print end quietly when their reader goes away (`shenbao list | head -1`),
/// as Unix tools do: SIGPIPE back to its default. The daemon and the commands that talk to
/// servers (`remind` may deliver over SMTP, `config check` probes) keep Rust's setting, under
/// which a closed socket is an error to handle, never the end of the process.
fn quiet_on_closed_pipe(command: &Command) {
    let prints_only = matches!(
        command,
        Command::Check { .. }
            | Command::Samples { .. }
            | Command::Acceptance { .. }
            | Command::Seal { .. }
            | Command::Status { .. }
            | Command::List(_)
            | Command::Show { .. }
            | Command::Export { .. }
            | Command::Reprocess { .. }
            | Command::User { .. }
    );
    if prints_only {
        // SAFETY: called first thing in main, before any other thread exists; it only resets
        // one signal's disposition.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        }
    }
}

/// `shenbao decide …`: the command line's words into a request.
fn decide_command(
    config: Option<&std::path::Path>,
    action: DecideAction,
) -> anyhow::Result<ExitCode> {
    let (request, why) = match action {
        DecideAction::List { unit, json } => return decide::list(config, unit.as_deref(), json),
        DecideAction::Remind {
            unit,
            preview: true,
            json,
            ..
        } => return decide::preview_reminder(config, &unit, json),
        DecideAction::Remind {
            unit, reason, json, ..
        } => {
            let reason = reason.unwrap_or_default();
            return decide::command(config, Request::Remind { unit }, &reason, json);
        }
        DecideAction::Accept { unit, why } => (Request::Accept { unit }, why),
        DecideAction::Seal { file, why } => (Request::Seal { file }, why),
        DecideAction::Assign { sender, unit, why } => (Request::Assign { sender, unit }, why),
        DecideAction::Correct { unit, note, why } => (Request::Correct { unit, note }, why),
        DecideAction::Answer {
            message,
            text,
            other_means: _,
            why,
        } => (Request::Answer { message, text }, why),
        DecideAction::Reply { action, reply, why } => {
            let kind = match action {
                ReplyAction::Resend => DecisionKind::Resend,
                ReplyAction::Release => DecisionKind::Release,
                ReplyAction::Drop => DecisionKind::Drop,
            };
            (Request::Reply { kind, reply }, why)
        }
    };
    decide::command(config, request, &why.reason, why.json)
}

/// `shenbao user …`.
fn user(config: Option<&std::path::Path>, action: UserAction) -> anyhow::Result<ExitCode> {
    use shenbao::web::auth::commands::{self, PasswordFrom};
    let from = |stdin: bool| {
        if stdin {
            PasswordFrom::Stdin
        } else {
            PasswordFrom::Terminal
        }
    };
    match action {
        UserAction::Add {
            name,
            role,
            password_stdin,
        } => commands::add(config, &name, role.parse()?, from(password_stdin)),
        UserAction::List => commands::list(config),
        UserAction::Passwd {
            name,
            password_stdin,
        } => commands::passwd(config, &name, from(password_stdin)),
        UserAction::Disable { name } => commands::disable(config, &name),
        UserAction::Token { name } => commands::api_token(config, &name),
    }
}

fn main() -> ExitCode {
    let cli: Cli = zh::parse();
    quiet_on_closed_pipe(&cli.command);
    // The daemon reports each message at info; one-shot commands only what goes wrong.
    let level = match cli.command {
        Command::Run { .. } => "info",
        _ => "warn",
    };
    shenbao::ops::logging::init(cli.log_format, level);
    let config = cli.config.as_deref();
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
        } => shenbao::division::history::import(cli.config.as_deref(), &file),
        Command::Acceptance { dir, verbose } => shenbao::acceptance::run(&dir, verbose),
        Command::Seal { file, page, out } => shenbao::commands::seal(&file, page, out.as_deref()),
        Command::Config {
            action: ConfigAction::Check { no_connect, json },
        } => shenbao::check::command(config, no_connect, json),
        Command::Status { json } => shenbao::division::status::command(config, json),
        Command::List(a) => {
            let filter = shenbao::division::list::Filter {
                unit: a.unit,
                verdict: a.verdict,
                since: a.since,
            };
            shenbao::division::list::command(config, &filter, a.json)
        }
        Command::Show { what, json } => shenbao::division::show::command(config, &what, json),
        Command::Export { out, json } => {
            shenbao::division::export::record::command(config, &out, json)
        }
        Command::Reprocess {
            message,
            all: _,
            reply,
            dry_run,
            json,
        } => shenbao::division::reprocess::parse_message(message.as_deref()).and_then(|message| {
            let opts = shenbao::division::reprocess::Options {
                message,
                reply,
                dry_run,
            };
            shenbao::division::reprocess::command(config, opts, json)
        }),
        Command::Remind { dry_run, json } => {
            shenbao::division::remind::command(config, dry_run, json)
        }
        Command::Decide { action } => decide_command(config, action),
        Command::User { action } => user(config, action),
        Command::Backup { out, json } => shenbao::admin::backup::command(config, &out, json),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("shenbao: {}", zh::error_text(&e));
            ExitCode::from(2)
        }
    }
}
