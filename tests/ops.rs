//! Operations, through the built binary as systemd runs it: sd_notify (READY, STATUS,
//! WATCHDOG, STOPPING), `/metrics` and `/healthz`, one log line per message (text and JSON),
//! and, against the real mail stack, that no log line ever carries the password.
// A test crate: a failed unwrap, expect or panic is the test failing, which is what it should do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
#[path = "support/mailstack/mod.rs"]
mod mailstack;
#[path = "support/process.rs"]
mod process;

use common::place::Place;
use common::*;
use process::{
    Running, campaign_toml, check_exposition, free_port, get, python_parse, python_with_prometheus,
    sample, wait_for,
};
use std::os::unix::net::UnixDatagram;
use std::path::Path;
use std::time::{Duration, Instant};

const UNIT: &str = "和平区市场监管局";
const SENDER: &str = "hpqscjgj@tj.gov.cn";

/// Config files and mail delivered as an MTA would, in the place.
impl Place {
    /// A config file: the local Maildir in, file outbox out, then `extra`.
    fn maildir_config(&self, extra: &str) -> String {
        let text = format!(
            "{}[mailbox]\nkind = \"maildir\"\npath = \"{}\"\npoll_seconds = 1\n\n\
             [storage]\ndata_dir = \"{}\"\n\n{extra}",
            campaign_toml(),
            self.0.join("Maildir").display(),
            self.0.join("data").display()
        );
        self.write_config(&text)
    }

    fn write_config(&self, text: &str) -> String {
        let file = self.0.join("shenbao.toml");
        std::fs::write(&file, text).unwrap();
        file.display().to_string()
    }

    fn drop_mail(&self, name: &str, raw: &[u8]) {
        let tmp = self.0.join("Maildir/tmp");
        std::fs::create_dir_all(&tmp).unwrap();
        std::fs::write(tmp.join(name), raw).unwrap();
        std::fs::rename(tmp.join(name), self.0.join("Maildir/new").join(name)).unwrap();
    }
}

fn submission() -> Vec<u8> {
    let files = complete_submission(UNIT, &[Form::new(0, UNIT), Form::new(1, UNIT)]);
    email(SENDER, "申报材料", "请查收。", &refs(&files))
}

fn question() -> Vec<u8> {
    email(SENDER, "咨询申报时间", "请问截止时间？", &[])
}

/// Datagrams received on `sock` until `until` matches one (or 20 s pass).
fn notifications(sock: &UnixDatagram, got: &mut Vec<String>, until: impl Fn(&str) -> bool) {
    let end = Instant::now() + Duration::from_secs(20);
    let mut buf = [0u8; 4096];
    while Instant::now() < end {
        if let Ok(n) = sock.recv(&mut buf) {
            // One state per datagram, newline-terminated as sd_notify(3) allows.
            let msg = String::from_utf8_lossy(&buf[..n]).trim_end().to_string();
            let done = until(&msg);
            got.push(msg);
            if done {
                return;
            }
        }
    }
    panic!("notification not received; got {got:?}");
}

#[test]
fn sd_notify_ready_status_watchdog_stopping() {
    let place = Place::new("notify");
    let config = place.maildir_config("");
    place.drop_mail("1.eml", &submission());
    let path = place.0.join("notify.sock");
    let sock = UnixDatagram::bind(&path).unwrap();
    sock.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let socket = path.display().to_string();
    let d = Running::start(
        &place.0,
        &["--config", &config, "run"],
        &[("NOTIFY_SOCKET", &socket), ("WATCHDOG_USEC", "2000000")],
    );
    let mut got = Vec::new();
    notifications(&sock, &mut got, |m| m == "READY=1");
    notifications(&sock, &mut got, |m| {
        m.starts_with("STATUS=waiting for mail")
    });
    notifications(&sock, &mut got, |m| m == "WATCHDOG=1");
    // Two more pings: the tick (at most a second with a 2 s watchdog) keeps coming.
    let t = Instant::now();
    notifications(&sock, &mut got, |m| m == "WATCHDOG=1");
    notifications(&sock, &mut got, |m| m == "WATCHDOG=1");
    assert!(t.elapsed() < Duration::from_secs(4), "{got:?}");
    assert!(
        got.iter().any(|m| m == "STATUS=processing message 1 of 1"),
        "{got:?}"
    );
    assert!(
        got.iter().any(|m| m == "STATUS=delivering 1 reply"),
        "{got:?}"
    );
    let ready = got.iter().position(|m| m == "READY=1").unwrap();
    assert_eq!(got.iter().filter(|m| *m == "READY=1").count(), 1, "{got:?}");
    assert!(ready < got.iter().position(|m| m.contains("processing")).unwrap());
    let (status, stderr) = d.term();
    notifications(&sock, &mut got, |m| m == "STOPPING=1");
    assert!(status.success(), "{status:?}\n{stderr}");
    // The text log: one info line per message, with its verdict and time.
    let recorded: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains(" recorded mail="))
        .collect();
    assert_eq!(recorded.len(), 1, "{stderr}");
    for field in [
        "INFO",
        "verdict=accepted",
        "receipt=\"ZLGG2023-001\"",
        "ms=",
        "message_id=",
    ] {
        assert!(
            recorded[0].contains(field),
            "{field} missing: {}",
            recorded[0]
        );
    }
}

#[test]
fn metrics_health_and_json_log_lines() {
    let place = Place::new("metrics");
    let port = free_port();
    let config = place.maildir_config(&format!(
        "[ops]\nlisten = \"127.0.0.1:{port}\"\nmailbox_stale_seconds = 2\n"
    ));
    place.drop_mail("1.eml", &submission());
    place.drop_mail("2.eml", &question());
    let d = Running::start(
        &place.0,
        &["--config", &config, "--log-format", "json", "run"],
        &[],
    );
    let page = wait_for(Duration::from_secs(30), || {
        let (code, page) = get(port, "/metrics")?;
        let sent = sample(&page, "shenbao_replies_sent_total")?;
        (code == 200 && sent >= 1.0).then_some(page)
    })
    .unwrap_or_else(|| panic!("no metrics:\n{}", d.stderr()));
    check_exposition(&page).unwrap_or_else(|l| panic!("bad line {l:?} in\n{page}"));
    let recorded = |v: &str| {
        sample(
            &page,
            &format!("shenbao_messages_recorded_total{{verdict=\"{v}\"}}"),
        )
    };
    assert_eq!(recorded("accepted"), Some(1.0), "{page}");
    assert_eq!(recorded("ignored"), Some(1.0), "{page}");
    assert_eq!(
        sample(&page, "shenbao_message_processing_seconds_count"),
        Some(2.0)
    );
    assert_eq!(
        sample(
            &page,
            "shenbao_message_processing_seconds_bucket{le=\"+Inf\"}"
        ),
        Some(2.0)
    );
    assert_eq!(sample(&page, "shenbao_outbox_queued"), Some(0.0), "{page}");
    match python_with_prometheus() {
        Some(py) => {
            let families = python_parse(py, &page);
            assert!(
                families.contains("shenbao_message_processing_seconds histogram"),
                "{families}"
            );
            assert!(
                families.contains("shenbao_messages_recorded counter 4"),
                "{families}"
            );
        }
        None => eprintln!("\n!!! prometheus_client not importable: Rust-side format check only\n"),
    }
    assert_eq!(get(port, "/healthz"), Some((200, "ok\n".into())));
    assert_eq!(get(port, "/nope").map(|r| r.0), Some(404));
    // The mailbox goes away: listings fail, and past mailbox_stale_seconds health is bad.
    std::fs::remove_dir_all(place.0.join("Maildir")).unwrap();
    let bad = wait_for(Duration::from_secs(20), || {
        get(port, "/healthz").filter(|(code, _)| *code == 503)
    })
    .unwrap_or_else(|| panic!("health stayed good:\n{}", d.stderr()));
    assert!(bad.1.starts_with("mailbox not reached for "), "{}", bad.1);
    let (status, stderr) = d.term();
    assert!(status.success(), "{status:?}\n{stderr}");
    // Every log line is one JSON object (the closing summary line is for people).
    let mut per_message = Vec::new();
    for line in stderr.lines().filter(|l| !l.starts_with("shenbao: ")) {
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        if v["fields"]["message"] == "recorded" {
            per_message.push(v);
        }
    }
    assert_eq!(per_message.len(), 2, "{stderr}");
    let verdicts: Vec<&str> = per_message
        .iter()
        .map(|v| v["fields"]["verdict"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(verdicts, ["accepted", "ignored"], "{stderr}");
    for v in &per_message {
        assert_eq!(v["level"], "INFO");
        assert!(v["fields"]["ms"].is_u64(), "{v}");
        assert!(
            v["fields"]["unit"].is_string() && v["fields"]["problems"].is_string(),
            "{v}"
        );
    }
}

fn imap_toml(s: &mailstack::MailStack, user: &str, pw: &Path, data: &Path, port: u16) -> String {
    let (pw, ca, data) = (pw.display(), s.ca_file().display(), data.display());
    format!(
        "{}[mailbox]\nkind = \"imap\"\npoll_seconds = 1\n\n[mailbox.imap]\nhost = \"localhost\"\n\
         port = {}\ntls = \"implicit\"\nuser = \"{user}\"\npassword_file = \"{pw}\"\n\
         ca_file = \"{ca}\"\ntimeout_seconds = 20\n\n[storage]\ndata_dir = \"{data}\"\n\n\
         [outbox]\nkind = \"smtp\"\n\n[smtp]\nhost = \"localhost\"\nport = {}\n\
         tls = \"starttls\"\nuser = \"{user}\"\npassword_file = \"{pw}\"\nca_file = \"{ca}\"\n\
         timeout_seconds = 20\n\n[ops]\nlisten = \"127.0.0.1:{port}\"\nmailbox_stale_seconds = 3\n",
        campaign_toml(),
        s.imap_port(),
        s.smtp_port()
    )
}

#[test]
fn the_password_never_reaches_the_log() {
    crate::require_mailstack!();
    const OFFICE: &str = "scjgzlfzc@tj.gov.cn";
    const PASSWORD: &str = "Ops-Pw-Zq81x7Lm";
    let mut s = mailstack::MailStack::start(&[(OFFICE, PASSWORD)]).unwrap();
    let place = Place::new("secret");
    let pw = place.0.join("imap.pw");
    std::fs::write(&pw, format!("{PASSWORD}\n")).unwrap();
    let at = chrono::DateTime::parse_from_rfc3339("2023-04-20T10:00:00+08:00").unwrap();
    s.append(OFFICE, "INBOX", &submission(), at).unwrap();
    let port = free_port();
    let config = place.write_config(&imap_toml(&s, OFFICE, &pw, &place.0.join("data"), port));
    let debug = [("SHENBAO_LOG", "debug")];
    let d = Running::start(&place.0, &["--config", &config, "run"], &debug);
    let metric = |name: &str| get(port, "/metrics").and_then(|(_, p)| sample(&p, name));
    wait_for(Duration::from_secs(60), || {
        metric("shenbao_replies_sent_total").filter(|n| *n >= 1.0)
    })
    .unwrap_or_else(|| panic!("no reply sent:\n{}", d.stderr()));
    // SMTP down: the next reply waits, with a warning.
    s.stop_smtp();
    let words = complete_submission(UNIT, &[Form::new(2, UNIT)])
        .into_iter()
        .filter(|(n, _)| !n.contains("盖章"))
        .collect::<Vec<_>>();
    let notice = email(SENDER, "补充材料", "", &refs(&words));
    s.append(OFFICE, "INBOX", &notice, at).unwrap();
    wait_for(Duration::from_secs(60), || {
        metric("shenbao_replies_failed_total").filter(|n| *n >= 1.0)
    })
    .unwrap_or_else(|| panic!("no failed attempt:\n{}", d.stderr()));
    assert_eq!(get(port, "/healthz").map(|r| r.0), Some(200));
    assert_eq!(metric("shenbao_outbox_queued"), Some(1.0));
    let (status, log) = d.term();
    assert!(status.success(), "{status:?}\n{log}");
    assert!(log.contains("SMTP server unusable"), "{log}");
    assert!(log.contains("IMAP connected"), "{log}");
    assert!(!log.contains(PASSWORD), "password in the log:\n{log}");
    // A login the server refuses: reconnect warnings, and health turns bad.
    let port = free_port();
    let config = place.write_config(&imap_toml(
        &s,
        "someone-else@tj.gov.cn",
        &pw,
        &place.0.join("data2"),
        port,
    ));
    let d = Running::start(&place.0, &["--config", &config, "run"], &debug);
    let bad = wait_for(Duration::from_secs(30), || {
        get(port, "/healthz").filter(|(code, _)| *code == 503)
    })
    .unwrap_or_else(|| panic!("health stayed good:\n{}", d.stderr()));
    assert!(bad.1.contains("mailbox not reached"), "{}", bad.1);
    let (status, log) = d.term();
    assert!(status.success(), "{status:?}\n{log}");
    assert!(
        log.contains("WARN") && log.contains("IMAP localhost"),
        "{log}"
    );
    assert!(!log.contains(PASSWORD), "password in the log:\n{log}");
}
