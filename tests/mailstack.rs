//! Proves the mail-stack harness (tests/support/mailstack): real Dovecot and Postfix, TLS
//! verified against the throw-away CA, internal dates, SMTP delivery, Chinese folder names.
// A test crate: a failed unwrap, expect or panic is the test failing, which is what it should do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/mailstack/mod.rs"]
mod mailstack;

use chrono::DateTime;
use mailstack::{MailStack, mutf7};
use std::time::{Duration, Instant};

const OFFICE: &str = "scjgzlfzc@tj.gov.cn";
const UNIT: &str = "hpscjg@example.test";

fn stack() -> MailStack {
    let t = Instant::now();
    let s = match MailStack::start(&[(OFFICE, "office-pw"), (UNIT, "unit-pw")]) {
        Ok(s) => s,
        Err(e) => panic!("mail stack did not start: {e}"),
    };
    eprintln!("mail stack started in {:?}", t.elapsed());
    s
}

fn mail(from: &str, to: &str, subject: &str, id: &str) -> Vec<u8> {
    format!(
        "From: <{from}>\r\nTo: <{to}>\r\nSubject: {subject}\r\nMessage-ID: <{id}>\r\n\
         Date: Thu, 20 Apr 2023 10:15:00 +0800\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n申报材料见附件。\r\n.leading dot\r\n"
    )
    .into_bytes()
}

#[test]
fn modified_utf7_names() {
    assert_eq!(mutf7("已处理"), "&XfJZBHQG-");
    assert_eq!(mutf7("INBOX"), "INBOX");
    assert_eq!(mutf7("A&B"), "A&-B");
    assert_eq!(mutf7("处理失败/2023"), "&WQR0BlkxjSU-/2023");
}

#[test]
fn login_over_tls_shows_idle_move_uidplus_id() {
    crate::require_mailstack!();
    let s = stack();
    let caps = s.capabilities(OFFICE).unwrap();
    for c in ["IDLE", "MOVE", "UIDPLUS", "ID"] {
        assert!(
            caps.split_whitespace().any(|w| w == c),
            "{c} missing: {caps}"
        );
    }
    assert!(caps.contains("ID OK"), "{caps}");
    assert!(s.ca_file().is_file());
    s.try_login(UNIT, "unit-pw", s.ca_file()).unwrap();
    let wrong = s.try_login(UNIT, "wrong", s.ca_file()).unwrap_err();
    assert!(
        wrong.to_string().contains("AUTHENTICATIONFAILED"),
        "{wrong}"
    );
    // The system roots do not know the throw-away CA: verification is real.
    let roots = std::path::Path::new("/etc/ssl/certs/ca-certificates.crt");
    if roots.is_file() {
        let untrusted = s.try_login(UNIT, "unit-pw", roots).unwrap_err();
        assert!(
            untrusted.to_string().contains("CERTIFICATE_VERIFY_FAILED"),
            "{untrusted}"
        );
    }
}

#[test]
fn authenticated_submission_with_null_sender_reaches_the_other_mailbox() {
    crate::require_mailstack!();
    let s = stack();
    for (implicit, id) in [(false, "n1@tj.gov.cn"), (true, "n2@tj.gov.cn")] {
        let raw = mail(OFFICE, UNIT, "【材料补正通知】", id);
        s.submit(OFFICE, implicit, "", &[UNIT], &raw).unwrap();
    }
    let got = s
        .wait_for_messages(UNIT, "INBOX", 2, Duration::from_secs(10))
        .unwrap();
    let text = String::from_utf8_lossy(&got.concat()).to_string();
    assert!(text.contains("Return-Path: <>"), "{text}");
    assert!(text.contains("<n1@tj.gov.cn>") && text.contains("<n2@tj.gov.cn>"));
}

#[test]
fn append_keeps_internal_date_and_bytes() {
    crate::require_mailstack!();
    let s = stack();
    let raw = mail(UNIT, OFFICE, "申报", "a1@example.test");
    let date = DateTime::parse_from_rfc3339("2023-04-28T23:59:30+08:00").unwrap();
    let uid = s.append(OFFICE, "INBOX", &raw, date).unwrap();
    assert!(uid.contains("APPENDUID"), "{uid}");
    let got = s.fetch(OFFICE, "INBOX").unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].internal_date, "28-Apr-2023 23:59:30 +0800");
    assert_eq!(got[0].raw, raw);
    assert!(s.fetch(OFFICE, "没有的文件夹").unwrap().is_empty());
}

#[test]
fn chinese_folder_is_created_and_used() {
    crate::require_mailstack!();
    let s = stack();
    s.create_folder(OFFICE, "已处理").unwrap();
    let list = s.folders(OFFICE).unwrap().join("\n");
    assert!(list.contains("&XfJZBHQG-"), "{list}");
    let date = DateTime::parse_from_rfc3339("2023-04-20T10:15:00+08:00").unwrap();
    let raw = mail(UNIT, OFFICE, "已处理的邮件", "a2@example.test");
    s.append(OFFICE, "已处理", &raw, date).unwrap();
    assert_eq!(s.messages(OFFICE, "已处理").unwrap(), vec![raw]);
    assert_eq!(s.maildir_count(OFFICE, "已处理"), Some(1));
    assert_eq!(s.maildir_count(OFFICE, "INBOX"), Some(0));
    assert!(s.messages(OFFICE, "INBOX").unwrap().is_empty());
}

#[test]
fn smtp_delivers_into_the_mailbox_and_survives_a_restart() {
    crate::require_mailstack!();
    let mut s = stack();
    let raw = mail(OFFICE, UNIT, "【受理回执】", "r1@tj.gov.cn");
    let t = Instant::now();
    s.send("", &[UNIT], &raw).unwrap();
    while s.maildir_count(UNIT, "INBOX") == Some(0) && t.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(1));
    }
    eprintln!("SMTP → LMTP → Maildir in {:?}", t.elapsed());
    let got = s
        .wait_for_messages(UNIT, "INBOX", 1, Duration::from_secs(10))
        .unwrap();
    eprintln!("SMTP → LMTP → IMAP in {:?}", t.elapsed());
    let text = String::from_utf8_lossy(&got[0]);
    assert!(text.contains("Message-ID: <r1@tj.gov.cn>"), "{text}");
    assert!(
        text.contains("\r\n.leading dot\r\n"),
        "dot-stuffing undone: {text}"
    );

    s.stop_smtp();
    let down = mailstack_send(&s, "r2@tj.gov.cn");
    assert!(down.is_err(), "SMTP still answering after stop_smtp");
    s.start_smtp().unwrap();
    mailstack_send(&s, "r3@tj.gov.cn").unwrap();
    let got = s
        .wait_for_messages(UNIT, "INBOX", 2, Duration::from_secs(10))
        .unwrap();
    assert_eq!(got.len(), 2);
}

fn mailstack_send(s: &MailStack, id: &str) -> mailstack::Result<()> {
    s.send(OFFICE, &[UNIT], &mail(OFFICE, UNIT, "again", id))
}

#[test]
fn submission_port_demands_starttls() {
    crate::require_mailstack!();
    let s = stack();
    // Without STARTTLS the submission port refuses the envelope.
    let err = mailstack_send_port(&s);
    assert!(err.contains("530") || err.contains("STARTTLS"), "{err}");
}

fn mailstack_send_port(s: &MailStack) -> String {
    use std::io::{BufRead, BufReader, Write};
    let c = std::net::TcpStream::connect(("127.0.0.1", s.smtp_port())).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut w = c.try_clone().unwrap();
    let mut r = BufReader::new(c);
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    w.write_all(b"EHLO x\r\n").unwrap();
    let mut ehlo = String::new();
    loop {
        line.clear();
        r.read_line(&mut line).unwrap();
        ehlo.push_str(&line);
        if !line.starts_with("250-") {
            break;
        }
    }
    assert!(ehlo.contains("STARTTLS"), "{ehlo}");
    assert!(!ehlo.contains("AUTH"), "AUTH offered before TLS: {ehlo}");
    w.write_all(b"MAIL FROM:<>\r\n").unwrap();
    line.clear();
    r.read_line(&mut line).unwrap();
    line
}

/// The two pieces together: a composed notice, submitted as the daemon will (STARTTLS, AUTH,
/// null sender), arrives intact in the unit's mailbox.
#[test]
fn composed_notice_survives_postfix_and_dovecot() {
    use shenbao::config::Config;
    use shenbao::message::Email;
    use shenbao::notify::{ReplyContext, compose};
    use shenbao::rules::{Code, Problem};
    use shenbao::verdict::{Outcome, Verdict};
    crate::require_mailstack!();
    let s = stack();
    let letterhead = Config::load(None).unwrap().letterhead();
    let outcome = Outcome {
        verdict: Verdict::Rejected,
        unit: Some("和平区市场监管局".into()),
        unit_key: None,
        receipt: None,
        ignored_reason: None,
        problems: vec![
            Problem::new(Code::InvalidMobile, "手机号码位数不对，应为11位。")
                .file("附件1.docx")
                .field("手机"),
        ],
        attachments: Vec::new(),
        summary_rows: Vec::new(),
        applications: Vec::new(),
        notes: Vec::new(),
        held: None,
    };
    let email = Email {
        message_id: Some("sub-1@example.test".into()),
        from: Some(UNIT.into()),
        ..Email::default()
    };
    let now = DateTime::parse_from_rfc3339("2023-04-20T10:16:00+08:00").unwrap();
    let ctx = ReplyContext {
        from_address: OFFICE.into(),
        from_name: "天津市市场监督管理局质量发展处".into(),
        reply_to: None,
        domain: "tj.gov.cn".into(),
        row_id: 9,
        received: now,
        now,
    };
    let reply = compose(&outcome, &email, &letterhead, &ctx).unwrap();
    s.submit(OFFICE, false, "", &[reply.to.as_str()], &reply.raw)
        .unwrap();
    let got = s
        .wait_for_messages(UNIT, "INBOX", 1, Duration::from_secs(10))
        .unwrap();
    let m = mail_parser::MessageParser::default()
        .parse(&got[0])
        .unwrap();
    assert_eq!(m.subject(), Some(reply.subject.as_str()));
    assert_eq!(m.message_id(), Some("shenbao-reply-9@tj.gov.cn"));
    assert_eq!(m.in_reply_to().as_text(), Some("sub-1@example.test"));
    assert_eq!(m.header_raw("Return-Path").map(str::trim), Some("<>"));
    assert!(m.body_text(0).unwrap().contains("手机号码位数不对"));
    assert!(m.body_html(0).unwrap().contains("<table"));
}
