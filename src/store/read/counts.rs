//! How many rows the record holds: for checks after a run, and figures.

use super::super::Store;
use anyhow::Context;

/// Rows per table (and the material rows that still count).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecordCounts {
    /// Messages taken.
    pub messages: i64,
    /// Attachments at every depth.
    pub attachments: i64,
    /// Units.
    pub units: i64,
    /// Material rows, replaced ones included.
    pub unit_materials: i64,
    /// Material rows that count now.
    pub current_materials: i64,
    /// Application forms read.
    pub applications: i64,
    /// Summary rows read.
    pub summary_rows: i64,
    /// Problems recorded.
    pub problems: i64,
    /// Verdicts.
    pub verdicts: i64,
    /// Verdicts that carried a receipt number.
    pub receipts_told: i64,
    /// Outbox rows.
    pub outbox: i64,
    /// Messages still being retried by the intake.
    pub intake_attempts: i64,
}

impl Store {
    /// Counts the rows of the record.
    pub async fn record_counts(&self) -> anyhow::Result<RecordCounts> {
        let mut n = [0i64; 12];
        for (slot, sql) in [
            "SELECT COUNT(*) FROM messages",
            "SELECT COUNT(*) FROM attachments",
            "SELECT COUNT(*) FROM units",
            "SELECT COUNT(*) FROM unit_materials",
            "SELECT COUNT(*) FROM unit_materials WHERE current = 1",
            "SELECT COUNT(*) FROM applications",
            "SELECT COUNT(*) FROM summary_rows",
            "SELECT COUNT(*) FROM problems",
            "SELECT COUNT(*) FROM verdicts",
            "SELECT COUNT(*) FROM verdicts WHERE receipt IS NOT NULL",
            "SELECT COUNT(*) FROM outbox",
            "SELECT COUNT(*) FROM intake_attempts",
        ]
        .into_iter()
        .enumerate()
        {
            let (count,): (i64,) = sqlx::query_as(sql)
                .fetch_one(&self.pool)
                .await
                .with_context(|| format!("cannot count: {sql}"))?;
            if let Some(s) = n.get_mut(slot) {
                *s = count;
            }
        }
        let [
            messages,
            attachments,
            units,
            unit_materials,
            current_materials,
            applications,
            summary_rows,
            problems,
            verdicts,
            receipts_told,
            outbox,
            intake_attempts,
        ] = n;
        Ok(RecordCounts {
            messages,
            attachments,
            units,
            unit_materials,
            current_materials,
            applications,
            summary_rows,
            problems,
            verdicts,
            receipts_told,
            outbox,
            intake_attempts,
        })
    }
}
