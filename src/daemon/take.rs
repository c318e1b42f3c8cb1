//! Taking one message from the mailbox: archive, judge, record, then move it. A message too
//! large to read, or one the pipeline fails on, is put aside in the failed folder, recorded
//! with the reason (the sender of a too-large one told so).

use super::{Daemon, Stats};
use crate::mailbox::Waiting;
use crate::mailbox::maildir::ReadFailure;
use crate::message::{Email, parse_email};
use crate::notify::{self, ReplyContext};
use crate::pipeline;
use crate::store::{Composed, Composer, Incoming, Reply, SourceRef, archive};
use anyhow::Context;
use chrono::{Local, Utc};
use std::time::Instant;

impl Daemon {
    /// Processes one waiting message. An `Err` leaves it waiting (retried on a backoff) with
    /// the judge's state as it was.
    pub(super) async fn take(&mut self, w: &Waiting) -> anyhow::Result<Stats> {
        let started = Instant::now();
        let source: SourceRef = w.source_ref();
        let name = w.name();
        let arrival = w.arrival();
        let raw = match self.source.read(w, self.cfg.limits.max_message_bytes).await {
            Ok(raw) => raw,
            Err(ReadFailure::TooLarge(limit)) => return self.oversized(w, limit, started).await,
            Err(e) => return Err(e.into()),
        };
        if let Some(row) = self.own_copy(&raw).await? {
            return self.file_copy(w, row).await;
        }
        // Before anything else: the raw bytes, content-addressed and fsynced.
        let hash = archive::sha256_hex(&raw);
        let rel = archive::relative_path("raw", &hash, ".eml");
        archive::write(
            self.store.data_dir(),
            &rel,
            &raw,
            archive::Durability::Synced,
        )
        .with_context(|| format!("cannot archive the raw message as {}", rel.display()))?;
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
        let limits = self.cfg.limits;
        let Ok(judged) = pipeline::process_guarded(&mut self.judge, &raw, arrival, &limits) else {
            tracing::error!(mail = %name, "the pipeline failed on this message");
            let reason = "处理邮件时发生内部错误";
            return self
                .put_aside(w, &incoming, None, reason, None, started)
                .await;
        };
        let (email, outcome, before) = (judged.email, judged.outcome, judged.before);
        let campaign = &self.cfg.campaign;
        let now = Local::now().fixed_offset();
        let ctx = |row_id: i64| ReplyContext {
            now,
            ..ReplyContext::of(&self.cfg, row_id, arrival)
        };
        // The composer decides who gets a reply (automatic mail, our own address, no usable
        // address: none); the row id it needs for the Message-ID comes with the insert.
        let reply = match notify::compose(&outcome, &email, campaign, &ctx(0)) {
            Ok(r) => self.within_cap(r.to, r.kind.as_str(), &raw).await?,
            Err(why) => {
                tracing::debug!(mail = %name, ?why, "no reply");
                None
            }
        };
        let composer = |row_id: i64| {
            notify::compose(&outcome, &email, campaign, &ctx(row_id))
                .ok()
                .map(|r| Composed {
                    subject: r.subject,
                    message_id: r.message_id,
                    raw: r.raw,
                })
        };
        let unit = self.judge.changed(&before).unit.map(|(_, u)| u);
        let recorded = match self
            .store
            .record(
                &incoming,
                &email,
                &outcome,
                unit,
                reply.as_ref().map(|r| (r, &composer as Composer<'_>)),
                Some(&self.judge.changed(&before)),
            )
            .await
        {
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
        if email.automatic.is_some()
            && !recorded.duplicate
            && let Err(e) = self.store.apply_bounce(&raw).await
        {
            // The message is recorded; retrying it would not help.
            tracing::error!(message = recorded.message, "cannot apply bounce: {e:#}");
        }
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

    /// The outbox row whose copy `raw` is: a message from our address with one of our reply
    /// Message-IDs that carries that reply's very body (so no sender can pass for one).
    async fn own_copy(&self, raw: &[u8]) -> anyhow::Result<Option<i64>> {
        let campaign = &self.cfg.campaign;
        let domain = campaign
            .mailbox
            .rsplit_once('@')
            .map(|(_, d)| d)
            .unwrap_or("");
        let Some(head) = mail_parser::MessageParser::default().parse_headers(raw) else {
            return Ok(None);
        };
        let Some(row) = head
            .message_id()
            .and_then(|id| notify::compose::reply_row(id, domain))
        else {
            return Ok(None);
        };
        let ours = head
            .from()
            .and_then(|a| a.first())
            .and_then(|a| a.address())
            .is_some_and(|a| a.eq_ignore_ascii_case(&campaign.mailbox));
        let Some((_, sent)) = self.store.reply_sent_as(row).await? else {
            return Ok(None);
        };
        let body = |m: &[u8]| -> Vec<u8> {
            let start = m
                .windows(4)
                .position(|x| x == b"\r\n\r\n")
                .map_or(m.len(), |i| i + 4);
            let mut b = m.get(start..).unwrap_or_default().to_vec();
            while b.last().is_some_and(|c| matches!(c, b'\r' | b'\n')) {
                b.pop();
            }
            b
        };
        let (mine, copy) = (body(&sent), body(raw));
        Ok((ours && !mine.is_empty() && copy.ends_with(&mine)).then_some(row))
    }

    /// Files the copy of reply `row`: its delivery is recorded when a crash left it
    /// `sending`, and the copy goes to the sent folder, not into the record.
    async fn file_copy(&mut self, w: &Waiting, row: i64) -> anyhow::Result<Stats> {
        if self
            .store
            .reply_sent_as(row)
            .await?
            .is_some_and(|(state, _)| state == "sending")
        {
            self.store.mark_sent(row).await?;
            tracing::info!(
                reply = row,
                "delivery of an interrupted reply confirmed by its copy"
            );
        }
        self.source.file_sent_copy(w).await?;
        Ok(Stats {
            copies: 1,
            ..Stats::default()
        })
    }

    /// The reply to `to`, unless the per-sender daily cap is reached; held when the sender
    /// check (`trusted_authserv_id`) fails on `raw`.
    async fn within_cap(
        &self,
        to: String,
        kind: &'static str,
        raw: &[u8],
    ) -> anyhow::Result<Option<Reply>> {
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
        Ok(Some(Reply {
            recipient: to,
            kind,
            held,
        }))
    }

    /// A message over `max_message_bytes`: recorded as failed from its header alone, the
    /// sender told (the usual rules decide whether), and moved to the failed folder.
    async fn oversized(
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
        let ctx = |row_id: i64| ReplyContext::of(&cfg, row_id, arrival);
        let campaign = &cfg.campaign;
        let compose = |row_id: i64| {
            notify::oversized::compose_oversized(&email, size, limit, campaign, &ctx(row_id))
        };
        let reply = match compose(0) {
            Ok(r) => self.within_cap(r.to, r.kind.as_str(), &header).await?,
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
        reply: Option<(&Reply, Composer<'_>)>,
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
