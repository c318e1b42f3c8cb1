//! The division's own commands (质量发展处): what has come in, from whom, what is missing, the
//! city-wide export, judging archived mail again after a rule change, and reminders. Output is
//! Chinese for the staff; every listing also has `--json`.
//!
//! - [`units`]: each unit's current state, read from the record (and the expected units of
//!   the campaign that have sent nothing).
//! - [`status`], [`list`], [`show`]: the views; [`problems`]: problem codes as they read
//!   them (each code once, under its Chinese title).
//! - [`export`]: the city-wide workbook and each unit's files ([`export::record`] reads them
//!   from the record).
//! - [`reprocess`]: the pipeline again over the archived raw messages; [`attribution`]: which
//!   unit list the record follows (judged again at start-up when the list changed).
//! - [`remind`]: polite reminders to units not yet complete; [`digest`]: the division's own
//!   daily digest, queued by the daemon.
//! - [`decide`]: the clerk's decisions (accept by hand, seals, senders, answers, replies),
//!   applied by whoever holds the judge; [`resume`]: the judge as the record left it.

pub mod attribution;
pub mod decide;
pub mod digest;
pub mod export;
pub mod history;
pub mod list;
pub mod problems;
pub mod progress;
pub mod remind;
pub mod reprocess;
mod reprocess_report;
pub mod resume;
pub mod show;
mod show_materials;
pub mod standing;
pub mod status;
mod status_text;
pub mod units;

use crate::config::Config;
use crate::store::{MailKind, OutboxState, Store};
use anyhow::Context;
use std::future::Future;
use std::path::Path;

/// How a command opens the record.
#[derive(Clone, Copy)]
enum Open {
    /// Created when missing (the commands that write).
    Create,
    /// Only a record already there, writable.
    Existing,
    /// Only a record already there, read-only: no lock, no migration, no write access needed.
    ReadOnly,
}

/// Runs `f` with the configuration and the store of `config`, on a runtime of its own.
pub(crate) fn with_store<T, F>(
    config: Option<&Path>,
    f: impl FnOnce(Config, Store) -> F,
) -> anyhow::Result<T>
where
    F: Future<Output = anyhow::Result<T>>,
{
    run_with(config, Open::Create, f)
}

/// As [`with_store`], for the commands that read the record: they refuse to create one.
pub(crate) fn with_record<T, F>(
    config: Option<&Path>,
    f: impl FnOnce(Config, Store) -> F,
) -> anyhow::Result<T>
where
    F: Future<Output = anyhow::Result<T>>,
{
    run_with(config, Open::Existing, f)
}

/// As [`with_record`], for the commands that only read it: the record is opened read-only, so
/// a member of the service's group, who may read the data directory but not write to it, can
/// run them beside the daemon.
pub(crate) fn with_reading<T, F>(
    config: Option<&Path>,
    f: impl FnOnce(Config, Store) -> F,
) -> anyhow::Result<T>
where
    F: Future<Output = anyhow::Result<T>>,
{
    run_with(config, Open::ReadOnly, f)
}

/// The configuration of a division's command; the reason it cannot be used, in Chinese
/// before the detail (a wrong path, a TOML error with its line).
pub(crate) fn load_config(config: Option<&Path>) -> anyhow::Result<Config> {
    Config::load(config).context("配置文件无法使用")
}

/// Runs `f` over the store of `config`, opened as `open` says.
fn run_with<T, F>(
    config: Option<&Path>,
    open: Open,
    f: impl FnOnce(Config, Store) -> F,
) -> anyhow::Result<T>
where
    F: Future<Output = anyhow::Result<T>>,
{
    let cfg = load_config(config)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let dir = &cfg.storage.data_dir;
        let store = match open {
            Open::Existing => Store::open_existing(dir).await?,
            Open::ReadOnly => Store::open_read_only(dir).await?,
            Open::Create => Store::open(dir)
                .await
                .with_context(|| format!("无法打开申报记录（数据目录 {}）", dir.display()))?,
        };
        let out = f(cfg, store.clone()).await;
        store.close().await;
        out
    })
}

/// Delivers the outbox from this process (the daemon is not running to do it); returns how
/// many left.
pub(crate) async fn deliver_now(cfg: &Config, store: &Store) -> anyhow::Result<usize> {
    let mut delivery = crate::notify::outbox::Delivery::new(cfg.route()?, store.data_dir())?;
    delivery
        .deliver(store, &crate::telemetry::Telemetry::default())
        .await
}

/// What this command delivered, in the division's words: only mail handed to the SMTP
/// server is 已发送; the file outbox only holds it (已写入发件目录).
pub(crate) fn delivered_zh(outbox: crate::config::OutboxKind, n: usize) -> String {
    match outbox {
        crate::config::OutboxKind::Smtp => format!("已发送 {n} 封"),
        crate::config::OutboxKind::File => format!("已写入发件目录 {n} 封"),
    }
}

/// Prints a value as pretty JSON on stdout.
pub(crate) fn print_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// Prints `value` as JSON with `--json`, else as `text` renders it; a command's last step.
pub(crate) fn emit<T: serde::Serialize>(
    value: &T,
    json: bool,
    text: impl FnOnce(&T) -> String,
) -> anyhow::Result<std::process::ExitCode> {
    if json {
        print_json(value)?;
    } else {
        print!("{}", text(value));
    }
    Ok(std::process::ExitCode::SUCCESS)
}

/// A reply's kind and state as the division reads them.
pub fn reply_zh(kind: MailKind, state: OutboxState) -> String {
    format!("{}（{}）", kind.label(), state.label())
}

/// A stored UTC time (RFC 3339) in the campaign's offset, as `YYYY-MM-DD HH:MM`.
pub fn local_time(stamp: &str, cfg: &Config) -> String {
    match chrono::DateTime::parse_from_rfc3339(stamp) {
        Ok(t) => t
            .with_timezone(cfg.campaign.deadline.offset())
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        Err(_) => stamp.to_string(),
    }
}
