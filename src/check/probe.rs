//! The servers themselves, one step at a time, so a failure says which: DNS, TCP, TLS (and
//! whether the certificate is trusted), login, ID and the inbox for IMAP; DNS, TCP, then TLS
//! and login together for SMTP (lettre does both in one connection).

use super::{Mark, Report};
use crate::config::{Config, MailboxKind, OutboxKind, TlsMode};
use crate::mailbox::imap::connect::{self, Refused};
use crate::notify::smtp::SmtpOutbox;
use rustls::CertificateError;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::TcpStream;

/// Longest wait for one step: an admin waits for the answer.
const STEP: Duration = Duration::from_secs(10);

/// DNS and TCP to `host:port`; false (reported) when either fails.
async fn reach(group: &'static str, host: &str, port: u16, report: &mut Report) -> bool {
    let addrs: Vec<SocketAddr> =
        match tokio::time::timeout(STEP, tokio::net::lookup_host((host, port))).await {
            Ok(Ok(a)) => a.collect(),
            Ok(Err(e)) => {
                report.push(
                    group,
                    "DNS 解析",
                    Mark::Fail,
                    format!("无法解析 {host}：{e}（检查主机名或本机 DNS 设置）"),
                );
                return false;
            }
            Err(_) => {
                report.push(group, "DNS 解析", Mark::Fail, format!("解析 {host} 超时"));
                return false;
            }
        };
    let shown: Vec<String> = addrs.iter().map(|a| a.ip().to_string()).collect();
    report.push(
        group,
        "DNS 解析",
        Mark::Pass,
        format!("{host} → {}", shown.join(", ")),
    );
    match tokio::time::timeout(STEP, TcpStream::connect(&addrs[..])).await {
        Ok(Ok(_)) => {
            report.push(group, "TCP 连接", Mark::Pass, format!("{host}:{port}"));
            true
        }
        Ok(Err(e)) => {
            report.push(
                group,
                "TCP 连接",
                Mark::Fail,
                format!("{host}:{port}：{e}（端口未开放、服务未启动或被防火墙拦截）"),
            );
            false
        }
        Err(_) => {
            report.push(
                group,
                "TCP 连接",
                Mark::Fail,
                format!("连接 {host}:{port} 超时（多为防火墙丢弃）"),
            );
            false
        }
    }
}

/// The certificate problem in an error chain, in the admin's words.
fn tls_problem(e: &anyhow::Error, host: &str) -> Option<String> {
    let rustls_error = e.chain().find_map(|c| {
        c.downcast_ref::<rustls::Error>().or_else(|| {
            c.downcast_ref::<std::io::Error>()
                .and_then(|io| io.get_ref())
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        })
    })?;
    Some(match rustls_error {
        rustls::Error::InvalidCertificate(c) => match c {
            CertificateError::UnknownIssuer => "服务器证书不受信任（签发者未知）：自签名或私有 CA 的证书，请在 ca_file 中指定该 CA 证书".to_string(),
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                format!("服务器证书与主机名 {host} 不符：host 应写证书上的名称")
            }
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => "服务器证书已过期".to_string(),
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                "服务器证书尚未生效（检查本机时间）".to_string()
            }
            other => format!("服务器证书无效：{other:?}"),
        },
        other => format!("TLS 握手失败：{other}"),
    })
}

fn tls_label(mode: TlsMode) -> &'static str {
    match mode {
        TlsMode::Implicit => "TLS（隐式）",
        TlsMode::Starttls => "TLS（STARTTLS）",
        TlsMode::None => "未加密连接",
    }
}

/// What a connection that got through TLS (or had none) can say of it.
fn handshake(mode: TlsMode) -> String {
    match mode {
        TlsMode::None => "已连接（未加密，仅限测试服务器）".into(),
        _ => "握手成功，服务器证书已验证".into(),
    }
}

/// The IMAP steps, when the mailbox is IMAP.
pub async fn imap(cfg: &Config, report: &mut Report) {
    let (MailboxKind::Imap, Some(imap)) = (cfg.mailbox.kind, &cfg.mailbox.imap) else {
        return;
    };
    let g = "IMAP";
    let port = imap.port();
    if !reach(g, &imap.host, port, report).await {
        return;
    }
    let Ok(secret) = imap.password().read() else {
        return;
    };
    let tls = tls_label(imap.tls);
    let mut session = match tokio::time::timeout(STEP * 3, connect::open(imap, &secret)).await {
        Err(_) => {
            report.push(g, tls, Mark::Fail, "TLS 握手或登录超时".into());
            return;
        }
        Ok(Ok((session, _))) => {
            report.push(g, tls, Mark::Pass, handshake(imap.tls));
            report.push(g, "登录", Mark::Pass, imap.user.clone());
            report.push(
                g,
                "ID",
                Mark::Pass,
                "已发送客户端标识（服务器支持时）".into(),
            );
            session
        }
        Ok(Err(e)) => {
            match e.downcast_ref::<Refused>() {
                Some(Refused::Login { reason, .. }) => {
                    report.push(g, tls, Mark::Pass, handshake(imap.tls));
                    report.push(
                        g,
                        "登录",
                        Mark::Fail,
                        format!(
                            "用户名或密码被拒绝（{}）：{reason}。163/QQ 等邮箱须使用客户端授权码",
                            imap.user
                        ),
                    );
                }
                Some(Refused::Id(why)) => {
                    report.push(g, tls, Mark::Pass, handshake(imap.tls));
                    report.push(g, "登录", Mark::Pass, imap.user.clone());
                    report.push(g, "ID", Mark::Fail, format!("服务器拒绝 ID 命令：{why}"));
                }
                None => {
                    let why = tls_problem(&e, &imap.host).unwrap_or_else(|| format!("{e:#}"));
                    report.push(g, tls, Mark::Fail, why);
                }
            }
            return;
        }
    };
    match tokio::time::timeout(STEP, session.select(&imap.inbox)).await {
        Ok(Ok(mailbox)) => report.push(
            g,
            "打开收件文件夹",
            Mark::Pass,
            format!("{}（{} 封）", imap.inbox, mailbox.exists),
        ),
        Ok(Err(e)) => report.push(
            g,
            "打开收件文件夹",
            Mark::Fail,
            format!("{}：{e}（检查 inbox 的名称）", imap.inbox),
        ),
        Err(_) => report.push(
            g,
            "打开收件文件夹",
            Mark::Fail,
            format!("{}：超时", imap.inbox),
        ),
    }
    let _ = tokio::time::timeout(STEP, session.logout()).await;
}

/// The SMTP steps, when replies go out over SMTP.
pub async fn smtp(cfg: &Config, report: &mut Report) {
    let (OutboxKind::Smtp, Some(smtp)) = (cfg.outbox.kind, &cfg.smtp) else {
        return;
    };
    let g = "SMTP";
    let port = smtp.port();
    if !reach(g, &smtp.host, port, report).await {
        return;
    }
    let what = format!("{}与登录", tls_label(smtp.tls));
    let outbox = match smtp.settings().and_then(|s| SmtpOutbox::new(&s)) {
        Ok(o) => o,
        Err(e) => {
            report.push(g, &what, Mark::Fail, format!("{e:#}"));
            return;
        }
    };
    match tokio::time::timeout(STEP * 3, outbox.test_connection()).await {
        Ok(Ok(true)) => {
            let who = smtp.user.clone().unwrap_or_else(|| "不登录".into());
            report.push(g, &what, Mark::Pass, format!("证书已验证，{who}"));
        }
        Ok(Ok(false)) => report.push(g, &what, Mark::Fail, "连接后服务器没有响应".into()),
        Ok(Err(e)) => {
            let detail = if e.status().is_some_and(|c| c.to_string() == "535") {
                format!(
                    "用户名或密码被拒绝（{}）：{e}",
                    smtp.user.as_deref().unwrap_or("")
                )
            } else if e.is_tls() {
                tls_problem(&anyhow::Error::new(e), &smtp.host)
                    .unwrap_or_else(|| "TLS 握手失败".into())
            } else {
                format!("{e}")
            };
            report.push(g, &what, Mark::Fail, detail);
        }
        Err(_) => report.push(g, &what, Mark::Fail, "超时".into()),
    }
}
