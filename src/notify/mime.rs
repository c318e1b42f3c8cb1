//! Just enough MIME to write a reply: base64 bodies, RFC 2047 encoded words, folded header
//! lines of at most 76 characters, one multipart/alternative. Every line ends in CRLF.

use std::fmt::Write as _;

/// Longest line written, as RFC 2045 asks of base64 and RFC 5322 recommends for headers.
pub const MAX_LINE: usize = 76;

/// UTF-8 bytes per encoded word: 39 bytes make 52 base64 characters, a 64-character word
/// that fits after `Subject: ` and after a folding space.
const WORD_BYTES: usize = 39;

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding, on one line.
pub fn base64(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b0 = chunk.first().copied().unwrap_or(0);
        let b1 = chunk.get(1).copied().unwrap_or(0);
        let b2 = chunk.get(2).copied().unwrap_or(0);
        let n = (u32::from(b0) << 16) | (u32::from(b1) << 8) | u32::from(b2);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(B64[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Base64 in lines of 76 characters, each ended by CRLF.
pub fn base64_lines(data: &[u8]) -> String {
    let flat = base64(data);
    let mut out = String::with_capacity(flat.len() + flat.len() / MAX_LINE * 2 + 2);
    let mut rest = flat.as_str();
    while !rest.is_empty() {
        let (line, tail) = rest.split_at(rest.len().min(MAX_LINE));
        out.push_str(line);
        out.push_str("\r\n");
        rest = tail;
    }
    out
}

/// Text as printable ASCII tokens when it is plain ASCII without anything a header would
/// misread, else as encoded words, each at most 64 characters.
pub fn header_words(text: &str) -> Vec<String> {
    let plain = text
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b" .-_'".contains(&b))
        && !text.contains("=?");
    if plain {
        return text.split_whitespace().map(str::to_string).collect();
    }
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in text.chars() {
        if chunk.len() + c.len_utf8() > WORD_BYTES {
            words.push(format!("=?UTF-8?B?{}?=", base64(chunk.as_bytes())));
            chunk.clear();
        }
        chunk.push(c);
    }
    if !chunk.is_empty() {
        words.push(format!("=?UTF-8?B?{}?=", base64(chunk.as_bytes())));
    }
    words
}

/// One header field, folded before a token that would pass 76 characters; ends in CRLF.
pub fn header(name: &str, tokens: &[String]) -> String {
    let mut out = format!("{name}:");
    let mut line_len = out.len();
    for t in tokens {
        if line_len + 1 + t.len() > MAX_LINE && line_len > name.len() + 1 {
            out.push_str("\r\n");
            line_len = 0;
        }
        out.push(' ');
        out.push_str(t);
        line_len += 1 + t.len();
    }
    out.push_str("\r\n");
    out
}

/// Makes text safe inside HTML elements and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Line ends as CRLF, the canonical form of text parts.
pub fn crlf(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 20);
    for line in text.split('\n') {
        if !out.is_empty() {
            out.push_str("\r\n");
        }
        out.push_str(line.strip_suffix('\r').unwrap_or(line));
    }
    out
}

/// Headers (already folded) followed by a multipart/alternative of a plain-text and an HTML
/// part, both UTF-8 in base64.
pub fn alternative(headers: &str, boundary: &str, text: &str, html: &str) -> Vec<u8> {
    let mut out = String::with_capacity(headers.len() + (text.len() + html.len()) * 3 / 2);
    out.push_str(headers);
    out.push_str("MIME-Version: 1.0\r\n");
    out.push_str("Content-Type: multipart/alternative;\r\n");
    let _ = write!(out, " boundary=\"{boundary}\"\r\n\r\n");
    for (kind, body) in [("plain", text), ("html", html)] {
        let _ = write!(
            out,
            "--{boundary}\r\nContent-Type: text/{kind}; charset=UTF-8\r\n\
             Content-Transfer-Encoding: base64\r\n\r\n"
        );
        out.push_str(&base64_lines(crlf(body).as_bytes()));
    }
    let _ = write!(out, "--{boundary}--\r\n");
    out.into_bytes()
}
