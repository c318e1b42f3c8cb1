//! Messages put aside: recorded as failed with the reason and moved to the failed folder.
//! One too large to read is recorded from its header alone, its sender told (the usual rules
//! decide whether).

use super::{Daemon, Stats};
use crate::mailbox::Waiting;
use crate::message::{Email, parse_email};
use crate::notify::{self, ReplyContext};
use crate::store::{Composed, Composer, Incoming, MailKind, QueuedReply};
use std::time::Instant;

impl Daemon {
    /// A message over `max_message_bytes`: recorded as failed from its header alone, the
    /// sender told (the usual rules decide whether), and moved to the failed folder.
    pub(super) async fn oversized(
        &mut self,
        w: &Waiting,
        limit: usize,
        started: Instant,
    ) -> anyhow::Result<Stats> {
        let source = w.source_ref();
        let size = w.size();
        let incoming = Incoming {
            sha256: None,
            raw_path: None,
            size: usize::try_from(size).unwrap_or(usize::MAX),
            arrival: w.arrival(),
            source: &source,
        };
        let reason = format!("邮件大小 {size} 字节，超过 {limit} 字节的上限，未读取");
        tracing::warn!(mail = %w.name(), size, limit, "message over the size limit");
        if self.store.recorded_from(&source).await?.is_some() {
            // Recorded before a crash kept it from being moved: move it now, answer nothing.
            self.source.failed(w).await?;
            return Ok(Stats {
                duplicates: 1,
                ..Stats::default()
            });
        }
        let header = self.source.read_header(w).await?;
        let email = parse_email(&header, &self.cfg.limits);
        let limit = limit as u64;
        let arrival = w.arrival();
        // A copy, so the composer may live while the message is put aside.
        let cfg = self.cfg.clone();
        let letterhead = cfg.letterhead();
        let ctx = |row_id: i64| ReplyContext::of(&letterhead, row_id, arrival);
        let compose = |row_id: i64| {
            notify::oversized::compose_oversized(&email, size, limit, &letterhead, &ctx(row_id))
        };
        let reply = match notify::oversized::addressee(&email, &letterhead, &ctx(0)) {
            Ok(to) => self.within_cap(to, MailKind::Oversized, &header).await?,
            Err(_) => None,
        };
        let composer = |row_id: i64| {
            compose(row_id).ok().map(|r| Composed {
                subject: r.subject,
                message_id: r.message_id,
                raw: r.raw,
            })
        };
        let reply = reply.as_ref().map(|r| (r, &composer as Composer<'_>));
        self.put_aside(w, &incoming, Some(&email), &reason, reply, started)
            .await
    }

    /// Puts a message aside: recorded as failed with `reason` (and its header facts when
    /// read, and the reply that tells the sender, if any), moved to the failed folder.
    pub(super) async fn put_aside(
        &mut self,
        w: &Waiting,
        incoming: &Incoming<'_>,
        email: Option<&Email>,
        reason: &str,
        reply: Option<(&QueuedReply, Composer<'_>)>,
        started: Instant,
    ) -> anyhow::Result<Stats> {
        self.store
            .record_failed(incoming, email, reason, reply)
            .await?;
        self.source.failed(w).await?;
        self.ops.telemetry.recorded("failed", started.elapsed());
        Ok(Stats {
            failed: 1,
            ..Stats::default()
        })
    }
}
