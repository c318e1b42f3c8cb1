//! The optional `/healthz` and `/metrics` listener: a minimal HTTP/1.1 server off the daemon
//! loop. Monitoring asks a few times a minute, so a server framework would be all weight; its
//! own threads keep it answering while the daemon loop is busy with a long message, and keep
//! a slow client from ever stalling the loop. Each connection has one deadline for its whole
//! request and a few run at once, so a client trickling bytes cannot hold the probe hostage.

use super::health::{self, HealthThresholds};
use crate::telemetry::CONTENT_TYPE;
use crate::telemetry::Telemetry;
use anyhow::Context;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Largest request accepted: a GET with a few headers fits many times over.
const MAX_REQUEST: usize = 8 * 1024;

/// How long a client may take to send its whole request, or to take each part of the answer.
const TIMEOUT: Duration = Duration::from_secs(5);

/// Connections served at once; more are turned away with 503 at once.
const MAX_CONNECTIONS: usize = 4;

/// Binds `listen` and serves on a new thread; returns the bound address (port 0 picks one).
pub fn spawn(
    listen: &str,
    telemetry: Telemetry,
    thresholds: HealthThresholds,
) -> anyhow::Result<SocketAddr> {
    let listener = TcpListener::bind(listen)
        .with_context(|| format!("[ops] listen = \"{listen}\": cannot bind"))?;
    let addr = listener.local_addr()?;
    std::thread::Builder::new()
        .name("shenbao-http".into())
        .spawn(move || {
            let busy = Arc::new(AtomicUsize::new(0));
            for stream in listener.incoming() {
                match stream {
                    Ok(mut s) => {
                        if busy.fetch_add(1, Ordering::AcqRel) >= MAX_CONNECTIONS {
                            busy.fetch_sub(1, Ordering::AcqRel);
                            let _ = s.set_write_timeout(Some(TIMEOUT));
                            let _ = respond(&mut s, 503, "text/plain", "busy\n", false);
                            continue;
                        }
                        let (telemetry, thresholds, busy) =
                            (telemetry.clone(), thresholds, busy.clone());
                        let spawned = std::thread::Builder::new()
                            .name("shenbao-http-conn".into())
                            .spawn(move || {
                                if let Err(e) = serve(s, &telemetry, &thresholds) {
                                    tracing::debug!("http: {e}");
                                }
                                busy.fetch_sub(1, Ordering::AcqRel);
                            });
                        if let Err(e) = spawned {
                            tracing::debug!("http: no thread for a connection: {e}");
                        }
                    }
                    Err(e) => tracing::debug!("http accept: {e}"),
                }
            }
        })?;
    Ok(addr)
}

/// Answers one request and closes the connection.
fn serve(
    mut s: TcpStream,
    telemetry: &Telemetry,
    thresholds: &HealthThresholds,
) -> std::io::Result<()> {
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
            let problems = health::problems(telemetry, thresholds);
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
    let deadline = Instant::now() + TIMEOUT;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "request not complete in time",
            ));
        }
        s.set_read_timeout(Some(left))?;
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
        let thresholds = HealthThresholds {
            mailbox_stale: Duration::from_secs(60),
            outbox_stale: Duration::from_secs(60),
        };
        let addr = spawn("127.0.0.1:0", t.clone(), thresholds).unwrap();
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

    /// Clients that send half a request and wait (or trickle bytes) do not keep the probe
    /// from being answered; beyond the connection limit they are turned away, not queued.
    #[test]
    fn stalled_clients_do_not_block_the_probe() {
        let thresholds = HealthThresholds {
            mailbox_stale: Duration::from_secs(60),
            outbox_stale: Duration::from_secs(60),
        };
        let addr = spawn("127.0.0.1:0", Telemetry::default(), thresholds).unwrap();
        let stalled: Vec<TcpStream> = (0..MAX_CONNECTIONS - 1)
            .map(|_| {
                let mut s = TcpStream::connect(addr).unwrap();
                s.write_all(b"GET /hea").unwrap();
                s
            })
            .collect();
        // Well under TIMEOUT: a server still busy with a stalled client would not answer.
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(TIMEOUT / 2)).unwrap();
        s.write_all(b"GET /healthz HTTP/1.1\r\n\r\n").unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        assert!(out.starts_with("HTTP/1.1 200"), "{out}");
        drop(stalled);
    }
}
