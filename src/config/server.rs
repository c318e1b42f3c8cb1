//! The server sections: `[mailbox]` for IMAP and `[smtp]`. Plaintext only with an explicit
//! `allow_insecure = true`; passwords come from a file or an environment variable, never from
//! the configuration file itself, so the file can be shared and logged.

use crate::notify::smtp::{SmtpSettings, SmtpTls};
use anyhow::Context;
use lettre::transport::smtp::authentication::Credentials;
use serde::Deserialize;
use std::path::PathBuf;
use std::time::Duration;

/// How a connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TlsMode {
    /// TLS from the first byte (IMAPS 993, SMTPS 465).
    #[default]
    Implicit,
    /// Plain connection upgraded with STARTTLS before login (IMAP 143, submission 587).
    Starttls,
    /// No TLS at all: refused unless `allow_insecure = true` (test servers on loopback).
    None,
}

/// Where a password comes from: a file (systemd `LoadCredential=`, a secrets mount) or an
/// environment variable. One of the two is required when a server is used.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PasswordSource {
    /// File holding the password (trailing newline ignored). Relative paths are looked up in
    /// `$CREDENTIALS_DIRECTORY` first, then the configuration file's folder.
    pub password_file: Option<PathBuf>,
    /// Name of the environment variable holding the password.
    pub password_env: Option<String>,
}

/// The IMAP server of `[mailbox]` when `kind = "imap"`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImapServer {
    /// Host name (also the name the certificate must carry).
    pub host: String,
    /// Port; default 993 for implicit TLS, 143 otherwise.
    #[serde(default)]
    pub port: Option<u16>,
    /// Implicit TLS (default), STARTTLS, or none (with `allow_insecure`).
    #[serde(default)]
    pub tls: TlsMode,
    /// Login name.
    pub user: String,
    /// File holding the password (see [`PasswordSource`]).
    #[serde(default)]
    pub password_file: Option<PathBuf>,
    /// Environment variable holding the password (see [`PasswordSource`]).
    #[serde(default)]
    pub password_env: Option<String>,
    /// PEM file of a private CA to trust besides the system roots.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// Allows `tls = "none"`; for test servers only.
    #[serde(default)]
    pub allow_insecure: bool,
    /// Folder the submissions arrive in.
    #[serde(default = "default_inbox")]
    pub inbox: String,
    /// Folder recorded messages are moved to (created when missing).
    #[serde(default = "default_processed")]
    pub processed: String,
    /// Folder messages that cannot be processed at all are moved to (created when missing).
    #[serde(default = "default_failed")]
    pub failed: String,
    /// Folder the copies of our own replies are moved to (created when missing): with an
    /// SMTP outbox each reply is also addressed to the campaign mailbox, and its copy arriving
    /// here proves the server took it (a crash between hand-over and record sends no second).
    #[serde(default = "default_sent")]
    pub sent: String,
    /// Seconds each IMAP command may take before the connection is dropped and rebuilt.
    #[serde(default = "default_timeout")]
    pub timeout_seconds: u64,
}

/// The `[smtp]` section: how replies are sent when `[outbox] kind = "smtp"`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpServer {
    /// Host name.
    pub host: String,
    /// Port; default 465 for implicit TLS, 587 otherwise.
    #[serde(default)]
    pub port: Option<u16>,
    /// Implicit TLS (default), STARTTLS, or none (with `allow_insecure`).
    #[serde(default)]
    pub tls: TlsMode,
    /// Login name; no login when absent.
    #[serde(default)]
    pub user: Option<String>,
    /// File holding the password (see [`PasswordSource`]).
    #[serde(default)]
    pub password_file: Option<PathBuf>,
    /// Environment variable holding the password (see [`PasswordSource`]).
    #[serde(default)]
    pub password_env: Option<String>,
    /// PEM file of a private CA to trust besides the system roots.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// Allows `tls = "none"`; for test servers only.
    #[serde(default)]
    pub allow_insecure: bool,
    /// Our address in `From:`; default `campaign.mailbox`.
    #[serde(default)]
    pub from: Option<String>,
    /// `Reply-To:` of our replies, if answers should go elsewhere.
    #[serde(default)]
    pub reply_to: Option<String>,
    /// Seconds each SMTP exchange may take.
    #[serde(default = "default_timeout")]
    pub timeout_seconds: u64,
    /// Whether each reply is also addressed (envelope only, no header) to the campaign mailbox
    /// when that mailbox is read over IMAP: the copy confirms delivery after a crash and is
    /// filed in `[mailbox.imap] sent`. Default on.
    #[serde(default = "default_true")]
    pub sent_copy: bool,
}

fn default_true() -> bool {
    true
}

fn default_inbox() -> String {
    "INBOX".into()
}
fn default_processed() -> String {
    "已处理".into()
}
fn default_failed() -> String {
    "处理失败".into()
}
fn default_sent() -> String {
    "已发送".into()
}
fn default_timeout() -> u64 {
    60
}

impl ImapServer {
    /// The port to connect to: the configured one, else 993 (implicit TLS) or 143.
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(match self.tls {
            TlsMode::Implicit => 993,
            _ => 143,
        })
    }

    /// Where the login password comes from.
    pub fn password(&self) -> PasswordSource {
        PasswordSource {
            password_file: self.password_file.clone(),
            password_env: self.password_env.clone(),
        }
    }
}

impl SmtpServer {
    /// What the SMTP stage needs: refuses `tls = "none"` without `allow_insecure`, and reads
    /// the password (errors name its source, never its value).
    pub fn settings(&self) -> anyhow::Result<SmtpSettings> {
        let tls = match self.tls {
            TlsMode::None if !self.allow_insecure => anyhow::bail!(
                "[smtp] tls = \"none\" sends the password in clear: set allow_insecure = true (test servers only)"
            ),
            TlsMode::None => SmtpTls::None,
            TlsMode::Starttls => SmtpTls::StartTls,
            TlsMode::Implicit => SmtpTls::Implicit,
        };
        let login = match &self.user {
            Some(user) => {
                let secret = self.password().read().context("[smtp] password")?;
                Some(Credentials::new(user.clone(), secret.expose().into()))
            }
            None => None,
        };
        Ok(SmtpSettings {
            host: self.host.clone(),
            port: self.port(),
            tls,
            ca_file: self.ca_file.clone(),
            timeout: Duration::from_secs(self.timeout_seconds.max(1)),
            login,
        })
    }

    /// The port to connect to: the configured one, else 465 (implicit TLS) or 587 (submission).
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(match self.tls {
            TlsMode::Implicit => 465,
            _ => 587,
        })
    }

    /// Where the login password comes from.
    pub fn password(&self) -> PasswordSource {
        PasswordSource {
            password_file: self.password_file.clone(),
            password_env: self.password_env.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;

    #[test]
    fn server_sections_parse_and_refuse_unknown_keys() {
        let base = crate::config::DEFAULT_TOML.replace(
            "[mailbox]\nkind = \"maildir\"",
            "[mailbox]\nkind = \"imap\"",
        );
        let good = format!(
            "{base}\n[mailbox.imap]\nhost = \"imap.example.test\"\nuser = \"u\"\npassword_env = \"PW\"\ntls = \"starttls\"\n\n[smtp]\nhost = \"smtp.example.test\"\npassword_file = \"smtp.pw\"\n"
        );
        let c = Config::parse(&good).unwrap();
        let imap = c.mailbox.imap.unwrap();
        assert_eq!(imap.tls, super::TlsMode::Starttls);
        assert_eq!(imap.processed, "已处理");
        assert_eq!(imap.password().password_env.as_deref(), Some("PW"));
        assert!(c.smtp.is_some());
        let bad = good.replace("user = \"u\"", "user = \"u\"\npasword = \"x\"");
        assert!(Config::parse(&bad).is_err());
    }

    #[test]
    fn smtp_plaintext_needs_allow_insecure() {
        let mut smtp = super::SmtpServer {
            host: "127.0.0.1".into(),
            tls: super::TlsMode::None,
            ..super::SmtpServer::default()
        };
        assert!(smtp.settings().is_err());
        smtp.allow_insecure = true;
        assert_eq!(smtp.settings().unwrap().tls, super::SmtpTls::None);
    }
}
