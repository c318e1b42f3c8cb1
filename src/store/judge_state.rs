//! The judge's state in the record: each unit's entry, each sender's unit and the receipt
//! counter, written in the transaction that records a message (so the state never runs ahead
//! of or behind the record) and loaded at start-up. A state that cannot be trusted (none
//! stored beside recorded messages, another format, not reaching the last judged message, a
//! unit that does not read back) is reported as such: the caller judges the archive again
//! and stores the result.

use super::{Rebuild, Store, now};
use crate::verdict::saved::{self, FORMAT};
use crate::verdict::{Changed, State};
use anyhow::Context;
use sqlx::{Sqlite, SqliteConnection, Transaction};

/// What start-up finds in the record.
#[derive(Debug)]
pub enum StoredJudge {
    /// The state, up to date with the record.
    Loaded(State),
    /// No state to trust: why, for the log.
    Rebuild(String),
}

impl Store {
    /// The judge's state as stored, or why it must be rebuilt.
    pub async fn judge_state(&self) -> anyhow::Result<StoredJudge> {
        let mut conn = self
            .pool
            .acquire()
            .await
            .context("cannot read the judge's state")?;
        let row: Option<(i64, i64, Option<i64>)> =
            sqlx::query_as("SELECT format, receipts, last_message FROM judge_state WHERE id = 1")
                .fetch_optional(&mut *conn)
                .await
                .context("cannot read judge_state")?;
        let last = last_judged(&mut conn).await?;
        let Some((format, receipts, stored_last)) = row else {
            return Ok(match last {
                None => StoredJudge::Loaded(State::default()),
                Some(_) => StoredJudge::Rebuild("no judge state stored yet".into()),
            });
        };
        if format != i64::from(FORMAT) {
            return Ok(StoredJudge::Rebuild(format!(
                "the judge state is stored in format {format}, this program reads format {FORMAT}"
            )));
        }
        if stored_last != last {
            return Ok(StoredJudge::Rebuild(format!(
                "the judge state reaches message {stored_last:?}, the record {last:?}"
            )));
        }
        let mut state = State {
            receipts: u32::try_from(receipts).unwrap_or(0),
            ..State::default()
        };
        let units: Vec<(String, String)> = sqlx::query_as("SELECT key, state FROM judge_units")
            .fetch_all(&mut *conn)
            .await
            .context("cannot read judge_units")?;
        for (key, text) in units {
            match saved::decode(&text) {
                Ok(unit) => state.units.insert(key, unit),
                Err(e) => return Ok(StoredJudge::Rebuild(format!("unit “{key}”: {e}"))),
            };
        }
        let senders: Vec<(String, String)> =
            sqlx::query_as("SELECT address, unit_key FROM judge_senders")
                .fetch_all(&mut *conn)
                .await
                .context("cannot read judge_senders")?;
        state.sender_unit = senders.into_iter().collect();
        Ok(StoredJudge::Loaded(state))
    }

    /// Stores the whole state (after judging the archive again), replacing what was stored.
    pub async fn save_judge_state(&self, state: &State) -> anyhow::Result<()> {
        let mut tx = self
            .pool
            .begin()
            .await
            .context("cannot begin a transaction")?;
        write_all(&mut tx, state).await?;
        tx.commit().await.context("cannot store the judge's state")
    }
}

impl Rebuild {
    /// Stores the state the rebuild judged, in the rebuild's transaction.
    pub async fn judge_state(&mut self, state: &State) -> anyhow::Result<()> {
        write_all(&mut self.tx, state).await
    }
}

/// Writes what judging message `message` changed; nothing when the caller keeps no judge
/// (the stored state then falls behind the record and is rebuilt at the next start-up).
pub(super) async fn write(
    tx: &mut Transaction<'static, Sqlite>,
    message: i64,
    changed: Option<&Changed<'_>>,
) -> anyhow::Result<()> {
    let Some(changed) = changed else {
        return Ok(());
    };
    if let Some((key, unit)) = changed.unit {
        put_unit(tx, key, &saved::encode(unit)?).await?;
    }
    if let Some((address, key)) = changed.sender {
        put_sender(tx, address, key).await?;
    }
    put_counters(tx, changed.receipts, Some(message)).await
}

/// Writes what a decision changed; the state still reaches the last judged message.
pub(super) async fn write_decided(
    tx: &mut Transaction<'static, Sqlite>,
    changed: &Changed<'_>,
) -> anyhow::Result<()> {
    if let Some((key, unit)) = changed.unit {
        put_unit(tx, key, &saved::encode(unit)?).await?;
    }
    if let Some(gone) = changed.gone {
        sqlx::query("DELETE FROM judge_units WHERE key = ?")
            .bind(gone)
            .execute(&mut **tx)
            .await
            .with_context(|| format!("cannot remove the judge's state of unit “{gone}”"))?;
    }
    if let Some((address, key)) = changed.sender {
        put_sender(tx, address, key).await?;
    }
    let last = last_judged(tx).await?;
    put_counters(tx, changed.receipts, last).await
}

async fn write_all(tx: &mut Transaction<'static, Sqlite>, state: &State) -> anyhow::Result<()> {
    for sql in ["DELETE FROM judge_units", "DELETE FROM judge_senders"] {
        sqlx::query(sql)
            .execute(&mut **tx)
            .await
            .with_context(|| format!("cannot clear the judge's state ({sql})"))?;
    }
    for (key, unit) in &state.units {
        put_unit(tx, key, &saved::encode(unit)?).await?;
    }
    for (address, key) in &state.sender_unit {
        put_sender(tx, address, key).await?;
    }
    let last = last_judged(tx).await?;
    put_counters(tx, state.receipts, last).await
}

/// The last message recorded as judged: the stored state must reach it.
async fn last_judged(conn: &mut SqliteConnection) -> anyhow::Result<Option<i64>> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM messages WHERE state = 'judged' ORDER BY id DESC LIMIT 1")
            .fetch_optional(&mut *conn)
            .await
            .context("cannot find the last judged message")?;
    Ok(row.map(|(id,)| id))
}

async fn put_unit(
    tx: &mut Transaction<'static, Sqlite>,
    key: &str,
    state: &str,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO judge_units (key, state) VALUES (?, ?) \
         ON CONFLICT (key) DO UPDATE SET state = excluded.state",
    )
    .bind(key)
    .bind(state)
    .execute(&mut **tx)
    .await
    .with_context(|| format!("cannot store the judge's state of unit “{key}”"))?;
    Ok(())
}

async fn put_sender(
    tx: &mut Transaction<'static, Sqlite>,
    address: &str,
    key: &str,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO judge_senders (address, unit_key) VALUES (?, ?) \
         ON CONFLICT (address) DO UPDATE SET unit_key = excluded.unit_key",
    )
    .bind(address)
    .bind(key)
    .execute(&mut **tx)
    .await
    .with_context(|| format!("cannot store the unit of sender {address}"))?;
    Ok(())
}

async fn put_counters(
    tx: &mut Transaction<'static, Sqlite>,
    receipts: u32,
    last_message: Option<i64>,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO judge_state (id, format, receipts, last_message, updated_at) \
         VALUES (1, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET format = excluded.format, \
         receipts = excluded.receipts, last_message = excluded.last_message, \
         updated_at = excluded.updated_at",
    )
    .bind(i64::from(FORMAT))
    .bind(i64::from(receipts))
    .bind(last_message)
    .bind(now())
    .execute(&mut **tx)
    .await
    .context("cannot store the judge's counters")?;
    Ok(())
}
