//! What a decision needs to know of the mail it concerns: a message's headers to answer it
//! (threaded under it), a unit's latest message to send its receipt or notice to, and where a
//! file sits (its message and position, which `reprocess` keeps, unlike attachment rows).

use super::super::Store;
use super::super::codes::{code_of, decode_opt};
use crate::message::Email;
use crate::verdict::Verdict;
use anyhow::Context;
use chrono::{DateTime, FixedOffset};

/// A recorded message as a decision answers it.
#[derive(Debug, Clone)]
pub struct MailRef {
    /// Its row.
    pub id: i64,
    /// Its headers (no body, no files): enough to address and thread a reply.
    pub email: Email,
    /// When it arrived.
    pub arrival: DateTime<FixedOffset>,
    /// The unit it was counted for (key).
    pub unit_key: Option<String>,
    /// Its verdict, when judged.
    pub verdict: Option<Verdict>,
}

/// A file of a message, as a seal confirmation names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilePlace {
    /// The message's row.
    pub message: i64,
    /// Position among the message's attachments.
    pub seq: i64,
    /// Name as sent.
    pub name: String,
    /// When the message arrived.
    pub arrival: String,
    /// The unit the message was counted for (key).
    pub unit_key: Option<String>,
    /// The version read (`stamped` for a stamped scan).
    pub version: Option<String>,
}

type MailRow = (
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    String,
    Option<String>,
    Option<String>,
);

impl Store {
    /// Message `id` as a decision answers it.
    pub async fn mail_ref(&self, id: i64) -> anyhow::Result<Option<MailRef>> {
        let row: Option<MailRow> = sqlx::query_as(
            "SELECT m.id, m.message_id, m.sender, m.sender_name, m.reply_to, m.subject, \
             m.arrival, u.key, v.verdict FROM messages m LEFT JOIN units u ON u.id = m.unit_id \
             LEFT JOIN verdicts v ON v.message_id = m.id WHERE m.id = ?",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .with_context(|| format!("cannot read message {id} (messages)"))?;
        row.map(|r| {
            let arrival = DateTime::parse_from_rfc3339(&r.6)
                .map_err(|e| anyhow::anyhow!("message {id}: bad arrival: {e}"))?;
            Ok(MailRef {
                id: r.0,
                email: Email {
                    message_id: r.1,
                    from: r.2,
                    from_name: r.3,
                    reply_to: r.4,
                    subject: r.5,
                    ..Email::default()
                },
                arrival,
                unit_key: r.7,
                verdict: decode_opt("verdicts", "verdict", r.8.as_deref())?,
            })
        })
        .transpose()
    }

    /// The latest message of unit `key` that was not left unanswered (a question, automatic
    /// mail): where its receipt or notice goes.
    pub async fn latest_mail_of_unit(&self, key: &str) -> anyhow::Result<Option<MailRef>> {
        let row: Option<(i64,)> = sqlx::query_as(
            "SELECT m.id FROM messages m JOIN units u ON u.id = m.unit_id \
             JOIN verdicts v ON v.message_id = m.id WHERE u.key = ? AND v.verdict <> ? \
             ORDER BY m.id DESC LIMIT 1",
        )
        .bind(key)
        .bind(code_of(Verdict::Ignored))
        .fetch_optional(&self.pool)
        .await
        .with_context(|| format!("cannot find the latest message of unit {key}"))?;
        match row {
            Some((id,)) => self.mail_ref(id).await,
            None => Ok(None),
        }
    }

    /// File `seq` of message `message`.
    pub async fn file_place(&self, message: i64, seq: i64) -> anyhow::Result<Option<FilePlace>> {
        let row: Option<(String, String, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT a.name, m.arrival, u.key, a.version FROM attachments a \
             JOIN messages m ON m.id = a.message_id LEFT JOIN units u ON u.id = m.unit_id \
             WHERE a.message_id = ? AND a.seq = ?",
        )
        .bind(message)
        .bind(seq)
        .fetch_optional(&self.pool)
        .await
        .with_context(|| format!("cannot read file {message}/{seq} (attachments)"))?;
        Ok(row.map(|(name, arrival, unit_key, version)| FilePlace {
            message,
            seq,
            name,
            arrival,
            unit_key,
            version,
        }))
    }

    /// Where attachment row `id` sits: (message, position).
    pub async fn attachment_place(&self, id: i64) -> anyhow::Result<Option<(i64, i64)>> {
        sqlx::query_as("SELECT message_id, seq FROM attachments WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .with_context(|| format!("cannot read attachment {id} (attachments)"))
    }
}
