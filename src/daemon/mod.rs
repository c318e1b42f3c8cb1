//! The daemon (`shenbao run`): takes each message waiting in the mailbox, archives it, judges
//! it, records everything in one transaction, queues the reply, then delivers the outbox.
//!
//! Every message still in the mailbox is to do: a round lists them all, takes those whose
//! retry is due, delivers the outbox, and lists again until a listing brings nothing new;
//! only then does the daemon wait (IDLE or polling), and never past the next retry. A
//! message that fails is retried on a backoff ([`retry`]), not on the next arrival.
//!
//! The judge's state (every unit's materials) is recorded with each message and loaded at
//! start-up ([`resume`]); decisions of the division are applied at each round, tick and wake-up
//! ([`crate::division::decide`]); only a record without a state it can trust is judged again from the
//! archive, once.

mod intake;
pub mod retry;

mod one_message;
mod put_aside;
mod sent_copy;

use crate::config::Config;
use crate::division::resume;
use crate::mailbox::Source;
use crate::notify::outbox::Delivery;
use crate::ops::{self, Service};
use crate::shutdown::{self, Shutdown};
use crate::store::{DataLock, Store};
use crate::verdict::Judge;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

/// What a run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Messages judged and recorded.
    pub judged: usize,
    /// Messages whose bytes had been recorded before (nothing changed).
    pub duplicates: usize,
    /// Messages that could not be processed at all (moved to `failed/`).
    pub failed: usize,
    /// Messages left waiting after an error (retried on a backoff).
    pub errors: usize,
    /// Replies delivered.
    pub replies: usize,
    /// Copies of our own replies filed (each proves a delivery).
    pub copies: usize,
}

impl Stats {
    /// Messages that left the mailbox this round (recorded, known, or put aside): a round
    /// that took any lists the mailbox again before waiting.
    pub fn taken(&self) -> usize {
        self.judged + self.duplicates + self.failed + self.copies
    }
}

impl Stats {
    /// Adds another round's counts.
    pub fn add(&mut self, o: Stats) {
        self.judged += o.judged;
        self.duplicates += o.duplicates;
        self.failed += o.failed;
        self.errors += o.errors;
        self.replies += o.replies;
        self.copies += o.copies;
    }
}

/// The running daemon: configuration, store, judge, mailbox and outbox.
pub struct Daemon {
    /// The configuration it runs with.
    cfg: Config,
    /// The record.
    store: Store,
    /// The judge, its state rebuilt from the record.
    judge: Judge,
    /// The mailbox read.
    source: Source,
    /// Where replies go.
    outbox: Delivery,
    /// systemd notification, counters and the health listener.
    ops: Service,
    /// When failed messages and a failed machine are tried again.
    retries: retry::Retries,
    /// Woken by the web desk when a clerk proposes a decision: the wait ends and the next
    /// round applies it.
    wake: std::sync::Arc<tokio::sync::Notify>,
    /// Where the web desk listens, when `[web] listen` is set.
    web: Option<std::net::SocketAddr>,
    /// Stops the web desk gracefully when the daemon is dropped.
    _web_stop: Option<shutdown::Trigger>,
    /// Messages taken since the daemon last waited: a server that keeps listing a message
    /// it was told to move would otherwise have it taken in a tight loop.
    taken_since_wait: std::collections::HashSet<String>,
    /// Held while running: `reprocess` must not rewrite the record under a running judge.
    _lock: DataLock,
}

impl Daemon {
    /// Opens the store and the mailbox and rebuilds the judge's state from the record.
    pub async fn open(cfg: Config) -> anyhow::Result<Daemon> {
        let Some(lock) = DataLock::try_acquire(&cfg.storage.data_dir)? else {
            anyhow::bail!(
                "another shenbao process is using {} (shenbao.lock is held)",
                cfg.storage.data_dir.display()
            );
        };
        let store = Store::open(&cfg.storage.data_dir).await?;
        match crate::store::archive::sweep_temporaries(store.data_dir()) {
            Ok(0) => {}
            Ok(n) => tracing::info!("removed {n} temporary files left by an interrupted run"),
            Err(e) => tracing::warn!("cannot sweep temporary files: {e}"),
        }
        let mut source = Source::open(&cfg.mailbox)?;
        crate::division::attribution::settle(&store, &cfg).await?;
        let judge = resume::judge(&store, &cfg).await?;
        let outbox = Delivery::new(cfg.route()?, store.data_dir())?;
        let ops = Service::start(&cfg.ops)?;
        source.set_telemetry(ops.telemetry.clone());
        ops.refresh(&store).await?;
        let wake = std::sync::Arc::new(tokio::sync::Notify::new());
        let (web, web_stop) = match cfg.web.listen {
            Some(_) => {
                let (trigger, stop) = shutdown::channel();
                let desk = crate::web::Desk {
                    store: store.clone(),
                    cfg: std::sync::Arc::new(cfg.clone()),
                    wake: wake.clone(),
                    secure: cfg.web.tls_cert.is_some(),
                };
                let addr = crate::web::serve::spawn(&cfg.web, desk, stop)?;
                tracing::info!(%addr, "serving the web desk");
                (Some(addr), Some(trigger))
            }
            None => (None, None),
        };
        Ok(Daemon {
            cfg,
            store,
            judge,
            source,
            outbox,
            ops,
            retries: retry::Retries::default(),
            wake,
            web,
            _web_stop: web_stop,
            taken_since_wait: Default::default(),
            _lock: lock,
        })
    }

    /// The store, for status views and tests.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Where the web desk listens (`[web] listen`, port 0 resolved), for tests.
    pub fn web_addr(&self) -> Option<std::net::SocketAddr> {
        self.web
    }

    /// What the web desk notifies when a decision is proposed, for tests.
    pub fn waker(&self) -> std::sync::Arc<tokio::sync::Notify> {
        self.wake.clone()
    }

    /// The judge, for status views and tests.
    pub fn judge(&self) -> &Judge {
        &self.judge
    }

    /// Runs rounds until shutdown; with `once`, until a round takes nothing more. Between
    /// rounds the source waits for news, at most until the next retry falls due, while a
    /// tick keeps the watchdog fed and delivers due replies.
    pub async fn run(&mut self, once: bool, mut shutdown: Shutdown) -> anyhow::Result<Stats> {
        let mut total = Stats::default();
        let poll = Duration::from_secs(self.cfg.mailbox.poll_seconds.max(1));
        let tick = self.ops.tick();
        let replies_before = self.ops.telemetry.replies_sent();
        loop {
            let (status, more) = match self.round(&shutdown).await {
                Ok(s) => {
                    // What is left waiting is the last round's count, not a sum over rounds.
                    total.add(Stats { errors: 0, ..s });
                    total.errors = s.errors;
                    let status = if self.source.idles() {
                        "waiting for mail (IDLE)".to_string()
                    } else {
                        format!("waiting for mail (polling every {} s)", poll.as_secs())
                    };
                    (status, s.taken() > 0)
                }
                Err(e) if !once => {
                    // The source keeps its own reconnect backoff (1 s … 5 min).
                    tracing::error!("round failed, retrying: {e:#}");
                    (format!("mailbox unreachable: {}", ops::short(&e)), false)
                }
                Err(e) => {
                    self.ops.notifier.stopping();
                    return Err(e);
                }
            };
            if shutdown.requested() {
                break;
            }
            if more {
                // Mail that arrived while this round ran is taken now, not at the next news.
                continue;
            }
            if once {
                break;
            }
            self.taken_since_wait.clear();
            self.ops.notifier.status(&status);
            let most = self
                .retries
                .next_due(tokio::time::Instant::now())
                .unwrap_or(Duration::MAX)
                .max(Duration::from_millis(50));
            let (ops, store, outbox) = (&self.ops, &self.store, &mut self.outbox);
            let (cfg, judge) = (&self.cfg, &mut self.judge);
            let mut on_tick = async || {
                decide(store, cfg, judge).await;
                digest(store, cfg).await;
                ops.on_tick(store, outbox, &status).await
            };
            let stop = crate::mailbox::Interrupt {
                shutdown: &mut shutdown,
                wake: &self.wake,
            };
            self.source.wait(poll, most, tick, stop, &mut on_tick).await;
            if shutdown.requested() {
                break;
            }
        }
        // Every reply delivered during the run, by rounds and by ticks alike.
        total.replies =
            usize::try_from(self.ops.telemetry.replies_sent() - replies_before).unwrap_or(0);
        self.ops.notifier.status("stopping");
        self.ops.notifier.stopping();
        Ok(total)
    }

    /// Closes the store cleanly.
    pub async fn close(mut self) {
        self.source.close().await;
        self.store.close().await;
    }
}

/// Applies the decisions the division proposed (web desk, `decide`); a failure is logged and
/// the decisions stay pending for the next try.
async fn decide(store: &Store, cfg: &Config, judge: &mut Judge) {
    if let Err(e) = crate::division::decide::apply_pending(store, cfg, judge).await {
        tracing::error!("cannot apply the division's decisions: {e:#}");
    }
}

/// Queues the division's daily digest when it is due; a failure is logged and the digest is
/// tried again at the next round or tick (its day is recorded only with the queued mail).
async fn digest(store: &Store, cfg: &Config) {
    match crate::division::digest::send_if_due(store, cfg, chrono::Utc::now()).await {
        Ok(rows) if rows.is_empty() => {}
        Ok(rows) => tracing::info!(replies = rows.len(), "queued the division's daily digest"),
        Err(e) => tracing::warn!("cannot queue the division's daily digest: {e:#}"),
    }
}

/// `shenbao run`: the daemon until SIGINT/SIGTERM, or one round with `once`.
pub fn command(config: Option<&Path>, once: bool) -> anyhow::Result<ExitCode> {
    let cfg = Config::load(config)?;
    let rt = ops::runtime()?;
    rt.block_on(async {
        let (trigger, shutdown) = shutdown::channel();
        shutdown::on_signals(trigger);
        let mut daemon = Daemon::open(cfg).await?;
        let stats = daemon.run(once, shutdown).await;
        daemon.close().await;
        let stats = stats?;
        // One event, so that `--log-format json` stays one JSON object per line to the end.
        tracing::info!(
            judged = stats.judged,
            duplicates = stats.duplicates,
            failed = stats.failed,
            replies = stats.replies,
            waiting = stats.errors,
            "stopped: {} judged, {} already recorded, {} failed, {} replies written, {} left waiting",
            stats.judged,
            stats.duplicates,
            stats.failed,
            stats.replies,
            stats.errors
        );
        Ok(if stats.errors > 0 {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        })
    })
}
