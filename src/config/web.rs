//! The `[web]` section: the division's web desk, served by `shenbao run`.

use serde::Deserialize;
use std::path::PathBuf;

/// The `[web]` section. Absent `listen`: no web desk (a default install opens no port).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Web {
    /// Address of the desk, e.g. `127.0.0.1:8080`. Plain HTTP is only for loopback (behind
    /// the office's reverse proxy); any other address needs `tls_cert` and `tls_key`, or
    /// `allow_insecure`.
    #[serde(default)]
    pub listen: Option<String>,
    /// PEM certificate chain served when set (with `tls_key`).
    #[serde(default)]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key of `tls_cert`.
    #[serde(default)]
    pub tls_key: Option<PathBuf>,
    /// Serve plain HTTP on a non-loopback address: the same explicit opt-out as the mail
    /// connections, for a network the admin vouches for.
    #[serde(default)]
    pub allow_insecure: bool,
}
