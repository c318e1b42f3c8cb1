//! The division's decisions (`shenbao decide …`, and the web desk through the same record):
//! what the program cannot decide, decided by a person with a reason, recorded append-only.
//!
//! A decision is proposed (a pending row in the record) by anyone; it is applied by the one
//! process that holds the data lock and the judge ([`apply`]): the daemon, at each round, tick
//! and wake-up, or this command itself when no daemon runs. `reprocess` replays applied
//! decisions at their place ([`replay`]), sending nothing again.

pub mod apply;
mod mail;
pub mod replay;

pub use apply::apply_pending;

use super::units::{self, UnitView};
use super::{deliver_now, emit, with_record};
use crate::config::Config;
use crate::store::{DataLock, DecisionKind, DecisionRow, DecisionState, NewDecision, Store};
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

/// What `decide` is asked to do, as typed on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// 人工受理 UNIT.
    Accept {
        /// Receipt number, key or name.
        unit: String,
    },
    /// 公章已核 FILE (`MESSAGE/SEQ`, or an attachment row).
    Seal {
        /// The file.
        file: String,
    },
    /// 归入单位: SENDER's mail under UNIT.
    Assign {
        /// The sender's address.
        sender: String,
        /// The unit (name as the division writes it).
        unit: String,
    },
    /// 要求补正 UNIT with a note.
    Correct {
        /// The unit.
        unit: String,
        /// The clerk's note.
        note: String,
    },
    /// 答复 MESSAGE with a text, or mark it answered by other means (text None).
    Answer {
        /// The message (`#12` or `12`).
        message: String,
        /// The answer; None: answered by other means.
        text: Option<String>,
    },
    /// 催报提醒 to UNIT.
    Remind {
        /// The unit.
        unit: String,
    },
    /// A reply resent, released or dropped.
    Reply {
        /// Resend, Release or Drop.
        kind: DecisionKind,
        /// The outbox row.
        reply: i64,
    },
}

/// `shenbao decide …` (all but `list`): records the decision, applies it when no daemon runs,
/// else waits a little for the daemon to apply it.
pub fn command(
    config: Option<&Path>,
    request: Request,
    reason: &str,
    json: bool,
) -> anyhow::Result<ExitCode> {
    with_record(config, |cfg, store| async move {
        let id = propose(&store, &cfg, request, reason, &actor()).await?;
        let row = match DataLock::try_acquire(store.data_dir())? {
            Some(_lock) => {
                let mut judge = super::resume::judge(&store, &cfg).await?;
                apply_pending(&store, &cfg, &mut judge).await?;
                deliver_now(&cfg, &store).await?;
                store.decision(id).await?
            }
            None => wait_for_daemon(&store, id).await?,
        };
        let row = row.ok_or_else(|| anyhow::anyhow!("决定 {id} 未找到"))?;
        let code = match row.state {
            DecisionState::Refused => ExitCode::FAILURE,
            DecisionState::Applied | DecisionState::Pending => ExitCode::SUCCESS,
        };
        emit(&row, json, render)?;
        Ok(code)
    })
}

/// Polls decision `id` for up to 10 s while the daemon applies it.
async fn wait_for_daemon(store: &Store, id: i64) -> anyhow::Result<Option<DecisionRow>> {
    let end = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let row = store.decision(id).await?;
        let pending = row
            .as_ref()
            .is_some_and(|r| r.state == DecisionState::Pending);
        if !pending || tokio::time::Instant::now() >= end {
            return Ok(row);
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// `shenbao decide list [UNIT]`: the decisions, of one unit or the latest 50.
pub fn list(config: Option<&Path>, unit: Option<&str>, json: bool) -> anyhow::Result<ExitCode> {
    super::with_reading(config, |cfg, store| async move {
        let rows = match unit {
            Some(u) => {
                let all = units::load(&store, &cfg).await?;
                let key = find(&all, u)?.key.clone();
                store.decisions_of_unit(&key).await?
            }
            None => store.recent_decisions(50).await?,
        };
        emit(&rows, json, |rows| {
            if rows.is_empty() {
                return "没有记录的决定。\n".to_string();
            }
            rows.iter().map(render).collect()
        })
    })
}

/// `shenbao decide remind UNIT --preview`: the reminder as it would go out, nothing recorded.
pub fn preview_reminder(config: Option<&Path>, unit: &str, json: bool) -> anyhow::Result<ExitCode> {
    super::with_reading(config, |cfg, store| async move {
        let all = units::load(&store, &cfg).await?;
        let key = find(&all, unit)?.key.clone();
        let p = super::remind::preview(&store, &cfg, &key).await?;
        emit(&p, json, |p| {
            let mut out = format!(
                "收件人：{}\n主题：{}\n\n{}",
                p.recipients.join("、"),
                p.subject,
                p.text
            );
            if let Some(why) = &p.blocked {
                out += &format!("\n（现在不能发送：{why}）\n");
            }
            out
        })
    })
}

/// One decision as the division reads it.
pub fn render(d: &DecisionRow) -> String {
    let what = [d.unit_key.as_deref(), d.target.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let mut out = format!(
        "决定 {}：{} {what}（{}，{}）\n  理由：{}\n",
        d.id,
        d.kind.label(),
        d.actor,
        d.proposed_at,
        d.reason
    );
    if let Some(n) = &d.note {
        out += &format!("  内容：{n}\n");
    }
    out += &match (d.state, &d.result) {
        (DecisionState::Pending, _) => "  状态：已记录，等待运行中的服务执行\n".to_string(),
        (s, Some(r)) => format!("  状态：{}：{r}\n", s.label()),
        (s, None) => format!("  状态：{}\n", s.label()),
    };
    out
}

/// The unit `what` names, or an error saying how to name one.
fn find<'a>(all: &'a [UnitView], what: &str) -> anyhow::Result<&'a UnitView> {
    units::find(all, what).ok_or_else(|| {
        anyhow::anyhow!("找不到单位“{what}”：请写回执编号或推荐单位名称（用 shenbao status 查看）")
    })
}

/// Who decides on the command line: `cli:<unix user>`.
fn actor() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".into());
    format!("cli:{user}")
}

/// Records the decision `request` asks for, by `actor` (a login name, or `cli:<user>`), its
/// unit and target resolved as the command line resolves them; returns its id. It stays
/// pending until the holder of the judge applies it: the web desk then notifies the daemon's
/// `wake`. An error (no reason, no such unit, file or message) is in the division's words.
pub async fn propose(
    store: &Store,
    cfg: &Config,
    request: Request,
    reason: &str,
    actor: &str,
) -> anyhow::Result<i64> {
    let new = proposal(store, cfg, request, reason, actor).await?;
    store.propose_decision(&new).await
}

/// The decision `request` asks for, its unit and target resolved.
async fn proposal(
    store: &Store,
    cfg: &Config,
    request: Request,
    reason: &str,
    actor: &str,
) -> anyhow::Result<NewDecision> {
    let all = units::load(store, cfg).await?;
    let (kind, unit_key, target, note) = match request {
        Request::Accept { unit } => (
            DecisionKind::Accept,
            Some(find(&all, &unit)?.key.clone()),
            None,
            None,
        ),
        Request::Seal { file } => {
            let (m, s) = file_place(store, &file).await?;
            let place = store
                .file_place(m, s)
                .await?
                .ok_or_else(|| anyhow::anyhow!("没有文件 {m}/{s}"))?;
            (
                DecisionKind::ConfirmSeal,
                place.unit_key,
                Some(format!("{m}/{s}")),
                None,
            )
        }
        Request::Assign { sender, unit } => {
            let key = match units::find(&all, &unit) {
                Some(u) if u.identified => u.key.clone(),
                _ => crate::verdict::names::unit_key(&unit),
            };
            (
                DecisionKind::AssignSender,
                Some(key),
                Some(sender.trim().to_lowercase()),
                None,
            )
        }
        Request::Correct { unit, note } => (
            DecisionKind::RequestCorrection,
            Some(find(&all, &unit)?.key.clone()),
            None,
            Some(note),
        ),
        Request::Answer { message, text } => {
            let id = message_id(&message)?;
            let unit = store
                .unit_of_message(id)
                .await?
                .ok_or_else(|| anyhow::anyhow!("没有编号为 #{id} 的邮件"))?;
            let kind = match text {
                Some(_) => DecisionKind::Answer,
                None => DecisionKind::MarkAnswered,
            };
            (kind, unit, Some(id.to_string()), text)
        }
        Request::Remind { unit } => (
            DecisionKind::Remind,
            Some(find(&all, &unit)?.key.clone()),
            None,
            None,
        ),
        Request::Reply { kind, reply } => (kind, None, Some(reply.to_string()), None),
    };
    Ok(NewDecision {
        actor: actor.to_string(),
        kind,
        unit_key,
        target,
        reason: reason.to_string(),
        note,
    })
}

/// `#12` or `12`.
fn message_id(what: &str) -> anyhow::Result<i64> {
    what.trim()
        .trim_start_matches('#')
        .parse()
        .map_err(|_| anyhow::anyhow!("“{what}”不是邮件编号（如 #12）"))
}

/// A file as `MESSAGE/SEQ` (the message and the file's position in it, as `show` lists
/// them), or an attachment row number.
async fn file_place(store: &Store, what: &str) -> anyhow::Result<(i64, i64)> {
    let what = what.trim().trim_start_matches('#');
    if let Some((m, s)) = what.split_once('/')
        && let (Ok(m), Ok(s)) = (m.parse(), s.parse())
    {
        return Ok((m, s));
    }
    let id: i64 = what
        .parse()
        .map_err(|_| anyhow::anyhow!("“{what}”不是文件编号（邮件编号/序号，如 12/0）"))?;
    store
        .attachment_place(id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("没有编号为 {id} 的文件"))
}
