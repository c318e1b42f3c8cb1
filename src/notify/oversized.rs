//! The notice to a sender whose email was over the size limit: it could not be taken at all,
//! so nothing in it was read; the sender learns the limit and how to send the materials in
//! several smaller emails. The same rules as every reply decide whether it goes at all
//! (automatic mail, our own address, the daily cap).

use super::Letterhead;
use super::compose::{
    NoReply, Reply, ReplyContext, ReplyKind, answer, cn_time, one_line, recipient,
};
use super::mime;
use crate::message::Email;

/// Megabytes for people, one decimal.
fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
}

/// Whom the notice for `email` goes to, or why there is none: decided without composing it.
pub fn addressee(
    email: &Email,
    letterhead: &Letterhead,
    ctx: &ReplyContext,
) -> Result<String, NoReply> {
    recipient(email, letterhead, ctx)
}

/// The notice for `email` (read from its header only), `size` bytes against `limit`.
pub fn compose_oversized(
    email: &Email,
    size: u64,
    limit: u64,
    letterhead: &Letterhead,
    ctx: &ReplyContext,
) -> Result<Reply, NoReply> {
    let to = recipient(email, letterhead, ctx)?;
    let kind = ReplyKind::Oversized;
    let name = one_line(&letterhead.campaign);
    let subject = format!("【{}】{name}", kind.tag());
    let tz = letterhead.deadline.timezone();
    let salutation = email
        .from_name
        .as_deref()
        .map(one_line)
        .filter(|n| !n.is_empty())
        .map(|n| format!("{n}：您好！"))
        .unwrap_or_else(|| "您好！".to_string());
    let quoted = one_line(&email.subject);
    let quoted = if quoted.is_empty() {
        String::new()
    } else {
        format!("主题为“{quoted}”的")
    };
    let office = one_line(&ctx.from_name);
    let mut text = format!(
        "{salutation}\n\n本邮箱于{}收到您{quoted}邮件，大小约 {}，超过了本系统可接收的单封邮件上限 {}，邮件内容未能读取，申报材料尚未受理。\n\n",
        cn_time(ctx.received.with_timezone(&tz)),
        megabytes(size),
        megabytes(limit)
    );
    text += "请将申报材料分成几封邮件重新发送，每封不超过上述上限：例如汇总表一封、每个项目的申报表各一封；扫描件可用 150 dpi 左右的分辨率扫描，以减小文件。分批发送的材料会合并审核，每封邮件的邮件正文或附件中请写明推荐单位名称。\n\n";
    text += &format!(
        "申报截止时间：{}。本邮件由系统自动发送。{}\n\n",
        cn_time(letterhead.deadline),
        letterhead.contact_line()
    );
    text += &format!(
        "{}\n{}\n",
        if office.is_empty() {
            name.clone()
        } else {
            office
        },
        ctx.now.with_timezone(&tz).format("%Y年%-m月%-d日")
    );
    let html = format!(
        "<html><body><pre style=\"font-family:sans-serif;white-space:pre-wrap\">{}</pre></body></html>",
        mime::escape_html(&text)
    );
    Ok(answer(email, ctx, kind, to, subject, text, html))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::message::{Limits, parse_email};

    #[test]
    fn the_sender_learns_the_limit_and_to_split_automatic_mail_gets_nothing() {
        let cfg = Config::load(None).unwrap();
        let header = "From: =?UTF-8?B?5byg5LiJ?= <zhang@example.test>\r\n\
            Subject: =?UTF-8?B?55Sz5oql5p2Q5paZ?=\r\nMessage-ID: <big-1@example.test>\r\n\r\n";
        let email = parse_email(header.as_bytes(), &Limits::default());
        let ctx = ReplyContext::of(&cfg.letterhead(), 7, chrono::Local::now().fixed_offset());
        let r = compose_oversized(&email, 80 << 20, 64 << 20, &cfg.letterhead(), &ctx).unwrap();
        assert_eq!(r.to, "zhang@example.test");
        assert!(r.text.contains("80.0 MB"), "{}", r.text);
        assert!(r.text.contains("64.0 MB"), "{}", r.text);
        assert!(r.text.contains("分成几封邮件"), "{}", r.text);
        assert!(r.text.contains("请与我处联系（联系人："), "{}", r.text);
        assert!(r.text.contains("申报材料"), "{}", r.text);
        let raw = String::from_utf8_lossy(&r.raw);
        assert!(raw.contains("In-Reply-To: <big-1@example.test>"), "{raw}");
        assert!(raw.contains("Auto-Submitted: auto-replied"), "{raw}");
        let auto = "From: a@example.test\r\nAuto-Submitted: auto-replied\r\n\r\n";
        let email = parse_email(auto.as_bytes(), &Limits::default());
        assert_eq!(
            compose_oversized(&email, 1, 0, &cfg.letterhead(), &ctx).err(),
            Some(NoReply::Automatic)
        );
    }
}
