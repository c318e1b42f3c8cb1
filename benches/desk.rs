//! The web desk's pages over a large call: `cargo bench --bench desk`.
//!
//! Records the backlog fixture of DESK_UNITS (default 300) units, each with a complete
//! submission of three projects (900 projects, 2,400 files), through the real daemon into a
//! data directory under the system temp dir, once: later runs reuse it. Then starts the daemon
//! with the web desk on loopback, signs in as a viewer, and fetches every page kind 15 times
//! over HTTP, reporting the median time to the whole answer (server time: the client and
//! server share the machine, the network is loopback) and the size of each page, against the
//! budget of 50 ms and 300 KB.

// A bench: a failed expectation stops the measurement, which is what it should do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use shenbao::config::Config;
use shenbao::daemon::Daemon;
use shenbao::shutdown::{self, Shutdown};
use shenbao::store::Role;
use std::fs;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, UNIX_EPOCH};

#[path = "../tests/common/mod.rs"]
mod common;

const BUDGET_MS: f64 = 50.0;
const BUDGET_KB: f64 = 300.0;

fn config(root: &Path) -> Config {
    let mut cfg = Config::load(None).expect("the embedded default loads");
    cfg.mailbox.path = root.join("Maildir");
    cfg.storage.data_dir = root.join("data");
    cfg
}

/// Fills the record with `units` complete submissions through the daemon, unless done before.
fn record(root: &Path, units: usize) {
    let done = root.join("recorded");
    if done.is_file() {
        return;
    }
    let _ = fs::remove_dir_all(root);
    let new = root.join("Maildir/new");
    fs::create_dir_all(&new).expect("temp dir is writable");
    let started = Instant::now();
    for i in 0..units {
        let unit = format!("测试{i}区市场监管局");
        let forms: Vec<common::Form> = (0..3)
            .map(|j| common::Form::new(i * 3 + j, &unit))
            .collect();
        let files = common::complete_submission(&unit, &forms);
        let raw = common::email(
            &format!("unit{i}@example.test"),
            "申报材料",
            "请查收。",
            &common::refs(&files),
        );
        let path = new.join(format!("{i:05}.eml"));
        fs::write(&path, raw).expect("temp dir is writable");
        let at = UNIX_EPOCH + Duration::from_secs(1_681_952_400 + i as u64 * 60);
        let f = fs::File::options()
            .write(true)
            .open(&path)
            .expect("just written");
        f.set_modified(at).expect("mtime can be set");
    }
    let rt = shenbao::ops::runtime().expect("runtime");
    rt.block_on(async {
        let mut d = Daemon::open(config(root)).await.expect("daemon opens");
        let stats = d.run(true, Shutdown::never()).await.expect("round runs");
        d.close().await;
        assert_eq!(stats.judged, units, "every message judged");
    });
    fs::write(&done, units.to_string()).expect("temp dir is writable");
    eprintln!(
        "recorded {units} units in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

/// One HTTP/1.1 GET with the session cookie; returns the status line's code and the body.
fn get(addr: SocketAddr, path: &str, cookie: &str) -> (u16, Vec<u8>) {
    let mut s = TcpStream::connect(addr).expect("desk answers");
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    split(&raw)
}

/// Status code and body of a `Connection: close` answer (chunked bodies are joined).
fn split(raw: &[u8]) -> (u16, Vec<u8>) {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a head")
        + 4;
    let head = String::from_utf8_lossy(&raw[..end]).to_lowercase();
    let code = head[9..12].parse().expect("a status code");
    let mut body = raw[end..].to_vec();
    if head.contains("transfer-encoding: chunked") {
        let mut out = Vec::new();
        let mut rest = &body[..];
        while let Some(nl) = rest.windows(2).position(|w| w == b"\r\n") {
            let n = usize::from_str_radix(std::str::from_utf8(&rest[..nl]).unwrap().trim(), 16)
                .unwrap();
            if n == 0 {
                break;
            }
            out.extend_from_slice(&rest[nl + 2..nl + 2 + n]);
            rest = &rest[nl + 2 + n + 2..];
        }
        body = out;
    }
    (code, body)
}

fn main() {
    let units: usize = std::env::var("DESK_UNITS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300);
    let root: PathBuf = std::env::temp_dir().join(format!("shenbao-desk-bench-{units}"));
    record(&root, units);
    let mut cfg = config(&root);
    cfg.web.listen = Some("127.0.0.1:0".into());
    let rt = shenbao::ops::runtime().expect("runtime");
    let (trigger, stop) = shutdown::channel();
    let (addr, cookie, daemon) = rt.block_on(async {
        let d = Daemon::open(cfg).await.expect("daemon opens");
        let (cookie, _) = common::desk::session(d.store(), "bench", Role::Viewer).await;
        (d.web_addr().expect("the desk listens"), cookie, d)
    });
    let unit = rt
        .block_on(daemon.store().units())
        .unwrap()
        .into_iter()
        .nth(units / 2)
        .unwrap()
        .id;
    let message = rt.block_on(daemon.store().messages()).unwrap()[units / 2].id;
    let file = rt
        .block_on(daemon.store().attachments_of_message(message))
        .unwrap()[1]
        .id;
    let pages = [
        "/".to_string(),
        "/units".into(),
        format!("/units/{unit}"),
        "/messages".into(),
        format!("/messages/{message}"),
        "/projects".into(),
        "/export".into(),
        "/api/units".into(),
        "/api/messages".into(),
        format!("/messages/{message}/files/{file}"),
    ];
    println!("{units} units; median of 15 fetches each (budget {BUDGET_MS} ms, {BUDGET_KB} KB)");
    let mut over = 0;
    for page in &pages {
        let mut times = Vec::new();
        let mut size = 0;
        for _ in 0..15 {
            let started = Instant::now();
            let (code, body) = get(addr, page, &cookie);
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            assert_eq!(code, 200, "{page}");
            size = body.len();
        }
        times.sort_by(f64::total_cmp);
        let ms = times[times.len() / 2];
        let kb = size as f64 / 1024.0;
        let flag = if ms > BUDGET_MS || kb > BUDGET_KB {
            over += 1;
            "  OVER BUDGET"
        } else {
            ""
        };
        println!("{page:<32} {ms:>8.1} ms {kb:>8.1} KB{flag}");
    }
    drop(trigger);
    drop(stop);
    rt.block_on(daemon.close());
    if over > 0 {
        println!("{over} page(s) over budget");
    }
}
