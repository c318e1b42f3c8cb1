//! Queuing a reply in the outbox: a reply to a judged message, a notice to a message that
//! could not be processed, or a reminder answering no message. The row id is known first, so
//! the composed reply can carry it in its Message-ID.

use super::codes::code_of;
use super::now;
use super::states::{MailKind, OutboxState};
use anyhow::Context;
use sqlx::{Sqlite, Transaction};

/// A reply to queue (not to be confused with `notify::Reply`, the composed message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedReply {
    /// The address answered (Reply-To, else From).
    pub recipient: String,
    /// Which reply it is.
    pub kind: MailKind,
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
pub type Composer<'a> = &'a (dyn Fn(i64) -> Option<Composed> + Sync);

/// Queues a reply (or a reminder, answering no message) and stores what `composer` makes of
/// its row id; returns the row id.
pub(super) async fn queue_reply(
    tx: &mut Transaction<'static, Sqlite>,
    message: Option<i64>,
    reply: &QueuedReply,
    composer: Composer<'_>,
    outcome_json: &str,
) -> anyhow::Result<i64> {
    let state = if reply.held.is_some() {
        OutboxState::Held
    } else {
        OutboxState::Queued
    };
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO outbox (message_id, recipient, kind, state, last_error, outcome, \
         created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(message)
    .bind(&reply.recipient)
    .bind(code_of(reply.kind))
    .bind(code_of(state))
    .bind(reply.held.as_deref())
    .bind(outcome_json)
    .bind(now())
    .fetch_one(&mut **tx)
    .await
    .with_context(|| format!("cannot queue the reply to {} (outbox)", reply.recipient))?;
    if let Some(c) = composer(id) {
        sqlx::query("UPDATE outbox SET subject = ?, reply_message_id = ?, raw = ? WHERE id = ?")
            .bind(c.subject)
            .bind(c.message_id)
            .bind(c.raw)
            .bind(id)
            .execute(&mut **tx)
            .await
            .with_context(|| format!("cannot store the composed reply {id} (outbox)"))?;
    }
    Ok(id)
}
