//! Copies of our replies prove delivery (issue: "nothing is sent twice"): with an IMAP
//! mailbox and an SMTP outbox, each reply is also addressed to the campaign mailbox; the copy
//! is filed in 已发送, never recorded as mail, and a reply a crash left `sending` after the
//! server took it is recorded sent from its copy instead of being sent again. Real Dovecot and
//! Postfix on 127.0.0.1.
// A test crate: a failed unwrap, expect or panic is the test failing, which is what it should do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
#[path = "support/mailstack/mod.rs"]
mod mailstack;
#[path = "support/servers.rs"]
mod servers;

use shenbao::daemon::Daemon;
use shenbao::shutdown::Shutdown;
use shenbao::store::OutboxState;
use std::time::Duration;

const DIVISION: &str = "scjgzlfzc@tj.gov.cn";
const SENDER: &str = "hpqscjgj@hp.example.test";
const PASSWORD: &str = "copy-pw";

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

async fn record(cfg: &shenbao::config::Config) -> shenbao::store::Store {
    shenbao::store::Store::open(&cfg.storage.data_dir)
        .await
        .unwrap()
}

#[test]
fn a_reply_taken_by_the_server_before_a_crash_is_confirmed_by_its_copy_not_resent() {
    crate::require_mailstack!();
    let stack = mailstack::MailStack::start(&[(DIVISION, PASSWORD), (SENDER, PASSWORD)]).unwrap();
    let work = std::env::temp_dir().join(format!("shenbao-copy-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();
    let pw = work.join("password");
    std::fs::write(&pw, PASSWORD).unwrap();
    let mut cfg = servers::config(&stack, DIVISION, &pw, &work.join("data"));
    if let Some(smtp) = cfg.smtp.as_mut() {
        smtp.sent_copy = true;
    }
    let when = chrono::DateTime::parse_from_rfc3339("2023-04-22T09:00:00+08:00").unwrap();
    let raw = common::email(SENDER, "申报材料", "附件为申报材料。", &[]);
    stack.append(DIVISION, "INBOX", &raw, when).unwrap();
    let run_once = || {
        rt().block_on(async {
            let mut d = Daemon::open(cfg.clone()).await.unwrap();
            let s = d.run(true, Shutdown::never()).await.unwrap();
            d.close().await;
            s
        })
    };
    let first = run_once();
    assert_eq!((first.judged, first.replies), (1, 1));
    stack
        .wait_for_messages(SENDER, "INBOX", 1, Duration::from_secs(20))
        .unwrap();
    // The copy came back to the campaign mailbox.
    stack
        .wait_for_messages(DIVISION, "INBOX", 1, Duration::from_secs(20))
        .unwrap();
    // As a kill between the server's 250 and the record leaves it.
    rt().block_on(async {
        let store = record(&cfg).await;
        for r in store.replies().await.unwrap() {
            store.mark_sending(r.id).await.unwrap();
        }
        store.close().await;
    });
    let second = run_once();
    assert_eq!((second.judged, second.copies, second.replies), (0, 1, 0));
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(
        stack.messages(SENDER, "INBOX").unwrap().len(),
        1,
        "sent twice"
    );
    rt().block_on(async {
        let store = record(&cfg).await;
        let states: Vec<OutboxState> = store
            .replies()
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.state)
            .collect();
        assert_eq!(states, [OutboxState::Sent]);
        let n = store.record_counts().await.unwrap().messages;
        assert_eq!(n, 1, "the copy was recorded as mail");
        store.close().await;
    });
    assert!(stack.messages(DIVISION, "INBOX").unwrap().is_empty());
    assert_eq!(stack.messages(DIVISION, "已发送").unwrap().len(), 1);
    let _ = std::fs::remove_dir_all(&work);
}
