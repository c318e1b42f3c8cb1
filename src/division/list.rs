//! `shenbao list`: the messages received, newest last, with what became of each.

use super::problems::{self, CodeGroup, Raised};
use super::units;
use super::{local_time, print_json, reply_zh, with_reading};
use crate::config::Config;
use crate::store::read::Disposition;
use crate::store::{MailKind, OutboxState, Store};
use crate::verdict::Ignored;
use crate::verdict::names::unit_key;
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone};
use serde::Serialize;
use std::path::Path;
use std::process::ExitCode;

/// Which messages to list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Unit name, key or receipt number.
    pub unit: Option<String>,
    /// `accepted`, `rejected`, `ignored` or `failed` (or the Chinese words).
    pub verdict: Option<String>,
    /// Arrived at or after this time (RFC 3339, `YYYY-MM-DD HH:MM` or `YYYY-MM-DD` in the
    /// campaign's time zone).
    pub since: Option<String>,
}

/// One message as listed.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// Row id (for `show`, `reprocess`).
    pub id: i64,
    /// Arrival (RFC 3339).
    pub arrival: String,
    /// From address.
    pub sender: Option<String>,
    /// Subject.
    pub subject: String,
    /// The unit it was counted for, by the one name the division knows it by
    /// ([`units::name_of`]).
    pub unit: Option<String>,
    /// That unit's key, to select a unit's messages exactly.
    pub unit_key: Option<String>,
    /// What became of it.
    pub verdict: Disposition,
    /// Receipt number the verdict carried.
    pub receipt: Option<String>,
    /// Problem codes of the verdict (errors and warnings), each once, in the order raised.
    pub codes: Vec<String>,
    /// The same codes with their Chinese titles and how many problems carried each.
    pub problems: Vec<CodeGroup>,
    /// Why an ignored message got no automatic answer.
    pub ignored_reason: Option<Ignored>,
    /// Replies to it: (kind, state).
    pub replies: Vec<(MailKind, OutboxState)>,
}

/// The messages the filter selects, in processing order.
pub async fn load(store: &Store, cfg: &Config, f: &Filter) -> anyhow::Result<Vec<Entry>> {
    let since = f
        .since
        .as_deref()
        .map(|s| parse_since(s, cfg))
        .transpose()?;
    let verdict = f.verdict.as_deref().map(verdict_key).transpose()?;
    let wanted_unit = f
        .unit
        .as_deref()
        .map(|u| (u.trim().to_string(), unit_key(u)));
    let mut out = Vec::new();
    for m in store.messages().await? {
        let disposition = m.disposition();
        if verdict.is_some_and(|want| want != disposition) {
            continue;
        }
        let (unit, key) = match m.unit {
            Some((name, key)) => (Some(units::name_of(cfg, &key, &name)), Some(key)),
            None => (None, None),
        };
        if let Some((name, key_wanted)) = &wanted_unit {
            let hit = key.as_deref() == Some(key_wanted.as_str())
                || unit.as_deref().is_some_and(|u| u.contains(name.as_str()))
                || m.receipt.as_deref() == Some(name.as_str());
            if !hit {
                continue;
            }
        }
        if let Some(since) = since
            && DateTime::parse_from_rfc3339(&m.arrival).is_ok_and(|a| a < since)
        {
            continue;
        }
        let problems = problems::group(m.codes.iter().map(|c| Raised::code(c)));
        out.push(Entry {
            id: m.id,
            arrival: m.arrival,
            sender: m.sender,
            subject: m.subject,
            unit,
            unit_key: key,
            verdict: disposition,
            receipt: m.receipt,
            codes: problems.iter().map(|g| g.code.clone()).collect(),
            problems,
            ignored_reason: m.ignored,
            replies: m.replies,
        });
    }
    Ok(out)
}

/// `--verdict`: the code, or the division's word for it.
fn verdict_key(v: &str) -> anyhow::Result<Disposition> {
    if let Ok(d) = v.trim().parse() {
        return Ok(d);
    }
    Ok(match v.trim() {
        "已受理" | "受理" => Disposition::Accepted,
        "需补正" | "补正" => Disposition::Rejected,
        "未自动答复" | "咨询" => Disposition::Ignored,
        "无法处理" => Disposition::Failed,
        other => anyhow::bail!(
            "不认识的结论“{other}”：可用 accepted（已受理）、rejected（需补正）、ignored（未自动答复）、failed（无法处理）"
        ),
    })
}

/// `--since`: RFC 3339, or a local date/time in the campaign's offset.
fn parse_since(s: &str, cfg: &Config) -> anyhow::Result<DateTime<chrono::FixedOffset>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t);
    }
    let tz = *cfg.campaign.deadline.offset();
    let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M")
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()?
                .and_hms_opt(0, 0, 0)
        });
    naive
        .and_then(|n| tz.from_local_datetime(&n).single())
        .ok_or_else(|| {
            anyhow::anyhow!("--since “{s}”无法识别：请写成 2023-06-01 或 2023-06-01 09:00")
        })
}

/// `shenbao list [--unit U] [--verdict V] [--since T] [--json]`.
pub fn command(config: Option<&Path>, filter: &Filter, json: bool) -> anyhow::Result<ExitCode> {
    with_reading(config, |cfg, store| async move {
        let entries = load(&store, &cfg, filter).await?;
        if json {
            print_json(&entries)?;
            return Ok(ExitCode::SUCCESS);
        }
        if entries.is_empty() {
            println!("没有符合条件的邮件。");
        }
        for e in &entries {
            let replies: Vec<String> = e.replies.iter().map(|(k, s)| reply_zh(*k, *s)).collect();
            println!(
                "#{} {} {} “{}”\n    单位：{}  结论：{}{}{}{}{}",
                e.id,
                local_time(&e.arrival, &cfg),
                e.sender.as_deref().unwrap_or("（无发件人）"),
                e.subject,
                e.unit.as_deref().unwrap_or("—"),
                e.verdict.label(),
                e.receipt
                    .as_deref()
                    .map(|r| format!("  回执：{r}"))
                    .unwrap_or_default(),
                if e.problems.is_empty() {
                    String::new()
                } else {
                    format!("  问题：{}", problems::joined(&e.problems))
                },
                if replies.is_empty() {
                    String::new()
                } else {
                    format!("  回复：{}", replies.join("、"))
                },
                e.ignored_reason
                    .as_ref()
                    .map(|r| format!("\n    原因：{r}"))
                    .unwrap_or_default(),
            );
        }
        println!("共 {} 封", entries.len());
        Ok(ExitCode::SUCCESS)
    })
}
