//! Graceful shutdown, as a small explicit mechanism: one watch channel that SIGINT/SIGTERM (or
//! a test) sets; the loop looks at it between messages, so the message in hand is finished.

use tokio::sync::watch;

/// Sets the shutdown flag.
#[derive(Debug, Clone)]
pub struct Trigger(watch::Sender<bool>);

/// Watches the shutdown flag.
#[derive(Debug, Clone)]
pub struct Shutdown(watch::Receiver<bool>);

/// A new flag, not set.
pub fn channel() -> (Trigger, Shutdown) {
    let (tx, rx) = watch::channel(false);
    (Trigger(tx), Shutdown(rx))
}

impl Trigger {
    /// Asks every watcher to stop.
    pub fn trigger(&self) {
        self.0.send_replace(true);
    }
}

impl Shutdown {
    /// A watcher that never fires (for `--once` runs from the library).
    pub fn never() -> Shutdown {
        let (tx, rx) = watch::channel(false);
        // Keep the sender alive for the process lifetime so waiting never returns.
        std::mem::forget(tx);
        Shutdown(rx)
    }

    /// Whether stopping was asked for.
    pub fn requested(&self) -> bool {
        *self.0.borrow()
    }

    /// Waits until stopping is asked for (or every trigger is gone).
    pub async fn wait(&mut self) {
        let _ = self.0.wait_for(|stop| *stop).await;
    }
}

/// Sets the flag on SIGINT (ctrl-c) or SIGTERM. Must run inside the runtime.
pub fn on_signals(trigger: Trigger) {
    tokio::spawn(async move {
        let ctrl_c = tokio::signal::ctrl_c();
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            match signal(SignalKind::terminate()) {
                Ok(mut term) => {
                    tokio::select! {
                        _ = ctrl_c => {},
                        _ = term.recv() => {},
                    }
                }
                Err(e) => {
                    tracing::warn!("cannot listen for SIGTERM: {e}");
                    let _ = ctrl_c.await;
                }
            }
        }
        #[cfg(not(unix))]
        let _ = ctrl_c.await;
        tracing::info!("shutdown requested: finishing the message in hand");
        trigger.trigger();
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trigger_wakes_waiter() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let (t, mut s) = channel();
            assert!(!s.requested());
            let waiter = tokio::spawn(async move {
                s.wait().await;
                s.requested()
            });
            t.trigger();
            assert!(waiter.await.unwrap());
        });
    }
}
