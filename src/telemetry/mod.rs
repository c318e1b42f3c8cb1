//! What the daemon has done since it started, for `/metrics` and `/healthz`: counters and a
//! histogram of the `prometheus-client` crate, and the gauges as atomics read when the page is
//! rendered, all behind one `Arc`, so the daemon loop, the IMAP source and the HTTP listener
//! share them. The page is the crate's Prometheus text format 0.0.4.

use prometheus_client::encoding::{EncodeMetric, MetricEncoder, prometheus_text};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use std::sync::atomic::AtomicBool;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The Content-Type `/metrics` answers with.
pub const CONTENT_TYPE: &str = prometheus_text::CONTENT_TYPE;

/// The verdict labels of `shenbao_messages_recorded_total`: the store's verdict strings, plus
/// `failed` for messages that could not be processed at all.
pub const VERDICTS: [&str; 4] = ["accepted", "rejected", "ignored", "failed"];

/// Upper bounds (seconds) of the processing-time histogram: a plain email takes milliseconds,
/// a stack of photographed scans tens of seconds.
pub const BUCKETS: [f64; 11] = [0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0];

/// The shared counters; cloning shares them.
#[derive(Debug, Clone, Default)]
pub struct Telemetry(Arc<Inner>);

/// The metrics themselves.
#[derive(Debug)]
struct Inner {
    /// Start of the process: instants below are kept as milliseconds after it.
    started: Instant,
    /// Messages recorded, by verdict (in the order of [`VERDICTS`]).
    recorded: ByVerdict,
    /// Messages whose bytes had been recorded before.
    duplicates: Counter,
    /// Replies handed over (SMTP accepted, or file written).
    replies_sent: Counter,
    /// Delivery attempts that failed (temporarily or for good).
    replies_failed: Counter,
    /// IMAP sessions re-established after a failure.
    imap_reconnects: Counter,
    /// Time to process one message.
    processing: Histogram,
    /// Replies queued at the last refresh.
    outbox_queued: AtomicU64,
    /// When the oldest queued reply was queued (Unix ms; 0 when none is queued), so its age
    /// is exact when the page is read, not as old as the last refresh.
    outbox_oldest_ms: AtomicU64,
    /// Last successful contact with the mailbox, ms after `started`.
    contact_ms: AtomicU64,
    /// Set while the record cannot be written (disk full, read-only): nothing is taken and
    /// nothing is sent until it can, and `/healthz` says why.
    store_fault: AtomicBool,
    /// The reason of `store_fault`, for `/healthz` (English, as the logs).
    store_fault_reason: Mutex<String>,
}

impl Default for Inner {
    fn default() -> Self {
        Inner {
            started: Instant::now(),
            recorded: ByVerdict::default(),
            duplicates: Counter::default(),
            replies_sent: Counter::default(),
            replies_failed: Counter::default(),
            imap_reconnects: Counter::default(),
            processing: Histogram::new(BUCKETS),
            outbox_queued: AtomicU64::new(0),
            outbox_oldest_ms: AtomicU64::new(0),
            contact_ms: AtomicU64::new(0),
            store_fault: AtomicBool::new(false),
            store_fault_reason: Mutex::new(String::new()),
        }
    }
}

/// One counter per verdict, written in the order of [`VERDICTS`] (a `Family` would write them
/// in hash order, and only once seen: every verdict is on the page from the start).
#[derive(Debug, Clone, Default)]
struct ByVerdict([Counter; VERDICTS.len()]);

impl EncodeMetric for ByVerdict {
    fn encode(&self, mut encoder: MetricEncoder) -> Result<(), std::fmt::Error> {
        for (verdict, counter) in VERDICTS.iter().zip(&self.0) {
            counter.encode(encoder.encode_family(&[("verdict", *verdict)])?)?;
        }
        Ok(())
    }

    fn metric_type(&self) -> MetricType {
        MetricType::Counter
    }
}

fn unix_ms(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

impl Telemetry {
    fn since_start_ms(&self) -> u64 {
        u64::try_from(self.0.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// A message recorded with this verdict label (one of [`VERDICTS`]), taking `took`.
    pub fn recorded(&self, verdict: &str, took: Duration) {
        if let Some(i) = VERDICTS.iter().position(|v| *v == verdict) {
            self.0.recorded.0[i].inc();
        }
        self.0.processing.observe(took.as_secs_f64());
    }

    /// A message seen before.
    pub fn duplicate(&self) {
        self.0.duplicates.inc();
    }

    /// A reply delivered.
    pub fn reply_sent(&self) {
        self.0.replies_sent.inc();
    }

    /// Replies delivered since start-up.
    pub fn replies_sent(&self) -> u64 {
        self.0.replies_sent.get()
    }

    /// The record cannot be written (`Some(reason)`) or can again (`None`). Returns whether
    /// this changed the state, so the caller logs the change once, not every attempt.
    pub fn set_store_fault(&self, reason: Option<&str>) -> bool {
        let was = self.0.store_fault.swap(reason.is_some(), Relaxed);
        if let Some(r) = reason
            && let Ok(mut s) = self.0.store_fault_reason.lock()
        {
            r.clone_into(&mut s);
        }
        was != reason.is_some()
    }

    /// Why the record cannot be written, while it cannot.
    pub fn store_fault(&self) -> Option<String> {
        if !self.0.store_fault.load(Relaxed) {
            return None;
        }
        self.0.store_fault_reason.lock().map(|s| s.clone()).ok()
    }

    /// A delivery attempt failed.
    pub fn reply_failed(&self) {
        self.0.replies_failed.inc();
    }

    /// The outbox as the store has it now: how many are queued, since when the oldest.
    pub fn outbox(&self, queued: u64, oldest: Option<SystemTime>) {
        self.0.outbox_queued.store(queued, Relaxed);
        let ms = oldest.map(unix_ms).unwrap_or(0);
        self.0.outbox_oldest_ms.store(ms, Relaxed);
    }

    /// An IMAP session rebuilt after a failure.
    pub fn imap_reconnect(&self) {
        self.0.imap_reconnects.inc();
    }

    /// The mailbox answered (a listing, an IDLE that is armed or woke).
    pub fn mailbox_contact(&self) {
        self.0.contact_ms.store(self.since_start_ms(), Relaxed);
    }

    /// Time since the mailbox last answered (since start-up before the first contact).
    pub fn since_contact(&self) -> Duration {
        let last = self.0.contact_ms.load(Relaxed);
        Duration::from_millis(self.since_start_ms().saturating_sub(last))
    }

    /// How long the oldest queued reply has waited; zero when none waits.
    pub fn oldest_queued_age(&self) -> Duration {
        match self.0.outbox_oldest_ms.load(Relaxed) {
            0 => Duration::ZERO,
            at => Duration::from_millis(unix_ms(SystemTime::now()).saturating_sub(at)),
        }
    }

    /// The page `/metrics` serves. The registry is put together for each page: the gauges
    /// are read now (ages exact to the request), the counters are shared, not copied.
    pub fn render(&self) -> String {
        let i = &self.0;
        let mut r = Registry::default();
        // Counter names without `_total` and help without its final full stop: the crate adds
        // both.
        r.register(
            "shenbao_messages_recorded",
            "Messages recorded, by verdict",
            i.recorded.clone(),
        );
        let counters = [
            (
                "shenbao_messages_duplicate",
                "Messages whose bytes had been recorded before",
                &i.duplicates,
            ),
            ("shenbao_replies_sent", "Replies delivered", &i.replies_sent),
            (
                "shenbao_replies_failed",
                "Reply delivery attempts that failed",
                &i.replies_failed,
            ),
            (
                "shenbao_imap_reconnects",
                "IMAP sessions re-established after a failure",
                &i.imap_reconnects,
            ),
        ];
        for (name, help, counter) in counters {
            r.register(name, help, counter.clone());
        }
        r.register(
            "shenbao_outbox_queued",
            "Replies waiting in the outbox",
            ConstGauge::new(i.outbox_queued.load(Relaxed)),
        );
        let ages = [
            (
                "shenbao_outbox_oldest_queued_age_seconds",
                "Age of the oldest queued reply (0 when none)",
                self.oldest_queued_age(),
            ),
            (
                "shenbao_mailbox_last_contact_age_seconds",
                "Seconds since the mailbox last answered (listing or IDLE)",
                self.since_contact(),
            ),
        ];
        for (name, help, age) in ages {
            r.register(name, help, ConstGauge::new(age.as_secs_f64()));
        }
        r.register(
            "shenbao_store_writable",
            "1 while the record can be written, 0 while it cannot (disk full, read-only)",
            ConstGauge::new(u64::from(!i.store_fault.load(Relaxed))),
        );
        r.register(
            "shenbao_message_processing_seconds",
            "Time to process one message, read to record",
            i.processing.clone(),
        );
        let mut page = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_text::encode(&mut page, &r);
        page
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_is_cumulative_and_counts_match() {
        let t = Telemetry::default();
        t.recorded("accepted", Duration::from_millis(30));
        t.recorded("rejected", Duration::from_millis(700));
        t.recorded("ignored", Duration::from_secs(90));
        t.recorded("nonsense", Duration::from_millis(1));
        let page = t.render();
        for line in [
            "shenbao_messages_recorded_total{verdict=\"accepted\"} 1",
            "shenbao_message_processing_seconds_bucket{le=\"0.05\"} 2",
            "shenbao_message_processing_seconds_bucket{le=\"1\"} 3",
            "shenbao_message_processing_seconds_bucket{le=\"60\"} 3",
            "shenbao_message_processing_seconds_bucket{le=\"+Inf\"} 4",
            "shenbao_message_processing_seconds_count 4",
            "shenbao_outbox_oldest_queued_age_seconds 0.0",
            "shenbao_store_writable 1",
            "# HELP shenbao_messages_recorded_total Messages recorded, by verdict.",
            "# TYPE shenbao_message_processing_seconds histogram",
        ] {
            assert!(page.lines().any(|l| l == line), "{line} missing:\n{page}");
        }
    }

    /// Dashboards and alerts name these: the page written by the crate keeps the families,
    /// types and help texts the hand-written page had.
    #[test]
    fn families_and_help_texts_are_unchanged() {
        let page = Telemetry::default().render();
        let comments: Vec<&str> = page.lines().filter(|l| l.starts_with('#')).collect();
        let expected = [
            (
                "shenbao_messages_recorded_total",
                "counter",
                "Messages recorded, by verdict.",
            ),
            (
                "shenbao_messages_duplicate_total",
                "counter",
                "Messages whose bytes had been recorded before.",
            ),
            (
                "shenbao_replies_sent_total",
                "counter",
                "Replies delivered.",
            ),
            (
                "shenbao_replies_failed_total",
                "counter",
                "Reply delivery attempts that failed.",
            ),
            (
                "shenbao_imap_reconnects_total",
                "counter",
                "IMAP sessions re-established after a failure.",
            ),
            (
                "shenbao_outbox_queued",
                "gauge",
                "Replies waiting in the outbox.",
            ),
            (
                "shenbao_outbox_oldest_queued_age_seconds",
                "gauge",
                "Age of the oldest queued reply (0 when none).",
            ),
            (
                "shenbao_mailbox_last_contact_age_seconds",
                "gauge",
                "Seconds since the mailbox last answered (listing or IDLE).",
            ),
            (
                "shenbao_store_writable",
                "gauge",
                "1 while the record can be written, 0 while it cannot (disk full, read-only).",
            ),
            (
                "shenbao_message_processing_seconds",
                "histogram",
                "Time to process one message, read to record.",
            ),
        ];
        let want: Vec<String> = expected
            .iter()
            .flat_map(|(n, t, h)| [format!("# HELP {n} {h}"), format!("# TYPE {n} {t}")])
            .collect();
        assert_eq!(comments, want, "{page}");
        for v in VERDICTS {
            let line = format!("shenbao_messages_recorded_total{{verdict=\"{v}\"}} 0");
            assert!(page.lines().any(|l| l == line), "{line} missing:\n{page}");
        }
    }

    #[test]
    fn ages() {
        let t = Telemetry::default();
        t.outbox(2, Some(SystemTime::now() - Duration::from_secs(100)));
        assert!(t.oldest_queued_age() >= Duration::from_secs(99));
        t.outbox(0, None);
        assert_eq!(t.oldest_queued_age(), Duration::ZERO);
        t.mailbox_contact();
        assert!(t.since_contact() < Duration::from_secs(1));
    }
}
