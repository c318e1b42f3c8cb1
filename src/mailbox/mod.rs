//! Where submissions come from: a local Maildir (the embedded default) or an IMAP server,
//! behind one small [`Source`] the daemon loop uses without knowing which.

pub mod imap;
pub mod maildir;

use crate::config::{Mailbox, MailboxKind};
use crate::shutdown::Shutdown;
use crate::store::{SourceKind, SourceRef};
use anyhow::Context;
use anyhow::anyhow;
use chrono::{DateTime, FixedOffset};
use maildir::{Maildir, ReadFailure};
use std::time::Duration;

/// The mailbox read.
pub enum Source {
    /// A local Maildir.
    Maildir(Maildir),
    /// An IMAP server (boxed: the session is large).
    Imap(Box<imap::ImapSource>),
}

/// A message waiting to be taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Waiting {
    /// A file in the Maildir's `new/`.
    Maildir(maildir::Waiting),
    /// A message in the IMAP inbox folder.
    Imap(imap::Waiting),
}

impl Waiting {
    /// A name for logs.
    pub fn name(&self) -> String {
        match self {
            Waiting::Maildir(w) => w.name.clone(),
            Waiting::Imap(w) => format!("{} UID {}", w.folder, w.uid),
        }
    }

    /// When it arrived: the deadline is checked against this.
    pub fn arrival(&self) -> DateTime<FixedOffset> {
        match self {
            Waiting::Maildir(w) => w.arrival,
            Waiting::Imap(w) => w.arrival,
        }
    }

    /// Its size in bytes as far as known without reading it.
    pub fn size(&self) -> u64 {
        match self {
            Waiting::Maildir(w) => std::fs::metadata(&w.path).map(|m| m.len()).unwrap_or(0),
            Waiting::Imap(w) => w.size,
        }
    }

    /// Where it waits, as a stable key for its attempts: a Maildir file name, or the IMAP
    /// UID under its UIDVALIDITY.
    pub fn key(&self) -> String {
        match self {
            Waiting::Maildir(w) => format!("maildir:{}", w.name),
            Waiting::Imap(w) => format!("imap:{}:{}", w.uidvalidity, w.uid),
        }
    }

    /// Where it came from, for the record.
    pub fn source_ref(&self) -> SourceRef {
        match self {
            Waiting::Maildir(w) => SourceRef {
                kind: SourceKind::Maildir,
                name: Some(w.name.clone()),
                ..SourceRef::default()
            },
            Waiting::Imap(w) => SourceRef {
                kind: SourceKind::Imap,
                name: Some(w.folder.clone()),
                uid: Some(w.uid),
                uidvalidity: Some(w.uidvalidity),
            },
        }
    }
}

impl Source {
    /// The source `[mailbox]` names.
    pub fn open(cfg: &Mailbox) -> anyhow::Result<Source> {
        match cfg.kind {
            MailboxKind::Maildir => Maildir::open(&cfg.path)
                .map(Source::Maildir)
                .with_context(|| format!("cannot open Maildir {}", cfg.path.display())),
            MailboxKind::Imap => {
                let imap = cfg
                    .imap
                    .clone()
                    .ok_or_else(|| anyhow!("mailbox.kind = \"imap\" 需要 [mailbox.imap] 一节"))?;
                Ok(Source::Imap(Box::new(imap::ImapSource::new(imap)?)))
            }
        }
    }

    /// The messages waiting, in arrival order.
    pub async fn waiting(&mut self) -> anyhow::Result<Vec<Waiting>> {
        match self {
            Source::Maildir(m) => Ok(m.waiting()?.into_iter().map(Waiting::Maildir).collect()),
            Source::Imap(i) => Ok(i.waiting().await?.into_iter().map(Waiting::Imap).collect()),
        }
    }

    /// Reads a waiting message, refusing one larger than `max_bytes`.
    pub async fn read(&mut self, w: &Waiting, max_bytes: usize) -> Result<Vec<u8>, ReadFailure> {
        match (self, w) {
            (Source::Maildir(m), Waiting::Maildir(w)) => m.read(w, max_bytes),
            (Source::Imap(i), Waiting::Imap(w)) => {
                if w.size > max_bytes as u64 {
                    return Err(ReadFailure::TooLarge(max_bytes));
                }
                let raw = i
                    .read(w)
                    .await
                    .map_err(|e| ReadFailure::Server(format!("{e:#}")))?;
                if raw.len() > max_bytes {
                    return Err(ReadFailure::TooLarge(max_bytes));
                }
                Ok(raw)
            }
            _ => Err(ReadFailure::Server("来源不匹配".into())),
        }
    }

    /// The header of a waiting message, however large the message: enough to answer one
    /// too large to take.
    pub async fn read_header(&mut self, w: &Waiting) -> anyhow::Result<Vec<u8>> {
        match (self, w) {
            (Source::Maildir(m), Waiting::Maildir(w)) => Ok(m.read_header(w)?),
            (Source::Imap(i), Waiting::Imap(w)) => i.read_header(w).await,
            _ => Err(anyhow!("waiting message of another source")),
        }
    }

    /// Marks a recorded message done (Maildir `cur/`, IMAP processed folder).
    pub async fn done(&mut self, w: &Waiting) -> anyhow::Result<()> {
        match (self, w) {
            (Source::Maildir(m), Waiting::Maildir(w)) => Ok(m.done(w)?),
            (Source::Imap(i), Waiting::Imap(w)) => i.done(w).await,
            _ => Err(anyhow!("waiting message of another source")),
        }
    }

    /// Files a copy of our own reply: the IMAP sent folder (Maildir: `cur/`, as done).
    pub async fn file_sent_copy(&mut self, w: &Waiting) -> anyhow::Result<()> {
        match (self, w) {
            (Source::Maildir(m), Waiting::Maildir(w)) => Ok(m.done(w)?),
            (Source::Imap(i), Waiting::Imap(w)) => i.file_sent_copy(w).await,
            _ => Err(anyhow!("waiting message of another source")),
        }
    }

    /// Puts aside a message that cannot be processed at all.
    pub async fn failed(&mut self, w: &Waiting) -> anyhow::Result<()> {
        match (self, w) {
            (Source::Maildir(m), Waiting::Maildir(w)) => Ok(m.failed(w)?),
            (Source::Imap(i), Waiting::Imap(w)) => i.failed(w).await,
            _ => Err(anyhow!("waiting message of another source")),
        }
    }

    /// Waits until new mail may be there (`poll`, or IDLE), at most `most` (when a retry
    /// falls due), returning early on shutdown or when `wake` is notified (a decision of the
    /// division waits to be applied). `on_tick` runs every `tick` meanwhile (watchdog, gauges,
    /// due replies), without ending an IDLE.
    pub async fn wait(
        &mut self,
        poll: Duration,
        most: Duration,
        tick: Duration,
        stop: Interrupt<'_>,
        on_tick: &mut impl AsyncFnMut(),
    ) {
        match self {
            Source::Maildir(_) => sleep_ticking(poll.min(most), tick, stop, on_tick).await,
            Source::Imap(i) => i.wait(poll, most, tick, stop, on_tick).await,
        }
    }

    /// Whether the source can be read now: false while an IMAP session is down (an error
    /// then is the connection's, not the message's).
    pub fn connected(&self) -> bool {
        match self {
            Source::Maildir(_) => true,
            Source::Imap(i) => i.connected(),
        }
    }

    /// Whether waiting uses IMAP IDLE (for the status line).
    pub fn idles(&self) -> bool {
        matches!(self, Source::Imap(i) if i.idles())
    }

    /// Shares the daemon's counters with the source (IMAP reconnects and IDLE contact).
    pub fn set_telemetry(&mut self, t: crate::telemetry::Telemetry) {
        if let Source::Imap(i) = self {
            i.set_telemetry(t);
        }
    }

    /// Ends any session (IMAP LOGOUT).
    pub async fn close(&mut self) {
        if let Source::Imap(i) = self {
            i.close().await;
        }
    }
}

/// What ends a wait early: shutdown, or a wake-up (a decision to apply now).
pub struct Interrupt<'a> {
    /// Stopping was asked for.
    pub shutdown: &'a mut Shutdown,
    /// Notified by the web desk when a decision is proposed.
    pub wake: &'a tokio::sync::Notify,
}

/// Sleeps for `d`, running `on_tick` every `tick`; returns early on shutdown or wake-up.
pub async fn sleep_ticking(
    d: Duration,
    tick: Duration,
    stop: Interrupt<'_>,
    on_tick: &mut impl AsyncFnMut(),
) {
    let Interrupt { shutdown, wake } = stop;
    let end = tokio::time::Instant::now() + d;
    loop {
        let now = tokio::time::Instant::now();
        if now >= end {
            return;
        }
        let step = (end - now).min(tick);
        tokio::select! {
            _ = tokio::time::sleep(step) => {}
            _ = shutdown.wait() => return,
            _ = wake.notified() => return,
        }
        // The last step ends the wait: the round that follows does the tick's work anyway.
        if tokio::time::Instant::now() < end {
            on_tick().await;
        }
    }
}
