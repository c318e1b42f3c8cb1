//! The IMAP source: every message of the inbox folder is still to do, whatever its UID
//! (`BODY.PEEK[]`, INTERNALDATE as the arrival); once recorded it is moved to the processed
//! folder, or to the failed folder when it cannot be processed at all, so what stays in the
//! inbox is exactly what is left. IDLE between rounds when the server offers it, else
//! polling; news that arrives while a round runs is remembered, so the next wait does not
//! sleep over it. Any network or server error drops the session and the next attempt waits
//! on an exponential backoff.

pub mod backoff;
pub mod connect;
mod idle;
pub mod mutf7;

use crate::config::{ImapServer, Secret};
use crate::telemetry::Telemetry;
use anyhow::{Context, anyhow};
use async_imap::types::{Flag, UnsolicitedResponse};
use chrono::{DateTime, FixedOffset, Local};
use connect::{Caps, ImapSession, timed};
use futures_util::TryStreamExt;
use idle::{Ticks, idle};
use std::time::Duration;

/// What of a message to fetch.
#[derive(Debug, Clone, Copy)]
enum Part {
    /// The header only (a message too large to take).
    Header,
    /// The whole message.
    Whole,
}

/// A message waiting in the inbox folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    /// Its UID in the folder.
    pub uid: u32,
    /// The folder's UIDVALIDITY when it was listed (the UID means nothing without it).
    pub uidvalidity: u32,
    /// INTERNALDATE: when the server received it, the arrival for the deadline.
    pub arrival: DateTime<FixedOffset>,
    /// RFC822.SIZE, to refuse an oversized message without downloading it.
    pub size: u64,
    /// The folder (configured name, not encoded), recorded as the source name.
    pub folder: String,
}

/// The IMAP source and its session.
pub struct ImapSource {
    /// `[mailbox.imap]`.
    cfg: ImapServer,
    /// The login password, read once at start-up.
    password: Secret,
    /// The logged-in session with the inbox selected; None when disconnected.
    session: Option<ImapSession>,
    /// Capabilities of the current session.
    caps: Caps,
    /// UIDVALIDITY of the inbox in the current session.
    uidvalidity: u32,
    /// The server reported new mail (EXISTS, RECENT) since the last listing began: the
    /// next wait returns at once. The session's channel of such notices holds 100 and drops
    /// the rest, so it is drained after every command and what matters kept here.
    news: bool,
    /// Consecutive failures, for the backoff.
    failures: u32,
    /// Whether a broken session may be rebuilt now: false after a failure until the backoff
    /// has been waited, so one round does not hammer a server that is down.
    may_connect: bool,
    /// Whether the processed and failed folders were checked in this session.
    folders_ready: bool,
    /// Whether a session was ever established: the next one is a reconnect.
    connected_before: bool,
    /// The daemon's counters: reconnects, and contact while IDLE (a quiet IDLE is a live
    /// session; a silently dead one is found at the re-arm NOOP).
    telemetry: Telemetry,
}

impl ImapSource {
    /// Reads the password; connects lazily, on the first round.
    pub fn new(mut cfg: ImapServer) -> anyhow::Result<ImapSource> {
        // `ImapServer::default()` (built in code, not parsed) leaves the folders empty: an
        // empty name is never meant, so it means the documented default.
        for (name, default) in [
            (&mut cfg.inbox, "INBOX"),
            (&mut cfg.processed, "已处理"),
            (&mut cfg.failed, "处理失败"),
            (&mut cfg.sent, "已发送"),
        ] {
            if name.trim().is_empty() {
                *name = default.to_string();
            }
        }
        if cfg.timeout_seconds == 0 {
            cfg.timeout_seconds = 60;
        }
        let password = cfg
            .password()
            .read()
            .context("mailbox.imap 的密码无法读取")?;
        Ok(ImapSource {
            cfg,
            password,
            session: None,
            caps: Caps::default(),
            uidvalidity: 0,
            news: false,
            failures: 0,
            may_connect: true,
            folders_ready: false,
            connected_before: false,
            telemetry: Telemetry::default(),
        })
    }

    /// Shares the daemon's counters.
    pub fn set_telemetry(&mut self, t: Telemetry) {
        self.telemetry = t;
    }

    /// Whether a session is up.
    pub fn connected(&self) -> bool {
        self.session.is_some()
    }

    /// Whether waiting uses IDLE (the server offers it and a session is up).
    pub fn idles(&self) -> bool {
        self.session.is_some() && self.caps.idle
    }

    fn limit(&self) -> Duration {
        Duration::from_secs(self.cfg.timeout_seconds.max(1))
    }

    /// Drops the session after an error, counting it for the backoff, and logs it.
    fn broken(&mut self, e: anyhow::Error) -> anyhow::Error {
        self.session = None;
        self.folders_ready = false;
        self.may_connect = false;
        self.failures = self.failures.saturating_add(1);
        tracing::warn!(
            failures = self.failures,
            retry_in = ?backoff::delay(self.failures),
            "IMAP {}: {e:#}",
            self.cfg.host
        );
        e
    }

    async fn connect(&mut self) -> anyhow::Result<()> {
        let (mut s, caps) = connect::open(&self.cfg, &self.password).await?;
        let inbox = mutf7::encode(&self.cfg.inbox);
        let mb = timed(self.limit(), "SELECT", s.select(&inbox))
            .await
            .with_context(|| format!("无法打开文件夹 {}", self.cfg.inbox))?;
        let uidvalidity = mb.uid_validity.unwrap_or(0);
        if self.uidvalidity != 0 && uidvalidity != self.uidvalidity {
            tracing::warn!(
                old = self.uidvalidity,
                new = uidvalidity,
                "UIDVALIDITY changed: known messages are recognised by content"
            );
        }
        self.uidvalidity = uidvalidity;
        self.caps = caps;
        self.session = Some(s);
        if self.connected_before || self.failures > 0 {
            self.telemetry.imap_reconnect();
        }
        self.connected_before = true;
        self.failures = 0;
        tracing::info!(
            host = %self.cfg.host,
            folder = %self.cfg.inbox,
            uidvalidity = self.uidvalidity,
            idle = caps.idle,
            "IMAP connected"
        );
        Ok(())
    }

    /// The session, (re)connecting when allowed.
    async fn session(&mut self) -> anyhow::Result<&mut ImapSession> {
        if self.session.is_none() {
            if !self.may_connect {
                return Err(anyhow!("IMAP 连接已断开，稍后重试"));
            }
            if let Err(e) = self.connect().await {
                return Err(self.broken(e));
            }
        }
        self.session
            .as_mut()
            .ok_or_else(|| anyhow!("IMAP 连接已断开"))
    }

    /// Every message in the inbox folder (not flagged \\Deleted), in arrival order: all of
    /// them are still to do, whatever their UIDs, since done ones are moved out.
    pub async fn waiting(&mut self) -> anyhow::Result<Vec<Waiting>> {
        self.may_connect = true;
        let limit = self.limit();
        self.session().await?;
        let folder = self.cfg.inbox.clone();
        let uidvalidity = self.uidvalidity;
        let r = async {
            let s = self
                .session
                .as_mut()
                .ok_or_else(|| anyhow!("IMAP 连接已断开"))?;
            // What was announced before this listing is in it.
            while s.unsolicited_responses.try_recv().is_ok() {}
            let fetches: Vec<_> = timed(limit, "UID FETCH", async {
                s.uid_fetch("1:*", "(UID FLAGS INTERNALDATE RFC822.SIZE)")
                    .await?
                    .try_collect::<Vec<_>>()
                    .await
            })
            .await?;
            Ok::<_, anyhow::Error>(fetches)
        }
        .await;
        self.news = false;
        let fetches = r.map_err(|e| self.broken(e))?;
        // News announced while the listing ran may or may not be in it: look again.
        self.drain();
        let mut out: Vec<Waiting> = fetches
            .iter()
            .filter(|f| !f.flags().any(|flag| flag == Flag::Deleted))
            .filter_map(|f| {
                Some(Waiting {
                    uid: f.uid?,
                    uidvalidity,
                    arrival: f
                        .internal_date()
                        .unwrap_or_else(|| Local::now().fixed_offset()),
                    size: f.size.map(u64::from).unwrap_or(0),
                    folder: folder.clone(),
                })
            })
            .collect();
        out.sort_by_key(|w| (w.arrival, w.uid));
        out.dedup_by_key(|w| w.uid);
        Ok(out)
    }

    /// Reads the session's notices, remembering whether they announced new mail.
    fn drain(&mut self) {
        let Some(s) = self.session.as_mut() else {
            return;
        };
        while let Ok(r) = s.unsolicited_responses.try_recv() {
            if matches!(
                r,
                UnsolicitedResponse::Exists(_) | UnsolicitedResponse::Recent(_)
            ) {
                self.news = true;
            }
        }
    }

    /// The header of a message, without setting \\Seen: enough to answer a message too
    /// large to download.
    pub async fn read_header(&mut self, w: &Waiting) -> anyhow::Result<Vec<u8>> {
        self.fetch_part(w.uid, Part::Header).await
    }

    /// The whole message, without setting \\Seen.
    pub async fn read(&mut self, w: &Waiting) -> anyhow::Result<Vec<u8>> {
        self.fetch_part(w.uid, Part::Whole).await
    }

    async fn fetch_part(&mut self, uid: u32, part: Part) -> anyhow::Result<Vec<u8>> {
        let limit = self.limit();
        let s = self.session().await?;
        let (what, items) = match part {
            Part::Header => ("UID FETCH HEADER", "(UID BODY.PEEK[HEADER])"),
            Part::Whole => ("UID FETCH BODY", "(UID BODY.PEEK[])"),
        };
        let r = timed(limit, what, async {
            let fetches: Vec<_> = s
                .uid_fetch(uid.to_string(), items)
                .await?
                .try_collect()
                .await?;
            Ok::<_, async_imap::error::Error>(fetches.iter().find(|f| f.uid == Some(uid)).and_then(
                |f| {
                    match part {
                        Part::Header => f.header(),
                        Part::Whole => f.body(),
                    }
                    .map(<[u8]>::to_vec)
                },
            ))
        })
        .await;
        self.drain();
        match r {
            Ok(Some(raw)) => Ok(raw),
            Ok(None) => Err(anyhow!("UID {uid} 的邮件已不在服务器上")),
            Err(e) => Err(self.broken(e)),
        }
    }

    /// Moves a recorded message to the processed folder.
    pub async fn done(&mut self, w: &Waiting) -> anyhow::Result<()> {
        let to = self.cfg.processed.clone();
        self.move_to(w, &to).await
    }

    /// Moves a copy of our own reply to the sent folder.
    pub async fn file_sent_copy(&mut self, w: &Waiting) -> anyhow::Result<()> {
        let to = self.cfg.sent.clone();
        self.move_to(w, &to).await
    }

    /// Moves a message that cannot be processed at all to the failed folder.
    pub async fn failed(&mut self, w: &Waiting) -> anyhow::Result<()> {
        let to = self.cfg.failed.clone();
        self.move_to(w, &to).await
    }

    async fn move_to(&mut self, w: &Waiting, folder: &str) -> anyhow::Result<()> {
        if self.session.is_some() && w.uidvalidity != self.uidvalidity {
            // Listed before a reconnect that found a rebuilt folder: the next round lists
            // it again under the new UIDVALIDITY, and the content hash recognises it.
            return Err(anyhow!("UIDVALIDITY 已改变，UID {} 不再有效", w.uid));
        }
        let r = self.try_move(w, folder).await;
        r.map_err(|e| self.broken(e))?;
        self.drain();
        Ok(())
    }

    async fn try_move(&mut self, w: &Waiting, folder: &str) -> anyhow::Result<()> {
        let limit = self.limit();
        let ready = self.folders_ready;
        let caps = self.caps;
        let names = [
            mutf7::encode(&self.cfg.processed),
            mutf7::encode(&self.cfg.failed),
            mutf7::encode(&self.cfg.sent),
        ];
        let s = self.session().await?;
        if !ready {
            for name in &names {
                // NO [ALREADYEXISTS] is the usual answer; a real problem shows at the move.
                if let Err(e) = timed(limit, "CREATE", s.create(name)).await {
                    tracing::debug!("CREATE {name}: {e:#}");
                }
            }
        }
        let target = mutf7::encode(folder);
        let uid = w.uid.to_string();
        if caps.mv {
            timed(limit, "UID MOVE", s.uid_mv(&uid, &target)).await?;
        } else {
            timed(limit, "UID COPY", s.uid_copy(&uid, &target)).await?;
            timed(limit, "UID STORE", async {
                s.uid_store(&uid, "+FLAGS.SILENT (\\Deleted)")
                    .await?
                    .try_collect::<Vec<_>>()
                    .await
            })
            .await?;
            if caps.uidplus {
                timed(limit, "UID EXPUNGE", async {
                    s.uid_expunge(&uid).await?.try_collect::<Vec<_>>().await
                })
                .await?;
            } else {
                timed(limit, "EXPUNGE", async {
                    s.expunge().await?.try_collect::<Vec<_>>().await
                })
                .await?;
            }
        }
        self.folders_ready = true;
        Ok(())
    }

    /// Waits for new mail: the backoff after a failure; nothing when news came during the
    /// last round; IDLE when offered (re-armed with a NOOP every 25 min); else `poll`. Never
    /// longer than `most` (a retry falls due then). `on_tick` runs every `tick` meanwhile.
    /// Returns early on shutdown.
    pub async fn wait(
        &mut self,
        poll: Duration,
        most: Duration,
        tick: Duration,
        stop: super::Interrupt<'_>,
        on_tick: &mut impl AsyncFnMut(),
    ) {
        if self.failures > 0 || self.session.is_none() {
            let d = backoff::delay(self.failures).max(Duration::from_millis(100));
            super::sleep_ticking(d.min(most), tick, stop, on_tick).await;
            return;
        }
        self.drain();
        if std::mem::take(&mut self.news) {
            return;
        }
        let Some(session) = self.session.take() else {
            return;
        };
        if !self.caps.idle {
            self.session = Some(session);
            super::sleep_ticking(poll.min(most), tick, stop, on_tick).await;
            return;
        }
        let ticks = Ticks {
            every: tick,
            telemetry: &self.telemetry,
        };
        match idle(session, self.limit(), most, stop, ticks, on_tick).await {
            Ok(s) => self.session = Some(s),
            Err(e) => {
                self.broken(e);
            }
        }
    }

    /// Logs out (best effort).
    pub async fn close(&mut self) {
        let limit = self.limit();
        if let Some(mut s) = self.session.take() {
            let _ = timed(limit, "LOGOUT", s.logout()).await;
        }
    }
}
