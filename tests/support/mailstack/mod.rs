//! A real mail stack for integration tests: Dovecot (IMAPS, IMAP+STARTTLS, LMTP) and Postfix
//! (submission with STARTTLS and AUTH, implicit TLS, a plain injection port) on 127.0.0.1, from
//! throw-away config, certificates and Maildirs in a temp dir; free ports; torn down on Drop by
//! killing each server's process group. See ../shared/notes/mail-test-stack.md.
//!
//! Test-side IMAP goes through python3's imaplib (no IMAP crate in the dev-dependencies); SMTP
//! injection is a few lines over a TcpStream.
#![allow(dead_code)]

mod dovecot;
mod imap;
mod postfix;
mod smtp;
mod tls;

pub use imap::{Fetched, mutf7};

use chrono::{DateTime, FixedOffset};
use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
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

/// Runs a command to completion; its stderr becomes the error.
pub(crate) fn run(cmd: &mut Command) -> Result<()> {
    let out = cmd.stdin(Stdio::null()).output()?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{cmd:?}: {}{}",
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        )
        .into())
    }
}

fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin".into(), "/sbin".into()])
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

fn is_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// Kills a process group and reaps its leader.
fn kill_group(child: &mut Child) {
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{}", child.id())])
        .stderr(Stdio::null())
        .status();
    let _ = child.wait();
}

/// Waits until a server on `port` sends a greeting starting with `prefix` (a bound port alone
/// is not ready: the master binds before its login processes run).
fn wait_greeting(port: u16, prefix: &str, child: &mut Child, log: &Path) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if let Ok(s) = TcpStream::connect(("127.0.0.1", port)) {
            s.set_read_timeout(Some(Duration::from_secs(2)))?;
            let mut line = String::new();
            if BufReader::new(s).read_line(&mut line).is_ok() && line.starts_with(prefix) {
                return Ok(());
            }
        }
        if let Some(st) = child.try_wait()? {
            let log = std::fs::read_to_string(log).unwrap_or_default();
            return Err(format!("server exited ({st}) before greeting; log:\n{log}").into());
        }
        if Instant::now() > deadline {
            return Err(format!("no greeting on port {port} within 15 s").into());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

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

    fn login(&self, user: &str) -> Result<(&str, &str)> {
        self.users
            .iter()
            .find(|(u, _)| u.eq_ignore_ascii_case(user))
            .map(|(u, p)| (u.as_str(), p.as_str()))
            .ok_or_else(|| format!("{user} is not a user of this stack").into())
    }

    fn imap(&self, user: &str, args: &[&str], stdin: Option<&[u8]>) -> Result<Option<Vec<u8>>> {
        let login = self.login(user)?;
        imap::run_script(
            &self.dir,
            self.imap_port(),
            self.ca_file(),
            login,
            args,
            stdin,
        )
    }

    /// Capabilities after login (over TLS verified against the CA), then `ID <result>`.
    pub fn capabilities(&self, user: &str) -> Result<String> {
        let out = self.imap(user, &["caps"], None)?.unwrap_or_default();
        Ok(String::from_utf8_lossy(&out).to_string())
    }

    /// Logs in with this password and a trusted CA file of the caller's choice; proves that
    /// wrong passwords and untrusted certificates are refused.
    pub fn try_login(&self, user: &str, password: &str, ca: &Path) -> Result<()> {
        imap::run_script(
            &self.dir,
            self.imap_port(),
            ca,
            (user, password),
            &["caps"],
            None,
        )?;
        Ok(())
    }

    /// Submits as a real client does: STARTTLS (or implicit TLS) verified against the CA, AUTH
    /// as `user`, then the envelope; `from` may be empty (`MAIL FROM:<>`).
    pub fn submit(
        &self,
        user: &str,
        implicit_tls: bool,
        from: &str,
        to: &[&str],
        raw: &[u8],
    ) -> Result<()> {
        let (user, pw) = self.login(user)?;
        let (port, mode) = if implicit_tls {
            (self.ports.smtps, "implicit")
        } else {
            (self.ports.smtp, "starttls")
        };
        let mut args: Vec<String> = vec![
            port.to_string(),
            mode.into(),
            self.ca_file().display().to_string(),
            user.into(),
            pw.into(),
            from.into(),
        ];
        args.extend(to.iter().map(|t| t.to_string()));
        smtp::run_submit(&self.dir, &args, raw)
    }

    /// Creates a folder; the name is plain UTF-8 (`已处理`), encoded here.
    pub fn create_folder(&self, user: &str, folder: &str) -> Result<()> {
        self.imap(user, &["create", &mutf7(folder)], None)?;
        Ok(())
    }

    /// LIST response lines, as the server sent them (names in modified UTF-7).
    pub fn folders(&self, user: &str) -> Result<Vec<String>> {
        let out = self.imap(user, &["list"], None)?.unwrap_or_default();
        Ok(String::from_utf8_lossy(&out)
            .lines()
            .map(str::to_string)
            .collect())
    }

    /// APPENDs a message with an internal date; returns the APPENDUID response text.
    pub fn append(
        &self,
        user: &str,
        folder: &str,
        raw: &[u8],
        internal_date: DateTime<FixedOffset>,
    ) -> Result<String> {
        let date = internal_date.format("%d-%b-%Y %H:%M:%S %z").to_string();
        let out = self.imap(user, &["append", &mutf7(folder), &date], Some(raw))?;
        Ok(String::from_utf8_lossy(&out.unwrap_or_default())
            .trim()
            .to_string())
    }

    /// Every message of a folder in UID order with UID and INTERNALDATE; empty when the folder
    /// does not exist.
    pub fn fetch(&self, user: &str, folder: &str) -> Result<Vec<Fetched>> {
        match self.imap(user, &["fetch", &mutf7(folder)], None)? {
            Some(out) => imap::parse_fetch(&out),
            None => Ok(Vec::new()),
        }
    }

    /// The raw messages of a folder in UID order.
    pub fn messages(&self, user: &str, folder: &str) -> Result<Vec<Vec<u8>>> {
        Ok(self
            .fetch(user, folder)?
            .into_iter()
            .map(|f| f.raw)
            .collect())
    }

    /// Polls until the folder holds at least `n` messages; returns them.
    pub fn wait_for_messages(
        &self,
        user: &str,
        folder: &str,
        n: usize,
        timeout: Duration,
    ) -> Result<Vec<Vec<u8>>> {
        let deadline = Instant::now() + timeout;
        loop {
            let m = self.messages(user, folder)?;
            if m.len() >= n {
                return Ok(m);
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "{user}/{folder}: {} of {n} messages after {timeout:?}\n{}",
                    m.len(),
                    self.postfix_log()
                )
                .into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Sends a message through Postfix's plain injection port (no TLS, no AUTH), so it is
    /// delivered to the recipients' INBOX by LMTP.
    pub fn send(&self, from: &str, to: &[&str], raw: &[u8]) -> Result<()> {
        smtp::send(self.ports.inject, from, to, raw)
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
