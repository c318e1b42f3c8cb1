//! `shenbao list`: the messages received, newest last, with what became of each.

use super::{local_time, print_json, reply_zh, verdict_zh, with_store};
use crate::config::Config;
use crate::store::Store;
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
    /// The unit it was counted for.
    pub unit: Option<String>,
    /// That unit's key, to select a unit's messages exactly.
    pub unit_key: Option<String>,
    /// accepted / rejected / ignored / failed.
    pub verdict: String,
    /// Receipt number the verdict carried.
    pub receipt: Option<String>,
    /// Problem codes of the verdict (errors and warnings).
    pub codes: Vec<String>,
    /// Why an ignored message got no automatic answer.
    pub ignored_reason: Option<String>,
    /// Replies to it: (kind, state).
    pub replies: Vec<(String, String)>,
}

type Row = (
    i64,
    String,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// The messages the filter selects, in processing order.
pub async fn load(store: &Store, cfg: &Config, f: &Filter) -> anyhow::Result<Vec<Entry>> {
    let since = f
        .since
        .as_deref()
        .map(|s| parse_since(s, cfg))
        .transpose()?;
    let verdict = f.verdict.as_deref().map(verdict_key).transpose()?;
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT m.id, m.arrival, m.sender, m.subject, u.name, u.key, \
         CASE WHEN m.state = 'failed' THEN 'failed' ELSE v.verdict END, v.receipt, \
         (SELECT group_concat(p.code, ',') FROM problems p WHERE p.message_id = m.id), \
         v.ignored_reason FROM messages m LEFT JOIN verdicts v ON v.message_id = m.id \
         LEFT JOIN units u ON u.id = m.unit_id ORDER BY m.id",
    )
    .fetch_all(store.pool())
    .await?;
    let replies: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT message_id, kind, state FROM outbox WHERE message_id IS NOT NULL ORDER BY id",
    )
    .fetch_all(store.pool())
    .await?;
    let wanted_unit = f
        .unit
        .as_deref()
        .map(|u| (u.trim().to_string(), unit_key(u)));
    let mut out = Vec::new();
    for (id, arrival, sender, subject, unit, key, v, receipt, codes, ignored_reason) in rows {
        let v = v.unwrap_or_else(|| "failed".into());
        if verdict.is_some_and(|want| want != v) {
            continue;
        }
        if let Some((name, key_wanted)) = &wanted_unit {
            let hit = key.as_deref() == Some(key_wanted.as_str())
                || unit.as_deref().is_some_and(|u| u.contains(name.as_str()))
                || receipt.as_deref() == Some(name.as_str());
            if !hit {
                continue;
            }
        }
        if let Some(since) = since
            && DateTime::parse_from_rfc3339(&arrival).is_ok_and(|a| a < since)
        {
            continue;
        }
        out.push(Entry {
            id,
            arrival,
            sender,
            subject,
            unit,
            unit_key: key,
            verdict: v,
            receipt,
            codes: codes
                .map(|c| c.split(',').map(str::to_string).collect())
                .unwrap_or_default(),
            ignored_reason,
            replies: replies
                .iter()
                .filter(|(m, _, _)| *m == id)
                .map(|(_, k, s)| (k.clone(), s.clone()))
                .collect(),
        });
    }
    Ok(out)
}

fn verdict_key(v: &str) -> anyhow::Result<&'static str> {
    Ok(match v.trim() {
        "accepted" | "已受理" | "受理" => "accepted",
        "rejected" | "需补正" | "补正" => "rejected",
        "ignored" | "未自动答复" | "咨询" => "ignored",
        "failed" | "无法处理" => "failed",
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
    with_store(config, |cfg, store| async move {
        let entries = load(&store, &cfg, filter).await?;
        if json {
            print_json(&entries)?;
            return Ok(ExitCode::SUCCESS);
        }
        if entries.is_empty() {
            println!("没有符合条件的邮件。");
        }
        for e in &entries {
            let replies: Vec<String> = e.replies.iter().map(|(k, s)| reply_zh(k, s)).collect();
            println!(
                "#{} {} {} “{}”\n    单位：{}  结论：{}{}{}{}{}",
                e.id,
                local_time(&e.arrival, &cfg),
                e.sender.as_deref().unwrap_or("（无发件人）"),
                e.subject,
                e.unit.as_deref().unwrap_or("—"),
                verdict_zh(&e.verdict),
                e.receipt
                    .as_deref()
                    .map(|r| format!("  回执：{r}"))
                    .unwrap_or_default(),
                if e.codes.is_empty() {
                    String::new()
                } else {
                    format!("  问题：{}", e.codes.join("、"))
                },
                if replies.is_empty() {
                    String::new()
                } else {
                    format!("  回复：{}", replies.join("、"))
                },
                e.ignored_reason
                    .as_deref()
                    .map(|r| format!("\n    原因：{r}"))
                    .unwrap_or_default(),
            );
        }
        println!("共 {} 封", entries.len());
        Ok(ExitCode::SUCCESS)
    })
}
