//! Mail that gets no automatic answer: automatic mail, our own, replies to our own mail that
//! bring no material, and questions. The reason is kept for the division as a stable code
//! ([`IgnoredReason`]) with the detail that goes with it; the status lists the ones a person
//! should answer ([`IgnoredReason::needs_answer`]).

use crate::forms::classify::{Content, Reading};
use crate::message::{Email, FileKind, is_question, own_text};
use serde::{Deserialize, Serialize};

/// Why an email gets no automatic answer. Stored as its serde name (`automatic`, `own_mail`,
/// …); the wording people read is [`IgnoredReason::label`], so rewording it changes no record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IgnoredReason {
    /// An auto-reply, a delivery report, a mailing list: the detail says which header.
    Automatic,
    /// Sent from the campaign mailbox itself.
    OwnMail,
    /// A reply to our receipt or notice that asks something: staff answer it.
    ReplyWithQuestion,
    /// A reply to our receipt or notice that brings nothing and asks nothing.
    ReplyNothingToAnswer,
    /// A question without attachments: staff answer it.
    Question,
}

impl IgnoredReason {
    /// The reason in the division's words.
    pub fn label(self) -> &'static str {
        match self {
            IgnoredReason::Automatic => "自动邮件",
            IgnoredReason::OwnMail => "本邮箱自身发出的邮件",
            IgnoredReason::ReplyWithQuestion => "回复本邮箱的回执或通知并提出问题，请工作人员答复",
            IgnoredReason::ReplyNothingToAnswer => {
                "回复本邮箱的回执或通知，无附件、未提问，无需答复"
            }
            IgnoredReason::Question => "无附件的咨询邮件，请工作人员答复",
        }
    }

    /// Whether a person should answer such an email (the status lists it as a question).
    pub fn needs_answer(self) -> bool {
        match self {
            IgnoredReason::ReplyWithQuestion | IgnoredReason::Question => true,
            IgnoredReason::Automatic
            | IgnoredReason::OwnMail
            | IgnoredReason::ReplyNothingToAnswer => false,
        }
    }
}

/// Why an email was ignored, with what was seen (the header of automatic mail, how a reply
/// was recognised as answering ours).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignored {
    /// The reason.
    pub reason: IgnoredReason,
    /// What was seen, when the reason has a detail.
    pub detail: Option<String>,
}

impl Ignored {
    fn new(reason: IgnoredReason, detail: Option<String>) -> Ignored {
        Ignored { reason, detail }
    }
}

/// The reason and its detail as the division reads them (`自动邮件：X-Autoreply: yes`).
impl std::fmt::Display for Ignored {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let label = self.reason.label();
        match (&self.detail, self.reason) {
            (None, _) => f.write_str(label),
            (Some(d), IgnoredReason::Automatic) => write!(f, "{label}：{d}"),
            (
                Some(d),
                IgnoredReason::OwnMail
                | IgnoredReason::ReplyWithQuestion
                | IgnoredReason::ReplyNothingToAnswer
                | IgnoredReason::Question,
            ) => write!(f, "{label}（{d}）"),
        }
    }
}

/// Reports and the outbox's copy of the outcome show the reason as the division reads it.
impl Serialize for Ignored {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Why `email` gets no automatic answer, if it gets none.
pub(super) fn reason(email: &Email, readings: &[Reading], mailbox: &str) -> Option<Ignored> {
    if let Some(auto) = &email.automatic {
        return Some(Ignored::new(
            IgnoredReason::Automatic,
            Some(auto.reason.clone()),
        ));
    }
    let ours = |a: &Option<String>| {
        a.as_deref()
            .is_some_and(|a| a.eq_ignore_ascii_case(mailbox))
    };
    if !mailbox.is_empty() && ours(&email.from) {
        return Some(Ignored::new(IgnoredReason::OwnMail, None));
    }
    if let Some(how) = &email.answers_ours
        && !brings_material(email, readings)
    {
        // Judged on the sender's own words: our quoted notice says "是否受理".
        let own = own_text(&email.body_text);
        let reason = if is_question("", &own) {
            IgnoredReason::ReplyWithQuestion
        } else {
            IgnoredReason::ReplyNothingToAnswer
        };
        return Some(Ignored::new(reason, Some(how.clone())));
    }
    if email.attachments.is_empty() && is_question(&email.subject, &email.body_text) {
        return Some(Ignored::new(IgnoredReason::Question, None));
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
        let why = |body: &str| reason(&reply(body), &[], BOX).map(|r| r.reason);
        assert_eq!(why("收到，谢谢"), Some(IgnoredReason::ReplyNothingToAnswer));
        assert_eq!(
            why("盖章版可以下周交吗"),
            Some(IgnoredReason::ReplyWithQuestion)
        );
        // Our quoted notice asks nothing on the sender's behalf.
        let quoted = "好的\n-----原始邮件-----\n逾期材料是否受理";
        assert_eq!(why(quoted), Some(IgnoredReason::ReplyNothingToAnswer));
        let shown = reason(&reply("收到"), &[], BOX).map(|r| r.to_string());
        assert_eq!(
            shown.as_deref(),
            Some(
                "回复本邮箱的回执或通知，无附件、未提问，无需答复（主题是对本邮箱“【材料补正通知】”的回复）"
            )
        );
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
        let auto = reason(&e, &[], BOX);
        assert_eq!(
            auto.as_ref().map(|r| r.reason),
            Some(IgnoredReason::Automatic)
        );
        assert_eq!(
            auto.map(|r| r.to_string()).as_deref(),
            Some("自动邮件：X-Autoreply: yes")
        );
        let mut e = reply("收到");
        e.from = Some(BOX.into());
        assert_eq!(
            reason(&e, &[], BOX).map(|r| r.reason),
            Some(IgnoredReason::OwnMail)
        );
    }
}
