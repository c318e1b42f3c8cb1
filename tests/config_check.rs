//! `shenbao config check` run as the binary: broken files (each error at its line), then the
//! probes against the real Dovecot and Postfix of the test mail stack — a good configuration,
//! wrong passwords, an untrusted certificate, nothing listening.
// A test crate: a failed unwrap, expect or panic is the test failing, which is what it should do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/mailstack/mod.rs"]
mod mailstack;
#[path = "support/servers.rs"]
mod servers;

use mailstack::MailStack;
use std::path::{Path, PathBuf};
use std::process::Command;

const OFFICE: &str = "scjgzlfzc@tj.gov.cn";
const PW: &str = "Check-Pw-5520";
const WRONG: &str = "Wrong-Pw-9917";

struct Work(PathBuf);

impl Work {
    fn new(tag: &str) -> Work {
        let d = std::env::temp_dir().join(format!("shenbao-check-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        Work(d)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }
}

impl Drop for Work {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `config check` on `file`; returns (exit code, stdout + stderr).
fn check(file: &Path, extra: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_shenbao"))
        .arg("--config")
        .arg(file)
        .args(["config", "check"])
        .args(extra)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

const CAMPAIGN: &str = "[campaign]\nname = \"x\"\nmailbox = \"a@b.cn\"\n";

#[test]
fn broken_files_are_reported_at_their_line() {
    let w = Work::new("files");
    let cases: [(&str, String, &[&str], Option<usize>); 5] = [
        (
            "unknown key",
            format!(
                "{CAMPAIGN}deadline = \"2099-04-28T23:59:59+08:00\"\n\n[mailbox]\ncolour = 1\n"
            ),
            &["unknown field `colour`"],
            Some(7),
        ),
        (
            "bad value",
            format!(
                "{CAMPAIGN}deadline = \"2099-04-28T23:59:59+08:00\"\nlate_policy = \"maybe\"\n"
            ),
            &["late_policy", "maybe"],
            Some(5),
        ),
        (
            "deadline without time zone",
            format!("{CAMPAIGN}deadline = \"2023-04-28T23:59:59\"\n"),
            &["time zone"],
            Some(4),
        ),
        (
            "syntax",
            "[campaign\nname = \"x\"\n".to_string(),
            &["unclosed table"],
            Some(1),
        ),
        (
            "unreadable password file",
            format!(
                "{CAMPAIGN}deadline = \"2099-04-28T23:59:59+08:00\"\n\n[mailbox]\nkind = \"imap\"\n\n[mailbox.imap]\nhost = \"localhost\"\nuser = \"u\"\npassword_file = \"{}\"\n",
                w.0.join("no-such-file").display()
            ),
            &["IMAP 密码", "cannot read password file"],
            Some(12),
        ),
    ];
    for (what, text, needles, line) in cases {
        let f = w.write("c.toml", &text);
        let (code, out) = check(&f, &[]);
        assert_eq!(code, 1, "{what}: {out}");
        for n in needles {
            assert!(out.contains(n), "{what}: no “{n}” in\n{out}");
        }
        if let Some(l) = line {
            assert!(
                out.contains(&format!("（第 {l} 行）")),
                "{what}: line {l} not named in\n{out}"
            );
        }
        assert!(out.contains("项未通过"), "{what}: {out}");
    }
    // A password written where it does not belong is an unknown key, named without its value.
    let f = w.write(
        "c.toml",
        &format!(
            "{CAMPAIGN}deadline = \"2099-04-28T23:59:59+08:00\"\n\n[mailbox.imap]\nhost = \"h\"\nuser = \"u\"\npassword = \"{WRONG}\"\n"
        ),
    );
    let (code, out) = check(&f, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("unknown field `password`") && out.contains("（第 9 行）"),
        "{out}"
    );
    assert!(!out.contains(WRONG), "the password was printed:\n{out}");
    // --json says the same for scripts.
    let f = w.write(
        "c.toml",
        &format!("{CAMPAIGN}deadline = \"2023-04-28T23:59:59\"\n"),
    );
    let out = Command::new(env!("CARGO_BIN_EXE_shenbao"))
        .arg("--config")
        .arg(&f)
        .args(["config", "check", "--json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["steps"][0]["mark"], "fail");
    assert_eq!(v["steps"][0]["line"], 4);
}

#[test]
fn servers_are_tried_step_by_step() {
    require_mailstack!();
    let s = MailStack::start(&[(OFFICE, PW)]).unwrap();
    let w = Work::new("servers");
    let good_pw = w.write("pw", PW);
    let wrong_pw = w.write("wrong", WRONG);
    let campaign = "deadline = \"2099-04-28T23:59:59+08:00\"\n";
    let good = servers::toml(&s, OFFICE, &good_pw, &w.0.join("data"), campaign);

    let (code, out) = check(&w.write("good.toml", &good), &[]);
    assert_eq!(code, 0, "{out}");
    for step in [
        "✓ DNS 解析",
        "✓ TCP 连接",
        "✓ TLS（隐式）",
        "✓ 登录",
        "✓ 打开收件文件夹",
        "✓ TLS（STARTTLS）与登录",
    ] {
        assert!(out.contains(step), "no “{step}” in\n{out}");
    }

    // A wrong IMAP password: the login step fails, the password itself is never shown.
    let imap_wrong = good.replacen(
        &good_pw.display().to_string(),
        &wrong_pw.display().to_string(),
        1,
    );
    let (code, out) = check(&w.write("imap-wrong.toml", &imap_wrong), &[]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("✗ 登录") && out.contains("用户名或密码被拒绝"),
        "{out}"
    );
    assert!(!out.contains(WRONG) && !out.contains(PW), "{out}");

    // A wrong SMTP password: IMAP passes, SMTP's login fails with the server's 535.
    let i = good.rfind(&good_pw.display().to_string()).unwrap();
    let smtp_wrong = format!(
        "{}{}{}",
        &good[..i],
        wrong_pw.display(),
        &good[i + good_pw.display().to_string().len()..]
    );
    let (code, out) = check(&w.write("smtp-wrong.toml", &smtp_wrong), &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("✓ 登录"), "{out}");
    assert!(
        out.contains("✗ TLS（STARTTLS）与登录") && out.contains("用户名或密码被拒绝"),
        "{out}"
    );
    assert!(!out.contains(WRONG), "{out}");

    // Without the test CA the certificate is not trusted, and the check says so.
    let ca = format!("ca_file = \"{}\"\n", s.ca_file().display());
    let untrusted = good.replace(&ca, "");
    let (code, out) = check(&w.write("untrusted.toml", &untrusted), &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("不受信任") && out.contains("ca_file"), "{out}");

    // Nothing listening: the TCP step fails, nothing after it is tried.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let refused = good.replacen(
        &format!("port = {}", s.imap_port()),
        &format!("port = {closed}"),
        1,
    );
    let (code, out) = check(&w.write("refused.toml", &refused), &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("✗ TCP 连接"), "{out}");
    assert!(!out.contains("TLS（隐式）"), "{out}");

    // --no-connect checks only the file.
    let (code, out) = check(&w.write("refused.toml", &refused), &["--no-connect"]);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("TCP"), "{out}");
}
