//! Recognising a delivery report about one of our replies, so the reply can be marked
//! undelivered and the division sees which unit never got its receipt or notice.
//! Pure: bytes in, what the report says out. Reports come as RFC 3464 `multipart/report`
//! (a `message/delivery-status` part and the returned headers or message) or as the plain
//! bounces many Chinese servers send, which at least quote our headers.

use mail_parser::{MessageParser, MimeHeaders, PartType};

/// What a delivery report says about our replies.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bounce {
    /// Our replies' Message-IDs found in the report (`shenbao-reply-<id>@…`, no brackets).
    pub message_ids: Vec<String>,
    /// Recipients the report says failed (`Final-Recipient` with `Action: failed`), lowercase;
    /// used when the report does not quote our Message-ID.
    pub recipients: Vec<String>,
    /// The server's reason (Diagnostic-Code, Status, or the subject), for the division.
    pub reason: String,
}

/// The marker our reply Message-IDs start with (see `notify::compose::reply_message_id`).
const OURS: &str = "shenbao-reply-";

/// The delivery report this message is, if it is one about a failure. A report whose
/// recipients were all delayed, delivered or relayed is not a failure and gives `None`.
pub fn parse(raw: &[u8]) -> Option<Bounce> {
    let msg = MessageParser::default().parse(raw)?;
    let top = msg
        .content_type()
        .map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or_default()).to_ascii_lowercase())
        .unwrap_or_default();
    let subject = msg.subject().unwrap_or_default().to_string();
    let from = msg
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let statuses = delivery_statuses(&msg);
    // Not an empty Return-Path: vacation replies use it too, and they quote our Message-ID
    // in In-Reply-To without saying anything about delivery.
    let looks_like_bounce = top == "multipart/report"
        || !statuses.is_empty()
        || from.starts_with("mailer-daemon@")
        || from.starts_with("postmaster@");
    if !looks_like_bounce {
        return None;
    }
    let mut bounce = Bounce {
        message_ids: our_ids(raw),
        ..Bounce::default()
    };
    // A bounce without a machine-readable status is taken as a failure: the plain bounces
    // many Chinese servers send say so only in words.
    let mut any_failed = statuses.is_empty();
    for text in &statuses {
        any_failed |= read_failures(text, &mut bounce);
    }
    if !any_failed {
        return None;
    }
    if bounce.reason.is_empty() {
        bounce.reason = subject.trim().to_string();
    }
    if bounce.reason.is_empty() {
        bounce.reason = "退信（未说明原因）".into();
    }
    // Bounded: a report is about a handful of messages, not thousands.
    bounce.reason = bounce.reason.chars().take(500).collect();
    (!bounce.message_ids.is_empty() || !bounce.recipients.is_empty()).then_some(bounce)
}

/// The texts of the message's `message/delivery-status` parts (RFC 3464, and RFC 6533's
/// global variant).
fn delivery_statuses(msg: &mail_parser::Message<'_>) -> Vec<String> {
    let mut statuses = Vec::new();
    for part in msg.parts.iter() {
        let Some(ct) = part.content_type() else {
            continue;
        };
        let kind =
            format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or_default()).to_ascii_lowercase();
        if kind == "message/delivery-status" || kind == "message/global-delivery-status" {
            let text = match &part.body {
                PartType::Text(t) => t.to_string(),
                PartType::Binary(b) | PartType::InlineBinary(b) => {
                    String::from_utf8_lossy(b).into_owned()
                }
                _ => String::from_utf8_lossy(part.contents()).into_owned(),
            };
            statuses.push(text);
        }
    }
    statuses
}

/// Adds the failed recipients of one delivery-status text (and the first reason given) to
/// `bounce`; whether any recipient failed.
fn read_failures(text: &str, bounce: &mut Bounce) -> bool {
    let mut any_failed = false;
    for block in text.replace("\r\n", "\n").split("\n\n") {
        let fields = fields(block);
        let get = |name: &str| {
            fields
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        };
        let Some(rcpt) = get("Final-Recipient").or_else(|| get("Original-Recipient")) else {
            continue;
        };
        if !get("Action").is_some_and(|a| a.trim().eq_ignore_ascii_case("failed")) {
            continue;
        }
        any_failed = true;
        let addr = rcpt
            .split_once(';')
            .map_or(rcpt, |(_, a)| a)
            .trim()
            .trim_matches(['<', '>'])
            .to_ascii_lowercase();
        if !addr.is_empty() && !bounce.recipients.contains(&addr) {
            bounce.recipients.push(addr);
        }
        if bounce.reason.is_empty() {
            bounce.reason = get("Diagnostic-Code")
                .or_else(|| get("Status"))
                .unwrap_or_default()
                .trim()
                .to_string();
        }
    }
    any_failed
}

/// Header-style fields of one block, continuation lines unfolded.
fn fields(block: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in block.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some((_, v)) = out.last_mut() {
                v.push(' ');
                v.push_str(line.trim());
            }
        } else if let Some((n, v)) = line.split_once(':') {
            out.push((n.trim().to_string(), v.trim().to_string()));
        }
    }
    out
}

/// Every `shenbao-reply-<digits>@<domain>` in the bytes: wherever the report quotes our
/// headers (text/rfc822-headers, message/rfc822, or pasted into a plain bounce).
fn our_ids(raw: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(raw);
    let mut ids: Vec<String> = Vec::new();
    let mut rest = text.as_ref();
    while let Some(at) = rest.find(OURS) {
        let tail = rest.get(at..).unwrap_or_default();
        let end = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '@' | '_')))
            .unwrap_or(tail.len());
        let id = tail.get(..end).unwrap_or_default().trim_end_matches('.');
        let digits = id
            .get(OURS.len()..)
            .and_then(|s| s.split_once('@'))
            .is_some_and(|(n, d)| {
                !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && !d.is_empty()
            });
        if digits && !ids.iter().any(|i| i == id) {
            ids.push(id.to_string());
        }
        rest = tail.get(OURS.len()..).unwrap_or_default();
    }
    ids
}

/// The outbox row a Message-ID of ours names.
pub fn row_of(message_id: &str) -> Option<i64> {
    message_id
        .strip_prefix(OURS)?
        .split_once('@')?
        .0
        .parse()
        .ok()
}

#[cfg(test)]
mod tests;
