//! How many rows the record holds: for checks after a run, and figures.

use super::super::Store;
use anyhow::Context;
use sqlx::Row;

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
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM messages) AS messages, \
             (SELECT COUNT(*) FROM attachments) AS attachments, \
             (SELECT COUNT(*) FROM units) AS units, \
             (SELECT COUNT(*) FROM unit_materials) AS unit_materials, \
             (SELECT COUNT(*) FROM unit_materials WHERE current = 1) AS current_materials, \
             (SELECT COUNT(*) FROM applications) AS applications, \
             (SELECT COUNT(*) FROM summary_rows) AS summary_rows, \
             (SELECT COUNT(*) FROM problems) AS problems, \
             (SELECT COUNT(*) FROM verdicts) AS verdicts, \
             (SELECT COUNT(*) FROM verdicts WHERE receipt IS NOT NULL) AS receipts_told, \
             (SELECT COUNT(*) FROM outbox) AS outbox, \
             (SELECT COUNT(*) FROM intake_attempts) AS intake_attempts",
        )
        .fetch_one(&self.pool)
        .await
        .context("cannot count the record's rows")?;
        let n = |column: &str| -> anyhow::Result<i64> {
            row.try_get(column)
                .with_context(|| format!("cannot read the count of {column}"))
        };
        Ok(RecordCounts {
            messages: n("messages")?,
            attachments: n("attachments")?,
            units: n("units")?,
            unit_materials: n("unit_materials")?,
            current_materials: n("current_materials")?,
            applications: n("applications")?,
            summary_rows: n("summary_rows")?,
            problems: n("problems")?,
            verdicts: n("verdicts")?,
            receipts_told: n("receipts_told")?,
            outbox: n("outbox")?,
            intake_attempts: n("intake_attempts")?,
        })
    }
}
