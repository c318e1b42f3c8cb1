//! A unit's files: every attachment of its emails with the form and version read, the file
//! that currently counts in each slot of its materials, and which file replaced which.

use super::super::Store;
use super::super::codes::decode_opt;
use crate::forms::{FormKind, Version};
use anyhow::Context;
use serde::Serialize;

/// A file of one of the unit's emails.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileRow {
    /// The attachment's row (the desk's download id).
    pub id: i64,
    /// The email's row.
    pub message: i64,
    /// Position in the email (with `message`, how decisions name the file).
    pub seq: i64,
    /// Name as sent.
    pub name: String,
    /// Archive or forwarded message it was inside.
    pub container: Option<String>,
    /// Form read, when recognised.
    pub form: Option<FormKind>,
    /// Version read, when recognised.
    pub version: Option<Version>,
}

/// The file that counts in a slot now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentFile {
    /// `summary/word`, `application/stamped/<enterprise>/<project>`, …
    pub slot: String,
    /// Name as sent.
    pub name: String,
    /// Archive or forwarded message it was inside.
    pub container: Option<String>,
    /// Archived copy, relative to the data directory.
    pub path: String,
    /// The email that brought it: a seal the check could not see is recorded with that email.
    pub message: i64,
}

/// One slot's file over time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryRow {
    /// `summary/word`, `application/stamped/<project>`, …
    pub slot: String,
    /// The file.
    pub file: String,
    /// The email that brought it.
    pub message: i64,
    /// Whether it still counts.
    pub current: bool,
    /// The email that replaced it, once replaced.
    pub ended_by: Option<i64>,
}

impl Store {
    /// Every file of unit `unit`'s emails, by email and position.
    pub async fn files_of_unit(&self, unit: i64) -> anyhow::Result<Vec<FileRow>> {
        type Row = (
            i64,
            i64,
            i64,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT a.id, a.message_id, a.seq, a.name, a.container, a.form, a.version \
             FROM attachments a \
             JOIN messages m ON m.id = a.message_id WHERE m.unit_id = ? \
             ORDER BY a.message_id, a.seq",
        )
        .bind(unit)
        .fetch_all(&self.pool)
        .await
        .with_context(|| format!("cannot read the files of unit {unit} (attachments)"))?;
        rows.into_iter()
            .map(|(id, message, seq, name, container, form, version)| {
                Ok(FileRow {
                    id,
                    message,
                    seq,
                    name,
                    container,
                    form: decode_opt("attachments", "form", form.as_deref())?,
                    version: decode_opt("attachments", "version", version.as_deref())?,
                })
            })
            .collect()
    }

    /// The files that count now for unit `unit`, with their archived copies. Looked up by
    /// slot: two projects' forms are often sent under the same template name.
    pub async fn current_files(&self, unit: i64) -> anyhow::Result<Vec<CurrentFile>> {
        let rows: Vec<(String, String, Option<String>, String, i64)> = sqlx::query_as(
            "SELECT um.slot, um.file_name, um.container, a.path, um.message_id \
             FROM unit_materials um \
             JOIN attachments a ON a.id = um.attachment_id \
             WHERE um.unit_id = ? AND um.current = 1",
        )
        .bind(unit)
        .fetch_all(&self.pool)
        .await
        .with_context(|| {
            format!("cannot read the current files of unit {unit} (unit_materials)")
        })?;
        Ok(rows
            .into_iter()
            .map(|(slot, name, container, path, message)| CurrentFile {
                slot,
                name,
                container,
                path,
                message,
            })
            .collect())
    }

    /// Which file counted for which slot of unit `unit`, and what replaced it, in order.
    pub async fn material_history(&self, unit: i64) -> anyhow::Result<Vec<HistoryRow>> {
        let rows: Vec<(String, String, i64, bool, Option<i64>)> = sqlx::query_as(
            "SELECT slot, file_name, message_id, current, ended_by FROM unit_materials \
             WHERE unit_id = ? ORDER BY id",
        )
        .bind(unit)
        .fetch_all(&self.pool)
        .await
        .with_context(|| format!("cannot read the material history of unit {unit}"))?;
        Ok(rows
            .into_iter()
            .map(|(slot, file, message, current, ended_by)| HistoryRow {
                slot,
                file,
                message,
                current,
                ended_by,
            })
            .collect())
    }
}
