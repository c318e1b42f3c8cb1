//! Outbox states set after queuing: `failed` (the server refused for good), `undelivered`
//! (a delivery report came back) and `held` (the sender check failed: not sent, kept for the
//! division to release or drop).

use super::{Store, stamp};
use chrono::{Duration, Utc};

/// How far back a report naming only a recipient is matched to a sent reply.
const RECIPIENT_WINDOW_DAYS: i64 = 7;

impl Store {
    /// Marks a reply failed with the server's reason; it is not retried.
    pub async fn mark_failed(&self, id: i64, reason: &str) -> anyhow::Result<()> {
        sqlx::query(
            "UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = ? \
             WHERE id = ?",
        )
        .bind(reason)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Holds a queued reply (not sent) with the reason, for the division.
    pub async fn hold(&self, id: i64, reason: &str) -> anyhow::Result<()> {
        sqlx::query(
            "UPDATE outbox SET state = 'held', last_error = ? WHERE id = ? AND state = 'queued'",
        )
        .bind(reason)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Marks undelivered the sent replies a delivery report names: by our Message-ID, else the
    /// latest reply sent to each failed recipient in the last days. Returns the rows changed.
    pub async fn mark_undelivered(
        &self,
        message_ids: &[String],
        recipients: &[String],
        reason: &str,
    ) -> anyhow::Result<u64> {
        let reason = format!("退信：{reason}");
        let mut changed = 0;
        for id in message_ids {
            changed += sqlx::query(
                "UPDATE outbox SET state = 'undelivered', last_error = ? \
                 WHERE reply_message_id = ? AND state = 'sent'",
            )
            .bind(&reason)
            .bind(id)
            .execute(self.pool())
            .await?
            .rows_affected();
        }
        if changed > 0 {
            return Ok(changed);
        }
        let since = stamp(Utc::now() - Duration::days(RECIPIENT_WINDOW_DAYS));
        for r in recipients {
            changed += sqlx::query(
                "UPDATE outbox SET state = 'undelivered', last_error = ? WHERE id = \
                 (SELECT id FROM outbox WHERE recipient = ? COLLATE NOCASE AND state = 'sent' \
                  AND sent_at >= ? ORDER BY sent_at DESC, id DESC LIMIT 1)",
            )
            .bind(&reason)
            .bind(r)
            .bind(&since)
            .execute(self.pool())
            .await?
            .rows_affected();
        }
        Ok(changed)
    }

    /// Applies a delivery report, if `raw` is one about our replies. Returns the rows changed.
    pub async fn apply_bounce(&self, raw: &[u8]) -> anyhow::Result<u64> {
        let Some(b) = crate::notify::bounce::parse(raw) else {
            return Ok(0);
        };
        let n = self
            .mark_undelivered(&b.message_ids, &b.recipients, &b.reason)
            .await?;
        if n > 0 {
            tracing::warn!(replies = n, reason = %b.reason, "reply bounced: marked undelivered");
        }
        Ok(n)
    }
}
