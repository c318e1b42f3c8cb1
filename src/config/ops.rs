//! The `[ops]` section: what the service manager and monitoring see of the daemon.

use serde::Deserialize;

/// The `[ops]` section: the optional HTTP listener for `/healthz` and `/metrics`, and when
/// health turns bad. What runs from it is `ops::Service`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ops {
    /// Address of the `/healthz` and `/metrics` listener, e.g. `127.0.0.1:9464`; none when
    /// absent, so a default install opens no port. Loopback is the recommended choice: the
    /// pages carry no secrets but are nobody else's business.
    #[serde(default)]
    pub listen: Option<String>,
    /// Health is bad when the mailbox has not been reached for longer than this: the daemon
    /// is alive but no mail comes in.
    #[serde(default = "default_mailbox_stale")]
    pub mailbox_stale_seconds: u64,
    /// Health is bad when the oldest queued reply waits longer than this: the outbox is stuck.
    #[serde(default = "default_outbox_stale")]
    pub outbox_stale_seconds: u64,
}

impl Default for Ops {
    fn default() -> Self {
        Ops {
            listen: None,
            mailbox_stale_seconds: default_mailbox_stale(),
            outbox_stale_seconds: default_outbox_stale(),
        }
    }
}

fn default_mailbox_stale() -> u64 {
    900
}
fn default_outbox_stale() -> u64 {
    3600
}
