//! Taking one message from the mailbox: archive, judge, record, then move it.

use super::{Daemon, Stats};
use crate::mailbox::Waiting;
use crate::mailbox::maildir::ReadFailure;
use crate::notify::{self, ReplyContext};
use crate::pipeline;
use crate::store::{Composed, Composer, Incoming, Reply, SourceRef, archive};
use chrono::{Local, Utc};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Instant;

impl Daemon {
    /// Processes one waiting message. An `Err` leaves it waiting (retried next round) with
    /// the judge's state as it was.
    pub(super) async fn take(&mut self, w: &Waiting) -> anyhow::Result<Stats> {
        let started = Instant::now();
        let source: SourceRef = w.source_ref();
        let name = w.name();
        let arrival = w.arrival();
        let raw = match self.source.read(w, self.cfg.limits.max_message_bytes).await {
            Ok(raw) => raw,
            Err(e @ ReadFailure::TooLarge(_)) => {
                let size = w.size();
                let incoming = Incoming {
                    sha256: None,
                    raw_path: None,
                    size: usize::try_from(size).unwrap_or(usize::MAX),
                    arrival,
                    source: &source,
                };
                self.store
                    .record_failed(&incoming, None, &e.to_string())
                    .await?;
                self.source.failed(w).await?;
                self.ops.telemetry.recorded("failed", started.elapsed());
                tracing::warn!(mail = %name, "{e}");
                return Ok(Stats {
                    failed: 1,
                    ..Stats::default()
                });
            }
            Err(e) => return Err(e.into()),
        };
        // Before anything else: the raw bytes, content-addressed and fsynced.
        let hash = archive::sha256_hex(&raw);
        let rel = archive::relative_path("raw", &hash, ".eml");
        archive::write(
            self.store.data_dir(),
            &rel,
            &raw,
            archive::Durability::Synced,
        )?;
        let rel = rel.to_string_lossy().into_owned();
        if self.store.seen(&hash).await? {
            self.source.done(w).await?;
            self.ops.telemetry.duplicate();
            tracing::info!(mail = %name, "already recorded");
            return Ok(Stats {
                duplicates: 1,
                ..Stats::default()
            });
        }
        let incoming = Incoming {
            sha256: Some(&hash),
            raw_path: Some(&rel),
            size: raw.len(),
            arrival,
            source: &source,
        };
        let before = self.judge.state.clone();
        let limits = self.cfg.limits;
        let judge = &mut self.judge;
        let run = catch_unwind(AssertUnwindSafe(|| {
            pipeline::process(judge, &raw, arrival, &limits)
        }));
        let (email, outcome) = match run {
            Ok(r) => r,
            Err(_) => {
                self.judge.state = before;
                self.store
                    .record_failed(&incoming, None, "处理邮件时发生内部错误")
                    .await?;
                self.source.failed(w).await?;
                self.ops.telemetry.recorded("failed", started.elapsed());
                tracing::error!(mail = %name, "the pipeline failed on this message");
                return Ok(Stats {
                    failed: 1,
                    ..Stats::default()
                });
            }
        };
        let campaign = &self.cfg.campaign;
        let now = Local::now().fixed_offset();
        let ctx = |row_id: i64| ReplyContext {
            from_address: campaign.mailbox.clone(),
            from_name: self.cfg.replies.from_name.clone(),
            reply_to: None,
            domain: campaign
                .mailbox
                .rsplit_once('@')
                .map(|(_, d)| d.to_string())
                .unwrap_or_default(),
            row_id,
            received: arrival,
            now,
        };
        // The composer decides who gets a reply (automatic mail, our own address, no usable
        // address: none); the row id it needs for the Message-ID comes with the insert.
        let reply = match notify::compose(&outcome, &email, campaign, &ctx(0)) {
            Ok(r) => {
                let since = Utc::now() - chrono::Duration::hours(24);
                let sent = self.store.replies_since(&r.to, since).await?;
                if sent >= i64::from(self.cfg.replies.per_sender_daily_cap) {
                    tracing::warn!(to = %r.to, "daily reply cap reached: not answered");
                    None
                } else {
                    Some(Reply {
                        recipient: r.to,
                        kind: r.kind.as_str(),
                    })
                }
            }
            Err(why) => {
                tracing::debug!(mail = %name, ?why, "no reply");
                None
            }
        };
        // The sender check (`trusted_authserv_id`): a reply to a sender that fails it is held.
        let held = reply
            .as_ref()
            .and(self.cfg.replies.trusted_authserv_id.as_deref());
        let held = held.and_then(|id| notify::authres::check(&raw, id).err());
        let composer = |row_id: i64| {
            notify::compose(&outcome, &email, campaign, &ctx(row_id))
                .ok()
                .map(|r| Composed {
                    subject: r.subject,
                    message_id: r.message_id,
                    raw: r.raw,
                })
        };
        let unit = outcome
            .unit_key
            .as_ref()
            .and_then(|k| self.judge.state.units.get(k));
        let recorded = match self
            .store
            .record(
                &incoming,
                &email,
                &outcome,
                unit,
                reply.as_ref().map(|r| (r, &composer as Composer<'_>)),
            )
            .await
        {
            Ok(r) => r,
            Err(e) => {
                self.judge.state = before;
                return Err(e);
            }
        };
        if recorded.duplicate {
            self.judge.state = before;
        }
        self.after_record(&raw, &email, &recorded, held.as_deref())
            .await;
        self.source.done(w).await?;
        let took = started.elapsed();
        let verdict = crate::store::label(&outcome.verdict).unwrap_or_default();
        if recorded.duplicate {
            self.ops.telemetry.duplicate();
        } else {
            self.ops.telemetry.recorded(&verdict, took);
        }
        // The one line per message an operator greps for; everything else is in the record.
        let problems: Vec<String> = outcome
            .problems
            .iter()
            .filter_map(|p| crate::store::label(&p.code))
            .collect();
        tracing::info!(
            mail = %name,
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
}

impl Daemon {
    /// What follows a committed record: holding a reply whose sender failed the check, and
    /// marking our replies undelivered when the message is a delivery report about them.
    /// Failures are logged only: the message is recorded, and retrying it would not help.
    async fn after_record(
        &self,
        raw: &[u8],
        email: &crate::message::Email,
        recorded: &crate::store::Recorded,
        held: Option<&str>,
    ) {
        if let (Some(why), Some(id)) = (held, recorded.outbox) {
            tracing::warn!(reply = id, "sender check failed, reply held: {why}");
            if let Err(e) = self.store.hold(id, why).await {
                tracing::error!(reply = id, "cannot hold reply: {e:#}");
            }
        }
        if email.automatic.is_some()
            && !recorded.duplicate
            && let Err(e) = self.store.apply_bounce(raw).await
        {
            tracing::error!(message = recorded.message, "cannot apply bounce: {e:#}");
        }
    }
}
