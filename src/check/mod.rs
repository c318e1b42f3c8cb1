//! `shenbao config check`: is this configuration file one the daemon can run with? First the
//! file (syntax, unknown keys, values, each error pointing at its line), then what the values
//! refer to (password files, CA files, folders), then the servers themselves: DNS, TCP, TLS
//! trust, login, ID and the inbox for IMAP; DNS, TCP, TLS and login for SMTP. Each step is
//! reported on its own line, so the admin sees plainly which one failed.

mod division;
mod file;
mod probe;
mod web;

use crate::config::{self, Config};
use serde::Serialize;
use std::path::Path;
use std::process::ExitCode;

/// How a step went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mark {
    /// Fine.
    Pass,
    /// Works, but the admin should look (deadline past, no expected units…).
    Warn,
    /// The daemon would fail here.
    Fail,
}

/// One line of the report.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// What part: 配置文件, IMAP, SMTP.
    pub group: &'static str,
    /// What was checked, in the admin's words.
    pub what: String,
    /// How it went.
    pub mark: Mark,
    /// What was found or what is wrong, and what to do.
    pub detail: String,
    /// The line of the file it is about, when known.
    pub line: Option<usize>,
}

/// The whole report.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// The file checked (None: the embedded default).
    pub file: Option<String>,
    /// Every step in order.
    pub steps: Vec<Step>,
}

impl Report {
    /// Adds a step.
    fn push(&mut self, group: &'static str, what: impl Into<String>, mark: Mark, detail: String) {
        self.steps.push(Step {
            group,
            what: what.into(),
            mark,
            detail,
            line: None,
        });
    }

    /// Adds a step about the line `line`.
    fn at(
        &mut self,
        line: Option<usize>,
        group: &'static str,
        what: &str,
        mark: Mark,
        detail: String,
    ) {
        self.push(group, what, mark, detail);
        if let Some(s) = self.steps.last_mut() {
            s.line = line;
        }
    }

    /// Whether any step failed.
    pub fn failed(&self) -> bool {
        self.steps.iter().any(|s| s.mark == Mark::Fail)
    }

    /// The report as the admin reads it.
    pub fn render(&self) -> String {
        let mut out = match &self.file {
            Some(f) => format!("检查配置文件 {f}\n"),
            None => "检查内置默认配置\n".to_string(),
        };
        let mut group = "";
        for s in &self.steps {
            if s.group != group {
                group = s.group;
                out += &format!("{group}\n");
            }
            let mark = match s.mark {
                Mark::Pass => "✓",
                Mark::Warn => "!",
                Mark::Fail => "✗",
            };
            let line = s.line.map(|l| format!("（第 {l} 行）")).unwrap_or_default();
            // A TOML error shows the line and a caret under it: keep it aligned, indented.
            let detail = s.detail.trim_end().replace('\n', "\n      ");
            out += &format!("  {mark} {}{line}：{detail}\n", s.what);
        }
        let failed = self.steps.iter().filter(|s| s.mark == Mark::Fail).count();
        let warned = self.steps.iter().filter(|s| s.mark == Mark::Warn).count();
        out += &match (failed, warned) {
            (0, 0) => "结论：全部通过。\n".to_string(),
            (0, w) => format!("结论：可以运行，有 {w} 项提示。\n"),
            (f, _) => format!("结论：{f} 项未通过，请按上面的说明修改后再检查。\n"),
        };
        out
    }
}

/// Checks the file (or the embedded default) and, unless `no_connect`, the servers.
pub async fn check(path: Option<&Path>, no_connect: bool) -> Report {
    let mut report = Report {
        file: path.map(|p| p.display().to_string()),
        ..Report::default()
    };
    let text = match path {
        None => config::DEFAULT_TOML.to_string(),
        Some(p) => match std::fs::read_to_string(p) {
            Ok(t) => t,
            Err(e) => {
                report.push(
                    "配置文件",
                    "读取",
                    Mark::Fail,
                    format!("无法读取 {}：{e}", p.display()),
                );
                return report;
            }
        },
    };
    let cfg = match Config::parse(&text) {
        Ok(mut c) => {
            // The same paths the daemon will use: a file's relative paths start at its folder.
            if let Some(p) = path {
                c.anchor(&config::base_of(p));
            }
            c
        }
        Err(e) => {
            let line = file::error_line(&format!("{e}"));
            report.at(line, "配置文件", "格式与取值", Mark::Fail, format!("{e}"));
            return report;
        }
    };
    report.push(
        "配置文件",
        "格式与取值",
        Mark::Pass,
        "没有未知的键，取值有效".into(),
    );
    file::check(&cfg, &text, &mut report);
    if !no_connect && !report.failed() {
        probe::imap(&cfg, &mut report).await;
        probe::smtp(&cfg, &mut report).await;
    }
    report
}

/// `shenbao config check [--no-connect] [--json]`: exit 0 when nothing failed, else 1.
pub fn command(path: Option<&Path>, no_connect: bool, json: bool) -> anyhow::Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let report = rt.block_on(check(path, no_connect));
    // A DNS lookup that timed out still runs on a blocking thread; dropping the runtime would
    // wait for the resolver to give up, long after the report is done.
    rt.shutdown_timeout(std::time::Duration::from_millis(200));
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.render());
    }
    Ok(if report.failed() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
