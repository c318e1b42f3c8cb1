//! The desk's listener, on the daemon's runtime beside `/healthz`: plain HTTP on loopback
//! (behind the office's reverse proxy), rustls anywhere else unless `allow_insecure` — the
//! rule of the mail connections ([`crate::config::Web::transport`]).
//!
//! Every answer carries the security headers: a CSP that allows only the desk's own assets
//! (no inline script or style, no framing, forms only to itself), `nosniff`, a same-origin
//! referrer, and `no-store` unless the handler chose its own caching (embedded assets).
//! Connections are bounded in [`conn`].

mod conn;

use super::Desk;
use crate::config::{ListenProblem, Transport};
use crate::shutdown::Shutdown;
use anyhow::Context as _;
use axum::extract::DefaultBodyLimit;
use axum::http::HeaderValue;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY,
    X_CONTENT_TYPE_OPTIONS,
};
use axum::response::Response;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use tokio_rustls::TlsAcceptor;

/// The desk's content security policy: its own scripts, styles and images (and `data:`
/// images, for seal evidence inlined in a page), never framed, forms only to itself.
pub const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; \
    script-src 'self'; frame-ancestors 'none'; form-action 'self'";

/// Largest request body any extractor reads.
const MAX_BODY: usize = 1024 * 1024;

/// Binds `[web] listen` and serves the desk until `stop` fires; returns the bound address
/// (port 0 picks one). Must be called inside the runtime. A section that breaks the TLS rule
/// is an error naming the key to set.
pub fn spawn(
    cfg: &crate::config::Web,
    desk: Desk,
    mut stop: Shutdown,
) -> anyhow::Result<SocketAddr> {
    let listen = cfg.listen.as_deref().unwrap_or_default();
    let (addr, transport) = match cfg.transport() {
        None => anyhow::bail!("[web] listen is not set"),
        Some(Err(problem)) => anyhow::bail!(describe(&problem, listen)),
        Some(Ok(t)) => t,
    };
    let tls_served = matches!(transport, Transport::Tls { .. });
    let tls = match &transport {
        Transport::Plain => None,
        Transport::Tls { cert, key } => Some(acceptor(cert, key)?),
    };
    let std = std::net::TcpListener::bind(addr)
        .with_context(|| format!("[web] listen = \"{listen}\": cannot bind"))?;
    std.set_nonblocking(true)?;
    let listener = tokio::net::TcpListener::from_std(std)?;
    let addr = listener.local_addr()?;
    let app = super::router(desk)
        .layer(axum::middleware::map_response(move |res| {
            security_headers(res, tls_served)
        }))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .into_make_service_with_connect_info::<Peer>();
    let listener = conn::Guarded::start(listener, tls);
    tokio::spawn(async move {
        let server = axum::serve(listener, app).with_graceful_shutdown(async move {
            stop.wait().await;
        });
        if let Err(e) = server.await {
            tracing::warn!("web desk stopped: {e}");
        }
    });
    Ok(addr)
}

/// The remote address of a request (`ConnectInfo<Peer>`), for the login log.
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub SocketAddr);

impl axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, conn::Guarded>>
    for Peer
{
    fn connect_info(stream: axum::serve::IncomingStream<'_, conn::Guarded>) -> Peer {
        Peer(*stream.remote_addr())
    }
}

/// What is wrong with `[web]`, naming the key to fix.
fn describe(problem: &ListenProblem, listen: &str) -> String {
    match problem {
        ListenProblem::NotAnAddress => {
            format!("[web] listen = \"{listen}\" is not address:port (e.g. 127.0.0.1:8080)")
        }
        ListenProblem::HalfTls(missing) => {
            format!("[web] {missing} is not set: TLS needs both tls_cert and tls_key")
        }
        ListenProblem::PlainOffLoopback => format!(
            "[web] listen = \"{listen}\" is not a loopback address: set tls_cert and tls_key \
             (or allow_insecure = true for plain HTTP on a network you trust)"
        ),
    }
}

/// A TLS acceptor for the PEM certificate chain and key (ring provider, HTTP/1.1).
fn acceptor(cert: &Path, key: &Path) -> anyhow::Result<TlsAcceptor> {
    let certs = CertificateDer::pem_file_iter(cert)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .with_context(|| format!("[web] tls_cert = \"{}\": cannot read", cert.display()))?;
    anyhow::ensure!(
        !certs.is_empty(),
        "[web] tls_cert = \"{}\": no certificate in it",
        cert.display()
    );
    let key = PrivateKeyDer::from_pem_file(key)
        .with_context(|| format!("[web] tls_key = \"{}\": cannot read", key.display()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .context("TLS protocol versions")?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .context("[web] tls_cert and tls_key do not make a usable certificate")?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// The security headers every answer carries (and HSTS when the desk serves TLS itself).
async fn security_headers(mut res: Response, tls: bool) -> Response {
    let h = res.headers_mut();
    if tls {
        h.insert(
            STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    // A handler's own policy stays: a sender's file is served under `sandbox`.
    if !h.contains_key(CONTENT_SECURITY_POLICY) {
        h.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    }
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if !h.contains_key(CACHE_CONTROL) {
        h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}
