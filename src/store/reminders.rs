//! Reminders (`shenbao remind`): queued in the outbox like replies, but answering no message,
//! and remembered per unit, day and address so that a unit hears at most once a day.

use super::queue::{Composer, QueuedReply, queue_reply};
use super::states::MailKind;
use super::{Store, now};
use anyhow::Context;

impl Store {
    /// Whether `unit_key` was reminded on `day` (YYYY-MM-DD in the campaign's time zone).
    pub async fn reminded(&self, unit_key: &str, day: &str) -> anyhow::Result<bool> {
        let row: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM reminders WHERE unit_key = ? AND day = ? LIMIT 1")
                .bind(unit_key)
                .bind(day)
                .fetch_optional(&self.pool)
                .await
                .with_context(|| format!("cannot read the reminders of {unit_key}"))?;
        Ok(row.is_some())
    }

    /// Queues one reminder per address of a unit (each address once, however it is spelled),
    /// with the record that it was sent today, in one transaction; returns the outbox rows.
    /// The record is written first and an address already reminded today is skipped, so two
    /// `remind` runs at once send nothing twice and neither fails.
    pub async fn queue_reminders(
        &self,
        (unit_key, unit_name): (&str, &str),
        day: &str,
        recipients: &[String],
        missing: &[String],
        composer: &(dyn Fn(&str, i64) -> Option<super::Composed> + Sync),
    ) -> anyhow::Result<Vec<i64>> {
        let mut tx = self
            .pool
            .begin()
            .await
            .context("cannot begin a transaction")?;
        let missing_json = serde_json::to_string(missing).context("cannot serialise reminders")?;
        let outcome = serde_json::json!({ "unit": unit_name, "missing": missing }).to_string();
        let mut seen: Vec<String> = Vec::with_capacity(recipients.len());
        let mut rows = Vec::with_capacity(recipients.len());
        for to in recipients {
            let key = to.trim().to_lowercase();
            if key.is_empty() || seen.contains(&key) {
                continue;
            }
            seen.push(key.clone());
            let recorded = sqlx::query(
                "INSERT OR IGNORE INTO reminders (unit_key, unit_name, day, recipient, missing, \
                 created_at) VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(unit_key)
            .bind(unit_name)
            .bind(day)
            .bind(&key)
            .bind(&missing_json)
            .bind(now())
            .execute(&mut *tx)
            .await
            .with_context(|| format!("cannot record the reminder to {key} (reminders)"))?;
            if recorded.rows_affected() == 0 {
                continue;
            }
            let reply = QueuedReply {
                recipient: to.trim().to_string(),
                kind: MailKind::Reminder,
                held: None,
            };
            let compose = |row: i64| composer(to.trim(), row);
            let id = queue_reply(&mut tx, None, &reply, &compose as Composer<'_>, &outcome).await?;
            sqlx::query(
                "UPDATE reminders SET outbox_id = ? WHERE unit_key = ? AND day = ? AND recipient = ?",
            )
            .bind(id)
            .bind(unit_key)
            .bind(day)
            .bind(&key)
            .execute(&mut *tx)
            .await
            .with_context(|| format!("cannot link reminder {id} (reminders)"))?;
            rows.push(id);
        }
        tx.commit()
            .await
            .with_context(|| format!("cannot record the reminders of {unit_key}"))?;
        Ok(rows)
    }
}
