//! The division's daily digest: queued in the outbox like a reminder, and remembered per day
//! so that each day has at most one, whatever restarts in between.

use super::queue::{Composer, QueuedReply, queue_reply};
use super::states::MailKind;
use super::{Store, now};
use anyhow::Context;

/// The latest digest sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastDigest {
    /// Its day (YYYY-MM-DD, the campaign's time zone): no second digest that day.
    pub day: String,
    /// The last message it counted: the next digest lists the ones after it.
    pub through_message: i64,
    /// When it was queued (stored UTC time): "since" in the next digest.
    pub created_at: String,
}

impl Store {
    /// The latest digest, if any was sent.
    pub async fn last_digest(&self) -> anyhow::Result<Option<LastDigest>> {
        let row: Option<(String, i64, String)> = sqlx::query_as(
            "SELECT day, through_message, created_at FROM digests ORDER BY day DESC LIMIT 1",
        )
        .fetch_optional(&self.pool)
        .await
        .context("cannot read the latest digest (digests)")?;
        Ok(row.map(|(day, through_message, created_at)| LastDigest {
            day,
            through_message,
            created_at,
        }))
    }

    /// Queues the digest of `day` to each recipient (each address once) with the record of
    /// that day, in one transaction; returns the outbox rows, none when `day` had its digest
    /// already (another process got there first).
    pub async fn queue_digest(
        &self,
        day: &str,
        through_message: i64,
        recipients: &[String],
        composer: &(dyn Fn(&str, i64) -> Option<super::Composed> + Sync),
    ) -> anyhow::Result<Vec<i64>> {
        let mut tx = self
            .pool
            .begin()
            .await
            .context("cannot begin a transaction")?;
        let recorded = sqlx::query(
            "INSERT OR IGNORE INTO digests (day, through_message, outbox_ids, created_at) \
             VALUES (?, ?, '[]', ?)",
        )
        .bind(day)
        .bind(through_message)
        .bind(now())
        .execute(&mut *tx)
        .await
        .with_context(|| format!("cannot record the digest of {day} (digests)"))?;
        if recorded.rows_affected() == 0 {
            return Ok(Vec::new());
        }
        let outcome = serde_json::json!({ "digest": day }).to_string();
        let mut seen: Vec<String> = Vec::with_capacity(recipients.len());
        let mut rows = Vec::with_capacity(recipients.len());
        for to in recipients {
            let to = to.trim();
            let key = to.to_lowercase();
            if key.is_empty() || seen.contains(&key) {
                continue;
            }
            seen.push(key);
            let reply = QueuedReply {
                recipient: to.to_string(),
                kind: MailKind::Digest,
                held: None,
            };
            let compose = |row: i64| composer(to, row);
            rows.push(
                queue_reply(&mut tx, None, &reply, &compose as Composer<'_>, &outcome).await?,
            );
        }
        let ids = serde_json::to_string(&rows).context("cannot serialise the digest's rows")?;
        sqlx::query("UPDATE digests SET outbox_ids = ? WHERE day = ?")
            .bind(ids)
            .bind(day)
            .execute(&mut *tx)
            .await
            .with_context(|| format!("cannot link the digest of {day} (digests)"))?;
        tx.commit()
            .await
            .with_context(|| format!("cannot record the digest of {day}"))?;
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Composed;

    #[tokio::test]
    async fn one_digest_a_day_each_address_once() {
        let d = std::env::temp_dir().join(format!("shenbao-digests-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        let s = Store::open(&d).await.unwrap();
        assert_eq!(s.last_digest().await.unwrap(), None);
        let composer = |to: &str, row: i64| {
            Some(Composed {
                subject: format!("每日汇总 {row}"),
                message_id: format!("m{row}"),
                raw: to.as_bytes().to_vec(),
            })
        };
        let to = vec![
            "a@x.cn".to_string(),
            "A@x.cn ".to_string(),
            "b@x.cn".to_string(),
        ];
        let rows = s
            .queue_digest("2023-04-20", 7, &to, &composer)
            .await
            .unwrap();
        assert_eq!(rows.len(), 2);
        assert!(
            s.queue_digest("2023-04-20", 9, &to, &composer)
                .await
                .unwrap()
                .is_empty()
        );
        let last = s.last_digest().await.unwrap().unwrap();
        assert_eq!((last.day.as_str(), last.through_message), ("2023-04-20", 7));
        let queued = s.queued().await.unwrap();
        assert_eq!(queued.len(), 2);
        assert!(queued.iter().all(|q| q.kind == MailKind::Digest));
        s.queue_digest("2023-04-21", 9, &to, &composer)
            .await
            .unwrap();
        assert_eq!(s.last_digest().await.unwrap().unwrap().day, "2023-04-21");
        s.close().await;
        let _ = std::fs::remove_dir_all(&d);
    }
}
