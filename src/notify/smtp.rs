//! SMTP delivery of the outbox through lettre (tokio, rustls with ring). The reply's MIME is
//! composed already, so it is sent as is with `send_raw`. The envelope sender is empty
//! (`MAIL FROM:<>`): a reply can never bounce back into our mailbox and start a loop.
//! A temporary failure (connection refused, 4xx) leaves the reply queued and retries it with
//! exponential backoff, so an outage delays replies and loses none; a permanent 5xx marks it
//! failed with the server's words.

use super::ledger::Ledger;
use crate::store::{OutboxState, Queued, Store};
use crate::telemetry::Telemetry;
use anyhow::Context;
use lettre::address::{Address, Envelope};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Temporary failures after which a reply is given up (with the 1 h cap, about four days).
const MAX_ATTEMPTS: i64 = 100;

/// Why one reply was not sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// Worth retrying later: the server is down, busy or said 4xx.
    Transient(String),
    /// Will never work: the server refused with 5xx, or the address is unusable.
    Permanent(String),
    /// The server as a whole is unusable now (down, TLS, login refused): every other reply
    /// would fail the same way, so the round stops and the outbox pauses. Never `Permanent`,
    /// even for 535: a wrong password is fixed by the operator, and no reply may be lost to it.
    Server(String),
}

/// Replies about the session rather than one recipient: busy, login refused or unavailable.
const SERVER_CODES: &[&str] = &["421", "454", "530", "534", "535", "538"];

/// Classifies a lettre error.
fn classify(e: &lettre::transport::smtp::Error) -> SendError {
    let code = e.status().map(|c| c.to_string());
    let text = e.to_string();
    if !(e.is_transient() || e.is_permanent())
        || code.as_deref().is_some_and(|c| SERVER_CODES.contains(&c))
    {
        SendError::Server(text)
    } else if e.is_permanent() {
        SendError::Permanent(text)
    } else {
        SendError::Transient(text)
    }
}

/// The SMTP outbox: one transport (lettre pools its connections) and the retry schedule.
pub struct SmtpOutbox {
    /// The configured transport, TLS and login included.
    transport: AsyncSmtpTransport<Tokio1Executor>,
    /// `host:port`, for logs (never the password).
    server: String,
    /// When each reply that failed temporarily may be tried again. Kept in memory: a fresh
    /// process (`run --once` again) retries at once, which is what its operator wants.
    next_try: HashMap<i64, Instant>,
    /// First retry delay; doubled per attempt.
    min_backoff: Duration,
    /// Longest retry delay.
    max_backoff: Duration,
    /// Server-level failures in a row, for the pause after them.
    server_failures: i64,
    /// No attempt before this, after a server-level failure.
    paused_until: Option<Instant>,
    /// Where a copy of every reply goes besides its recipient (envelope only): the campaign
    /// mailbox, whose copies prove what the server took (see `[smtp] sent_copy`).
    copy_to: Option<Address>,
}

/// How the SMTP server is reached; `[smtp]` in the configuration converts into it (reading
/// the password), so this stage never sees the file.
#[derive(Clone)]
pub struct SmtpSettings {
    /// Server host name (also the name its certificate must carry).
    pub host: String,
    /// Server port.
    pub port: u16,
    /// How the connection is protected.
    pub tls: SmtpTls,
    /// Extra trusted CA (PEM) besides the system roots, for a private server.
    pub ca_file: Option<std::path::PathBuf>,
    /// How long one command may take.
    pub timeout: Duration,
    /// User and password, when the server wants a login.
    pub login: Option<Credentials>,
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The login is left out: the password must never reach a log.
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("ca_file", &self.ca_file)
            .finish_non_exhaustive()
    }
}

/// How an SMTP connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// TLS from the first byte (SMTPS, 465).
    Implicit,
    /// STARTTLS required before anything else (submission, 587).
    StartTls,
    /// Plain text: only what the configuration explicitly allowed (test servers).
    None,
}

impl std::fmt::Debug for SmtpOutbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpOutbox")
            .field("server", &self.server)
            .finish_non_exhaustive()
    }
}

/// The delay before retrying after `attempts` failures: `min`, doubled each time, at most `max`.
pub fn backoff(attempts: i64, min: Duration, max: Duration) -> Duration {
    let exp = u32::try_from(attempts.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
    min.saturating_mul(2u32.saturating_pow(exp)).min(max)
}

impl SmtpOutbox {
    /// Builds the transport for `server` (TLS and login included).
    pub fn new(server: &SmtpSettings) -> anyhow::Result<SmtpOutbox> {
        let port = server.port;
        let tls = match server.tls {
            SmtpTls::None => Tls::None,
            mode => {
                let mut params = TlsParameters::builder(server.host.clone());
                if let Some(ca) = &server.ca_file {
                    let pem = std::fs::read(ca)
                        .with_context(|| format!("[smtp] cannot read ca_file {}", ca.display()))?;
                    let cert = Certificate::from_pem(&pem)
                        .with_context(|| format!("[smtp] ca_file {} is not PEM", ca.display()))?;
                    params = params.add_root_certificate(cert);
                }
                let params = params.build_rustls()?;
                if mode == SmtpTls::Implicit {
                    Tls::Wrapper(params)
                } else {
                    Tls::Required(params)
                }
            }
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&server.host)
            .port(port)
            .tls(tls)
            .timeout(Some(server.timeout.max(Duration::from_secs(1))));
        if let Some(login) = &server.login {
            builder = builder.credentials(login.clone());
        }
        Ok(SmtpOutbox {
            transport: builder.build(),
            server: format!("{}:{port}", server.host),
            next_try: HashMap::new(),
            min_backoff: Duration::from_secs(60),
            max_backoff: Duration::from_secs(3600),
            server_failures: 0,
            paused_until: None,
            copy_to: None,
        })
    }

    /// Addresses a copy of every reply to `mailbox` too (envelope only).
    pub fn with_copy_to(mut self, mailbox: &str) -> anyhow::Result<SmtpOutbox> {
        let a: Address = mailbox
            .parse()
            .with_context(|| format!("campaign.mailbox {mailbox} is no address"))?;
        self.copy_to = Some(a);
        Ok(self)
    }

    /// Whether replies leave with a copy to the campaign mailbox.
    pub fn copies(&self) -> bool {
        self.copy_to.is_some()
    }

    /// Connects, negotiates TLS and logs in, then quits: `config check`'s SMTP probe.
    pub async fn test_connection(&self) -> Result<bool, lettre::transport::smtp::Error> {
        self.transport.test_connection().await
    }

    /// Changes the retry delays (tests use short ones).
    pub fn with_backoff(mut self, min: Duration, max: Duration) -> SmtpOutbox {
        self.min_backoff = min;
        self.max_backoff = max.max(min);
        self
    }

    /// Sends one reply with an empty envelope sender (and the copy to the campaign mailbox,
    /// when copies are on).
    pub async fn send(&self, q: &Queued) -> Result<(), SendError> {
        self.send_to(q, self.copy_to.as_ref()).await
    }

    async fn send_to(&self, q: &Queued, copy: Option<&Address>) -> Result<(), SendError> {
        let Some(raw) = &q.raw else {
            return Err(SendError::Permanent("回复未能生成，无法发送".into()));
        };
        let to: Address = q
            .recipient
            .parse()
            .map_err(|e| SendError::Permanent(format!("收件地址无效 {}: {e}", q.recipient)))?;
        let mut rcpt = vec![to];
        rcpt.extend(copy.cloned());
        let envelope = Envelope::new(None, rcpt)
            .map_err(|e| SendError::Permanent(format!("信封无效: {e}")))?;
        match self.transport.send_raw(&envelope, raw).await {
            Ok(_) => Ok(()),
            Err(e) => Err(classify(&e)),
        }
    }

    /// Sends one reply; when the copy's recipient is what the server refuses (the reply
    /// alone goes through), copies are turned off: a copy must never cost a reply.
    async fn send_with_copy(&mut self, q: &Queued) -> Result<(), SendError> {
        let first = self.send(q).await;
        let Err(why @ (SendError::Permanent(_) | SendError::Transient(_))) = &first else {
            return first;
        };
        if self.copy_to.is_none() {
            return first;
        }
        let alone = self.send_to(q, None).await;
        if alone.is_ok() {
            tracing::warn!(
                server = %self.server,
                "the campaign mailbox is refused as a copy recipient ({why:?}); replies go without copies"
            );
            self.copy_to = None;
        }
        alone
    }

    /// Sends every queued reply that is due, counting successes and failures. Returns how
    /// many were sent. Each attempt is recorded (`sending`) before the server sees the
    /// message; an error means the record could not be written, and the round stops.
    pub async fn deliver(
        &mut self,
        store: &Store,
        ledger: &mut Ledger,
        telemetry: &Telemetry,
    ) -> anyhow::Result<usize> {
        let mut sent = 0;
        let now = Instant::now();
        if self.paused_until.is_some_and(|t| t > now) {
            return Ok(0);
        }
        for q in ledger.due(store.queued().await?, self.copies()) {
            if self.next_try.get(&q.id).is_some_and(|t| *t > now) {
                continue;
            }
            ledger.begin(store, &q).await?;
            let result = self.send_with_copy(&q).await;
            if result.is_err() {
                telemetry.reply_failed();
            }
            match result {
                Ok(()) => {
                    telemetry.reply_sent();
                    self.next_try.remove(&q.id);
                    self.server_failures = 0;
                    self.paused_until = None;
                    sent += 1;
                    ledger.handed_over(store, q.id, OutboxState::Sent).await?;
                }
                Err(SendError::Server(why)) => {
                    self.server_failures = self.server_failures.saturating_add(1);
                    let wait = backoff(self.server_failures, self.min_backoff, self.max_backoff);
                    tracing::warn!(
                        reply = q.id,
                        server = %self.server,
                        retry_in = ?wait,
                        "SMTP server unusable, replies wait: {why}"
                    );
                    store.mark_attempt_failed(q.id, &why, MAX_ATTEMPTS).await?;
                    self.paused_until = Some(now + wait);
                    break;
                }
                Err(SendError::Permanent(why)) => {
                    tracing::warn!(reply = q.id, server = %self.server, "reply refused: {why}");
                    store.mark_failed(q.id, &why).await?;
                    self.next_try.remove(&q.id);
                }
                Err(SendError::Transient(why)) => {
                    let wait = backoff(q.attempts + 1, self.min_backoff, self.max_backoff);
                    tracing::warn!(
                        reply = q.id,
                        server = %self.server,
                        retry_in = ?wait,
                        "reply not sent yet: {why}"
                    );
                    store.mark_attempt_failed(q.id, &why, MAX_ATTEMPTS).await?;
                    self.next_try.insert(q.id, now + wait);
                }
            }
        }
        Ok(sent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_a_minute_to_an_hour() {
        let (min, max) = (Duration::from_secs(60), Duration::from_secs(3600));
        assert_eq!(backoff(0, min, max), min);
        assert_eq!(backoff(1, min, max), min);
        assert_eq!(backoff(2, min, max), Duration::from_secs(120));
        assert_eq!(backoff(4, min, max), Duration::from_secs(480));
        assert_eq!(backoff(7, min, max), max);
        assert_eq!(backoff(i64::MAX, min, max), max);
    }

    #[test]
    fn a_closed_port_is_a_server_failure_not_a_lost_reply() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let cfg = SmtpSettings {
            host: "127.0.0.1".into(),
            port,
            tls: SmtpTls::None,
            ca_file: None,
            timeout: Duration::from_secs(5),
            login: None,
        };
        let q = Queued {
            id: 1,
            message_id: Some(1),
            recipient: "a@example.test".into(),
            kind: crate::store::MailKind::Notice,
            outcome: "{}".into(),
            in_reply_to: None,
            attempts: 0,
            raw: Some(b"Subject: x\r\n\r\nx\r\n".to_vec()),
            interrupted: false,
            sending_at: None,
        };
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let out = rt.block_on(async { SmtpOutbox::new(&cfg).unwrap().send(&q).await });
        assert!(matches!(out, Err(SendError::Server(_))), "{out:?}");
        let bad = Queued {
            recipient: "not an address".into(),
            ..q.clone()
        };
        let out = rt.block_on(async { SmtpOutbox::new(&cfg).unwrap().send(&bad).await });
        assert!(matches!(out, Err(SendError::Permanent(_))), "{out:?}");
    }
}
