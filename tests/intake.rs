//! The IMAP intake never skips, stalls or waits for the next mail (issue: "Nothing waits,
//! nothing is skipped"), against a real Dovecot: mail whose internal dates do not rise with
//! its UIDs and a round cut short; a message that fails because the disk is full, retried
//! once the disk is freed with no other mail arriving; mail that arrives while a round runs.
// A test crate: a failed unwrap, expect or panic is the test failing, which is what it should do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
#[path = "support/imap_env.rs"]
mod imap_env;
#[path = "support/mailstack/mod.rs"]
mod mailstack;

use common::*;
use imap_env::*;
use shenbao::config::TlsMode;
use shenbao::daemon::Daemon;
use shenbao::shutdown;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Waits until `pick` counts at least `want` among the messages recorded, at most `limit`;
/// returns the count.
async fn wait_count(
    store: &shenbao::store::Store,
    pick: fn(&shenbao::store::read::MessageRow) -> bool,
    want: i64,
    limit: Duration,
) -> i64 {
    let start = Instant::now();
    loop {
        let n = messages(store).await.iter().filter(|m| pick(m)).count() as i64;
        if n >= want || start.elapsed() > limit {
            return n;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[test]
fn mail_moved_back_with_lower_uids_is_taken_after_an_interrupted_round() {
    crate::require_mailstack!();
    let s = stack();
    let place = Place::new("reorder");
    let cfg = place.config(&s, TlsMode::Implicit, PASSWORD);
    // Internal dates fall as UIDs rise (a migration tool, mail moved back): the highest UID
    // is taken first.
    const N: usize = 11;
    for i in 0..N {
        let raw = email(SENDER, &format!("咨询第{i}号"), "请问截止时间？", &[]);
        let when = at("2023-04-20T10:00:00+08:00") - chrono::Duration::minutes(i as i64);
        s.append(OFFICE, "INBOX", &raw, when).unwrap();
    }
    rt().block_on(async {
        // The first run stops after its first messages, as on SIGTERM.
        let (trigger, stop) = shutdown::channel();
        let mut d = Daemon::open(cfg.clone()).await.unwrap();
        let store = record(&cfg).await;
        let watcher = tokio::spawn(async move {
            wait_count(&store, |_| true, 2, Duration::from_secs(30)).await;
            trigger.trigger();
        });
        let first = d.run(false, stop).await.unwrap();
        d.close().await;
        watcher.await.unwrap();
        assert!(first.judged < N, "the round was not cut short: {first:?}");
        let rest = run_once(&cfg).await.unwrap();
        assert_eq!(first.judged + rest.judged, N, "{first:?} then {rest:?}");
    });
    assert!(s.fetch(OFFICE, "INBOX").unwrap().is_empty());
    assert_eq!(s.fetch(OFFICE, "已处理").unwrap().len(), N);
}

#[test]
fn mail_arriving_during_a_round_is_taken_before_the_daemon_waits() {
    crate::require_mailstack!();
    let s = Arc::new(stack());
    let place = Place::new("during");
    let cfg = place.config(&s, TlsMode::Implicit, PASSWORD);
    // Heavy submissions keep the round busy for a while.
    for i in 0..4 {
        let raw = email(
            SENDER,
            &format!("申报材料{i}"),
            "请查收。",
            &refs(&submission(UNIT)),
        );
        s.append(OFFICE, "INBOX", &raw, at("2023-04-20T10:00:00+08:00"))
            .unwrap();
    }
    rt().block_on(async {
        let (trigger, stop) = shutdown::channel();
        let mut d = Daemon::open(cfg.clone()).await.unwrap();
        let store = record(&cfg).await;
        let stack = Arc::clone(&s);
        let driver = tokio::spawn(async move {
            // The round is under way once the first submission is recorded.
            wait_count(&store, |_| true, 1, Duration::from_secs(30)).await;
            let raw = email(SENDER2, "咨询", "请问截止时间？", &[]);
            tokio::task::spawn_blocking(move || {
                stack.append(OFFICE, "INBOX", &raw, at("2023-04-21T10:00:00+08:00"))
            })
            .await
            .unwrap()
            .unwrap();
            let appended = Instant::now();
            let sender = |m: &shenbao::store::read::MessageRow| {
                m.sender.as_deref() == Some("hxqscjgj@tj.gov.cn")
            };
            // Without new mail after it: taken by listing again, not at the next arrival
            // (or the IDLE re-arm 25 minutes later).
            let n = wait_count(&store, sender, 1, Duration::from_secs(15)).await;
            trigger.trigger();
            (n, appended.elapsed())
        });
        let stats = d.run(false, stop).await.unwrap();
        d.close().await;
        let (n, took) = driver.await.unwrap();
        assert_eq!(
            n, 1,
            "mail that arrived during the round still waits after {took:?}"
        );
        assert_eq!(stats.judged, 5);
    });
    assert!(s.fetch(OFFICE, "INBOX").unwrap().is_empty());
}

/// A small tmpfs (root only): the data directory on a disk that can be filled.
struct SmallDisk(std::path::PathBuf);

impl SmallDisk {
    fn mount(at: &Path, bytes: u64) -> Option<SmallDisk> {
        std::fs::create_dir_all(at).ok()?;
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={bytes}"), "tmpfs"])
            .arg(at)
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| SmallDisk(at.to_path_buf()))
    }

    /// Fills the disk with a ballast file, leaving nothing free.
    fn fill(&self) {
        use std::io::Write;
        let mut f = std::fs::File::create(self.0.join("ballast")).unwrap();
        let block = vec![0u8; 64 << 10];
        while f.write_all(&block).is_ok() {}
        let one = [0u8; 1];
        while f.write_all(&one).is_ok() {}
        let _ = f.sync_all();
    }

    fn free(&self) {
        std::fs::remove_file(self.0.join("ballast")).unwrap();
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.0)
            .status();
    }
}

#[test]
fn a_message_failing_on_a_full_disk_is_retried_once_freed_without_new_mail() {
    crate::require_mailstack!();
    let s = Arc::new(stack());
    let place = Place::new("full");
    let mut cfg = place.config(&s, TlsMode::Implicit, PASSWORD);
    let Some(disk) = SmallDisk::mount(&place.0.join("disk"), 8 << 20) else {
        eprintln!("SKIPPED: cannot mount a tmpfs here (needs root)");
        return;
    };
    cfg.storage.data_dir = place.0.join("disk/data");
    rt().block_on(async {
        let (trigger, stop) = shutdown::channel();
        let mut d = Daemon::open(cfg.clone()).await.unwrap();
        let store = record(&cfg).await;
        let stack = Arc::clone(&s);
        let driver = tokio::spawn(async move {
            // Let the first (empty) round finish and IDLE begin, then fill the disk.
            tokio::time::sleep(Duration::from_millis(800)).await;
            disk.fill();
            let raw = email(SENDER, "申报材料", "请查收。", &refs(&submission(UNIT)));
            tokio::task::spawn_blocking(move || {
                stack.append(OFFICE, "INBOX", &raw, at("2023-04-20T10:00:00+08:00"))
            })
            .await
            .unwrap()
            .unwrap();
            tokio::time::sleep(Duration::from_secs(3)).await;
            let early = counts(&store).await.messages;
            disk.free();
            let freed = Instant::now();
            let n = wait_count(&store, |_| true, 1, Duration::from_secs(45)).await;
            trigger.trigger();
            (early, n, freed.elapsed(), disk)
        });
        let stats = d.run(false, stop).await.unwrap();
        d.close().await;
        let (early, n, took, disk) = driver.await.unwrap();
        assert_eq!(early, 0, "recorded on a full disk?");
        assert_eq!(n, 1, "not retried {took:?} after the disk was freed");
        assert_eq!(stats.judged, 1);
        drop(disk);
    });
    assert!(s.fetch(OFFICE, "INBOX").unwrap().is_empty());
}
