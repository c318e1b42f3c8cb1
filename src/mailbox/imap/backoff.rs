//! The reconnect schedule: 1 s, 2 s, 4 s … capped at 5 min, so a server outage is retried
//! promptly at first without hammering a server that stays down.

use std::time::Duration;

/// Longest wait between two attempts.
pub const MAX: Duration = Duration::from_secs(300);

/// The wait before the next attempt after `failures` consecutive failures (0: none).
pub fn delay(failures: u32) -> Duration {
    if failures == 0 {
        return Duration::ZERO;
    }
    let exp = failures.saturating_sub(1).min(16);
    Duration::from_secs(1u64 << exp).min(MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule() {
        let s: Vec<u64> = (0..12).map(|n| delay(n).as_secs()).collect();
        assert_eq!(s, [0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]);
        assert_eq!(delay(u32::MAX), MAX);
    }
}
