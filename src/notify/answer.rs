//! A clerk's answer to a question (`decide answer`, the web desk): the clerk's own text as a
//! reply to the message, threaded with `In-Reply-To`, signed by the office.

use super::Letterhead;
use super::compose::{NoReply, Reply, ReplyContext, ReplyKind, answer, one_line, recipient};
use super::mime::escape_html;
use crate::message::Email;

/// The answer to `email` carrying `text`, or why it cannot be sent.
pub fn compose(
    email: &Email,
    text: &str,
    letterhead: &Letterhead,
    ctx: &ReplyContext,
) -> Result<Reply, NoReply> {
    let to = recipient(email, letterhead, ctx)?;
    let asked = one_line(&email.subject);
    let subject = if asked.is_empty() {
        format!(
            "【{}】{}",
            ReplyKind::Answer.tag(),
            one_line(&letterhead.campaign)
        )
    } else if asked.starts_with("Re:") || asked.starts_with("回复") {
        asked
    } else {
        format!("Re: {asked}")
    };
    let office = match one_line(&ctx.from_name) {
        o if o.is_empty() => one_line(&letterhead.campaign),
        o => o,
    };
    let date = ctx
        .now
        .with_timezone(&letterhead.deadline.timezone())
        .format("%Y年%-m月%-d日")
        .to_string();
    let body = text.replace("\r\n", "\n");
    let contact = letterhead.contact_line();
    let plain = format!(
        "您好！\n\n{}\n\n{contact}\n\n{office}\n{date}\n",
        body.trim_end()
    );
    let paragraphs: String = body
        .trim_end()
        .split('\n')
        .map(|l| format!("{}<br>", escape_html(l)))
        .collect();
    let html = format!(
        "<!DOCTYPE html><html><body><p>您好！</p><p>{paragraphs}</p><p>{}</p><p>{}<br>{}</p></body></html>",
        escape_html(&contact),
        escape_html(&office),
        escape_html(&date)
    );
    Ok(answer(
        email,
        ctx,
        ReplyKind::Answer,
        to,
        subject,
        plain,
        html,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;

    #[test]
    fn the_answer_threads_under_the_question_and_carries_the_text_escaped() {
        let at = DateTime::parse_from_rfc3339("2023-04-20T10:00:00+08:00").unwrap();
        let letterhead = Letterhead {
            campaign: "质量提升项目".into(),
            office: "质量发展处".into(),
            mailbox: "zl@tj.gov.cn".into(),
            deadline: at,
            contact: String::new(),
            notice: None,
        };
        let ctx = ReplyContext::of(&letterhead, 7, at);
        let email = Email {
            message_id: Some("q1@qq.com".into()),
            from: Some("a@qq.com".into()),
            subject: "请问截止时间".into(),
            ..Email::default()
        };
        let r = compose(&email, "截止时间为5月1日。<b>", &letterhead, &ctx).unwrap();
        let raw = String::from_utf8_lossy(&r.raw);
        assert!(raw.contains("In-Reply-To: <q1@qq.com>"), "{raw}");
        assert_eq!(r.to, "a@qq.com");
        assert!(r.text.contains("截止时间为5月1日。"));
        assert!(r.html.contains("&lt;b&gt;"));
        assert_eq!(r.kind, ReplyKind::Answer);
    }
}
