//! One message's attachments with their archived copies, and the archived bytes themselves:
//! what the web desk opens and downloads. An attachment is always looked up together with its
//! message, so an id of another message's file finds nothing.

use super::super::Store;
use super::super::codes::decode_opt;
use crate::forms::{FormKind, Version};
use anyhow::Context;
use std::path::{Component, Path};

/// An attachment as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentRow {
    /// Row id: the download's id.
    pub id: i64,
    /// The message it came with.
    pub message: i64,
    /// Position in the email, as the verdict lists them.
    pub seq: i64,
    /// Name as sent: shown and offered as the download's name, never used as a path.
    pub name: String,
    /// Archive or forwarded message it was inside.
    pub container: Option<String>,
    /// File type read from the bytes (`docx`, `pdf`, …).
    pub kind: String,
    /// Form read, when recognised.
    pub form: Option<FormKind>,
    /// Version read, when recognised.
    pub version: Option<Version>,
    /// Archived copy, relative to the data directory.
    pub path: String,
    /// Bytes.
    pub size: i64,
    /// Why it could not be read, when it could not.
    pub problem: Option<String>,
}

type Row = (
    i64,
    i64,
    i64,
    String,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    String,
    i64,
    Option<String>,
);

const COLUMNS: &str =
    "id, message_id, seq, name, container, kind, form, version, path, size, problem";

fn typed(r: Row) -> anyhow::Result<AttachmentRow> {
    let (id, message, seq, name, container, kind, form, version, path, size, problem) = r;
    Ok(AttachmentRow {
        id,
        message,
        seq,
        name,
        container,
        kind,
        form: decode_opt("attachments", "form", form.as_deref())?,
        version: decode_opt("attachments", "version", version.as_deref())?,
        path,
        size,
        problem,
    })
}

impl Store {
    /// The attachments of message `message`, in their order in the email.
    pub async fn attachments_of_message(&self, message: i64) -> anyhow::Result<Vec<AttachmentRow>> {
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM attachments WHERE message_id = ? ORDER BY seq"
        ))
        .bind(message)
        .fetch_all(&self.pool)
        .await
        .with_context(|| format!("cannot read the attachments of message {message}"))?;
        rows.into_iter().map(typed).collect()
    }

    /// Attachment `id` of message `message`; None when that message has no such attachment.
    pub async fn attachment(&self, message: i64, id: i64) -> anyhow::Result<Option<AttachmentRow>> {
        let row: Option<Row> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM attachments WHERE message_id = ? AND id = ?"
        ))
        .bind(message)
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .with_context(|| format!("cannot read attachment {id} of message {message}"))?;
        row.map(typed).transpose()
    }

    /// The bytes of an archived file (a `path` or `raw_path` the record holds). Only plain
    /// relative paths inside the data directory are read, whatever the record says.
    pub fn read_archived(&self, relative: &str) -> anyhow::Result<Vec<u8>> {
        let rel = Path::new(relative);
        if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
            anyhow::bail!("archived path {relative:?} leaves the data directory");
        }
        let full = self.data_dir().join(rel);
        std::fs::read(&full).with_context(|| format!("cannot read {}", full.display()))
    }

    /// The composed reply `id` (the whole MIME message as queued), when there is one.
    pub async fn reply_raw(&self, id: i64) -> anyhow::Result<Option<Vec<u8>>> {
        let row: Option<(Option<Vec<u8>>,)> = sqlx::query_as("SELECT raw FROM outbox WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .with_context(|| format!("cannot read reply {id} (outbox)"))?;
        Ok(row.and_then(|(raw,)| raw))
    }
}
