//! The file outbox of the embedded default: each queued reply is written as
//! `data_dir/outbox/<id>.eml` (the composed message, as SMTP would send it) beside
//! `<id>.json` (what it says: recipient, kind, receipt, verdict, problems) and marked sent.

use super::smtp::SmtpOutbox;
use crate::config::{Config, OutboxKind};
use crate::store::fault::is_unwritable;
use crate::store::{MailKind, Queued, Store, archive};
use crate::telemetry::Telemetry;
use serde::Serialize;
use serde_json::Value;
use std::collections::HashSet;
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
                ledger.handed_over(store, q.id).await?;
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

/// What the delivery knows beyond the record: the replies handed over whose `sent` could not
/// be written yet. They are never handed over again by this process; their record is
/// written as soon as the store takes writes again.
#[derive(Debug, Default)]
pub struct Ledger {
    /// Outbox rows handed over (server accepted, file written) but still `sending` in the
    /// record.
    unrecorded: HashSet<i64>,
}

impl Ledger {
    /// Writes the `sent` of replies handed over earlier; an error while the store still
    /// cannot write.
    async fn settle(&mut self, store: &Store) -> anyhow::Result<()> {
        let ids: Vec<i64> = self.unrecorded.iter().copied().collect();
        for id in ids {
            store.mark_sent(id).await?;
            self.unrecorded.remove(&id);
            tracing::info!(reply = id, "delivery recorded after the store recovered");
        }
        Ok(())
    }

    /// The queued replies this process may hand over: not those already handed over, nor,
    /// when replies leave with a copy (`copies`), an interrupted one whose copy may still be
    /// on its way: the copy proves the server took it.
    pub(super) fn due(&self, queued: Vec<Queued>, copies: bool) -> Vec<Queued> {
        let now = chrono::Utc::now();
        let grace = chrono::Duration::seconds(COPY_GRACE_SECONDS);
        queued
            .into_iter()
            .filter(|q| !self.unrecorded.contains(&q.id))
            .filter(|q| match (copies, q.interrupted, q.sending_at) {
                (true, true, Some(at)) => at + grace <= now,
                _ => true,
            })
            .collect()
    }

    /// Records the attempt before the hand-over; an error means the reply must not be sent
    /// (its fate could not be recorded).
    pub(super) async fn begin(&self, store: &Store, q: &Queued) -> anyhow::Result<()> {
        if q.interrupted {
            // The last process began this hand-over and died before recording its end: the
            // server may have it already. Resending risks a duplicate; not resending risks a
            // unit without an answer, which is worse.
            tracing::warn!(
                reply = q.id,
                to = %q.recipient,
                "reply was being sent when the last run stopped; sending it again"
            );
        }
        store.mark_sending(q.id).await
    }

    /// The reply was handed over: recorded `sent`, or kept here until it can be.
    pub(super) async fn handed_over(&mut self, store: &Store, id: i64) -> anyhow::Result<()> {
        if let Err(e) = store.mark_sent(id).await {
            self.unrecorded.insert(id);
            return Err(e.context(format!("reply {id} was delivered but cannot be recorded")));
        }
        Ok(())
    }
}

/// How long a reply interrupted by a crash waits for its copy before it is sent again: the
/// copy of a reply the server took reaches the mailbox within seconds.
const COPY_GRACE_SECONDS: i64 = 30;

/// How the outbox is delivered, per `[outbox] kind`.
#[derive(Debug)]
pub enum Channel {
    /// Files in `data_dir/outbox/` (the embedded default).
    File(FileOutbox),
    /// The `[smtp]` server.
    Smtp(Box<SmtpOutbox>),
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
    /// The delivery the configuration asks for.
    pub fn new(cfg: &Config, data_dir: &Path) -> anyhow::Result<Delivery> {
        let channel = match cfg.outbox.kind {
            OutboxKind::File => Channel::File(FileOutbox::new(data_dir)),
            OutboxKind::Smtp => {
                let smtp = cfg.smtp.as_ref().ok_or_else(|| {
                    anyhow::anyhow!("[outbox] kind = \"smtp\" needs an [smtp] section")
                })?;
                let mut out = SmtpOutbox::new(smtp)?;
                if smtp.sent_copy && cfg.mailbox.kind == crate::config::MailboxKind::Imap {
                    out = out.with_copy_to(&cfg.campaign.mailbox)?;
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
