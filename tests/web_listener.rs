//! The desk's listener: plain HTTP refused off loopback (naming the keys), TLS with an
//! openssl-made certificate and a `Secure` cookie, and the bound on connections at once.
// A test crate: a failed unwrap, expect or panic is the test failing, which is what it should do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::place::Place;
use shenbao::daemon::Daemon;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};

/// The status of `GET path` over plain HTTP.
fn status(addr: SocketAddr, path: &str) -> u16 {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    raw.split(' ').nth(1).unwrap().parse().unwrap()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn plain_http_off_loopback_is_refused_naming_the_keys() {
    let place = Place::new("web-insecure");
    let mut cfg = place.config();
    cfg.web.listen = Some("0.0.0.0:0".into());
    let rt = runtime();
    let err = rt.block_on(Daemon::open(cfg)).err().unwrap().to_string();
    assert!(err.contains("tls_cert") && err.contains("tls_key"), "{err}");
}

/// A CA and a certificate for `localhost` it signed, by openssl (None when openssl is missing).
fn certificates(
    dir: &Path,
) -> Option<(std::path::PathBuf, std::path::PathBuf, std::path::PathBuf)> {
    let run = |args: &[&str]| {
        Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    };
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    std::fs::write(
        dir.join("leaf.ext"),
        "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n",
    )
    .unwrap();
    let ok = run(&[
        &["req", "-x509"][..],
        &ec,
        &[
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-subj",
            "/CN=test-ca",
            "-days",
            "1",
        ],
    ]
    .concat())
        && run(&[
            &["req"][..],
            &ec,
            &[
                "-keyout",
                "key.pem",
                "-out",
                "leaf.csr",
                "-subj",
                "/CN=localhost",
            ],
        ]
        .concat())
        && run(&[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "cert.pem",
            "-days",
            "1",
            "-extfile",
            "leaf.ext",
        ]);
    ok.then(|| {
        (
            dir.join("ca.pem"),
            dir.join("cert.pem"),
            dir.join("key.pem"),
        )
    })
}

/// One request over TLS to `localhost` at `addr`, trusting `ca`; the raw answer.
async fn https(addr: SocketAddr, ca: &Path, request: &str) -> String {
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_file(ca).unwrap())
        .unwrap();
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let tls = tokio_rustls::TlsConnector::from(std::sync::Arc::new(config));
    let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let name = rustls_pki_types::ServerName::try_from("localhost").unwrap();
    let mut s = tls.connect(name, tcp).await.unwrap();
    s.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    // A TLS peer may close without close_notify; what was read until then is the answer.
    let _ = s.read_to_end(&mut raw).await;
    String::from_utf8_lossy(&raw).to_string()
}

#[test]
fn over_tls_the_desk_answers_and_its_cookie_is_secure() {
    let place = Place::new("web-tls");
    let Some((ca, cert, key)) = certificates(&place.0) else {
        eprintln!("openssl is missing: TLS not tested");
        return;
    };
    let mut cfg = place.config();
    cfg.web.listen = Some("127.0.0.1:0".into());
    cfg.web.tls_cert = Some(cert);
    cfg.web.tls_key = Some(key);
    let rt = runtime();
    let d = rt.block_on(Daemon::open(cfg)).unwrap();
    let addr = d.web_addr().unwrap();
    let phc = shenbao::web::auth::password::hash("tls-pass-123").unwrap();
    rt.block_on(
        d.store()
            .add_user("zhao", shenbao::web::auth::Role::Viewer, &phc),
    )
    .unwrap();

    let get = "GET /login HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    let answer = rt.block_on(https(addr, &ca, get));
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(
        answer
            .to_ascii_lowercase()
            .contains("strict-transport-security: max-age="),
        "{answer}"
    );
    let form = "username=zhao&password=tls-pass-123";
    let post = format!(
        "POST /login HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
        form.len()
    );
    let answer = rt.block_on(https(addr, &ca, &post));
    assert!(answer.starts_with("HTTP/1.1 303"), "{answer}");
    let cookie = answer
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .unwrap();
    assert!(
        cookie.contains("; Secure") && cookie.contains("HttpOnly"),
        "{cookie}"
    );

    // Plain HTTP to the TLS port gets no page.
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(15)))
        .unwrap();
    s.write_all(get.as_bytes()).unwrap();
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    assert!(!String::from_utf8_lossy(&raw).contains("200 OK"));
    rt.block_on(async move { drop(d) });
}

#[test]
fn connections_beyond_the_limit_are_closed_and_a_freed_place_serves_again() {
    let place = Place::new("web-limit");
    let mut cfg = place.config();
    cfg.web.listen = Some("127.0.0.1:0".into());
    let rt = runtime();
    let d = rt.block_on(Daemon::open(cfg)).unwrap();
    let addr = d.web_addr().unwrap();
    // Idle connections, each holding a place until its deadline.
    let mut held: Vec<TcpStream> = (0..64).map(|_| TcpStream::connect(addr).unwrap()).collect();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let mut extra = TcpStream::connect(addr).unwrap();
    extra
        .set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .unwrap();
    let _ = extra.write_all(b"GET /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    let mut buf = Vec::new();
    let n = extra.read_to_end(&mut buf);
    assert!(
        matches!(n, Ok(0)) || n.is_err(),
        "the 65th connection is closed unanswered: {:?}",
        String::from_utf8_lossy(&buf)
    );
    held.pop();
    drop(held.pop());
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(status(addr, "/login"), 200);
    drop(held);
    rt.block_on(async move { drop(d) });
}
