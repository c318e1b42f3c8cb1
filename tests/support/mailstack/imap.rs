//! IMAP as a test client sees it: python3's imaplib over implicit TLS (verified against the
//! stack's CA), one process per operation; and modified UTF-7 for folder names.

use super::Result;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// The client script, written next to the stack's config.
pub const SCRIPT: &str = include_str!("imap.py");

/// One message as FETCH returned it.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// Its UID in the folder.
    pub uid: u32,
    /// INTERNALDATE as the server wrote it, e.g. `20-Apr-2023 10:15:00 +0800`.
    pub internal_date: String,
    /// The whole message.
    pub raw: Vec<u8>,
}

/// What a run of the script produced; `None` when the folder does not exist.
pub fn run_script(
    dir: &Path,
    port: u16,
    ca: &Path,
    user: (&str, &str),
    args: &[&str],
    stdin: Option<&[u8]>,
) -> Result<Option<Vec<u8>>> {
    let mut child = Command::new("python3")
        .arg(dir.join("imap.py"))
        .arg(port.to_string())
        .arg(ca)
        .arg(user.0)
        .arg(user.1)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    if let Some(mut w) = child.stdin.take() {
        w.write_all(stdin.unwrap_or_default())?;
    }
    let out = child.wait_with_output()?;
    match out.status.code() {
        Some(0) => Ok(Some(out.stdout)),
        Some(2) => Ok(None),
        _ => Err(format!(
            "imap {args:?} as {}: {}",
            user.0,
            String::from_utf8_lossy(&out.stderr).trim()
        )
        .into()),
    }
}

/// Splits the script's `fetch` output: a header line `UID LEN DATE` then LEN bytes, repeated.
pub fn parse_fetch(mut out: &[u8]) -> Result<Vec<Fetched>> {
    let mut v = Vec::new();
    while !out.is_empty() {
        let nl = out
            .iter()
            .position(|&b| b == b'\n')
            .ok_or("fetch output: header without newline")?;
        let head = String::from_utf8_lossy(&out[..nl]).to_string();
        let mut parts = head.splitn(3, ' ');
        let uid: u32 = parts.next().unwrap_or_default().parse()?;
        let len: usize = parts.next().unwrap_or_default().parse()?;
        let internal_date = parts.next().unwrap_or_default().to_string();
        let body = out
            .get(nl + 1..nl + 1 + len)
            .ok_or("fetch output: truncated body")?;
        v.push(Fetched {
            uid,
            internal_date,
            raw: body.to_vec(),
        });
        out = &out[nl + 1 + len..];
    }
    Ok(v)
}

/// RFC 3501 §5.1.3 modified UTF-7: `已处理` → `&XfJSIJZk-`.
pub fn mutf7(name: &str) -> String {
    const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";
    let mut out = String::new();
    let mut pending: Vec<u16> = Vec::new();
    let flush = |pending: &mut Vec<u16>, out: &mut String| {
        if pending.is_empty() {
            return;
        }
        let bytes: Vec<u8> = pending.iter().flat_map(|u| u.to_be_bytes()).collect();
        out.push('&');
        for chunk in bytes.chunks(3) {
            let b = [
                chunk[0],
                chunk.get(1).copied().unwrap_or(0),
                chunk.get(2).copied().unwrap_or(0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..=chunk.len() {
                out.push(char::from(B64[((n >> (18 - 6 * i)) & 63) as usize]));
            }
        }
        out.push('-');
        pending.clear();
    };
    for c in name.chars() {
        if (' '..='~').contains(&c) {
            flush(&mut pending, &mut out);
            out.push(c);
            if c == '&' {
                out.push('-');
            }
        } else {
            let mut buf = [0u16; 2];
            pending.extend_from_slice(c.encode_utf16(&mut buf));
        }
    }
    flush(&mut pending, &mut out);
    out
}
