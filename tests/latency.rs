//! How long a sender waits: from the end of an IMAP APPEND into the division's mailbox to the
//! reply's arrival in the sender's own mailbox, with the daemon idling (IMAP IDLE) and replying
//! through Postfix. A measurement, not a test of timing (nothing is asserted about speed):
//! `SHENBAO_REQUIRE_MAILSTACK=1 cargo test --release --test latency -- --ignored --nocapture`

mod common;
#[path = "support/mailstack/mod.rs"]
mod mailstack;
#[path = "support/servers.rs"]
mod servers;

use shenbao::daemon::{Daemon, shutdown};
use std::sync::Arc;
use std::time::{Duration, Instant};

const DIVISION: &str = "scjgzlfzc@tj.gov.cn";
const SENDER: &str = "hpqscjgj@hp.example.test";
const PASSWORD: &str = "latency-pw";

#[test]
#[ignore = "a measurement; see the module docs"]
fn append_to_reply_under_idle() {
    crate::require_mailstack!();
    let n: usize = std::env::var("SHENBAO_LATENCY_N")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100);
    let stack =
        Arc::new(mailstack::MailStack::start(&[(DIVISION, PASSWORD), (SENDER, PASSWORD)]).unwrap());
    let work = std::env::temp_dir().join(format!("shenbao-latency-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();
    let pw = work.join("password");
    std::fs::write(&pw, PASSWORD).unwrap();
    let mut cfg = servers::config(&stack, DIVISION, &pw, &work.join("data"));
    cfg.replies.per_sender_daily_cap = 10_000;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut lat = rt.block_on(async {
        let (trigger, shutdown) = shutdown::channel();
        let mut d = Daemon::open(cfg.clone()).await.unwrap();
        let st = Arc::clone(&stack);
        let driver = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(800)).await;
            let mut lat = Vec::new();
            for i in 0..n {
                // Materials announced but forgotten: a notice (补正通知) goes back.
                let raw = common::email(SENDER, &format!("申报材料{i}"), "附件为申报材料。", &[]);
                let s = Arc::clone(&st);
                let when = chrono::DateTime::parse_from_rfc3339("2023-04-22T09:00:00+08:00")
                    .unwrap_or_default();
                tokio::task::spawn_blocking(move || s.append(DIVISION, "INBOX", &raw, when))
                    .await
                    .unwrap()
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
    lat.sort();
    let pct = |p: f64| lat[((lat.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "APPEND → reply in the sender's mailbox under IDLE, {n} messages: p50 {:?}, p99 {:?}, max {:?}",
        pct(0.5),
        pct(0.99),
        lat.last().copied().unwrap_or_default()
    );
    let _ = std::fs::remove_dir_all(&work);
}
