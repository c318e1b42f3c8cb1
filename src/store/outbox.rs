//! The outbox's delivery states: `queued` → `sending` (recorded before the server is handed
//! the message) → `sent`, or back to `queued` after a temporary failure, or `failed`. A row
//! still `sending` when a process starts was interrupted between the two records: the server
//! may have taken it, and the delivery decides what to do about that.

use super::codes::{code_of, decode};
use super::states::{MailKind, OutboxState};
use super::{Store, now};
use anyhow::Context;
use chrono::{DateTime, Utc};
use std::time::SystemTime;

/// A reply waiting in the outbox.
#[derive(Debug, Clone)]
pub struct Queued {
    /// Row id (the reply's identity: file name, Message-ID).
    pub id: i64,
    /// The message answered (None for a reminder, which answers none).
    pub message_id: Option<i64>,
    /// Address the reply goes to.
    pub recipient: String,
    /// Which mail it is.
    pub kind: MailKind,
    /// The outcome as JSON, to compose the reply from.
    pub outcome: String,
    /// Message-ID of the message answered, for In-Reply-To.
    pub in_reply_to: Option<String>,
    /// Attempts so far.
    pub attempts: i64,
    /// The composed MIME message, when composition succeeded.
    pub raw: Option<Vec<u8>>,
    /// The row was `sending`: an attempt began and its end was never recorded (a crash, or
    /// a record that could not be written after the server took it).
    pub interrupted: bool,
    /// When the last attempt began, if one did.
    pub sending_at: Option<DateTime<Utc>>,
}

impl Store {
    /// Replies waiting to be delivered (queued, or interrupted while sending), oldest first.
    pub async fn queued(&self) -> anyhow::Result<Vec<Queued>> {
        type Row = (
            i64,
            Option<i64>,
            String,
            String,
            String,
            Option<String>,
            i64,
            Option<Vec<u8>>,
            String,
            Option<String>,
        );
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT o.id, o.message_id, o.recipient, o.kind, o.outcome, \
             m.message_id AS in_reply_to, o.attempts, o.raw, o.state, o.sending_at FROM outbox o \
             LEFT JOIN messages m ON m.id = o.message_id \
             WHERE o.state IN (?, ?) ORDER BY o.id",
        )
        .bind(code_of(OutboxState::Queued))
        .bind(code_of(OutboxState::Sending))
        .fetch_all(&self.pool)
        .await
        .context("cannot read the outbox")?;
        rows.into_iter()
            .map(
                |(
                    id,
                    message_id,
                    recipient,
                    kind,
                    outcome,
                    in_reply_to,
                    attempts,
                    raw,
                    state,
                    sending_at,
                )| {
                    let state: OutboxState = decode("outbox", "state", &state)?;
                    Ok(Queued {
                        id,
                        message_id,
                        recipient,
                        kind: decode("outbox", "kind", &kind)?,
                        outcome,
                        in_reply_to,
                        attempts,
                        raw,
                        interrupted: state == OutboxState::Sending,
                        sending_at: sending_at
                            .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
                            .map(|t| t.with_timezone(&Utc)),
                    })
                },
            )
            .collect()
    }

    /// How many replies wait and since when the oldest, for the gauges.
    pub async fn outbox_backlog(&self) -> anyhow::Result<(u64, Option<SystemTime>)> {
        let (n, oldest): (i64, Option<String>) =
            sqlx::query_as("SELECT COUNT(*), MIN(created_at) FROM outbox WHERE state IN (?, ?)")
                .bind(code_of(OutboxState::Queued))
                .bind(code_of(OutboxState::Sending))
                .fetch_one(&self.pool)
                .await
                .context("cannot read the outbox")?;
        let oldest = oldest
            .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
            .map(SystemTime::from);
        Ok((u64::try_from(n).unwrap_or(0), oldest))
    }

    /// Records that an attempt to hand a reply over begins. Must succeed before the server
    /// is given the message: a reply whose fate cannot be recorded is not sent.
    pub async fn mark_sending(&self, id: i64) -> anyhow::Result<()> {
        sqlx::query("UPDATE outbox SET state = ?, sending_at = ? WHERE id = ?")
            .bind(code_of(OutboxState::Sending))
            .bind(now())
            .bind(id)
            .execute(&self.pool)
            .await
            .with_context(|| format!("cannot mark reply {id} as sending (outbox)"))?;
        Ok(())
    }

    /// Marks a reply handed to the SMTP server.
    pub async fn mark_sent(&self, id: i64) -> anyhow::Result<()> {
        self.mark_delivered(id, OutboxState::Sent).await
    }

    /// Marks a reply delivered as `how`: `sent` (SMTP) or `written` (the file outbox).
    pub async fn mark_delivered(&self, id: i64, how: OutboxState) -> anyhow::Result<()> {
        sqlx::query(
            "UPDATE outbox SET state = ?, attempts = attempts + 1, sent_at = ?, \
             last_error = NULL WHERE id = ?",
        )
        .bind(code_of(how))
        .bind(now())
        .bind(id)
        .execute(&self.pool)
        .await
        .with_context(|| format!("cannot mark reply {id} as {} (outbox)", code_of(how)))?;
        Ok(())
    }

    /// A reply's state and composed bytes, to recognise its copy coming back.
    pub async fn reply_sent_as(&self, id: i64) -> anyhow::Result<Option<(OutboxState, Vec<u8>)>> {
        let row: Option<(String, Option<Vec<u8>>)> =
            sqlx::query_as("SELECT state, raw FROM outbox WHERE id = ?")
                .bind(id)
                .fetch_optional(&self.pool)
                .await
                .with_context(|| format!("cannot read reply {id} (outbox)"))?;
        match row {
            Some((state, Some(raw))) => Ok(Some((decode("outbox", "state", &state)?, raw))),
            Some((_, None)) | None => Ok(None),
        }
    }

    /// Records a failed delivery attempt: queued again, or `failed` after `max_attempts`.
    pub async fn mark_attempt_failed(
        &self,
        id: i64,
        error: &str,
        max_attempts: i64,
    ) -> anyhow::Result<()> {
        sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?, \
             state = CASE WHEN attempts + 1 >= ? THEN ? ELSE ? END WHERE id = ?",
        )
        .bind(error)
        .bind(max_attempts)
        .bind(code_of(OutboxState::Failed))
        .bind(code_of(OutboxState::Queued))
        .bind(id)
        .execute(&self.pool)
        .await
        .with_context(|| format!("cannot record the failed attempt at reply {id} (outbox)"))?;
        Ok(())
    }
}
