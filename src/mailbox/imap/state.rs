//! Where the IMAP source left off, in the `mailbox_state` table: the folder's UIDVALIDITY and
//! the highest UID taken, so a restart catches up by UID instead of re-reading the folder.

use sqlx::SqlitePool;

/// The stored UIDVALIDITY and last UID of a folder, if any.
pub async fn load(pool: &SqlitePool, folder: &str) -> anyhow::Result<Option<(u32, u32)>> {
    let row: Option<(i64, i64)> =
        sqlx::query_as("SELECT uidvalidity, last_uid FROM mailbox_state WHERE folder = ?")
            .bind(folder)
            .fetch_optional(pool)
            .await?;
    Ok(row.map(|(v, u)| {
        (
            u32::try_from(v).unwrap_or_default(),
            u32::try_from(u).unwrap_or_default(),
        )
    }))
}

/// Stores a folder's position; the last UID never goes back within one UIDVALIDITY.
pub async fn save(
    pool: &SqlitePool,
    folder: &str,
    uidvalidity: u32,
    last_uid: u32,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO mailbox_state (folder, uidvalidity, last_uid) VALUES (?, ?, ?) \
         ON CONFLICT(folder) DO UPDATE SET \
           last_uid = CASE WHEN uidvalidity = excluded.uidvalidity \
                           THEN MAX(last_uid, excluded.last_uid) ELSE excluded.last_uid END, \
           uidvalidity = excluded.uidvalidity",
    )
    .bind(folder)
    .bind(i64::from(uidvalidity))
    .bind(i64::from(last_uid))
    .execute(pool)
    .await?;
    Ok(())
}
