//! Recording one message: its attachments are written to the archive first, then one
//! transaction records the message, attachments, unit, materials, forms, problems, verdict and
//! the reply to send. A message whose bytes were recorded before changes nothing.

use super::{Store, judgement, now};
use crate::message::Email;
use crate::verdict::{Changed, Outcome, Unit};
use anyhow::Context;
use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use sqlx::{Sqlite, Transaction};

/// Where a message was found.
#[derive(Debug, Clone, Default)]
pub struct SourceRef {
    /// `maildir` or `imap`.
    pub kind: &'static str,
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

/// A reply to queue with the verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The address answered (Reply-To, else From).
    pub recipient: String,
    /// `receipt`, `notice`, `oversized` or `reminder`.
    pub kind: &'static str,
    /// Why the reply must not go out until the division releases it (the sender check
    /// failed): queued as `held` in the same transaction, so no crash can send it.
    pub held: Option<String>,
}

/// A reply composed for its outbox row (the row id makes its Message-ID).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composed {
    /// The subject line, for the division's view.
    pub subject: String,
    /// The reply's Message-ID, so a bounce can be matched to the row.
    pub message_id: String,
    /// The whole MIME message.
    pub raw: Vec<u8>,
}

/// Composes the reply once its row id is known.
pub type Composer<'a> = &'a dyn Fn(i64) -> Option<Composed>;

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

/// A serde unit variant's name (`application`, `stamped`, `missing_field`), for text columns.
pub(crate) fn label<T: Serialize>(value: &T) -> Option<String> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => Some(s),
        _ => None,
    }
}

impl Store {
    /// Records a judged message; `unit` is the unit's state after the judge saw it.
    pub async fn record(
        &self,
        incoming: &Incoming<'_>,
        email: &Email,
        outcome: &Outcome,
        unit: Option<&Unit>,
        reply: Option<(&Reply, Composer<'_>)>,
        judge: Option<&Changed<'_>>,
    ) -> anyhow::Result<Recorded> {
        let files = self.archive_files(email)?;
        let mut tx = self.pool.begin().await?;
        let Some(message) = insert_message(&mut tx, incoming, Some(email), "judged", None).await?
        else {
            return self.duplicate(tx, incoming).await;
        };
        let outcome_json = judgement::write(&mut tx, message, email, outcome, unit, &files).await?;
        super::judge_state::write(&mut tx, message, judge).await?;
        let outbox = match reply {
            Some((r, composer)) => Some(
                judgement::queue_reply(&mut tx, Some(message), r, composer, &outcome_json).await?,
            ),
            None => None,
        };
        tx.commit().await?;
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
        reply: Option<(&Reply, Composer<'_>)>,
    ) -> anyhow::Result<Recorded> {
        let mut tx = self
            .pool
            .begin()
            .await
            .context("cannot begin a transaction")?;
        let Some(message) =
            insert_message(&mut tx, incoming, email, "failed", Some(failure)).await?
        else {
            return self.duplicate(tx, incoming).await;
        };
        let outbox = match reply {
            Some((r, composer)) => {
                let json = serde_json::json!({ "verdict": "failed", "failure": failure });
                let json = json.to_string();
                Some(judgement::queue_reply(&mut tx, Some(message), r, composer, &json).await?)
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
                    .bind(source.kind)
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
        tx.rollback().await?;
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
    state: &str,
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
    .bind(incoming.source.kind)
    .bind(&incoming.source.name)
    .bind(incoming.source.uid.map(i64::from))
    .bind(incoming.source.uidvalidity.map(i64::from))
    .bind(state)
    .bind(failure)
    .bind(now())
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|(id,)| id))
}
