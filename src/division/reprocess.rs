//! `shenbao reprocess MESSAGE|--all`: the pipeline again over the archived raw messages, after
//! a rule or configuration change.
//!
//! A verdict depends on everything the unit sent before, so every archived message is judged
//! again in the order it was first processed, and the record is rewritten from those
//! judgements in one transaction (all or nothing). Receipt numbers already issued are kept.
//! `MESSAGE` or `--all` choose what is reported and, with `--reply`, who is answered again:
//! the one message, or the latest message of every unit whose verdicts changed. Without
//! `--reply` nothing is sent: units were answered when their mail came. The division's
//! decisions are replayed where they were taken (a hand-accepted unit keeps its receipt).

use super::decide::replay::Replay;
use super::progress::Progress;
use super::reprocess_report as report;
use super::{deliver_now, emit, with_record};
use crate::config::Config;
use crate::message::Email;
use crate::notify::{self, ReplyContext};
use crate::pipeline;
use crate::store::{Archived, Composed, DataLock, QueuedReply, Rebuild, Store};
use crate::verdict::{Judge, Outcome};
use anyhow::Context;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

/// What to reprocess.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Report (and with `reply`, answer) only this message; None with `--all`.
    pub message: Option<i64>,
    /// Queue a new reply where the verdict changed.
    pub reply: bool,
    /// Judge and report, but leave the record as it was.
    pub dry_run: bool,
}

pub use super::reprocess_report::{Change, Report, render};

/// A message to answer once the rewrite is done: the email's headers and its new outcome.
struct ToAnswer {
    /// Message row.
    id: i64,
    /// The email (attachment bytes dropped: not needed to compose).
    email: Email,
    /// Its new outcome.
    outcome: Outcome,
    /// Its arrival, quoted in the reply.
    arrival: chrono::DateTime<chrono::FixedOffset>,
    /// The raw message, for the sender check.
    raw_path: String,
}

/// Judges every archived message again and rewrites the record (unless a dry run).
pub async fn run(
    store: &Store,
    cfg: &Config,
    opts: Options,
    progress: &Progress,
) -> anyhow::Result<Report> {
    let archived = store.archived().await?;
    all_readable(store, &archived, opts)?;
    let mut judge = Judge::new((&cfg.campaign).into(), store.history().await?);
    judge.seed_receipts(store.issued_receipts().await?);
    // Read before the rebuild clears the files the decisions name.
    let mut decisions = Replay::load(store).await?;
    let mut rebuild = store.rebuild().await?;
    let mut report = Report {
        dry_run: opts.dry_run,
        outbox: cfg.outbox.kind,
        ..Report::default()
    };
    let mut to_answer = Answers::default();
    progress.start(archived.len() as u64, "重新处理");
    for a in &archived {
        progress.inc();
        replay_decisions(&mut rebuild, &mut judge, &mut decisions, Some(a.id)).await?;
        let Some(raw_path) = &a.raw_path else {
            continue;
        };
        let path = store.data_dir().join(raw_path);
        let raw = std::fs::read(&path).map_err(|e| {
            anyhow::anyhow!("无法读取原始邮件 #{}（{}）：{e}", a.id, path.display())
        })?;
        report.rejudged += 1;
        if let Some(why) = crate::message::not_mail(&raw) {
            rebuild.failed(a.id, why.label()).await?;
            report::note(&mut report, cfg, opts.message, a, None);
            continue;
        }
        let Ok(judged) = pipeline::process_guarded(&mut judge, &raw, a.arrival, &cfg.limits) else {
            rebuild.failed(a.id, "处理邮件时发生内部错误").await?;
            report::note(&mut report, cfg, opts.message, a, None);
            continue;
        };
        let (mut email, outcome) = (judged.email, judged.outcome);
        let unit = judge.changed(&judged.before).unit.map(|(_, u)| u);
        rebuild.judged(a.id, &email, &outcome, unit).await?;
        let changed = report::note(&mut report, cfg, opts.message, a, Some(&outcome));
        email.attachments.clear();
        let answer = ToAnswer {
            id: a.id,
            email,
            outcome,
            arrival: a.arrival,
            raw_path: raw_path.clone(),
        };
        to_answer.note(answer, changed, opts);
    }
    replay_decisions(&mut rebuild, &mut judge, &mut decisions, None).await?;
    progress.finish();
    report.messages = match opts.message {
        Some(_) => 1,
        None => report.rejudged,
    };
    if opts.reply {
        for t in &to_answer.targets() {
            if let Some(id) = answer(&mut rebuild, store, cfg, t).await? {
                report.replies.push(id);
            }
        }
    }
    rebuild.judge_state(judge.state()).await?;
    // Every message was judged again under the configured unit list.
    let units = super::attribution::fingerprint(cfg);
    rebuild.fact(super::attribution::FACT, &units).await?;
    if opts.dry_run {
        rebuild.rollback().await?;
    } else {
        rebuild.commit().await?;
    }
    Ok(report)
}

/// The division's decisions taken before message `next` (None: the rest), applied to the
/// judge again and to the rebuilt units; nothing is sent again.
async fn replay_decisions(
    rebuild: &mut Rebuild,
    judge: &mut Judge,
    decisions: &mut Replay,
    next: Option<i64>,
) -> anyhow::Result<()> {
    for d in decisions.until(judge, next) {
        rebuild.decision(&judge.changed(&d.before)).await?;
    }
    Ok(())
}

/// Refuses to start unless the message asked for exists and every raw message is readable:
/// the rewrite replaces all judgements at once.
fn all_readable(store: &Store, archived: &[Archived], opts: Options) -> anyhow::Result<()> {
    if let Some(m) = opts.message {
        match archived.iter().find(|a| a.id == m) {
            None => anyhow::bail!("没有编号为 #{m} 的邮件（用 shenbao list 查看）"),
            Some(a) if a.raw_path.is_none() => anyhow::bail!(
                "邮件 #{m} 没有存档的原始邮件（例如超过大小上限而未下载），无法重新处理"
            ),
            Some(_) => {}
        }
    }
    let missing: Vec<String> = archived
        .iter()
        .filter(|a| {
            a.raw_path
                .as_ref()
                .is_some_and(|p| !store.data_dir().join(p).is_file())
        })
        .map(|a| format!("#{}", a.id))
        .collect();
    if !missing.is_empty() {
        anyhow::bail!("原始邮件缺失，无法重新处理：{}", missing.join("、"));
    }
    Ok(())
}

/// Which judgements to answer again with `--reply`.
#[derive(Default)]
struct Answers {
    /// The latest message of each unit.
    latest: BTreeMap<String, ToAnswer>,
    /// Units whose judgement changed, in the order met (`--all`).
    changed_units: Vec<String>,
    /// The message asked for (`--message`).
    single: Option<ToAnswer>,
}

impl Answers {
    /// Notes a message judged again; `changed` when its judgement differs from the record.
    fn note(&mut self, answer: ToAnswer, changed: bool, opts: Options) {
        let Some(key) = answer.outcome.unit_key.clone() else {
            return;
        };
        if changed && opts.message.is_none() && !self.changed_units.contains(&key) {
            self.changed_units.push(key.clone());
        }
        if opts.message == Some(answer.id) {
            self.single = Some(answer);
        } else {
            self.latest.insert(key, answer);
        }
    }

    /// The message asked for, else the latest message of each unit that changed.
    fn targets(mut self) -> Vec<ToAnswer> {
        match self.single {
            Some(s) => vec![s],
            None => self
                .changed_units
                .iter()
                .filter_map(|k| self.latest.remove(k))
                .collect(),
        }
    }
}

/// Queues the reply the daemon would send for `t` now; None when it gets none.
async fn answer(
    rebuild: &mut crate::store::Rebuild,
    store: &Store,
    cfg: &Config,
    t: &ToAnswer,
) -> anyhow::Result<Option<i64>> {
    let Ok(r) = notify::compose(
        &t.outcome,
        &t.email,
        &cfg.letterhead(),
        &ReplyContext::of(&cfg.letterhead(), 0, t.arrival),
    ) else {
        return Ok(None);
    };
    let reply = QueuedReply {
        recipient: r.to,
        kind: r.kind.into(),
        held: None,
    };
    let composer = |row: i64| {
        notify::compose(
            &t.outcome,
            &t.email,
            &cfg.letterhead(),
            &ReplyContext::of(&cfg.letterhead(), row, t.arrival),
        )
        .ok()
        .map(|r| Composed {
            subject: r.subject,
            message_id: r.message_id,
            raw: r.raw,
        })
    };
    let json = serde_json::to_string(&t.outcome)?;
    let id = rebuild.queue_reply(t.id, &reply, &composer, &json).await?;
    if let Some(authserv) = cfg.replies.trusted_authserv_id.as_deref() {
        let path = store.data_dir().join(&t.raw_path);
        let raw = std::fs::read(&path)
            .with_context(|| format!("无法读取原始邮件 #{}（{}）", t.id, path.display()))?;
        if let Err(why) = notify::authres::check(&raw, authserv) {
            rebuild.hold(id, &why).await?;
        }
    }
    Ok(Some(id))
}

/// The MESSAGE argument: a message row, written `12` or `#12`.
pub fn parse_message(arg: Option<&str>) -> anyhow::Result<Option<i64>> {
    arg.map(|m| {
        m.trim()
            .trim_start_matches('#')
            .parse::<i64>()
            .map_err(|_| {
                anyhow::anyhow!("“{m}”不是邮件编号：请写 shenbao list 中的编号，如 12 或 #12")
            })
    })
    .transpose()
}

/// `shenbao reprocess MESSAGE|--all [--reply] [--dry-run] [--json]`.
pub fn command(config: Option<&Path>, opts: Options, json: bool) -> anyhow::Result<ExitCode> {
    with_record(config, |cfg, store| async move {
        let Some(_lock) = DataLock::try_acquire(store.data_dir())? else {
            anyhow::bail!(
                "守护进程正在运行（{} 已被占用）：请先停止服务（systemctl stop shenbao），重新处理后再启动",
                store.data_dir().display()
            );
        };
        let mut report = run(&store, &cfg, opts, &Progress::new()).await?;
        if !report.replies.is_empty() && !report.dry_run {
            report.delivered = deliver_now(&cfg, &store)
                .await
                .context("记录已改写，但新回复未能投递（守护进程启动后会重试）")?;
        }
        emit(&report, json, render)
    })
}
