//! One writer per data directory: the daemon holds `shenbao.lock` while it runs, and commands
//! that rewrite the record (`reprocess`) refuse to run beside it, since the daemon's judge
//! state would no longer match the record.

use anyhow::Context;
use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;

/// The held lock; released when dropped (or when the process ends, however it ends).
#[derive(Debug)]
pub struct DataLock {
    /// The open lock file: the OS lock lives as long as the handle.
    _file: File,
}

impl DataLock {
    /// Takes the lock of `data_dir`; `Ok(None)` when another process holds it.
    pub fn try_acquire(data_dir: &Path) -> anyhow::Result<Option<DataLock>> {
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("cannot create data directory {}", data_dir.display()))?;
        let path = data_dir.join("shenbao.lock");
        let file = open(&path)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(DataLock { _file: file })),
            Err(TryLockError::WouldBlock) => Ok(None),
            Err(TryLockError::Error(e)) => {
                Err(e).with_context(|| format!("cannot lock {}", path.display()))
            }
        }
    }
}

/// Held while the store is first connected (a new file switched to WAL) and the schema brought
/// up to date. sqlx's migrator takes no lock on SQLite, so two processes opening a new data
/// directory at once (the daemon starting while `shenbao status` runs) would both create the
/// tables and one would fail; this lock makes the second wait and then find them there.
#[derive(Debug)]
pub(super) struct SchemaLock {
    /// The open lock file: the OS lock lives as long as the handle.
    _file: File,
}

impl SchemaLock {
    /// Waits for `data_dir/shenbao.schema.lock` (off the async threads: the wait blocks).
    pub(super) async fn acquire(data_dir: &Path) -> anyhow::Result<SchemaLock> {
        let path = data_dir.join("shenbao.schema.lock");
        tokio::task::spawn_blocking(move || {
            let file = open(&path)?;
            file.lock()
                .with_context(|| format!("cannot lock {}", path.display()))?;
            Ok(SchemaLock { _file: file })
        })
        .await
        .context("the schema lock's thread failed")?
    }
}

/// Opens (creating, never truncating) a lock file: its content does not matter, the lock on
/// the open handle does.
fn open(path: &Path) -> anyhow::Result<File> {
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .with_context(|| format!("cannot open {}", path.display()))
}
