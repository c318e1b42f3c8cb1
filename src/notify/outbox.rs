//! The file outbox of the embedded default: each queued reply is written as
//! `data_dir/outbox/<id>.eml` (the composed message, as SMTP would send it) beside
//! `<id>.json` (what it says: recipient, kind, receipt, verdict, problems) and marked sent.

use super::smtp::SmtpOutbox;
use crate::config::{Config, OutboxKind};
use crate::ops::telemetry::Telemetry;
use crate::store::{Queued, Store, archive};
use serde::Serialize;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The outbox folder.
#[derive(Debug, Clone)]
pub struct FileOutbox {
    /// `data_dir/outbox`.
    dir: PathBuf,
}

/// One reply as written.
#[derive(Debug, Serialize)]
struct ReplyFile<'a> {
    /// The outbox row: the reply's identity.
    id: i64,
    /// Where it goes.
    recipient: &'a str,
    /// `receipt` (受理回执) or `notice` (补正通知).
    kind: &'a str,
    /// Message-ID of the sender's message, for In-Reply-To.
    in_reply_to: Option<&'a str>,
    /// The unit answered.
    unit: &'a Value,
    /// Receipt number, once accepted.
    receipt: &'a Value,
    /// accepted / rejected.
    verdict: &'a Value,
    /// Every problem (code, severity, file, field, message).
    problems: &'a Value,
    /// The files received.
    attachments: &'a Value,
}

impl FileOutbox {
    /// The outbox of a data directory.
    pub fn new(data_dir: &Path) -> FileOutbox {
        FileOutbox {
            dir: data_dir.join("outbox"),
        }
    }

    /// Writes one reply, replacing an earlier partial write of it.
    pub fn write(&self, q: &Queued) -> anyhow::Result<PathBuf> {
        let outcome: Value = serde_json::from_str(&q.outcome)?;
        let field = |k: &str| outcome.get(k).unwrap_or(&Value::Null);
        let reply = ReplyFile {
            id: q.id,
            recipient: &q.recipient,
            kind: &q.kind,
            in_reply_to: q.in_reply_to.as_deref(),
            unit: field("unit"),
            receipt: field("receipt"),
            verdict: field("verdict"),
            problems: field("problems"),
            attachments: field("attachments"),
        };
        if let Some(raw) = &q.raw {
            let eml = PathBuf::from(format!("{}.eml", q.id));
            archive::write(&self.dir, &eml, raw, archive::Durability::Synced)?;
        }
        let bytes = serde_json::to_vec_pretty(&reply)?;
        let rel = PathBuf::from(format!("{}.json", q.id));
        archive::write(&self.dir, &rel, &bytes, archive::Durability::Synced)?;
        Ok(self.dir.join(rel))
    }
}

/// Delivers every queued reply; a reply that cannot be written stays queued for the next
/// round (failed after 5 attempts). Returns how many were delivered.
pub async fn deliver(
    store: &Store,
    outbox: &FileOutbox,
    telemetry: &Telemetry,
) -> anyhow::Result<usize> {
    let mut sent = 0;
    for q in store.queued().await? {
        match outbox.write(&q) {
            Ok(_) => {
                store.mark_sent(q.id).await?;
                telemetry.reply_sent();
                sent += 1;
            }
            Err(e) => {
                tracing::warn!(reply = q.id, "cannot write reply: {e:#}");
                telemetry.reply_failed();
                store
                    .mark_attempt_failed(q.id, &format!("{e:#}"), 5)
                    .await?;
            }
        }
    }
    Ok(sent)
}

/// How the outbox is delivered, per `[outbox] kind`.
#[derive(Debug)]
pub enum Delivery {
    /// Files in `data_dir/outbox/` (the embedded default).
    File(FileOutbox),
    /// The `[smtp]` server.
    Smtp(Box<SmtpOutbox>),
}

impl Delivery {
    /// The delivery the configuration asks for.
    pub fn new(cfg: &Config, data_dir: &Path) -> anyhow::Result<Delivery> {
        Ok(match cfg.outbox.kind {
            OutboxKind::File => Delivery::File(FileOutbox::new(data_dir)),
            OutboxKind::Smtp => {
                let smtp = cfg.smtp.as_ref().ok_or_else(|| {
                    anyhow::anyhow!("[outbox] kind = \"smtp\" needs an [smtp] section")
                })?;
                Delivery::Smtp(Box::new(SmtpOutbox::new(smtp)?))
            }
        })
    }

    /// Delivers what is due, counting successes and failures; returns how many replies left.
    pub async fn deliver(&mut self, store: &Store, telemetry: &Telemetry) -> anyhow::Result<usize> {
        match self {
            Delivery::File(f) => deliver(store, f, telemetry).await,
            Delivery::Smtp(s) => s.deliver(store, telemetry).await,
        }
    }
}
