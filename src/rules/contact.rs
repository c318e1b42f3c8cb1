//! Mobile numbers and e-mail addresses as written on the forms.

/// Why a mobile number (already reduced to digits where it was one) is invalid.
pub fn mobile_problem(m: &str) -> Option<String> {
    if !m.chars().all(|c| c.is_ascii_digit()) {
        return Some(format!("“{m}”不是手机号码"));
    }
    let n = m.len();
    if n != 11 {
        return Some(format!("手机号码应为11位数字，“{m}”为{n}位"));
    }
    if !m.starts_with('1') || m.as_bytes().get(1).is_some_and(|d| *d < b'3') {
        return Some(format!("“{m}”不是有效的手机号码（应以13–19开头）"));
    }
    None
}

/// Why an e-mail address is invalid: one `@`, a local part, a domain with a dot and sane labels.
pub fn email_problem(e: &str) -> Option<String> {
    let bad = || Some(format!("“{e}”不是有效的电子邮箱地址"));
    let Some((local, domain)) = e.split_once('@') else {
        return bad();
    };
    if local.is_empty()
        || domain.contains('@')
        || e.chars()
            .any(|c| c.is_whitespace() || !c.is_ascii() || matches!(c, ',' | ';' | '<' | '>'))
    {
        return bad();
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return Some(format!("“{e}”的域名缺少“.”（例如 163.com）"));
    }
    let label_ok = |l: &&str| {
        !l.is_empty()
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    if !labels.iter().all(label_ok)
        || labels
            .last()
            .is_some_and(|t| t.len() < 2 || t.chars().any(|c| c.is_ascii_digit()))
    {
        return bad();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobiles() {
        assert_eq!(mobile_problem("13812345678"), None);
        assert!(mobile_problem("1381234567").is_some());
        assert!(mobile_problem("23812345678").is_some());
        assert!(mobile_problem("无").is_some());
    }

    #[test]
    fn emails() {
        assert_eq!(email_problem("zhaolei12@qq.com"), None);
        assert_eq!(email_problem("a.b-c@mail.tj.gov.cn"), None);
        assert!(email_problem("wangli@163com").unwrap().contains("缺少"));
        assert!(email_problem("wangli163.com").is_some());
        assert!(email_problem("wang li@163.com").is_some());
        assert!(email_problem("w@@163.com").is_some());
    }
}
