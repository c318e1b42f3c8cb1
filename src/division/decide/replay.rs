//! Decisions replayed when the archive is judged again (`reprocess`, or start-up without a
//! state to trust): each applied decision that changed the judge is applied again right after
//! the message it followed, so the rebuilt state (receipt numbers, seals, senders' units) is
//! the one the division decided. Nothing is sent again.

use super::apply::{Target, file_target};
use crate::store::{DecisionKind, DecisionRow, Store};
use crate::verdict::{Decided, Judge, Refused};
use std::collections::VecDeque;

/// The applied decisions still to replay, in order.
pub struct Replay {
    /// Each with the file it names (seal confirmations), resolved before the record is
    /// rewritten.
    rows: VecDeque<(DecisionRow, Option<Target>)>,
}

impl Replay {
    /// The applied decisions of the record.
    pub async fn load(store: &Store) -> anyhow::Result<Replay> {
        let mut rows = VecDeque::new();
        for d in store.applied_decisions().await? {
            let target = match d.kind {
                DecisionKind::ConfirmSeal => file_target(store, &d).await?,
                _ => None,
            };
            rows.push_back((d, target));
        }
        Ok(Replay { rows })
    }

    /// Applies the decisions recorded before message `next` (None: all that are left);
    /// returns what each changed, for the record.
    pub fn until(&mut self, judge: &mut Judge, next: Option<i64>) -> Vec<Decided> {
        let mut out = Vec::new();
        while let Some((d, _)) = self.rows.front() {
            let due = match next {
                Some(n) => d.after_message.unwrap_or(0) < n,
                None => true,
            };
            if !due {
                break;
            }
            let Some((d, target)) = self.rows.pop_front() else {
                break;
            };
            match again(judge, &d, target.as_ref()) {
                Some(Ok(decided)) => out.push(decided),
                Some(Err(why)) => {
                    tracing::warn!(
                        decision = d.id,
                        "decision no longer applies on replay: {why}"
                    )
                }
                None => {}
            }
        }
        out
    }
}

/// Decision `d` applied to the judge again; None for a decision that does not change it.
fn again(
    judge: &mut Judge,
    d: &DecisionRow,
    target: Option<&Target>,
) -> Option<Result<Decided, Refused>> {
    let key = d.unit_key.as_deref().unwrap_or_default();
    match d.kind {
        DecisionKind::Accept => Some(judge.accept_by_hand(key)),
        DecisionKind::ConfirmSeal => {
            let t = target?;
            Some(judge.confirm_seal(t.unit_key.as_deref().unwrap_or(key), &t.at))
        }
        DecisionKind::AssignSender => Some(judge.assign_sender(d.target.as_deref()?, key)),
        DecisionKind::RequestCorrection
        | DecisionKind::Answer
        | DecisionKind::MarkAnswered
        | DecisionKind::Resend
        | DecisionKind::Release
        | DecisionKind::Drop
        | DecisionKind::Remind => None,
    }
}
