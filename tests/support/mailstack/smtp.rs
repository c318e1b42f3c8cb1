//! A minimal SMTP client over a plain TCP stream, for injecting test mail.

use super::Result;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// Reads one (possibly multi-line) reply and checks its class.
fn expect(r: &mut impl BufRead, class: u8, what: &str) -> Result<String> {
    let mut all = String::new();
    loop {
        let mut line = String::new();
        if r.read_line(&mut line)? == 0 {
            return Err(format!("SMTP: connection closed after {what}").into());
        }
        all.push_str(&line);
        if line.as_bytes().get(3) != Some(&b'-') {
            break;
        }
    }
    if all.as_bytes().first() != Some(&class) {
        return Err(format!("SMTP: after {what}: {}", all.trim_end()).into());
    }
    Ok(all)
}

/// Normalises line ends to CRLF and dot-stuffs, as DATA requires.
pub fn dot_stuff(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len() + 64);
    let mut at_line_start = true;
    let mut prev = 0u8;
    for &b in raw {
        if b == b'\n' && prev != b'\r' {
            out.push(b'\r');
        }
        if at_line_start && b == b'.' {
            out.push(b'.');
        }
        out.push(b);
        at_line_start = b == b'\n';
        prev = b;
    }
    if !out.ends_with(b"\r\n") {
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// Sends one message; `from` may be empty (null sender, as replies use).
pub fn send(port: u16, from: &str, to: &[&str], raw: &[u8]) -> Result<()> {
    let stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(20)))?;
    let mut w = stream.try_clone()?;
    let mut r = BufReader::new(stream);
    expect(&mut r, b'2', "greeting")?;
    w.write_all(b"EHLO mailstack.test\r\n")?;
    expect(&mut r, b'2', "EHLO")?;
    w.write_all(format!("MAIL FROM:<{from}>\r\n").as_bytes())?;
    expect(&mut r, b'2', "MAIL FROM")?;
    for t in to {
        w.write_all(format!("RCPT TO:<{t}>\r\n").as_bytes())?;
        expect(&mut r, b'2', "RCPT TO")?;
    }
    w.write_all(b"DATA\r\n")?;
    expect(&mut r, b'3', "DATA")?;
    w.write_all(&dot_stuff(raw))?;
    w.write_all(b".\r\n")?;
    expect(&mut r, b'2', "end of data")?;
    w.write_all(b"QUIT\r\n")?;
    Ok(())
}

/// The python3 smtplib client for authenticated submission over TLS.
pub const SUBMIT_SCRIPT: &str = include_str!("submit.py");

/// Runs submit.py with `args`, the message on stdin.
pub fn run_submit(dir: &Path, args: &[String], raw: &[u8]) -> Result<()> {
    let mut child = Command::new("python3")
        .arg(dir.join("submit.py"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    if let Some(mut w) = child.stdin.take() {
        w.write_all(raw)?;
    }
    let out = child.wait_with_output()?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("submit: {}", String::from_utf8_lossy(&out.stderr).trim()).into())
    }
}
