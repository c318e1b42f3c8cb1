//! What a judged message leaves in the record besides its own row: attachments, the unit and
//! its materials, the forms read, the problems, the verdict and the receipt number. Written
//! inside the caller's transaction, by `record` for a new message and by `reprocess` for an
//! archived one judged again.

use super::codes::{code, code_of};
use super::{Store, archive, materials, now};
use crate::message::Email;
use crate::verdict::{Outcome, Unit};
use anyhow::Context;
use sqlx::{Sqlite, Transaction};

/// An attachment's archived copy: (sha256, path relative to the data directory).
pub type FileCopy = (String, String);

impl Store {
    /// Writes the attachments' bytes to the archive, before the transaction: content-addressed,
    /// so a rolled-back transaction leaves only files that a later success writes identically.
    pub(super) fn archive_files(&self, email: &Email) -> anyhow::Result<Vec<FileCopy>> {
        let mut files = Vec::with_capacity(email.attachments.len());
        for a in &email.attachments {
            let hash = archive::sha256_hex(&a.data);
            let rel = archive::relative_path("files", &hash, "");
            archive::write(&self.data_dir, &rel, &a.data, archive::Durability::Cached)
                .with_context(|| {
                    format!("cannot archive attachment {} as {}", a.name, rel.display())
                })?;
            files.push((hash, rel.to_string_lossy().into_owned()));
        }
        Ok(files)
    }
}

/// Records the judgement of message row `message`; returns the outcome as JSON (the outbox
/// keeps it with the reply).
pub(super) async fn write(
    tx: &mut Transaction<'static, Sqlite>,
    message: i64,
    email: &Email,
    outcome: &Outcome,
    unit: Option<&Unit>,
    files: &[FileCopy],
) -> anyhow::Result<String> {
    let unit_id = match (outcome.unit_key.as_deref(), unit) {
        (Some(key), Some(u)) => Some(upsert_unit(tx, key, u, outcome, message).await?),
        _ => None,
    };
    sqlx::query("UPDATE messages SET unit_id = ? WHERE id = ?")
        .bind(unit_id)
        .bind(message)
        .execute(&mut **tx)
        .await
        .with_context(|| format!("cannot set the unit of message {message} (messages)"))?;
    let attachment_ids = insert_attachments(tx, message, email, outcome, files).await?;
    if let (Some(unit_id), Some(u)) = (unit_id, unit) {
        materials::update(tx, unit_id, message, u, &attachment_ids).await?;
    }
    for app in &outcome.applications {
        let json = serde_json::to_string(app).context("cannot serialise an application")?;
        let key = [&app.enterprise_name, &app.credit_code, &app.project_name];
        insert_form(tx, "applications", message, unit_id, key, json).await?;
    }
    for row in &outcome.summary_rows {
        let json = serde_json::to_string(row).context("cannot serialise a summary row")?;
        let key = [&row.enterprise_name, &row.credit_code, &row.project_name];
        insert_form(tx, "summary_rows", message, unit_id, key, json).await?;
    }
    insert_problems(tx, message, outcome).await?;
    let outcome_json = insert_verdict(tx, message, unit_id, outcome).await?;
    Ok(outcome_json)
}

/// The message's attachments, each with its copy's hash and path; returns (name, container,
/// row id) of each, for the unit's material slots.
async fn insert_attachments<'e>(
    tx: &mut Transaction<'static, Sqlite>,
    message: i64,
    email: &'e Email,
    outcome: &Outcome,
    files: &[FileCopy],
) -> anyhow::Result<Vec<(&'e str, Option<&'e str>, i64)>> {
    let mut attachment_ids = Vec::with_capacity(files.len());
    for (seq, ((a, report), (hash, path))) in email
        .attachments
        .iter()
        .zip(&outcome.attachments)
        .zip(files)
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
        .bind(code(&a.kind).unwrap_or_default())
        .bind(report.form.as_ref().and_then(code))
        .bind(report.version.as_ref().and_then(code))
        .bind(hash)
        .bind(path)
        .bind(a.data.len() as i64)
        .bind(a.problem.as_ref().map(|p| format!("{p:?}")))
        .fetch_one(&mut **tx)
        .await
        .with_context(|| {
            format!(
                "cannot record attachment {} of message {message} (attachments)",
                a.name
            )
        })?;
        attachment_ids.push((a.name.as_str(), a.container.as_deref(), id));
    }
    Ok(attachment_ids)
}

/// The outcome's problems, in order.
async fn insert_problems(
    tx: &mut Transaction<'static, Sqlite>,
    message: i64,
    outcome: &Outcome,
) -> anyhow::Result<()> {
    for p in &outcome.problems {
        sqlx::query(
            "INSERT INTO problems (message_id, code, severity, file, field, message) \
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(message)
        .bind(p.code.as_str())
        .bind(code(&p.severity).unwrap_or_default())
        .bind(&p.file)
        .bind(&p.field)
        .bind(&p.message)
        .execute(&mut **tx)
        .await
        .with_context(|| {
            format!(
                "cannot record problem {} of message {message} (problems)",
                p.code.as_str()
            )
        })?;
    }
    Ok(())
}

/// The verdict (with the outcome as JSON, which it returns) and the receipt it issued.
async fn insert_verdict(
    tx: &mut Transaction<'static, Sqlite>,
    message: i64,
    unit_id: Option<i64>,
    outcome: &Outcome,
) -> anyhow::Result<String> {
    let outcome_json = serde_json::to_string(outcome).context("cannot serialise the outcome")?;
    let ignored = outcome.ignored_reason.as_ref();
    sqlx::query(
        "INSERT INTO verdicts (message_id, unit_id, verdict, receipt, ignored_reason, \
         ignored_detail, outcome) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(message)
    .bind(unit_id)
    .bind(code_of(outcome.verdict))
    .bind(&outcome.receipt)
    .bind(ignored.map(|i| code_of(i.reason)))
    .bind(ignored.and_then(|i| i.detail.as_deref()))
    .bind(&outcome_json)
    .execute(&mut **tx)
    .await
    .with_context(|| format!("cannot record the verdict on message {message} (verdicts)"))?;
    if let (Some(key), Some(receipt)) = (outcome.unit_key.as_deref(), &outcome.receipt) {
        sqlx::query(
            "INSERT OR IGNORE INTO receipts (unit_key, receipt, message_id, issued_at) \
             VALUES (?, ?, ?, ?)",
        )
        .bind(key)
        .bind(receipt)
        .bind(message)
        .bind(now())
        .execute(&mut **tx)
        .await
        .with_context(|| format!("cannot record receipt {receipt} (receipts)"))?;
    }
    Ok(outcome_json)
}

async fn upsert_unit(
    tx: &mut Transaction<'static, Sqlite>,
    key: &str,
    unit: &Unit,
    outcome: &Outcome,
    message: i64,
) -> anyhow::Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO units (key, name, receipt, emails, updated_at, materials, verdict, \
         last_message) VALUES (?, ?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (key) DO UPDATE SET name = excluded.name, receipt = excluded.receipt, \
         emails = excluded.emails, updated_at = excluded.updated_at, \
         materials = excluded.materials, verdict = excluded.verdict, \
         last_message = excluded.last_message RETURNING id",
    )
    .bind(key)
    .bind(&unit.name)
    .bind(&unit.receipt)
    .bind(i64::from(unit.emails))
    .bind(now())
    .bind(serde_json::to_string(&unit.materials).context("cannot serialise materials")?)
    .bind(code_of(outcome.verdict))
    .bind(message)
    .fetch_one(&mut **tx)
    .await
    .with_context(|| format!("cannot record unit {key} (units)"))?;
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
    .await
    .with_context(|| format!("cannot record a form of message {message} ({table})"))?;
    Ok(())
}
