//! The file outbox of the embedded default: each queued reply is written as
//! `data_dir/outbox/<id>.eml` (the composed message, as SMTP would send it) beside
//! `<id>.json` (what it says: recipient, kind, receipt, verdict, problems) and marked
//! `written` (nobody is mailed: the division reads 已写入发件目录, not 已发送).

use super::ledger::Ledger;
use super::smtp::{SmtpOutbox, SmtpSettings};
use crate::store::fault::is_unwritable;
use crate::store::{MailKind, OutboxState, Queued, Store, archive};
use crate::telemetry::Telemetry;
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
    /// `receipt` (受理回执), `notice` (补正通知), `oversized` or `reminder`.
    kind: MailKind,
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
            kind: q.kind,
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

/// Writes every queued reply; a reply that cannot be written stays queued for the next
/// round (failed after 5 attempts). Returns how many were written.
async fn deliver_files(
    store: &Store,
    outbox: &FileOutbox,
    ledger: &mut Ledger,
    telemetry: &Telemetry,
) -> anyhow::Result<usize> {
    let mut sent = 0;
    for q in ledger.due(store.queued().await?, false) {
        ledger.begin(store, &q).await?;
        match outbox.write(&q) {
            Ok(_) => {
                telemetry.reply_sent();
                sent += 1;
                ledger
                    .handed_over(store, q.id, OutboxState::Written)
                    .await?;
            }
            Err(e) => {
                tracing::warn!(reply = q.id, "cannot write reply: {e:#}");
                telemetry.reply_failed();
                store
                    .mark_attempt_failed(q.id, &format!("{e:#}"), 5)
                    .await?;
                if is_unwritable(&e) {
                    // The same disk holds the record: every other reply would fail alike.
                    break;
                }
            }
        }
    }
    Ok(sent)
}

/// How the outbox is delivered, per `[outbox] kind`.
#[derive(Debug)]
pub enum Channel {
    /// Files in `data_dir/outbox/` (the embedded default).
    File(FileOutbox),
    /// The `[smtp]` server.
    Smtp(Box<SmtpOutbox>),
}

/// Where replies go, as the configuration asks (`Config::route`).
#[derive(Debug, Clone)]
pub enum Route {
    /// Files in the data directory's outbox folder (no server).
    File,
    /// An SMTP server.
    Smtp {
        /// How to reach it.
        server: SmtpSettings,
        /// The campaign mailbox, when every reply is also addressed to it so that its copy
        /// proves what the server took (an IMAP mailbox with `[smtp] sent_copy`).
        copy_to: Option<String>,
    },
}

/// The outbox's delivery: the channel and what this process knows beyond the record.
#[derive(Debug)]
pub struct Delivery {
    /// Where replies go.
    channel: Channel,
    /// Replies handed over whose delivery is not recorded yet.
    ledger: Ledger,
}

impl Delivery {
    /// The delivery along `route`; a file outbox lives in `data_dir`.
    pub fn new(route: Route, data_dir: &Path) -> anyhow::Result<Delivery> {
        let channel = match route {
            Route::File => Channel::File(FileOutbox::new(data_dir)),
            Route::Smtp { server, copy_to } => {
                let mut out = SmtpOutbox::new(&server)?;
                if let Some(mailbox) = copy_to {
                    out = out.with_copy_to(&mailbox)?;
                }
                Channel::Smtp(Box::new(out))
            }
        };
        Ok(Delivery {
            channel,
            ledger: Ledger::default(),
        })
    }

    /// Delivers what is due, counting successes and failures; returns how many replies left.
    /// Stops at the first reply whose attempt or delivery cannot be recorded (the store is
    /// not writable): nothing is sent whose fate the record could not keep.
    pub async fn deliver(&mut self, store: &Store, telemetry: &Telemetry) -> anyhow::Result<usize> {
        self.ledger.settle(store).await?;
        match &mut self.channel {
            Channel::File(f) => deliver_files(store, f, &mut self.ledger, telemetry).await,
            Channel::Smtp(s) => s.deliver(store, &mut self.ledger, telemetry).await,
        }
    }
}
