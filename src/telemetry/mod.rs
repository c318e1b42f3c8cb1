//! What the daemon has done since it started, for `/metrics` and `/healthz`: counters and
//! gauges as atomics behind one `Arc`, so the daemon loop, the IMAP source and the HTTP
//! thread share them without locks.

pub mod exposition;

use exposition::Text;
use std::sync::atomic::AtomicBool;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The verdict labels of `shenbao_messages_recorded_total`: the store's verdict strings, plus
/// `failed` for messages that could not be processed at all.
pub const VERDICTS: [&str; 4] = ["accepted", "rejected", "ignored", "failed"];

/// Upper bounds (seconds) of the processing-time histogram: a plain email takes milliseconds,
/// a stack of photographed scans tens of seconds.
pub const BUCKETS: [f64; 11] = [0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0];

/// The shared counters; cloning shares them.
#[derive(Debug, Clone, Default)]
pub struct Telemetry(Arc<Inner>);

/// The atomics themselves.
#[derive(Debug)]
struct Inner {
    /// Start of the process: instants below are kept as milliseconds after it.
    started: Instant,
    /// Messages recorded, by index into [`VERDICTS`].
    recorded: [AtomicU64; 4],
    /// Messages whose bytes had been recorded before.
    duplicates: AtomicU64,
    /// Replies handed over (SMTP accepted, or file written).
    replies_sent: AtomicU64,
    /// Delivery attempts that failed (temporarily or for good).
    replies_failed: AtomicU64,
    /// Replies queued at the last refresh.
    outbox_queued: AtomicU64,
    /// When the oldest queued reply was queued (Unix ms; 0 when none is queued), so its age
    /// is exact when the page is read, not as old as the last refresh.
    outbox_oldest_ms: AtomicU64,
    /// IMAP sessions re-established after a failure.
    imap_reconnects: AtomicU64,
    /// Last successful contact with the mailbox, ms after `started`.
    contact_ms: AtomicU64,
    /// Histogram counts per bucket of [`BUCKETS`] (not cumulative; summed when rendered).
    buckets: [AtomicU64; BUCKETS.len()],
    /// Processing times over the last bucket.
    overflow: AtomicU64,
    /// Sum of processing times, microseconds.
    sum_us: AtomicU64,
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
            recorded: Default::default(),
            duplicates: AtomicU64::new(0),
            replies_sent: AtomicU64::new(0),
            replies_failed: AtomicU64::new(0),
            outbox_queued: AtomicU64::new(0),
            outbox_oldest_ms: AtomicU64::new(0),
            imap_reconnects: AtomicU64::new(0),
            contact_ms: AtomicU64::new(0),
            buckets: Default::default(),
            overflow: AtomicU64::new(0),
            sum_us: AtomicU64::new(0),
            store_fault: AtomicBool::new(false),
            store_fault_reason: Mutex::new(String::new()),
        }
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
            self.0.recorded[i].fetch_add(1, Relaxed);
        }
        let secs = took.as_secs_f64();
        match BUCKETS.iter().position(|b| secs <= *b) {
            Some(i) => self.0.buckets[i].fetch_add(1, Relaxed),
            None => self.0.overflow.fetch_add(1, Relaxed),
        };
        let us = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
        self.0.sum_us.fetch_add(us, Relaxed);
    }

    /// A message seen before.
    pub fn duplicate(&self) {
        self.0.duplicates.fetch_add(1, Relaxed);
    }

    /// A reply delivered.
    pub fn reply_sent(&self) {
        self.0.replies_sent.fetch_add(1, Relaxed);
    }

    /// Replies delivered since start-up.
    pub fn replies_sent(&self) -> u64 {
        self.0.replies_sent.load(Relaxed)
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
        self.0.replies_failed.fetch_add(1, Relaxed);
    }

    /// The outbox as the store has it now: how many are queued, since when the oldest.
    pub fn outbox(&self, queued: u64, oldest: Option<SystemTime>) {
        self.0.outbox_queued.store(queued, Relaxed);
        let ms = oldest.map(unix_ms).unwrap_or(0);
        self.0.outbox_oldest_ms.store(ms, Relaxed);
    }

    /// An IMAP session rebuilt after a failure.
    pub fn imap_reconnect(&self) {
        self.0.imap_reconnects.fetch_add(1, Relaxed);
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

    /// The page `/metrics` serves.
    pub fn render(&self) -> String {
        let i = &self.0;
        let mut t = Text::new();
        let name = "shenbao_messages_recorded_total";
        t.family(name, "counter", "Messages recorded, by verdict.");
        for (v, n) in VERDICTS.iter().zip(&i.recorded) {
            t.sample(name, &[("verdict", v)], n.load(Relaxed) as f64);
        }
        let counters = [
            (
                "shenbao_messages_duplicate_total",
                "Messages whose bytes had been recorded before.",
                &i.duplicates,
            ),
            (
                "shenbao_replies_sent_total",
                "Replies delivered.",
                &i.replies_sent,
            ),
            (
                "shenbao_replies_failed_total",
                "Reply delivery attempts that failed.",
                &i.replies_failed,
            ),
            (
                "shenbao_imap_reconnects_total",
                "IMAP sessions re-established after a failure.",
                &i.imap_reconnects,
            ),
        ];
        for (name, help, n) in counters {
            t.family(name, "counter", help);
            t.sample(name, &[], n.load(Relaxed) as f64);
        }
        let gauges = [
            (
                "shenbao_outbox_queued",
                "Replies waiting in the outbox.",
                i.outbox_queued.load(Relaxed) as f64,
            ),
            (
                "shenbao_outbox_oldest_queued_age_seconds",
                "Age of the oldest queued reply (0 when none).",
                self.oldest_queued_age().as_secs_f64(),
            ),
            (
                "shenbao_mailbox_last_contact_age_seconds",
                "Seconds since the mailbox last answered (listing or IDLE).",
                self.since_contact().as_secs_f64(),
            ),
            (
                "shenbao_store_writable",
                "1 while the record can be written, 0 while it cannot (disk full, read-only).",
                if i.store_fault.load(Relaxed) {
                    0.0
                } else {
                    1.0
                },
            ),
        ];
        for (name, help, v) in gauges {
            t.family(name, "gauge", help);
            t.sample(name, &[], v);
        }
        self.histogram(&mut t);
        t.finish()
    }

    fn histogram(&self, t: &mut Text) {
        let i = &self.0;
        let name = "shenbao_message_processing_seconds";
        t.family(
            name,
            "histogram",
            "Time to process one message, read to record.",
        );
        let mut cumulative = 0;
        let bucket = format!("{name}_bucket");
        for (b, n) in BUCKETS.iter().zip(&i.buckets) {
            cumulative += n.load(Relaxed);
            let le = exposition::number(*b);
            t.sample(&bucket, &[("le", &le)], cumulative as f64);
        }
        cumulative += i.overflow.load(Relaxed);
        t.sample(&bucket, &[("le", "+Inf")], cumulative as f64);
        let sum = i.sum_us.load(Relaxed) as f64 / 1e6;
        t.sample(&format!("{name}_sum"), &[], sum);
        t.sample(&format!("{name}_count"), &[], cumulative as f64);
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
            "shenbao_outbox_oldest_queued_age_seconds 0",
        ] {
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
