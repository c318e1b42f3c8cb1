//! Which file currently counts for which slot of a unit's materials, kept as rows with a
//! history: a file that replaces another gets a new row pointing at the row it replaced, and
//! the old row stops being current.

use crate::forms::value::name_key;
use crate::verdict::Unit;
use crate::verdict::materials::{FileRef, Materials, Project};
use anyhow::Context;
use sqlx::{Sqlite, Transaction};

/// The slots of a unit's materials and the file in each.
pub fn slots(m: &Materials) -> Vec<(String, &FileRef)> {
    let mut out = Vec::new();
    if let Some((f, _)) = &m.summary {
        out.push((SUMMARY_WORD.to_string(), f));
    }
    if let Some(f) = &m.summary_stamped {
        out.push((SUMMARY_STAMPED.to_string(), f));
    }
    for p in &m.projects {
        out.push((project_slot(p, "word"), &p.word));
        if let Some(s) = &p.stamped {
            out.push((project_slot(p, "stamped"), s));
        }
    }
    for (i, f) in m.loose_stamped.iter().enumerate() {
        out.push((format!("application/stamped/loose{}", i + 1), f));
    }
    out
}

/// The slot of a project's form in `version` (`word` or `stamped`): the enterprise (credit code,
/// else name) and the project name, so that two projects' files never share a slot even when
/// they were sent under the same file name.
pub fn project_slot(p: &Project, version: &str) -> String {
    let who = if p.app.credit_code.is_empty() {
        name_key(&p.app.enterprise_name)
    } else {
        p.app.credit_code.clone()
    };
    format!(
        "application/{version}/{who}/{}",
        name_key(&p.app.project_name)
    )
}

/// The slots of the summary's two versions.
pub const SUMMARY_WORD: &str = "summary/word";
/// See [`SUMMARY_WORD`].
pub const SUMMARY_STAMPED: &str = "summary/stamped";

/// A current row as stored: id, slot, file name, container, message, attachment and the
/// attachment's position in its message.
type Row = (
    i64,
    String,
    String,
    Option<String>,
    i64,
    Option<i64>,
    Option<i64>,
);

/// Whether a stored file is `file`: same name and container, and the same position in its
/// email when both are known.
fn same(file: &FileRef, name: &str, container: Option<&str>, seq: Option<i64>) -> bool {
    name == file.name
        && container == file.container.as_deref()
        && match (file.seq, seq) {
            (Some(a), Some(b)) => i64::from(a) == b,
            _ => true,
        }
}

/// Brings the unit's material rows in line with its materials after message `message`.
pub async fn update(
    tx: &mut Transaction<'static, Sqlite>,
    unit_id: i64,
    message: i64,
    unit: &Unit,
    attachments: &[(&str, Option<&str>, i64)],
) -> anyhow::Result<()> {
    let current = current_rows(tx, unit_id).await?;
    let mut kept = vec![false; current.len()];
    let mut inserts = Vec::new();
    for (slot, file) in slots(&unit.materials) {
        let same_file = |r: &Row| same(file, &r.2, r.3.as_deref(), r.6);
        let from_this_email = file.email == unit.emails;
        if !from_this_email
            && let Some(i) = current.iter().position(|r| r.1 == slot && same_file(r))
        {
            if let Some(k) = kept.get_mut(i) {
                *k = true;
            }
            continue;
        }
        // A file new in this email, or an earlier file that moved to another slot (a loose
        // scan paired with its project).
        let (msg, attachment) = if from_this_email {
            let att = attachments
                .iter()
                .enumerate()
                .find(|(i, (n, c, _))| same(file, n, *c, i64::try_from(*i).ok()))
                .map(|(_, (_, _, id))| *id);
            (message, att)
        } else {
            current
                .iter()
                .find(|r| same_file(r))
                .map(|r| (r.4, r.5))
                .unwrap_or((message, None))
        };
        let replaces = current.iter().find(|r| r.1 == slot).map(|r| r.0);
        inserts.push((slot, file, msg, attachment, replaces));
    }
    for ((id, ..), keep) in current.iter().zip(&kept) {
        if !keep {
            end_row(tx, *id, Some(message)).await?;
        }
    }
    for (slot, file, msg, attachment, replaces) in inserts {
        insert_row(tx, unit_id, &slot, file, msg, attachment, replaces).await?;
    }
    Ok(())
}

/// After a decision moved another unit's rows to unit `unit_id` (归入单位), brings its current
/// rows in line with the merged materials: each slot keeps one current row, the file the
/// materials hold; a row the merge displaced stops counting, and a file that changed slot in
/// the merge (a loose scan paired with its project) gets a row under its new slot, pointing at
/// the email and attachment it came with. No email ended those rows, so `ended_by` stays empty.
pub async fn realign(
    tx: &mut Transaction<'static, Sqlite>,
    unit_id: i64,
    unit: &Unit,
) -> anyhow::Result<()> {
    let rows = current_rows(tx, unit_id).await?;
    let mut kept = vec![false; rows.len()];
    let mut missing = Vec::new();
    for (slot, file) in slots(&unit.materials) {
        let found = rows.iter().enumerate().position(|(i, r)| {
            !kept.get(i).copied().unwrap_or(true)
                && r.1 == slot
                && same(file, &r.2, r.3.as_deref(), r.6)
        });
        match found.and_then(|i| kept.get_mut(i)) {
            Some(k) => *k = true,
            None => missing.push((slot, file)),
        }
    }
    for (slot, file) in missing {
        let Some(from) = rows.iter().find(|r| same(file, &r.2, r.3.as_deref(), r.6)) else {
            // Nothing says which email brought it; the judge's materials still hold it.
            continue;
        };
        insert_row(tx, unit_id, &slot, file, from.4, from.5, Some(from.0)).await?;
    }
    for ((id, ..), keep) in rows.iter().zip(&kept) {
        if !keep {
            end_row(tx, *id, None).await?;
        }
    }
    Ok(())
}

/// The unit's current rows, oldest first.
async fn current_rows(
    tx: &mut Transaction<'static, Sqlite>,
    unit_id: i64,
) -> anyhow::Result<Vec<Row>> {
    sqlx::query_as(
        "SELECT um.id, um.slot, um.file_name, um.container, um.message_id, um.attachment_id, \
         a.seq FROM unit_materials um LEFT JOIN attachments a ON a.id = um.attachment_id \
         WHERE um.unit_id = ? AND um.current = 1 ORDER BY um.id",
    )
    .bind(unit_id)
    .fetch_all(&mut **tx)
    .await
    .with_context(|| format!("cannot read the materials of unit {unit_id} (unit_materials)"))
}

/// A current row for `file` in `slot`, brought by message `message`.
async fn insert_row(
    tx: &mut Transaction<'static, Sqlite>,
    unit_id: i64,
    slot: &str,
    file: &FileRef,
    message: i64,
    attachment: Option<i64>,
    replaces: Option<i64>,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO unit_materials (unit_id, slot, file_name, container, message_id, \
         attachment_id, current, replaces) VALUES (?, ?, ?, ?, ?, ?, 1, ?)",
    )
    .bind(unit_id)
    .bind(slot)
    .bind(&file.name)
    .bind(&file.container)
    .bind(message)
    .bind(attachment)
    .bind(replaces)
    .execute(&mut **tx)
    .await
    .with_context(|| {
        format!(
            "cannot record {} for unit {unit_id} (unit_materials)",
            file.name
        )
    })?;
    Ok(())
}

/// Row `id` stops counting; `ended_by` the email that ended it (None: a decision did).
async fn end_row(
    tx: &mut Transaction<'static, Sqlite>,
    id: i64,
    ended_by: Option<i64>,
) -> anyhow::Result<()> {
    sqlx::query("UPDATE unit_materials SET current = 0, ended_by = ? WHERE id = ?")
        .bind(ended_by)
        .bind(id)
        .execute(&mut **tx)
        .await
        .with_context(|| format!("cannot end material row {id} (unit_materials)"))?;
    Ok(())
}
