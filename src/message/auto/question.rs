//! Whether a human message asks something, so staff should answer it.

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
