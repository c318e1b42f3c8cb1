//! A real browser for the web desk's tests: Debian's headless Chromium driven over WebDriver
//! (`chromedriver` on a free loopback port, the `fantoccini` client over plain HTTP). What a
//! clerk's browser does — cookies, redirects, forms, scripts that must not run — is checked in
//! that browser, not by reading HTML. See ../shared/notes/browser-tests.md.
//!
//! Use from a test file (the module must be named `browser` for `require_browser!`):
//!
//! ```ignore
//! #[path = "support/browser/mod.rs"]
//! mod browser;
//! #[test]
//! fn t() {
//!     crate::require_browser!();
//!     let driver = browser::Driver::start().unwrap();
//!     rt.block_on(driver.check("t", "http://127.0.0.1:8080", async |page| {
//!         page.goto("/login").await?;
//!         Ok(())
//!     }));
//! }
//! ```
//!
//! A failing check (an `Err` or a panic in its body) saves a screenshot and the page's HTML to
//! `target/browser-failures/<test>.png` / `.html` before failing the test.
//!
//! Environment: `SHENBAO_REQUIRE_BROWSER=1` (CI) turns a missing Chromium or chromedriver into a
//! failure instead of a skip; `BROWSER_KEEP=1` keeps the driver's temp dir (its log, profiles).
#![allow(dead_code)]

mod inert;
pub mod page;

pub use page::Page;

use fantoccini::ClientBuilder;
use futures_util::FutureExt as _;
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// Errors of the harness: anything, with a readable message.
pub type Result<T, E = Box<dyn std::error::Error + Send + Sync>> = std::result::Result<T, E>;

/// Skips the calling test, loudly, when Chromium or chromedriver is not installed; with
/// `SHENBAO_REQUIRE_BROWSER=1` (CI) a missing browser fails the test instead.
#[macro_export]
macro_rules! require_browser {
    () => {
        if let Err(why) = $crate::browser::available() {
            if $crate::browser::required() {
                panic!("browser required (SHENBAO_REQUIRE_BROWSER) but unavailable: {why}");
            }
            eprintln!(
                "\n!!! SKIPPED {}: browser unavailable: {why}\n",
                module_path!()
            );
            return;
        }
    };
}

/// Whether CI asked for the browser tests to run (`SHENBAO_REQUIRE_BROWSER` set, not `0`).
pub fn required() -> bool {
    std::env::var("SHENBAO_REQUIRE_BROWSER").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// A program on PATH (or in /usr/bin, where Debian puts both).
fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/bin")])
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// Chromium and chromedriver, or why not.
fn programs() -> Result<(PathBuf, PathBuf), String> {
    let chromium =
        which("chromium").ok_or("chromium is not installed (apt-get install chromium)")?;
    let driver = which("chromedriver")
        .ok_or("chromedriver is not installed (apt-get install chromium-driver)")?;
    Ok((chromium, driver))
}

/// Whether a browser can be started here, or why not.
pub fn available() -> Result<(), String> {
    programs().map(|_| ())
}

/// One chromedriver, killed with its browsers at drop.
pub struct Driver {
    /// chromedriver, leader of its own process group so the browsers it starts go with it.
    child: Child,
    /// Where chromedriver listens (127.0.0.1).
    port: u16,
    /// The Chromium binary each session runs.
    chromium: PathBuf,
    /// Temp dir: chromedriver's log and one fresh profile per session.
    dir: PathBuf,
    /// Numbers the sessions' profiles.
    sessions: AtomicU32,
}

impl Driver {
    /// Starts chromedriver on a free port and waits until it is ready for sessions.
    pub fn start() -> Result<Driver> {
        let (chromium, program) = programs()?;
        static SEQ: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "shenbao-browser-{}-{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir)?;
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let log = dir.join("chromedriver.log");
        let child = Command::new(program)
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()?;
        let mut driver = Driver {
            child,
            port,
            chromium,
            dir,
            sessions: AtomicU32::new(0),
        };
        driver.wait_ready()?;
        Ok(driver)
    }

    /// Polls `GET /status` until chromedriver says it is ready (at most 15 s).
    fn wait_ready(&mut self) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if status(self.port).is_ok_and(|body| body.contains("\"ready\":true")) {
                return Ok(());
            }
            if let Some(st) = self.child.try_wait()? {
                let log =
                    std::fs::read_to_string(self.dir.join("chromedriver.log")).unwrap_or_default();
                return Err(format!("chromedriver exited ({st}) before ready; log:\n{log}").into());
            }
            if Instant::now() > deadline {
                return Err(
                    format!("chromedriver not ready on port {} within 15 s", self.port).into(),
                );
            }
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    /// A new browser session with a fresh profile (no cookies), pointed at `base`
    /// (`http://host:port`, which relative paths are resolved against).
    pub async fn session(&self, base: &str) -> Result<Page> {
        let n = self.sessions.fetch_add(1, Ordering::Relaxed);
        let profile = self.dir.join(format!("profile-{n}"));
        std::fs::create_dir_all(&profile)?;
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": self.chromium,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-dev-shm-usage",
                    "--disable-gpu",
                    "--window-size=1280,900",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    format!("--user-data-dir={}", profile.display()),
                ]
            }
        });
        let Value::Object(caps) = caps else {
            return Err("capabilities are not an object".into());
        };
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await?;
        Ok(Page::new(client, base))
    }

    /// Runs `body` in a new session (see [`Driver::session`]). When it fails — returns `Err`
    /// or panics — the page is saved as `target/browser-failures/<test>.png` and `.html`, and
    /// the test fails with the error (or the panic goes on). The session is closed either way.
    pub async fn check<F, Fut>(&self, test: &str, base: &str, body: F)
    where
        F: FnOnce(Page) -> Fut,
        Fut: std::future::Future<Output = Result<()>>,
    {
        let page = match self.session(base).await {
            Ok(p) => p,
            Err(e) => panic!("{test}: cannot open a browser session: {e}"),
        };
        let outcome = AssertUnwindSafe(body(page.clone())).catch_unwind().await;
        if !matches!(outcome, Ok(Ok(()))) {
            let saved = page.save_failure(test).await;
            eprintln!("{test}: page at failure: {saved}");
        }
        let _ = page.client.close().await;
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(e)) => panic!("{test}: {e}"),
            Err(p) => std::panic::resume_unwind(p),
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.wait();
        if std::env::var_os("BROWSER_KEEP").is_none() {
            let _ = std::fs::remove_dir_all(&self.dir);
        } else {
            eprintln!("browser: kept {}", self.dir.display());
        }
    }
}

/// chromedriver's `GET /status` body, over a bare HTTP/1.0 request.
fn status(port: u16) -> Result<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(2)))?;
    s.write_all(b"GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")?;
    // Read until the server closes or goes quiet: what came is enough to look for "ready".
    let mut body = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n @ 1..) = s.read(&mut buf) {
        body.extend_from_slice(&buf[..n]);
    }
    Ok(String::from_utf8_lossy(&body).into_owned())
}

/// Where failure screenshots go: `target/browser-failures/` (beside `target/tmp`).
pub fn failure_dir() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(tmp).join("browser-failures")
}
