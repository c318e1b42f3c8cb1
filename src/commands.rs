//! Commands that read files and print: the I/O edge around the pipeline.

use crate::config::Config;
use crate::verdict::Judge;
use crate::{history, pipeline, report};
use anyhow::Context;
use chrono::{DateTime, FixedOffset, Local};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `shenbao check`: judges the files in order and prints one result per email.
pub fn check(
    config: Option<&Path>,
    history_file: Option<&Path>,
    received: Option<&str>,
    json: bool,
    files: &[PathBuf],
) -> anyhow::Result<ExitCode> {
    let cfg = Config::load(config)?;
    let past = match history_file {
        Some(p) => history::load(p, &cfg.limits)?,
        None => Vec::new(),
    };
    let fixed = received
        .map(|t| {
            DateTime::parse_from_rfc3339(t)
                .with_context(|| format!("--received “{t}” is not an RFC 3339 time"))
        })
        .transpose()?;
    let mut judge = Judge::new(cfg.campaign.clone(), past);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for file in files {
        let raw = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
        let when = match fixed {
            Some(t) => t,
            None => modified(file)?,
        };
        let (_, outcome) = pipeline::process(&mut judge, &raw, when, &cfg.limits);
        let name = file.display().to_string();
        if json {
            writeln!(out, "{}", report::json(&name, &outcome))?;
        } else {
            writeln!(out, "{}", report::text(&name, &outcome))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn modified(file: &Path) -> anyhow::Result<DateTime<FixedOffset>> {
    let m = std::fs::metadata(file)?.modified()?;
    let local: DateTime<Local> = m.into();
    Ok(local.fixed_offset())
}
