//! When a message that could not be taken is tried again. Two kinds of failure differ:
//! the machine's (the record cannot be written, the mailbox connection broke) stops the
//! round and is retried on one backoff without counting against any message; a message's
//! own failure is retried on its own backoff and, after [`MAX_ATTEMPTS`], the message is put
//! aside in the failed folder with the reason. Either way, nothing waits for new mail to be
//! retried.

use std::collections::HashMap;
use std::time::Duration;
use tokio::time::Instant;

/// Failed attempts after which a message is put aside (the record keeps the count).
pub use crate::store::intake::MAX_ATTEMPTS;

/// First retry delay; doubled per failure.
const FIRST: Duration = Duration::from_secs(1);

/// Longest delay between two attempts: short enough that a freed disk is noticed soon.
const LONGEST: Duration = Duration::from_secs(30);

/// The delay after `failures` consecutive failures (1 → 1 s, 2 → 2 s, … at most 30 s).
pub fn delay(failures: i64) -> Duration {
    let exp = u32::try_from(failures.saturating_sub(1).clamp(0, 16)).unwrap_or(16);
    FIRST.saturating_mul(1 << exp).min(LONGEST)
}

/// A message that failed and waits for its next attempt.
#[derive(Debug, Clone)]
struct Pending {
    /// Failed attempts (as recorded, so counted across restarts).
    attempts: i64,
    /// Not before this.
    next: Instant,
    /// The last reason, to log a change once rather than every attempt.
    reason: String,
}

/// The schedule of retries.
#[derive(Debug, Default)]
pub struct Retries {
    /// Messages by their source key.
    pending: HashMap<String, Pending>,
    /// Consecutive rounds stopped by the machine's failure.
    machine_failures: i64,
    /// No round takes messages before this, after the machine's failure.
    machine_until: Option<Instant>,
}

impl Retries {
    /// Whether the message under `key` may be tried now.
    pub fn due(&self, key: &str, now: Instant) -> bool {
        self.pending.get(key).is_none_or(|p| p.next <= now)
    }

    /// Whether messages may be taken at all now (not during the machine's backoff).
    pub fn machine_ready(&self, now: Instant) -> bool {
        self.machine_until.is_none_or(|t| t <= now)
    }

    /// The message failed for its own reasons, `attempts` times in all. Returns whether the
    /// reason is new (worth a log line at warning level).
    pub fn message_failed(&mut self, key: &str, attempts: i64, reason: &str, now: Instant) -> bool {
        let next = now + delay(attempts);
        let p = self.pending.entry(key.to_string()).or_insert(Pending {
            attempts,
            next,
            reason: String::new(),
        });
        p.attempts = attempts;
        p.next = next;
        let new = p.reason != reason;
        reason.clone_into(&mut p.reason);
        new
    }

    /// The message was recorded or put aside. Returns whether it had failed before.
    pub fn cleared(&mut self, key: &str) -> bool {
        self.pending.remove(key).is_some()
    }

    /// The machine failed (record unwritable, connection lost). Returns the wait before the
    /// next round takes messages.
    pub fn machine_failed(&mut self, now: Instant) -> Duration {
        self.machine_failures = self.machine_failures.saturating_add(1);
        let d = delay(self.machine_failures);
        self.machine_until = Some(now + d);
        d
    }

    /// A message was taken: the machine works.
    pub fn machine_works(&mut self) {
        self.machine_failures = 0;
        self.machine_until = None;
    }

    /// How long until the next retry falls due (None: nothing waits for one).
    pub fn next_due(&self, now: Instant) -> Option<Duration> {
        self.pending
            .values()
            .map(|p| p.next)
            .chain(self.machine_until)
            .min()
            .map(|t| t.saturating_duration_since(now))
    }

    /// Forgets messages no longer in the mailbox (moved by someone else, expunged).
    pub fn keep_only<'k>(&mut self, keys: impl IntoIterator<Item = &'k str>) {
        let keep: std::collections::HashSet<&str> = keys.into_iter().collect();
        self.pending.retain(|k, _| keep.contains(k.as_str()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_doubles_to_half_a_minute() {
        let s: Vec<u64> = (1..9).map(|n| delay(n).as_secs()).collect();
        assert_eq!(s, [1, 2, 4, 8, 16, 30, 30, 30]);
        assert_eq!(delay(i64::MAX), LONGEST);
        assert_eq!(delay(0), FIRST);
    }

    #[test]
    fn a_failed_message_waits_its_backoff_others_do_not() {
        let now = Instant::now();
        let mut r = Retries::default();
        assert!(r.due("a", now));
        assert!(r.message_failed("a", 1, "disk", now));
        assert!(
            !r.message_failed("a", 2, "disk", now),
            "same reason: not news"
        );
        assert!(!r.due("a", now));
        assert!(r.due("b", now));
        assert_eq!(r.next_due(now), Some(Duration::from_secs(2)));
        assert!(r.due("a", now + Duration::from_secs(2)));
        r.keep_only(["b"]);
        assert_eq!(r.next_due(now), None);
        assert!(r.machine_ready(now));
        assert_eq!(r.machine_failed(now), Duration::from_secs(1));
        assert!(!r.machine_ready(now));
        assert_eq!(r.machine_failed(now), Duration::from_secs(2));
        r.machine_works();
        assert!(r.machine_ready(now));
    }
}
