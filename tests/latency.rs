//! How long a sender waits: from the end of an IMAP APPEND into the division's mailbox to the
//! reply's arrival in the sender's own mailbox, with the daemon idling (IMAP IDLE) and replying
//! through Postfix. A measurement, not a test of timing (nothing is asserted about speed):
//! `SHENBAO_REQUIRE_MAILSTACK=1 cargo test --release --test latency -- --ignored --nocapture`
// A test crate: a failed unwrap, expect or panic is the test failing, which is what it should do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
#[path = "support/mailstack/mod.rs"]
mod mailstack;
#[path = "support/servers.rs"]
mod servers;

use shenbao::daemon::Daemon;
use shenbao::shutdown;
use std::sync::Arc;
use std::time::{Duration, Instant};

const DIVISION: &str = "scjgzlfzc@tj.gov.cn";
const SENDER: &str = "hpqscjgj@hp.example.test";
const PASSWORD: &str = "latency-pw";

/// The stack, a daemon configuration over it, and the folder to remove afterwards.
fn setup(
    tag: &str,
) -> (
    Arc<mailstack::MailStack>,
    shenbao::config::Config,
    std::path::PathBuf,
) {
    let stack =
        Arc::new(mailstack::MailStack::start(&[(DIVISION, PASSWORD), (SENDER, PASSWORD)]).unwrap());
    let work = std::env::temp_dir().join(format!("shenbao-latency-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();
    let pw = work.join("password");
    std::fs::write(&pw, PASSWORD).unwrap();
    let mut cfg = servers::config(&stack, DIVISION, &pw, &work.join("data"));
    cfg.replies.per_sender_daily_cap = 100_000;
    (stack, cfg, work)
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Materials announced but forgotten: a notice (补正通知) goes back.
fn appended(stack: &mailstack::MailStack, i: usize) {
    let raw = common::email(SENDER, &format!("申报材料{i}"), "附件为申报材料。", &[]);
    let when =
        chrono::DateTime::parse_from_rfc3339("2023-04-22T09:00:00+08:00").unwrap_or_default();
    stack.append(DIVISION, "INBOX", &raw, when).unwrap();
}

fn report(what: &str, mut lat: Vec<Duration>) {
    lat.sort();
    let pct = |p: f64| lat[((lat.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "{what}, {} messages: p50 {:?}, p99 {:?}, max {:?}",
        lat.len(),
        pct(0.5),
        pct(0.99),
        lat.last().copied().unwrap_or_default()
    );
}

#[test]
#[ignore = "a measurement; see the module docs"]
fn append_to_reply_under_idle() {
    crate::require_mailstack!();
    let n: usize = std::env::var("SHENBAO_LATENCY_N")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100);
    let (stack, cfg, work) = setup("one");
    let lat = rt().block_on(async {
        let (trigger, shutdown) = shutdown::channel();
        let mut d = Daemon::open(cfg.clone()).await.unwrap();
        let st = Arc::clone(&stack);
        let driver = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(800)).await;
            let mut lat = Vec::new();
            for i in 0..n {
                let s = Arc::clone(&st);
                tokio::task::spawn_blocking(move || appended(&s, i))
                    .await
                    .unwrap();
                let appended = Instant::now();
                loop {
                    if st.maildir_count(SENDER, "INBOX").unwrap_or(0) > i {
                        break;
                    }
                    assert!(appended.elapsed() < Duration::from_secs(60), "reply {i}");
                    tokio::time::sleep(Duration::from_millis(2)).await;
                }
                lat.push(appended.elapsed());
            }
            trigger.trigger();
            lat
        });
        d.run(false, shutdown).await.unwrap();
        let lat = driver.await.unwrap();
        d.close().await;
        lat
    });
    report("APPEND → reply in the sender's mailbox under IDLE", lat);
    let _ = std::fs::remove_dir_all(&work);
}

/// Mail arriving every 0.2 s for a minute (`SHENBAO_LATENCY_SECONDS`, `_EVERY_MS`), whatever
/// the daemon is doing: what arrives while a round runs must not wait for the next mail.
#[test]
#[ignore = "a measurement; see the module docs"]
fn steady_stream_under_idle() {
    crate::require_mailstack!();
    let env = |k: &str, d: u64| {
        std::env::var(k)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(d)
    };
    let every = Duration::from_millis(env("SHENBAO_LATENCY_EVERY_MS", 200));
    let n = usize::try_from(
        env("SHENBAO_LATENCY_SECONDS", 60) * 1000 / every.as_millis().max(1) as u64,
    )
    .unwrap_or(300);
    let (stack, cfg, work) = setup("stream");
    let lat = rt().block_on(async {
        let (trigger, shutdown) = shutdown::channel();
        let mut d = Daemon::open(cfg.clone()).await.unwrap();
        let st = Arc::clone(&stack);
        let sender = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(800));
            let start = Instant::now();
            let mut at = Vec::new();
            for i in 0..n {
                let due = every * u32::try_from(i).unwrap_or(u32::MAX);
                std::thread::sleep(due.saturating_sub(start.elapsed()));
                appended(&st, i);
                at.push(Instant::now());
            }
            at
        });
        let st = Arc::clone(&stack);
        let watcher = tokio::spawn(async move {
            // The k-th reply's arrival, in order: replies leave in arrival order.
            let mut seen = Vec::new();
            let limit =
                Instant::now() + every * u32::try_from(n).unwrap_or(0) + Duration::from_secs(60);
            while seen.len() < n && Instant::now() < limit {
                let c = st.maildir_count(SENDER, "INBOX").unwrap_or(0);
                while seen.len() < c.min(n) {
                    seen.push(Instant::now());
                }
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            trigger.trigger();
            seen
        });
        d.run(false, shutdown).await.unwrap();
        let seen = watcher.await.unwrap();
        d.close().await;
        let sent = sender.join().unwrap();
        assert_eq!(seen.len(), n, "replies missing");
        sent.iter()
            .zip(&seen)
            .map(|(a, r)| r.saturating_duration_since(*a))
            .collect::<Vec<_>>()
    });
    report(
        &format!("mail every {every:?}: APPEND → reply under IDLE"),
        lat,
    );
    let _ = std::fs::remove_dir_all(&work);
}
