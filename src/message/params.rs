//! Content-Type / Content-Disposition parameters re-read from the raw header bytes.
//!
//! mail-parser decodes each RFC 2231 continuation segment on its own (a GBK character split
//! across two segments is lost) and turns raw 8-bit GBK names into U+FFFD, so file names are
//! decoded here from the bytes as sent.

/// Decodes bytes in a MIME charset; the Chinese GB family all decode as GB18030, the superset
/// every Chinese mail client actually writes whatever label it puts on it.
pub fn decode_charset(label: &str, bytes: &[u8]) -> String {
    let label = label.trim().trim_matches('"').to_ascii_lowercase();
    let enc = match label.as_str() {
        "gb2312" | "gbk" | "gb18030" | "x-gbk" | "cp936" | "euc-cn" | "x-euc-cn" => {
            Some(encoding_rs::GB18030)
        }
        "" | "utf-8" | "utf8" | "us-ascii" => None,
        other => encoding_rs::Encoding::for_label(other.as_bytes()),
    };
    match enc {
        Some(enc) => enc.decode_without_bom_handling(bytes).0.into_owned(),
        None => raw_text(bytes),
    }
}

/// Undeclared 8-bit text: UTF-8 when it is valid UTF-8, else GBK as Foxmail and Outlook in
/// Chinese locales send it.
pub fn raw_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

/// Decodes a header value that may hold RFC 2047 encoded words and raw 8-bit text. Adjacent
/// words in the same charset are joined before decoding, because clients split a multibyte
/// character across two words.
pub fn decode_words(value: &[u8]) -> String {
    let mut out = String::new();
    // Raw bytes between encoded words, and decoded bytes of a run of words in one charset.
    let mut literal: Vec<u8> = Vec::new();
    let mut pending: Option<(String, Vec<u8>)> = None;
    let mut i = 0;
    while i < value.len() {
        if let Some((charset, bytes, end)) = encoded_word(value, i) {
            let gap_is_space = literal.iter().all(|b| b.is_ascii_whitespace());
            match &mut pending {
                Some((cs, buf)) if gap_is_space && cs.eq_ignore_ascii_case(&charset) => {
                    buf.extend_from_slice(&bytes);
                }
                _ => {
                    if let Some((cs, buf)) = pending.take() {
                        out.push_str(&decode_charset(&cs, &buf));
                        if !gap_is_space {
                            out.push_str(&raw_text(&literal));
                        }
                    } else {
                        out.push_str(&raw_text(&literal));
                    }
                    pending = Some((charset, bytes));
                }
            }
            literal.clear();
            i = end;
        } else {
            literal.extend(value.get(i).copied());
            i += 1;
        }
    }
    if let Some((cs, buf)) = pending {
        out.push_str(&decode_charset(&cs, &buf));
    }
    out.push_str(&raw_text(&literal));
    out
}

/// Parses `=?charset?B|Q?text?=` at `start`: (charset, decoded bytes, end index).
fn encoded_word(v: &[u8], start: usize) -> Option<(String, Vec<u8>, usize)> {
    let rest = v.get(start..)?;
    if !rest.starts_with(b"=?") {
        return None;
    }
    let q1 = 2 + rest.get(2..)?.iter().position(|&b| b == b'?')?;
    let charset = std::str::from_utf8(rest.get(2..q1)?).ok()?;
    // RFC 2231 allows a language suffix: charset*lang.
    let charset = charset.split('*').next().unwrap_or(charset).to_string();
    let enc = *rest.get(q1 + 1)?;
    if rest.get(q1 + 2) != Some(&b'?') {
        return None;
    }
    let text_start = q1 + 3;
    let len = rest
        .get(text_start..)?
        .windows(2)
        .position(|w| w == b"?=")?;
    let text = rest.get(text_start..text_start + len)?;
    if text.iter().any(|b| b.is_ascii_whitespace()) {
        return None;
    }
    let bytes = match enc.to_ascii_uppercase() {
        b'B' => base64(text),
        b'Q' => quoted(text),
        _ => return None,
    };
    Some((charset, bytes, start + text_start + len + 2))
}

/// Lenient base64: skips anything outside the alphabet, stops at padding.
pub fn base64(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut acc: u32 = 0;
    let mut bits = 0;
    for &c in text {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            _ => continue,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

/// RFC 2047 Q encoding: `_` is a space, `=XX` a byte.
fn quoted(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&c) = text.get(i) {
        match c {
            b'_' => out.push(b' '),
            b'=' => match text.get(i + 1..i + 3).and_then(hex_byte) {
                Some(b) => {
                    out.push(b);
                    i += 2;
                }
                None => out.push(b'='),
            },
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

fn hex_byte(two: &[u8]) -> Option<u8> {
    let s = std::str::from_utf8(two).ok()?;
    u8::from_str_radix(s, 16).ok()
}

/// RFC 2231 percent-decoding.
fn percent(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&c) = text.get(i) {
        if c == b'%'
            && let Some(b) = text.get(i + 1..i + 3).and_then(hex_byte)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// One header of a part, unfolded: lower-case name and raw value bytes.
pub(super) fn headers(raw: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = Vec::new();
    for line in raw.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            break;
        }
        if line.first().is_some_and(|&b| b == b' ' || b == b'\t') {
            if let Some((_, v)) = out.last_mut() {
                v.extend_from_slice(line);
            }
            continue;
        }
        if let Some(colon) = line.iter().position(|&b| b == b':') {
            let (name, value) = line.split_at(colon);
            let name = String::from_utf8_lossy(name).trim().to_ascii_lowercase();
            out.push((name, value.get(1..).unwrap_or_default().to_vec()));
        }
    }
    out
}

/// The `;`-separated parameters of a structured header value: lower-case name and raw value
/// with quotes and backslash escapes removed.
pub(super) fn parameters(value: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut i = 0;
    // Skip the main value (type/subtype or disposition).
    while let Some(&c) = value.get(i) {
        i += 1;
        if c == b';' {
            break;
        }
    }
    while i < value.len() {
        while value
            .get(i)
            .is_some_and(|b| b.is_ascii_whitespace() || *b == b';')
        {
            i += 1;
        }
        let name_start = i;
        while value.get(i).is_some_and(|&b| b != b'=' && b != b';') {
            i += 1;
        }
        let name = String::from_utf8_lossy(value.get(name_start..i).unwrap_or_default())
            .trim()
            .to_ascii_lowercase();
        if value.get(i) != Some(&b'=') {
            continue;
        }
        i += 1;
        while value.get(i).is_some_and(|b| *b == b' ' || *b == b'\t') {
            i += 1;
        }
        let mut v = Vec::new();
        if value.get(i) == Some(&b'"') {
            i += 1;
            while let Some(&c) = value.get(i) {
                i += 1;
                match c {
                    b'"' => break,
                    b'\\' => {
                        v.extend(value.get(i).copied());
                        i += 1;
                    }
                    _ => v.push(c),
                }
            }
            while value.get(i).is_some_and(|&b| b != b';') {
                i += 1;
            }
        } else {
            while let Some(&c) = value.get(i) {
                if c == b';' {
                    break;
                }
                v.push(c);
                i += 1;
            }
            while v.last().is_some_and(|b| b.is_ascii_whitespace()) {
                v.pop();
            }
        }
        if !name.is_empty() {
            out.push((name, v));
        }
    }
    out
}

/// The value of parameter `base`, RFC 2231 forms (`base*`, `base*0*`, `base*1`…) first, else the
/// plain one with encoded words or raw 8-bit text.
fn parameter(params: &[(String, Vec<u8>)], base: &str) -> Option<String> {
    let mut segments: Vec<(u32, bool, &[u8])> = Vec::new();
    let mut single: Option<&[u8]> = None;
    let mut plain: Option<&[u8]> = None;
    for (name, value) in params {
        if name == base {
            plain = Some(value);
            continue;
        }
        let Some(rest) = name.strip_prefix(base).and_then(|r| r.strip_prefix('*')) else {
            continue;
        };
        if rest.is_empty() {
            single = Some(value);
        } else {
            let (num, extended) = match rest.strip_suffix('*') {
                Some(n) => (n, true),
                None => (rest, false),
            };
            if let Ok(n) = num.parse::<u32>() {
                segments.push((n, extended, value));
            }
        }
    }
    if !segments.is_empty() {
        segments.sort_by_key(|s| s.0);
        let mut charset = String::new();
        let mut bytes = Vec::new();
        for (idx, (_, extended, value)) in segments.iter().enumerate() {
            if *extended {
                let mut v: &[u8] = value;
                if idx == 0 {
                    let (cs, text) = split_charset(value);
                    charset = cs;
                    v = text;
                }
                bytes.extend(percent(v));
            } else {
                bytes.extend_from_slice(value);
            }
        }
        return Some(finish(&charset, &bytes));
    }
    if let Some(value) = single {
        let (cs, text) = split_charset(value);
        return Some(finish(&cs, &percent(text)));
    }
    plain.map(decode_words)
}

/// Decodes joined RFC 2231 bytes; an encoded word inside (some clients put one there) or an
/// undeclared charset still decodes.
fn finish(charset: &str, bytes: &[u8]) -> String {
    if charset.is_empty() {
        decode_words(bytes)
    } else {
        decode_charset(charset, bytes)
    }
}

/// Splits `charset'language'text`; without the two quotes the whole value is text.
fn split_charset(value: &[u8]) -> (String, &[u8]) {
    let mut parts = value.splitn(3, |&b| b == b'\'');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(cs), Some(_), Some(text)) => (String::from_utf8_lossy(cs).into_owned(), text),
        _ => (String::new(), value),
    }
}

/// What the raw header block of one part says about it.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PartHeader {
    /// Decoded file name: Content-Disposition `filename`, else Content-Type `name`.
    pub file_name: Option<String>,
    /// Disposition is `attachment`: the sender meant a file even when it is unnamed text.
    pub is_attachment: bool,
}

/// Reads a part's raw header block.
pub fn part_header(raw: &[u8]) -> PartHeader {
    let mut filename = None;
    let mut name = None;
    let mut is_attachment = false;
    for (hname, value) in headers(raw) {
        match hname.as_str() {
            "content-disposition" => {
                let main = String::from_utf8_lossy(&value).to_ascii_lowercase();
                is_attachment |= main.trim_start().starts_with("attachment");
                filename = filename.or_else(|| parameter(&parameters(&value), "filename"));
            }
            "content-type" => name = name.or_else(|| parameter(&parameters(&value), "name")),
            _ => {}
        }
    }
    let clean = |s: String| {
        let t = s.trim().to_string();
        (!t.is_empty()).then_some(t)
    };
    PartHeader {
        file_name: filename.and_then(clean).or_else(|| name.and_then(clean)),
        is_attachment,
    }
}

#[cfg(test)]
mod tests;
