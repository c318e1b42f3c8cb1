//! Messages the intake could not take yet: their attempts and the last reason, so a message
//! that keeps failing is put aside after a bounded number of attempts (and survives a restart
//! counted), and `status` shows what is still being retried.

use super::{Store, now};
use anyhow::Context;

/// Failed attempts after which the intake puts a message aside; `status` shows it beside each
/// message still being retried.
pub const MAX_ATTEMPTS: i64 = 5;

/// A message still waiting in the mailbox after failed attempts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// Where it waits: `imap:<uidvalidity>:<uid>` or `maildir:<name>`.
    pub source_key: String,
    /// The same for people: folder and UID, or the file name.
    pub source_name: String,
    /// Failed attempts so far.
    pub attempts: i64,
    /// Why the last one failed.
    pub last_error: String,
    /// When the first attempt failed (stored text, UTC).
    pub first_at: String,
    /// When the last attempt failed.
    pub last_at: String,
}

impl Store {
    /// Counts one more failed attempt at a waiting message; returns the attempts so far.
    pub async fn note_attempt(
        &self,
        source_key: &str,
        source_name: &str,
        error: &str,
    ) -> anyhow::Result<i64> {
        let at = now();
        let (n,): (i64,) = sqlx::query_as(
            "INSERT INTO intake_attempts (source_key, source_name, attempts, last_error, \
             first_at, last_at) VALUES (?, ?, 1, ?, ?, ?) \
             ON CONFLICT (source_key) DO UPDATE SET attempts = attempts + 1, \
             last_error = excluded.last_error, last_at = excluded.last_at RETURNING attempts",
        )
        .bind(source_key)
        .bind(source_name)
        .bind(error)
        .bind(&at)
        .bind(&at)
        .fetch_one(&self.pool)
        .await
        .with_context(|| format!("cannot count the attempt at {source_name} (intake_attempts)"))?;
        Ok(n)
    }

    /// Forgets the attempts at a message that was recorded or put aside.
    pub async fn clear_attempts(&self, source_key: &str) -> anyhow::Result<()> {
        sqlx::query("DELETE FROM intake_attempts WHERE source_key = ?")
            .bind(source_key)
            .execute(&self.pool)
            .await
            .context("cannot clear intake_attempts")?;
        Ok(())
    }

    /// Every message still being retried, oldest first.
    pub async fn intake_attempts(&self) -> anyhow::Result<Vec<Attempt>> {
        let rows: Vec<(String, String, i64, String, String, String)> = sqlx::query_as(
            "SELECT source_key, source_name, attempts, last_error, first_at, last_at \
             FROM intake_attempts ORDER BY first_at",
        )
        .fetch_all(&self.pool)
        .await
        .context("cannot read intake_attempts")?;
        Ok(rows
            .into_iter()
            .map(
                |(source_key, source_name, attempts, last_error, first_at, last_at)| Attempt {
                    source_key,
                    source_name,
                    attempts,
                    last_error,
                    first_at,
                    last_at,
                },
            )
            .collect())
    }
}
