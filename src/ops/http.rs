//! The optional `/healthz` and `/metrics` listener: a minimal HTTP/1.1 server on its own
//! thread, one connection at a time. Monitoring asks a few times a minute, so a server
//! framework would be all weight; its own thread keeps it answering while the daemon loop is
//! busy with a long message, and keeps a slow client from ever stalling the loop.

use super::exposition::CONTENT_TYPE;
use super::health::{self, Limits};
use super::telemetry::Telemetry;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

/// Largest request accepted: a GET with a few headers fits many times over.
const MAX_REQUEST: usize = 8 * 1024;

/// How long a client may take to send its request or read the answer.
const TIMEOUT: Duration = Duration::from_secs(5);

/// Binds `listen` and serves on a new thread; returns the bound address (port 0 picks one).
pub fn spawn(listen: &str, telemetry: Telemetry, limits: Limits) -> anyhow::Result<SocketAddr> {
    let listener = TcpListener::bind(listen)
        .map_err(|e| anyhow::anyhow!("[ops] listen = \"{listen}\": cannot bind: {e}"))?;
    let addr = listener.local_addr()?;
    std::thread::Builder::new()
        .name("shenbao-http".into())
        .spawn(move || {
            for stream in listener.incoming() {
                match stream {
                    Ok(s) => {
                        if let Err(e) = serve(s, &telemetry, &limits) {
                            tracing::debug!("http: {e}");
                        }
                    }
                    Err(e) => tracing::debug!("http accept: {e}"),
                }
            }
        })?;
    Ok(addr)
}

/// Answers one request and closes the connection.
fn serve(mut s: TcpStream, telemetry: &Telemetry, limits: &Limits) -> std::io::Result<()> {
    s.set_read_timeout(Some(TIMEOUT))?;
    s.set_write_timeout(Some(TIMEOUT))?;
    let head = match read_head(&mut s)? {
        Some(h) => h,
        None => return respond(&mut s, 413, "text/plain", "request too large\n", false),
    };
    let line = head.lines().next().unwrap_or("");
    let mut parts = line.split(' ');
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let path = target.split('?').next().unwrap_or("");
    let head_only = method == "HEAD";
    if method != "GET" && !head_only {
        return respond(&mut s, 405, "text/plain", "method not allowed\n", false);
    }
    match path {
        "/healthz" => {
            let problems = health::problems(telemetry, limits);
            if problems.is_empty() {
                respond(&mut s, 200, "text/plain", "ok\n", head_only)
            } else {
                let body = problems.join("\n") + "\n";
                respond(&mut s, 503, "text/plain", &body, head_only)
            }
        }
        "/metrics" => respond(&mut s, 200, CONTENT_TYPE, &telemetry.render(), head_only),
        _ => respond(&mut s, 404, "text/plain", "not found\n", head_only),
    }
}

/// The request line and headers; None when they exceed [`MAX_REQUEST`]. A body, if any, is
/// not read: nothing here takes one.
fn read_head(s: &mut TcpStream) -> std::io::Result<Option<String>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            buf.truncate(end);
            return Ok(Some(String::from_utf8_lossy(&buf).into_owned()));
        }
        if buf.len() > MAX_REQUEST {
            return Ok(None);
        }
        let n = s.read(&mut chunk)?;
        if n == 0 {
            // A client that closes early still gets its answer for what it sent.
            return Ok(Some(String::from_utf8_lossy(&buf).into_owned()));
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

fn respond(
    s: &mut TcpStream,
    code: u16,
    content_type: &str,
    body: &str,
    head_only: bool,
) -> std::io::Result<()> {
    let reason = match code {
        200 => "OK",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Content Too Large",
        _ => "Service Unavailable",
    };
    let mut out = format!(
        "HTTP/1.1 {code} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    if !head_only {
        out.push_str(body);
    }
    s.write_all(out.as_bytes())?;
    s.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(addr: SocketAddr, req: &str) -> String {
        let mut s = TcpStream::connect(addr).unwrap();
        s.write_all(req.as_bytes()).unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out
    }

    #[test]
    fn routes_and_limits() {
        let t = Telemetry::default();
        let limits = Limits {
            mailbox_stale: Duration::from_secs(60),
            outbox_stale: Duration::from_secs(60),
        };
        let addr = spawn("127.0.0.1:0", t.clone(), limits).unwrap();
        let ok = get(addr, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        assert!(
            ok.starts_with("HTTP/1.1 200 OK\r\n") && ok.ends_with("\r\n\r\nok\n"),
            "{ok}"
        );
        let m = get(addr, "GET /metrics HTTP/1.0\r\n\r\n");
        assert!(m.contains("version=0.0.4"), "{m}");
        assert!(m.contains("shenbao_replies_sent_total 0"), "{m}");
        assert!(get(addr, "GET /nope HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 404"));
        assert!(get(addr, "POST /metrics HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 405"));
        // Unterminated, and all of it read by the server: no reset before the answer.
        let big = format!("GET /{}", "a".repeat(MAX_REQUEST + 500));
        assert!(get(addr, &big).starts_with("HTTP/1.1 413"));
        t.outbox(
            1,
            Some(std::time::SystemTime::now() - Duration::from_secs(600)),
        );
        let bad = get(addr, "GET /healthz HTTP/1.1\r\n\r\n");
        assert!(bad.starts_with("HTTP/1.1 503"), "{bad}");
        assert!(bad.contains("oldest queued reply"), "{bad}");
    }
}
