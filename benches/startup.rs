//! Start-up cost with a large record: `cargo bench --bench startup`.
//!
//! Records STARTUP_MESSAGES (default 10,000) generated emails (500 units, each sending Word
//! application forms again and again) through the real daemon into a data directory under the
//! system temp dir, once: later runs reuse it. Then times `Daemon::open` + `run --once` on the
//! empty mailbox + close, with the judge's state loaded from the record (the normal path), and
//! with the stored state marked as another format, which makes start-up judge the whole archive
//! again (the fallback, and what every start-up did before the state was stored).

// A bench: a failed expectation stops the measurement, which is what it should do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use shenbao::config::Config;
use shenbao::daemon::Daemon;
use shenbao::shutdown::Shutdown;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, UNIX_EPOCH};

#[path = "../tests/common/mod.rs"]
mod common;

const UNITS: usize = 500;

fn config(root: &Path) -> Config {
    let mut cfg = Config::load(None).expect("the embedded default loads");
    cfg.mailbox.path = root.join("Maildir");
    cfg.storage.data_dir = root.join("data");
    cfg
}

/// Email `i`: unit `i % UNITS` sends one of four application forms again.
fn message(i: usize) -> Vec<u8> {
    let u = i % UNITS;
    let unit = format!("第{u}区市场监管局");
    let form = common::Form::new(i / UNITS, &unit);
    let name = format!("附件1：申报表（{}）.docx", form.enterprise);
    let files = [(name.as_str(), common::application_docx(&form))];
    let raw = common::email(
        &format!("unit{u}@tj.gov.cn"),
        "申报材料",
        "请查收。",
        &files,
    );
    // The fixture's Message-ID and body repeat: a distinct Message-ID makes distinct bytes.
    let text = String::from_utf8_lossy(&raw).into_owned();
    match text.split_once("Message-ID: <") {
        Some((head, rest)) => {
            let rest = rest.split_once('>').map_or("", |(_, r)| r);
            format!("{head}Message-ID: <startup-{i}@bench>{rest}").into_bytes()
        }
        None => raw,
    }
}

/// Fills the record with `n` messages through the daemon, unless done before.
fn record(root: &Path, n: usize) {
    let done = root.join("recorded");
    if done.is_file() {
        return;
    }
    let _ = fs::remove_dir_all(root);
    let new = root.join("Maildir/new");
    fs::create_dir_all(&new).expect("temp dir is writable");
    let started = Instant::now();
    for i in 0..n {
        let path = new.join(format!("{i:05}.eml"));
        fs::write(&path, message(i)).expect("temp dir is writable");
        // One minute apart from 2023-04-10 09:00 Beijing time, in the order written.
        let at = UNIX_EPOCH + Duration::from_secs(1_681_088_400 + i as u64 * 60);
        let f = fs::File::options()
            .write(true)
            .open(&path)
            .expect("just written");
        f.set_modified(at).expect("mtime can be set");
    }
    let rt = runtime();
    rt.block_on(async {
        let mut d = Daemon::open(config(root)).await.expect("daemon opens");
        let stats = d.run(true, Shutdown::never()).await.expect("round runs");
        d.close().await;
        assert_eq!(stats.judged, n, "every message judged");
    });
    fs::write(&done, n.to_string()).expect("temp dir is writable");
    eprintln!(
        "recorded {n} messages in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// `run --once` on the empty mailbox as a fresh process does it: open, one round, close.
fn start(root: &Path) -> Duration {
    let rt = runtime();
    rt.block_on(async {
        let started = Instant::now();
        let mut d = Daemon::open(config(root)).await.expect("daemon opens");
        let stats = d.run(true, Shutdown::never()).await.expect("round runs");
        d.close().await;
        assert_eq!(stats.taken(), 0, "the mailbox is empty");
        started.elapsed()
    })
}

/// Marks the stored state as written in another format: the next start-up rebuilds it.
fn spoil_format(root: &Path) {
    let rt = runtime();
    rt.block_on(async {
        // Behind the store's back, as an older binary's record would look.
        let url = format!("sqlite://{}", root.join("data/shenbao.db").display());
        let pool = sqlx::SqlitePool::connect(&url)
            .await
            .expect("database opens");
        sqlx::query("UPDATE judge_state SET format = format + 1000")
            .execute(&pool)
            .await
            .expect("judge_state is there");
        pool.close().await;
    });
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is read from the command line.
    let n: usize = std::env::var("STARTUP_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let root: PathBuf = std::env::temp_dir().join(format!("shenbao-startup-bench-{n}"));
    record(&root, n);
    let loads: Vec<Duration> = (0..3).map(|_| start(&root)).collect();
    spoil_format(&root);
    let replay = start(&root);
    // The replay stored the state again: the next start-up loads it.
    let after = start(&root);
    let ms = |d: &Duration| d.as_secs_f64() * 1000.0;
    let best = loads.iter().min().map(ms).unwrap_or(0.0);
    println!(
        "start-up + run --once, empty mailbox, {n} messages recorded ({})",
        root.display()
    );
    println!(
        "  state loaded from the record: best {best:.0} ms of {:?}",
        loads.iter().map(|d| ms(d).round()).collect::<Vec<_>>()
    );
    println!(
        "  state rebuilt by judging the archive again: {:.0} ms",
        ms(&replay)
    );
    println!("  loaded again after the rebuild: {:.0} ms", ms(&after));
}
