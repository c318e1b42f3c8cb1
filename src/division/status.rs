//! `shenbao status`: where the call stands today, in one screen.

use super::units::{self, Standing, UnitView};
use super::{emit, local_time, with_reading};
use crate::config::Config;
use crate::store::read::Disposition;
use crate::store::{MessageState, Store};
use crate::verdict::Verdict;
use chrono::Utc;
use serde::Serialize;
use std::path::Path;
use std::process::ExitCode;

/// A message that needs a person.
#[derive(Debug, Clone, Serialize)]
pub struct Attention {
    /// The message's row (for `shenbao show`).
    pub message: Option<i64>,
    /// Arrival or creation time (stored form).
    pub at: String,
    /// Who wrote or who the reply was for.
    pub who: String,
    /// Subject, when known.
    pub subject: String,
    /// Why it needs a person.
    pub why: String,
}

/// The whole status.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    /// The call's deadline (RFC 3339).
    pub deadline: String,
    /// Whole days left until the deadline (negative once past).
    pub days_left: i64,
    /// Judged messages by verdict, plus `failed` for messages that could not be processed.
    pub messages: Vec<(Disposition, i64)>,
    /// Every unit with its standing.
    pub units: Vec<UnitView>,
    /// Messages failed, replies held, failed or bounced.
    pub problems: Vec<Attention>,
    /// Human messages that got no automatic reply (questions): staff answer them.
    pub questions: Vec<Attention>,
    /// Messages still in the mailbox after failed attempts: retried automatically, put
    /// aside in the failed folder after a bounded number of attempts.
    pub retrying: Vec<Attention>,
    /// Replies waiting to be sent.
    pub outbox_queued: i64,
    /// When the oldest of them was queued.
    pub outbox_oldest: Option<String>,
    /// When the daemon last reached the mailbox.
    pub last_contact: Option<String>,
}

/// Reads the status from the record.
pub async fn load(store: &Store, cfg: &Config) -> anyhow::Result<Status> {
    let messages = store.message_counts().await?;
    let rows = store.messages().await?;
    let mut problems: Vec<Attention> = rows
        .iter()
        .filter(|m| m.state == MessageState::Failed)
        .map(|m| Attention {
            message: Some(m.id),
            at: m.arrival.clone(),
            who: m.sender.clone().unwrap_or_default(),
            subject: m.subject.clone(),
            why: format!("无法处理：{}", m.failure.as_deref().unwrap_or("")),
        })
        .collect();
    for r in store.replies_needing_attention().await? {
        let Some(what) = r.state.attention() else {
            continue;
        };
        problems.push(Attention {
            message: r.message,
            at: r.created_at,
            who: r.recipient,
            subject: r.subject.unwrap_or_default(),
            why: format!("{what}：{}", r.last_error.unwrap_or_default()),
        });
    }
    // Questions a person should answer, found by the reason's code (never by its wording),
    // unless a reply went out to them after all or a clerk answered them (`decide answer`).
    let answered = store.answered_messages().await?;
    let questions = rows
        .iter()
        .filter(|m| {
            m.verdict == Some(Verdict::Ignored)
                && m.ignored.as_ref().is_some_and(|i| i.reason.needs_answer())
                && m.replies.is_empty()
                && !answered.contains(&m.id)
        })
        .map(|m| Attention {
            message: Some(m.id),
            at: m.arrival.clone(),
            who: m.sender.clone().unwrap_or_default(),
            subject: m.subject.clone(),
            why: m
                .ignored
                .as_ref()
                .map(|i| i.to_string())
                .unwrap_or_default(),
        })
        .collect();
    let backlog = store.outbox_waiting().await?;
    let retrying = store
        .intake_attempts()
        .await?
        .into_iter()
        .map(|a| Attention {
            message: None,
            at: a.last_at,
            who: a.source_name,
            subject: String::new(),
            why: format!(
                "已尝试 {} 次：{}（自动重试，{} 次后移入处理失败）",
                a.attempts,
                a.last_error,
                crate::store::intake::MAX_ATTEMPTS
            ),
        })
        .collect();
    let deadline = cfg.campaign.deadline;
    let left = deadline.signed_duration_since(Utc::now());
    // Whole days, rounded up while time remains: "1 day left" until the last day is over.
    let days_left = (left.num_seconds() as f64 / 86_400.0).ceil() as i64;
    Ok(Status {
        deadline: deadline.to_rfc3339(),
        days_left,
        messages,
        units: units::load(store, cfg).await?,
        problems,
        questions,
        retrying,
        outbox_queued: backlog.count,
        outbox_oldest: backlog.oldest,
        last_contact: store.daemon_fact("last_contact").await?,
    })
}

/// `shenbao status [--json]`.
pub fn command(config: Option<&Path>, json: bool) -> anyhow::Result<ExitCode> {
    with_reading(config, |cfg, store| async move {
        super::attribution::refuse_stale(&store, &cfg, "shenbao status").await?;
        let s = load(&store, &cfg).await?;
        emit(&s, json, |v| render(v, &cfg))
    })
}

/// The status as the division reads it.
pub fn render(s: &Status, cfg: &Config) -> String {
    let mut out = format!("{} 申报情况\n", cfg.campaign.name);
    let deadline = local_time(&s.deadline, cfg);
    if s.days_left > 0 {
        out += &format!("截止时间：{deadline}（剩余 {} 天）\n", s.days_left);
    } else {
        out += &format!("截止时间：{deadline}（已截止）\n");
    }
    out += "\n邮件：";
    if s.messages.is_empty() {
        out += "尚未收到邮件";
    }
    let counts: Vec<String> = s
        .messages
        .iter()
        .map(|(v, n)| format!("{} {n} 封", v.label()))
        .collect();
    out += &counts.join("，");
    out += "\n";
    out += &units(s);
    section(&mut out, "需人工处理", &s.problems, cfg);
    section(&mut out, "正在重试的邮件", &s.retrying, cfg);
    section(
        &mut out,
        "未自动答复的咨询邮件（请工作人员答复）",
        &s.questions,
        cfg,
    );
    out += &format!("\n发件箱：待发送 {} 封", s.outbox_queued);
    if let Some(t) = &s.outbox_oldest {
        out += &format!("，最早 {}", local_time(t, cfg));
    }
    out += "\n";
    match &s.last_contact {
        Some(t) => out += &format!("最近一次连上邮箱：{}\n", local_time(t, cfg)),
        None => out += "最近一次连上邮箱：无记录（守护进程尚未运行）\n",
    }
    out
}

/// The units' part of the status: how many are accepted, incomplete and absent, and which.
fn units(s: &Status) -> String {
    let mut out = String::new();
    let of = |st: Standing| s.units.iter().filter(move |u| u.standing == st);
    let expected = s.units.iter().filter(|u| u.expected).count();
    let accepted = of(Standing::Accepted).count() + of(Standing::AcceptedWithProblems).count();
    let incomplete = of(Standing::Incomplete).count();
    if expected == 0 {
        out += &format!(
            "\n推荐单位（配置中未列出应报单位）：已受理 {accepted} 家，材料不全 {incomplete} 家\n"
        );
    } else {
        out += &format!(
            "\n推荐单位：应报 {expected} 家，已受理 {accepted} 家，材料不全 {incomplete} 家，未提交 {} 家\n",
            of(Standing::NotSubmitted).count()
        );
    }
    let incomplete: Vec<&UnitView> = s
        .units
        .iter()
        .filter(|u| {
            matches!(
                u.standing,
                Standing::Incomplete | Standing::AcceptedWithProblems
            )
        })
        .collect();
    if !incomplete.is_empty() {
        out += "  材料不全或需补正：\n";
        for u in incomplete {
            let codes: Vec<&str> = u.missing.iter().map(|m| m.code.as_str()).collect();
            let unknown = if u.identified {
                ""
            } else {
                "，未识别推荐单位"
            };
            out += &format!(
                "    {}（{}{unknown}，{} 个问题：{}）\n",
                u.name,
                u.standing.zh(),
                u.missing.len(),
                codes.join("、")
            );
        }
    }
    let absent: Vec<&str> = of(Standing::NotSubmitted)
        .map(|u| u.name.as_str())
        .collect();
    if !absent.is_empty() {
        out += &format!("  未提交：{}\n", absent.join("、"));
    }
    out
}

fn section(out: &mut String, title: &str, items: &[Attention], cfg: &Config) {
    if items.is_empty() {
        return;
    }
    *out += &format!("\n{title}：{} 项\n", items.len());
    for a in items {
        let id = a.message.map(|m| format!("#{m} ")).unwrap_or_default();
        let subject = if a.subject.is_empty() {
            String::new()
        } else {
            format!(" “{}”", a.subject)
        };
        *out += &format!(
            "  {id}{} {}{subject}：{}\n",
            local_time(&a.at, cfg),
            a.who,
            a.why
        );
    }
}
