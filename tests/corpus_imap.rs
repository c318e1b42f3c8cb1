//! The acceptance corpus through the real mailbox: every case APPENDed to a fresh Dovecot with
//! its internal date, `shenbao run --once` reading it over IMAPS and answering through Postfix,
//! then each case's verdict and codes compared with the manifest (from the SQLite record) and the
//! replies counted in the senders' own mailboxes.
//!
//! A measurement, not part of the normal suite: it reads `$SHENBAO_CORPUS` (`.ci/run` sets it
//! when `../shared/corpus` exists) and is `#[ignore]`d otherwise:
//! `SHENBAO_CORPUS=../shared/corpus cargo test --release --test corpus_imap -- --ignored --nocapture`
// A test crate: a failed unwrap, expect or panic is the test failing, which is what it should do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/mailstack/mod.rs"]
mod mailstack;
#[path = "support/servers.rs"]
mod servers;

use serde_json::Value;
use shenbao::acceptance::{Tally, compare_value};
use shenbao::daemon::Daemon;
use shenbao::message::{Limits, parse_email};
use shenbao::shutdown::Shutdown;
use shenbao::store::archive::sha256_hex;
use std::collections::BTreeMap;
use std::path::PathBuf;

const DIVISION: &str = "scjgzlfzc@tj.gov.cn";
const PASSWORD: &str = "corpus-pw";

struct Case {
    file: String,
    raw: Vec<u8>,
    when: chrono::DateTime<chrono::FixedOffset>,
    expect: Value,
    /// Where a reply should go (Reply-To, else From), lower-cased.
    sender: Option<String>,
}

fn load(dir: &std::path::Path) -> Vec<Case> {
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    let limits = Limits::default();
    manifest["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let file = c["file"].as_str().unwrap().to_string();
            let raw = std::fs::read(dir.join(&file)).unwrap();
            let email = parse_email(&raw, &limits);
            Case {
                when: chrono::DateTime::parse_from_rfc3339(c["internaldate"].as_str().unwrap())
                    .unwrap(),
                expect: c["expect"].clone(),
                sender: email.reply_to.or(email.from),
                file,
                raw,
            }
        })
        .collect()
}

#[test]
#[ignore = "a measurement over $SHENBAO_CORPUS; .ci/run runs it"]
fn corpus_over_imap_and_smtp() {
    let Some(dir) = std::env::var_os("SHENBAO_CORPUS").map(PathBuf::from) else {
        eprintln!("SHENBAO_CORPUS not set: nothing to measure");
        return;
    };
    crate::require_mailstack!();
    let cases = load(&dir);
    let mut users: Vec<String> = cases.iter().filter_map(|c| c.sender.clone()).collect();
    users.push(DIVISION.into());
    users.sort();
    users.dedup();
    let accounts: Vec<(&str, &str)> = users.iter().map(|u| (u.as_str(), PASSWORD)).collect();
    let stack = mailstack::MailStack::start(&accounts).unwrap();
    for c in &cases {
        stack.append(DIVISION, "INBOX", &c.raw, c.when).unwrap();
    }

    let work = std::env::temp_dir().join(format!("shenbao-corpus-imap-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();
    let pw = work.join("password");
    std::fs::write(&pw, PASSWORD).unwrap();
    let cfg = servers::config(&stack, DIVISION, &pw, &work.join("data"));
    let started = std::time::Instant::now();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let history = dir.join("history/历年质量攻关项目.xlsx");
    let stored: BTreeMap<String, Value> = rt.block_on(async {
        // `shenbao history import`, as the division would before opening the mailbox.
        if history.exists() {
            let past = shenbao::history::load(&history, &cfg.limits).unwrap();
            let store = shenbao::store::Store::open(&cfg.storage.data_dir)
                .await
                .unwrap();
            store.import_history(&past, "corpus").await.unwrap();
            store.close().await;
        }
        let mut d = Daemon::open(cfg.clone()).await.unwrap();
        d.run(true, Shutdown::never()).await.unwrap();
        let rows = d.store().outcomes().await.unwrap();
        d.close().await;
        rows.into_iter()
            .map(|(h, o)| (h.unwrap_or_default(), o))
            .collect()
    });
    let elapsed = started.elapsed();

    // Replies expected per sender: one per human email that is not ignored.
    let mut expected_replies: BTreeMap<String, usize> = BTreeMap::new();
    let (mut passed, mut failed) = (0, 0);
    let mut tally = Tally::default();
    for c in &cases {
        let ours = stored
            .get(&sha256_hex(&c.raw))
            .cloned()
            .unwrap_or(Value::Null);
        let (fatal, _) = compare_value(&c.expect, &ours, &mut tally, false);
        if fatal.is_empty() {
            passed += 1;
        } else {
            failed += 1;
            println!("FAIL {}: {}", c.file, fatal.join("; "));
        }
        if c.expect["verdict"] != "ignored"
            && let Some(s) = &c.sender
        {
            *expected_replies.entry(s.clone()).or_default() += 1;
        }
    }
    let mut reply_mismatch = Vec::new();
    for u in &users {
        if u == DIVISION {
            continue;
        }
        let want = expected_replies.get(u).copied().unwrap_or(0);
        let got = if want == 0 {
            // Nothing should arrive: give stragglers a moment, then count.
            std::thread::sleep(std::time::Duration::from_millis(200));
            stack.messages(u, "INBOX").map(|m| m.len()).unwrap_or(0)
        } else {
            stack
                .wait_for_messages(u, "INBOX", want, std::time::Duration::from_secs(30))
                .map(|m| m.len())
                .unwrap_or(0)
        };
        if got != want {
            reply_mismatch.push(format!("{u}: {got} replies, expected {want}"));
        }
    }
    let processed = stack
        .messages(DIVISION, "已处理")
        .map(|m| m.len())
        .unwrap_or(0);
    println!(
        "over IMAP: {passed} passed, {failed} failed; field values {}/{}; {processed} in 已处理; \
         replies: {} senders right, {} wrong; run --once took {:.1} s",
        tally.equal,
        tally.fields,
        users.len() - 1 - reply_mismatch.len(),
        reply_mismatch.len(),
        elapsed.as_secs_f64()
    );
    for m in &reply_mismatch {
        println!("  {m}");
    }
    let _ = std::fs::remove_dir_all(&work);
    assert_eq!(failed, 0);
    assert!(reply_mismatch.is_empty());
    assert_eq!(processed, cases.len());
}
