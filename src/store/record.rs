//! Recording one message: its attachments are written to the archive first, then one
//! transaction records the message, attachments, unit, materials, forms, problems, verdict and
//! the reply to send. A message whose bytes were recorded before changes nothing.

use super::{Store, archive, materials, now};
use crate::message::Email;
use crate::verdict::{Outcome, Unit};
use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use sqlx::{Sqlite, Transaction};

/// Where a message was found.
#[derive(Debug, Clone, Default)]
pub struct SourceRef {
    /// `maildir` or `imap`.
    pub kind: &'static str,
    /// File name in the Maildir, or the IMAP folder.
    pub name: Option<String>,
    /// IMAP UID, when from IMAP.
    pub uid: Option<u32>,
    /// IMAP UIDVALIDITY of the folder, when from IMAP.
    pub uidvalidity: Option<u32>,
}

/// The raw message as archived, with where and when it arrived.
#[derive(Debug, Clone)]
pub struct Incoming<'a> {
    /// sha256 of the raw bytes (hex); None when they could not be read.
    pub sha256: Option<&'a str>,
    /// The archived copy, relative to the data directory (None when it could not be written).
    pub raw_path: Option<&'a str>,
    /// Size of the raw message in bytes.
    pub size: usize,
    /// Arrival time, the one the deadline was checked against.
    pub arrival: DateTime<FixedOffset>,
    /// Where it came from.
    pub source: &'a SourceRef,
}

/// A reply to queue with the verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The address answered (Reply-To, else From).
    pub recipient: String,
    /// `receipt` or `notice`.
    pub kind: &'static str,
}

/// A reply composed for its outbox row (the row id makes its Message-ID).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composed {
    /// The subject line, for the division's view.
    pub subject: String,
    /// The reply's Message-ID, so a bounce can be matched to the row.
    pub message_id: String,
    /// The whole MIME message.
    pub raw: Vec<u8>,
}

/// Composes the reply once its row id is known.
pub type Composer<'a> = &'a dyn Fn(i64) -> Option<Composed>;

/// What recording did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recorded {
    /// The message's row (the existing one for a duplicate).
    pub message: i64,
    /// The queued reply's row, if one was queued.
    pub outbox: Option<i64>,
    /// The bytes had been recorded before: nothing was changed.
    pub duplicate: bool,
}

/// A serde unit variant's name (`application`, `stamped`, `missing_field`), for text columns.
pub(crate) fn label<T: Serialize>(value: &T) -> Option<String> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => Some(s),
        _ => None,
    }
}

impl Store {
    /// Records a judged message; `unit` is the unit's state after the judge saw it.
    pub async fn record(
        &self,
        incoming: &Incoming<'_>,
        email: &Email,
        outcome: &Outcome,
        unit: Option<&Unit>,
        reply: Option<(&Reply, Composer<'_>)>,
    ) -> anyhow::Result<Recorded> {
        // Attachment files first: content-addressed, so a rolled-back transaction leaves only
        // files that a later success would write identically.
        let mut files = Vec::with_capacity(email.attachments.len());
        for a in &email.attachments {
            let hash = archive::sha256_hex(&a.data);
            let rel = archive::relative_path("files", &hash, "");
            archive::write(&self.data_dir, &rel, &a.data, archive::Durability::Cached)?;
            files.push((hash, rel.to_string_lossy().into_owned()));
        }
        let mut tx = self.pool.begin().await?;
        let Some(message) = insert_message(&mut tx, incoming, Some(email), "judged", None).await?
        else {
            return self
                .duplicate(tx, incoming.sha256.unwrap_or_default())
                .await;
        };
        let unit_id = match (outcome.unit_key.as_deref(), unit) {
            (Some(key), Some(u)) => Some(upsert_unit(&mut tx, key, u).await?),
            _ => None,
        };
        if unit_id.is_some() {
            sqlx::query("UPDATE messages SET unit_id = ? WHERE id = ?")
                .bind(unit_id)
                .bind(message)
                .execute(&mut *tx)
                .await?;
        }
        let mut attachment_ids = Vec::with_capacity(files.len());
        for (seq, ((a, report), (hash, path))) in email
            .attachments
            .iter()
            .zip(&outcome.attachments)
            .zip(&files)
            .enumerate()
        {
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO attachments (message_id, seq, name, container, kind, form, version, \
                 sha256, path, size, problem) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            )
            .bind(message)
            .bind(seq as i64)
            .bind(&a.name)
            .bind(&a.container)
            .bind(label(&a.kind).unwrap_or_default())
            .bind(report.form.as_ref().and_then(label))
            .bind(report.version.as_ref().and_then(label))
            .bind(hash)
            .bind(path)
            .bind(a.data.len() as i64)
            .bind(a.problem.as_ref().map(|p| format!("{p:?}")))
            .fetch_one(&mut *tx)
            .await?;
            attachment_ids.push((a.name.as_str(), a.container.as_deref(), id));
        }
        if let (Some(unit_id), Some(u)) = (unit_id, unit) {
            materials::update(&mut tx, unit_id, message, u, &attachment_ids).await?;
        }
        for app in &outcome.applications {
            insert_form(
                &mut tx,
                "applications",
                message,
                unit_id,
                [&app.enterprise_name, &app.credit_code, &app.project_name],
                serde_json::to_string(app)?,
            )
            .await?;
        }
        for row in &outcome.summary_rows {
            insert_form(
                &mut tx,
                "summary_rows",
                message,
                unit_id,
                [&row.enterprise_name, &row.credit_code, &row.project_name],
                serde_json::to_string(row)?,
            )
            .await?;
        }
        for p in &outcome.problems {
            sqlx::query(
                "INSERT INTO problems (message_id, code, severity, file, field, message) \
                 VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(message)
            .bind(p.code.as_str())
            .bind(label(&p.severity).unwrap_or_default())
            .bind(&p.file)
            .bind(&p.field)
            .bind(&p.message)
            .execute(&mut *tx)
            .await?;
        }
        let outcome_json = serde_json::to_string(outcome)?;
        sqlx::query(
            "INSERT INTO verdicts (message_id, unit_id, verdict, receipt, ignored_reason, outcome) \
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(message)
        .bind(unit_id)
        .bind(label(&outcome.verdict).unwrap_or_default())
        .bind(&outcome.receipt)
        .bind(&outcome.ignored_reason)
        .bind(&outcome_json)
        .execute(&mut *tx)
        .await?;
        let outbox = match reply {
            Some((r, composer)) => {
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO outbox (message_id, recipient, kind, state, outcome, created_at) \
                     VALUES (?, ?, ?, 'queued', ?, ?) RETURNING id",
                )
                .bind(message)
                .bind(&r.recipient)
                .bind(r.kind)
                .bind(&outcome_json)
                .bind(now())
                .fetch_one(&mut *tx)
                .await?;
                if let Some(c) = composer(id) {
                    sqlx::query(
                        "UPDATE outbox SET subject = ?, reply_message_id = ?, raw = ? WHERE id = ?",
                    )
                    .bind(c.subject)
                    .bind(c.message_id)
                    .bind(c.raw)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                }
                Some(id)
            }
            None => None,
        };
        tx.commit().await?;
        Ok(Recorded {
            message,
            outbox,
            duplicate: false,
        })
    }

    /// Records a message that could not be processed at all (unreadable, over the size limit,
    /// a reader that failed), so the division sees it; `email` when its headers were read.
    pub async fn record_failed(
        &self,
        incoming: &Incoming<'_>,
        email: Option<&Email>,
        failure: &str,
    ) -> anyhow::Result<Recorded> {
        let mut tx = self.pool.begin().await?;
        match insert_message(&mut tx, incoming, email, "failed", Some(failure)).await? {
            Some(message) => {
                tx.commit().await?;
                Ok(Recorded {
                    message,
                    outbox: None,
                    duplicate: false,
                })
            }
            None => {
                self.duplicate(tx, incoming.sha256.unwrap_or_default())
                    .await
            }
        }
    }

    async fn duplicate(
        &self,
        tx: Transaction<'static, Sqlite>,
        sha256: &str,
    ) -> anyhow::Result<Recorded> {
        tx.rollback().await?;
        let (message,): (i64,) = sqlx::query_as("SELECT id FROM messages WHERE sha256 = ?")
            .bind(sha256)
            .fetch_one(&self.pool)
            .await?;
        Ok(Recorded {
            message,
            outbox: None,
            duplicate: true,
        })
    }
}

/// Inserts the message row; None when the same bytes are already recorded.
async fn insert_message(
    tx: &mut Transaction<'static, Sqlite>,
    incoming: &Incoming<'_>,
    email: Option<&Email>,
    state: &str,
    failure: Option<&str>,
) -> anyhow::Result<Option<i64>> {
    let row: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO messages (message_id, sha256, sender, sender_name, reply_to, subject, \
         arrival, raw_path, size, source, source_name, source_uid, source_uidvalidity, state, \
         failure, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (sha256) DO NOTHING RETURNING id",
    )
    .bind(email.and_then(|e| e.message_id.clone()))
    .bind(incoming.sha256)
    .bind(email.and_then(|e| e.from.clone()))
    .bind(email.and_then(|e| e.from_name.clone()))
    .bind(email.and_then(|e| e.reply_to.clone()))
    .bind(email.map(|e| e.subject.clone()).unwrap_or_default())
    .bind(incoming.arrival.to_rfc3339())
    .bind(incoming.raw_path)
    .bind(incoming.size as i64)
    .bind(incoming.source.kind)
    .bind(&incoming.source.name)
    .bind(incoming.source.uid.map(i64::from))
    .bind(incoming.source.uidvalidity.map(i64::from))
    .bind(state)
    .bind(failure)
    .bind(now())
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|(id,)| id))
}

async fn upsert_unit(
    tx: &mut Transaction<'static, Sqlite>,
    key: &str,
    unit: &Unit,
) -> anyhow::Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO units (key, name, receipt, emails, updated_at) VALUES (?, ?, ?, ?, ?) \
         ON CONFLICT (key) DO UPDATE SET name = excluded.name, receipt = excluded.receipt, \
         emails = excluded.emails, updated_at = excluded.updated_at RETURNING id",
    )
    .bind(key)
    .bind(&unit.name)
    .bind(&unit.receipt)
    .bind(i64::from(unit.emails))
    .bind(now())
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

async fn insert_form(
    tx: &mut Transaction<'static, Sqlite>,
    table: &'static str,
    message: i64,
    unit_id: Option<i64>,
    [enterprise, code, project]: [&String; 3],
    json: String,
) -> anyhow::Result<()> {
    sqlx::query(&format!(
        "INSERT INTO {table} (message_id, unit_id, enterprise_name, credit_code, project_name, \
         json) VALUES (?, ?, ?, ?, ?, ?)"
    ))
    .bind(message)
    .bind(unit_id)
    .bind(enterprise)
    .bind(code)
    .bind(project)
    .bind(json)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
