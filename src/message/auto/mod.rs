//! Automatic mail (RFC 3834, list and bounce headers, and the subject and body markers of
//! Chinese providers that send none of those), replies to our own mail, and questions.

mod markers;
mod question;
mod quote;
mod replies;

pub use question::is_question;
pub use quote::own_text;

use super::{Email, FileKind};
use serde::Serialize;

/// Why a message counts as automatic mail, which never gets a reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Automatic {
    /// The header or marker that decided it, for the division's view.
    pub reason: String,
}

fn auto(reason: String) -> Option<Automatic> {
    Some(Automatic { reason })
}

/// Marks `email` (headers, subject, body and attachments already read) as automatic mail
/// and notes whether it answers our own mail. `headers` are the top-level headers as
/// (name, unfolded raw value).
pub(crate) fn recognise<'a>(
    email: &mut Email,
    headers: impl IntoIterator<Item = (&'a str, String)>,
) {
    let headers: Vec<(&str, String)> = headers.into_iter().take(1_000).collect();
    email.answers_ours =
        replies::answered(headers.iter().map(|(n, v)| (*n, v.clone())), &email.subject);
    email.automatic = automatic(headers.iter().map(|(n, v)| (*n, v.clone())))
        .or_else(|| by_content(email, &headers));
}

/// Subject and body markers, the weaker ones only beside a provider's header or a system
/// sender: a Coremail or QQ header alone is on every human message from those providers.
fn by_content(email: &Email, headers: &[(&str, String)]) -> Option<Automatic> {
    if let Some(m) = markers::subject_marker(&email.subject) {
        return auto(format!(
            "主题以“{m}”标明为自动回复或退信：{}",
            one_line(&email.subject)
        ));
    }
    let own = own_text(&email.body_text);
    let squashed = markers::squash(&own);
    if let Some(p) = markers::machine_phrase(&squashed) {
        return auto(format!("正文含系统自动回复或退信的固定用语（{p}）"));
    }
    // A reply to our mail is told apart by the verdict; "邮件已收到" there is a person's thanks
    // as often as a responder's, and neither gets an answer.
    if email.answers_ours.is_some() {
        return None;
    }
    let phrase = markers::likely_phrase(&squashed)?;
    // A file of its own (not the returned original a bounce attaches) makes it a person's
    // mail; so does a question.
    let own_file = email
        .attachments
        .iter()
        .any(|a| a.container.is_none() && a.kind != FileKind::Email);
    if own_file || is_question(&email.subject, &own) {
        return None;
    }
    let from = headers
        .iter()
        .find(|(n, _)| n.trim().eq_ignore_ascii_case("from"))
        .map(|(_, v)| v.as_str())
        .unwrap_or_default();
    let support = headers
        .iter()
        .find_map(|(n, v)| markers::provider_header(n, v))
        .or_else(|| markers::system_sender(from).then(|| format!("发件人 {}", one_line(from))));
    support.and_then(|s| auto(format!("正文含自动回复或退信用语（{phrase}），且{s}")))
}

fn one_line(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(120)
        .collect()
}

/// Decides from the top-level headers (name, unfolded raw value) whether a message is
/// automatic: answering those would feed mail loops and bounce storms.
pub(crate) fn automatic<'a>(
    headers: impl IntoIterator<Item = (&'a str, String)>,
) -> Option<Automatic> {
    for (name, value) in headers {
        let name = name.trim().to_ascii_lowercase();
        let v = value.trim().to_ascii_lowercase();
        let first = v.split([';', ' ', '\t']).next().unwrap_or_default();
        match name.as_str() {
            "auto-submitted" if first != "no" && !first.is_empty() => {
                return auto(format!("Auto-Submitted: {}", value.trim()));
            }
            "precedence" | "x-precedence"
                if matches!(first, "bulk" | "junk" | "list" | "auto_reply") =>
            {
                return auto(format!("Precedence: {first}"));
            }
            // Exchange, Coremail and many vacation scripts; `X-Autorespond` carries any value.
            "x-autoreply" if first != "no" && !first.is_empty() => {
                return auto(format!("X-Autoreply: {}", value.trim()));
            }
            "x-autorespond" => return auto(format!("X-Autorespond: {}", value.trim())),
            "x-auto-response-suppress" => {
                return auto(format!("X-Auto-Response-Suppress: {}", value.trim()));
            }
            "return-path"
                if v.trim_matches(|c: char| c == '<' || c == '>' || c.is_whitespace())
                    .is_empty() =>
            {
                return auto("Return-Path 为空（退信）".to_string());
            }
            "content-type" if first.starts_with("multipart/report") => {
                return auto("multipart/report（投递报告）".to_string());
            }
            "from"
                if ["mailer-daemon", "postmaster"].iter().any(|d| {
                    v.contains(&format!("{d}@")) || v.contains(&format!("<{d}>")) || v == *d
                }) =>
            {
                return auto(format!("发件人为系统退信地址：{}", value.trim()));
            }
            n if n.starts_with("list-") => return auto(format!("邮件列表头 {name}")),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests;
