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
use super::{deliver_now, emit, with_record};
use crate::config::Config;
use crate::message::Email;
use crate::notify::{self, ReplyContext};
use crate::pipeline;
use crate::store::read::Disposition;
use crate::store::{Archived, Composed, DataLock, QueuedReply, Rebuild, Store};
use crate::verdict::{Judge, Outcome};
use serde::Serialize;
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

/// A message whose judgement changed.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// The message's row.
    pub message: i64,
    /// Unit after reprocessing (key).
    pub unit: Option<String>,
    /// Verdict before → after (`failed` when it could not be processed).
    pub verdict: (Disposition, Disposition),
    /// Receipt before → after.
    pub receipt: (Option<String>, Option<String>),
    /// Problem codes that appeared.
    pub added: Vec<String>,
    /// Problem codes that went away.
    pub removed: Vec<String>,
}

/// What a reprocess did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// Messages judged again.
    pub messages: usize,
    /// Replies delivered right away (the daemon is stopped while reprocessing).
    pub delivered: usize,
    /// Changes among the messages reported.
    pub changes: Vec<Change>,
    /// Reply rows queued (with `--reply`).
    pub replies: Vec<i64>,
    /// Nothing was written.
    pub dry_run: bool,
}

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
        report.messages += 1;
        if let Some(why) = crate::message::not_mail(&raw) {
            rebuild.failed(a.id, why.label()).await?;
            push_change(&mut report, opts, a, None);
            continue;
        }
        let Ok(judged) = pipeline::process_guarded(&mut judge, &raw, a.arrival, &cfg.limits) else {
            rebuild.failed(a.id, "处理邮件时发生内部错误").await?;
            push_change(&mut report, opts, a, None);
            continue;
        };
        let (mut email, outcome) = (judged.email, judged.outcome);
        let unit = judge.changed(&judged.before).unit.map(|(_, u)| u);
        rebuild.judged(a.id, &email, &outcome, unit).await?;
        let changed = push_change(&mut report, opts, a, Some(&outcome));
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
    if let Some(m) = opts.message
        && !archived.iter().any(|a| a.id == m)
    {
        anyhow::bail!("没有编号为 #{m} 的邮件（用 shenbao list 查看）");
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

/// Records the change of `a` if there is one and it is among those reported; returns whether
/// the judgement changed at all.
fn push_change(
    report: &mut Report,
    opts: Options,
    a: &crate::store::Archived,
    now: Option<&Outcome>,
) -> bool {
    let old_verdict = a.verdict.map_or(Disposition::Failed, Disposition::of);
    let (verdict, receipt, mut codes, unit) = match now {
        Some(o) => (
            Disposition::of(o.verdict),
            o.receipt.clone(),
            o.problems
                .iter()
                .map(|p| p.code.as_str().to_string())
                .collect(),
            o.unit_key.clone(),
        ),
        None => (Disposition::Failed, None, Vec::new(), a.unit_key.clone()),
    };
    codes.sort();
    if verdict == old_verdict && receipt == a.receipt && codes == a.codes {
        return false;
    }
    if opts.message.is_none_or(|m| m == a.id) {
        report.changes.push(Change {
            message: a.id,
            unit,
            verdict: (old_verdict, verdict),
            receipt: (a.receipt.clone(), receipt),
            added: codes
                .iter()
                .filter(|c| !a.codes.contains(c))
                .cloned()
                .collect(),
            removed: a
                .codes
                .iter()
                .filter(|c| !codes.contains(c))
                .cloned()
                .collect(),
        });
    }
    true
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
        let raw = std::fs::read(store.data_dir().join(&t.raw_path))?;
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
            report.delivered = deliver_now(&cfg, &store).await?;
        }
        emit(&report, json, render)
    })
}

/// The report as the division reads it.
pub fn render(r: &Report) -> String {
    let mut out = format!("重新处理了 {} 封邮件", r.messages);
    if r.dry_run {
        out += "（试运行，记录未改动）";
    }
    out += &format!("，结论有变化的 {} 封：\n", r.changes.len());
    for c in &r.changes {
        out += &format!(
            "  #{} {}：{} → {}",
            c.message,
            c.unit.as_deref().unwrap_or("—"),
            c.verdict.0.label(),
            c.verdict.1.label()
        );
        if c.receipt.0 != c.receipt.1 {
            let show = |r: &Option<String>| r.clone().unwrap_or_else(|| "无".into());
            out += &format!("，回执 {} → {}", show(&c.receipt.0), show(&c.receipt.1));
        }
        if !c.added.is_empty() {
            out += &format!("，新增问题 {}", c.added.join("、"));
        }
        if !c.removed.is_empty() {
            out += &format!("，消除问题 {}", c.removed.join("、"));
        }
        out += "\n";
    }
    if r.replies.is_empty() {
        out += "未发送新的回复（需要时加 --reply）。\n";
    } else {
        out += &format!(
            "已生成 {} 封新回复，已发出 {} 封（其余由守护进程重试）。\n",
            r.replies.len(),
            r.delivered
        );
    }
    out
}
