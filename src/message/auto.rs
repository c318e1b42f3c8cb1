//! Automatic mail (RFC 3834 and the usual list and bounce markers) and questions.

use serde::Serialize;

/// Why a message counts as automatic mail, which never gets a reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Automatic {
    /// The header or marker that decided it, for the division's view.
    pub reason: String,
}

fn auto(reason: String) -> Option<Automatic> {
    Some(Automatic { reason })
}

/// Decides from the top-level headers (name, unfolded raw value) whether a message is
/// automatic: answering those would feed mail loops and bounce storms.
pub(crate) fn automatic<'a>(
    headers: impl IntoIterator<Item = (&'a str, String)>,
) -> Option<Automatic> {
    for (name, value) in headers {
        let name = name.trim().to_ascii_lowercase();
        let v = value.trim().to_ascii_lowercase();
        let first = v.split([';', ' ', '\t']).next().unwrap_or_default();
        match name.as_str() {
            "auto-submitted" if first != "no" && !first.is_empty() => {
                return auto(format!("Auto-Submitted: {}", value.trim()));
            }
            "precedence" if matches!(first, "bulk" | "junk" | "list") => {
                return auto(format!("Precedence: {first}"));
            }
            "x-auto-response-suppress" => {
                return auto(format!("X-Auto-Response-Suppress: {}", value.trim()));
            }
            "return-path"
                if v.trim_matches(|c: char| c == '<' || c == '>' || c.is_whitespace())
                    .is_empty() =>
            {
                return auto("Return-Path 为空（退信）".to_string());
            }
            "content-type" if first.starts_with("multipart/report") => {
                return auto("multipart/report（投递报告）".to_string());
            }
            "from"
                if ["mailer-daemon", "postmaster"].iter().any(|d| {
                    v.contains(&format!("{d}@")) || v.contains(&format!("<{d}>")) || v == *d
                }) =>
            {
                return auto(format!("发件人为系统退信地址：{}", value.trim()));
            }
            n if n.starts_with("list-") => return auto(format!("邮件列表头 {name}")),
            _ => {}
        }
    }
    None
}

/// Words that ask something in Chinese mail; matched anywhere in subject or body.
const ASKING: &[&str] = &[
    "请问",
    "咨询",
    "能否",
    "是否",
    "可否",
    "能不能",
    "可不可以",
    "是不是",
    "有没有",
    "如何",
    "怎么",
    "怎样",
    "为什么",
    "为何",
    "多少",
    "哪些",
    "哪里",
    "哪个",
    "什么时候",
    "何时",
];

/// True when a human message without attachments asks something, so staff should answer it.
pub fn is_question(subject: &str, body: &str) -> bool {
    [subject, body].iter().any(|t| asks(t))
}

fn asks(text: &str) -> bool {
    // Links carry `?` in query strings; they ask nothing.
    let cleaned: String = text
        .split_whitespace()
        .filter(|w| !w.contains("://") && !w.starts_with("www."))
        .collect::<Vec<_>>()
        .join(" ");
    if cleaned.contains('?') || cleaned.contains('？') {
        return true;
    }
    if ASKING.iter().any(|w| cleaned.contains(w)) {
        return true;
    }
    // 吗 closing a sentence.
    let chars: Vec<char> = cleaned.chars().collect();
    chars.iter().enumerate().any(|(i, c)| {
        *c == '吗'
            && chars.get(i + 1).is_none_or(|n| {
                matches!(
                    n,
                    '。' | '！' | '!' | '，' | ',' | '.' | '~' | '～' | ' ' | '\n'
                )
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(list: &[(&'static str, &str)]) -> Option<Automatic> {
        automatic(list.iter().map(|(n, v)| (*n, (*v).to_string())))
    }

    #[test]
    fn automatic_markers() {
        assert!(h(&[("Auto-Submitted", " auto-replied")]).is_some());
        assert!(h(&[("Auto-Submitted", " auto-generated; x=y")]).is_some());
        assert!(h(&[("Auto-Submitted", " No")]).is_none());
        assert!(h(&[("Precedence", " bulk")]).is_some());
        assert!(h(&[("Precedence", " junk")]).is_some());
        assert!(h(&[("Precedence", " list")]).is_some());
        assert!(h(&[("Precedence", " first-class")]).is_none());
        assert!(h(&[("List-Unsubscribe", " <mailto:x@y>")]).is_some());
        assert!(h(&[("List-Id", " <a.b>")]).is_some());
        assert!(h(&[("X-Auto-Response-Suppress", " All")]).is_some());
        assert!(h(&[("Return-Path", " <>")]).is_some());
        assert!(h(&[("Return-Path", " <a@b.cn>")]).is_none());
        assert!(h(&[("From", " Mail Delivery System <MAILER-DAEMON@qq.com>")]).is_some());
        assert!(h(&[("From", " postmaster@tj.gov.cn")]).is_some());
        assert!(
            h(&[(
                "Content-Type",
                " multipart/report; report-type=delivery-status"
            )])
            .is_some()
        );
        assert!(h(&[("From", " 王丽 <wangli@163.com>"), ("Subject", " 申报材料")]).is_none());
    }

    #[test]
    fn questions() {
        assert!(is_question("咨询申报截止时间", ""));
        assert!(is_question("关于质量攻关项目", "请问截止日期是哪天"));
        assert!(is_question("", "汇总表需要盖章吗"));
        assert!(is_question("", "汇总表需要盖章吗。谢谢"));
        assert!(is_question("Question", "Is a scan enough?"));
        assert!(is_question("", "可以只交电子版？"));
        assert!(is_question("", "能否延期提交"));
        assert!(!is_question("申报材料", "附件是我单位的申报材料，请查收。"));
        assert!(!is_question("test", "test"));
        assert!(!is_question("材料", "详见 https://example.cn/a?b=c 谢谢"));
    }
}
