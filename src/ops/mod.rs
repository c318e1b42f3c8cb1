//! Running as a service the admin can trust: systemd readiness, status and watchdog
//! ([`sdnotify`]), counters ([`telemetry`]) served as Prometheus text with a health page
//! ([`http`], [`health`]), and the log set-up ([`logging`]).
//!
//! [`Service`] is what the daemon loop holds: it turns the loop's events (mailbox reached,
//! message processed, tick) into notifications and gauges.

pub mod health;
pub mod http;
pub mod logging;
pub mod sdnotify;

use crate::notify::outbox::Delivery;
use crate::shutdown;
use crate::store::Store;
use crate::telemetry::Telemetry;
use sdnotify::Notifier;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Longest time between two ticks of the wait loop (watchdog, gauges, due retries).
const MAX_TICK: Duration = Duration::from_secs(5);

/// How often an idle daemon writes its last mailbox contact to the store.
const CONTACT_SAVE: Duration = Duration::from_secs(60);

/// The daemon as a service: what systemd and monitoring see of it (the settings that shape
/// it are `config::Ops`, the `[ops]` section).
#[derive(Debug)]
pub struct Service {
    /// Shared with the IMAP source, the delivery and the HTTP listener.
    pub telemetry: Telemetry,
    /// systemd, when it runs us.
    pub notifier: Notifier,
    /// Whether READY=1 went out: it is sent once, at the first mailbox contact.
    ready: AtomicBool,
    /// When the last contact was written to the store for `shenbao status` (another
    /// process): at most once a minute while idling, so waiting costs no disk writes.
    contact_saved: Mutex<Option<Instant>>,
    /// Stops the HTTP listener gracefully when dropped with the service.
    _listener: Option<shutdown::Trigger>,
}

/// The daemon's runtime. Its loop runs on the calling thread (`block_on`) and holds it while
/// judging a message (tens of seconds for a stack of scans); one worker thread runs what is
/// spawned — the HTTP listener, the signal watcher — so that answers meanwhile.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("shenbao-worker")
        .enable_all()
        .build()
}

impl Service {
    /// Telemetry, the notifier from the environment, and the listener of `[ops] listen`
    /// (on the current runtime; it stops when the service is dropped).
    pub fn start(cfg: &crate::config::Ops) -> anyhow::Result<Service> {
        let telemetry = Telemetry::default();
        let mut listener = None;
        if let Some(listen) = &cfg.listen {
            let (trigger, stop) = shutdown::channel();
            let addr = http::spawn(
                listen,
                telemetry.clone(),
                health::HealthThresholds::of(cfg),
                stop,
            )?;
            tracing::info!(%addr, "serving /healthz and /metrics");
            listener = Some(trigger);
        }
        Ok(Service {
            telemetry,
            notifier: Notifier::from_env(),
            ready: AtomicBool::new(false),
            contact_saved: Mutex::new(None),
            _listener: listener,
        })
    }

    /// A service that tells nobody anything (library use without a service manager).
    pub fn detached() -> Service {
        Service {
            telemetry: Telemetry::default(),
            notifier: Notifier::none(),
            ready: AtomicBool::new(false),
            contact_saved: Mutex::new(None),
            _listener: None,
        }
    }

    /// How often the wait loop wakes: at most [`MAX_TICK`], and twice per watchdog interval
    /// so one late tick does not get us killed.
    pub fn tick(&self) -> Duration {
        let tick = match self.notifier.watchdog() {
            Some(w) => MAX_TICK.min(w / 2),
            None => MAX_TICK,
        };
        tick.max(Duration::from_millis(50))
    }

    /// The mailbox answered a listing: recorded, and the first time READY=1 (the database
    /// is open and the mailbox reachable, so the service really works).
    pub fn mailbox_reached(&self) {
        self.telemetry.mailbox_contact();
        if !self.ready.swap(true, Ordering::Relaxed) {
            self.notifier.ready();
        }
    }

    /// The periodic work while waiting for mail: watchdog, outbox gauges, and delivery of
    /// replies whose retry became due. Failures are logged; the next tick tries again.
    pub async fn on_tick(&self, store: &Store, outbox: &mut Delivery, waiting: &str) {
        self.notifier.ping();
        self.save_contact(store, false).await;
        match self.refresh(store).await {
            Ok(0) => {}
            Ok(n) => {
                let what = if n == 1 { "reply" } else { "replies" };
                self.notifier.status(&format!("delivering {n} {what}"));
                if let Err(e) = outbox.deliver(store, &self.telemetry).await {
                    tracing::warn!("outbox delivery failed: {e:#}");
                }
                if let Err(e) = self.refresh(store).await {
                    tracing::warn!("cannot read the outbox: {e:#}");
                }
                self.notifier.status(waiting);
            }
            Err(e) => tracing::warn!("cannot read the outbox: {e:#}"),
        }
    }

    /// Leaves the time of the last mailbox contact in the store, where `shenbao status` reads
    /// it; unless `now`, only when the last write is a minute old.
    pub async fn save_contact(&self, store: &Store, now: bool) {
        {
            let Ok(mut saved) = self.contact_saved.lock() else {
                return;
            };
            if !now && saved.is_some_and(|t| t.elapsed() < CONTACT_SAVE) {
                return;
            }
            *saved = Some(Instant::now());
        }
        let at = chrono::Utc::now()
            - chrono::Duration::from_std(self.telemetry.since_contact()).unwrap_or_default();
        let at = at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        if let Err(e) = store.set_daemon_fact("last_contact", Some(&at)).await {
            // While the record cannot be written that is said once, not at every contact.
            if self.telemetry.store_fault().is_some() {
                tracing::debug!("cannot record the mailbox contact: {e:#}");
            } else {
                tracing::warn!("cannot record the mailbox contact: {e:#}");
            }
        }
    }

    /// Reads the outbox gauges from the store; returns how many replies are queued.
    pub async fn refresh(&self, store: &Store) -> anyhow::Result<u64> {
        let (n, oldest) = store.outbox_backlog().await?;
        self.telemetry.outbox(n, oldest);
        Ok(n)
    }
}

/// An error as one short line for STATUS=: the first line, at most 150 characters. Errors
/// never carry passwords ([`crate::config::Secret`] prints as `***`).
pub fn short(e: &anyhow::Error) -> String {
    let text = format!("{e:#}");
    let line = text.lines().next().unwrap_or("");
    line.chars().take(150).collect()
}
