//! The optional sender check: with `[replies] trusted_authserv_id` set, a reply goes only to
//! mail whose `Authentication-Results` header from that server (RFC 8601) shows DMARC pass, or
//! SPF or DKIM pass for a domain aligned with the From domain. Anything else is held for the
//! division unanswered, so a forged sender never makes us send backscatter to a victim.

use mail_parser::MessageParser;

/// Why a message may not be answered; `Ok(())` when the sender checks out.
pub fn check(raw: &[u8], authserv_id: &str) -> Result<(), String> {
    let msg = MessageParser::default()
        .parse_headers(raw)
        .ok_or_else(|| "邮件头无法解析".to_string())?;
    let from = msg
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .and_then(|a| {
            a.rsplit_once('@')
                .map(|(_, d)| d.trim().to_ascii_lowercase())
        })
        .ok_or_else(|| "缺少发件人地址".to_string())?;
    // Only the topmost header of the trusted server: our own MTA prepends it; anything below
    // came with the message and could be forged by its sender.
    let header = msg
        .headers()
        .iter()
        .filter(|h| h.name().eq_ignore_ascii_case("Authentication-Results"))
        .filter_map(|h| raw.get(h.offset_start as usize..h.offset_end as usize))
        .map(|v| String::from_utf8_lossy(v).replace(['\r', '\n'], " "))
        .find(|v| authserv(v).eq_ignore_ascii_case(authserv_id.trim()))
        .ok_or_else(|| format!("没有 {authserv_id} 的 Authentication-Results"))?;
    evaluate(&header, &from)
}

/// The authserv-id of a header value: the first token before `;` (an optional version follows).
fn authserv(value: &str) -> String {
    strip_comments(value)
        .split(';')
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string()
}

/// Removes `(comments)` (nested ones too), which may say anything.
fn strip_comments(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    let mut depth = 0u32;
    for c in v.chars() {
        match c {
            '(' => depth = depth.saturating_add(1),
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Decides from one header value (after its authserv-id) and the From domain.
pub fn evaluate(header: &str, from_domain: &str) -> Result<(), String> {
    let clean = strip_comments(header);
    let mut seen = Vec::new();
    for res in clean.split(';').skip(1) {
        let mut words = res.split_whitespace();
        let Some((method, result)) = words.next().and_then(|w| w.split_once('=')) else {
            continue;
        };
        let method = method.to_ascii_lowercase();
        let result = result.to_ascii_lowercase();
        let props: Vec<(String, String)> = words
            .filter_map(|w| w.split_once('='))
            .map(|(k, v)| {
                (
                    k.to_ascii_lowercase(),
                    v.trim_matches('"').to_ascii_lowercase(),
                )
            })
            .collect();
        let prop = |k: &str| props.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        seen.push(format!("{method}={result}"));
        if result != "pass" {
            continue;
        }
        let domain = match method.as_str() {
            "dmarc" => prop("header.from").unwrap_or(from_domain),
            "spf" => prop("smtp.mailfrom")
                .map(|m| m.rsplit_once('@').map_or(m, |(_, d)| d))
                .or_else(|| prop("smtp.helo"))
                .unwrap_or_default(),
            "dkim" => prop("header.d")
                .or_else(|| prop("header.i").map(|i| i.rsplit_once('@').map_or(i, |(_, d)| d)))
                .unwrap_or_default(),
            _ => continue,
        };
        if aligned(domain, from_domain) {
            return Ok(());
        }
    }
    Err(if seen.is_empty() {
        "发件人未通过验证（无验证结果）".to_string()
    } else {
        format!("发件人未通过验证（{}）", seen.join(", "))
    })
}

/// Relaxed alignment: the same domain, or one a subdomain of the other. (The public-suffix
/// list would be exact; this errs on the strict side only for unrelated sibling domains.)
fn aligned(a: &str, b: &str) -> bool {
    let (a, b) = (
        a.trim().trim_end_matches('.'),
        b.trim().trim_end_matches('.'),
    );
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let under = |x: &str, y: &str| x.strip_suffix(y).is_some_and(|p| p.ends_with('.'));
    a.eq_ignore_ascii_case(b) || under(a, b) || under(b, a)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(results: &[&str], from: &str) -> Vec<u8> {
        let mut s = String::new();
        for r in results {
            s.push_str(&format!("Authentication-Results: {r}\r\n"));
        }
        s.push_str(&format!(
            "From: 单位 <{from}>\r\nSubject: x\r\n\r\nbody\r\n"
        ));
        s.into_bytes()
    }

    const MX: &str = "mx.tj.gov.cn";

    #[test]
    fn dmarc_pass_from_the_trusted_server() {
        let raw = mail(
            &["mx.tj.gov.cn; dmarc=pass (p=none) header.from=example.test"],
            "a@example.test",
        );
        assert_eq!(check(&raw, MX), Ok(()));
    }

    #[test]
    fn aligned_spf_or_dkim_pass() {
        let spf = mail(
            &["mx.tj.gov.cn 1; spf=pass smtp.mailfrom=bounce@mail.example.test"],
            "a@example.test",
        );
        assert_eq!(check(&spf, MX), Ok(()));
        let dkim = mail(
            &["mx.tj.gov.cn;\r\n\tdkim=pass header.d=example.test header.s=s1;\r\n\tspf=fail"],
            "a@example.test",
        );
        assert_eq!(check(&dkim, MX), Ok(()));
    }

    #[test]
    fn unaligned_pass_is_not_enough() {
        let raw = mail(
            &[
                "mx.tj.gov.cn; spf=pass smtp.mailfrom=x@evil.test; dkim=pass header.d=evilexample.test; dmarc=fail",
            ],
            "a@example.test",
        );
        let why = check(&raw, MX).unwrap_err();
        assert!(why.contains("dmarc=fail"), "{why}");
    }

    #[test]
    fn other_servers_and_lower_headers_are_ignored() {
        // The forger's own header lower down says pass; ours on top says fail.
        let raw = mail(
            &[
                "mx.tj.gov.cn; dmarc=fail header.from=example.test",
                "mx.tj.gov.cn; dmarc=pass header.from=example.test",
            ],
            "a@example.test",
        );
        assert!(check(&raw, MX).is_err());
        let other = mail(
            &["mx.elsewhere.test; dmarc=pass header.from=example.test"],
            "a@example.test",
        );
        assert!(check(&other, MX).unwrap_err().contains("没有"));
        assert!(check(&mail(&[], "a@example.test"), MX).is_err());
    }

    #[test]
    fn comments_cannot_fake_a_pass() {
        let raw = mail(
            &[
                "mx.tj.gov.cn; dmarc=fail (dmarc=pass header.from=example.test) header.from=example.test",
            ],
            "a@example.test",
        );
        assert!(check(&raw, MX).is_err());
    }

    #[test]
    fn alignment() {
        assert!(aligned("example.test", "EXAMPLE.test"));
        assert!(aligned("mail.example.test", "example.test"));
        assert!(!aligned("badexample.test", "example.test"));
        assert!(!aligned("", "example.test"));
    }

    #[test]
    fn junk_does_not_panic() {
        for raw in [
            &b""[..],
            b"Authentication-Results: ;;;==\r\n\r\n",
            b"\xff\xfe(((",
            b"From: a@b\r\nAuthentication-Results: mx.tj.gov.cn; =pass\r\n\r\n",
        ] {
            let _ = check(raw, MX);
        }
    }
}
