//! Which file currently counts for which slot of a unit's materials, kept as rows with a
//! history: a file that replaces another gets a new row pointing at the row it replaced, and
//! the old row stops being current.

use crate::forms::value::name_key;
use crate::verdict::Unit;
use crate::verdict::materials::{FileRef, Materials};
use sqlx::{Sqlite, Transaction};

/// The slots of a unit's materials and the file in each.
pub fn slots(m: &Materials) -> Vec<(String, &FileRef)> {
    let mut out = Vec::new();
    if let Some((f, _)) = &m.summary {
        out.push(("summary/word".to_string(), f));
    }
    if let Some(f) = &m.summary_stamped {
        out.push(("summary/stamped".to_string(), f));
    }
    for p in &m.projects {
        let who = if p.app.credit_code.is_empty() {
            name_key(&p.app.enterprise_name)
        } else {
            p.app.credit_code.clone()
        };
        let project = format!("{who}/{}", name_key(&p.app.project_name));
        out.push((format!("application/word/{project}"), &p.word));
        if let Some(s) = &p.stamped {
            out.push((format!("application/stamped/{project}"), s));
        }
    }
    for (i, f) in m.loose_stamped.iter().enumerate() {
        out.push((format!("application/stamped/loose{}", i + 1), f));
    }
    out
}

/// A current row as stored.
type Row = (i64, String, String, Option<String>, i64, Option<i64>);

/// Brings the unit's material rows in line with its materials after message `message`.
pub async fn update(
    tx: &mut Transaction<'static, Sqlite>,
    unit_id: i64,
    message: i64,
    unit: &Unit,
    attachments: &[(&str, Option<&str>, i64)],
) -> anyhow::Result<()> {
    let current: Vec<Row> = sqlx::query_as(
        "SELECT id, slot, file_name, container, message_id, attachment_id FROM unit_materials \
         WHERE unit_id = ? AND current = 1",
    )
    .bind(unit_id)
    .fetch_all(&mut **tx)
    .await?;
    let mut kept = vec![false; current.len()];
    let mut inserts = Vec::new();
    for (slot, file) in slots(&unit.materials) {
        let same_file = |r: &Row| r.2 == file.name && r.3.as_deref() == file.container.as_deref();
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
                .find(|(n, c, _)| *n == file.name && *c == file.container.as_deref())
                .map(|(_, _, id)| *id);
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
            sqlx::query("UPDATE unit_materials SET current = 0, ended_by = ? WHERE id = ?")
                .bind(message)
                .bind(id)
                .execute(&mut **tx)
                .await?;
        }
    }
    for (slot, file, msg, attachment, replaces) in inserts {
        sqlx::query(
            "INSERT INTO unit_materials (unit_id, slot, file_name, container, message_id, \
             attachment_id, current, replaces) VALUES (?, ?, ?, ?, ?, ?, 1, ?)",
        )
        .bind(unit_id)
        .bind(slot)
        .bind(&file.name)
        .bind(&file.container)
        .bind(msg)
        .bind(attachment)
        .bind(replaces)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
