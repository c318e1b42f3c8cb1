use super::*;
use crate::shutdown;
use std::io::{Read, Write};
use std::time::Instant;

fn thresholds() -> HealthThresholds {
    HealthThresholds {
        mailbox_stale: Duration::from_secs(60),
        outbox_stale: Duration::from_secs(60),
    }
}

/// The daemon's runtime with a listener on a free port; the trigger stops it.
fn start(
    telemetry: Telemetry,
    timeout: Duration,
) -> (tokio::runtime::Runtime, SocketAddr, shutdown::Trigger) {
    let rt = crate::ops::runtime().unwrap();
    let (trigger, stop) = shutdown::channel();
    let pages = Pages {
        telemetry,
        thresholds: thresholds(),
    };
    let addr = rt
        .block_on(async { serve("127.0.0.1:0", pages, timeout, stop) })
        .unwrap();
    (rt, addr, trigger)
}

fn get(addr: SocketAddr, req: &str) -> String {
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(req.as_bytes()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

fn header<'a>(answer: &'a str, name: &str) -> Option<&'a str> {
    let head = answer.split("\r\n\r\n").next()?;
    head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

#[test]
fn routes_status_codes_and_content_types() {
    let t = Telemetry::default();
    let (_rt, addr, _stop) = start(t.clone(), TIMEOUT);
    let ok = get(addr, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    assert!(
        ok.starts_with("HTTP/1.1 200 OK\r\n") && ok.ends_with("\r\n\r\nok\n"),
        "{ok}"
    );
    assert_eq!(header(&ok, "content-type"), Some("text/plain"), "{ok}");
    assert_eq!(header(&ok, "cache-control"), Some("no-store"), "{ok}");
    assert_eq!(header(&ok, "connection"), Some("close"), "{ok}");
    let m = get(addr, "GET /metrics?x=1 HTTP/1.0\r\n\r\n");
    assert_eq!(
        header(&m, "content-type"),
        Some("text/plain; version=0.0.4; charset=utf-8"),
        "{m}"
    );
    assert!(m.contains("\nshenbao_replies_sent_total 0\n"), "{m}");
    let head = get(addr, "HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    assert!(
        head.starts_with("HTTP/1.1 200") && head.ends_with("\r\n\r\n"),
        "{head}"
    );
    let nope = get(addr, "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n");
    assert!(
        nope.starts_with("HTTP/1.1 404") && nope.ends_with("not found\n"),
        "{nope}"
    );
    let post = get(
        addr,
        "POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
    );
    assert!(post.starts_with("HTTP/1.1 405"), "{post}");
    // A head past hyper's header limit is refused, not buffered.
    let many: String = (0..120).map(|i| format!("X-{i}: y\r\n")).collect();
    let big = get(
        addr,
        &format!("GET /healthz HTTP/1.1\r\nHost: x\r\n{many}\r\n"),
    );
    assert!(big.starts_with("HTTP/1.1 431"), "{big}");
    t.outbox(
        1,
        Some(std::time::SystemTime::now() - Duration::from_secs(600)),
    );
    let bad = get(addr, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    assert!(bad.starts_with("HTTP/1.1 503"), "{bad}");
    assert!(bad.contains("oldest queued reply"), "{bad}");
}

/// Clients that send half a request and wait do not keep the probe from being answered;
/// beyond the connection limit they are turned away, not queued; each is cut at its deadline.
#[test]
fn stalled_clients_do_not_block_the_probe() {
    let timeout = Duration::from_millis(1500);
    let (_rt, addr, _stop) = start(Telemetry::default(), timeout);
    let mut stalled: Vec<std::net::TcpStream> = (0..MAX_CONNECTIONS - 1)
        .map(|_| {
            let mut s = std::net::TcpStream::connect(addr).unwrap();
            s.write_all(b"GET /hea").unwrap();
            s
        })
        .collect();
    std::thread::sleep(Duration::from_millis(100));
    let t = Instant::now();
    let ok = get(addr, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");
    assert!(t.elapsed() < timeout / 2, "{:?}", t.elapsed());
    // All places taken: the next is told at once.
    let mut last = std::net::TcpStream::connect(addr).unwrap();
    last.write_all(b"GET /hea").unwrap();
    std::thread::sleep(Duration::from_millis(100));
    let busy = get(addr, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    assert!(
        busy.starts_with("HTTP/1.1 503") && busy.ends_with("busy\n"),
        "{busy}"
    );
    // Past the deadline the stalled connections are closed, and their places free again.
    stalled.push(last);
    let mut rest = String::new();
    for s in &mut stalled {
        s.set_read_timeout(Some(timeout * 3)).unwrap();
        assert!(
            s.read_to_string(&mut rest).is_ok(),
            "not closed at its deadline"
        );
    }
    let ok = get(addr, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");
}

/// The loop holds the runtime's own thread (a long message): the listener still answers.
#[test]
fn answers_while_the_loop_is_busy() {
    let (rt, addr, _stop) = start(Telemetry::default(), TIMEOUT);
    rt.block_on(async {
        let probe =
            std::thread::spawn(move || get(addr, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
        // Synchronous work, as judging a stack of scans is.
        std::thread::sleep(Duration::from_millis(1500));
        assert!(probe.is_finished(), "the probe waited for the loop");
        let ok = probe.join().unwrap();
        assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");
    });
}

#[test]
fn stops_when_shutdown_fires() {
    let (_rt, addr, stop) = start(Telemetry::default(), TIMEOUT);
    assert!(get(addr, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").starts_with("HTTP/1.1 200"));
    stop.trigger();
    let end = Instant::now() + Duration::from_secs(5);
    while std::net::TcpStream::connect(addr).is_ok() {
        assert!(Instant::now() < end, "still listening after shutdown");
        std::thread::sleep(Duration::from_millis(50));
    }
}
