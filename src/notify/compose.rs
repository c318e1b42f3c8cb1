//! An [`Outcome`] and the email it answers → the reply, as a complete RFC 5322 message.

use super::Letterhead;
use super::body::Facts;
use super::mime;
use crate::forms::{FormKind, Version};
use crate::message::Email;
use crate::rules::Severity;
use crate::store::MailKind;
use crate::verdict::{FileReport, Outcome, Verdict};
use chrono::{DateTime, FixedOffset};

/// Which reply an email gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyKind {
    /// 受理回执: the unit's materials are complete.
    Receipt,
    /// 材料补正通知: at least one error to fix.
    Notice,
    /// The email was over the size limit and could not be taken at all.
    Oversized,
    /// A clerk's answer to a question.
    Answer,
}

impl ReplyKind {
    /// The bracketed tag that opens the subject.
    pub fn tag(self) -> &'static str {
        match self {
            ReplyKind::Receipt => "受理回执",
            ReplyKind::Notice => "材料补正通知",
            ReplyKind::Oversized => "邮件过大未能受理",
            ReplyKind::Answer => "答复",
        }
    }
}

/// The outbox's kind of mail for a reply: one mapping, so the stored code is the store's.
impl From<ReplyKind> for MailKind {
    fn from(kind: ReplyKind) -> MailKind {
        match kind {
            ReplyKind::Receipt => MailKind::Receipt,
            ReplyKind::Notice => MailKind::Notice,
            ReplyKind::Oversized => MailKind::Oversized,
            ReplyKind::Answer => MailKind::Answer,
        }
    }
}

/// Why an email gets no reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoReply {
    /// The verdict is `Ignored` (questions and the like are left to staff).
    Ignored,
    /// Automatic mail (RFC 3834): answering could start a loop.
    Automatic,
    /// From or to our own address: answering ourselves would loop too.
    OwnAddress,
    /// No usable address to answer.
    NoRecipient,
}

/// What the composer needs besides the verdict: who we are and the reply's identity.
#[derive(Debug, Clone)]
pub struct ReplyContext {
    /// Our sending address (the `From` of replies), never answered itself.
    pub from_address: String,
    /// The office's display name, shown in `From` and as the signature.
    pub from_name: String,
    /// Where the units should write back, when not `from_address`.
    pub reply_to: Option<String>,
    /// Right-hand side of the reply's `Message-ID`.
    pub domain: String,
    /// The reply's database row: makes its `Message-ID` deterministic, so a retried send is
    /// recognisably the same message.
    pub row_id: i64,
    /// When the email answered arrived (INTERNALDATE or file time), quoted in the reply.
    pub received: DateTime<FixedOffset>,
    /// The reply's `Date:`.
    pub now: DateTime<FixedOffset>,
}

impl ReplyContext {
    /// The context of replies sent as the office of `letterhead`, for reply row `row_id`.
    pub fn of(
        letterhead: &Letterhead,
        row_id: i64,
        received: DateTime<FixedOffset>,
    ) -> ReplyContext {
        let mailbox = &letterhead.mailbox;
        ReplyContext {
            from_address: mailbox.clone(),
            from_name: letterhead.office.clone(),
            reply_to: None,
            domain: mailbox
                .rsplit_once('@')
                .map(|(_, d)| d.to_string())
                .unwrap_or_default(),
            row_id,
            received,
            now: chrono::Local::now().fixed_offset(),
        }
    }
}

/// A composed reply.
#[derive(Debug, Clone)]
pub struct Reply {
    /// Receipt or notice.
    pub kind: ReplyKind,
    /// The recipient: the sender's `Reply-To`, else its `From`.
    pub to: String,
    /// Decoded subject.
    pub subject: String,
    /// `Message-ID` without angle brackets, to match bounces against.
    pub message_id: String,
    /// The plain-text body.
    pub text: String,
    /// The HTML body.
    pub html: String,
    /// The whole message, ready for SMTP `DATA` (CRLF line ends, lines ≤ 76).
    pub raw: Vec<u8>,
}

/// The `Message-ID` (without brackets) of the reply stored in row `row_id`.
pub fn reply_message_id(row_id: i64, domain: &str) -> String {
    let domain: String = domain
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
        .collect();
    let domain = if domain.is_empty() {
        "localhost".to_string()
    } else {
        domain
    };
    format!("shenbao-reply-{row_id}@{domain}")
}

/// The outbox row of one of our replies, from its `Message-ID` (without brackets): the
/// inverse of [`reply_message_id`].
pub fn reply_row(message_id: &str, domain: &str) -> Option<i64> {
    let (local, right) = message_id.split_once('@')?;
    let ours = reply_message_id(0, domain);
    let (_, our_right) = ours.split_once('@')?;
    if !right.eq_ignore_ascii_case(our_right) {
        return None;
    }
    local.strip_prefix("shenbao-reply-")?.parse().ok()
}

/// An address we can put in a header without letting the sender inject anything.
pub(crate) fn usable_address(a: &str) -> bool {
    a.len() <= 254
        && a.split_once('@')
            .is_some_and(|(l, d)| !l.is_empty() && !d.is_empty())
        && a.bytes()
            .all(|b| b.is_ascii_graphic() && !b"<>()[]\\,;:\"".contains(&b))
}

/// A message id fit to quote in `In-Reply-To`, else nothing.
fn usable_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 900
        && id
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'<' && b != b'>')
}

/// Collapses whitespace and control characters, so names from mail stay on one line.
pub(crate) fn one_line(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn file_label(f: &FileReport, all: &[FileReport]) -> String {
    let form = match f.form {
        Some(FormKind::Application) => "立项申报表（附件1）",
        Some(FormKind::Summary) => "立项申报汇总表（附件2）",
        None => {
            // Containers are listed before their entries; say what they held.
            let inside = all
                .iter()
                .filter(|g| g.container.as_deref() == Some(f.name.as_str()))
                .count();
            return match inside {
                0 => "未识别为申报材料".to_string(),
                n if f.name.to_lowercase().ends_with(".zip") => format!("压缩包，内含{n}个文件"),
                n => format!("附带的邮件，内含{n}个文件"),
            };
        }
    };
    match f.version {
        // The editable version of a summary is often a spreadsheet: named as what it is.
        Some(Version::Word) if is_spreadsheet(&f.name) => format!("{form}，电子版（Excel）"),
        Some(Version::Word) => format!("{form}，word版"),
        Some(Version::Stamped) => format!("{form}，盖章扫描件"),
        None => form.to_string(),
    }
}

/// Whether a file's name says it is a spreadsheet (.xlsx, .xls, .et, .csv).
pub(crate) fn is_spreadsheet(name: &str) -> bool {
    let lower = name.trim().to_lowercase();
    [".xlsx", ".xls", ".xlsm", ".et", ".csv"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

pub(crate) fn cn_time(t: DateTime<FixedOffset>) -> String {
    t.format("%Y年%-m月%-d日 %H:%M").to_string()
}

/// `In-Reply-To` and `References` naming the answered email, and the RFC 3834 markers
/// that keep auto-responders from answering us.
pub(crate) fn answer_headers(email: &Email) -> String {
    let mut h = String::new();
    if let Some(id) = email.message_id.as_deref().filter(|i| usable_id(i)) {
        h += &mime::header("In-Reply-To", &[format!("<{id}>")]);
        h += &mime::header("References", &[format!("<{id}>")]);
    }
    h += "Auto-Submitted: auto-replied\r\n";
    // Exchange honours this instead of Auto-Submitted: no out-of-office answers to replies.
    h += "X-Auto-Response-Suppress: All\r\n";
    h
}

/// From, To, Reply-To, Subject, Date and Message-ID of a message we send as the office.
pub(crate) fn headers(ctx: &ReplyContext, to: &str, subject: &str, message_id: &str) -> String {
    let mut from = mime::header_words(&one_line(&ctx.from_name));
    from.push(format!("<{}>", ctx.from_address));
    let mut h = mime::header("From", &from);
    h += &mime::header("To", &[format!("<{to}>")]);
    if let Some(r) = ctx.reply_to.as_deref().filter(|r| usable_address(r)) {
        h += &mime::header("Reply-To", &[format!("<{r}>")]);
    }
    h += &mime::header("Subject", &mime::header_words(subject));
    h += &mime::header("Date", &[ctx.now.to_rfc2822()]);
    h += &mime::header("Message-ID", &[format!("<{message_id}>")]);
    h
}

/// Whom a reply to `email` goes to: its `Reply-To`, else its `From`; none for automatic
/// mail, for mail from or to our own address, and for addresses unfit for a header.
pub(crate) fn recipient(
    email: &Email,
    letterhead: &Letterhead,
    ctx: &ReplyContext,
) -> Result<String, NoReply> {
    if email.automatic.is_some() {
        return Err(NoReply::Automatic);
    }
    let ours = |a: &str| {
        [letterhead.mailbox.as_str(), ctx.from_address.as_str()]
            .iter()
            .any(|o| !o.is_empty() && o.eq_ignore_ascii_case(a))
    };
    if email.from.as_deref().is_some_and(ours) {
        return Err(NoReply::OwnAddress);
    }
    let to = email
        .reply_to
        .as_deref()
        .filter(|a| usable_address(a))
        .or(email.from.as_deref())
        .filter(|a| usable_address(a))
        .ok_or(NoReply::NoRecipient)?
        .to_string();
    if ours(&to) {
        return Err(NoReply::OwnAddress);
    }
    Ok(to)
}

/// Whom the reply to `email` goes to and which reply it is, or why there is none: decided
/// without composing it (the daemon asks before it records the message).
pub fn addressee(
    outcome: &Outcome,
    email: &Email,
    letterhead: &Letterhead,
    ctx: &ReplyContext,
) -> Result<(String, ReplyKind), NoReply> {
    if email.automatic.is_some() {
        return Err(NoReply::Automatic);
    }
    let kind = match outcome.verdict {
        Verdict::Ignored => return Err(NoReply::Ignored),
        Verdict::Accepted => ReplyKind::Receipt,
        Verdict::Rejected => ReplyKind::Notice,
    };
    Ok((recipient(email, letterhead, ctx)?, kind))
}

/// The reply to `email` given its `outcome`, or why there is none.
pub fn compose(
    outcome: &Outcome,
    email: &Email,
    letterhead: &Letterhead,
    ctx: &ReplyContext,
) -> Result<Reply, NoReply> {
    let (to, kind) = addressee(outcome, email, letterhead, ctx)?;

    let (salutation, unit) = salutation(outcome, email);
    let campaign_name = one_line(&letterhead.campaign);
    let subject = match &unit {
        Some(u) => format!("【{}】{} — {u}", kind.tag(), campaign_name),
        None => format!("【{}】{}", kind.tag(), campaign_name),
    };
    // A unit is never named after the person writing: said plainly, with what names it.
    let shown_unit = unit.unwrap_or_else(|| UNIT_UNKNOWN.to_string());
    let tz = letterhead.deadline.timezone();
    let held = match (&outcome.held, kind) {
        (Some(m), ReplyKind::Receipt) => Some(super::held::held(m, tz)),
        _ => None,
    };
    let files = files(outcome);
    // A receipt lists the whole accepted set; a notice what this email brought.
    let (projects, held_files) = match held {
        Some(h) => (h.projects, h.files),
        None => (projects(outcome), Vec::new()),
    };
    let (errors, warnings) = outcome
        .problems
        .iter()
        .partition(|p| p.severity == Severity::Error);
    let office = one_line(&ctx.from_name);
    let facts = Facts {
        receipt: kind == ReplyKind::Receipt,
        salutation,
        unit: shown_unit,
        receipt_number: outcome.receipt.clone(),
        campaign: campaign_name,
        received: cn_time(ctx.received.with_timezone(&tz)),
        deadline: cn_time(letterhead.deadline),
        late: ctx.received > letterhead.deadline,
        projects,
        held: held_files,
        files,
        errors,
        warnings,
        notes: &outcome.notes,
        office: if office.is_empty() {
            letterhead.campaign.clone()
        } else {
            office
        },
        contact: letterhead.contact_line(),
        notice: letterhead
            .notice
            .as_deref()
            .map(one_line)
            .filter(|n| !n.is_empty()),
        date: ctx
            .now
            .with_timezone(&tz)
            .format("%Y年%-m月%-d日")
            .to_string(),
    };
    Ok(answer(
        email,
        ctx,
        kind,
        to,
        subject,
        facts.text(),
        facts.html(),
    ))
}

/// What a reply says for the unit when none could be named.
const UNIT_UNKNOWN: &str =
    "未能识别推荐单位（请在《立项申报汇总表》（附件2）或邮件正文中写明推荐单位名称）";

/// How the reply opens (the unit, else the person writing), and the unit it names, if one
/// could be named (a unit not recognised is keyed by the sender's address: no unit).
fn salutation(outcome: &Outcome, email: &Email) -> (String, Option<String>) {
    let sender_name = email
        .from_name
        .as_deref()
        .map(one_line)
        .filter(|n| !n.is_empty());
    let unit = outcome
        .unit
        .as_deref()
        .map(one_line)
        .filter(|u| !u.is_empty() && !u.contains('@'));
    let salutation = match (&unit, &sender_name) {
        (Some(u), _) => format!("{u}："),
        (None, Some(n)) => format!("{n}：您好！"),
        (None, None) => "您好！".to_string(),
    };
    (salutation, unit)
}

/// The projects the reply lists (enterprise, credit code, project), each once: the
/// summary's rows, else the application forms when there is no summary.
fn projects(outcome: &Outcome) -> Vec<[String; 3]> {
    let mut projects: Vec<[String; 3]> = Vec::new();
    let mut push = |e: &str, c: &str, p: &str| {
        let row = [one_line(e), one_line(c), one_line(p)];
        if !projects.iter().any(|r| r[0] == row[0] && r[2] == row[2]) {
            projects.push(row);
        }
    };
    for r in &outcome.summary_rows {
        push(&r.enterprise_name, &r.credit_code, &r.project_name);
    }
    if outcome.summary_rows.is_empty() {
        for a in &outcome.applications {
            push(&a.enterprise_name, &a.credit_code, &a.project_name);
        }
    }
    projects
}

/// The files the reply lists: name, where it was found (a zip or forwarded mail), and what
/// it was read as.
fn files(outcome: &Outcome) -> Vec<[String; 3]> {
    outcome
        .attachments
        .iter()
        .map(|f| {
            let place = f
                .container
                .as_deref()
                .map(|c| format!("（位于“{}”中）", one_line(c)))
                .unwrap_or_default();
            [
                one_line(&f.name),
                place,
                file_label(f, &outcome.attachments),
            ]
        })
        .collect()
}

/// The reply to `email` as a whole message: our headers, the answering headers, and the
/// text and HTML alternatives.
pub(crate) fn answer(
    email: &Email,
    ctx: &ReplyContext,
    kind: ReplyKind,
    to: String,
    subject: String,
    text: String,
    html: String,
) -> Reply {
    let message_id = reply_message_id(ctx.row_id, &ctx.domain);
    let mut h = headers(ctx, &to, &subject, &message_id);
    h += &answer_headers(email);
    let boundary = format!("=_shenbao_{}_alt", ctx.row_id);
    let raw = mime::alternative(&h, &boundary, &text, &html);
    Reply {
        kind,
        to,
        subject,
        message_id,
        text,
        html,
        raw,
    }
}
