//! The division's daily digest (每日汇总): what came in since the last one, which units still
//! have problems and what they are, which expected units have sent nothing, and the days to
//! the deadline, as one RFC 5322 message to the division's own addresses. Pure: the division
//! gathers the facts ([`Digest`]), this stage words them.

use super::Letterhead;
use super::compose::{ReplyContext, cn_time, one_line, usable_address};
pub use super::reminder::Composed;
use chrono::{DateTime, FixedOffset, NaiveTime};

/// When and to whom the digest goes (`[division]`, converted by the configuration).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestSettings {
    /// The division's addresses; the digest goes to each.
    pub to: Vec<String>,
    /// Time of day (the campaign's time zone) before which no digest goes out.
    pub at: NaiveTime,
}

/// The facts of one digest, in display form.
#[derive(Debug, Clone)]
pub struct Digest {
    /// When it is composed (the campaign's time zone): "as of" in the text.
    pub now: DateTime<FixedOffset>,
    /// When the previous digest went out; None for the first, which covers everything.
    pub since: Option<DateTime<FixedOffset>>,
    /// Submissions (judged accepted or rejected) recorded since then, in order.
    pub new: Vec<NewMail>,
    /// Other mail recorded since then that no unit's materials came with: no automatic
    /// answer (questions, automatic mail) and mail that could not be processed.
    pub others: Others,
    /// Units whose materials still have errors, with what they are.
    pub open: Vec<OpenUnit>,
    /// Expected units that have sent nothing.
    pub not_submitted: Vec<String>,
    /// The time of day it is sent, named in its closing line.
    pub at: NaiveTime,
}

/// One submission in the digest.
#[derive(Debug, Clone)]
pub struct NewMail {
    /// Arrival (the campaign's time zone).
    pub arrival: DateTime<FixedOffset>,
    /// The unit it counted for, when one was recognised.
    pub unit: Option<String>,
    /// The sender's address.
    pub sender: String,
    /// Its verdict in the division's words (已受理, 需补正).
    pub verdict: String,
    /// The receipt number, once issued.
    pub receipt: Option<String>,
}

/// Mail since the last digest that was no submission.
#[derive(Debug, Clone, Copy, Default)]
pub struct Others {
    /// No automatic answer (questions for staff, automatic mail, replies to our own).
    pub ignored: usize,
    /// Could not be processed at all.
    pub failed: usize,
}

/// A unit with open problems.
#[derive(Debug, Clone)]
pub struct OpenUnit {
    /// The unit's name.
    pub name: String,
    /// Where it stands, in the division's words (材料不全, …).
    pub standing: String,
    /// Each open problem, as the unit was told.
    pub problems: Vec<String>,
}

/// The digest to `to`; None when the address cannot be used in a header.
pub fn compose(
    d: &Digest,
    to: &str,
    letterhead: &Letterhead,
    ctx: &ReplyContext,
) -> Option<Composed> {
    if !usable_address(to) {
        return None;
    }
    let (subject, text) = words(d, letterhead);
    Some(super::reminder::on_initiative(to, subject, &text, ctx))
}

/// The digest's subject and plain text.
pub fn words(d: &Digest, letterhead: &Letterhead) -> (String, String) {
    let name = one_line(&letterhead.campaign);
    let subject = format!("【每日汇总】{name} — {}", d.now.format("%Y年%-m月%-d日"));
    let deadline = letterhead.deadline;
    let mut text = format!(
        "{}：\n\n{name}申报情况（截至{}）。\n",
        one_line(&letterhead.office),
        cn_time(d.now)
    );
    if d.now < deadline {
        let days = letterhead.days_left(d.now);
        text += &format!(
            "申报截止时间为{}，距截止还有 {days} 天。\n",
            cn_time(deadline)
        );
    } else {
        text += &format!("申报已于{}截止。\n", cn_time(deadline));
    }
    let since = match d.since {
        Some(t) => format!("自{}以来", cn_time(t)),
        None => "开始受理以来".to_string(),
    };
    text += &format!("\n一、新收到的申报邮件（{since}）：{} 封\n", d.new.len());
    for (i, m) in d.new.iter().enumerate() {
        let unit = m.unit.as_deref().map_or("未识别单位".to_string(), one_line);
        let receipt = m
            .receipt
            .as_deref()
            .map(|r| format!("  回执 {}", one_line(r)))
            .unwrap_or_default();
        text += &format!(
            "  {}. {}  {unit}  {}{receipt}（{}）\n",
            i + 1,
            m.arrival.format("%-m月%-d日 %H:%M"),
            one_line(&m.verdict),
            one_line(&m.sender)
        );
    }
    let others: Vec<String> = [
        ("未自动答复的邮件", d.others.ignored),
        ("无法处理的邮件", d.others.failed),
    ]
    .into_iter()
    .filter(|(_, n)| *n > 0)
    .map(|(what, n)| format!("{what} {n} 封"))
    .collect();
    if !others.is_empty() {
        text += &format!(
            "  另有{}，请用 shenbao status 或网页工作台查看。\n",
            others.join("、")
        );
    }
    text += &format!("\n二、材料尚有问题的单位：{} 个\n", d.open.len());
    for (i, u) in d.open.iter().enumerate() {
        text += &format!("  {}. {}（{}）\n", i + 1, one_line(&u.name), u.standing);
        for p in &u.problems {
            text += &format!("     - {}\n", one_line(p));
        }
    }
    text += &format!("\n三、尚未提交的应报单位：{} 个\n", d.not_submitted.len());
    if !d.not_submitted.is_empty() {
        let names: Vec<String> = d.not_submitted.iter().map(|n| one_line(n)).collect();
        text += &format!("  {}\n", names.join("、"));
    }
    text += &format!(
        "\n本邮件由申报邮箱自动受理系统每天 {} 后发送一次（配置 [division] digest_to）。\n",
        d.at.format("%H:%M")
    );
    (subject, text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use mail_parser::MessageParser;

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    fn fixture() -> Digest {
        Digest {
            now: at("2023-04-26T08:30:00+08:00"),
            since: Some(at("2023-04-25T08:30:00+08:00")),
            new: vec![
                NewMail {
                    arrival: at("2023-04-25T09:00:00+08:00"),
                    unit: Some("和平区市场监管局".into()),
                    sender: "hp@tj.gov.cn".into(),
                    verdict: "已受理".into(),
                    receipt: Some("ZLGG2023-001".into()),
                },
                NewMail {
                    arrival: at("2023-04-25T14:05:00+08:00"),
                    unit: None,
                    sender: "someone@qq.com".into(),
                    verdict: "需补正".into(),
                    receipt: None,
                },
            ],
            others: Others {
                ignored: 2,
                failed: 1,
            },
            open: vec![OpenUnit {
                name: "河东区市场监管局".into(),
                standing: "材料不全".into(),
                problems: vec!["未收到汇总表盖章版。".into(), "申报表缺少\n联系人。".into()],
            }],
            not_submitted: vec!["南开区市场监管局".into(), "河北区市场监管局".into()],
            at: NaiveTime::from_hms_opt(8, 30, 0).unwrap(),
        }
    }

    #[test]
    fn says_what_came_in_what_is_open_who_is_missing_and_the_days_left() {
        let cfg = Config::load(None).unwrap();
        let (subject, text) = words(&fixture(), &cfg.letterhead());
        assert_eq!(
            subject,
            "【每日汇总】2023年天津市质量攻关项目 — 2023年4月26日"
        );
        for want in [
            "截至2023年4月26日 08:30",
            "距截止还有 3 天",
            "一、新收到的申报邮件（自2023年4月25日 08:30以来）：2 封",
            "1. 4月25日 09:00  和平区市场监管局  已受理  回执 ZLGG2023-001（hp@tj.gov.cn）",
            "2. 4月25日 14:05  未识别单位  需补正（someone@qq.com）",
            "未自动答复的邮件 2 封、无法处理的邮件 1 封",
            "二、材料尚有问题的单位：1 个",
            "1. 河东区市场监管局（材料不全）",
            "- 未收到汇总表盖章版。",
            "- 申报表缺少 联系人。",
            "三、尚未提交的应报单位：2 个",
            "南开区市场监管局、河北区市场监管局",
            "每天 08:30 后发送一次",
        ] {
            assert!(text.contains(want), "no “{want}” in:\n{text}");
        }
    }

    #[test]
    fn the_first_covers_everything_and_after_the_deadline_says_so() {
        let cfg = Config::load(None).unwrap();
        let mut d = fixture();
        d.since = None;
        d.now = at("2023-05-02T08:30:00+08:00");
        d.new.clear();
        d.others.failed = 0;
        let (_, text) = words(&d, &cfg.letterhead());
        assert!(text.contains("另有未自动答复的邮件 2 封，请用"), "{text}");
        assert!(text.contains("开始受理以来）：0 封"), "{text}");
        assert!(text.contains("申报已于2023年4月28日 23:59截止"), "{text}");
    }

    #[test]
    fn composed_as_automatic_mail_to_a_usable_address_only() {
        let cfg = Config::load(None).unwrap();
        let ctx = ReplyContext::of(&cfg.letterhead(), 12, at("2023-04-26T08:30:00+08:00"));
        let c = compose(&fixture(), "zlfzc@tj.gov.cn", &cfg.letterhead(), &ctx).unwrap();
        let m = MessageParser::default().parse(&c.raw).unwrap();
        assert_eq!(m.subject(), Some(c.subject.as_str()));
        assert_eq!(
            m.header_raw("Auto-Submitted").map(str::trim),
            Some("auto-generated")
        );
        assert!(m.body_text(0).unwrap().contains("河东区市场监管局"));
        assert!(compose(&fixture(), "a@b\r\nBcc: c@d", &cfg.letterhead(), &ctx).is_none());
    }
}
