//! The division's decisions in the record: proposed by anyone (the web desk, `decide`),
//! applied or refused once by the process that holds the judge. Applying writes, in one
//! transaction, the decision's outcome, the judge's changed state (so a restart loads it), the
//! unit's row, a receipt number issued, and the mail it sends.

use super::codes::{code_of, decode};
use super::queue::{Composer, QueuedReply, queue_reply};
use super::states::{DecisionKind, DecisionState, OutboxState};
use super::{Store, now};
use crate::verdict::{Changed, Unit};
use anyhow::Context;
use serde::Serialize;
use sqlx::{Sqlite, Transaction};

/// A decision to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDecision {
    /// Who decides: a login name, or `cli:<unix user>`.
    pub actor: String,
    /// What it does.
    pub kind: DecisionKind,
    /// The unit concerned (key), when the kind names one.
    pub unit_key: Option<String>,
    /// What it is about: `MESSAGE/SEQ` of a file, a message or outbox row, an address.
    pub target: Option<String>,
    /// Why (required).
    pub reason: String,
    /// The clerk's text: a correction's note, an answer.
    pub note: Option<String>,
}

/// A recorded decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecisionRow {
    /// Row id.
    pub id: i64,
    /// When it was proposed (stored form).
    pub proposed_at: String,
    /// Who decided.
    pub actor: String,
    /// What it does.
    pub kind: DecisionKind,
    /// The unit concerned (key).
    pub unit_key: Option<String>,
    /// What it is about.
    pub target: Option<String>,
    /// Why.
    pub reason: String,
    /// The clerk's text.
    pub note: Option<String>,
    /// Pending, applied or refused.
    pub state: DecisionState,
    /// When it was applied or refused.
    pub applied_at: Option<String>,
    /// What happened, or why it was refused (Chinese).
    pub result: Option<String>,
    /// The last message recorded when it was applied: a replay applies it right after.
    pub after_message: Option<i64>,
    /// The mail it queued.
    pub outbox_id: Option<i64>,
}

/// What to do to an outbox row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxAction {
    /// Queue it again (sent, failed or bounced).
    Resend,
    /// A held reply goes out.
    Release,
    /// A held reply never goes out.
    Drop,
}

/// A mail a decision sends.
pub struct DecisionMail<'a> {
    /// The message it answers, if any.
    pub message: Option<i64>,
    /// Whom and which mail.
    pub reply: &'a QueuedReply,
    /// Composes it once its row id is known.
    pub composer: Composer<'a>,
    /// What the outbox keeps beside it (the outcome or the text, as JSON).
    pub json: &'a str,
}

/// Everything applying one decision writes.
#[derive(Default)]
pub struct Applied<'a> {
    /// What happened (Chinese).
    pub result: String,
    /// The judge's state it changed.
    pub judge: Option<Changed<'a>>,
    /// A receipt number it issued: (unit key, number).
    pub receipt: Option<(&'a str, &'a str)>,
    /// The mail it sends.
    pub mail: Option<DecisionMail<'a>>,
    /// An outbox row it changes.
    pub outbox: Option<(i64, OutboxAction)>,
}

type Row = (
    i64,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<i64>,
);

const COLUMNS: &str = "id, proposed_at, actor, kind, unit_key, target, reason, note, state, \
                       applied_at, result, after_message, outbox_id";

fn typed(r: Row) -> anyhow::Result<DecisionRow> {
    let (id, proposed_at, actor, kind, unit_key, target, reason, note, state, applied_at) =
        (r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7, r.8, r.9);
    Ok(DecisionRow {
        id,
        proposed_at,
        actor,
        kind: decode("decisions", "kind", &kind)?,
        unit_key,
        target,
        reason,
        note,
        state: decode("decisions", "state", &state)?,
        applied_at,
        result: r.10,
        after_message: r.11,
        outbox_id: r.12,
    })
}

impl Store {
    /// Records a decision as pending; returns its id. The reason is required.
    pub async fn propose_decision(&self, d: &NewDecision) -> anyhow::Result<i64> {
        if d.reason.trim().is_empty() {
            anyhow::bail!("必须填写理由");
        }
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO decisions (proposed_at, actor, kind, unit_key, target, reason, note, \
             state) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(now())
        .bind(&d.actor)
        .bind(code_of(d.kind))
        .bind(&d.unit_key)
        .bind(&d.target)
        .bind(d.reason.trim())
        .bind(&d.note)
        .bind(code_of(DecisionState::Pending))
        .fetch_one(&self.pool)
        .await
        .context("cannot record the decision (decisions)")?;
        Ok(id)
    }

    /// Decision `id`, if there is one.
    pub async fn decision(&self, id: i64) -> anyhow::Result<Option<DecisionRow>> {
        let sql = format!("SELECT {COLUMNS} FROM decisions WHERE id = ?");
        let row: Option<Row> = sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .with_context(|| format!("cannot read decision {id} (decisions)"))?;
        row.map(typed).transpose()
    }

    /// The decisions about unit `key`, oldest first.
    pub async fn decisions_of_unit(&self, key: &str) -> anyhow::Result<Vec<DecisionRow>> {
        let sql = format!("SELECT {COLUMNS} FROM decisions WHERE unit_key = ? ORDER BY id");
        self.decisions_where(&sql, Some(key)).await
    }

    /// Decisions waiting to be applied, oldest first.
    pub async fn pending_decisions(&self) -> anyhow::Result<Vec<DecisionRow>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM decisions WHERE state = '{}' ORDER BY id",
            code_of(DecisionState::Pending)
        );
        self.decisions_where(&sql, None).await
    }

    /// The latest `limit` decisions, newest first.
    pub async fn recent_decisions(&self, limit: u32) -> anyhow::Result<Vec<DecisionRow>> {
        let sql = format!("SELECT {COLUMNS} FROM decisions ORDER BY id DESC LIMIT {limit}");
        self.decisions_where(&sql, None).await
    }

    /// Applied decisions in the order a replay meets them: by the message they follow.
    pub async fn applied_decisions(&self) -> anyhow::Result<Vec<DecisionRow>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM decisions WHERE state = '{}' \
             ORDER BY COALESCE(after_message, 0), applied_at, id",
            code_of(DecisionState::Applied)
        );
        self.decisions_where(&sql, None).await
    }

    async fn decisions_where(
        &self,
        sql: &str,
        key: Option<&str>,
    ) -> anyhow::Result<Vec<DecisionRow>> {
        let mut q = sqlx::query_as::<_, Row>(sql);
        if let Some(k) = key {
            q = q.bind(k);
        }
        let rows = q
            .fetch_all(&self.pool)
            .await
            .context("cannot read decisions")?;
        rows.into_iter().map(typed).collect()
    }

    /// Records that decision `id` cannot be applied, and why.
    pub async fn refuse_decision(&self, id: i64, why: &str) -> anyhow::Result<()> {
        let mut tx = self.pool.begin().await.context("cannot begin")?;
        settle(&mut tx, id, DecisionState::Refused, why, None).await?;
        tx.commit()
            .await
            .with_context(|| format!("cannot refuse decision {id}"))
    }

    /// Records decision `id` applied, with everything it changed, in one transaction;
    /// returns the outbox row of the mail it sent.
    pub async fn apply_decision(&self, id: i64, a: Applied<'_>) -> anyhow::Result<Option<i64>> {
        let mut tx = self.pool.begin().await.context("cannot begin")?;
        if let Some(changed) = &a.judge {
            super::judge_state::write_decided(&mut tx, changed).await?;
            write_units(&mut tx, changed).await?;
        }
        if let Some((key, receipt)) = a.receipt {
            sqlx::query(
                "INSERT OR IGNORE INTO receipts (unit_key, receipt, message_id, issued_at) \
                 VALUES (?, ?, NULL, ?)",
            )
            .bind(key)
            .bind(receipt)
            .bind(now())
            .execute(&mut *tx)
            .await
            .with_context(|| format!("cannot record receipt {receipt} (receipts)"))?;
        }
        let outbox = match &a.mail {
            Some(m) => Some(queue_reply(&mut tx, m.message, m.reply, m.composer, m.json).await?),
            None => None,
        };
        if let Some((row, action)) = a.outbox {
            change_outbox(&mut tx, row, action).await?;
        }
        settle(&mut tx, id, DecisionState::Applied, &a.result, outbox).await?;
        tx.commit()
            .await
            .with_context(|| format!("cannot apply decision {id}"))?;
        Ok(outbox)
    }

    /// Messages a clerk answered or marked answered (the questions no longer waiting).
    pub async fn answered_messages(&self) -> anyhow::Result<Vec<i64>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT target FROM decisions WHERE state = ? AND kind IN (?, ?) AND target IS NOT NULL",
        )
        .bind(code_of(DecisionState::Applied))
        .bind(code_of(DecisionKind::Answer))
        .bind(code_of(DecisionKind::MarkAnswered))
        .fetch_all(&self.pool)
        .await
        .context("cannot read the answered messages (decisions)")?;
        Ok(rows.into_iter().filter_map(|(t,)| t.parse().ok()).collect())
    }

    /// Messages with a `stamp_not_detected` warning on a file whose seal no clerk has
    /// confirmed yet: what still waits for a person's eye.
    pub async fn unconfirmed_stamps(&self) -> anyhow::Result<Vec<i64>> {
        let mut ids: Vec<i64> = self
            .unconfirmed_stamp_files()
            .await?
            .into_iter()
            .map(|(m, _)| m)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        Ok(ids)
    }

    /// The files behind [`Store::unconfirmed_stamps`], as (message row, file name as sent): the
    /// export marks each project whose stamped scan is one of them.
    pub async fn unconfirmed_stamp_files(&self) -> anyhow::Result<Vec<(i64, Option<String>)>> {
        sqlx::query_as(
            "SELECT DISTINCT p.message_id, p.file FROM problems p \
             WHERE p.code = 'stamp_not_detected' \
             AND NOT EXISTS (SELECT 1 FROM attachments a JOIN decisions d \
             ON d.target = a.message_id || '/' || a.seq AND d.kind = ? AND d.state = ? \
             WHERE a.message_id = p.message_id AND a.name = p.file)",
        )
        .bind(code_of(DecisionKind::ConfirmSeal))
        .bind(code_of(DecisionState::Applied))
        .fetch_all(&self.pool)
        .await
        .context("cannot read the unconfirmed stamps (problems, decisions)")
    }

    /// Files whose seal a clerk confirmed, as (message row, position in the message).
    pub async fn confirmed_seals(&self) -> anyhow::Result<Vec<(i64, i64)>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT target FROM decisions WHERE state = ? AND kind = ? AND target IS NOT NULL",
        )
        .bind(code_of(DecisionState::Applied))
        .bind(code_of(DecisionKind::ConfirmSeal))
        .fetch_all(&self.pool)
        .await
        .context("cannot read the confirmed seals (decisions)")?;
        Ok(rows
            .into_iter()
            .filter_map(|(t,)| {
                let (m, s) = t.split_once('/')?;
                Some((m.parse().ok()?, s.parse().ok()?))
            })
            .collect())
    }
}

impl super::Rebuild {
    /// The units' rows after a decision replayed (`reprocess`): a unit's receipt, a sender's
    /// mail moved to its unit.
    pub async fn decision(&mut self, changed: &Changed<'_>) -> anyhow::Result<()> {
        write_units(&mut self.tx, changed).await
    }
}

impl Store {
    /// Where reply `id`'s delivery stands, if there is such a reply.
    pub async fn reply_state(&self, id: i64) -> anyhow::Result<Option<OutboxState>> {
        let row: Option<(String,)> = sqlx::query_as("SELECT state FROM outbox WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .with_context(|| format!("cannot read reply {id} (outbox)"))?;
        row.map(|(s,)| decode("outbox", "state", &s)).transpose()
    }
}

/// Sets the decision's outcome; only a pending decision is settled (once).
async fn settle(
    tx: &mut Transaction<'static, Sqlite>,
    id: i64,
    state: DecisionState,
    result: &str,
    outbox: Option<i64>,
) -> anyhow::Result<()> {
    let (last,): (Option<i64>,) = sqlx::query_as("SELECT MAX(id) FROM messages")
        .fetch_one(&mut **tx)
        .await
        .context("cannot find the last message")?;
    let done = sqlx::query(
        "UPDATE decisions SET state = ?, applied_at = ?, result = ?, after_message = ?, \
         outbox_id = ? WHERE id = ? AND state = ?",
    )
    .bind(code_of(state))
    .bind(now())
    .bind(result)
    .bind(last)
    .bind(outbox)
    .bind(id)
    .bind(code_of(DecisionState::Pending))
    .execute(&mut **tx)
    .await
    .with_context(|| format!("cannot settle decision {id} (decisions)"))?;
    if done.rows_affected() == 0 {
        anyhow::bail!("decision {id} is not pending");
    }
    Ok(())
}

/// The units' rows after a decision: the unit's receipt, materials and count, and a removed
/// unit's mail and forms moved to the unit (its row removed).
pub(super) async fn write_units(
    tx: &mut Transaction<'static, Sqlite>,
    changed: &Changed<'_>,
) -> anyhow::Result<()> {
    let Some((key, unit)) = changed.unit else {
        return Ok(());
    };
    let id = unit_row(tx, key, unit).await?;
    if let Some(gone) = changed.gone
        && let Some((from,)) = sqlx::query_as::<_, (i64,)>("SELECT id FROM units WHERE key = ?")
            .bind(gone)
            .fetch_optional(&mut **tx)
            .await
            .context("cannot read units")?
    {
        for table in [
            "messages",
            "verdicts",
            "applications",
            "summary_rows",
            "unit_materials",
        ] {
            sqlx::query(&format!("UPDATE {table} SET unit_id = ? WHERE unit_id = ?"))
                .bind(id)
                .bind(from)
                .execute(&mut **tx)
                .await
                .with_context(|| format!("cannot move unit {gone}'s rows ({table})"))?;
        }
        sqlx::query(
            "UPDATE units SET last_message = (SELECT MAX(id) FROM messages WHERE unit_id = ?) \
             WHERE id = ?",
        )
        .bind(id)
        .bind(id)
        .execute(&mut **tx)
        .await
        .context("cannot update the unit's last message (units)")?;
        sqlx::query("DELETE FROM units WHERE id = ?")
            .bind(from)
            .execute(&mut **tx)
            .await
            .with_context(|| format!("cannot remove unit {gone} (units)"))?;
        super::materials::realign(tx, id, unit).await?;
    }
    Ok(())
}

/// The unit's row with its state after a decision (created for a unit that had none).
async fn unit_row(
    tx: &mut Transaction<'static, Sqlite>,
    key: &str,
    unit: &Unit,
) -> anyhow::Result<i64> {
    let materials = serde_json::to_string(&unit.materials).context("cannot serialise")?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO units (key, name, receipt, emails, updated_at, materials) \
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET receipt = excluded.receipt, \
         emails = excluded.emails, updated_at = excluded.updated_at, \
         materials = excluded.materials RETURNING id",
    )
    .bind(key)
    .bind(&unit.name)
    .bind(&unit.receipt)
    .bind(i64::from(unit.emails))
    .bind(now())
    .bind(materials)
    .fetch_one(&mut **tx)
    .await
    .with_context(|| format!("cannot record unit {key} (units)"))?;
    Ok(id)
}

/// Changes an outbox row as decided; refuses a row in a state the action does not fit.
async fn change_outbox(
    tx: &mut Transaction<'static, Sqlite>,
    row: i64,
    action: OutboxAction,
) -> anyhow::Result<()> {
    let (from, to): (&[OutboxState], OutboxState) = match action {
        OutboxAction::Resend => (
            &[
                OutboxState::Sent,
                OutboxState::Written,
                OutboxState::Failed,
                OutboxState::Undelivered,
            ],
            OutboxState::Queued,
        ),
        OutboxAction::Release => (&[OutboxState::Held], OutboxState::Queued),
        OutboxAction::Drop => (&[OutboxState::Held], OutboxState::Dropped),
    };
    let allowed: Vec<String> = from.iter().map(|s| format!("'{}'", code_of(*s))).collect();
    let done = sqlx::query(&format!(
        "UPDATE outbox SET state = ?, attempts = 0, last_error = NULL WHERE id = ? \
         AND state IN ({})",
        allowed.join(", ")
    ))
    .bind(code_of(to))
    .bind(row)
    .execute(&mut **tx)
    .await
    .with_context(|| format!("cannot change reply {row} (outbox)"))?;
    if done.rows_affected() == 0 {
        anyhow::bail!("reply {row} is not in a state this decision applies to");
    }
    Ok(())
}

#[cfg(test)]
#[path = "decisions_tests.rs"]
mod tests;
