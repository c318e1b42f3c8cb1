//! `shenbao status`: where the call stands today, in one screen.

use super::units::{self, Standing, UnitView};
use super::{emit, with_reading};
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
    /// The units counted by standing: the configured ones apart from the others.
    pub counts: Counts,
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

/// How many units of one group stand where.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Units in the group.
    pub total: usize,
    /// Accepted: a receipt was issued (by the rules or by hand), later problems or not.
    pub accepted: usize,
    /// Of those, accepted by a clerk despite open problems (已人工受理).
    pub accepted_by_hand: usize,
    /// 材料不全 only.
    pub incomplete: usize,
    /// 需补正 only.
    pub needs_correction: usize,
    /// 材料不全 and 需补正 at once.
    pub incomplete_and_needs_correction: usize,
    /// Expected and nothing received (always 0 outside the configured units).
    pub not_submitted: usize,
}

impl Tally {
    /// The units of `units` counted by standing.
    pub fn of<'a>(units: impl IntoIterator<Item = &'a UnitView>) -> Tally {
        let mut t = Tally::default();
        for u in units {
            t.total += 1;
            match u.standing {
                Standing::Accepted | Standing::AcceptedWithProblems => t.accepted += 1,
                Standing::AcceptedByHand => {
                    t.accepted += 1;
                    t.accepted_by_hand += 1;
                }
                Standing::Incomplete => t.incomplete += 1,
                Standing::NeedsCorrection => t.needs_correction += 1,
                Standing::IncompleteAndNeedsCorrection => t.incomplete_and_needs_correction += 1,
                Standing::NotSubmitted => t.not_submitted += 1,
            }
        }
        t
    }
}

/// The units counted apart: the configured ones, the named others, the unnamed senders.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// The units of `[[campaign.units]]`: who was expected to submit.
    pub expected: Tally,
    /// Units that wrote but are not configured: the division may have to add them.
    pub unexpected: Tally,
    /// Senders whose mail named no unit: no recommending unit the division could count.
    pub unidentified_senders: usize,
}

impl Counts {
    /// `units` counted apart.
    pub fn of(units: &[UnitView]) -> Counts {
        Counts {
            expected: Tally::of(units.iter().filter(|u| u.expected)),
            unexpected: Tally::of(units.iter().filter(|u| !u.expected && u.identified)),
            unidentified_senders: units.iter().filter(|u| !u.identified).count(),
        }
    }
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
    let days_left = cfg.letterhead().days_left(Utc::now().fixed_offset());
    let units = units::load(store, cfg).await?;
    Ok(Status {
        deadline: deadline.to_rfc3339(),
        days_left,
        messages,
        counts: Counts::of(&units),
        units,
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
        emit(&s, json, |v| super::status_text::render(v, &cfg))
    })
}
