//! A real mail stack for integration tests: Dovecot (IMAPS, IMAP+STARTTLS, LMTP) and Postfix
//! (submission with STARTTLS and AUTH, implicit TLS, a plain injection port) on 127.0.0.1, from
//! throw-away config, certificates and Maildirs in a temp dir; free ports; torn down on Drop by
//! killing each server's process group. See ../shared/notes/mail-test-stack.md.
//!
//! Test-side IMAP goes through python3's imaplib (no IMAP crate in the dev-dependencies); SMTP
//! injection is a few lines over a TcpStream.
//!
//! Use from a test file (the module must be named `mailstack` for `require_mailstack!`):
//!
//! ```ignore
//! #[path = "support/mailstack/mod.rs"]
//! mod mailstack;
//! #[test]
//! fn t() {
//!     crate::require_mailstack!();
//!     let s = mailstack::MailStack::start(&[("scjgzlfzc@tj.gov.cn", "pw")]).unwrap();
//!     // s.imap_port(), s.smtp_port(), s.ca_file(), s.append(..), s.wait_for_messages(..)
//! }
//! ```
//!
//! Environment: `MAILSTACK_KEEP=1` keeps the temp dir (config, logs, Maildirs) after the test;
//! `SHENBAO_REQUIRE_MAILSTACK=1` turns a missing stack into a failure instead of a skip.
//! Runs as root (Postfix's daemons insist on it; Dovecot maps mail to `nobody`); as another
//! user `available()` says why not and tests skip.
#![allow(dead_code)]

mod client;
mod dovecot;
mod imap;
mod postfix;
mod process;
mod smtp;
mod tls;

pub use imap::{Fetched, mutf7};

use process::{is_root, kill_group, reap_stale, wait_greeting, which};

use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// Errors of the harness: anything, with a readable message.
pub type Result<T, E = Box<dyn std::error::Error + Send + Sync>> = std::result::Result<T, E>;

/// Skips the calling test, loudly, when the servers are not installed; with
/// `SHENBAO_REQUIRE_MAILSTACK` set (CI) a missing stack fails the test instead.
#[macro_export]
macro_rules! require_mailstack {
    () => {
        if let Err(why) = $crate::mailstack::MailStack::available() {
            if std::env::var_os("SHENBAO_REQUIRE_MAILSTACK").is_some() {
                panic!("mail stack required but unavailable: {why}");
            }
            eprintln!(
                "\n!!! SKIPPED {}: mail stack unavailable: {why}\n",
                module_path!()
            );
            return;
        }
    };
}

/// The ports one stack listens on, all on 127.0.0.1.
pub struct Ports {
    /// IMAP with STARTTLS.
    pub imap: u16,
    /// IMAP over implicit TLS.
    pub imaps: u16,
    /// Dovecot's LMTP, which Postfix delivers to.
    pub lmtp: u16,
    /// Submission: STARTTLS and AUTH required.
    pub smtp: u16,
    /// SMTP over implicit TLS, AUTH required.
    pub smtps: u16,
    /// Plain SMTP open to 127.0.0.1, for the harness's own `send`.
    pub inject: u16,
}

impl Ports {
    /// Free ports, asked of the kernel all at once so they differ from each other.
    fn free() -> Result<Ports> {
        let ls: Vec<TcpListener> = (0..6)
            .map(|_| TcpListener::bind("127.0.0.1:0"))
            .collect::<Result<_, _>>()?;
        let p: Vec<u16> = ls
            .iter()
            .map(|l| l.local_addr().map(|a| a.port()))
            .collect::<Result<_, _>>()?;
        Ok(Ports {
            imap: p[0],
            imaps: p[1],
            lmtp: p[2],
            smtp: p[3],
            smtps: p[4],
            inject: p[5],
        })
    }
}

/// One running stack.
pub struct MailStack {
    /// The temp dir holding config, certificates, logs, queues and Maildirs.
    dir: PathBuf,
    /// Where everything listens.
    ports: Ports,
    /// Users and passwords, for the harness's own logins.
    users: Vec<(String, String)>,
    /// The CA and server certificate.
    tls: tls::Tls,
    /// Dovecot's master process (leader of its process group).
    dovecot: Option<Child>,
    /// Postfix's `start-fg` process (leader of its process group), while SMTP is up.
    postfix: Option<Child>,
    /// Postfix's config directory, to start it again after `stop_smtp`.
    postfix_conf: PathBuf,
    /// How long `start` took, for reporting.
    startup: Duration,
}

static SEQ: AtomicU32 = AtomicU32::new(0);

impl MailStack {
    /// Why the stack cannot run here, if it cannot.
    pub fn available() -> Result<(), String> {
        let missing: Vec<&str> = ["dovecot", "postfix", "openssl", "python3"]
            .into_iter()
            .filter(|b| which(b).is_none())
            .collect();
        if !missing.is_empty() {
            return Err(format!(
                "not installed: {} (apt-get install dovecot-imapd dovecot-lmtpd postfix openssl python3)",
                missing.join(", ")
            ));
        }
        if !is_root() {
            return Err("Postfix needs root to run from a private config".into());
        }
        Ok(())
    }

    /// Starts Dovecot and Postfix for these users (address, password).
    pub fn start(users: &[(&str, &str)]) -> Result<MailStack> {
        Self::available()?;
        reap_stale();
        // A free port can be taken by another test process between asking and binding.
        let mut attempt = 0;
        loop {
            match Self::start_once(users) {
                Err(e) if e.to_string().contains("in use") && attempt < 3 => attempt += 1,
                r => return r,
            }
        }
    }

    fn start_once(users: &[(&str, &str)]) -> Result<MailStack> {
        let t0 = Instant::now();
        // Short (unix socket paths) and world-traversable (the auth and postfix users read it).
        let dir = PathBuf::from(format!(
            "/tmp/msk-{}-{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("mail"))?;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755))?;
        std::fs::set_permissions(dir.join("mail"), std::fs::Permissions::from_mode(0o777))?;
        let ports = Ports::free()?;
        let tls = tls::make(&dir.join("tls"))?;
        std::fs::write(dir.join("imap.py"), imap::SCRIPT)?;
        std::fs::write(dir.join("submit.py"), smtp::SUBMIT_SCRIPT)?;
        let who = dovecot::Identity::current(is_root())?;
        let conf = dovecot::write_config(&dir, &ports, users, &who)?;
        let mut domains: Vec<String> = users
            .iter()
            .filter_map(|(u, _)| u.rsplit_once('@').map(|(_, d)| d.to_ascii_lowercase()))
            .collect();
        domains.sort();
        domains.dedup();
        let postfix_conf = postfix::write_config(&dir, &ports, &domains)?;
        let mut stack = MailStack {
            dir,
            ports,
            users: users
                .iter()
                .map(|(u, p)| (u.to_string(), p.to_string()))
                .collect(),
            tls,
            dovecot: None,
            postfix: None,
            postfix_conf,
            startup: Duration::ZERO,
        };
        let log = stack.dir.join("dovecot.stderr");
        let mut child = Command::new("dovecot")
            .arg("-F")
            .arg("-c")
            .arg(&conf)
            .env("TZ", "CST-8")
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&log)?)
            .stderr(std::fs::File::create(&log)?)
            .spawn()?;
        let ready = wait_greeting(stack.ports.imap, "* OK", &mut child, &log);
        stack.dovecot = Some(child);
        ready.map_err(|e| format!("dovecot: {e}\n{}", stack.dovecot_log()))?;
        stack.start_smtp()?;
        stack.startup = t0.elapsed();
        Ok(stack)
    }

    /// Starts Postfix (again).
    pub fn start_smtp(&mut self) -> Result<()> {
        if self.postfix.is_some() {
            return Ok(());
        }
        let queue = self.dir.join("pq");
        if queue.join("pid").is_dir() {
            // Laid out by the first start: skip Postfix's slow integrity check.
            std::fs::write(queue.join("quick-start"), "")?;
        }
        let log = self.dir.join("postfix.stderr");
        let mut child = Command::new("postfix")
            .arg("-c")
            .arg(&self.postfix_conf)
            .arg("start-fg")
            .env("TZ", "CST-8")
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&log)?)
            .stderr(std::fs::File::create(&log)?)
            .spawn()?;
        let ready = wait_greeting(self.ports.inject, "220", &mut child, &log);
        self.postfix = Some(child);
        ready.map_err(|e| format!("postfix: {e}\n{}", self.postfix_log()).into())
    }

    /// Stops Postfix at once (SIGKILL to its group): SMTP is down until `start_smtp`.
    pub fn stop_smtp(&mut self) {
        let Some(mut c) = self.postfix.take() else {
            return;
        };
        // The master calls setsid(): its daemons form a group of their own, led by the pid
        // in master.pid.
        let pid = std::fs::read_to_string(self.dir.join("pq/pid/master.pid")).unwrap_or_default();
        let master = pid.trim().parse::<u32>().ok();
        if let Some(pid) = master {
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{pid}")])
                .stderr(Stdio::null())
                .status();
        }
        kill_group(&mut c);
        let deadline = Instant::now() + Duration::from_secs(5);
        while let Some(pid) = master
            && Path::new(&format!("/proc/{pid}")).exists()
            && Instant::now() < deadline
        {
            std::thread::sleep(Duration::from_millis(10));
        }
        // Down means refusing connections (the kernel closes the listeners as processes die).
        let deadline = Instant::now() + Duration::from_secs(5);
        while TcpStream::connect(("127.0.0.1", self.ports.inject)).is_ok()
            && Instant::now() < deadline
        {
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// IMAP over implicit TLS.
    pub fn imap_port(&self) -> u16 {
        self.ports.imaps
    }
    /// IMAP with STARTTLS (and plaintext, which Dovecot allows on loopback).
    pub fn imap_starttls_port(&self) -> u16 {
        self.ports.imap
    }
    /// Submission: STARTTLS then AUTH (PLAIN/LOGIN, the stack's users) required.
    pub fn smtp_port(&self) -> u16 {
        self.ports.smtp
    }
    /// SMTP over implicit TLS, AUTH required.
    pub fn smtps_port(&self) -> u16 {
        self.ports.smtps
    }
    /// Dovecot's LMTP.
    pub fn lmtp_port(&self) -> u16 {
        self.ports.lmtp
    }
    /// The CA certificate that signed the servers' certificate: trust exactly this.
    pub fn ca_file(&self) -> &Path {
        &self.tls.ca
    }
    /// The stack's temp dir.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
    /// How long `start` took.
    pub fn startup(&self) -> Duration {
        self.startup
    }
    /// Dovecot's log, for debugging failed tests.
    pub fn dovecot_log(&self) -> String {
        std::fs::read_to_string(self.dir.join("dovecot.log")).unwrap_or_default()
            + &std::fs::read_to_string(self.dir.join("dovecot.stderr")).unwrap_or_default()
    }
    /// Postfix's log, for debugging failed tests.
    pub fn postfix_log(&self) -> String {
        std::fs::read_to_string(self.dir.join("postfix.log")).unwrap_or_default()
            + &std::fs::read_to_string(self.dir.join("postfix.stderr")).unwrap_or_default()
    }
}

impl Drop for MailStack {
    fn drop(&mut self) {
        self.stop_smtp();
        if let Some(mut c) = self.dovecot.take() {
            kill_group(&mut c);
        }
        if std::env::var_os("MAILSTACK_KEEP").is_none() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}
