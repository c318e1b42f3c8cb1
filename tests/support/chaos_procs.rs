//! Processes of the fault-injection run (tests/chaos.rs): the release `shenbao run` started
//! and killed, Dovecot killed and started again on the same ports from the stack's own config,
//! Postfix's queue watched until it drains. Everything listens on 127.0.0.1 only.
#![allow(dead_code)]

use crate::mailstack::MailStack;
use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn signal_group(pid: u32, sig: &str) {
    let _ = Command::new("kill")
        .args([sig, "--", &format!("-{pid}")])
        .stderr(Stdio::null())
        .status();
}

/// Whether `pid` runs (a zombie does not).
fn alive(pid: u32) -> bool {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The state follows the parenthesised command name.
    stat.rsplit_once(") ")
        .is_some_and(|(_, rest)| !rest.starts_with('Z') && !rest.starts_with('X'))
}

/// One `shenbao run` process, its stderr appended to `log`.
pub struct Daemon {
    child: Child,
}

impl Daemon {
    pub fn start(config: &Path, log: &Path, once: bool) -> std::io::Result<Daemon> {
        let err = std::fs::File::options()
            .create(true)
            .append(true)
            .open(log)?;
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_shenbao"));
        cmd.arg("--config").arg(config).arg("run");
        if once {
            cmd.arg("--once");
        }
        for v in [
            "NOTIFY_SOCKET",
            "WATCHDOG_USEC",
            "WATCHDOG_PID",
            "SHENBAO_LOG",
        ] {
            cmd.env_remove(v);
        }
        let child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(err)
            .spawn()?;
        Ok(Daemon { child })
    }

    /// SIGKILL, as a crash or `kill -9` would.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Whether it has exited by itself, and how.
    pub fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// SIGTERM and the exit (SIGKILL after `limit`); true when it stopped by itself.
    pub fn term(mut self, limit: Duration) -> bool {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let end = Instant::now() + limit;
        while Instant::now() < end {
            if self.exited().is_some() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.kill();
        false
    }

    /// Waits for a `--once` run to end (SIGKILL after `limit`).
    pub fn wait(mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let end = Instant::now() + limit;
        while Instant::now() < end {
            if let Some(s) = self.exited() {
                return Some(s);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        self.kill();
        None
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Dovecot as restarted by the run (the stack's own child is killed first and reaped at its
/// drop); its group is killed at drop, before the stack removes its directory.
#[derive(Default)]
pub struct Dovecot {
    child: Option<Child>,
}

impl Dovecot {
    /// SIGKILL to the running Dovecot's process group, then waits until IMAP refuses.
    pub fn kill(&mut self, stack: &MailStack) {
        if let Some(mut c) = self.child.take() {
            signal_group(c.id(), "-KILL");
            let _ = c.wait();
        }
        let pidfile = stack.dir().join("run/master.pid");
        let pid = std::fs::read_to_string(&pidfile).unwrap_or_default();
        if let Ok(pid) = pid.trim().parse::<u32>() {
            signal_group(pid, "-KILL");
            // The stack's own child stays a zombie until the stack reaps it at drop, and
            // Dovecot takes a zombie in master.pid for a running master: wait for death, then
            // remove the file.
            let end = Instant::now() + Duration::from_secs(10);
            while alive(pid) && Instant::now() < end {
                std::thread::sleep(Duration::from_millis(10));
            }
            let _ = std::fs::remove_file(&pidfile);
        }
        let end = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", stack.imap_starttls_port())).is_ok()
            && Instant::now() < end
        {
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Starts Dovecot again from the stack's config, on the same ports; waits for its greeting.
    pub fn start(&mut self, stack: &MailStack) -> Result<(), String> {
        let log = stack.dir().join("dovecot-restart.stderr");
        let out = std::fs::File::options()
            .create(true)
            .append(true)
            .open(&log)
            .map_err(|e| e.to_string())?;
        let err = out.try_clone().map_err(|e| e.to_string())?;
        let child = Command::new("dovecot")
            .arg("-F")
            .arg("-c")
            .arg(stack.dir().join("dovecot.conf"))
            .env("TZ", "CST-8")
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|e| e.to_string())?;
        self.child = Some(child);
        let end = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(s) = TcpStream::connect(("127.0.0.1", stack.imap_starttls_port())) {
                let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
                let mut line = String::new();
                if BufReader::new(s).read_line(&mut line).is_ok() && line.starts_with("* OK") {
                    return Ok(());
                }
            }
            if Instant::now() > end {
                return Err(format!(
                    "dovecot did not come back: {}",
                    stack.dovecot_log()
                ));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            signal_group(c.id(), "-KILL");
            let _ = c.wait();
        }
    }
}

/// Messages in Postfix's queue (incoming, active, deferred, maildrop, hold).
pub fn postfix_queue(stack: &MailStack) -> usize {
    fn files(p: &Path) -> usize {
        std::fs::read_dir(p).map_or(0, |d| {
            d.flatten()
                .map(|e| {
                    let p: PathBuf = e.path();
                    if p.is_dir() { files(&p) } else { 1 }
                })
                .sum()
        })
    }
    ["incoming", "active", "deferred", "maildrop", "hold"]
        .iter()
        .map(|q| files(&stack.dir().join("pq").join(q)))
        .sum()
}

/// How often `needle` occurs in the file at `path` (0 when it cannot be read).
pub fn occurrences(path: &Path, needle: &str) -> usize {
    std::fs::read_to_string(path).map_or(0, |t| t.matches(needle).count())
}
