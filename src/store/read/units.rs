//! A unit's overview row: what its latest email left (`units`), the receipt number issued to
//! it (`receipts`), the errors that still stand and the addresses it wrote from.

use super::super::Store;
use super::super::codes::{code_of, decode_opt};
use super::super::states::{DecisionKind, DecisionState};
use crate::rules::Severity;
use crate::verdict::Verdict;
use crate::verdict::materials::Materials;
use anyhow::Context;
use serde::Serialize;

/// An error of a unit's latest verdict: what it still has to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpenProblem {
    /// Stable problem code.
    pub code: String,
    /// The file concerned, if any.
    pub file: Option<String>,
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
                errors: self.errors_of(last_message).await?,
                addresses: self.senders_of(id).await?,
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

    /// The errors recorded with message `last` (a unit's latest).
    async fn errors_of(&self, last: Option<i64>) -> anyhow::Result<Vec<OpenProblem>> {
        let Some(last) = last else {
            return Ok(Vec::new());
        };
        let rows: Vec<(String, Option<String>, String)> = sqlx::query_as(
            "SELECT code, file, message FROM problems WHERE message_id = ? AND severity = ? \
             ORDER BY id",
        )
        .bind(last)
        .bind(code_of(Severity::Error))
        .fetch_all(&self.pool)
        .await
        .with_context(|| format!("cannot read the problems of message {last} (problems)"))?;
        Ok(rows
            .into_iter()
            .map(|(code, file, message)| OpenProblem {
                code,
                file,
                message,
            })
            .collect())
    }

    /// The addresses a unit's emails came from (Reply-To first), oldest first.
    async fn senders_of(&self, unit: i64) -> anyhow::Result<Vec<String>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT COALESCE(reply_to, sender) AS a FROM messages WHERE unit_id = ? \
             AND a IS NOT NULL GROUP BY lower(a) ORDER BY MIN(id)",
        )
        .bind(unit)
        .fetch_all(&self.pool)
        .await
        .with_context(|| format!("cannot read the senders of unit {unit} (messages)"))?;
        Ok(rows.into_iter().map(|(a,)| a).collect())
    }
}
