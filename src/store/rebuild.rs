//! Rewriting the record from the archived raw messages (`shenbao reprocess`): one transaction
//! clears everything derived from judging (attachments, units, materials, forms, problems,
//! verdicts) and writes each message's judgement again. Messages, replies sent, receipt numbers
//! issued, reminders and the mailbox position stay. A dry run rolls the transaction back.

use super::Store;
use super::codes::{code_of, decode, decode_opt};
use super::judgement;
use super::queue::{Composer, QueuedReply, queue_reply};
use super::states::{MessageState, OutboxState};
use crate::message::Email;
use crate::verdict::{Outcome, Unit, Verdict};
use anyhow::Context;
use chrono::{DateTime, FixedOffset};
use sqlx::{Sqlite, Transaction};

/// A recorded message and what was recorded of it, to judge it again and compare.
#[derive(Debug, Clone)]
pub struct Archived {
    /// Row id: the order of processing.
    pub id: i64,
    /// Archived raw message, relative to the data directory (None when never archived, e.g.
    /// over the size limit: such a message stays as it is).
    pub raw_path: Option<String>,
    /// Arrival time the deadline is checked against.
    pub arrival: DateTime<FixedOffset>,
    /// Judged or failed.
    pub state: MessageState,
    /// Verdict recorded (None when failed).
    pub verdict: Option<Verdict>,
    /// Receipt recorded.
    pub receipt: Option<String>,
    /// Problem codes recorded, sorted.
    pub codes: Vec<String>,
    /// Key of the unit it was counted for.
    pub unit_key: Option<String>,
}

type Row = (
    i64,
    Option<String>,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

impl Store {
    /// Every recorded message, in processing order.
    pub async fn archived(&self) -> anyhow::Result<Vec<Archived>> {
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT m.id, m.raw_path, m.arrival, m.state, v.verdict, v.receipt, u.key, \
             (SELECT group_concat(code, ',') FROM problems p WHERE p.message_id = m.id) \
             FROM messages m LEFT JOIN verdicts v ON v.message_id = m.id \
             LEFT JOIN units u ON u.id = m.unit_id ORDER BY m.id",
        )
        .fetch_all(&self.pool)
        .await
        .context("cannot read the recorded messages (messages, verdicts)")?;
        rows.into_iter()
            .map(
                |(id, raw_path, arrival, state, verdict, receipt, unit_key, codes)| {
                    let arrival = DateTime::parse_from_rfc3339(&arrival)
                        .map_err(|e| anyhow::anyhow!("message {id}: bad arrival {arrival}: {e}"))?;
                    let mut codes: Vec<String> = codes
                        .map(|c| c.split(',').map(str::to_string).collect())
                        .unwrap_or_default();
                    codes.sort();
                    Ok(Archived {
                        id,
                        raw_path,
                        arrival,
                        state: decode("messages", "state", &state)?,
                        verdict: decode_opt("verdicts", "verdict", verdict.as_deref())?,
                        receipt,
                        codes,
                        unit_key,
                    })
                },
            )
            .collect()
    }

    /// Starts a rebuild: the derived tables are cleared inside the returned transaction.
    pub async fn rebuild(&self) -> anyhow::Result<Rebuild> {
        let mut tx = self
            .pool
            .begin()
            .await
            .context("cannot begin the rebuild")?;
        for sql in [
            "DELETE FROM unit_materials",
            "DELETE FROM problems",
            "DELETE FROM applications",
            "DELETE FROM summary_rows",
            "DELETE FROM verdicts",
            "DELETE FROM attachments",
            "UPDATE messages SET unit_id = NULL",
            "DELETE FROM units",
        ] {
            sqlx::query(sql)
                .execute(&mut *tx)
                .await
                .with_context(|| format!("cannot clear the record for a rebuild: {sql}"))?;
        }
        Ok(Rebuild {
            store: self.clone(),
            tx,
        })
    }
}

/// A rebuild in progress.
pub struct Rebuild {
    /// For the data directory (attachment copies).
    store: Store,
    /// Everything happens in it: all or nothing.
    pub(super) tx: Transaction<'static, Sqlite>,
}

impl Rebuild {
    /// Records message `message` as judged now; returns the outcome as JSON.
    pub async fn judged(
        &mut self,
        message: i64,
        email: &Email,
        outcome: &Outcome,
        unit: Option<&Unit>,
    ) -> anyhow::Result<String> {
        let files = self.store.archive_files(email)?;
        sqlx::query("UPDATE messages SET state = ?, failure = NULL WHERE id = ?")
            .bind(code_of(MessageState::Judged))
            .bind(message)
            .execute(&mut *self.tx)
            .await
            .with_context(|| format!("cannot mark message {message} judged (messages)"))?;
        judgement::write(&mut self.tx, message, email, outcome, unit, &files).await
    }

    /// Records that message `message` could not be processed this time.
    pub async fn failed(&mut self, message: i64, failure: &str) -> anyhow::Result<()> {
        sqlx::query("UPDATE messages SET state = ?, failure = ? WHERE id = ?")
            .bind(code_of(MessageState::Failed))
            .bind(failure)
            .bind(message)
            .execute(&mut *self.tx)
            .await
            .with_context(|| format!("cannot mark message {message} failed (messages)"))?;
        Ok(())
    }

    /// Queues a reply to message `message` (asked for with `--reply`).
    pub async fn queue_reply(
        &mut self,
        message: i64,
        reply: &QueuedReply,
        composer: Composer<'_>,
        outcome_json: &str,
    ) -> anyhow::Result<i64> {
        queue_reply(&mut self.tx, Some(message), reply, composer, outcome_json).await
    }

    /// Holds a reply whose sender failed the check, as the daemon does.
    pub async fn hold(&mut self, reply: i64, why: &str) -> anyhow::Result<()> {
        sqlx::query("UPDATE outbox SET state = ?, last_error = ? WHERE id = ?")
            .bind(code_of(OutboxState::Held))
            .bind(why)
            .bind(reply)
            .execute(&mut *self.tx)
            .await
            .with_context(|| format!("cannot hold reply {reply} (outbox)"))?;
        Ok(())
    }

    /// Sets a fact for other processes (see [`Store::set_daemon_fact`]) with the rebuild, so
    /// it holds exactly when the rewritten record does.
    pub async fn fact(&mut self, key: &str, value: &str) -> anyhow::Result<()> {
        sqlx::query(
            "INSERT INTO daemon_state (key, value, updated_at) VALUES (?, ?, ?) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        )
        .bind(key)
        .bind(value)
        .bind(super::now())
        .execute(&mut *self.tx)
        .await
        .with_context(|| format!("cannot write {key} (daemon_state)"))?;
        Ok(())
    }

    /// Keeps everything written.
    pub async fn commit(self) -> anyhow::Result<()> {
        self.tx.commit().await.context("cannot commit the rebuild")
    }

    /// Leaves the record as it was (a dry run).
    pub async fn rollback(self) -> anyhow::Result<()> {
        self.tx
            .rollback()
            .await
            .context("cannot roll the rebuild back")
    }
}
