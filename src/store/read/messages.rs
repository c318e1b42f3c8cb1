//! A message row: what came in, from whom, what became of it, and the replies to it.

use super::super::Store;
use super::super::codes::{decode, decode_opt};
use super::super::states::{MailKind, MessageState, OutboxState, SourceKind};
use crate::verdict::{Ignored, Verdict};
use anyhow::Context;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use std::collections::HashMap;

/// What became of a message in the division's terms: the verdict on a judged message, or
/// that it could not be processed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Disposition {
    /// 已受理.
    Accepted,
    /// 需补正.
    Rejected,
    /// No automatic answer.
    Ignored,
    /// Could not be processed.
    Failed,
}

/// From its code (`accepted`, `failed`, …).
impl std::str::FromStr for Disposition {
    type Err = anyhow::Error;

    fn from_str(code: &str) -> anyhow::Result<Disposition> {
        decode("list", "verdict", code)
    }
}

impl Disposition {
    /// In the division's words.
    pub fn label(self) -> &'static str {
        match self {
            Disposition::Accepted => Verdict::Accepted.label(),
            Disposition::Rejected => Verdict::Rejected.label(),
            Disposition::Ignored => Verdict::Ignored.label(),
            Disposition::Failed => MessageState::Failed.label(),
        }
    }

    /// The disposition of a verdict.
    pub fn of(verdict: Verdict) -> Disposition {
        match verdict {
            Verdict::Accepted => Disposition::Accepted,
            Verdict::Rejected => Disposition::Rejected,
            Verdict::Ignored => Disposition::Ignored,
        }
    }
}

/// One message as recorded.
#[derive(Debug, Clone)]
pub struct MessageRow {
    /// Row id: the order of processing.
    pub id: i64,
    /// Its Message-ID header, without angle brackets.
    pub message_id: Option<String>,
    /// Arrival (RFC 3339).
    pub arrival: String,
    /// From address.
    pub sender: Option<String>,
    /// From display name, as written (shown, never trusted).
    pub sender_name: Option<String>,
    /// Subject.
    pub subject: String,
    /// Where it was found.
    pub source: SourceKind,
    /// IMAP UID and UIDVALIDITY, when from IMAP.
    pub source_uid: Option<(i64, i64)>,
    /// sha256 of the raw bytes, when they were read.
    pub sha256: Option<String>,
    /// The archived raw message, relative to the data directory.
    pub raw_path: Option<String>,
    /// Judged or failed.
    pub state: MessageState,
    /// Why it could not be processed.
    pub failure: Option<String>,
    /// The unit it was counted for: name and key.
    pub unit: Option<(String, String)>,
    /// The verdict, when judged.
    pub verdict: Option<Verdict>,
    /// Receipt number the verdict carried.
    pub receipt: Option<String>,
    /// Problem codes of the verdict (errors and warnings).
    pub codes: Vec<String>,
    /// Why an ignored message got no automatic answer.
    pub ignored: Option<Ignored>,
    /// The replies to it, in order.
    pub replies: Vec<(MailKind, OutboxState)>,
}

impl MessageRow {
    /// What became of it. A judged message without a verdict row (which the record never
    /// holds) counts as not processed rather than as anything the sender could rely on.
    pub fn disposition(&self) -> Disposition {
        match (self.state, self.verdict) {
            (MessageState::Judged, Some(v)) => Disposition::of(v),
            (MessageState::Judged, None) | (MessageState::Failed, _) => Disposition::Failed,
        }
    }
}

impl Store {
    /// Every message, in processing order.
    pub async fn messages(&self) -> anyhow::Result<Vec<MessageRow>> {
        self.message_rows(None).await
    }

    /// Message `id`, when recorded.
    pub async fn message(&self, id: i64) -> anyhow::Result<Option<MessageRow>> {
        Ok(self.message_rows(Some(id)).await?.pop())
    }

    /// Every message, or only message `only`.
    async fn message_rows(&self, only: Option<i64>) -> anyhow::Result<Vec<MessageRow>> {
        let rows = sqlx::query(
            "SELECT m.id, m.message_id, m.arrival, m.sender, m.sender_name, m.subject, m.source, \
             m.source_uid, \
             m.source_uidvalidity, m.sha256, m.raw_path, m.state, m.failure, \
             u.name AS unit_name, u.key AS unit_key, v.verdict, v.receipt, \
             (SELECT group_concat(p.code, ',') FROM problems p WHERE p.message_id = m.id) \
             AS codes, v.ignored_reason, v.ignored_detail \
             FROM messages m LEFT JOIN verdicts v ON v.message_id = m.id \
             LEFT JOIN units u ON u.id = m.unit_id WHERE ?1 IS NULL OR m.id = ?1 ORDER BY m.id",
        )
        .bind(only)
        .fetch_all(&self.pool)
        .await
        .context("cannot read messages")?;
        let replies: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT message_id, kind, state FROM outbox WHERE message_id IS NOT NULL \
             AND (?1 IS NULL OR message_id = ?1) ORDER BY id",
        )
        .bind(only)
        .fetch_all(&self.pool)
        .await
        .context("cannot read the outbox")?;
        let mut by_message: HashMap<i64, Vec<(MailKind, OutboxState)>> = HashMap::new();
        for (m, kind, state) in replies {
            by_message.entry(m).or_default().push((
                decode("outbox", "kind", &kind)?,
                decode("outbox", "state", &state)?,
            ));
        }
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let id: i64 = r.try_get("id")?;
            let text = |column: &str| -> anyhow::Result<Option<String>> {
                r.try_get(column)
                    .with_context(|| format!("cannot read messages.{column} of message {id}"))
            };
            let state = text("state")?.unwrap_or_default();
            let reason = text("ignored_reason")?;
            let ignored = match decode_opt("verdicts", "ignored_reason", reason.as_deref())? {
                Some(reason) => Some(Ignored {
                    reason,
                    detail: text("ignored_detail")?,
                }),
                None => None,
            };
            let uid: Option<i64> = r.try_get("source_uid")?;
            let validity: Option<i64> = r.try_get("source_uidvalidity")?;
            out.push(MessageRow {
                id,
                message_id: text("message_id")?,
                arrival: text("arrival")?.unwrap_or_default(),
                sender: text("sender")?,
                sender_name: text("sender_name")?,
                subject: text("subject")?.unwrap_or_default(),
                source: decode("messages", "source", &text("source")?.unwrap_or_default())?,
                source_uid: uid.zip(validity),
                sha256: text("sha256")?,
                raw_path: text("raw_path")?,
                state: decode("messages", "state", &state)?,
                failure: text("failure")?,
                unit: text("unit_name")?.zip(text("unit_key")?),
                verdict: decode_opt("verdicts", "verdict", text("verdict")?.as_deref())?,
                receipt: text("receipt")?,
                codes: text("codes")?
                    .map(|c| c.split(',').map(str::to_string).collect())
                    .unwrap_or_default(),
                ignored,
                replies: by_message.remove(&id).unwrap_or_default(),
            });
        }
        Ok(out)
    }

    /// The outcome recorded with each judged message (JSON of `verdict::Outcome`), by the
    /// sha256 of its bytes: what a run decided, to compare runs.
    pub async fn outcomes(&self) -> anyhow::Result<Vec<(Option<String>, serde_json::Value)>> {
        let rows: Vec<(Option<String>, String)> = sqlx::query_as(
            "SELECT m.sha256, v.outcome FROM verdicts v JOIN messages m ON m.id = v.message_id \
             ORDER BY m.id",
        )
        .fetch_all(&self.pool)
        .await
        .context("cannot read the outcomes (verdicts)")?;
        rows.into_iter()
            .map(|(sha, json)| {
                let outcome = serde_json::from_str(&json)
                    .with_context(|| format!("verdicts.outcome of {sha:?} is no JSON"))?;
                Ok((sha, outcome))
            })
            .collect()
    }

    /// The outcome recorded with message `id` (JSON of `verdict::Outcome`), when judged.
    pub async fn outcome(&self, id: i64) -> anyhow::Result<Option<serde_json::Value>> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT outcome FROM verdicts WHERE message_id = ?")
                .bind(id)
                .fetch_optional(&self.pool)
                .await
                .with_context(|| format!("cannot read the outcome of message {id} (verdicts)"))?;
        row.map(|(json,)| {
            serde_json::from_str(&json)
                .with_context(|| format!("verdicts.outcome of message {id} is no JSON"))
        })
        .transpose()
    }

    /// Messages counted by what became of them, in the order of [`Disposition`].
    pub async fn message_counts(&self) -> anyhow::Result<Vec<(Disposition, i64)>> {
        let rows: Vec<(String, Option<String>, i64)> = sqlx::query_as(
            "SELECT m.state, v.verdict, COUNT(*) FROM messages m \
             LEFT JOIN verdicts v ON v.message_id = m.id GROUP BY m.state, v.verdict",
        )
        .fetch_all(&self.pool)
        .await
        .context("cannot count messages (messages, verdicts)")?;
        let mut counts: Vec<(Disposition, i64)> = Vec::new();
        for (state, verdict, n) in rows {
            let state: MessageState = decode("messages", "state", &state)?;
            let verdict: Option<Verdict> = decode_opt("verdicts", "verdict", verdict.as_deref())?;
            let d = match (state, verdict) {
                (MessageState::Judged, Some(v)) => Disposition::of(v),
                (MessageState::Judged, None) | (MessageState::Failed, _) => Disposition::Failed,
            };
            match counts.iter_mut().find(|(c, _)| *c == d) {
                Some((_, total)) => *total += n,
                None => counts.push((d, n)),
            }
        }
        counts.sort_by_key(|(d, _)| *d as u8);
        Ok(counts)
    }
}
