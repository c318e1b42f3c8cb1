//! Automatic mail told by what it says rather than by RFC 3834 headers, which Chinese providers
//! often leave out: Coremail (163/126/government mail) vacation replies and plain-mail bounces
//! (系统退信), QQ Mail and Tencent Exmail vacation replies, Aliyun mail, Outlook's 自动答复.
//!
//! The subject and body markers decide; the providers' own headers (X-Mailer: Coremail…,
//! X-QQ-*, X-Coremail-*, X-CM-*, …) only strengthen the weaker body phrases, because they are on
//! every message those providers send, human submissions included.

/// Auto-reply subject markers, as the first word of the subject (followed by a colon, a space,
/// a bracket or nothing) or in brackets at either end: `自动回复: …`, `(自动回复)Re: …`,
/// `自动答复: …` (Outlook), `Automatic reply: …`.
const AUTO_REPLY: &[&str] = &[
    "自动回复",
    "自动答复",
    "自動回覆",
    "自動回復",
    "自动应答",
    "假期自动回复",
    "休假自动回复",
    "外出自动回复",
    "Automatic reply",
    "Auto reply",
    "Auto-reply",
    "Autoreply",
    "Auto Response",
    "Auto-Response",
    "AutoResponse",
    "Out of Office",
    "Out of the Office",
    "Auto:",
];

/// Non-delivery reports sent as plain mail (Coremail's 系统退信, Exchange's 未送达, …) and
/// read or delivery receipts (已读: …): machines talking, nobody to answer.
const REPORT: &[&str] = &[
    "系统退信",
    "退信通知",
    "退信",
    "邮件退信",
    "邮件被退回",
    "退回的邮件",
    "投递失败",
    "邮件投递失败",
    "邮件发送失败",
    "发送失败通知",
    "投递状态通知",
    "未送达",
    "无法送达",
    "无法投递",
    "已读",
    "已读回执",
    "未读",
    "已送达",
    "已传递",
    "Undeliverable",
    "Undelivered Mail",
    "Undelivered",
    "Delivery Status Notification",
    "Delivery Failure",
    "Delivery failed",
    "Mail delivery failed",
    "Mail Delivery Failure",
    "Returned mail",
    "Failure notice",
    "Non-delivery",
    "Read:",
    "Not read:",
    "Delivered:",
];

/// What may follow a leading marker.
const AFTER: &[char] = &[
    ':', '：', ' ', '\u{3000}', '/', '-', '—', '(', '（', '[', '【', '<', '《', '!', '！', ',',
    '，',
];
const OPEN: &[char] = &['(', '（', '[', '【', '<', '〔', '「'];
const CLOSE: &[char] = &[')', '）', ']', '】', '>', '〕', '」'];

/// The marker a subject opens (or closes, bracketed) with.
pub(super) fn subject_marker(subject: &str) -> Option<&'static str> {
    let s = subject.trim();
    AUTO_REPLY.iter().chain(REPORT).copied().find(|m| {
        leads(s, m)
            || s.strip_prefix(OPEN)
                .and_then(|r| strip_ci(r, m))
                .is_some_and(|r| r.starts_with(CLOSE))
            || s.strip_suffix(CLOSE)
                .and_then(|r| strip_suffix_ci(r, m))
                .is_some_and(|r| r.ends_with(OPEN))
    })
}

fn leads(s: &str, marker: &str) -> bool {
    strip_ci(s, marker)
        .is_some_and(|rest| marker.ends_with(':') || rest.is_empty() || rest.starts_with(AFTER))
}

fn strip_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| s.get(prefix.len()..))
        .flatten()
}

fn strip_suffix_ci<'a>(s: &'a str, suffix: &str) -> Option<&'a str> {
    let at = s.len().checked_sub(suffix.len())?;
    let tail = s.get(at..)?;
    tail.eq_ignore_ascii_case(suffix)
        .then(|| s.get(..at))
        .flatten()
}

/// Phrases only machines write; each decides alone. Compared with whitespace and punctuation
/// removed, so `很抱歉，您的邮件没有发送成功` and `很抱歉您的邮件没有发送成功` are one.
const MACHINE_ONLY: &[&str] = &[
    // QQ Mail: 这是来自QQ邮箱的假期自动回复邮件。/ 这是来自QQ邮箱的自动回复邮件。
    "来自qq邮箱的假期自动回复",
    "来自qq邮箱的自动回复",
    "来自腾讯企业邮箱的假期自动回复",
    "来自腾讯企业邮箱的自动回复",
    "这是一封自动回复邮件",
    "此邮件为自动回复",
    "本邮件为自动回复",
    "此为自动回复邮件",
    "该邮件为自动回复",
    // Coremail (163/126/government) bounces sent as plain mail.
    "很抱歉您的邮件没有发送成功",
    "抱歉您的邮件被退回来了",
    "您的邮件被退回来了",
    "thismessageisgeneratedbycoremail",
    "来自coremail专业邮件系统的信件",
    "thisisanautomaticallygenerateddeliverystatusnotification",
    "thisisanautomaticreply",
    "thisisanautoreply",
];

/// Phrases auto-replies and bounces use but a person might write too ("邮件已收到", "邮件无法投
/// 递"); they count only beside a provider's header or a system sender, in a short message
/// that asks nothing and carries no file of its own.
const LIKELY: &[&str] = &[
    "正在休假",
    "休假中",
    "假期中",
    "出差中",
    "外出中",
    "不在办公室",
    "无法及时回复",
    "无法亲自回复",
    "不能及时回复",
    "暂时无法回复",
    "无法及时查看",
    "不能及时查看",
    "尽快给您回复",
    "尽快回复您",
    "会尽快回复",
    "将尽快回复",
    "您的邮件已收到",
    "您的来信已收到",
    "来信已收到",
    "邮件已收到",
    "已收到您的邮件",
    "邮件无法投递",
    "无法投递",
    "投递失败",
    "退信原因",
    "发送失败",
    "未能送达",
    "无法送达",
    "被退回",
    "收件人不存在",
    "用户不存在",
    "邮箱不存在",
    "outofoffice",
    "outoftheoffice",
    "onvacation",
    "couldnotbedelivered",
    "undeliverable",
    "deliveryhasfailed",
    "userunknown",
];

/// How much of the sender's own text a likely phrase may sit in.
const LIKELY_MAX_CHARS: usize = 1_000;

/// Text with whitespace and punctuation removed, ASCII lower-cased, for phrase matching.
pub(super) fn squash(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .take(40_000)
        .collect()
}

pub(super) fn machine_phrase(squashed: &str) -> Option<&'static str> {
    MACHINE_ONLY.iter().copied().find(|p| squashed.contains(p))
}

pub(super) fn likely_phrase(squashed: &str) -> Option<&'static str> {
    if squashed.chars().count() > LIKELY_MAX_CHARS {
        return None;
    }
    LIKELY.iter().copied().find(|p| squashed.contains(p))
}

/// The header that says which provider's system wrote the message, if any.
pub(super) fn provider_header(name: &str, value: &str) -> Option<String> {
    let n = name.trim().to_ascii_lowercase();
    let v = value.trim();
    let lv = v.to_ascii_lowercase();
    let by_name = [
        "x-qq-",
        "x-coremail-",
        "x-cm-",
        "x-ntes-",
        "x-alimail",
        "x-tencent",
    ]
    .iter()
    .any(|p| n.starts_with(p));
    let mailer = n == "x-mailer"
        && [
            "coremail", "qqmail", "foxmail", "netease", "alimail", "aliyun", "exmail", "tencent",
        ]
        .iter()
        .any(|m| lv.contains(m));
    (by_name || mailer).then(|| {
        let short: String = v.chars().take(40).collect();
        format!("{}: {short}", name.trim())
    })
}

/// A sender that is a mail system rather than a person (the system's own display name or
/// address), which strengthens a likely phrase as a provider header does.
pub(super) fn system_sender(from: &str) -> bool {
    let f = from.to_lowercase();
    [
        "系统管理员",
        "系统邮件",
        "邮件系统",
        "system administrator",
        "mail delivery",
    ]
    .iter()
    .any(|n| f.contains(n))
        || [
            "admin",
            "administrator",
            "system",
            "noreply",
            "no-reply",
            "donotreply",
        ]
        .iter()
        .any(|l| f.contains(&format!("<{l}@")) || f.trim().starts_with(&format!("{l}@")))
}
