//! The IMAP source: new messages of the inbox folder by UID (`BODY.PEEK[]`, INTERNALDATE as
//! the arrival), moved to the processed or failed folder once recorded; IDLE between rounds
//! when the server offers it, else polling; any network or server error drops the session and
//! the next attempt waits on an exponential backoff.

pub mod backoff;
pub mod connect;
mod idle;
pub mod mutf7;
mod state;

use crate::config::{ImapServer, Secret};
use crate::daemon::shutdown::Shutdown;
use crate::ops::telemetry::Telemetry;
use anyhow::{Context, anyhow};
use chrono::{DateTime, FixedOffset, Local};
use connect::{Caps, ImapSession, timed};
use futures_util::TryStreamExt;
use idle::{Ticks, idle};
use sqlx::SqlitePool;
use std::time::Duration;

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
    /// The record, for `mailbox_state`.
    pool: SqlitePool,
    /// The logged-in session with the inbox selected; None when disconnected.
    session: Option<ImapSession>,
    /// Capabilities of the current session.
    caps: Caps,
    /// UIDVALIDITY of the inbox in the current session.
    uidvalidity: u32,
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
    pub fn new(mut cfg: ImapServer, pool: SqlitePool) -> anyhow::Result<ImapSource> {
        // `ImapServer::default()` (built in code, not parsed) leaves the folders empty: an
        // empty name is never meant, so it means the documented default.
        for (name, default) in [
            (&mut cfg.inbox, "INBOX"),
            (&mut cfg.processed, "已处理"),
            (&mut cfg.failed, "处理失败"),
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
            pool,
            session: None,
            caps: Caps::default(),
            uidvalidity: 0,
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
        self.uidvalidity = mb.uid_validity.unwrap_or(0);
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

    /// The messages of the inbox past the last UID taken, in arrival order.
    pub async fn waiting(&mut self) -> anyhow::Result<Vec<Waiting>> {
        self.may_connect = true;
        let limit = self.limit();
        self.session().await?;
        let folder = self.cfg.inbox.clone();
        let mut from = 1;
        match state::load(&self.pool, &folder).await? {
            Some((v, last)) if v == self.uidvalidity => from = last.saturating_add(1),
            Some((v, _)) => tracing::warn!(
                old = v,
                new = self.uidvalidity,
                "UIDVALIDITY changed: reading the whole folder, known messages are recognised by content"
            ),
            None => {}
        }
        let uidvalidity = self.uidvalidity;
        let r = async {
            let s = self
                .session
                .as_mut()
                .ok_or_else(|| anyhow!("IMAP 连接已断开"))?;
            let fetches: Vec<_> = timed(limit, "UID FETCH", async {
                s.uid_fetch(format!("{from}:*"), "(UID INTERNALDATE RFC822.SIZE)")
                    .await?
                    .try_collect::<Vec<_>>()
                    .await
            })
            .await?;
            while s.unsolicited_responses.try_recv().is_ok() {}
            Ok::<_, anyhow::Error>(fetches)
        }
        .await;
        let fetches = r.map_err(|e| self.broken(e))?;
        let mut out: Vec<Waiting> = fetches
            .iter()
            .filter_map(|f| {
                // `n:*` names the highest UID even when it is below n.
                let uid = f.uid.filter(|u| *u >= from)?;
                Some(Waiting {
                    uid,
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
        Ok(out)
    }

    /// The whole message, without setting \Seen.
    pub async fn read(&mut self, w: &Waiting) -> anyhow::Result<Vec<u8>> {
        let limit = self.limit();
        let uid = w.uid;
        let s = self.session().await?;
        let r = timed(limit, "UID FETCH BODY", async {
            let fetches: Vec<_> = s
                .uid_fetch(uid.to_string(), "(UID BODY.PEEK[])")
                .await?
                .try_collect()
                .await?;
            Ok::<_, async_imap::error::Error>(
                fetches
                    .iter()
                    .find(|f| f.uid == Some(uid))
                    .and_then(|f| f.body().map(<[u8]>::to_vec)),
            )
        })
        .await;
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
        state::save(&self.pool, &w.folder, w.uidvalidity, w.uid).await
    }

    async fn try_move(&mut self, w: &Waiting, folder: &str) -> anyhow::Result<()> {
        let limit = self.limit();
        let ready = self.folders_ready;
        let caps = self.caps;
        let names = [
            mutf7::encode(&self.cfg.processed),
            mutf7::encode(&self.cfg.failed),
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
        while s.unsolicited_responses.try_recv().is_ok() {}
        self.folders_ready = true;
        Ok(())
    }

    /// Waits for new mail: the backoff after a failure; IDLE when offered (re-armed with a
    /// NOOP every 25 min); else `poll`. `on_tick` runs every `tick` meanwhile. Returns early
    /// on shutdown.
    pub async fn wait(
        &mut self,
        poll: Duration,
        tick: Duration,
        shutdown: &mut Shutdown,
        on_tick: &mut impl AsyncFnMut(),
    ) {
        if self.failures > 0 || self.session.is_none() {
            let d = backoff::delay(self.failures).max(Duration::from_millis(100));
            super::sleep_ticking(d, tick, shutdown, on_tick).await;
            return;
        }
        let Some(session) = self.session.take() else {
            return;
        };
        if !self.caps.idle {
            self.session = Some(session);
            super::sleep_ticking(poll, tick, shutdown, on_tick).await;
            return;
        }
        let ticks = Ticks {
            every: tick,
            telemetry: &self.telemetry,
        };
        match idle(session, self.limit(), shutdown, ticks, on_tick).await {
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
