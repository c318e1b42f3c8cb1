//! The desk under test: a throw-away place with a config file (`[web] listen` on a free
//! loopback port, Maildir in, file outbox out), mail delivered into it, accounts made with the
//! `shenbao user add` command, and the daemon serving the desk while a browser scenario runs.

use crate::common::place::Place;
use shenbao::config::Config;
use shenbao::daemon::Daemon;
use shenbao::shutdown::{self, Shutdown};
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

/// Passwords of the accounts the scenarios make (long enough for any length rule).
pub const PASSWORD: &str = "desk-test-Passw0rd";

/// A place with a config file for the desk.
pub struct Desk {
    /// Maildir and data dir, removed at drop.
    pub place: Place,
    /// `shenbao.toml` in the place (read by the daemon and the `user` command alike).
    pub config: PathBuf,
}

/// One reply the file outbox wrote: its `.json` (what it is) and its text body.
#[derive(Debug)]
pub struct Reply {
    /// Recipient address.
    pub recipient: String,
    /// `receipt`, `notice`, … as the outbox writes it.
    pub kind: String,
    /// Receipt number, for receipts.
    pub receipt: Option<String>,
    /// The text body of the `.eml`, decoded.
    pub body: String,
}

impl Desk {
    /// A place whose config is the embedded default with `[web] listen = "127.0.0.1:0"`,
    /// polling every second.
    pub fn new(tag: &str) -> Desk {
        let place = Place::new(tag);
        let text = shenbao::config::DEFAULT_TOML
            .replace(
                "path = \"data/Maildir\"",
                &format!("path = {:?}", place.0.join("Maildir")),
            )
            .replace(
                "data_dir = \"data\"",
                &format!("data_dir = {:?}", place.0.join("data")),
            )
            .replace("poll_seconds = 5", "poll_seconds = 1");
        let text = format!("{text}\n[web]\nlisten = \"127.0.0.1:0\"\n");
        let config = place.0.join("shenbao.toml");
        std::fs::write(&config, text).unwrap();
        Desk { place, config }
    }

    /// The config the daemon runs with.
    pub fn config(&self) -> Config {
        Config::load(Some(&self.config)).unwrap()
    }

    /// Delivers `raw` into `Maildir/new` as `name`, arriving at `at`.
    pub fn deliver(&self, name: &str, raw: &[u8], at: SystemTime) {
        let path = self.place.0.join("Maildir/new").join(name);
        std::fs::write(&path, raw).unwrap();
        let f = std::fs::File::options().write(true).open(&path).unwrap();
        f.set_modified(at).unwrap();
    }

    /// Delivers the sample submissions (`shenbao run --samples`) except those named in `skip`.
    pub fn deliver_samples(&self, skip: &[&str]) {
        for s in shenbao::samples::all() {
            if !skip.iter().any(|k| s.name.contains(k)) {
                self.deliver(&s.name, &s.raw, s.received.into());
            }
        }
    }

    /// `shenbao user add NAME --role ROLE --password-stdin` on this place's config.
    pub fn user_add(&self, name: &str, role: &str) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_shenbao"))
            .args(["--config", &self.config.display().to_string()])
            .args(["user", "add", name, "--role", role, "--password-stdin"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        writeln!(stdin, "{PASSWORD}").unwrap();
        drop(stdin);
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "user add {name}: {}{}",
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
    }

    /// Every reply in the file outbox so far.
    pub fn replies(&self) -> Vec<Reply> {
        let dir = self.place.0.join("data/outbox");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for e in entries.flatten() {
            let path = e.path();
            if path.extension().is_none_or(|x| x != "json") {
                continue;
            }
            let Ok(json) = std::fs::read_to_string(&path) else {
                continue;
            };
            let Ok(v) = serde_json::from_str::<serde_json::Value>(&json) else {
                continue; // being written
            };
            let raw = std::fs::read(path.with_extension("eml")).unwrap_or_default();
            let body = mail_parser::MessageParser::default()
                .parse(&raw)
                .and_then(|m| m.body_text(0).map(|b| b.into_owned()))
                .unwrap_or_default();
            out.push(Reply {
                recipient: v["recipient"].as_str().unwrap_or_default().to_string(),
                kind: v["kind"].as_str().unwrap_or_default().to_string(),
                receipt: v["receipt"].as_str().map(str::to_string),
                body,
            });
        }
        out
    }

    /// Waits (at most 30 s) for a reply matching `want` to land in the outbox.
    pub async fn wait_reply(&self, want: impl Fn(&Reply) -> bool) -> Result<Reply, String> {
        let end = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(r) = self.replies().into_iter().find(&want) {
                return Ok(r);
            }
            if Instant::now() > end {
                return Err(format!(
                    "no such reply in the outbox within 30 s; there: {:?}",
                    self.replies()
                ));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Opens the daemon, lets it take every delivered message, then keeps it running (taking
    /// mail, applying decisions, delivering replies) while `scenario(base_url)` runs; stops it
    /// afterwards.
    pub async fn serve<F, Fut>(&self, scenario: F)
    where
        F: FnOnce(String) -> Fut,
        Fut: std::future::Future<Output = ()>,
    {
        let mut d = Daemon::open(self.config()).await.unwrap();
        d.run(true, Shutdown::never()).await.unwrap();
        let base = format!("http://{}", d.web_addr().expect("[web] listen is set"));
        let (trigger, stop) = shutdown::channel();
        let daemon = async {
            let stats = d.run(false, stop).await;
            (d, stats)
        };
        let browse = async {
            scenario(base).await;
            trigger.trigger();
        };
        let ((d, stats), ()) = tokio::join!(daemon, browse);
        stats.unwrap();
        d.close().await;
    }
}
