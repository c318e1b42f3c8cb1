//! Telling a record that cannot be written (disk full, read-only, I/O error) from a message
//! that cannot be recorded: the first is the machine's state and stops the intake and the
//! outbox until it clears; the second is the message's own problem.

use std::io;

/// Whether an error (anywhere in its chain) means the data directory cannot be written now:
/// ENOSPC/EDQUOT/EROFS/EIO from the file system, or SQLite's FULL, IOERR, READONLY, CANTOPEN,
/// BUSY and LOCKED (another writer holds it past the busy timeout).
pub fn is_unwritable(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        if let Some(io) = cause.downcast_ref::<io::Error>() {
            return io_unwritable(io);
        }
        if let Some(sql) = cause.downcast_ref::<sqlx::Error>() {
            return sql_unwritable(sql);
        }
        false
    })
}

fn io_unwritable(e: &io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(libc::ENOSPC | libc::EDQUOT | libc::EROFS | libc::EIO)
    ) || matches!(
        e.kind(),
        io::ErrorKind::StorageFull | io::ErrorKind::ReadOnlyFilesystem
    )
}

fn sql_unwritable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(io) => io_unwritable(io),
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed => true,
        sqlx::Error::Database(db) => {
            // The primary result code is the low byte of an extended one.
            let code = db.code().and_then(|c| c.parse::<i64>().ok()).unwrap_or(0) & 0xff;
            // BUSY 5, LOCKED 6, READONLY 8, IOERR 10, FULL 13, CANTOPEN 14.
            matches!(code, 5 | 6 | 8 | 10 | 13 | 14)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_disk_is_unwritable_a_bad_message_is_not() {
        let full = anyhow::Error::new(io::Error::from_raw_os_error(libc::ENOSPC))
            .context("cannot archive the raw message");
        assert!(is_unwritable(&full));
        let other = anyhow::anyhow!("UID 7 的邮件已不在服务器上");
        assert!(!is_unwritable(&other));
        let invalid = anyhow::Error::new(io::Error::new(io::ErrorKind::InvalidData, "x"));
        assert!(!is_unwritable(&invalid));
    }

    /// The store names the table and row in context; the kind must still show through it.
    #[test]
    fn context_naming_the_table_does_not_hide_the_kind() {
        let busy = anyhow::Error::new(sqlx::Error::PoolTimedOut)
            .context("cannot record the verdict on message 3 (verdicts)")
            .context("cannot record message 3");
        assert!(is_unwritable(&busy));
        let io = sqlx::Error::Io(io::Error::from_raw_os_error(libc::EROFS));
        let read_only = anyhow::Error::new(io).context("cannot queue the reply to a@b.cn (outbox)");
        assert!(is_unwritable(&read_only));
        let decode = anyhow::anyhow!("messages.state holds \"x\", which is no known state")
            .context("cannot read messages");
        assert!(!is_unwritable(&decode));
    }
}
