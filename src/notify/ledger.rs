//! What the delivery knows beyond the record: replies handed over whose `sent` could not be
//! written yet, and which queued replies this process may hand over now. Shared by the file
//! and the SMTP channel.

use crate::store::{OutboxState, Queued, Store};
use std::collections::HashMap;

/// What the delivery knows beyond the record: the replies handed over whose `sent` could not
/// be written yet. They are never handed over again by this process; their record is
/// written as soon as the store takes writes again.
#[derive(Debug, Default)]
pub struct Ledger {
    /// Outbox rows handed over (server accepted, file written) but still `sending` in the
    /// record, with the state to record: `sent` or `written`.
    unrecorded: HashMap<i64, OutboxState>,
}

impl Ledger {
    /// Writes the `sent` of replies handed over earlier; an error while the store still
    /// cannot write.
    pub(super) async fn settle(&mut self, store: &Store) -> anyhow::Result<()> {
        let done: Vec<(i64, OutboxState)> = self.unrecorded.iter().map(|(k, v)| (*k, *v)).collect();
        for (id, how) in done {
            store.mark_delivered(id, how).await?;
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
            .filter(|q| !self.unrecorded.contains_key(&q.id))
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

    /// The reply was handed over: recorded as `how` (`sent` to a server, `written` into the
    /// file outbox), or kept here until it can be.
    pub(super) async fn handed_over(
        &mut self,
        store: &Store,
        id: i64,
        how: OutboxState,
    ) -> anyhow::Result<()> {
        if let Err(e) = store.mark_delivered(id, how).await {
            self.unrecorded.insert(id, how);
            return Err(e.context(format!("reply {id} was delivered but cannot be recorded")));
        }
        Ok(())
    }
}

/// How long a reply interrupted by a crash waits for its copy before it is sent again: the
/// copy of a reply the server took reaches the mailbox within seconds.
const COPY_GRACE_SECONDS: i64 = 30;
