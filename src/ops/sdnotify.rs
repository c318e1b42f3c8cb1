//! A tiny sd_notify(3) client: datagrams to `$NOTIFY_SOCKET` telling systemd that the daemon
//! is ready, what it is doing, that it is alive (watchdog) and that it is stopping. Written
//! against the documented protocol rather than pulling in libsystemd: it is one `sendto`.
//!
//! Nothing here may stop the daemon: without `NOTIFY_SOCKET` every call is a no-op, and a
//! failed send is logged once and otherwise ignored (the mailbox matters more than systemd's
//! view of it).

use std::os::unix::net::{SocketAddr, UnixDatagram};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// The connection to the service manager, if there is one.
#[derive(Debug)]
pub struct Notifier {
    /// Our unbound socket and systemd's address; None when not run under a notify service.
    target: Option<(UnixDatagram, SocketAddr)>,
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
            target: None,
            watchdog: None,
            warned: AtomicBool::new(false),
            last_status: Mutex::new(String::new()),
        }
    }

    /// The notifier the environment describes (`NOTIFY_SOCKET`, `WATCHDOG_USEC`,
    /// `WATCHDOG_PID`).
    pub fn from_env() -> Notifier {
        let mut n = Notifier::none();
        n.watchdog = watchdog_interval(
            std::env::var("WATCHDOG_USEC").ok().as_deref(),
            std::env::var("WATCHDOG_PID").ok().as_deref(),
            std::process::id(),
        );
        let Some(name) = std::env::var_os("NOTIFY_SOCKET") else {
            return n;
        };
        match open(&name.to_string_lossy()) {
            Ok(t) => n.target = Some(t),
            Err(e) => tracing::warn!("NOTIFY_SOCKET unusable, systemd is not told anything: {e}"),
        }
        n
    }

    /// The interval systemd's watchdog expects pings within, if enabled for us.
    pub fn watchdog(&self) -> Option<Duration> {
        self.watchdog
    }

    /// `READY=1`: start-up is over, systemd may consider the service started.
    pub fn ready(&self) {
        self.send("READY=1");
    }

    /// `STATUS=…`: one line for `systemctl status`; a repeat of the last one is not sent.
    pub fn status(&self, text: &str) {
        let line: String = text
            .lines()
            .next()
            .unwrap_or("")
            .chars()
            .take(200)
            .collect();
        if let Ok(mut last) = self.last_status.lock() {
            if *last == line {
                return;
            }
            last.clone_from(&line);
        }
        self.send(&format!("STATUS={line}"));
    }

    /// `WATCHDOG=1`: still alive; only sent when systemd asked for a watchdog.
    pub fn ping(&self) {
        if self.watchdog.is_some() {
            self.send("WATCHDOG=1");
        }
    }

    /// `STOPPING=1`: shutting down on purpose, not crashing.
    pub fn stopping(&self) {
        self.send("STOPPING=1");
    }

    fn send(&self, msg: &str) {
        let Some((sock, addr)) = &self.target else {
            return;
        };
        if let Err(e) = sock.send_to_addr(msg.as_bytes(), addr)
            && !self.warned.swap(true, Ordering::Relaxed)
        {
            tracing::warn!("cannot notify systemd (further failures not logged): {e}");
        }
    }
}

/// An unbound datagram socket and the address `NOTIFY_SOCKET` names: a path, or `@name` for
/// the abstract namespace (which systemd uses by default for user managers and containers).
fn open(name: &str) -> std::io::Result<(UnixDatagram, SocketAddr)> {
    let addr = if let Some(abstract_name) = name.strip_prefix('@') {
        abstract_addr(abstract_name.as_bytes())?
    } else if name.starts_with('/') {
        SocketAddr::from_pathname(name)?
    } else {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("neither a path nor @abstract: {name}"),
        ));
    };
    Ok((UnixDatagram::unbound()?, addr))
}

#[cfg(target_os = "linux")]
fn abstract_addr(name: &[u8]) -> std::io::Result<SocketAddr> {
    use std::os::linux::net::SocketAddrExt;
    SocketAddr::from_abstract_name(name)
}

#[cfg(not(target_os = "linux"))]
fn abstract_addr(_: &[u8]) -> std::io::Result<SocketAddr> {
    Err(std::io::Error::new(
        std::io::ErrorKind::Unsupported,
        "abstract sockets exist on Linux only",
    ))
}

/// The watchdog interval from `WATCHDOG_USEC`, unless `WATCHDOG_PID` says it is meant for
/// another process (a parent that exec'd us without clearing the environment).
fn watchdog_interval(usec: Option<&str>, pid: Option<&str>, ours: u32) -> Option<Duration> {
    if let Some(pid) = pid
        && pid.trim().parse::<u32>().ok() != Some(ours)
    {
        return None;
    }
    let usec: u64 = usec?.trim().parse().ok()?;
    (usec > 0).then(|| Duration::from_micros(usec))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn watchdog_needs_our_pid_if_any() {
        let two = Some(Duration::from_secs(2));
        assert_eq!(watchdog_interval(Some("2000000"), None, 7), two);
        assert_eq!(watchdog_interval(Some("2000000"), Some("7"), 7), two);
        assert_eq!(watchdog_interval(Some("2000000"), Some("8"), 7), None);
        assert_eq!(watchdog_interval(Some("0"), None, 7), None);
        assert_eq!(watchdog_interval(Some("x"), None, 7), None);
        assert_eq!(watchdog_interval(None, None, 7), None);
    }

    #[test]
    fn no_socket_is_a_no_op() {
        let n = Notifier::none();
        n.ready();
        n.status("x");
        n.stopping();
        assert!(open("relative").is_err());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn abstract_socket_receives_and_status_is_not_repeated() {
        use std::os::linux::net::SocketAddrExt;
        let name = format!("shenbao-test-{}", std::process::id());
        let addr = SocketAddr::from_abstract_name(name.as_bytes()).unwrap();
        let rx = UnixDatagram::bind_addr(&addr).unwrap();
        rx.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
        let mut n = Notifier::none();
        n.target = Some(open(&format!("@{name}")).unwrap());
        n.watchdog = Some(Duration::from_secs(1));
        n.ready();
        n.status("waiting\nsecond line dropped");
        n.status("waiting");
        n.ping();
        n.stopping();
        let mut got = Vec::new();
        let mut buf = [0u8; 256];
        for _ in 0..4 {
            let len = rx.recv(&mut buf).unwrap();
            got.push(String::from_utf8_lossy(&buf[..len]).into_owned());
        }
        assert_eq!(
            got,
            ["READY=1", "STATUS=waiting", "WATCHDOG=1", "STOPPING=1"]
        );
    }
}
