//! Recording one message: its attachments are written to the archive first, then one
//! transaction records the message, attachments, unit, materials, forms, problems, verdict and
//! the reply to send. A message whose bytes were recorded before changes nothing.

use super::codes::code_of;
use super::queue::{Composer, QueuedReply, queue_reply};
use super::states::{MessageState, SourceKind};
use super::{Store, judgement, now};
use crate::message::Email;
use crate::verdict::{Changed, Outcome, Unit};
use anyhow::Context;
use chrono::{DateTime, FixedOffset};
use sqlx::{Sqlite, Transaction};

/// Where a message was found.
#[derive(Debug, Clone, Default)]
pub struct SourceRef {
    /// Maildir or IMAP.
    pub kind: SourceKind,
    /// File name in the Maildir, or the IMAP folder.
    pub name: Option<String>,
    /// IMAP UID, when from IMAP.
    pub uid: Option<u32>,
    /// IMAP UIDVALIDITY of the folder, when from IMAP.
    pub uidvalidity: Option<u32>,
}

/// The raw message as archived, with where and when it arrived.
#[derive(Debug, Clone)]
pub struct Incoming<'a> {
    /// sha256 of the raw bytes (hex); None when they could not be read.
    pub sha256: Option<&'a str>,
    /// The archived copy, relative to the data directory (None when it could not be written).
    pub raw_path: Option<&'a str>,
    /// Size of the raw message in bytes.
    pub size: usize,
    /// Arrival time, the one the deadline was checked against.
    pub arrival: DateTime<FixedOffset>,
    /// Where it came from.
    pub source: &'a SourceRef,
}

/// What recording did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recorded {
    /// The message's row (the existing one for a duplicate).
    pub message: i64,
    /// The queued reply's row, if one was queued.
    pub outbox: Option<i64>,
    /// The bytes had been recorded before: nothing was changed.
    pub duplicate: bool,
}

impl Store {
    /// Records a judged message; `unit` is the unit's state after the judge saw it.
    pub async fn record(
        &self,
        incoming: &Incoming<'_>,
        email: &Email,
        outcome: &Outcome,
        unit: Option<&Unit>,
        reply: Option<(&QueuedReply, Composer<'_>)>,
        judge: Option<&Changed<'_>>,
    ) -> anyhow::Result<Recorded> {
        let files = self.archive_files(email)?;
        let mut tx = self
            .pool
            .begin()
            .await
            .context("cannot begin a transaction")?;
        let judged = MessageState::Judged;
        let Some(message) = insert_message(&mut tx, incoming, Some(email), judged, None).await?
        else {
            return self.duplicate(tx, incoming).await;
        };
        let outcome_json = judgement::write(&mut tx, message, email, outcome, unit, &files).await?;
        super::judge_state::write(&mut tx, message, judge).await?;
        let outbox = match reply {
            Some((r, composer)) => {
                Some(queue_reply(&mut tx, Some(message), r, composer, &outcome_json).await?)
            }
            None => None,
        };
        tx.commit()
            .await
            .with_context(|| format!("cannot record message {message}"))?;
        Ok(Recorded {
            message,
            outbox,
            duplicate: false,
        })
    }

    /// Records a message that could not be processed at all (unreadable, over the size limit,
    /// a reader that failed, put aside after failed attempts), so the division sees it;
    /// `email` when its headers were read, `reply` when the sender is told (too large).
    pub async fn record_failed(
        &self,
        incoming: &Incoming<'_>,
        email: Option<&Email>,
        failure: &str,
        reply: Option<(&QueuedReply, Composer<'_>)>,
    ) -> anyhow::Result<Recorded> {
        let mut tx = self
            .pool
            .begin()
            .await
            .context("cannot begin a transaction")?;
        let Some(message) = insert_message(
            &mut tx,
            incoming,
            email,
            MessageState::Failed,
            Some(failure),
        )
        .await?
        else {
            return self.duplicate(tx, incoming).await;
        };
        let outbox = match reply {
            Some((r, composer)) => {
                let json = serde_json::json!({ "verdict": "failed", "failure": failure });
                let json = json.to_string();
                Some(queue_reply(&mut tx, Some(message), r, composer, &json).await?)
            }
            None => None,
        };
        tx.commit()
            .await
            .with_context(|| format!("cannot record the failed message ({failure})"))?;
        Ok(Recorded {
            message,
            outbox,
            duplicate: false,
        })
    }

    /// The row of a message recorded from this place in the mailbox (IMAP UID under its
    /// UIDVALIDITY, or Maildir file name), for one recorded without its bytes.
    pub async fn recorded_from(&self, source: &SourceRef) -> anyhow::Result<Option<i64>> {
        let row: Option<(i64,)> = match (source.uid, source.uidvalidity) {
            (Some(uid), Some(v)) => {
                sqlx::query_as(
                    "SELECT id FROM messages WHERE source_uidvalidity = ? AND source_uid = ?",
                )
                .bind(i64::from(v))
                .bind(i64::from(uid))
                .fetch_optional(&self.pool)
                .await
            }
            _ => {
                sqlx::query_as("SELECT id FROM messages WHERE source = ? AND source_name = ?")
                    .bind(code_of(source.kind))
                    .bind(&source.name)
                    .fetch_optional(&self.pool)
                    .await
            }
        }
        .context("cannot look up messages by source")?;
        Ok(row.map(|(id,)| id))
    }

    async fn duplicate(
        &self,
        tx: Transaction<'static, Sqlite>,
        incoming: &Incoming<'_>,
    ) -> anyhow::Result<Recorded> {
        tx.rollback().await.context("cannot roll back")?;
        let by_hash: Option<(i64,)> = sqlx::query_as("SELECT id FROM messages WHERE sha256 = ?")
            .bind(incoming.sha256)
            .fetch_optional(&self.pool)
            .await
            .context("cannot look up messages by sha256")?;
        let message = match by_hash {
            Some((id,)) => Some(id),
            None => self.recorded_from(incoming.source).await?,
        };
        let message = message.context("message conflicts with a record that cannot be found")?;
        Ok(Recorded {
            message,
            outbox: None,
            duplicate: true,
        })
    }
}

/// Inserts the message row; None when the same bytes, or the same IMAP UID under the same
/// UIDVALIDITY, are already recorded.
async fn insert_message(
    tx: &mut Transaction<'static, Sqlite>,
    incoming: &Incoming<'_>,
    email: Option<&Email>,
    state: MessageState,
    failure: Option<&str>,
) -> anyhow::Result<Option<i64>> {
    let row: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO messages (message_id, sha256, sender, sender_name, reply_to, subject, \
         arrival, raw_path, size, source, source_name, source_uid, source_uidvalidity, state, \
         failure, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(email.and_then(|e| e.message_id.clone()))
    .bind(incoming.sha256)
    .bind(email.and_then(|e| e.from.clone()))
    .bind(email.and_then(|e| e.from_name.clone()))
    .bind(email.and_then(|e| e.reply_to.clone()))
    .bind(email.map(|e| e.subject.clone()).unwrap_or_default())
    .bind(incoming.arrival.to_rfc3339())
    .bind(incoming.raw_path)
    .bind(incoming.size as i64)
    .bind(code_of(incoming.source.kind))
    .bind(&incoming.source.name)
    .bind(incoming.source.uid.map(i64::from))
    .bind(incoming.source.uidvalidity.map(i64::from))
    .bind(code_of(state))
    .bind(failure)
    .bind(now())
    .fetch_optional(&mut **tx)
    .await
    .context("cannot record the message (messages)")?;
    Ok(row.map(|(id,)| id))
}
