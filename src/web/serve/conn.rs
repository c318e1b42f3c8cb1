//! The desk's connections, bounded where the framework does not: at most
//! [`MAX_CONNECTIONS`] at once (more are closed at once), TLS handshakes off the accept loop
//! and within [`HANDSHAKE`], and a deadline only the desk's own answers push forward — a
//! client must send each request within [`TIMEOUT`] of connecting or of the last answer's
//! bytes, so one trickling a header or idling on keep-alive gives its place back.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};
use tokio::time::{Instant, Sleep};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

/// Connections served at once.
pub const MAX_CONNECTIONS: usize = 64;

/// Time for a request after connecting or after the last bytes of an answer.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// Time for a TLS handshake.
pub const HANDSHAKE: Duration = Duration::from_secs(10);

/// The listener axum serves: connections arrive ready (handshaken) from the accept task.
pub struct Guarded {
    /// Ready connections.
    ready: mpsc::Receiver<(Conn, SocketAddr)>,
    /// The bound address.
    addr: SocketAddr,
}

impl Guarded {
    /// Starts accepting on `listener` (TLS with `tls`); stops when the server drops this.
    pub fn start(listener: TcpListener, tls: Option<TlsAcceptor>) -> Guarded {
        let addr = listener
            .local_addr()
            .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 0)));
        let (tx, ready) = mpsc::channel(MAX_CONNECTIONS);
        tokio::spawn(accept_loop(listener, tls, tx));
        Guarded { ready, addr }
    }
}

impl axum::serve::Listener for Guarded {
    type Io = Conn;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Conn, SocketAddr) {
        match self.ready.recv().await {
            Some(c) => c,
            // The accept task ended (it only does when this side is gone): nothing more comes.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        Ok(self.addr)
    }
}

async fn accept_loop(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    tx: mpsc::Sender<(Conn, SocketAddr)>,
) {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            () = tx.closed() => return,
        };
        let (stream, peer) = match accepted {
            Ok(a) => a,
            Err(e) => {
                // Out of descriptors and the like: wait a little rather than spin.
                tracing::debug!("web desk accept: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            tracing::debug!(%peer, "web desk busy: connection closed");
            continue;
        };
        let tls = tls.clone();
        let tx = tx.clone();
        tokio::spawn(async move {
            let io = match tls {
                None => Stream::Plain(stream),
                Some(acceptor) => {
                    match tokio::time::timeout(HANDSHAKE, acceptor.accept(stream)).await {
                        Ok(Ok(s)) => Stream::Tls(Box::new(s)),
                        Ok(Err(e)) => {
                            tracing::debug!(%peer, "web desk TLS handshake: {e}");
                            return;
                        }
                        Err(_) => return,
                    }
                }
            };
            let conn = Conn {
                io,
                deadline: Box::pin(tokio::time::sleep(TIMEOUT)),
                _slot: slot,
            };
            let _ = tx.send((conn, peer)).await;
        });
    }
}

/// Plain or TLS.
enum Stream {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

/// A connection with its deadline and its place among [`MAX_CONNECTIONS`].
pub struct Conn {
    io: Stream,
    /// Reads and writes fail once it passes; each write of an answer pushes it on.
    deadline: Pin<Box<Sleep>>,
    /// Given back when the connection ends.
    _slot: OwnedSemaphorePermit,
}

impl Conn {
    fn expired(&mut self, cx: &mut Context<'_>) -> Option<std::io::Error> {
        self.deadline.as_mut().poll(cx).is_ready().then(|| {
            std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "web desk connection timed out",
            )
        })
    }
}

impl AsyncRead for Conn {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        if let Some(e) = self.expired(cx) {
            return Poll::Ready(Err(e));
        }
        match &mut self.io {
            Stream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Conn {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        if let Some(e) = self.expired(cx) {
            return Poll::Ready(Err(e));
        }
        let done = match &mut self.io {
            Stream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        };
        if let Poll::Ready(Ok(n)) = done
            && n > 0
        {
            self.deadline.as_mut().reset(Instant::now() + TIMEOUT);
        }
        done
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        if let Some(e) = self.expired(cx) {
            return Poll::Ready(Err(e));
        }
        match &mut self.io {
            Stream::Plain(s) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match &mut self.io {
            Stream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}
