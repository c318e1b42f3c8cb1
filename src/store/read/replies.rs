//! Outbox rows as the division reads them: a unit's replies and reminders, the ones that need
//! a person (held, failed, bounced), and how many still wait.

use super::super::Store;
use super::super::codes::{code_of, decode};
use super::super::states::{MailKind, OutboxState};
use anyhow::Context;
use serde::Serialize;

/// One reply or reminder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReplyRow {
    /// Row id.
    pub id: i64,
    /// The email answered (None for a reminder).
    pub message: Option<i64>,
    /// Which mail it is.
    pub kind: MailKind,
    /// Where its delivery stands.
    pub state: OutboxState,
    /// Where it went.
    pub recipient: String,
    /// Its subject.
    pub subject: Option<String>,
    /// When it was queued.
    pub created_at: String,
    /// Delivery attempts so far.
    pub attempts: i64,
    /// Why the last attempt failed, why it is held, or the bounce.
    pub last_error: Option<String>,
    /// The reply's Message-ID, once composed.
    pub reply_message_id: Option<String>,
}

/// Replies waiting to be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backlog {
    /// How many.
    pub count: i64,
    /// When the oldest was queued (stored form).
    pub oldest: Option<String>,
}

type Row = (
    i64,
    Option<i64>,
    String,
    String,
    String,
    Option<String>,
    String,
    i64,
    Option<String>,
    Option<String>,
);

const COLUMNS: &str = "o.id, o.message_id, o.kind, o.state, o.recipient, o.subject, \
                       o.created_at, o.attempts, o.last_error, o.reply_message_id";

fn typed(rows: Vec<Row>) -> anyhow::Result<Vec<ReplyRow>> {
    rows.into_iter()
        .map(
            |(
                id,
                message,
                kind,
                state,
                recipient,
                subject,
                created_at,
                attempts,
                last_error,
                reply_message_id,
            )| {
                Ok(ReplyRow {
                    id,
                    message,
                    kind: decode("outbox", "kind", &kind)?,
                    state: decode("outbox", "state", &state)?,
                    recipient,
                    subject,
                    created_at,
                    attempts,
                    last_error,
                    reply_message_id,
                })
            },
        )
        .collect()
}

impl Store {
    /// Every outbox row, in order.
    pub async fn replies(&self) -> anyhow::Result<Vec<ReplyRow>> {
        let rows: Vec<Row> =
            sqlx::query_as(&format!("SELECT {COLUMNS} FROM outbox o ORDER BY o.id"))
                .fetch_all(&self.pool)
                .await
                .context("cannot read the outbox")?;
        typed(rows)
    }

    /// The replies to unit `unit`'s emails and the reminders to it (`key`), in order.
    pub async fn replies_of_unit(&self, unit: i64, key: &str) -> anyhow::Result<Vec<ReplyRow>> {
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM outbox o LEFT JOIN messages m ON m.id = o.message_id \
             WHERE m.unit_id = ? OR o.id IN (SELECT outbox_id FROM reminders WHERE unit_key = ?) \
             ORDER BY o.id"
        ))
        .bind(unit)
        .bind(key)
        .fetch_all(&self.pool)
        .await
        .with_context(|| format!("cannot read the replies to unit {key} (outbox)"))?;
        typed(rows)
    }

    /// Replies that need a person: held, failed or bounced ([`OutboxState::attention`]).
    pub async fn replies_needing_attention(&self) -> anyhow::Result<Vec<ReplyRow>> {
        Ok(self
            .replies()
            .await?
            .into_iter()
            .filter(|r| r.state.attention().is_some())
            .collect())
    }

    /// How many replies wait to be sent and since when.
    pub async fn outbox_waiting(&self) -> anyhow::Result<Backlog> {
        let (count, oldest): (i64, Option<String>) =
            sqlx::query_as("SELECT COUNT(*), MIN(created_at) FROM outbox WHERE state IN (?, ?)")
                .bind(code_of(OutboxState::Queued))
                .bind(code_of(OutboxState::Sending))
                .fetch_one(&self.pool)
                .await
                .context("cannot count the waiting replies (outbox)")?;
        Ok(Backlog { count, oldest })
    }
}
