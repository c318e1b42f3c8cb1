//! The built `shenbao` binary as a child process, as systemd would run it: a config file, an
//! environment, stderr captured to a file, SIGTERM to stop; plus a plain HTTP GET and a check
//! of the Prometheus text format.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// A running daemon, killed at drop.
pub struct Running {
    /// The child.
    child: Child,
    /// Where its stderr goes.
    log: PathBuf,
}

/// The embedded default's [campaign] and [limits], to put other sections after.
pub fn campaign_toml() -> String {
    let d = shenbao::config::DEFAULT_TOML;
    d[..d.find("[mailbox]").unwrap()].to_string()
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Running {
    /// `shenbao ARGS` with `env` set (and NOTIFY_SOCKET/WATCHDOG_* removed unless given).
    pub fn start(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Running {
        static SEQ: AtomicU32 = AtomicU32::new(0);
        let log = dir.join(format!(
            "stderr-{}.log",
            SEQ.fetch_add(1, Ordering::Relaxed)
        ));
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_shenbao"));
        cmd.args(args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap());
        for v in [
            "NOTIFY_SOCKET",
            "WATCHDOG_USEC",
            "WATCHDOG_PID",
            "JOURNAL_STREAM",
        ] {
            cmd.env_remove(v);
        }
        cmd.env_remove("SHENBAO_LOG");
        for (k, v) in env {
            cmd.env(k, v);
        }
        Running {
            child: cmd.spawn().unwrap(),
            log,
        }
    }

    /// What it wrote to stderr so far.
    pub fn stderr(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// SIGTERM, then its exit status (killed after 30 s) and its stderr.
    pub fn term(mut self) -> (ExitStatus, String) {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        let end = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return (status, self.stderr());
            }
            if Instant::now() > end {
                let _ = self.child.kill();
                panic!("no exit 30 s after SIGTERM:\n{}", self.stderr());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `GET path` on 127.0.0.1:port: (status code, body); None when nothing listens.
pub fn get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(s, "GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    let (head, body) = out.split_once("\r\n\r\n")?;
    let code = head.split(' ').nth(1)?.parse().ok()?;
    Some((code, body.to_string()))
}

/// Polls `f` every 100 ms until it gives Some, for at most `limit`.
pub fn wait_for<T>(limit: Duration, mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let end = Instant::now() + limit;
    loop {
        if let Some(v) = f() {
            return Some(v);
        }
        if Instant::now() > end {
            return None;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The value of an unlabelled or labelled sample line `name{..} value` on a metrics page.
pub fn sample(page: &str, series: &str) -> Option<f64> {
    page.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

/// Checks every line of a metrics page against the text format 0.0.4: comments are HELP or
/// TYPE, every sample belongs to a TYPEd family, names and labels are well formed, values
/// are numbers. Returns the first bad line.
pub fn check_exposition(page: &str) -> Result<(), String> {
    let name_ok = |n: &str| {
        !n.is_empty()
            && n.chars().enumerate().all(|(i, c)| {
                c.is_ascii_alphabetic() || c == '_' || c == ':' || (i > 0 && c.is_ascii_digit())
            })
    };
    let mut typed: Vec<String> = Vec::new();
    for line in page.lines() {
        if let Some(rest) = line.strip_prefix("# ") {
            let mut p = rest.splitn(3, ' ');
            let (kw, name, tail) = (p.next(), p.next(), p.next());
            match (kw, name) {
                (Some("HELP"), Some(n)) if name_ok(n) => {}
                (Some("TYPE"), Some(n)) if name_ok(n) => {
                    let kinds = ["counter", "gauge", "histogram", "summary", "untyped"];
                    if !tail.is_some_and(|t| kinds.contains(&t)) {
                        return Err(line.into());
                    }
                    typed.push(n.to_string());
                }
                _ => return Err(line.into()),
            }
            continue;
        }
        let (series, value) = line.rsplit_once(' ').ok_or(line)?;
        let ok_value = value.parse::<f64>().is_ok() || ["+Inf", "-Inf", "NaN"].contains(&value);
        let (name, labels) = match series.split_once('{') {
            Some((n, l)) => (n, Some(l.strip_suffix('}').ok_or(line)?)),
            None => (series, None),
        };
        let family = ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|s| {
                name.strip_suffix(s)
                    .filter(|f| typed.iter().any(|t| t == f))
            })
            .unwrap_or(name);
        let labels_ok = labels.is_none_or(|l| {
            l.split(',').all(|kv| {
                kv.split_once('=').is_some_and(|(k, v)| {
                    name_ok(k) && v.len() >= 2 && v.starts_with('"') && v.ends_with('"')
                })
            })
        });
        if !(ok_value && name_ok(name) && labels_ok && typed.iter().any(|t| t == family)) {
            return Err(line.into());
        }
    }
    Ok(())
}

/// A python3 whose prometheus_client can parse the page, if there is one.
pub fn python_with_prometheus() -> Option<&'static str> {
    ["python3", "/usr/bin/python3"].into_iter().find(|p| {
        std::process::Command::new(p)
            .args(["-c", "import prometheus_client"])
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

/// The families prometheus_client reads from the page (name, type, samples per line); the
/// test fails when it refuses the page.
pub fn python_parse(python: &str, page: &str) -> String {
    use std::io::Write;
    let script = "import sys\nfrom prometheus_client.parser import text_string_to_metric_families\n\
                  for f in text_string_to_metric_families(sys.stdin.read()):\n    \
                  print(f.name, f.type, len(f.samples))\n";
    let mut child = std::process::Command::new(python)
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(page.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "prometheus_client refuses the page: {}\n{page}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}
