//! `[web]`: the desk's address, and the TLS rule of the mail connections — plain HTTP only on
//! loopback, TLS files that exist and hold PEM elsewhere, unless `allow_insecure`.

use super::file::line_of;
use super::{Mark, Report};
use crate::config::{ListenProblem, Transport, Web};
use std::path::Path;

const FILE: &str = "配置文件";

/// The `[web]` checks, appended to `report` (nothing when the desk is off).
pub fn check(web: &Web, text: &str, report: &mut Report) {
    let Some(found) = web.transport() else {
        return;
    };
    let listen = web.listen.as_deref().unwrap_or_default();
    let at = |key: &str| line_of(text, "web", key);
    match found {
        Err(ListenProblem::NotAnAddress) => report.at(
            at("listen"),
            FILE,
            "[web] listen",
            Mark::Fail,
            format!("“{listen}”不是 地址:端口，例如 127.0.0.1:8080"),
        ),
        Err(ListenProblem::HalfTls(missing)) => report.at(
            at("tls_cert").or_else(|| at("tls_key")),
            FILE,
            "[web] 加密",
            Mark::Fail,
            format!("未设置 {missing}：TLS 需要同时设置 tls_cert 和 tls_key"),
        ),
        Err(ListenProblem::PlainOffLoopback) => report.at(
            at("listen"),
            FILE,
            "[web] 加密",
            Mark::Fail,
            format!(
                "“{listen}”不是本机回环地址，明文 HTTP 会让密码和会话在网络上可见：请设置 \
                 tls_cert 和 tls_key，或经办公室的反向代理访问 127.0.0.1（确属可信网络时才设置 \
                 allow_insecure = true）"
            ),
        ),
        Ok((addr, Transport::Plain)) if !addr.ip().is_loopback() => report.at(
            at("allow_insecure"),
            FILE,
            "[web] 加密",
            Mark::Warn,
            "未加密（allow_insecure = true），仅限可信网络".into(),
        ),
        Ok((_, Transport::Plain)) => {
            report.at(
                at("listen"),
                FILE,
                "[web] listen",
                Mark::Pass,
                listen.into(),
            );
        }
        Ok((_, Transport::Tls { cert, key })) => {
            pem(
                &cert,
                "CERTIFICATE",
                at("tls_cert"),
                "[web] tls_cert",
                report,
            );
            pem(&key, "PRIVATE KEY", at("tls_key"), "[web] tls_key", report);
        }
    }
}

/// A PEM file holding a `label` block (`PRIVATE KEY` also matches `RSA PRIVATE KEY` and
/// `EC PRIVATE KEY`). Only that it could be read: never the key's content.
fn pem(file: &Path, label: &str, line: Option<usize>, what: &str, report: &mut Report) {
    match std::fs::read_to_string(file) {
        Ok(t) if t.contains(&format!("{label}-----")) && t.contains("-----BEGIN ") => {
            report.at(line, FILE, what, Mark::Pass, file.display().to_string());
        }
        Ok(_) => report.at(
            line,
            FILE,
            what,
            Mark::Fail,
            format!("{} 不是 PEM 格式（缺少 {label}）", file.display()),
        ),
        Err(e) => report.at(
            line,
            FILE,
            what,
            Mark::Fail,
            format!("无法读取 {}：{e}", file.display()),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marks(web: &Web) -> Vec<Mark> {
        let mut r = Report::default();
        check(web, "", &mut r);
        r.steps.iter().map(|s| s.mark).collect()
    }

    #[test]
    fn loopback_passes_other_addresses_need_tls_files() {
        let mut w = Web {
            listen: Some("127.0.0.1:8080".into()),
            ..Web::default()
        };
        assert_eq!(marks(&w), [Mark::Pass]);
        w.listen = Some("0.0.0.0:8080".into());
        assert_eq!(marks(&w), [Mark::Fail]);
        w.allow_insecure = true;
        assert_eq!(marks(&w), [Mark::Warn]);
        w.tls_cert = Some("/nonexistent/cert.pem".into());
        assert_eq!(marks(&w), [Mark::Fail]);
        w.tls_key = Some("/nonexistent/key.pem".into());
        assert_eq!(marks(&w), [Mark::Fail, Mark::Fail]);
        w.listen = Some("nowhere".into());
        assert_eq!(marks(&w), [Mark::Fail]);
        assert!(marks(&Web::default()).is_empty());
    }
}
