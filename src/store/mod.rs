//! The record (SQLite through sqlx): every message, attachment, unit, material, form, problem,
//! verdict and reply, and the content-addressed archive of raw messages and attachments beside
//! the database in the data directory.

mod accounts;
pub mod archive;
mod bounce;
mod codes;
mod decisions;
mod digests;
pub mod fault;
pub mod intake;
mod judge_state;
mod judgement;
mod lock;
mod materials;
mod migrate;
mod outbox;
mod queue;
pub mod read;
mod read_only;
mod rebuild;
mod record;
mod reminders;
mod sessions;
mod snapshot;
mod states;
#[cfg(test)]
mod tests;

pub use accounts::{Account, Role};
/// A serde unit variant's stored code, for logs and gauges.
pub(crate) use codes::code;
pub use decisions::{Applied, DecisionMail, DecisionRow, NewDecision, OutboxAction};
pub use digests::LastDigest;
pub use intake::Attempt;
pub use judge_state::StoredJudge;
pub use lock::DataLock;
pub use materials::{SUMMARY_STAMPED, SUMMARY_WORD, project_slot, slots};
pub use outbox::Queued;
pub use queue::{Composed, Composer, QueuedReply};
pub use rebuild::{Archived, Rebuild};
pub use record::{Incoming, Recorded, SourceRef};
pub use sessions::SessionRow;
pub use snapshot::Snapshot;
pub use states::{DecisionKind, DecisionState, MailKind, MessageState, OutboxState, SourceKind};

use crate::history::HistoryProject;
use crate::verdict::Verdict;
use anyhow::Context;
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
    /// Opened to write (not [`Store::open_read_only`]): only a writer can take the record out
    /// of WAL mode when it closes.
    writable: bool,
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
    pub verdict: Verdict,
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

/// Refuses a data directory without a record, saying where it looked: a command that only
/// reads must not show an empty campaign because of a wrong path.
fn require_record(data_dir: &Path) -> anyhow::Result<()> {
    let db = data_dir.join("shenbao.db");
    if !db.is_file() {
        let shown = std::path::absolute(&db).unwrap_or(db);
        anyhow::bail!(
            "在 {} 没有找到申报记录：请检查 --config 指定的配置文件及其中的 [storage] data_dir（相对路径从配置文件所在目录算起），或先运行 shenbao run",
            shown.display()
        );
    }
    Ok(())
}

impl Store {
    /// Opens (creating) the store in `data_dir` and brings the schema up to date.
    pub async fn open(data_dir: &Path) -> anyhow::Result<Store> {
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("cannot create data directory {}", data_dir.display()))?;
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
                .await
                .with_context(|| format!("cannot open the record in {}", data_dir.display()))?;
            migrate::migrator()
                .await?
                .run(&pool)
                .await
                .context("cannot bring the record's schema up to date")?;
            pool
        };
        Ok(Store {
            pool,
            data_dir: data_dir.to_path_buf(),
            writable: true,
        })
    }

    /// Opens the store in `data_dir` only when a record is there: the division's commands
    /// read an existing record, and an empty one made by a wrong path or working directory
    /// would show an empty campaign as if nobody had submitted.
    pub async fn open_existing(data_dir: &Path) -> anyhow::Result<Store> {
        require_record(data_dir)?;
        Store::open(data_dir).await
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The connection pool: every query lives in this module.
    #[cfg(test)]
    pub(in crate::store) fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Closes the connections (checkpointing the WAL); a writer that was the record's last
    /// user leaves it in rollback-journal mode, which readers without write access can open
    /// (see [`read_only::leave_wal`]).
    pub async fn close(&self) {
        self.pool.close().await;
        if self.writable {
            read_only::leave_wal(&self.data_dir).await;
        }
    }

    /// Whether a message with these bytes has been recorded already.
    pub async fn seen(&self, sha256: &str) -> anyhow::Result<bool> {
        let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM messages WHERE sha256 = ?")
            .bind(sha256)
            .fetch_optional(&self.pool)
            .await
            .context("cannot look up messages by sha256")?;
        Ok(row.is_some())
    }

    /// Judged messages in processing order, to rebuild the judge's state at start-up.
    pub async fn judged(&self) -> anyhow::Result<Vec<Judged>> {
        let rows: Vec<(i64, String, String, String, Option<String>)> = sqlx::query_as(
            "SELECT m.id, m.raw_path, m.arrival, v.verdict, v.receipt FROM messages m \
             JOIN verdicts v ON v.message_id = m.id \
             WHERE m.state = ? AND m.raw_path IS NOT NULL ORDER BY m.id",
        )
        .bind(codes::code_of(MessageState::Judged))
        .fetch_all(&self.pool)
        .await
        .context("cannot read the judged messages (messages, verdicts)")?;
        rows.into_iter()
            .map(|(id, raw_path, arrival, verdict, receipt)| {
                let arrival = DateTime::parse_from_rfc3339(&arrival)
                    .map_err(|e| anyhow::anyhow!("message {id}: bad arrival {arrival}: {e}"))?;
                Ok(Judged {
                    id,
                    raw_path,
                    arrival,
                    verdict: codes::decode("verdicts", "verdict", &verdict)?,
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
            .await
            .with_context(|| format!("cannot read {key} (daemon_state)"))?;
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
        .await
        .with_context(|| format!("cannot write {key} (daemon_state)"))?;
        Ok(())
    }

    /// Receipt numbers issued so far (unit key, number), to seed the judge.
    pub async fn issued_receipts(&self) -> anyhow::Result<Vec<(String, String)>> {
        sqlx::query_as("SELECT unit_key, receipt FROM receipts ORDER BY receipt")
            .fetch_all(&self.pool)
            .await
            .context("cannot read receipts")
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
             AND state <> ?",
        )
        .bind(recipient)
        .bind(stamp(since))
        .bind(codes::code_of(OutboxState::Held))
        .fetch_one(&self.pool)
        .await
        .with_context(|| format!("cannot count the replies to {recipient} (outbox)"))?;
        Ok(n)
    }

    /// Past years' projects, for the duplicate check.
    pub async fn history(&self) -> anyhow::Result<Vec<HistoryProject>> {
        let rows: Vec<(String, String, String, String, String)> = sqlx::query_as(
            "SELECT year, enterprise_name, credit_code, project_name, description \
             FROM history_projects ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await
        .context("cannot read history_projects")?;
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
        let mut tx = self
            .pool
            .begin()
            .await
            .context("cannot begin a transaction")?;
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
            .await
            .with_context(|| format!("cannot import {} (history_projects)", p.project_name))?
            .rows_affected();
        }
        tx.commit()
            .await
            .with_context(|| format!("cannot import the history from {source}"))?;
        Ok(added)
    }
}
