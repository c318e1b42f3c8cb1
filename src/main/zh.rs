//! The command line in the division's language: clap's own words — the help headings, the
//! help and version flags, the default and possible values, its parse errors — in Chinese.
//! The texts of the commands and their arguments are `cli.rs`'s doc comments; what clap
//! adds around them is set here, once, for every subcommand.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command, CommandFactory, FromArgMatches};
use shenbao::cli::Cli;

/// Parses the process's arguments; on a mistake prints it in Chinese and exits with 2 (help
/// and version print and exit 0, as clap does).
pub fn parse() -> Cli {
    let parsed = command()
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m));
    match parsed {
        Ok(cli) => cli,
        Err(e) => exit(&e),
    }
}

/// The command line with Chinese headings, flags and values.
pub fn command() -> Command {
    let cmd = Cli::command()
        .disable_help_flag(true)
        .disable_version_flag(true)
        // `shenbao help status` would print clap's English; `shenbao status --help` is the
        // one way in, named in every error.
        .disable_help_subcommand(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .global(true)
                .help("显示帮助。"),
        )
        .arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("显示版本号。"),
        );
    localise(cmd)
}

/// One command and its subcommands: Chinese section headings, and no `[default: …]` or
/// `[possible values: …]` in English (the doc comments name them).
fn localise(cmd: Command) -> Command {
    let template = template(&cmd);
    cmd.help_template(template)
        .subcommand_value_name("命令")
        .mut_args(|a| {
            if a.get_action().takes_values() {
                a.hide_default_value(true).hide_possible_values(true)
            } else {
                a
            }
        })
        .mut_subcommands(localise)
}

/// The help page of `cmd`: about, usage, then only the sections it has.
fn template(cmd: &Command) -> String {
    let mut t = String::from("{about-with-newline}\n用法：{usage}\n");
    if cmd.has_subcommands() {
        t += "\n命令：\n{subcommands}\n";
    }
    if cmd.get_positionals().next().is_some() {
        t += "\n参数：\n{positionals}\n";
    }
    // Every command has options: the global --config, --log-format and --help.
    t += "\n选项：\n{options}\n{after-help}";
    t
}

/// Prints a parse error in Chinese, with the usage and where to find help, and exits.
fn exit(e: &clap::Error) -> ! {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => e.exit(),
        ErrorKind::DisplayVersion => {
            println!("shenbao {}", env!("CARGO_PKG_VERSION"));
            std::process::exit(0)
        }
        _ => {
            eprintln!("shenbao: {}", message(e));
            if let Some(ContextValue::StyledStr(usage)) = e.get(ContextKind::Usage) {
                let usage = usage.to_string();
                let usage = usage.trim().trim_start_matches("Usage:").trim_start();
                eprintln!("\n用法：{usage}");
            }
            eprintln!("\n用 --help 查看说明（如 shenbao status --help）。");
            std::process::exit(2)
        }
    }
}

/// What is wrong with the command line, in Chinese.
pub fn message(e: &clap::Error) -> String {
    let arg = context(e, ContextKind::InvalidArg).unwrap_or_default();
    let value = context(e, ContextKind::InvalidValue).unwrap_or_default();
    let mut out = match e.kind() {
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            if value.is_empty() {
                format!("参数 {arg} 缺少取值")
            } else {
                format!("参数 {arg} 的值“{value}”无效")
            }
        }
        ErrorKind::UnknownArgument => format!("不认识的参数“{arg}”"),
        ErrorKind::InvalidSubcommand => {
            let sub = context(e, ContextKind::InvalidSubcommand).unwrap_or_default();
            if sub == "help" {
                "没有 help 命令：查看说明请用 shenbao --help，或 shenbao 命令 --help".to_string()
            } else {
                format!("不认识的命令“{sub}”")
            }
        }
        ErrorKind::MissingRequiredArgument => format!("缺少必需的参数：{arg}"),
        ErrorKind::MissingSubcommand => "缺少要执行的命令".to_string(),
        ErrorKind::ArgumentConflict => match context(e, ContextKind::PriorArg) {
            Some(prior) => format!("参数 {arg} 不能与 {prior} 同时使用"),
            None => format!("参数 {arg} 不能与其他参数同时使用"),
        },
        ErrorKind::TooManyValues | ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("参数 {arg} 的取值个数不对")
        }
        ErrorKind::NoEquals => format!("参数 {arg} 须写成 {arg}=取值"),
        _ => "命令行有误".to_string(),
    };
    if let Some(valid) = context(e, ContextKind::ValidValue) {
        out += &format!("，可用：{valid}");
    }
    let suggested = [
        ContextKind::SuggestedArg,
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedValue,
    ]
    .into_iter()
    .find_map(|k| context(e, k));
    if let Some(s) = suggested {
        out += &format!("（是否想写 {s}？）");
    }
    out
}

/// A context value of the error as text; several values joined with 、.
fn context(e: &clap::Error, kind: ContextKind) -> Option<String> {
    let text = match e.get(kind)? {
        ContextValue::String(s) => s.clone(),
        ContextValue::Strings(v) => v.join("、"),
        ContextValue::StyledStr(s) => s.to_string(),
        ContextValue::StyledStrs(v) => v
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("、"),
        ContextValue::Number(n) => n.to_string(),
        ContextValue::None | ContextValue::Bool(_) => return None,
        // Future kinds of context: said in clap's words rather than lost.
        other => other.to_string(),
    };
    (!text.is_empty()).then_some(text)
}

/// Whether a message already speaks Chinese (has CJK ideographs).
pub fn is_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// An error as the division reads it: the program's own Chinese messages as they are; a
/// failure only a library or the operating system described (in English) is introduced in
/// Chinese, its detail kept for whoever must fix it.
pub fn error_text(e: &anyhow::Error) -> String {
    let first = e.to_string();
    if is_chinese(&first) {
        format!("{e:#}")
    } else {
        format!("命令未能完成（系统给出的原因如下）：{e:#}")
    }
}
