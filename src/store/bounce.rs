//! Outbox states set after queuing: `failed` (the server refused for good), `undelivered`
//! (a delivery report came back) and `held` (the sender check failed: not sent, kept for the
//! division to release or drop).

use super::codes::code_of;
use super::states::OutboxState;
use super::{Store, stamp};
use anyhow::Context;
use chrono::{Duration, Utc};

/// How far back a report naming only a recipient is matched to a sent reply.
const RECIPIENT_WINDOW_DAYS: i64 = 7;

impl Store {
    /// Marks a reply failed with the server's reason; it is not retried.
    pub async fn mark_failed(&self, id: i64, reason: &str) -> anyhow::Result<()> {
        sqlx::query(
            "UPDATE outbox SET state = ?, attempts = attempts + 1, last_error = ? WHERE id = ?",
        )
        .bind(code_of(OutboxState::Failed))
        .bind(reason)
        .bind(id)
        .execute(&self.pool)
        .await
        .with_context(|| format!("cannot mark reply {id} failed (outbox)"))?;
        Ok(())
    }

    /// Holds a queued reply (not sent) with the reason, for the division.
    pub async fn hold(&self, id: i64, reason: &str) -> anyhow::Result<()> {
        sqlx::query("UPDATE outbox SET state = ?, last_error = ? WHERE id = ? AND state = ?")
            .bind(code_of(OutboxState::Held))
            .bind(reason)
            .bind(id)
            .bind(code_of(OutboxState::Queued))
            .execute(&self.pool)
            .await
            .with_context(|| format!("cannot hold reply {id} (outbox)"))?;
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
                "UPDATE outbox SET state = ?, last_error = ? \
                 WHERE reply_message_id = ? AND state = ?",
            )
            .bind(code_of(OutboxState::Undelivered))
            .bind(&reason)
            .bind(id)
            .bind(code_of(OutboxState::Sent))
            .execute(&self.pool)
            .await
            .with_context(|| format!("cannot mark the reply {id} undelivered (outbox)"))?
            .rows_affected();
        }
        if changed > 0 {
            return Ok(changed);
        }
        let since = stamp(Utc::now() - Duration::days(RECIPIENT_WINDOW_DAYS));
        for r in recipients {
            changed += sqlx::query(
                "UPDATE outbox SET state = ?1, last_error = ?2 WHERE id = \
                 (SELECT id FROM outbox WHERE recipient = ?3 COLLATE NOCASE AND state = ?4 \
                  AND sent_at >= ?5 ORDER BY sent_at DESC, id DESC LIMIT 1)",
            )
            .bind(code_of(OutboxState::Undelivered))
            .bind(&reason)
            .bind(r)
            .bind(code_of(OutboxState::Sent))
            .bind(&since)
            .execute(&self.pool)
            .await
            .with_context(|| format!("cannot mark the latest reply to {r} undelivered (outbox)"))?
            .rows_affected();
        }
        Ok(changed)
    }

    /// Applies a delivery report, if `raw` is one about our replies. Returns the rows changed.
    pub async fn apply_bounce(&self, raw: &[u8]) -> anyhow::Result<u64> {
        let Some(b) = crate::message::bounce::parse(raw) else {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn block<F: Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(f)
    }

    /// A store holding one message and, per recipient, a sent reply (ids 1, 2, …).
    async fn store_with(tag: &str, recipients: &[&str]) -> Store {
        let d = std::env::temp_dir().join(format!("shenbao-bounce-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        let store = Store::open(&d).await.unwrap();
        sqlx::query(
            "INSERT INTO messages (id, arrival, size, source, state, recorded_at) \
             VALUES (1, '2023-04-20T01:00:00Z', 1, 'maildir', 'judged', '2023-04-20T01:00:00Z')",
        )
        .execute(store.pool())
        .await
        .unwrap();
        for (i, r) in recipients.iter().enumerate() {
            sqlx::query(
                "INSERT INTO outbox (message_id, recipient, kind, state, outcome, created_at, \
                 reply_message_id, sent_at) VALUES (1, ?, 'notice', 'sent', '{}', ?, ?, ?)",
            )
            .bind(r)
            .bind(crate::store::now())
            .bind(format!("shenbao-reply-{}@tj.gov.cn", i + 1))
            .bind(crate::store::now())
            .execute(store.pool())
            .await
            .unwrap();
        }
        store
    }

    async fn states(store: &Store) -> Vec<(String, Option<String>)> {
        sqlx::query_as("SELECT state, last_error FROM outbox ORDER BY id")
            .fetch_all(store.pool())
            .await
            .unwrap()
    }

    #[test]
    fn message_id_first_then_the_latest_reply_to_the_recipient() {
        block(async {
            let s = store_with("ids", &["a@x.test", "b@x.test", "B@x.test"]).await;
            let ids = ["shenbao-reply-1@tj.gov.cn".to_string()];
            let others = ["b@x.test".to_string()];
            // Named by Message-ID: only that row, the recipient list is not needed.
            assert_eq!(s.mark_undelivered(&ids, &others, "550").await.unwrap(), 1);
            // Named by recipient only: the latest reply to it.
            assert_eq!(s.mark_undelivered(&[], &others, "552").await.unwrap(), 1);
            let got = states(&s).await;
            assert_eq!(got[0], ("undelivered".into(), Some("退信：550".into())));
            assert_eq!(got[1].0, "sent");
            assert_eq!(got[2], ("undelivered".into(), Some("退信：552".into())));
            // Unknown ids and recipients change nothing.
            let none = ["shenbao-reply-99@tj.gov.cn".to_string()];
            assert_eq!(s.mark_undelivered(&none, &[], "x").await.unwrap(), 0);
            s.hold(2, "dmarc=fail").await.unwrap();
            assert_eq!(
                states(&s).await[1].0,
                "sent",
                "only queued replies are held"
            );
            s.mark_failed(2, "550 no such user").await.unwrap();
            assert_eq!(states(&s).await[1].0, "failed");
            s.close().await;
        });
    }
}
