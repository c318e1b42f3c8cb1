//! The SMTP outbox against a real Postfix (submission, STARTTLS or implicit TLS, login, the
//! throw-away CA verified) delivering into a real Dovecot: the daemon reads a Maildir, and each
//! reply is read back from the sender's own mailbox over IMAPS. Skips loudly without the stack.
// A test crate: a failed unwrap, expect or panic is the test failing, which is what it should do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
#[path = "support/mailstack/mod.rs"]
mod mailstack;

use common::place::Place;
use common::*;
use mail_parser::MessageParser;
use mailstack::MailStack;
use shenbao::config::{Config, OutboxKind, SmtpServer, TlsMode};
use shenbao::daemon::{Daemon, Stats};
use shenbao::shutdown::Shutdown;
use std::fs;
use std::time::Duration;

const OFFICE: &str = "scjgzlfzc@tj.gov.cn";
const OFFICE_PW: &str = "office-pw";
const UNIT: &str = "和平区市场监管局";
const A: &str = "hpq@example.test";
const B: &str = "hxq@example.test";
const C: &str = "auto@example.test";

/// The place's configuration with the SMTP outbox of the mail stack.
impl Place {
    fn smtp_config(&self, s: &MailStack, implicit: bool) -> Config {
        let pw = self.0.join("smtp.pw");
        fs::write(&pw, format!("{OFFICE_PW}\n")).unwrap();
        let mut cfg = self.config();
        cfg.outbox.kind = OutboxKind::Smtp;
        cfg.smtp = Some(SmtpServer {
            host: "127.0.0.1".into(),
            port: Some(if implicit {
                s.smtps_port()
            } else {
                s.smtp_port()
            }),
            tls: if implicit {
                TlsMode::Implicit
            } else {
                TlsMode::Starttls
            },
            user: Some(OFFICE.into()),
            password_file: Some(pw),
            ca_file: Some(s.ca_file().to_path_buf()),
            timeout_seconds: 10,
            ..SmtpServer::default()
        });
        cfg
    }
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// `run --once` as a fresh process would.
fn run_once(cfg: &Config) -> Stats {
    rt().block_on(async {
        let mut d = Daemon::open(cfg.clone()).await.unwrap();
        let stats = d.run(true, Shutdown::never()).await.unwrap();
        d.close().await;
        stats
    })
}

/// Outbox rows: (id, recipient, kind, state, reply Message-ID, answered Message-ID, last error).
type Row = (
    i64,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// A stored code (`sent`, `notice`) as text.
fn code<T: serde::Serialize>(v: T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn outbox(cfg: &Config) -> Vec<Row> {
    rt().block_on(async {
        let store = shenbao::store::Store::open(&cfg.storage.data_dir)
            .await
            .unwrap();
        let messages = store.messages().await.unwrap();
        let rows = store
            .replies()
            .await
            .unwrap()
            .into_iter()
            .filter_map(|r| {
                let answered = messages.iter().find(|m| Some(m.id) == r.message)?;
                Some((
                    r.id,
                    r.recipient,
                    code(r.kind),
                    code(r.state),
                    r.reply_message_id,
                    answered.message_id.clone(),
                    r.last_error,
                ))
            })
            .collect();
        store.close().await;
        rows
    })
}

fn stack(users: &[&str]) -> MailStack {
    let mut all = vec![(OFFICE, OFFICE_PW)];
    all.extend(users.iter().map(|u| (*u, "unit-pw")));
    MailStack::start(&all).unwrap_or_else(|e| panic!("mail stack did not start: {e}"))
}

fn header(raw: &[u8], name: &str) -> Option<String> {
    let text = String::from_utf8_lossy(raw);
    let head = text
        .split("\r\n\r\n")
        .next()
        .unwrap_or_default()
        .to_string();
    let prefix = format!("{}:", name.to_ascii_lowercase());
    head.lines()
        .find(|l| l.to_ascii_lowercase().starts_with(&prefix))
        .map(|l| l[prefix.len()..].trim().to_string())
}

/// Checks one reply read back from a mailbox against its outbox row.
fn check_reply(raw: &[u8], row: &Row, subject_tag: &str) {
    let msg = MessageParser::default().parse(raw).unwrap();
    let subject = msg.subject().unwrap_or_default();
    assert!(subject.contains(subject_tag), "{subject}");
    assert_eq!(
        header(raw, "Auto-Submitted").as_deref(),
        Some("auto-replied")
    );
    assert_eq!(header(raw, "Return-Path").as_deref(), Some("<>"));
    let reply_id = row.4.clone().unwrap();
    assert_eq!(reply_id, format!("shenbao-reply-{}@tj.gov.cn", row.0));
    assert_eq!(msg.message_id(), Some(reply_id.as_str()));
    assert_eq!(msg.in_reply_to().as_text(), row.5.as_deref());
}

#[test]
fn each_sender_gets_one_reply_and_bounces_mark_it_undelivered() {
    crate::require_mailstack!();
    let s = stack(&[A, B, C]);
    let place = Place::new("once");
    let cfg = place.smtp_config(&s, false);
    let files = complete_submission(UNIT, &[Form::new(0, UNIT), Form::new(1, UNIT)]);
    place.drop_message("a.eml", &email(A, "申报材料", "请查收。", &refs(&files)), 0);
    let partial = [("说明.txt", b"x".to_vec())];
    place.drop_message("b.eml", &email(B, "河西区申报", "附件", &partial), 1);
    let auto = email_with_headers(
        C,
        "自动回复",
        "休假中。",
        &[],
        "Auto-Submitted: auto-replied\r\n",
    );
    place.drop_message("c.eml", &auto, 2);
    let t = std::time::Instant::now();
    let stats = run_once(&cfg);
    let ran = t.elapsed();
    assert_eq!((stats.judged, stats.replies, stats.errors), (3, 2, 0));
    let rows = outbox(&cfg);
    assert_eq!(rows.len(), 2, "{rows:?}");
    let (ra, rb) = (&rows[0], &rows[1]);
    assert_eq!(
        (ra.1.as_str(), ra.2.as_str(), ra.3.as_str()),
        (A, "receipt", "sent")
    );
    assert_eq!(
        (rb.1.as_str(), rb.2.as_str(), rb.3.as_str()),
        (B, "notice", "sent")
    );
    let wait = Duration::from_secs(10);
    let got_a = s.wait_for_messages(A, "INBOX", 1, wait).unwrap();
    let got_b = s.wait_for_messages(B, "INBOX", 1, wait).unwrap();
    eprintln!(
        "run --once (3 messages, 2 replies over STARTTLS) {ran:?}; both replies in their mailboxes {:?} after start",
        t.elapsed()
    );
    check_reply(&got_a[0], ra, "受理回执");
    check_reply(&got_b[0], rb, "补正通知");
    // A second run sends nothing again; automatic mail never got anything.
    let again = run_once(&cfg);
    assert_eq!((again.judged, again.replies), (0, 0));
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(s.messages(A, "INBOX").unwrap().len(), 1);
    assert_eq!(s.messages(B, "INBOX").unwrap().len(), 1);
    assert!(s.messages(C, "INBOX").unwrap().is_empty());

    // B's server bounces the notice later: the report lands in our mailbox.
    let dsn = format!(
        "From: MAILER-DAEMON@example.test (Mail Delivery System)\r\nTo: {OFFICE}\r\n\
         Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <dsn1@example.test>\r\n\
         Date: Thu, 20 Apr 2023 10:00:00 +0800\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/report; report-type=delivery-status; boundary=\"R\"\r\n\r\n\
         --R\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n\
         --R\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.test\r\n\r\n\
         Final-Recipient: rfc822; {B}\r\nAction: failed\r\nStatus: 5.2.2\r\n\
         Diagnostic-Code: smtp; 552 5.2.2 mailbox full\r\n\r\n\
         --R\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: {OFFICE}\r\nTo: {B}\r\n\
         Message-ID: <{}>\r\n\r\n--R--\r\n",
        rb.4.clone().unwrap()
    );
    place.drop_message("dsn.eml", dsn.as_bytes(), 3);
    let stats = run_once(&cfg);
    assert_eq!((stats.judged, stats.replies), (1, 0));
    let rows = outbox(&cfg);
    assert_eq!(rows.len(), 2, "the bounce is not answered: {rows:?}");
    assert_eq!(rows[0].3, "sent");
    assert_eq!(rows[1].3, "undelivered");
    assert!(
        rows[1]
            .6
            .as_deref()
            .is_some_and(|e| e.contains("mailbox full")),
        "{rows:?}"
    );
}

/// A notice for A recorded and queued by a run that cannot send it: the throw-away CA is not
/// among the system roots, so without `ca_file` nothing leaves.
fn recorded_behind_an_untrusted_ca(place: &Place, cfg: &Config) -> Stats {
    place.drop_message(
        "a.eml",
        &email(A, "申报", "", &[("说明.txt", b"x".to_vec())]),
        0,
    );
    let mut untrusted = cfg.clone();
    if let Some(smtp) = untrusted.smtp.as_mut() {
        smtp.ca_file = None;
    }
    run_once(&untrusted)
}

#[test]
fn replies_wait_while_smtp_is_down_and_leave_when_it_is_back() {
    crate::require_mailstack!();
    let mut s = stack(&[A]);
    let place = Place::new("down");
    let cfg = place.smtp_config(&s, false);
    let stats = recorded_behind_an_untrusted_ca(&place, &cfg);
    assert_eq!((stats.judged, stats.replies, stats.errors), (1, 0, 0));
    let rows = outbox(&cfg);
    assert_eq!(rows[0].3, "queued", "{rows:?}");
    let error = rows[0].6.clone().unwrap_or_default().to_lowercase();
    assert!(error.contains("certificate"), "{rows:?}");
    // A wrong password (535) is the operator's to fix: the reply waits, it is not failed.
    let wrong = place.0.join("wrong.pw");
    fs::write(&wrong, "nope\n").unwrap();
    let mut bad_login = cfg.clone();
    if let Some(smtp) = bad_login.smtp.as_mut() {
        smtp.password_file = Some(wrong);
    }
    assert_eq!(run_once(&bad_login).replies, 0);
    let rows = outbox(&cfg);
    assert_eq!(rows[0].3, "queued", "{rows:?}");
    assert!(
        rows[0].6.as_deref().is_some_and(|e| e.contains("535")),
        "{rows:?}"
    );
    // Postfix down: still waiting, nothing lost.
    s.stop_smtp();
    assert_eq!(run_once(&cfg).replies, 0);
    let rows = outbox(&cfg);
    assert_eq!(rows[0].3, "queued", "{rows:?}");
    let (attempts,): (i64,) = rt().block_on(async {
        let store = shenbao::store::Store::open(&cfg.storage.data_dir)
            .await
            .unwrap();
        let n = store.replies().await.unwrap()[0].attempts;
        store.close().await;
        (n,)
    });
    assert_eq!(attempts, 3);
    s.start_smtp().unwrap();
    let stats = run_once(&cfg);
    assert_eq!(stats.replies, 1);
    assert_eq!(outbox(&cfg)[0].3, "sent");
    let got = s
        .wait_for_messages(A, "INBOX", 1, Duration::from_secs(10))
        .unwrap();
    check_reply(&got[0], &outbox(&cfg)[0], "补正通知");
}

#[test]
fn sender_check_holds_a_forged_sender_over_implicit_tls() {
    crate::require_mailstack!();
    let s = stack(&[A, B]);
    let place = Place::new("authres");
    let mut cfg = place.smtp_config(&s, true);
    cfg.replies.trusted_authserv_id = Some("mx.tj.gov.cn".into());
    let partial = [("说明.txt", b"x".to_vec())];
    let good = "Authentication-Results: mx.tj.gov.cn; dmarc=pass header.from=example.test\r\n";
    let forged = "Authentication-Results: mx.tj.gov.cn; spf=fail smtp.mailfrom=evil.test; dmarc=fail header.from=example.test\r\n";
    place.drop_message(
        "a.eml",
        &email_with_headers(A, "申报甲", "", &partial, good),
        0,
    );
    place.drop_message(
        "b.eml",
        &email_with_headers(B, "申报乙方", "", &partial, forged),
        1,
    );
    let stats = run_once(&cfg);
    assert_eq!((stats.judged, stats.replies), (2, 1));
    let rows = outbox(&cfg);
    assert_eq!((rows[0].1.as_str(), rows[0].3.as_str()), (A, "sent"));
    assert_eq!((rows[1].1.as_str(), rows[1].3.as_str()), (B, "held"));
    assert!(
        rows[1]
            .6
            .as_deref()
            .is_some_and(|e| e.contains("dmarc=fail")),
        "{rows:?}"
    );
    let got = s
        .wait_for_messages(A, "INBOX", 1, Duration::from_secs(10))
        .unwrap();
    check_reply(&got[0], &rows[0], "补正通知");
    std::thread::sleep(Duration::from_millis(300));
    assert!(s.messages(B, "INBOX").unwrap().is_empty());
}

#[test]
fn a_reply_whose_delivery_cannot_be_recorded_is_not_sent_again() {
    crate::require_mailstack!();
    let s = stack(&[A]);
    let place = Place::new("unrecordable");
    let cfg = place.smtp_config(&s, false);
    assert_eq!(recorded_behind_an_untrusted_ca(&place, &cfg).replies, 0);
    let delivered = || s.messages(A, "INBOX").unwrap().len();
    rt().block_on(async {
        use sqlx::Connection;
        let store = shenbao::store::Store::open(&cfg.storage.data_dir)
            .await
            .unwrap();
        let telemetry = shenbao::telemetry::Telemetry::default();
        let mut delivery =
            shenbao::notify::outbox::Delivery::new(cfg.route().unwrap(), store.data_dir()).unwrap();
        // Another writer holds the database: no write can be recorded (as on a full disk,
        // SQLite answers BUSY after its timeout, or FULL).
        let db = cfg.storage.data_dir.join("shenbao.db");
        let mut blocker = sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.display()))
            .await
            .unwrap();
        sqlx::query("BEGIN IMMEDIATE")
            .execute(&mut blocker)
            .await
            .unwrap();
        for _ in 0..2 {
            let r = delivery.deliver(&store, &telemetry).await;
            assert!(r.is_err(), "delivered without a record: {r:?}");
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(
            delivered(),
            0,
            "sent while its attempt could not be recorded"
        );
        sqlx::query("COMMIT").execute(&mut blocker).await.unwrap();
        blocker.close().await.unwrap();
        assert_eq!(delivery.deliver(&store, &telemetry).await.unwrap(), 1);
        assert_eq!(delivery.deliver(&store, &telemetry).await.unwrap(), 0);
        store.close().await;
    });
    s.wait_for_messages(A, "INBOX", 1, Duration::from_secs(10))
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(delivered(), 1);
    assert_eq!(outbox(&cfg)[0].3, "sent");
}
