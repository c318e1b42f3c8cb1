//! Replies to the intake's own mail: a unit answering its receipt or notice ("收到，谢谢") is
//! talking to staff, not submitting. The message stage only notes the thread; the verdict
//! decides what that means for a message with or without files.

/// The bracketed tags our subjects open with (`notify::compose::ReplyKind::tag` and the
/// reminder's), kept here so the message stage does not depend on notify; a test keeps them
/// equal.
pub(crate) const OUR_TAGS: &[&str] = &["【受理回执】", "【材料补正通知】", "【催报提醒】"];

/// How our Message-IDs start (`notify::compose::reply_message_id`: `shenbao-reply-<row>@…`).
const OUR_ID: &str = "shenbao-reply-";

/// Reply prefixes as mail clients write them: QQ Mail/Foxmail `回复：`, Outlook `答复: ` and
/// `RE: `, Coremail `Re:Re:`, Taiwanese clients `回覆：`, German `AW:`.
const PREFIXES: &[&str] = &["回复", "答复", "回覆", "Reply", "Re", "AW"];

/// How the message shows it answers our mail (for the division), if it does.
pub(super) fn answered<'a>(
    headers: impl IntoIterator<Item = (&'a str, String)>,
    subject: &str,
) -> Option<String> {
    for (name, value) in headers {
        let name = name.trim();
        if (name.eq_ignore_ascii_case("in-reply-to") || name.eq_ignore_ascii_case("references"))
            && let Some(id) = our_id(&value)
        {
            return Some(format!("引用了本邮箱发出的邮件 {id}"));
        }
    }
    let rest = strip_reply_prefixes(subject)?;
    let tag = OUR_TAGS.iter().find(|t| rest.starts_with(**t))?;
    Some(format!("主题是对本邮箱“{tag}”的回复"))
}

/// The subject after one or more reply prefixes, or `None` when it has none.
fn strip_reply_prefixes(subject: &str) -> Option<&str> {
    let mut rest = subject.trim_start();
    let mut stripped = false;
    'outer: loop {
        for p in PREFIXES {
            let Some(after) = rest
                .get(..p.len())
                .filter(|h| h.eq_ignore_ascii_case(p))
                .and_then(|_| rest.get(p.len()..))
            else {
                continue;
            };
            // Counters some clients add: Re[2]:, 回复(2)：
            let after = after
                .strip_prefix(['[', '(', '（'])
                .map(|a| a.trim_start_matches(|c: char| c.is_ascii_digit()))
                .and_then(|a| a.strip_prefix([']', ')', '）']))
                .unwrap_or(after)
                .trim_start();
            if let Some(a) = after.strip_prefix([':', '：']) {
                rest = a.trim_start();
                stripped = true;
                continue 'outer;
            }
        }
        break;
    }
    stripped.then_some(rest)
}

/// The first `shenbao-reply-<digits>@domain` in a header value.
fn our_id(value: &str) -> Option<String> {
    let mut rest = value;
    while let Some(at) = rest.find(OUR_ID) {
        let tail = rest.get(at..).unwrap_or_default();
        let end = tail
            .find(|c: char| c == '>' || c.is_whitespace() || c == ',')
            .unwrap_or(tail.len());
        let id = tail.get(..end).unwrap_or_default();
        let ok = id
            .get(OUR_ID.len()..)
            .and_then(|s| s.split_once('@'))
            .is_some_and(|(n, d)| {
                !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && !d.is_empty()
            });
        if ok {
            return Some(id.chars().take(200).collect());
        }
        rest = tail.get(OUR_ID.len()..).unwrap_or_default();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subj(s: &str) -> Option<String> {
        answered(std::iter::empty(), s)
    }

    #[test]
    fn reply_subjects_in_every_client_form() {
        for s in [
            "回复：【材料补正通知】2023年天津市质量攻关项目 — 河西区市场监管局",
            "回复: 【受理回执】2023年天津市质量攻关项目 — 和平区市场监管局",
            "答复: 【材料补正通知】2023年天津市质量攻关项目 — 东丽区",
            "RE: 【材料补正通知】…",
            "Re:Re: 【材料补正通知】…",
            "re：【受理回执】…",
            "Re[2]: 【材料补正通知】…",
            "回复(2)：【材料补正通知】…",
            "回复：回复：【催报提醒】…",
            "  Re: 答复: 【受理回执】…",
        ] {
            assert!(subj(s).is_some(), "{s}");
        }
        for s in [
            "【材料补正通知】…",
            "回复：关于申报材料的问题",
            "河西区申报材料（补正）",
            "转发：【材料补正通知】…",
            "Research: 【受理回执】",
            "回复",
        ] {
            assert!(subj(s).is_none(), "{s}");
        }
    }

    #[test]
    fn in_reply_to_or_references_naming_our_message() {
        let h = |n: &'static str, v: &str| vec![(n, v.to_string())];
        assert!(answered(h("In-Reply-To", " <shenbao-reply-12@tj.gov.cn>"), "收到").is_some());
        assert!(
            answered(
                h(
                    "References",
                    " <abc@qq.com>\t<shenbao-reply-7@tj.gov.cn> <x@y>"
                ),
                "好的"
            )
            .is_some()
        );
        assert!(answered(h("In-Reply-To", " <shenbao-reply-x@tj.gov.cn>"), "收到").is_none());
        assert!(answered(h("In-Reply-To", " <tencent_1@qq.com>"), "收到").is_none());
        assert!(answered(h("Message-ID", " <shenbao-reply-3@tj.gov.cn>"), "收到").is_none());
    }

    #[test]
    fn our_tags_are_the_ones_notify_writes() {
        use crate::notify::ReplyKind;
        assert!(OUR_TAGS.contains(&format!("【{}】", ReplyKind::Receipt.tag()).as_str()));
        assert!(OUR_TAGS.contains(&format!("【{}】", ReplyKind::Notice.tag()).as_str()));
        assert_eq!(
            crate::notify::reply_message_id(5, "tj.gov.cn"),
            "shenbao-reply-5@tj.gov.cn"
        );
        assert!(our_id(&crate::notify::reply_message_id(5, "tj.gov.cn")).is_some());
    }
}
