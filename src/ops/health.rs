//! When the daemon counts as unhealthy: alive but not doing its job, which systemd's
//! watchdog cannot see — the mailbox unreachable for too long, or replies stuck in the outbox.

use crate::telemetry::Telemetry;
use std::time::Duration;

/// The thresholds of `[ops]`.
#[derive(Debug, Clone, Copy)]
pub struct HealthThresholds {
    /// Longest acceptable time without reaching the mailbox.
    pub mailbox_stale: Duration,
    /// Longest acceptable wait of the oldest queued reply.
    pub outbox_stale: Duration,
}

impl HealthThresholds {
    /// The thresholds of the configuration.
    pub fn of(cfg: &crate::config::Ops) -> HealthThresholds {
        HealthThresholds {
            mailbox_stale: Duration::from_secs(cfg.mailbox_stale_seconds),
            outbox_stale: Duration::from_secs(cfg.outbox_stale_seconds),
        }
    }
}

/// Why the daemon is unhealthy, one English line per reason; empty when healthy.
pub fn problems(t: &Telemetry, thresholds: &HealthThresholds) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(why) = t.store_fault() {
        out.push(format!("the record cannot be written: {why}"));
    }
    let since = t.since_contact();
    if since > thresholds.mailbox_stale {
        out.push(format!(
            "mailbox not reached for {} s (limit {} s)",
            since.as_secs(),
            thresholds.mailbox_stale.as_secs()
        ));
    }
    let age = t.oldest_queued_age();
    if age > thresholds.outbox_stale {
        out.push(format!(
            "oldest queued reply waiting for {} s (limit {} s)",
            age.as_secs(),
            thresholds.outbox_stale.as_secs()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::SystemTime;

    #[test]
    fn stale_outbox_and_mailbox_are_reported() {
        let t = Telemetry::default();
        let thresholds = HealthThresholds {
            mailbox_stale: Duration::from_secs(60),
            outbox_stale: Duration::from_secs(60),
        };
        assert!(problems(&t, &thresholds).is_empty());
        t.outbox(1, Some(SystemTime::now() - Duration::from_secs(120)));
        let p = problems(&t, &thresholds);
        assert_eq!(p.len(), 1);
        assert!(p[0].starts_with("oldest queued reply"), "{p:?}");
        let zero = HealthThresholds {
            mailbox_stale: Duration::ZERO,
            ..thresholds
        };
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(problems(&t, &zero).len(), 2);
        assert!(t.set_store_fault(Some("disk full")));
        assert!(
            !t.set_store_fault(Some("disk full")),
            "no change, nothing to log"
        );
        assert!(problems(&t, &thresholds)[0].contains("disk full"));
        assert!(t.set_store_fault(None));
        assert_eq!(problems(&t, &thresholds).len(), 1);
    }
}
