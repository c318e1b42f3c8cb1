//! The record (SQLite through sqlx): every message, attachment, unit, material, form, problem,
//! verdict and reply, and the content-addressed archive of raw messages and attachments beside
//! the database in the data directory.

pub mod archive;
mod bounce;
pub mod fault;
mod intake;
mod judge_state;
mod judgement;
mod lock;
mod materials;
mod migrate;
mod outbox;
mod rebuild;
mod record;
mod reminders;
#[cfg(test)]
mod tests;

pub use intake::Attempt;
pub use judge_state::StoredJudge;
pub use lock::DataLock;
pub use materials::{SUMMARY_STAMPED, SUMMARY_WORD, project_slot};
pub use outbox::Queued;
pub use rebuild::{Archived, Rebuild};
pub(crate) use record::label;
pub use record::{Composed, Composer, Incoming, Recorded, Reply, SourceRef};

use crate::history::HistoryProject;
use chrono::{DateTime, FixedOffset, SecondsFormat, Utc};
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The database and the archive of one data directory.
#[derive(Debug, Clone)]
pub struct Store {
    /// Connections to `data_dir/shenbao.db`.
    pool: SqlitePool,
    /// Root of the database, the archive and the outbox folder.
    data_dir: PathBuf,
}

/// A message recorded as judged, for replaying the judge at start-up.
#[derive(Debug, Clone)]
pub struct Judged {
    /// Row id; replay follows it (the order of processing).
    pub id: i64,
    /// Archived raw message, relative to the data directory.
    pub raw_path: String,
    /// Arrival time recorded for it.
    pub arrival: DateTime<FixedOffset>,
    /// The verdict recorded, to detect a replay that diverges.
    pub verdict: String,
    /// The receipt recorded, same purpose.
    pub receipt: Option<String>,
}

/// Now as stored: RFC 3339 in UTC with a fixed number of digits, so text order is time order.
pub(crate) fn now() -> String {
    stamp(Utc::now())
}

/// A UTC time as stored.
fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

impl Store {
    /// Opens (creating) the store in `data_dir` and brings the schema up to date.
    pub async fn open(data_dir: &Path) -> anyhow::Result<Store> {
        std::fs::create_dir_all(data_dir).map_err(|e| {
            anyhow::anyhow!("cannot create data directory {}: {e}", data_dir.display())
        })?;
        let options = SqliteConnectOptions::new()
            .filename(data_dir.join("shenbao.db"))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // WAL with NORMAL loses no committed transaction on a process crash; the raw
            // message is fsynced before the transaction, so a power cut can be replayed.
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        // The first connection may switch a new file to WAL, which SQLite answers with "database
        // is locked" (no busy wait) while another process does the same; so connecting and
        // migrating happen under the schema lock.
        let pool = {
            let _schema = lock::SchemaLock::acquire(data_dir).await?;
            let pool = SqlitePoolOptions::new()
                .max_connections(4)
                .connect_with(options)
                .await?;
            migrate::migrator().await?.run(&pool).await?;
            pool
        };
        Ok(Store {
            pool,
            data_dir: data_dir.to_path_buf(),
        })
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The connection pool, for queries not wrapped here (tests, status views).
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Closes the connections (checkpointing the WAL).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Whether a message with these bytes has been recorded already.
    pub async fn seen(&self, sha256: &str) -> anyhow::Result<bool> {
        let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM messages WHERE sha256 = ?")
            .bind(sha256)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.is_some())
    }

    /// Judged messages in processing order, to rebuild the judge's state at start-up.
    pub async fn judged(&self) -> anyhow::Result<Vec<Judged>> {
        let rows: Vec<(i64, String, String, String, Option<String>)> = sqlx::query_as(
            "SELECT m.id, m.raw_path, m.arrival, v.verdict, v.receipt FROM messages m \
             JOIN verdicts v ON v.message_id = m.id \
             WHERE m.state = 'judged' AND m.raw_path IS NOT NULL ORDER BY m.id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, raw_path, arrival, verdict, receipt)| {
                let arrival = DateTime::parse_from_rfc3339(&arrival)
                    .map_err(|e| anyhow::anyhow!("message {id}: bad arrival {arrival}: {e}"))?;
                Ok(Judged {
                    id,
                    raw_path,
                    arrival,
                    verdict,
                    receipt,
                })
            })
            .collect()
    }

    /// A fact the daemon left for other processes (`last_contact`, …), when set.
    pub async fn daemon_fact(&self, key: &str) -> anyhow::Result<Option<String>> {
        let row: Option<(String,)> = sqlx::query_as("SELECT value FROM daemon_state WHERE key = ?")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|(v,)| v))
    }

    /// Sets a fact for other processes; `now` when `value` is None.
    pub async fn set_daemon_fact(&self, key: &str, value: Option<&str>) -> anyhow::Result<()> {
        let at = now();
        sqlx::query(
            "INSERT INTO daemon_state (key, value, updated_at) VALUES (?, ?, ?) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        )
        .bind(key)
        .bind(value.unwrap_or(&at))
        .bind(&at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Receipt numbers issued so far (unit key, number), to seed the judge.
    pub async fn issued_receipts(&self) -> anyhow::Result<Vec<(String, String)>> {
        Ok(
            sqlx::query_as("SELECT unit_key, receipt FROM receipts ORDER BY receipt")
                .fetch_all(&self.pool)
                .await?,
        )
    }

    /// Replies queued or sent to `recipient` since `since`, for the per-sender daily cap.
    pub async fn replies_since(
        &self,
        recipient: &str,
        since: DateTime<Utc>,
    ) -> anyhow::Result<i64> {
        let (n,): (i64,) = sqlx::query_as(
            // Held replies (failed sender check) never left: a forger must not use up the
            // real sender's cap.
            "SELECT COUNT(*) FROM outbox WHERE recipient = ? COLLATE NOCASE AND created_at >= ? \
             AND state <> 'held'",
        )
        .bind(recipient)
        .bind(stamp(since))
        .fetch_one(&self.pool)
        .await?;
        Ok(n)
    }

    /// Past years' projects, for the duplicate check.
    pub async fn history(&self) -> anyhow::Result<Vec<HistoryProject>> {
        let rows: Vec<(String, String, String, String, String)> = sqlx::query_as(
            "SELECT year, enterprise_name, credit_code, project_name, description \
             FROM history_projects ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(year, enterprise_name, credit_code, project_name, description)| HistoryProject {
                    year,
                    enterprise_name,
                    credit_code,
                    project_name,
                    description,
                },
            )
            .collect())
    }

    /// Adds past projects read from `source`; ones already there are skipped. Returns how
    /// many were new.
    pub async fn import_history(
        &self,
        projects: &[HistoryProject],
        source: &str,
    ) -> anyhow::Result<u64> {
        let mut tx = self.pool.begin().await?;
        let at = now();
        let mut added = 0;
        for p in projects {
            added += sqlx::query(
                "INSERT OR IGNORE INTO history_projects (year, enterprise_name, credit_code, \
                 project_name, description, source_file, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(&p.year)
            .bind(&p.enterprise_name)
            .bind(&p.credit_code)
            .bind(&p.project_name)
            .bind(&p.description)
            .bind(source)
            .bind(&at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        tx.commit().await?;
        Ok(added)
    }
}
