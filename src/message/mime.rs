//! Walks the MIME tree of a message.
//!
//! mail-parser keeps nested multiparts flat and parses inline forwarded messages with its own
//! stack, so only forwarded messages and archives nest here, each bounded by
//! `Limits::max_depth`; multipart nesting is bounded before parsing (`depth.rs`).

use std::panic::{AssertUnwindSafe, catch_unwind};

use mail_parser::{Encoding, Message, MessageParser, MessagePart, MimeHeaders, PartType};

use super::params::{self, PartHeader};
use super::{Attachment, Collector, Email, FileKind, FileProblem, Limits, ReadError, auto, depth};

/// Name given to a file part that carries no name at all.
const UNNAMED: &str = "未命名附件";

/// Parses one raw message; never panics, returns a best effort.
///
/// A message over `max_message_bytes` is not walked: its headers are read (so automatic mail
/// is still recognised) and a single pseudo-attachment named after the message stands for the
/// whole content, `Unreadable` with the size, so the sender is told rather than ignored.
pub fn parse_email(raw: &[u8], limits: &Limits) -> Email {
    let parser = MessageParser::default();
    if raw.len() > limits.max_message_bytes {
        let mut email = catch_unwind(AssertUnwindSafe(|| parser.parse_headers(raw)))
            .ok()
            .flatten()
            .map(|m| {
                let mut email = header_fields(&m);
                auto::recognise(&mut email, raw_headers(&m));
                email
            })
            .unwrap_or_default();
        email.attachments.push(Attachment {
            name: format!("{}（整封邮件）", email.subject),
            container: None,
            data: Vec::new(),
            kind: FileKind::Unknown,
            problem: Some(FileProblem::Unreadable(ReadError::Refused(format!(
                "邮件大小{}MB，超过{}MB上限，未解析",
                raw.len() >> 20,
                limits.max_message_bytes >> 20
            )))),
        });
        return email;
    }
    // mail-parser would parse any depth of nesting up front: what lies too deep is cut first.
    let cut = depth::cut_deep(raw, limits.max_depth);
    let raw: &[u8] = cut.as_ref().map_or(raw, |c| &c.raw);
    // mail-parser promises not to panic; a bug there must still cost one email only.
    catch_unwind(AssertUnwindSafe(|| {
        let Some(msg) = parser.parse(raw) else {
            return Email::default();
        };
        let mut email = header_fields(&msg);
        email.body_text = msg.body_text(0).map(|t| t.into_owned()).unwrap_or_default();
        let mut col = Collector::new(limits);
        walk(&msg, &mut col, None, 0);
        if let Some(lost) = cut.as_ref().and_then(|c| c.lost.clone()) {
            col.add_problem(
                lost.unwrap_or_else(|| "嵌套过深的邮件内容".to_string()),
                None,
                FileProblem::Unreadable(ReadError::Refused(format!(
                    "它在邮件中的嵌套层次超过{}层，未读取",
                    limits.max_depth
                ))),
            );
        }
        email.too_many = col.too_many();
        email.attachments = col.out;
        auto::recognise(&mut email, raw_headers(&msg));
        dismantle(msg);
        email
    }))
    .unwrap_or_default()
}

/// Drops a parsed message level by level. mail-parser parses inline forwarded messages
/// without recursion, but the resulting tree drops recursively: a few hundred thousand nested
/// `message/rfc822` parts (or digest parts, which need no content type) overflow the stack.
fn dismantle(msg: Message<'_>) {
    let mut stack = vec![msg];
    while let Some(mut m) = stack.pop() {
        for part in &mut m.parts {
            if matches!(part.body, PartType::Message(_))
                && let PartType::Message(inner) =
                    std::mem::replace(&mut part.body, PartType::Multipart(Vec::new()))
            {
                stack.push(inner);
            }
        }
    }
}

/// The raw, unfolded value of every top-level header.
fn raw_headers<'a>(msg: &'a Message<'a>) -> impl Iterator<Item = (&'a str, String)> + 'a {
    msg.headers().iter().map(move |h| {
        let value = msg
            .raw_message
            .get(h.offset_start as usize..h.offset_end as usize)
            .unwrap_or_default();
        let unfolded: Vec<u8> = value
            .iter()
            .copied()
            .filter(|&b| b != b'\r' && b != b'\n')
            .collect();
        (h.name(), params::decode_words(&unfolded))
    })
}

fn header_fields(msg: &Message<'_>) -> Email {
    let addr = |a: Option<&mail_parser::Address<'_>>| {
        a.and_then(|a| a.first())
            .and_then(|a| a.address())
            .map(|s| s.trim().to_lowercase())
    };
    let from_name = msg
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.name())
        .map(|n| fix_text(n, msg, "from", true))
        .filter(|n| !n.is_empty());
    Email {
        message_id: msg
            .message_id()
            .map(|s| s.trim_matches(['<', '>']).to_string()),
        from: addr(msg.from()),
        from_name,
        reply_to: addr(msg.reply_to()),
        subject: subject(msg),
        date: msg
            .date()
            .and_then(|d| chrono::DateTime::parse_from_rfc3339(&d.to_rfc3339()).ok()),
        body_text: String::new(),
        automatic: None,
        answers_ours: None,
        attachments: Vec::new(),
        too_many: None,
    }
}

fn subject(msg: &Message<'_>) -> String {
    fix_text(msg.subject().unwrap_or_default(), msg, "subject", false)
}

/// mail-parser turns raw 8-bit GBK header text into U+FFFD; re-decode such a header from its
/// bytes. For an address header only the display name (before `<`) is kept.
fn fix_text(parsed: &str, msg: &Message<'_>, header: &str, display_name: bool) -> String {
    if !parsed.contains('\u{FFFD}') {
        return parsed.trim().to_string();
    }
    let Some((_, raw)) = raw_headers(msg).find(|(n, _)| n.eq_ignore_ascii_case(header)) else {
        return parsed.trim().to_string();
    };
    let text = if display_name {
        raw.split('<').next().unwrap_or_default().to_string()
    } else {
        raw
    };
    text.trim().trim_matches('"').trim().to_string()
}

/// Lists the attachments of `msg` in document order.
fn walk(msg: &Message<'_>, col: &mut Collector<'_>, container: Option<&str>, depth: usize) {
    let raw = msg.raw_message.as_ref();
    for part in &msg.parts {
        let header = params::part_header(
            raw.get(part.offset_header as usize..part.offset_body as usize)
                .unwrap_or_default(),
        );
        match &part.body {
            PartType::Multipart(_) => {}
            PartType::Message(inner) => {
                // Inline forwarded messages share the outer buffer; encoded ones own theirs.
                let data = if part.encoding == Encoding::None {
                    raw.get(part.offset_body as usize..part.offset_end as usize)
                        .unwrap_or_default()
                } else {
                    inner.raw_message.as_ref()
                };
                forwarded(col, &header, inner, data, container, depth);
            }
            _ if is_message_type(part) => {
                // mail-parser stops decoding encoded forwarded messages after a few levels.
                let data = body_bytes(part, raw);
                let parser = MessageParser::default();
                match parser.parse(&data) {
                    Some(inner) => {
                        forwarded(col, &header, &inner, &data, container, depth);
                        dismantle(inner);
                    }
                    None => add_file(col, &header, part, data, container, depth),
                }
            }
            PartType::Text(_) | PartType::Html(_)
                if header.file_name.is_none() && !header.is_attachment => {}
            PartType::InlineBinary(_) if header.file_name.is_none() => {}
            // Delivery-status and similar machine parts of reports are not files.
            _ if header.file_name.is_none()
                && !header.is_attachment
                && is_type(part, "message") => {}
            // An S/MIME signature vouches for the mail; it is not a file of the submission.
            _ if is_signature(part) => {
                let name = header
                    .file_name
                    .clone()
                    .unwrap_or_else(|| "smime.p7s".to_string());
                col.add_inert(name, container.map(str::to_string), FileKind::Unknown);
            }
            _ => {
                let data = body_bytes(part, raw);
                add_file(col, &header, part, data, container, depth);
            }
        }
    }
}

/// A detached S/MIME (or PGP) signature part of multipart/signed.
fn is_signature(part: &MessagePart<'_>) -> bool {
    part.content_type().is_some_and(|ct| {
        ct.c_subtype.as_deref().is_some_and(|s| {
            let s = s.to_ascii_lowercase();
            ct.c_type.eq_ignore_ascii_case("application")
                && matches!(
                    s.as_str(),
                    "pkcs7-signature" | "x-pkcs7-signature" | "pgp-signature"
                )
        })
    })
}

fn add_file(
    col: &mut Collector<'_>,
    header: &PartHeader,
    part: &MessagePart<'_>,
    data: Vec<u8>,
    container: Option<&str>,
    depth: usize,
) {
    let name = header
        .file_name
        .clone()
        .or_else(|| part.attachment_name().map(str::to_string))
        .unwrap_or_else(|| UNNAMED.to_string());
    col.add_file(name, container.map(str::to_string), data, depth);
}

fn is_type(part: &MessagePart<'_>, main: &str) -> bool {
    part.content_type()
        .is_some_and(|ct| ct.c_type.eq_ignore_ascii_case(main))
}

fn is_message_type(part: &MessagePart<'_>) -> bool {
    part.content_type().is_some_and(|ct| {
        ct.c_type.eq_ignore_ascii_case("message")
            && ct.c_subtype.as_deref().is_some_and(|s| {
                s.eq_ignore_ascii_case("rfc822") || s.eq_ignore_ascii_case("global")
            })
    })
}

/// Lists a forwarded message as a container, then what it holds.
fn forwarded(
    col: &mut Collector<'_>,
    header: &PartHeader,
    inner: &Message<'_>,
    data: &[u8],
    container: Option<&str>,
    depth: usize,
) {
    let name = header.file_name.clone().unwrap_or_else(|| {
        let s = subject(inner);
        if s.is_empty() {
            "转发的邮件.eml".to_string()
        } else {
            format!("{s}.eml")
        }
    });
    // A nested attached message's bytes are already inside its container's: keeping them again
    // at every level would multiply the memory by the depth.
    let data = if container.is_none() {
        data.to_vec()
    } else {
        Vec::new()
    };
    let Some(idx) = col.add_message(name.clone(), container.map(str::to_string), data) else {
        return;
    };
    if depth >= col.limits.max_depth {
        col.set_problem(
            idx,
            FileProblem::Unreadable(ReadError::Refused(format!(
                "转发邮件嵌套超过{}层",
                col.limits.max_depth
            ))),
        );
        return;
    }
    walk(inner, col, Some(&name), depth + 1);
}

/// The bytes of a part as sent. Text parts are decoded again from the raw body because
/// mail-parser converts them to UTF-8, which would corrupt a binary file mislabelled as text.
fn body_bytes(part: &MessagePart<'_>, raw: &[u8]) -> Vec<u8> {
    match &part.body {
        PartType::Binary(b) | PartType::InlineBinary(b) => b.to_vec(),
        _ => {
            let body = raw
                .get(part.offset_body as usize..part.offset_end as usize)
                .unwrap_or_default();
            match part.encoding {
                Encoding::Base64 => params::base64(body),
                Encoding::QuotedPrintable => quoted_printable(body),
                Encoding::None => body.to_vec(),
            }
        }
    }
}

fn quoted_printable(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while let Some(&c) = body.get(i) {
        if c == b'=' {
            match body.get(i + 1..i + 3) {
                Some(b"\r\n") => i += 3,
                Some([b'\n', _]) => i += 2,
                Some(two) => match std::str::from_utf8(two)
                    .ok()
                    .and_then(|s| u8::from_str_radix(s, 16).ok())
                {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                    }
                    None => {
                        out.push(c);
                        i += 1;
                    }
                },
                None => {
                    if body.get(i + 1) != Some(&b'\n') {
                        out.push(c);
                    }
                    i = body.len();
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests;
