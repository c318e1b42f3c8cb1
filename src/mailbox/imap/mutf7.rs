//! Modified UTF-7 (RFC 3501 §5.1.3), the encoding IMAP uses for folder names: async-imap sends
//! names as given, so `已处理` must be encoded here or the server refuses or garbles it.
//!
//! Written here rather than taken from `utf7-imap` 0.3: that crate's decoder unwraps its
//! base64 and panics on a malformed name a server could list (`&2D3-`, `x&Ze-`, `&!!-`), its
//! encoder lets DEL (0x7f) through unencoded, and it brings base64 0.13 (a third copy) and
//! compiles a regex at each call. Only `encode` runs in the daemon; `decode` checks it.

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

/// Encodes a folder name: printable ASCII stays, `&` becomes `&-`, everything else goes as
/// UTF-16BE in base64 (with `,` for `/`, no padding) between `&` and `-`.
pub fn encode(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut run: Vec<u16> = Vec::new();
    for c in name.chars() {
        if (' '..='~').contains(&c) {
            flush(&mut run, &mut out);
            if c == '&' {
                out.push_str("&-");
            } else {
                out.push(c);
            }
        } else {
            let mut buf = [0u16; 2];
            run.extend_from_slice(c.encode_utf16(&mut buf));
        }
    }
    flush(&mut run, &mut out);
    out
}

fn flush(run: &mut Vec<u16>, out: &mut String) {
    if run.is_empty() {
        return;
    }
    let bytes: Vec<u8> = run.iter().flat_map(|u| u.to_be_bytes()).collect();
    out.push('&');
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let digits = chunk.len() + 1;
        for i in 0..digits {
            let idx = ((n >> (18 - 6 * i)) & 63) as usize;
            out.push(char::from(B64[idx]));
        }
    }
    out.push('-');
    run.clear();
}

/// Decodes a folder name as the server lists it; `None` when it is not valid modified UTF-7.
pub fn decode(name: &str) -> Option<String> {
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(pos) = rest.find('&') {
        out.push_str(rest.get(..pos)?);
        let after = rest.get(pos + 1..)?;
        let end = after.find('-')?;
        let b64 = after.get(..end)?;
        if b64.is_empty() {
            out.push('&');
        } else {
            let mut bits: u32 = 0;
            let mut nbits = 0;
            let mut bytes = Vec::new();
            for c in b64.bytes() {
                let v = B64.iter().position(|&x| x == c)? as u32;
                bits = (bits << 6) | v;
                nbits += 6;
                if nbits >= 8 {
                    nbits -= 8;
                    bytes.push(((bits >> nbits) & 0xff) as u8);
                }
            }
            let units: Vec<u16> = bytes
                .chunks(2)
                .map(|p| match p {
                    [a, b] => Some(u16::from_be_bytes([*a, *b])),
                    _ => None,
                })
                .collect::<Option<_>>()?;
            out.push_str(&String::from_utf16(&units).ok()?);
        }
        rest = after.get(end + 1..)?;
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_names() {
        // Values as Dovecot and Thunderbird write them.
        assert_eq!(encode("INBOX"), "INBOX");
        assert_eq!(encode("已处理"), "&XfJZBHQG-");
        assert_eq!(encode("处理失败"), "&WQR0BlkxjSU-");
        assert_eq!(encode("已发送"), "&XfJT0ZAB-");
        assert_eq!(encode("A&B"), "A&-B");
        assert_eq!(encode("&-"), "&--");
        // DEL is not printable ASCII: it is encoded, never sent raw.
        assert_eq!(encode("a\u{7f}b"), "a&AH8-b");
        // Outside the BMP: a surrogate pair in one run.
        assert_eq!(encode("😀"), "&2D3eAA-");
        assert_eq!(
            encode("~peter/mail/台北/日本語"),
            "~peter/mail/&U,BTFw-/&ZeVnLIqe-"
        );
        assert_eq!(decode("&ZeVnLIqe-").as_deref(), Some("日本語"));
        assert_eq!(decode("A&-B").as_deref(), Some("A&B"));
    }

    #[test]
    fn round_trips_and_never_panics() {
        for s in [
            "",
            "已处理/2023年",
            "a b&c",
            "😀 emoji",
            "混合ASCII混合",
            "&&",
            "&-",
            "处理失败",
            "已发送",
            "a\u{7f}b",
        ] {
            let e = encode(s);
            assert!(e.bytes().all(|b| (0x20..0x7f).contains(&b)), "{e}");
            assert_eq!(decode(&e).as_deref(), Some(s));
        }
        for bad in ["&", "&ZeV", "&!!-", "&2D3-", "x&Ze-"] {
            let _ = decode(bad);
        }
        // Malformed names decode to None, never a panic (utf7-imap 0.3 panics on these).
        for bad in ["&!!-", "&2D3-", "x&Ze-"] {
            assert_eq!(decode(bad), None, "{bad}");
        }
    }
}
