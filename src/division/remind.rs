//! `shenbao remind [--dry-run]`: a polite reminder to every expected unit that has sent
//! nothing, and every unit whose materials are still incomplete, listing what is missing; at
//! most once per unit per day (the campaign's time zone).
//!
//! Reminders go through the outbox like replies. When the daemon runs it delivers them on its
//! next tick; otherwise this command delivers them itself.

use super::units::{self, Standing, UnitView};
use super::{deliver_now, emit, with_record};
use crate::config::{Config, OutboxKind};
use crate::notify::ReplyContext;
use crate::notify::reminder::{self, Reminder};
use crate::store::{Composed, DataLock, Store};
use chrono::Utc;
use serde::Serialize;
use std::path::Path;
use std::process::ExitCode;

/// What happened for one unit.
#[derive(Debug, Clone, Serialize)]
pub struct Planned {
    /// The unit.
    pub unit: String,
    /// Where it stands.
    pub standing: Standing,
    /// Addresses written to (or that would be).
    pub recipients: Vec<String>,
    /// What is missing, as told.
    pub missing: Vec<String>,
    /// What was done.
    pub outcome: Outcome,
}

/// What `remind` did for one unit (`queued`, `dry_run`, `already_today`, `no_address` in JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Queued in the outbox.
    Queued,
    /// Would be queued (`--dry-run`).
    DryRun,
    /// The unit was reminded today already.
    AlreadyToday,
    /// No address to write to.
    NoAddress,
}

/// The whole run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Day the reminders count for (YYYY-MM-DD).
    pub day: String,
    /// One entry per unit that needed a reminder.
    pub units: Vec<Planned>,
    /// Reminders delivered by this command (0 when the daemon delivers them).
    pub delivered: usize,
    /// Where delivered reminders went: `file` (the outbox folder: nobody mailed yet) or
    /// `smtp` (sent).
    pub outbox: OutboxKind,
    /// The call is closed: a preview only, nothing can be sent.
    pub closed: bool,
}

/// Whether a unit gets a reminder.
fn needs_reminder(u: &UnitView) -> bool {
    match u.standing {
        Standing::NotSubmitted => u.expected,
        // An unidentified sender was told what was wrong in its reply; daily mail to an
        // address that may be anybody's is not a reminder.
        Standing::Incomplete
        | Standing::NeedsCorrection
        | Standing::IncompleteAndNeedsCorrection => u.identified,
        Standing::Accepted | Standing::AcceptedWithProblems | Standing::AcceptedByHand => false,
    }
}

/// Plans and (unless `dry_run`) queues the reminders.
pub async fn run(store: &Store, cfg: &Config, dry_run: bool) -> anyhow::Result<Report> {
    // After the deadline nothing is sent, but the division may still look at who would
    // have been reminded of what.
    let (day, closed) = match today(cfg) {
        Ok(day) => (day, false),
        Err(_) if dry_run => {
            let tz = *cfg.campaign.deadline.offset();
            (
                Utc::now().with_timezone(&tz).format("%Y-%m-%d").to_string(),
                true,
            )
        }
        Err(e) => return Err(e),
    };
    let mut planned = Vec::new();
    for u in units::load(store, cfg)
        .await?
        .iter()
        .filter(|u| needs_reminder(u))
    {
        let missing = told(u);
        let recipients = u.addresses.clone();
        let outcome = remind_unit(store, cfg, u, &day, &missing, dry_run).await?;
        planned.push(Planned {
            unit: u.name.clone(),
            standing: u.standing,
            recipients,
            missing,
            outcome,
        });
    }
    Ok(Report {
        day,
        closed,
        units: planned,
        delivered: 0,
        outbox: cfg.outbox.kind,
    })
}

/// Reminds unit `u` (unless `dry_run`) of `missing`, once on `day`.
async fn remind_unit(
    store: &Store,
    cfg: &Config,
    u: &UnitView,
    day: &str,
    missing: &[String],
    dry_run: bool,
) -> anyhow::Result<Outcome> {
    let now = Utc::now();
    let recipients = &u.addresses;
    if recipients.is_empty() {
        return Ok(Outcome::NoAddress);
    }
    if store.reminded(&u.key, day).await? {
        return Ok(Outcome::AlreadyToday);
    }
    if dry_run {
        return Ok(Outcome::DryRun);
    }
    let r = reminder_of(u, missing);
    let composer = |to: &str, row: i64| {
        let ctx = ReplyContext::of(&cfg.letterhead(), row, now.fixed_offset());
        reminder::compose(&r, to, &cfg.letterhead(), &ctx).map(|c| Composed {
            subject: c.subject,
            message_id: c.message_id,
            raw: c.raw,
        })
    };
    let queued = store
        .queue_reminders((&u.key, &u.name), day, recipients, missing, &composer)
        .await?;
    // Empty when another `remind` got there first.
    Ok(if queued.is_empty() {
        Outcome::AlreadyToday
    } else {
        Outcome::Queued
    })
}

/// What unit `u` is reminded of: each open problem's text once (the same text raised for two
/// files of one form says nothing new the second time).
fn told(u: &UnitView) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for m in &u.missing {
        if !out.contains(&m.message) {
            out.push(m.message.clone());
        }
    }
    out
}

fn reminder_of<'a>(u: &'a UnitView, missing: &'a [String]) -> Reminder<'a> {
    Reminder {
        unit: &u.name,
        not_submitted: u.standing == Standing::NotSubmitted,
        missing,
    }
}

/// A reminder to one unit as it would go out (the desk's preview), and whether it can.
#[derive(Debug, Clone, Serialize)]
pub struct Preview {
    /// The unit (key).
    pub key: String,
    /// Subject as sent.
    pub subject: String,
    /// Plain text as sent.
    pub text: String,
    /// Addresses it goes to.
    pub recipients: Vec<String>,
    /// Why it cannot be sent now, if it cannot (Chinese).
    pub blocked: Option<String>,
}

/// The reminder unit `key` would get now.
pub async fn preview(store: &Store, cfg: &Config, key: &str) -> anyhow::Result<Preview> {
    let all = units::load(store, cfg).await?;
    let u = all
        .iter()
        .find(|u| u.key == key)
        .ok_or_else(|| anyhow::anyhow!("没有找到单位“{key}”"))?;
    let blocked = match today(cfg) {
        Ok(day) => {
            if !needs_reminder(u) {
                Some(format!("该单位{}，无需提醒", u.standing.zh()))
            } else if u.addresses.is_empty() {
                Some("没有联系邮箱，无法提醒".to_string())
            } else if store.reminded(&u.key, &day).await? {
                Some("今天已提醒过，每个单位每天至多一封".to_string())
            } else {
                None
            }
        }
        Err(e) => Some(e.to_string()),
    };
    let missing = told(u);
    let ctx = ReplyContext::of(&cfg.letterhead(), 0, Utc::now().fixed_offset());
    let (subject, text) = reminder::words(&reminder_of(u, &missing), &cfg.letterhead(), &ctx);
    Ok(Preview {
        key: u.key.clone(),
        subject,
        text,
        recipients: u.addresses.clone(),
        blocked,
    })
}

/// Queues the reminder to unit `key` (a clerk's decision); Err with the reason in Chinese
/// when it cannot go out.
pub async fn send_one(
    store: &Store,
    cfg: &Config,
    key: &str,
) -> anyhow::Result<Result<Vec<String>, String>> {
    let p = preview(store, cfg, key).await?;
    if let Some(why) = p.blocked {
        return Ok(Err(why));
    }
    let all = units::load(store, cfg).await?;
    let Some(u) = all.iter().find(|u| u.key == key) else {
        return Ok(Err(format!("没有找到单位“{key}”")));
    };
    let day = today(cfg)?;
    let missing = told(u);
    match remind_unit(store, cfg, u, &day, &missing, false).await? {
        Outcome::Queued => Ok(Ok(u.addresses.clone())),
        Outcome::AlreadyToday => Ok(Err("今天已提醒过，每个单位每天至多一封".into())),
        Outcome::NoAddress => Ok(Err("没有联系邮箱，无法提醒".into())),
        Outcome::DryRun => Ok(Err("试运行".into())),
    }
}

/// The day reminders count for, or why none is sent after the deadline.
fn today(cfg: &Config) -> anyhow::Result<String> {
    let now = Utc::now();
    let deadline = cfg.campaign.deadline;
    if now > deadline {
        anyhow::bail!(
            "申报已于 {} 截止，不再发送催报提醒",
            deadline.format("%Y-%m-%d %H:%M")
        );
    }
    Ok(now
        .with_timezone(deadline.offset())
        .format("%Y-%m-%d")
        .to_string())
}

/// `shenbao remind [--dry-run] [--json]`.
pub fn command(config: Option<&Path>, dry_run: bool, json: bool) -> anyhow::Result<ExitCode> {
    with_record(config, |cfg, store| async move {
        super::attribution::refuse_stale(&store, &cfg, "shenbao remind").await?;
        let mut report = run(&store, &cfg, dry_run).await?;
        let queued = report.units.iter().any(|p| p.outcome == Outcome::Queued);
        // With the daemon stopped nobody else would deliver them.
        if queued && let Some(_lock) = DataLock::try_acquire(store.data_dir())? {
            report.delivered = deliver_now(&cfg, &store).await?;
        }
        emit(&report, json, render)
    })
}

/// The report as the division reads it.
pub fn render(r: &Report) -> String {
    if r.units.is_empty() {
        return "所有应报单位的材料均已齐全，无需提醒。\n".into();
    }
    let mut out = format!("催报提醒（{}）：\n", r.day);
    if r.closed {
        out += "  申报已截止，以下仅为预览，不会发送。\n";
    }
    for p in &r.units {
        let what = match p.outcome {
            Outcome::Queued => format!("已排入发件队列，收件人 {}", p.recipients.join("、")),
            Outcome::DryRun => format!("将发送至 {}（试运行，未发送）", p.recipients.join("、")),
            Outcome::AlreadyToday => "今天已提醒过，不再重复".into(),
            Outcome::NoAddress => {
                "没有联系邮箱，无法提醒（请在配置的 [[campaign.units]] 中填写 addresses）".into()
            }
        };
        out += &format!("  {}（{}）：{what}\n", p.unit, p.standing.zh());
        for m in &p.missing {
            out += &format!("      - {m}\n");
        }
    }
    if r.delivered > 0 {
        out += &format!("本次{}。\n", super::delivered_zh(r.outbox, r.delivered));
    }
    out
}
