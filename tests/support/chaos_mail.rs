//! The mail stream of the fault-injection run (tests/chaos.rs): human submissions (complete,
//! incomplete), questions and automatic mail (RFC 3834 headers, delivery reports, and the
//! vacation replies and 系统退信 of Chinese providers that carry no such header), each from
//! its own address with a unique Message-ID, some with internal dates older than earlier UIDs.
//! Deterministic for a seed.
#![allow(dead_code)]

use crate::common::*;
use chrono::{DateTime, Duration, FixedOffset};

/// A small xorshift64* generator: reproducible runs without a dependency.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in `lo..hi` (`lo` when the range is empty).
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        lo + self.next_u64() % (hi - lo)
    }
    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
}

/// What a message is, which decides what answer it should get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A complete set (summary and one form, Word and stamped scans): a receipt is due.
    Complete,
    /// Materials with something missing: a notice is due.
    Incomplete,
    /// A question without attachments: left to staff, no automatic answer.
    Question,
    /// Automatic mail: never answered.
    Automatic,
}

impl Kind {
    /// Whether the sender must get exactly one reply.
    pub fn wants_reply(self) -> bool {
        matches!(self, Kind::Complete | Kind::Incomplete)
    }
}

/// One message of the stream.
pub struct Mail {
    pub kind: Kind,
    /// Which variant, for the report (e.g. "coremail-vacation").
    pub variant: &'static str,
    /// The sender's address, a user of the stack (replies land in its INBOX).
    pub sender: String,
    /// Message-ID without angle brackets.
    pub message_id: String,
    /// INTERNALDATE to APPEND with.
    pub internal_date: DateTime<FixedOffset>,
    pub raw: Vec<u8>,
}

/// Replaces the `Message-ID:` line the common builder writes (not unique) with `id`.
fn with_id(raw: Vec<u8>, id: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(&raw).into_owned();
    let Some(start) = text.find("\r\nMessage-ID: <") else {
        return raw;
    };
    let end = text[start + 2..]
        .find("\r\n")
        .map_or(text.len(), |e| start + 2 + e);
    format!("{}\r\nMessage-ID: <{id}>{}", &text[..start], &text[end..]).into_bytes()
}

/// A valid unified social credit code, distinct per `i`.
fn credit_code(i: usize) -> String {
    let head = format!("9112010{:010}", 3_000_000 + i);
    let check = shenbao::rules::credit_code::expected_check(&head).unwrap_or('0');
    format!("{head}{check}")
}

fn form(i: usize, unit: &str) -> Form {
    let mut f = Form::new(i, unit);
    f.enterprise = format!("天津市测试{i}号精密制造有限公司");
    f.code = credit_code(i);
    f.project = format!("提高第{i}号产品装配一次合格率");
    f
}

/// The delivery report a remote server sends about someone else's mail (not one of ours).
fn delivery_report(from: &str, id: &str, date: &str) -> Vec<u8> {
    format!(
        "From: Mail Delivery System <{from}>\r\nTo: scjgzlfzc@tj.gov.cn\r\n\
         Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <{id}>\r\nDate: {date}\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: multipart/report; report-type=delivery-status; boundary=\"R\"\r\n\r\n\
         --R\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n\
         --R\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.test\r\n\r\n\
         Final-Recipient: rfc822; nobody@example.test\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n\
         --R\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: scjgzlfzc@tj.gov.cn\r\n\
         To: nobody@example.test\r\nMessage-ID: <someone-else-{id}>\r\n\r\n--R--\r\n"
    )
    .into_bytes()
}

/// The `n` messages of the stream for `seed`.
pub fn stream(seed: u64, n: usize) -> Vec<Mail> {
    let mut rng = Rng::new(seed ^ 0x6d61_696c);
    let base = DateTime::parse_from_rfc3339("2023-04-20T09:00:00+08:00").unwrap_or_default();
    (0..n)
        .map(|i| {
            let id = format!("chaos-{seed}-{i}@mail.example.test");
            let mut when = base + Duration::minutes(10 * i as i64);
            // Internal dates that do not rise with UIDs: moved back, or appended by a migration.
            if i > 0 && rng.chance(0.3) {
                when -= Duration::hours(rng.range(1, 120) as i64);
            }
            let date = when.to_rfc2822();
            let roll = rng.range(0, 100);
            let (kind, variant, sender, raw) = if roll < 70 {
                human(&mut rng, i, roll)
            } else {
                automatic(&mut rng, i, &id, &date)
            };
            let raw = with_id(raw, &id);
            let raw = String::from_utf8_lossy(&raw)
                .replacen(
                    "Date: Thu, 20 Apr 2023 09:42:11 +0800",
                    &format!("Date: {date}"),
                    1,
                )
                .into_bytes();
            Mail {
                kind,
                variant,
                sender,
                message_id: id,
                internal_date: when,
                raw,
            }
        })
        .collect()
}

/// One human message for `roll` (0–69): a complete set, an incomplete one, or a question.
fn human(rng: &mut Rng, i: usize, roll: u64) -> (Kind, &'static str, String, Vec<u8>) {
    let sender = format!("unit{i}@units.example.test");
    let unit = format!("测试{i}区市场监管局");
    let f = form(i, &unit);
    let summary = || {
        (
            "附件2：汇总表.xlsx".to_string(),
            summary_xlsx(&unit, std::slice::from_ref(&f)),
        )
    };
    if roll < 35 {
        let files = complete_submission(&unit, std::slice::from_ref(&f));
        let subject = format!("{unit}质量攻关项目申报材料");
        let raw = email(
            &sender,
            &subject,
            "附件是我单位的申报材料，请查收。",
            &refs(&files),
        );
        return (Kind::Complete, "complete", sender, raw);
    }
    if roll >= 60 {
        let raw = email(
            &sender,
            &format!("咨询申报截止时间{i}"),
            "请问截止时间是哪天？",
            &[],
        );
        return (Kind::Question, "question", sender, raw);
    }
    let (variant, files) = match rng.range(0, 3) {
        0 => (
            "no-scans",
            vec![
                summary(),
                ("附件1：申报表.docx".to_string(), application_docx(&f)),
            ],
        ),
        1 => ("summary-only", vec![summary()]),
        _ => ("forgot-attachments", Vec::new()),
    };
    let raw = email(
        &sender,
        &format!("{unit}申报材料"),
        "附件为申报材料。",
        &refs(&files),
    );
    (Kind::Incomplete, variant, sender, raw)
}

/// One automatic message: what it is, its variant, its sender and its bytes.
fn automatic(
    rng: &mut Rng,
    i: usize,
    id: &str,
    date: &str,
) -> (Kind, &'static str, String, Vec<u8>) {
    let sender = format!("auto{i}@auto.example.test");
    let (variant, raw) = match rng.range(0, 5) {
        0 => (
            "auto-submitted",
            email_with_headers(
                &sender,
                "自动回复：申报材料",
                "我已收到您的邮件。",
                &[],
                "Auto-Submitted: auto-replied\r\n",
            ),
        ),
        1 => {
            // A bounce from a remote MAILER-DAEMON (its own domain, so its replies are counted).
            let sender = format!("mailer-daemon@b{i}.example.test");
            return (
                Kind::Automatic,
                "bounce",
                sender.clone(),
                delivery_report(&sender, id, date),
            );
        }
        2 => (
            "coremail-vacation",
            email_with_headers(
                &sender,
                "自动回复：申报材料",
                "您好，我最近正在休假中，将于5月4日返回，回来后会尽快处理您的邮件。",
                &[],
                "X-Mailer: Coremail Webmail Server Version XT5.0.13 build 20210104(7f3f1b0a)\r\n",
            ),
        ),
        3 => (
            "qq-vacation",
            email_with_headers(
                &sender,
                "自动回复: 申报材料",
                "这是来自QQ邮箱的假期自动回复邮件。\r\n您好，我最近正在休假中，无法亲自回复您的邮件。我将在假期结束后，尽快给您回复。",
                &[],
                "X-QQ-MIME: TCMime 1.0 by Tencent\r\nX-Mailer: QQMail 2.x\r\n",
            ),
        ),
        _ => (
            "coremail-bounce",
            email_with_headers(
                &sender,
                "系统退信",
                "抱歉，您的邮件被退回来了……\r\n原邮件信息：\r\n发件人：scjgzlfzc@tj.gov.cn\r\n退信原因：收件人邮箱空间不足。",
                &[],
                "X-Mailer: Coremail Webmail Server Version XT5.0.13\r\nX-Coremail-Antispam: 1Uf129KBjvJXoW7\r\n",
            ),
        ),
    };
    (Kind::Automatic, variant, sender, raw)
}
