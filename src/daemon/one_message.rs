//! Taking one message from the mailbox: read it, archive it, judge it, record the judgement
//! with the reply to send and the judge's new state in one transaction, then move it. A
//! message too large to read, or one the pipeline fails on, is put aside ([`put_aside`]); a
//! copy of our own reply is filed ([`sent_copy`]).
//!
//! [`put_aside`]: super::put_aside
//! [`sent_copy`]: super::sent_copy

use super::{Daemon, Stats};
use crate::mailbox::Waiting;
use crate::mailbox::maildir::ReadFailure;
use crate::message::Email;

use crate::notify::{self, ReplyContext};
use crate::pipeline;
use crate::store::{
    Composed, Composer, Incoming, MailKind, QueuedReply, Recorded, SourceRef, archive,
};
use crate::verdict::{Judged, Outcome};
use anyhow::Context;
use chrono::{DateTime, FixedOffset, Local, Utc};
use std::time::Instant;

impl Daemon {
    /// Processes one waiting message. An `Err` leaves it waiting (retried on a backoff) with
    /// the judge's state as it was.
    pub(super) async fn take(&mut self, w: &Waiting) -> anyhow::Result<Stats> {
        let started = Instant::now();
        let raw = match self.source.read(w, self.cfg.limits.max_message_bytes).await {
            Ok(raw) => raw,
            Err(ReadFailure::TooLarge(limit)) => return self.oversized(w, limit, started).await,
            Err(e) => return Err(e.into()),
        };
        if let Some(row) = self.own_copy(&raw).await? {
            return self.file_copy(w, row).await;
        }
        let (hash, rel) = self.archive_raw(&raw)?;
        if self.store.seen(&hash).await? {
            return self.already_recorded(w).await;
        }
        let source: SourceRef = w.source_ref();
        let incoming = Incoming {
            sha256: Some(&hash),
            raw_path: Some(&rel),
            size: raw.len(),
            arrival: w.arrival(),
            source: &source,
        };
        if let Some(why) = crate::message::not_mail(&raw) {
            tracing::warn!(mail = %w.name(), code = why.code(), "not an email, put aside");
            return self
                .put_aside(w, &incoming, None, why.label(), None, started)
                .await;
        }
        let limits = self.cfg.limits;
        let Ok(judged) = pipeline::process_guarded(&mut self.judge, &raw, w.arrival(), &limits)
        else {
            tracing::error!(mail = %w.name(), "the pipeline failed on this message");
            let reason = "处理邮件时发生内部错误";
            return self
                .put_aside(w, &incoming, None, reason, None, started)
                .await;
        };
        let (email, outcome, recorded) = self.record(&incoming, &raw, judged).await?;
        self.finish(w, &raw, &email, &outcome, recorded, started)
            .await
    }

    /// Writes the raw bytes to the archive before anything else: content-addressed and
    /// fsynced. Returns the hash and the path relative to the data directory.
    fn archive_raw(&self, raw: &[u8]) -> anyhow::Result<(String, String)> {
        let hash = archive::sha256_hex(raw);
        let rel = archive::relative_path("raw", &hash, ".eml");
        archive::write(
            self.store.data_dir(),
            &rel,
            raw,
            archive::Durability::Synced,
        )
        .with_context(|| format!("cannot archive the raw message as {}", rel.display()))?;
        Ok((hash, rel.to_string_lossy().into_owned()))
    }

    /// The same bytes were recorded before: the message leaves the mailbox, nothing changes.
    async fn already_recorded(&mut self, w: &Waiting) -> anyhow::Result<Stats> {
        self.source.done(w).await?;
        self.ops.telemetry.duplicate();
        tracing::info!(mail = %w.name(), "already recorded");
        Ok(Stats {
            duplicates: 1,
            ..Stats::default()
        })
    }

    /// Records the judgement with its reply and the judge's new state in one transaction;
    /// the judgement is taken back when it could not be recorded or was recorded before.
    async fn record(
        &mut self,
        incoming: &Incoming<'_>,
        raw: &[u8],
        judged: Judged,
    ) -> anyhow::Result<(Email, Outcome, Recorded)> {
        let Judged {
            email,
            outcome,
            before,
        } = judged;
        let reply = self
            .reply_to(&email, &outcome, raw, incoming.arrival)
            .await?;
        let letterhead = self.cfg.letterhead();
        let now = Local::now().fixed_offset();
        // Composed once, inside the transaction: the row id makes its Message-ID.
        let composer = |row_id: i64| {
            let ctx = ReplyContext {
                now,
                ..ReplyContext::of(&letterhead, row_id, incoming.arrival)
            };
            notify::compose(&outcome, &email, &letterhead, &ctx)
                .ok()
                .map(|r| Composed {
                    subject: r.subject,
                    message_id: r.message_id,
                    raw: r.raw,
                })
        };
        let changed = self.judge.changed(&before);
        let unit = changed.unit.map(|(_, u)| u);
        let reply_and_composer = reply.as_ref().map(|r| (r, &composer as Composer<'_>));
        let recorded = self
            .store
            .record(
                incoming,
                &email,
                &outcome,
                unit,
                reply_and_composer,
                Some(&changed),
            )
            .await;
        let recorded = match recorded {
            Ok(r) => r,
            Err(e) => {
                self.judge.take_back(before);
                return Err(e);
            }
        };
        if recorded.duplicate {
            self.judge.take_back(before);
        }
        if let (Some(why), Some(id)) = (
            reply.as_ref().and_then(|r| r.held.as_ref()),
            recorded.outbox,
        ) {
            tracing::warn!(reply = id, "sender check failed, reply held: {why}");
        }
        Ok((email, outcome, recorded))
    }

    /// The reply the outcome calls for, if there is someone to send it to and the sender's
    /// daily cap allows it; decided without composing it.
    async fn reply_to(
        &self,
        email: &Email,
        outcome: &Outcome,
        raw: &[u8],
        arrival: DateTime<FixedOffset>,
    ) -> anyhow::Result<Option<QueuedReply>> {
        let letterhead = self.cfg.letterhead();
        let ctx = ReplyContext::of(&letterhead, 0, arrival);
        match notify::addressee(outcome, email, &letterhead, &ctx) {
            Ok((to, kind)) => self.within_cap(to, kind.into(), raw).await,
            Err(why) => {
                tracing::debug!(?why, "no reply");
                Ok(None)
            }
        }
    }

    /// After recording: a bounce of our reply applied, the message moved, the counters and the
    /// one log line per message.
    async fn finish(
        &mut self,
        w: &Waiting,
        raw: &[u8],
        email: &Email,
        outcome: &Outcome,
        recorded: Recorded,
        started: Instant,
    ) -> anyhow::Result<Stats> {
        if email.automatic.is_some()
            && !recorded.duplicate
            && let Err(e) = self.store.apply_bounce(raw).await
        {
            // The message is recorded; retrying it would not help.
            tracing::error!(message = recorded.message, "cannot apply bounce: {e:#}");
        }
        self.source.done(w).await?;
        let took = started.elapsed();
        let verdict = crate::store::code(&outcome.verdict).unwrap_or_default();
        if recorded.duplicate {
            self.ops.telemetry.duplicate();
        } else {
            self.ops.telemetry.recorded(&verdict, took);
        }
        // The one line per message an operator greps for; everything else is in the record.
        let problems: Vec<String> = outcome
            .problems
            .iter()
            .filter_map(|p| crate::store::code(&p.code))
            .collect();
        tracing::info!(
            mail = %w.name(),
            row = recorded.message,
            receipt = outcome.receipt.as_deref().unwrap_or(""),
            unit = outcome.unit.as_deref().unwrap_or(""),
            verdict = %verdict,
            problems = %problems.join(","),
            ms = u64::try_from(took.as_millis()).unwrap_or(u64::MAX),
            message_id = email.message_id.as_deref().unwrap_or(""),
            duplicate = recorded.duplicate,
            "recorded"
        );
        Ok(if recorded.duplicate {
            Stats {
                duplicates: 1,
                ..Stats::default()
            }
        } else {
            Stats {
                judged: 1,
                ..Stats::default()
            }
        })
    }

    /// The reply to `to`, unless the per-sender daily cap is reached; held when the sender
    /// check (`trusted_authserv_id`) fails on `raw`.
    pub(super) async fn within_cap(
        &self,
        to: String,
        kind: MailKind,
        raw: &[u8],
    ) -> anyhow::Result<Option<QueuedReply>> {
        let since = Utc::now() - chrono::Duration::hours(24);
        let sent = self.store.replies_since(&to, since).await?;
        if sent >= i64::from(self.cfg.replies.per_sender_daily_cap) {
            tracing::warn!(to = %to, "daily reply cap reached: not answered");
            return Ok(None);
        }
        let held = self
            .cfg
            .replies
            .trusted_authserv_id
            .as_deref()
            .and_then(|id| notify::authres::check(raw, id).err());
        Ok(Some(QueuedReply {
            recipient: to,
            kind,
            held,
        }))
    }
}
