//! Opening the record without writing to it: the division's views and `shenbao backup` run
//! beside the daemon, possibly as a member of the service's group who may read the data
//! directory but not write to it. Such a process cannot take the schema lock (a file it would
//! create), run migrations or switch the file to WAL, so it does none of these.
//!
//! A reader of a WAL database needs its `-wal` and `-shm` files, and creates them when they
//! are absent; one without write access cannot. While the daemon runs they exist (created with
//! the database file's mode and owner, group-readable under the service's `UMask=0027`). So
//! that the division's views also work while the service is stopped, the last writer to close
//! the record switches it back to a rollback journal ([`leave_wal`]), which a reader opens
//! with a shared lock on the database file alone; the next writer switches it to WAL again.

use super::{Store, migrate};
use anyhow::Context;
use sqlx::ConnectOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use std::path::Path;
use std::time::Duration;

impl Store {
    /// Opens the record of `data_dir` for reading only. Refuses a missing record (saying where
    /// it looked) and a record whose schema is older than this program, which only the daemon
    /// (or another writing command) brings up to date.
    pub async fn open_read_only(data_dir: &Path) -> anyhow::Result<Store> {
        super::require_record(data_dir)?;
        let db = data_dir.join("shenbao.db");
        let options = SqliteConnectOptions::new()
            .filename(&db)
            .read_only(true)
            .create_if_missing(false)
            // The daemon's transactions are short; a reader waits for a checkpoint at most.
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .with_context(|| format!("无法读取申报记录 {}", db.display()))?;
        let store = Store {
            pool,
            data_dir: data_dir.to_path_buf(),
            writable: false,
        };
        if let Err(e) = store.schema_current().await {
            store.close().await;
            return Err(e);
        }
        Ok(store)
    }

    /// Fails when the record's schema is behind the migrations this program carries: the
    /// queries would name columns that are not there yet.
    async fn schema_current(&self) -> anyhow::Result<()> {
        let latest = migrate::latest();
        let (applied,): (Option<i64>,) =
            sqlx::query_as("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
                .fetch_one(&self.pool)
                .await
                .with_context(|| {
                    format!("无法读取 {} 中申报记录的格式版本", self.data_dir.display())
                })?;
        let applied = applied.unwrap_or(0);
        if applied < latest {
            anyhow::bail!(
                "{} 中的申报记录格式较旧（版本 {applied}，本程序为 {latest}）：请先启动服务（或运行 shenbao run --once）升级记录，再运行本命令",
                self.data_dir.display()
            );
        }
        Ok(())
    }
}

/// Switches the record of `data_dir` to a rollback journal when no other connection has it
/// open; when one does (the daemon still runs, a reader is reading) SQLite refuses and the
/// record stays in WAL mode with its files, which readers can use. The short wait covers this
/// process's own pool, whose connections sqlx closes on their worker threads just after
/// `close` returns.
pub(super) async fn leave_wal(data_dir: &Path) {
    let options = SqliteConnectOptions::new()
        .filename(data_dir.join("shenbao.db"))
        .create_if_missing(false)
        .busy_timeout(Duration::from_millis(500))
        .journal_mode(SqliteJournalMode::Delete);
    match options.connect().await {
        Ok(conn) => {
            let _ = sqlx::Connection::close(conn).await;
        }
        Err(e) => tracing::debug!("the record stays in WAL mode: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(tag: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("shenbao-ro-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    #[tokio::test]
    async fn reads_a_record_and_writes_nothing() {
        let d = dir("reads");
        let s = Store::open(&d).await.unwrap();
        s.set_daemon_fact("last_contact", Some("x")).await.unwrap();
        s.close().await;
        let r = Store::open_read_only(&d).await.unwrap();
        assert_eq!(
            r.daemon_fact("last_contact").await.unwrap().as_deref(),
            Some("x")
        );
        let e = r.set_daemon_fact("last_contact", None).await.unwrap_err();
        assert!(format!("{e:#}").contains("readonly"), "{e:#}");
        r.close().await;
        // No lock file was made: a reader that may not write could not have made one.
        std::fs::remove_file(d.join("shenbao.schema.lock")).unwrap();
        let r = Store::open_read_only(&d).await.unwrap();
        r.close().await;
        assert!(!d.join("shenbao.schema.lock").exists());
        let _ = std::fs::remove_dir_all(&d);
    }

    #[tokio::test]
    async fn the_last_writer_leaves_wal_one_beside_another_does_not() {
        let d = dir("leave");
        let daemon = Store::open(&d).await.unwrap();
        let command = Store::open(&d).await.unwrap();
        command.close().await;
        assert!(d.join("shenbao.db-wal").exists());
        daemon.close().await;
        assert!(!d.join("shenbao.db-wal").exists());
        let r = Store::open_read_only(&d).await.unwrap();
        let (mode,): (String,) = sqlx::query_as("PRAGMA journal_mode")
            .fetch_one(&r.pool)
            .await
            .unwrap();
        assert_eq!(mode, "delete");
        r.close().await;
        // The next writer is in WAL mode again.
        let w = Store::open(&d).await.unwrap();
        let (mode,): (String,) = sqlx::query_as("PRAGMA journal_mode")
            .fetch_one(&w.pool)
            .await
            .unwrap();
        assert_eq!(mode, "wal");
        w.close().await;
        let _ = std::fs::remove_dir_all(&d);
    }

    #[tokio::test]
    async fn refuses_a_missing_or_older_record() {
        let d = dir("older");
        let e = Store::open_read_only(&d).await.err().unwrap();
        assert!(e.to_string().contains("没有找到申报记录"), "{e}");
        assert!(!d.exists());
        std::fs::create_dir_all(&d).unwrap();
        let options = SqliteConnectOptions::new()
            .filename(d.join("shenbao.db"))
            .create_if_missing(true);
        let pool = SqlitePoolOptions::new()
            .connect_with(options)
            .await
            .unwrap();
        migrate::migrator_before(migrate::latest())
            .await
            .unwrap()
            .run(&pool)
            .await
            .unwrap();
        pool.close().await;
        let e = Store::open_read_only(&d).await.err().unwrap();
        assert!(e.to_string().contains("格式较旧"), "{e}");
        let _ = std::fs::remove_dir_all(&d);
    }
}
