//! The daemon's IMAP source against a real Dovecot (tests/support/mailstack): submissions
//! APPENDed with chosen internal dates, `run --once` through the library with TLS verified
//! against the stack's CA, then the record, the folders and Dovecot's log are checked.
//! Skipped loudly when the stack cannot run here.
// A test crate: a failed unwrap, expect or panic is the test failing, which is what it should do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
#[path = "support/mailstack/mod.rs"]
mod mailstack;

use common::*;
use shenbao::config::{Config, ImapServer, MailboxKind, TlsMode};
use shenbao::daemon::{Daemon, Stats};
use shenbao::shutdown;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[path = "support/imap_env.rs"]
mod imap_env;
use imap_env::*;

#[test]
fn run_once_over_imaps_records_moves_and_is_idempotent() {
    crate::require_mailstack!();
    let s = stack();
    let place = Place::new("once");
    let cfg = place.config(&s, TlsMode::Implicit, PASSWORD);
    let on_time = email(SENDER, "申报材料", "请查收。", &refs(&submission(UNIT)));
    let late = email(
        SENDER2,
        "河西区申报材料",
        "请查收。",
        &refs(&submission(UNIT2)),
    );
    let question = email(SENDER, "咨询申报时间", "请问截止时间？", &[]);
    s.append(OFFICE, "INBOX", &on_time, at("2023-04-20T10:00:00+08:00"))
        .unwrap();
    s.append(OFFICE, "INBOX", &late, at("2023-04-29T09:30:00+08:00"))
        .unwrap();
    s.append(OFFICE, "INBOX", &question, at("2023-04-21T08:00:00+08:00"))
        .unwrap();
    rt().block_on(async {
        let stats = run_once(&cfg).await.unwrap();
        assert_eq!((stats.judged, stats.failed, stats.errors), (3, 0, 0));
        let store = record(&cfg).await;
        assert_eq!(counts(&store).await.messages, 3);
        assert_eq!(counts(&store).await.verdicts, 3);
        let rows = messages(&store).await;
        let from_imap = rows
            .iter()
            .filter(|m| m.source == shenbao::store::SourceKind::Imap && m.source_uid.is_some())
            .count();
        assert_eq!(from_imap, 3);
        // Arrival is the INTERNALDATE, in processing (arrival) order.
        let arrivals: Vec<&str> = rows.iter().map(|m| m.arrival.as_str()).collect();
        assert!(
            arrivals[0].starts_with("2023-04-20T10:00:00"),
            "{arrivals:?}"
        );
        assert!(
            arrivals[1].starts_with("2023-04-21T08:00:00"),
            "{arrivals:?}"
        );
        assert!(
            arrivals[2].starts_with("2023-04-29T09:30:00"),
            "{arrivals:?}"
        );
        let late_codes = rows
            .iter()
            .flat_map(|m| &m.codes)
            .filter(|c| *c == "late_submission")
            .count();
        assert_eq!(late_codes, 1);
        let receipts = counts(&store).await.receipts_told;
        assert_eq!(receipts, 2);
        assert_eq!(counts(&store).await.intake_attempts, 0);

        // A second run finds nothing new and changes nothing.
        let again = run_once(&cfg).await.unwrap();
        assert_eq!((again.judged, again.duplicates, again.errors), (0, 0, 0));
        assert_eq!(counts(&store).await.messages, 3);
    });
    assert!(s.fetch(OFFICE, "INBOX").unwrap().is_empty());
    let done = s.fetch(OFFICE, "已处理").unwrap();
    assert_eq!(done.len(), 3);
    let mut raws: Vec<Vec<u8>> = done.iter().map(|f| f.raw.clone()).collect();
    raws.sort();
    let mut sent = vec![on_time, late, question];
    sent.sort();
    assert_eq!(raws, sent);
    assert!(
        done.iter().any(|f| f.internal_date.contains("29-Apr-2023")),
        "internal dates kept by the move"
    );
    let log = s.dovecot_log();
    assert!(
        log.contains("ID sent: name=shenbao"),
        "ID not seen in Dovecot's log:\n{log}"
    );
    assert!(!log.contains(PASSWORD));
}

#[test]
fn the_same_message_appended_again_under_a_new_uid_is_not_judged_twice() {
    crate::require_mailstack!();
    let s = stack();
    let place = Place::new("dedup");
    let cfg = place.config(&s, TlsMode::Implicit, PASSWORD);
    let raw = email(SENDER, "申报材料", "请查收。", &refs(&submission(UNIT)));
    s.append(OFFICE, "INBOX", &raw, at("2023-04-20T10:00:00+08:00"))
        .unwrap();
    rt().block_on(async {
        assert_eq!(run_once(&cfg).await.unwrap().judged, 1);
        let store = record(&cfg).await;
        // As if the folder had been rebuilt, or the mail moved back: the same bytes under a
        // new UID are recognised by their content.
        s.append(OFFICE, "INBOX", &raw, at("2023-04-20T10:00:00+08:00"))
            .unwrap();
        let again = run_once(&cfg).await.unwrap();
        assert_eq!((again.judged, again.duplicates), (0, 1));
        assert_eq!(counts(&store).await.messages, 1);
    });
    assert!(s.fetch(OFFICE, "INBOX").unwrap().is_empty());
    assert_eq!(s.fetch(OFFICE, "已处理").unwrap().len(), 2);
}

#[test]
fn starttls_works_too() {
    crate::require_mailstack!();
    let s = stack();
    let place = Place::new("starttls");
    let cfg = place.config(&s, TlsMode::Starttls, PASSWORD);
    let raw = email(SENDER, "咨询", "请问截止时间？", &[]);
    s.append(OFFICE, "INBOX", &raw, at("2023-04-20T10:00:00+08:00"))
        .unwrap();
    let stats = rt().block_on(run_once(&cfg)).unwrap();
    assert_eq!((stats.judged, stats.errors), (1, 0));
    assert_eq!(s.fetch(OFFICE, "已处理").unwrap().len(), 1);
    let log = s.dovecot_log();
    assert!(log.contains("TLS"), "{log}");
}

#[test]
fn a_wrong_password_fails_clearly_without_the_password() {
    crate::require_mailstack!();
    let s = stack();
    let place = Place::new("badpw");
    let wrong = "Wrong-Password-4412";
    let cfg = place.config(&s, TlsMode::Implicit, wrong);
    let err = rt().block_on(run_once(&cfg)).unwrap_err();
    let text = format!("{err:#} {err:?}");
    assert!(text.contains("登录失败"), "{text}");
    assert!(text.contains(OFFICE), "{text}");
    assert!(!text.contains(wrong), "{text}");
}

#[test]
fn plaintext_needs_allow_insecure() {
    crate::require_mailstack!();
    let s = stack();
    let place = Place::new("plain");
    let mut cfg = place.config(&s, TlsMode::None, PASSWORD);
    let err = rt().block_on(run_once(&cfg)).unwrap_err();
    assert!(format!("{err:#}").contains("allow_insecure"), "{err:#}");
    if let Some(i) = cfg.mailbox.imap.as_mut() {
        i.allow_insecure = true;
    }
    let stats = rt().block_on(run_once(&cfg)).unwrap();
    assert_eq!(stats.errors, 0);
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or_default()
}

#[test]
fn messages_arriving_while_idling_are_processed() {
    crate::require_mailstack!();
    let s = Arc::new(stack());
    let place = Place::new("idle");
    let cfg = place.config(&s, TlsMode::Implicit, PASSWORD);
    const N: usize = 20;
    rt().block_on(async {
        let (trigger, shutdown) = shutdown::channel();
        let mut d = Daemon::open(cfg.clone()).await.unwrap();
        let store = record(&cfg).await;
        let stack = Arc::clone(&s);
        let driver = tokio::spawn(async move {
            // Let the first (empty) round finish and IDLE begin.
            tokio::time::sleep(Duration::from_millis(800)).await;
            let mut lat = Vec::new();
            for i in 0..N {
                let raw = email(SENDER, &format!("咨询第{i}号"), "请问截止时间？", &[]);
                let st = Arc::clone(&stack);
                tokio::task::spawn_blocking(move || {
                    st.append(OFFICE, "INBOX", &raw, at("2023-04-22T09:00:00+08:00"))
                })
                .await
                .unwrap()
                .unwrap();
                let appended = Instant::now();
                let want = i64::try_from(i + 1).unwrap();
                loop {
                    if counts(&store).await.messages >= want {
                        break;
                    }
                    assert!(appended.elapsed() < Duration::from_secs(20), "message {i}");
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                lat.push(appended.elapsed());
            }
            let stop = Instant::now();
            trigger.trigger();
            (lat, stop)
        });
        let stats = d.run(false, shutdown).await.unwrap();
        let (mut lat, stop) = driver.await.unwrap();
        // IDLE is broken out of at once, not after the re-arm time.
        assert!(
            stop.elapsed() < Duration::from_secs(5),
            "{:?}",
            stop.elapsed()
        );
        d.close().await;
        assert_eq!(stats.judged, N);
        lat.sort();
        eprintln!(
            "APPEND → recorded under IDLE over {N} messages: p50 {:?}, p99 {:?}, max {:?}",
            percentile(&lat, 0.5),
            percentile(&lat, 0.99),
            lat.last()
        );
    });
    assert!(s.fetch(OFFICE, "INBOX").unwrap().is_empty());
    assert_eq!(s.fetch(OFFICE, "已处理").unwrap().len(), N);
}

#[test]
fn an_oversized_message_goes_to_the_failed_folder() {
    crate::require_mailstack!();
    let s = stack();
    let place = Place::new("big");
    let mut cfg = place.config(&s, TlsMode::Implicit, PASSWORD);
    cfg.limits.max_message_bytes = 2000;
    let big = email(SENDER, "申报材料", "请查收。", &refs(&submission(UNIT)));
    let small = email(SENDER, "咨询", "请问？", &[]);
    s.append(OFFICE, "INBOX", &big, at("2023-04-20T10:00:00+08:00"))
        .unwrap();
    s.append(OFFICE, "INBOX", &small, at("2023-04-20T11:00:00+08:00"))
        .unwrap();
    let stats = rt().block_on(run_once(&cfg)).unwrap();
    assert_eq!((stats.judged, stats.failed, stats.errors), (1, 1, 0));
    assert!(s.fetch(OFFICE, "INBOX").unwrap().is_empty());
    let failed = s.fetch(OFFICE, "处理失败").unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].raw, big);
    assert_eq!(s.fetch(OFFICE, "已处理").unwrap().len(), 1);
    // The sender is told, from the header alone, and the notice is not queued twice.
    let outbox = cfg.storage.data_dir.join("outbox");
    let notices: Vec<String> = std::fs::read_dir(&outbox)
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .filter(|j| j.contains("\"oversized\""))
        .collect();
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(notices[0].contains(SENDER), "{}", notices[0]);
    let again = rt().block_on(run_once(&cfg)).unwrap();
    assert_eq!((again.judged, again.failed), (0, 0));
}

#[test]
fn an_unreachable_server_is_retried_until_shutdown() {
    // No stack needed: a port nothing listens on.
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = free.local_addr().unwrap().port();
    drop(free);
    let place = Place::new("down");
    let pw = place.0.join("imap.pw");
    std::fs::write(&pw, "x\n").unwrap();
    let mut cfg = Config::load(None).unwrap();
    cfg.storage.data_dir = place.0.join("data");
    cfg.mailbox.kind = MailboxKind::Imap;
    cfg.mailbox.imap = Some(ImapServer {
        host: "127.0.0.1".into(),
        port: Some(port),
        user: OFFICE.into(),
        password_file: Some(pw),
        timeout_seconds: 5,
        ..ImapServer::default()
    });
    rt().block_on(async {
        let once = run_once(&cfg).await.unwrap_err();
        assert!(format!("{once:#}").contains("无法连接"), "{once:#}");
        let (trigger, shutdown) = shutdown::channel();
        let mut d = Daemon::open(cfg.clone()).await.unwrap();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(2500)).await;
            trigger.trigger();
        });
        let started = Instant::now();
        // Errors are logged and retried on the backoff (1 s, 2 s, …), never returned.
        let stats = d.run(false, shutdown).await.unwrap();
        assert!(
            started.elapsed() < Duration::from_secs(4),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(stats, Stats::default());
        d.close().await;
    });
}
