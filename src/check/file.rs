//! What the values of a parsed configuration refer to: passwords, CA files, folders, the
//! sections a `kind` needs, and the campaign's dates and addresses. Each finding points at the
//! line of its key.

use super::{Mark, Report};
use crate::config::{Config, MailboxKind, OutboxKind, PasswordSource, TlsMode};
use std::path::Path;

const FILE: &str = "配置文件";

/// The line named by a TOML error's "at line N, column M".
pub fn error_line(message: &str) -> Option<usize> {
    let rest = message.split("at line ").nth(1)?;
    rest.split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

/// The 1-based line where `key` is set in table `section` (`campaign`, `mailbox.imap`, …):
/// under the table's header (`[mailbox.imap]  # comment` too), or as a dotted key under a
/// parent table (`imap.tls = …` under `[mailbox]`), bare or quoted. Lines inside multi-line
/// strings are skipped. A best effort for pointing at a line, never a parser.
pub fn line_of(text: &str, section: &str, key: &str) -> Option<usize> {
    let mut current = String::new();
    let mut in_string: Option<&str> = None;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if let Some(q) = in_string {
            if t.contains(q) {
                in_string = None;
            }
            continue;
        }
        if let Some(q) = ["\"\"\"", "\'\'\'"]
            .into_iter()
            .find(|q| t.matches(q).count() == 1)
        {
            in_string = Some(q);
        }
        if t.starts_with('[') {
            let inner = t.trim_start_matches('[');
            current = inner
                .split(']')
                .next()
                .unwrap_or("")
                .split('.')
                .map(|p| p.trim().trim_matches(['"', '\'']))
                .collect::<Vec<_>>()
                .join(".");
            continue;
        }
        let Some((lhs, _)) = t.split_once('=') else {
            continue;
        };
        let path: Vec<&str> = lhs
            .split('.')
            .map(|p| p.trim().trim_matches(['"', '\'']))
            .collect();
        let full = if current.is_empty() {
            path.join(".")
        } else {
            format!("{current}.{}", path.join("."))
        };
        if full == format!("{section}.{key}") {
            return Some(i + 1);
        }
    }
    None
}

/// The semantic checks, appended to `report`.
pub fn check(cfg: &Config, text: &str, report: &mut Report) {
    campaign(&cfg.campaign, text, report);
    writable(
        &cfg.storage.data_dir,
        line_of(text, "storage", "data_dir"),
        report,
    );
    mailbox(cfg, text, report);
    outbox(cfg, text, report);
    if let Some(listen) = &cfg.ops.listen
        && listen.parse::<std::net::SocketAddr>().is_err()
    {
        let line = line_of(text, "ops", "listen");
        report.at(
            line,
            FILE,
            "[ops] listen",
            Mark::Fail,
            format!("“{listen}”不是 地址:端口，例如 127.0.0.1:9464"),
        );
    }
    super::web::check(&cfg.web, text, report);
    super::division::check(cfg, text, report);
}

/// `[campaign]`: the deadline, our own address, the expected units' addresses.
fn campaign(c: &crate::config::Campaign, text: &str, report: &mut Report) {
    let now = chrono::Utc::now();
    let deadline_line = line_of(text, "campaign", "deadline");
    if c.deadline < now {
        report.at(
            deadline_line,
            FILE,
            "截止时间",
            Mark::Warn,
            format!("{} 已过；此后收到的邮件按 late_policy 处理", c.deadline),
        );
    } else {
        let days = c.deadline.signed_duration_since(now).num_days();
        report.at(
            deadline_line,
            FILE,
            "截止时间",
            Mark::Pass,
            format!("{}（还有 {days} 天）", c.deadline),
        );
    }
    if !c.mailbox.contains('@') {
        let line = line_of(text, "campaign", "mailbox");
        report.at(
            line,
            FILE,
            "本邮箱地址",
            Mark::Fail,
            "campaign.mailbox 应为申报邮箱地址，回复以它为发件人，也靠它识别本邮箱自己发出的邮件"
                .into(),
        );
    }
    let bad: Vec<String> = c
        .units
        .iter()
        .flat_map(|u| u.addresses.iter().map(move |a| (u, a)))
        .filter(|(_, a)| !crate::notify::compose::usable_address(a))
        .map(|(u, a)| format!("{}：“{a}”", u.name))
        .collect();
    if !bad.is_empty() {
        report.push(
            FILE,
            "应报单位邮箱",
            Mark::Fail,
            format!("以下地址无效：{}", bad.join("，")),
        );
    } else if c.units.is_empty() {
        report.push(
            FILE,
            "应报单位",
            Mark::Warn,
            "未配置 [[campaign.units]]：status 无法列出未提交的单位，remind 只提醒材料不全的单位"
                .into(),
        );
    } else {
        report.push(
            FILE,
            "应报单位",
            Mark::Pass,
            format!("{} 个", c.units.len()),
        );
    }
}

/// `[mailbox]`: the Maildir folder, or the IMAP section's TLS, password and CA.
fn mailbox(cfg: &Config, text: &str, report: &mut Report) {
    match (cfg.mailbox.kind, &cfg.mailbox.imap) {
        (MailboxKind::Maildir, _) => {
            let p = &cfg.mailbox.path;
            let (mark, detail) = if p.join("new").is_dir() || p.join("cur").is_dir() {
                (Mark::Pass, format!("{}", p.display()))
            } else {
                (
                    Mark::Warn,
                    format!(
                        "{} 尚不是 Maildir（没有 new/ 和 cur/），启动时会创建",
                        p.display()
                    ),
                )
            };
            report.at(
                line_of(text, "mailbox", "path"),
                FILE,
                "本地邮箱目录",
                mark,
                detail,
            );
        }
        (MailboxKind::Imap, None) => {
            let line = line_of(text, "mailbox", "kind");
            report.at(
                line,
                FILE,
                "[mailbox.imap]",
                Mark::Fail,
                "kind = \"imap\" 需要 [mailbox.imap] 一节".into(),
            );
        }
        (MailboxKind::Imap, Some(imap)) => {
            let s = "mailbox.imap";
            tls(
                imap.tls,
                imap.allow_insecure,
                line_of(text, s, "tls"),
                "IMAP",
                report,
            );
            password(&imap.password(), text, s, "IMAP 密码", report);
            ca(
                imap.ca_file.as_deref(),
                line_of(text, s, "ca_file"),
                "IMAP",
                report,
            );
        }
    }
}

/// `[outbox]` and `[smtp]`: the SMTP section's TLS, password and CA when replies go by SMTP.
fn outbox(cfg: &Config, text: &str, report: &mut Report) {
    match (cfg.outbox.kind, &cfg.smtp) {
        (OutboxKind::File, _) => {}
        (OutboxKind::Smtp, None) => {
            let line = line_of(text, "outbox", "kind");
            report.at(
                line,
                FILE,
                "[smtp]",
                Mark::Fail,
                "kind = \"smtp\" 需要 [smtp] 一节".into(),
            );
        }
        (OutboxKind::Smtp, Some(smtp)) => {
            tls(
                smtp.tls,
                smtp.allow_insecure,
                line_of(text, "smtp", "tls"),
                "SMTP",
                report,
            );
            if smtp.user.is_some() {
                password(&smtp.password(), text, "smtp", "SMTP 密码", report);
            }
            ca(
                smtp.ca_file.as_deref(),
                line_of(text, "smtp", "ca_file"),
                "SMTP",
                report,
            );
        }
    }
}

/// The data directory, absolute (an admin compares it with where the daemon writes), whether
/// it is writable, and whether it already holds a record.
fn writable(dir: &Path, line: Option<usize>, report: &mut Report) {
    let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let probe = dir.join(".shenbao-config-check");
    let record = if dir.join("shenbao.db").exists() {
        "已有申报记录"
    } else {
        "尚无申报记录，首次运行 shenbao run 时创建"
    };
    let result = std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::write(&probe, b"check"))
        .and_then(|()| std::fs::remove_file(&probe));
    match result {
        Ok(()) => report.at(
            line,
            FILE,
            "数据目录",
            Mark::Pass,
            format!("{} 可写，{record}", dir.display()),
        ),
        Err(e) => report.at(
            line,
            FILE,
            "数据目录",
            Mark::Fail,
            format!("{} 不可写：{e}", dir.display()),
        ),
    }
}

fn tls(
    mode: TlsMode,
    insecure: bool,
    line: Option<usize>,
    what: &'static str,
    report: &mut Report,
) {
    if mode == TlsMode::None && !insecure {
        report.at(
            line,
            FILE,
            &format!("{what} 加密"),
            Mark::Fail,
            "tls = \"none\" 会明文发送密码，只能用于测试服务器，并须同时设置 allow_insecure = true"
                .into(),
        );
    } else if mode == TlsMode::None {
        report.at(
            line,
            FILE,
            &format!("{what} 加密"),
            Mark::Warn,
            "未加密（allow_insecure = true），仅限测试".into(),
        );
    }
}

fn password(src: &PasswordSource, text: &str, section: &str, what: &str, report: &mut Report) {
    let line =
        line_of(text, section, "password_file").or_else(|| line_of(text, section, "password_env"));
    match src.read() {
        // Only that it could be read: never the value, not even its length.
        Ok(_) => report.at(line, FILE, what, Mark::Pass, "已读取".into()),
        Err(e) => report.at(
            line,
            FILE,
            what,
            Mark::Fail,
            format!("{e:#}（systemd 下相对路径在 $CREDENTIALS_DIRECTORY 中查找）"),
        ),
    }
}

fn ca(file: Option<&Path>, line: Option<usize>, what: &str, report: &mut Report) {
    let Some(file) = file else {
        return;
    };
    let what = format!("{what} CA 证书");
    match std::fs::read_to_string(file) {
        Ok(t) if t.contains("-----BEGIN CERTIFICATE-----") => {
            report.at(line, FILE, &what, Mark::Pass, format!("{}", file.display()));
        }
        Ok(_) => report.at(
            line,
            FILE,
            &what,
            Mark::Fail,
            format!("{} 不是 PEM 格式的证书", file.display()),
        ),
        Err(e) => report.at(
            line,
            FILE,
            &what,
            Mark::Fail,
            format!("无法读取 {}：{e}", file.display()),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_keys_and_errors() {
        let text =
            "[campaign]\nname = 'x'\n deadline='y'\n\n[mailbox.imap]\ndeadline = 1\nhost='h'\n";
        assert_eq!(line_of(text, "campaign", "deadline"), Some(3));
        assert_eq!(line_of(text, "mailbox.imap", "deadline"), Some(6));
        assert_eq!(line_of(text, "mailbox.imap", "host"), Some(7));
        assert_eq!(line_of(text, "mailbox", "host"), None);
        // Comments after headers, dotted and quoted keys, multi-line strings.
        let text = "[campaign]\nname = \"\"\"\n[mailbox]\n\"\"\"\n[mailbox]  # 邮箱\nimap.tls = 'none'\n\n[mailbox.imap] # x\n\"host\" = 'h'\n[[campaign.units]]\nname = 'u'\n";
        assert_eq!(line_of(text, "mailbox.imap", "tls"), Some(6));
        assert_eq!(line_of(text, "mailbox.imap", "host"), Some(9));
        assert_eq!(line_of(text, "campaign.units", "name"), Some(11));
        assert_eq!(line_of(text, "campaign", "name"), Some(2));
        assert_eq!(
            error_line("TOML parse error at line 12, column 3\n  |"),
            Some(12)
        );
        assert_eq!(error_line("no line here"), None);
    }
}
