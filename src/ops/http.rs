//! The optional `/healthz` and `/metrics` listener: axum on the daemon's runtime (the web desk
//! will be axum too). The daemon loop runs on the runtime's own thread and may hold it for a
//! long message; the listener runs on the worker thread ([`super::runtime`]), so monitoring
//! is answered meanwhile.
//!
//! What the framework does not bound is bounded here, in the listener: a few connections at
//! once (more are turned away with 503 at once), each with one deadline for its whole life
//! and closed after one answer, so a client trickling bytes cannot hold the probe hostage
//! nor keep a graceful shutdown waiting. hyper bounds the request head (~400 KB, 100 headers:
//! 431 beyond).

use super::health::{self, HealthThresholds};
use crate::shutdown::Shutdown;
use crate::telemetry::{self, Telemetry};
use anyhow::Context as _;
use axum::Router;
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONNECTION, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// How long a connection may last, from accept to the end of its answer.
const TIMEOUT: Duration = Duration::from_secs(5);

/// Connections served at once; more are turned away with 503 at once.
const MAX_CONNECTIONS: usize = 4;

/// Binds `listen` and serves on the runtime until `stop` fires; returns the bound address
/// (port 0 picks one). Must be called inside the runtime.
pub fn spawn(
    listen: &str,
    telemetry: Telemetry,
    thresholds: HealthThresholds,
    stop: Shutdown,
) -> anyhow::Result<SocketAddr> {
    serve(
        listen,
        Pages {
            telemetry,
            thresholds,
        },
        TIMEOUT,
        stop,
    )
}

fn serve(
    listen: &str,
    pages: Pages,
    timeout: Duration,
    mut stop: Shutdown,
) -> anyhow::Result<SocketAddr> {
    // Bound synchronously, so a taken port is an error of start-up, with the key named.
    let std = std::net::TcpListener::bind(listen)
        .with_context(|| format!("[ops] listen = \"{listen}\": cannot bind"))?;
    std.set_nonblocking(true)?;
    let listener = Guarded {
        inner: TcpListener::from_std(std)?,
        busy: Arc::new(AtomicUsize::new(0)),
        timeout,
    };
    let addr = listener.inner.local_addr()?;
    let app = router(pages);
    tokio::spawn(async move {
        let server = axum::serve(listener, app).with_graceful_shutdown(async move {
            stop.wait().await;
        });
        if let Err(e) = server.await {
            tracing::warn!("http listener stopped: {e}");
        }
    });
    Ok(addr)
}

/// What the pages are made of.
#[derive(Clone)]
struct Pages {
    telemetry: Telemetry,
    thresholds: HealthThresholds,
}

fn router(pages: Pages) -> Router {
    Router::new()
        .route("/healthz", get(healthz).fallback(method_not_allowed))
        .route("/metrics", get(metrics).fallback(method_not_allowed))
        .fallback(not_found)
        .layer(axum::middleware::map_response(one_answer_uncached))
        .with_state(pages)
}

async fn healthz(State(p): State<Pages>) -> Response {
    let problems = health::problems(&p.telemetry, &p.thresholds);
    if problems.is_empty() {
        text(StatusCode::OK, "ok\n".into())
    } else {
        text(StatusCode::SERVICE_UNAVAILABLE, problems.join("\n") + "\n")
    }
}

async fn metrics(State(p): State<Pages>) -> Response {
    let page = p.telemetry.render();
    ([(CONTENT_TYPE, telemetry::CONTENT_TYPE)], page).into_response()
}

async fn not_found() -> Response {
    text(StatusCode::NOT_FOUND, "not found\n".into())
}

async fn method_not_allowed() -> Response {
    text(
        StatusCode::METHOD_NOT_ALLOWED,
        "method not allowed\n".into(),
    )
}

fn text(code: StatusCode, body: String) -> Response {
    (code, [(CONTENT_TYPE, "text/plain")], body).into_response()
}

/// Every answer is fresh (a cached health page would hide an outage) and ends its
/// connection, so a connection's deadline never cuts a kept-alive one mid-request.
async fn one_answer_uncached(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(CONNECTION, HeaderValue::from_static("close"));
    res
}

/// The TCP listener with the connection limit and deadline.
struct Guarded {
    inner: TcpListener,
    /// Connections being served.
    busy: Arc<AtomicUsize>,
    /// Each connection's deadline.
    timeout: Duration,
}

impl axum::serve::Listener for Guarded {
    type Io = Deadlined;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Deadlined, SocketAddr) {
        loop {
            let (stream, addr) = match self.inner.accept().await {
                Ok(a) => a,
                Err(e) => {
                    // Out of descriptors and the like: wait a little rather than spin.
                    tracing::debug!("http accept: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            };
            if self.busy.fetch_add(1, Ordering::AcqRel) >= MAX_CONNECTIONS {
                self.busy.fetch_sub(1, Ordering::AcqRel);
                tokio::spawn(turn_away(stream, self.timeout));
                continue;
            }
            let io = Deadlined {
                stream,
                expired: Box::pin(tokio::time::sleep(self.timeout)),
                _slot: Slot(self.busy.clone()),
            };
            return (io, addr);
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

/// The answer to a connection over the limit. Its request is not parsed, only drained until
/// the client closes (within the deadline): closing on unread bytes would reset the
/// connection and lose the answer.
async fn turn_away(mut s: TcpStream, timeout: Duration) {
    const BUSY: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n\
        Content-Length: 5\r\nCache-Control: no-store\r\nConnection: close\r\n\r\nbusy\n";
    let _ = tokio::time::timeout(timeout, async {
        s.write_all(BUSY).await?;
        s.shutdown().await?;
        let mut sink = [0u8; 1024];
        while s.read(&mut sink).await? > 0 {}
        Ok::<_, std::io::Error>(())
    })
    .await;
}

/// A place among [`MAX_CONNECTIONS`], given back when the connection ends.
struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A connection that fails every read and write once its deadline has passed, which ends it.
struct Deadlined {
    stream: TcpStream,
    expired: Pin<Box<tokio::time::Sleep>>,
    _slot: Slot,
}

impl Deadlined {
    fn past_deadline(&mut self, cx: &mut Context<'_>) -> Option<std::io::Error> {
        self.expired.as_mut().poll(cx).is_ready().then(|| {
            std::io::Error::new(std::io::ErrorKind::TimedOut, "connection past its deadline")
        })
    }
}

impl AsyncRead for Deadlined {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        if let Some(e) = self.past_deadline(cx) {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Deadlined {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        if let Some(e) = self.past_deadline(cx) {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        if let Some(e) = self.past_deadline(cx) {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
#[path = "http_tests.rs"]
mod tests;
