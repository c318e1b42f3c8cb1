//! One round of the intake: list the mailbox, take every message whose turn it is, deliver
//! the outbox. A failure is sorted here: the machine's (the record cannot be written, the
//! mailbox connection broke) ends the round and is retried on one backoff, logged once per
//! change of state; a message's own failure is counted against it, and the message put aside
//! after [`MAX_ATTEMPTS`].

use super::retry::MAX_ATTEMPTS;
use super::{Daemon, Stats};
use crate::mailbox::Waiting;
use crate::ops;
use crate::store::fault::is_unwritable;
use crate::store::{Incoming, SourceRef};
use tokio::time::Instant;

/// What went wrong with one message, for the round to decide what follows.
enum Failure {
    /// The machine's: nothing else will work either until it clears.
    Machine(anyhow::Error),
    /// The message's own: others may go on.
    Message(anyhow::Error),
}

impl Daemon {
    /// One round: every waiting message in arrival order whose retry is due (stopping early
    /// on shutdown or on the machine's failure), then the outbox.
    pub async fn round(&mut self, shutdown: &super::Shutdown) -> anyhow::Result<Stats> {
        let mut stats = Stats::default();
        self.ops.notifier.ping();
        super::decide(&self.store, &self.cfg, &mut self.judge).await;
        let waiting = match self.source.waiting().await {
            Ok(w) => w,
            Err(e) => {
                let why = ops::short(&e);
                self.ops
                    .notifier
                    .status(&format!("mailbox unreachable: {why}"));
                return Err(e);
            }
        };
        self.ops.mailbox_reached();
        self.ops.save_contact(&self.store, true).await;
        let keys: Vec<String> = waiting.iter().map(Waiting::key).collect();
        self.retries.keep_only(keys.iter().map(String::as_str));
        self.forget_gone(&keys).await;
        let now = Instant::now();
        let machine_ready = self.retries.machine_ready(now);
        let n = waiting.len();
        for (i, (w, key)) in waiting.iter().zip(&keys).enumerate() {
            if shutdown.requested() {
                break;
            }
            if !machine_ready || !self.retries.due(key, now) {
                stats.errors += 1;
                continue;
            }
            if self.taken_since_wait.contains(key) {
                // Taken already and still listed: the server did not move it. Not again
                // before the next wait.
                continue;
            }
            self.ops
                .notifier
                .status(&format!("processing message {} of {n}", i + 1));
            let result = self.take(w).await;
            self.ops.notifier.ping();
            match result.map_err(|e| self.sort(e)) {
                Ok(s) => {
                    stats.add(s);
                    self.taken_since_wait.insert(key.clone());
                    self.machine_recovered();
                    if self.retries.cleared(key)
                        && let Err(e) = self.store.clear_attempts(key).await
                    {
                        tracing::warn!(mail = %w.name(), "{e:#}");
                    }
                }
                Err(Failure::Machine(e)) => {
                    self.machine_failed(&e, &w.name());
                    // This message and every one after it wait for the machine.
                    stats.errors += n - i;
                    break;
                }
                Err(Failure::Message(e)) => match self.message_failed(w, key, &e).await {
                    Ok(Some(put_aside)) => stats.add(put_aside),
                    Ok(None) => stats.errors += 1,
                    Err(e) => {
                        // Counting or putting aside needs the record: the machine's failure.
                        self.machine_failed(&e, &w.name());
                        stats.errors += n - i;
                        break;
                    }
                },
            }
        }
        if self.ops.telemetry.store_fault().is_none() {
            // After the round's mail, so the digest counts it and goes out with its replies.
            super::digest(&self.store, &self.cfg).await;
        }
        self.deliver().await?;
        Ok(stats)
    }

    /// Forgets the attempts at messages no longer in the mailbox (moved or deleted by
    /// someone else), so `status` does not list them as being retried.
    async fn forget_gone(&self, keys: &[String]) {
        let Ok(recorded) = self.store.intake_attempts().await else {
            return;
        };
        for a in recorded {
            if !keys.contains(&a.source_key)
                && let Err(e) = self.store.clear_attempts(&a.source_key).await
            {
                tracing::debug!("{e:#}");
            }
        }
    }

    /// The machine's failure or the message's own.
    fn sort(&self, e: anyhow::Error) -> Failure {
        if is_unwritable(&e) || !self.source.connected() {
            Failure::Machine(e)
        } else {
            Failure::Message(e)
        }
    }

    /// Logs the machine's failure once per change, tells `/healthz`, and backs off.
    fn machine_failed(&mut self, e: &anyhow::Error, mail: &str) {
        let wait = self.retries.machine_failed(Instant::now());
        if is_unwritable(e) {
            let why = ops::short(e);
            if self.ops.telemetry.set_store_fault(Some(&why)) {
                tracing::error!(
                    mail,
                    "the record cannot be written, intake and outbox stop until it can: {e:#}"
                );
            } else {
                tracing::debug!(mail, retry_in = ?wait, "record still not writable: {e:#}");
            }
        } else {
            tracing::warn!(mail, retry_in = ?wait, "message left waiting: {e:#}");
        }
    }

    /// A message was taken: a fault of the record, if any, has cleared.
    fn machine_recovered(&mut self) {
        self.retries.machine_works();
        if self.ops.telemetry.set_store_fault(None) {
            tracing::info!("the record can be written again");
        }
    }

    /// Counts a message's own failure; after [`MAX_ATTEMPTS`] puts it aside. Returns what
    /// putting aside did, if it happened.
    async fn message_failed(
        &mut self,
        w: &Waiting,
        key: &str,
        e: &anyhow::Error,
    ) -> anyhow::Result<Option<Stats>> {
        let reason = ops::short(e);
        let attempts = self.store.note_attempt(key, &w.name(), &reason).await?;
        let news = self
            .retries
            .message_failed(key, attempts, &reason, Instant::now());
        if attempts < MAX_ATTEMPTS {
            if news {
                tracing::warn!(mail = %w.name(), attempts, "message left waiting, will retry: {e:#}");
            } else {
                tracing::debug!(mail = %w.name(), attempts, "message still failing: {e:#}");
            }
            return Ok(None);
        }
        tracing::error!(mail = %w.name(), attempts, "message put aside after {attempts} failed attempts: {e:#}");
        let source: SourceRef = w.source_ref();
        let incoming = Incoming {
            sha256: None,
            raw_path: None,
            size: usize::try_from(w.size()).unwrap_or(usize::MAX),
            arrival: w.arrival(),
            source: &source,
        };
        let why = format!("尝试 {attempts} 次仍无法处理：{reason}");
        let stats = self
            .put_aside(w, &incoming, None, &why, None, std::time::Instant::now())
            .await?;
        self.retries.cleared(key);
        self.store.clear_attempts(key).await?;
        Ok(Some(stats))
    }

    /// Delivers the outbox unless the record cannot be written (then nothing is sent whose
    /// delivery could not be recorded).
    async fn deliver(&mut self) -> anyhow::Result<()> {
        if self.ops.telemetry.store_fault().is_some() {
            return Ok(());
        }
        let queued = self.ops.refresh(&self.store).await?;
        if queued > 0 {
            let what = if queued == 1 { "reply" } else { "replies" };
            self.ops
                .notifier
                .status(&format!("delivering {queued} {what}"));
        }
        if let Err(e) = self.outbox.deliver(&self.store, &self.ops.telemetry).await {
            if is_unwritable(&e) {
                let why = ops::short(&e);
                if self.ops.telemetry.set_store_fault(Some(&why)) {
                    tracing::error!("the record cannot be written, the outbox stops: {e:#}");
                }
                return Ok(());
            }
            return Err(e);
        }
        self.ops.refresh(&self.store).await?;
        Ok(())
    }
}
