//! The desk's listener, on the daemon's runtime beside `/healthz`.

use super::Desk;
use crate::shutdown::Shutdown;
use anyhow::Context as _;
use std::net::SocketAddr;

/// Binds `[web] listen` and serves the desk until `stop` fires; returns the bound address
/// (port 0 picks one). Must be called inside the runtime.
pub fn spawn(
    cfg: &crate::config::Web,
    desk: Desk,
    mut stop: Shutdown,
) -> anyhow::Result<SocketAddr> {
    let Some(listen) = &cfg.listen else {
        anyhow::bail!("[web] listen is not set");
    };
    let std = std::net::TcpListener::bind(listen)
        .with_context(|| format!("[web] listen = \"{listen}\": cannot bind"))?;
    std.set_nonblocking(true)?;
    let listener = tokio::net::TcpListener::from_std(std)?;
    let addr = listener.local_addr()?;
    let app = super::router(desk);
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
