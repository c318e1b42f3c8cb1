//! The reminder (催报提醒) to a unit that has not submitted, or whose materials are not yet
//! complete: what is still missing and the deadline, politely, as one RFC 5322 message.

use super::Letterhead;
use super::compose::{ReplyContext, cn_time, headers, one_line, reply_message_id, usable_address};
use super::mime;

/// What the reminder says.
#[derive(Debug, Clone)]
pub struct Reminder<'a> {
    /// The unit's name.
    pub unit: &'a str,
    /// Nothing received yet (else: received, not complete).
    pub not_submitted: bool,
    /// What it still has to send or fix, one item per line (the problems' own words).
    pub missing: &'a [String],
}

/// A composed reminder.
#[derive(Debug, Clone)]
pub struct Composed {
    /// Decoded subject.
    pub subject: String,
    /// `Message-ID` without brackets (the reply format, so bounces find the row).
    pub message_id: String,
    /// The whole message.
    pub raw: Vec<u8>,
}

/// The reminder to `to`; None when the address cannot be used in a header.
pub fn compose(
    r: &Reminder<'_>,
    to: &str,
    letterhead: &Letterhead,
    ctx: &ReplyContext,
) -> Option<Composed> {
    if !usable_address(to) {
        return None;
    }
    let (subject, text) = words(r, letterhead, ctx);
    Some(on_initiative(to, subject, &text, ctx))
}

/// A message sent on the division's initiative, not in answer (a reminder, the digest): plain
/// text with its HTML twin, marked RFC 3834 auto-generated so auto-responders stay quiet.
pub(super) fn on_initiative(to: &str, subject: String, text: &str, ctx: &ReplyContext) -> Composed {
    let html = format!(
        "<html><body><pre style=\"font-family:sans-serif;white-space:pre-wrap\">{}</pre></body></html>",
        mime::escape_html(text)
    );
    let message_id = reply_message_id(ctx.row_id, &ctx.domain);
    let mut h = headers(ctx, to, &subject, &message_id);
    h += "Auto-Submitted: auto-generated\r\n";
    h += "X-Auto-Response-Suppress: All\r\n";
    let boundary = format!("=_shenbao_{}_alt", ctx.row_id);
    let raw = mime::alternative(&h, &boundary, text, &html);
    Composed {
        subject,
        message_id,
        raw,
    }
}

/// The reminder's subject and plain text, as sent (a preview shows them before sending).
pub fn words(r: &Reminder<'_>, letterhead: &Letterhead, ctx: &ReplyContext) -> (String, String) {
    let unit = one_line(r.unit);
    let name = one_line(&letterhead.campaign);
    let subject = format!("【催报提醒】{name} — {unit}");
    let tz = letterhead.deadline.timezone();
    let today = ctx.now.with_timezone(&tz);
    let days = ((letterhead.deadline - ctx.now).num_hours().max(0) as u64).div_ceil(24);
    let mut text = format!(
        "{unit}：\n\n您好！{name}的申报截止时间为{}（还有约 {days} 天）。\n\n",
        cn_time(letterhead.deadline)
    );
    if r.not_submitted {
        text += &format!(
            "截至{}，本邮箱尚未收到贵单位的申报材料。请按通知要求，将每个项目的《立项申报表》（附件1）和本单位的《立项申报汇总表》（附件2），各附盖章扫描版和Word版，发送至 {}。\n",
            today.format("%Y年%-m月%-d日 %H:%M"),
            letterhead.mailbox
        );
    } else {
        text += "贵单位已报送的申报材料尚不完整，还需：\n";
        for (i, m) in r.missing.iter().enumerate() {
            text += &format!("  {}. {}\n", i + 1, one_line(m));
        }
        text += "\n请补齐后回复本邮箱，补充的材料会与此前报送的材料合并审核。\n";
    }
    text += &format!(
        "\n如已在近期报送，请忽略本提醒。本邮件由系统自动发送，每个单位每天至多一封。{}\n\n",
        letterhead.contact_line()
    );
    let office = one_line(&ctx.from_name);
    text += &format!("{office}\n{}\n", today.format("%Y年%-m月%-d日"));
    (subject, text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use mail_parser::MessageParser;

    fn ctx(cfg: &Config) -> ReplyContext {
        let mut c = ReplyContext::of(&cfg.letterhead(), 41, cfg.letterhead().deadline);
        c.now = cfg.letterhead().deadline - chrono::Duration::hours(50);
        c
    }

    #[test]
    fn lists_what_is_missing_and_marks_itself_automatic() {
        let cfg = Config::load(None).unwrap();
        let missing = vec![
            "未收到汇总表盖章版。".to_string(),
            "申报表缺少\n联系人。".to_string(),
        ];
        let r = Reminder {
            unit: "河东区市场监管局",
            not_submitted: false,
            missing: &missing,
        };
        let c = compose(&r, "hd@example.test", &cfg.letterhead(), &ctx(&cfg)).unwrap();
        let m = MessageParser::default().parse(&c.raw).unwrap();
        assert_eq!(m.subject(), Some(c.subject.as_str()));
        assert!(c.subject.contains("催报提醒") && c.subject.contains("河东区市场监管局"));
        assert_eq!(
            m.header_raw("Auto-Submitted").map(str::trim),
            Some("auto-generated")
        );
        assert_eq!(
            m.message_id(),
            Some(reply_message_id(41, "tj.gov.cn").as_str())
        );
        let body = m.body_text(0).unwrap();
        assert!(body.contains("1. 未收到汇总表盖章版。"), "{body}");
        // A line break in a problem stays inside its item.
        assert!(body.contains("2. 申报表缺少 联系人。"), "{body}");
        assert!(body.contains("还有约 3 天"), "{body}");
        assert!(
            body.contains("请与我处联系（联系人：郭丽坤、陈莹"),
            "{body}"
        );
    }

    #[test]
    fn a_unit_that_sent_nothing_is_told_what_to_send() {
        let cfg = Config::load(None).unwrap();
        let r = Reminder {
            unit: "南开区市场监管局",
            not_submitted: true,
            missing: &[],
        };
        let c = compose(&r, "nk@example.test", &cfg.letterhead(), &ctx(&cfg)).unwrap();
        let m = MessageParser::default().parse(&c.raw).unwrap();
        let body = m.body_text(0).unwrap();
        assert!(body.contains("尚未收到贵单位的申报材料"), "{body}");
        assert!(body.contains(&cfg.letterhead().mailbox), "{body}");
    }

    #[test]
    fn an_address_that_could_inject_headers_gets_nothing() {
        let cfg = Config::load(None).unwrap();
        let r = Reminder {
            unit: "x",
            not_submitted: true,
            missing: &[],
        };
        for bad in ["a@b\r\nBcc: c@d", "no-at-sign", "<a@b>"] {
            assert!(
                compose(&r, bad, &cfg.letterhead(), &ctx(&cfg)).is_none(),
                "{bad}"
            );
        }
    }
}
