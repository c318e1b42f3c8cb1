//! Telling systemd that the daemon is ready, what it is doing, that it is alive (watchdog)
//! and that it is stopping. The protocol (datagrams to `$NOTIFY_SOCKET`, the watchdog from
//! `$WATCHDOG_USEC`/`$WATCHDOG_PID`) is the `sd-notify` crate's; what is kept here is the
//! policy around it.
//!
//! Nothing here may stop the daemon: without `NOTIFY_SOCKET` every call is a no-op, and a
//! failed send is logged once and otherwise ignored (the mailbox matters more than systemd's
//! view of it). `sd-notify` takes `NOTIFY_SOCKET` as a path: the abstract `@name` form of
//! systemd 208-era managers is not reached, and the unit needs systemd ≥ 248 anyway
//! (`LoadCredential=`, `PrivateIPC=`), which always gives a path.

use sd_notify::NotifyState;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// The connection to the service manager, if there is one.
#[derive(Debug)]
pub struct Notifier {
    /// Whether a service manager listens (`NOTIFY_SOCKET` set when we started).
    enabled: bool,
    /// The watchdog interval systemd expects pings within, when it asked for them.
    watchdog: Option<Duration>,
    /// Whether the one warning about a failed send was logged, so a broken socket does not
    /// flood the log at every tick.
    warned: AtomicBool,
    /// The last STATUS= sent: the same status is not sent again at every tick.
    last_status: Mutex<String>,
}

impl Notifier {
    /// A notifier that sends nothing (no service manager).
    pub fn none() -> Notifier {
        Notifier {
            enabled: false,
            watchdog: None,
            warned: AtomicBool::new(false),
            last_status: Mutex::new(String::new()),
        }
    }

    /// The notifier the environment describes (`NOTIFY_SOCKET`, `WATCHDOG_USEC`,
    /// `WATCHDOG_PID`).
    pub fn from_env() -> Notifier {
        Notifier {
            enabled: std::env::var_os("NOTIFY_SOCKET").is_some(),
            // `WATCHDOG_USEC=0` means no watchdog, not "ping continuously".
            watchdog: sd_notify::watchdog_enabled().filter(|d| !d.is_zero()),
            ..Notifier::none()
        }
    }

    /// The interval systemd's watchdog expects pings within, if enabled for us.
    pub fn watchdog(&self) -> Option<Duration> {
        self.watchdog
    }

    /// `READY=1`: start-up is over, systemd may consider the service started.
    pub fn ready(&self) {
        self.send(NotifyState::Ready);
    }

    /// `STATUS=…`: one line for `systemctl status`; a repeat of the last one is not sent.
    pub fn status(&self, text: &str) {
        if let Some(line) = self.new_status(text) {
            self.send(NotifyState::Status(&line));
        }
    }

    /// The status line to send for `text` (its first line, at most 200 characters), or None
    /// when it is the one sent last.
    fn new_status(&self, text: &str) -> Option<String> {
        let line: String = text
            .lines()
            .next()
            .unwrap_or("")
            .chars()
            .take(200)
            .collect();
        if let Ok(mut last) = self.last_status.lock() {
            if *last == line {
                return None;
            }
            last.clone_from(&line);
        }
        Some(line)
    }

    /// `WATCHDOG=1`: still alive; only sent when systemd asked for a watchdog.
    pub fn ping(&self) {
        if self.watchdog.is_some() {
            self.send(NotifyState::Watchdog);
        }
    }

    /// `STOPPING=1`: shutting down on purpose, not crashing.
    pub fn stopping(&self) {
        self.send(NotifyState::Stopping);
    }

    fn send(&self, state: NotifyState) {
        if !self.enabled {
            return;
        }
        if let Err(e) = sd_notify::notify(&[state])
            && !self.warned.swap(true, Ordering::Relaxed)
        {
            tracing::warn!("cannot notify systemd (further failures not logged): {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_socket_is_a_no_op() {
        let n = Notifier::none();
        n.ready();
        n.status("x");
        n.ping();
        n.stopping();
        assert!(!n.warned.load(Ordering::Relaxed));
    }

    #[test]
    fn status_is_one_line_and_not_repeated() {
        let n = Notifier::none();
        let long = "长".repeat(300);
        assert_eq!(
            n.new_status("waiting\nsecond line dropped").as_deref(),
            Some("waiting")
        );
        assert_eq!(n.new_status("waiting"), None);
        assert_eq!(n.new_status(&long).map(|l| l.chars().count()), Some(200));
        assert_eq!(n.new_status("waiting").as_deref(), Some("waiting"));
    }
}
