//! A consistent copy of the database while the daemon runs (`shenbao backup`): SQLite's
//! `VACUUM INTO` writes one read transaction's view into a new file, taking no lock a writer
//! would wait for and needing no write access to the data directory. What the copy's rows
//! point to in the archive is read from the copy itself, so the files a backup takes are
//! exactly those its database names, however far the daemon has moved on meanwhile.

use super::Store;
use anyhow::Context;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use std::path::Path;

/// What a snapshot holds, read back from the copy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// Messages recorded (judged or failed): the manifest's headline count.
    pub messages: i64,
    /// Units known to the record, to compare a restore at a glance.
    pub units: i64,
    /// Outbox rows (replies, notices, reminders) of every state.
    pub replies: i64,
    /// Archived files the rows point to, each once: (path relative to the data directory,
    /// sha256 recorded for its bytes), raw messages first. The backup copies these and checks
    /// each against its hash.
    pub files: Vec<(String, String)>,
}

impl Store {
    /// Writes a consistent copy of the database to `dest` (which must not exist) and reads
    /// what it holds from the copy.
    pub async fn snapshot(&self, dest: &Path) -> anyhow::Result<Snapshot> {
        let target = dest
            .to_str()
            .with_context(|| format!("备份路径 {} 含有无法识别的字符", dest.display()))?;
        sqlx::query("VACUUM INTO ?")
            .bind(target)
            .execute(&self.pool)
            .await
            .with_context(|| format!("无法将数据库复制到 {}", dest.display()))?;
        read(dest).await
    }
}

/// Reads the counts and the archived files of the copy at `db`.
async fn read(db: &Path) -> anyhow::Result<Snapshot> {
    let options = SqliteConnectOptions::new()
        .filename(db)
        .read_only(true)
        .create_if_missing(false);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .with_context(|| format!("无法打开数据库副本 {}", db.display()))?;
    let out = counts_and_files(&pool).await;
    pool.close().await;
    out.with_context(|| format!("无法读取数据库副本 {}", db.display()))
}

async fn counts_and_files(pool: &sqlx::SqlitePool) -> anyhow::Result<Snapshot> {
    let (messages, units, replies): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM messages), (SELECT COUNT(*) FROM units), \
         (SELECT COUNT(*) FROM outbox)",
    )
    .fetch_one(pool)
    .await?;
    let files: Vec<(String, String)> = sqlx::query_as(
        "SELECT path, sha256 FROM ( \
           SELECT raw_path AS path, sha256, 0 AS area FROM messages \
             WHERE raw_path IS NOT NULL AND sha256 IS NOT NULL \
           UNION SELECT path, sha256, 1 AS area FROM attachments) \
         GROUP BY path ORDER BY MIN(area), path",
    )
    .fetch_all(pool)
    .await?;
    Ok(Snapshot {
        messages,
        units,
        replies,
        files,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn copies_while_open_and_lists_what_the_rows_point_to() {
        let d = std::env::temp_dir().join(format!("shenbao-snapshot-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        let s = Store::open(&d).await.unwrap();
        sqlx::query(
            "INSERT INTO messages (sha256, arrival, raw_path, size, source, state, recorded_at) \
             VALUES ('ab12', 't', 'raw/ab/12.eml', 3, 'maildir', 'judged', 't')",
        )
        .execute(s.pool())
        .await
        .unwrap();
        for (seq, path) in [(0, "files/cd/34"), (1, "files/cd/34"), (2, "files/ef/56")] {
            sqlx::query(
                "INSERT INTO attachments (message_id, seq, name, kind, sha256, path, size) \
                 VALUES (1, ?, 'x', 'pdf', ?, ?, 1)",
            )
            .bind(seq)
            .bind(path.replace("files/", "").replace('/', ""))
            .bind(path)
            .execute(s.pool())
            .await
            .unwrap();
        }
        let copy = d.join("copy.db");
        let snap = s.snapshot(&copy).await.unwrap();
        assert_eq!(snap.messages, 1);
        assert_eq!(
            snap.files,
            vec![
                ("raw/ab/12.eml".to_string(), "ab12".to_string()),
                ("files/cd/34".to_string(), "cd34".to_string()),
                ("files/ef/56".to_string(), "ef56".to_string()),
            ]
        );
        // The copy is a database of its own, not a file that needs the original's WAL.
        assert!(!d.join("copy.db-wal").exists());
        // An existing file is never overwritten.
        assert!(s.snapshot(&copy).await.is_err());
        s.close().await;
        let _ = std::fs::remove_dir_all(&d);
    }
}
