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

/// How the desk is to be served, by the rule of the mail connections: plain HTTP on loopback
/// (behind the office's reverse proxy), TLS anywhere else unless `allow_insecure`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    /// Plain HTTP.
    Plain,
    /// TLS with this certificate chain and key (PEM files).
    Tls {
        /// `tls_cert`.
        cert: PathBuf,
        /// `tls_key`.
        key: PathBuf,
    },
}

/// Why a `[web]` section cannot be served; each names the key to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListenProblem {
    /// `listen` is not `address:port`.
    NotAnAddress,
    /// One of `tls_cert` / `tls_key` without the other (the missing key's name).
    HalfTls(&'static str),
    /// Plain HTTP on an address other machines reach, without `allow_insecure`.
    PlainOffLoopback,
}

impl Web {
    /// How to serve `listen` (None when the desk is off), or what is wrong with the section.
    pub fn transport(&self) -> Option<Result<(std::net::SocketAddr, Transport), ListenProblem>> {
        let listen = self.listen.as_deref()?;
        Some(self.transport_of(listen))
    }

    fn transport_of(
        &self,
        listen: &str,
    ) -> Result<(std::net::SocketAddr, Transport), ListenProblem> {
        let addr: std::net::SocketAddr = listen.parse().map_err(|_| ListenProblem::NotAnAddress)?;
        match (&self.tls_cert, &self.tls_key) {
            (Some(cert), Some(key)) => Ok((
                addr,
                Transport::Tls {
                    cert: cert.clone(),
                    key: key.clone(),
                },
            )),
            (Some(_), None) => Err(ListenProblem::HalfTls("tls_key")),
            (None, Some(_)) => Err(ListenProblem::HalfTls("tls_cert")),
            (None, None) if addr.ip().is_loopback() || self.allow_insecure => {
                Ok((addr, Transport::Plain))
            }
            (None, None) => Err(ListenProblem::PlainOffLoopback),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn web(listen: &str) -> Web {
        Web {
            listen: Some(listen.into()),
            ..Web::default()
        }
    }

    #[test]
    fn plain_http_only_on_loopback_unless_allowed_and_tls_needs_both_files() {
        assert_eq!(
            web("127.0.0.1:0").transport().unwrap().unwrap().1,
            Transport::Plain
        );
        assert_eq!(
            web("[::1]:8080").transport().unwrap().unwrap().1,
            Transport::Plain
        );
        assert_eq!(
            web("0.0.0.0:8080").transport().unwrap(),
            Err(ListenProblem::PlainOffLoopback)
        );
        assert_eq!(
            web("192.168.1.2:8080").transport().unwrap(),
            Err(ListenProblem::PlainOffLoopback)
        );
        assert_eq!(
            web("localhost:8080").transport().unwrap(),
            Err(ListenProblem::NotAnAddress)
        );
        let mut w = web("0.0.0.0:8080");
        w.allow_insecure = true;
        assert_eq!(w.transport().unwrap().unwrap().1, Transport::Plain);
        w.tls_cert = Some("c.pem".into());
        assert_eq!(
            w.transport().unwrap(),
            Err(ListenProblem::HalfTls("tls_key"))
        );
        w.tls_key = Some("k.pem".into());
        assert!(matches!(
            w.transport().unwrap().unwrap().1,
            Transport::Tls { .. }
        ));
        assert!(Web::default().transport().is_none());
    }
}
