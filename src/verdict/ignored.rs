//! Mail that gets no automatic answer: automatic mail, our own, replies to our own mail that
//! bring no material, and questions. The reason is kept for the division; the status lists
//! the ones a person should answer (reasons not matching [`NOTHING_TO_ANSWER`]).

use crate::forms::classify::{Content, Reading};
use crate::message::{Email, FileKind, is_question, own_text};

/// Opens the reason of a reply to our mail that asks nothing: nobody needs to answer it, so
/// the status leaves it out of the questions.
pub const NOTHING_TO_ANSWER: &str = "回复本邮箱的回执或通知，无附件、未提问";

/// Why `email` gets no automatic answer, if it gets none.
pub(super) fn reason(email: &Email, readings: &[Reading], mailbox: &str) -> Option<String> {
    if let Some(auto) = &email.automatic {
        return Some(format!("自动邮件：{}", auto.reason));
    }
    let ours = |a: &Option<String>| {
        a.as_deref()
            .is_some_and(|a| a.eq_ignore_ascii_case(mailbox))
    };
    if !mailbox.is_empty() && ours(&email.from) {
        return Some("本邮箱自身发出的邮件".to_string());
    }
    if let Some(how) = &email.answers_ours
        && !brings_material(email, readings)
    {
        // Judged on the sender's own words: our quoted notice says "是否受理".
        let own = own_text(&email.body_text);
        return Some(if is_question("", &own) {
            format!("回复本邮箱的回执或通知并提出问题，请工作人员答复（{how}）")
        } else {
            format!("{NOTHING_TO_ANSWER}，无需答复（{how}）")
        });
    }
    if email.attachments.is_empty() && is_question(&email.subject, &email.body_text) {
        return Some("无附件的咨询邮件，请工作人员答复".to_string());
    }
    None
}

/// Whether a message carries anything that could be submission material. Small images that
/// were read as no form (signature logos Outlook and Foxmail attach to every message) are not;
/// any other file is, even an unreadable one: the sender must hear what was wrong with it.
fn brings_material(email: &Email, readings: &[Reading]) -> bool {
    email.attachments.iter().enumerate().any(|(i, a)| {
        let decoration = matches!(a.kind, FileKind::Jpeg | FileKind::Png)
            && a.problem.is_none()
            && readings.get(i).is_some_and(|r| {
                r.form.is_none() && r.problem.is_none() && matches!(r.content, Content::Scan(_))
            });
        !decoration
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::{FormKind, ScanInfo};
    use crate::message::{Attachment, Automatic};

    fn att(name: &str, kind: FileKind) -> Attachment {
        Attachment {
            name: name.into(),
            container: None,
            data: vec![1],
            kind,
            problem: None,
        }
    }

    fn read(form: Option<FormKind>, content: Content) -> Reading {
        Reading {
            form,
            version: None,
            content,
            problem: None,
        }
    }

    fn reply(body: &str) -> Email {
        Email {
            from: Some("hx@tj.gov.cn".into()),
            subject: "回复：【材料补正通知】…".into(),
            body_text: body.into(),
            answers_ours: Some("主题是对本邮箱“【材料补正通知】”的回复".into()),
            ..Email::default()
        }
    }

    const BOX: &str = "scjgzlfzc@tj.gov.cn";

    #[test]
    fn replies_without_material_are_ignored_with_the_right_reason() {
        let r = reason(&reply("收到，谢谢"), &[], BOX).unwrap_or_default();
        assert!(r.starts_with(NOTHING_TO_ANSWER), "{r}");
        let r = reason(&reply("盖章版可以下周交吗"), &[], BOX).unwrap_or_default();
        assert!(r.contains("提出问题"), "{r}");
        // Our quoted notice asks nothing on the sender's behalf.
        let quoted = "好的\n-----原始邮件-----\n逾期材料是否受理";
        let r = reason(&reply(quoted), &[], BOX).unwrap_or_default();
        assert!(r.starts_with(NOTHING_TO_ANSWER), "{r}");
    }

    #[test]
    fn material_keeps_a_reply_a_submission() {
        let mut e = reply("补正材料见附件");
        e.attachments = vec![att("image001.png", FileKind::Png)];
        let logo = read(None, Content::Scan(ScanInfo::default()));
        assert!(reason(&e, std::slice::from_ref(&logo), BOX).is_some());
        e.attachments = vec![att("汇总表.pdf", FileKind::Pdf)];
        let scan = read(Some(FormKind::Summary), Content::Scan(ScanInfo::default()));
        assert!(reason(&e, std::slice::from_ref(&scan), BOX).is_none());
        e.attachments = vec![att("汇总表.jpg", FileKind::Jpeg)];
        assert!(reason(&e, &[scan], BOX).is_none());
        e.attachments = vec![att("材料.rar", FileKind::Rar)];
        assert!(reason(&e, &[read(None, Content::None)], BOX).is_none());
    }

    #[test]
    fn automatic_and_own_mail_come_first() {
        let mut e = reply("收到");
        e.automatic = Some(Automatic {
            reason: "X-Autoreply: yes".into(),
        });
        assert!(reason(&e, &[], BOX).is_some_and(|r| r.starts_with("自动邮件")));
        let mut e = reply("收到");
        e.from = Some(BOX.into());
        assert_eq!(
            reason(&e, &[], BOX).as_deref(),
            Some("本邮箱自身发出的邮件")
        );
    }
}
