//! A unit's overview row: what its latest email left (`units`), the receipt number issued to
//! it (`receipts`), the errors that still stand and the addresses it wrote from.

use super::super::Store;
use super::super::codes::{code_of, decode_opt};
use super::super::states::{DecisionKind, DecisionState};
use crate::rules::Severity;
use crate::verdict::Verdict;
use crate::verdict::materials::Materials;
use anyhow::Context;
use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use std::collections::HashMap;

/// An error of a unit's latest verdict: what it still has to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpenProblem {
    /// Stable problem code.
    pub code: String,
    /// The file concerned, if any.
    pub file: Option<String>,
    /// The form field concerned, if any: the division's views name it beside the file.
    pub field: Option<String>,
    /// The message the unit was sent.
    pub message: String,
}

/// One recorded unit.
#[derive(Debug, Clone)]
pub struct UnitRow {
    /// Row id in `units`.
    pub id: i64,
    /// Normalised key (matches the judge's; an address when no unit was named).
    pub key: String,
    /// Name for display.
    pub name: String,
    /// The receipt number issued to it, if any (kept even when later mail has problems).
    pub receipt: Option<String>,
    /// Emails with attachments received from it.
    pub emails: i64,
    /// Its current materials.
    pub materials: Materials,
    /// The verdict after its latest email.
    pub verdict: Option<Verdict>,
    /// Its latest email's row.
    pub last_message: Option<i64>,
    /// The errors of its latest verdict.
    pub errors: Vec<OpenProblem>,
    /// The addresses its emails came from (Reply-To first, as replies go), oldest first.
    pub addresses: Vec<String>,
    /// A clerk accepted it by hand (`decide accept`) and no mail of it came afterwards.
    pub accepted_by_hand: bool,
}

type Row = (
    i64,
    String,
    String,
    Option<String>,
    i64,
    Option<String>,
    Option<String>,
    Option<i64>,
    bool,
);

impl Store {
    /// Every recorded unit, by name.
    pub async fn units(&self) -> anyhow::Result<Vec<UnitRow>> {
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT u.id, u.key, u.name, r.receipt, u.emails, u.materials, u.verdict, \
             u.last_message, EXISTS (SELECT 1 FROM decisions d WHERE d.unit_key = u.key \
             AND d.kind = ? AND d.state = ? \
             AND COALESCE(d.after_message, 0) >= COALESCE(u.last_message, 0)) \
             FROM units u LEFT JOIN receipts r ON r.unit_key = u.key ORDER BY u.name",
        )
        .bind(code_of(DecisionKind::Accept))
        .bind(code_of(DecisionState::Applied))
        .fetch_all(&self.pool)
        .await
        .context("cannot read units")?;
        // Two queries for every unit's errors and addresses, not two per unit: the desk's
        // pages read every unit on each request.
        let mut errors = self.latest_errors().await?;
        let mut senders = self.senders().await?;
        let mut out = Vec::with_capacity(rows.len());
        for (id, key, name, receipt, emails, materials, verdict, last_message, by_hand) in rows {
            let materials = match materials.as_deref().map(serde_json::from_str) {
                Some(Ok(m)) => m,
                Some(Err(e)) => {
                    tracing::warn!(unit = %key, "stored materials unreadable: {e}");
                    Materials::default()
                }
                None => Materials::default(),
            };
            out.push(UnitRow {
                id,
                verdict: decode_opt("units", "verdict", verdict.as_deref())?,
                errors: last_message
                    .and_then(|m| errors.remove(&m))
                    .unwrap_or_default(),
                addresses: senders.remove(&id).unwrap_or_default(),
                key,
                name,
                receipt,
                emails,
                materials,
                last_message,
                accepted_by_hand: by_hand,
            });
        }
        Ok(out)
    }

    /// When each unit's first email arrived, by unit row: the export lists the units the
    /// configuration does not name in this order. Compared as instants, not as text: arrivals
    /// are recorded in the offset the mailbox gave them.
    pub async fn first_arrivals(&self) -> anyhow::Result<HashMap<i64, DateTime<FixedOffset>>> {
        let rows: Vec<(i64, String)> =
            sqlx::query_as("SELECT unit_id, arrival FROM messages WHERE unit_id IS NOT NULL")
                .fetch_all(&self.pool)
                .await
                .context("cannot read the units' arrivals (messages)")?;
        let mut out: HashMap<i64, DateTime<FixedOffset>> = HashMap::new();
        for (unit, arrival) in rows {
            let Ok(at) = DateTime::parse_from_rfc3339(&arrival) else {
                tracing::warn!(unit, arrival, "stored arrival unreadable");
                continue;
            };
            out.entry(unit)
                .and_modify(|first| *first = (*first).min(at))
                .or_insert(at);
        }
        Ok(out)
    }

    /// The row id of unit `key`, when it has one.
    pub async fn unit_id(&self, key: &str) -> anyhow::Result<Option<i64>> {
        let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM units WHERE key = ?")
            .bind(key)
            .fetch_optional(&self.pool)
            .await
            .with_context(|| format!("cannot read unit {key} (units)"))?;
        Ok(row.map(|(id,)| id))
    }

    /// The key of the unit message `id` was counted for: None when there is no such message,
    /// `Some(None)` when it was counted for no unit.
    pub async fn unit_of_message(&self, id: i64) -> anyhow::Result<Option<Option<String>>> {
        let row: Option<(Option<String>,)> = sqlx::query_as(
            "SELECT u.key FROM messages m LEFT JOIN units u ON u.id = m.unit_id WHERE m.id = ?",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .with_context(|| format!("cannot read the unit of message {id} (messages, units)"))?;
        Ok(row.map(|(key,)| key))
    }

    /// The errors recorded with each unit's latest message, by message.
    async fn latest_errors(&self) -> anyhow::Result<HashMap<i64, Vec<OpenProblem>>> {
        /// Message, code, file, field, text.
        type ProblemRow = (i64, String, Option<String>, Option<String>, String);
        let rows: Vec<ProblemRow> = sqlx::query_as(
            "SELECT p.message_id, p.code, p.file, p.field, p.message FROM problems p \
             JOIN units u ON u.last_message = p.message_id WHERE p.severity = ? ORDER BY p.id",
        )
        .bind(code_of(Severity::Error))
        .fetch_all(&self.pool)
        .await
        .context("cannot read the units' open problems (problems)")?;
        let mut out: HashMap<i64, Vec<OpenProblem>> = HashMap::new();
        for (m, code, file, field, message) in rows {
            out.entry(m).or_default().push(OpenProblem {
                code,
                file,
                field,
                message,
            });
        }
        Ok(out)
    }

    /// The addresses each unit's emails came from (Reply-To first), oldest first, by unit.
    async fn senders(&self) -> anyhow::Result<HashMap<i64, Vec<String>>> {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT unit_id, COALESCE(reply_to, sender) AS a FROM messages \
             WHERE unit_id IS NOT NULL AND a IS NOT NULL GROUP BY unit_id, lower(a) \
             ORDER BY MIN(id)",
        )
        .fetch_all(&self.pool)
        .await
        .context("cannot read the units' senders (messages)")?;
        let mut out: HashMap<i64, Vec<String>> = HashMap::new();
        for (unit, address) in rows {
            out.entry(unit).or_default().push(address);
        }
        Ok(out)
    }
}
