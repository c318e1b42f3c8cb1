//! Opening a session: TCP, TLS (implicit, or STARTTLS done by hand on the raw stream), the
//! greeting (async-imap's Client does not read it), LOGIN, then ID when advertised (NetEase
//! and Coremail refuse SELECT until the client has identified itself).

use crate::config::{ImapServer, Secret, TlsMode};
use anyhow::{Context, bail};
use async_imap::{Client, Session};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};
use std::fmt::Debug;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

/// The transport under the session: TLS, or plain TCP with `allow_insecure`.
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send + Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + Debug> Io for T {}

/// A logged-in session.
pub type ImapSession = Session<Box<dyn Io>>;

/// What the server offered after login.
#[derive(Debug, Clone, Copy, Default)]
pub struct Caps {
    /// IDLE (RFC 2177): wait for new mail instead of polling.
    pub idle: bool,
    /// MOVE (RFC 6851).
    pub mv: bool,
    /// UIDPLUS (RFC 4315): UID EXPUNGE for the copy-then-delete fallback.
    pub uidplus: bool,
}

/// A server that answered but said no, told apart for `config check`.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    /// LOGIN was refused (wrong user or password, account locked, client password needed).
    #[error("IMAP 登录失败（{user} @ {server}）：{reason}")]
    Login {
        /// The user tried.
        user: String,
        /// host:port.
        server: String,
        /// The server's words.
        reason: String,
    },
    /// ID (RFC 2971) failed after login; NetEase-style servers then refuse SELECT.
    #[error("IMAP ID 命令失败：{0}")]
    Id(String),
}

/// Runs one step under the per-command timeout.
pub async fn timed<T, E: Into<anyhow::Error>>(
    limit: Duration,
    what: &str,
    f: impl Future<Output = Result<T, E>>,
) -> anyhow::Result<T> {
    match tokio::time::timeout(limit, f).await {
        Ok(r) => r
            .map_err(Into::into)
            .with_context(|| format!("IMAP {what} 失败")),
        Err(_) => bail!("IMAP {what} 超时（{} 秒）", limit.as_secs()),
    }
}

fn tls_config(cfg: &ImapServer) -> anyhow::Result<Arc<rustls::ClientConfig>> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(ca) = &cfg.ca_file {
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(ca)
            .and_then(|it| it.collect())
            .with_context(|| format!("无法读取 CA 证书文件 {}", ca.display()))?;
        if certs.is_empty() {
            bail!("CA 证书文件 {} 中没有证书", ca.display());
        }
        for c in certs {
            roots
                .add(c)
                .with_context(|| format!("CA 证书文件 {} 无效", ca.display()))?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// Reads lines until the tagged (or, with `tag` None, the first) response; returns it.
async fn read_until<R: AsyncRead + Unpin>(
    r: &mut BufReader<R>,
    tag: Option<&str>,
) -> anyhow::Result<String> {
    loop {
        let mut line = String::new();
        // A server line longer than this is not a greeting or a STARTTLS answer.
        let n = (&mut *r).take(8192).read_line(&mut line).await?;
        if n == 0 {
            bail!("服务器关闭了连接");
        }
        match tag {
            None => return Ok(line),
            Some(t) if line.starts_with(t) => return Ok(line),
            Some(_) => {}
        }
    }
}

fn check_greeting(line: &str) -> anyhow::Result<()> {
    if line.starts_with("* OK") || line.starts_with("* PREAUTH") {
        Ok(())
    } else {
        bail!("服务器问候异常：{}", line.trim())
    }
}

/// Connects and logs in, then sends ID when advertised.
pub async fn open(cfg: &ImapServer, password: &Secret) -> anyhow::Result<(ImapSession, Caps)> {
    let limit = Duration::from_secs(cfg.timeout_seconds.max(1));
    let port = cfg.port();
    let where_ = format!("{}:{port}", cfg.host);
    let tcp = timed(limit, "连接", TcpStream::connect((cfg.host.as_str(), port)))
        .await
        .with_context(|| format!("无法连接 IMAP 服务器 {where_}"))?;
    let _ = tcp.set_nodelay(true);
    let name = || {
        ServerName::try_from(cfg.host.clone()).with_context(|| format!("主机名 {} 无效", cfg.host))
    };
    let stream: Box<dyn Io> = match cfg.tls {
        TlsMode::Implicit => {
            let tls = TlsConnector::from(tls_config(cfg)?);
            let s = timed(limit, "TLS 握手", tls.connect(name()?, tcp)).await?;
            let mut b = BufReader::new(s);
            check_greeting(&timed(limit, "问候", read_until(&mut b, None)).await?)?;
            Box::new(b)
        }
        TlsMode::Starttls => {
            let mut b = BufReader::new(tcp);
            check_greeting(&timed(limit, "问候", read_until(&mut b, None)).await?)?;
            timed(limit, "STARTTLS", b.write_all(b"s0 STARTTLS\r\n")).await?;
            let answer = timed(limit, "STARTTLS", read_until(&mut b, Some("s0 "))).await?;
            if !answer.starts_with("s0 OK") {
                bail!("服务器拒绝 STARTTLS：{}", answer.trim());
            }
            // Nothing may be buffered past the OK: it would be plaintext injected before TLS.
            if !b.buffer().is_empty() {
                bail!("STARTTLS 之后服务器发送了多余的明文数据");
            }
            let tls = TlsConnector::from(tls_config(cfg)?);
            let s = timed(limit, "TLS 握手", tls.connect(name()?, b.into_inner())).await?;
            Box::new(s)
        }
        TlsMode::None => {
            if !cfg.allow_insecure {
                bail!("mailbox.imap.tls = \"none\" 需要同时设置 allow_insecure = true");
            }
            let mut b = BufReader::new(tcp);
            check_greeting(&timed(limit, "问候", read_until(&mut b, None)).await?)?;
            Box::new(b)
        }
    };
    let client = Client::new(stream);
    let login = tokio::time::timeout(limit, client.login(&cfg.user, password.expose())).await;
    let mut session = match login {
        Ok(Ok(s)) => s,
        // The server's text names the reason; the password is never part of the message.
        Ok(Err((e, _))) => {
            return Err(Refused::Login {
                user: cfg.user.clone(),
                server: where_,
                reason: e.to_string(),
            }
            .into());
        }
        Err(_) => bail!("IMAP 登录超时（{} @ {where_}）", cfg.user),
    };
    let caps = timed(limit, "CAPABILITY", session.capabilities()).await?;
    let found = Caps {
        idle: caps.has_str("IDLE"),
        mv: caps.has_str("MOVE"),
        uidplus: caps.has_str("UIDPLUS"),
    };
    if caps.has_str("ID") {
        let id = [
            ("name", Some("shenbao")),
            ("version", Some(env!("CARGO_PKG_VERSION"))),
            ("vendor", Some("shenbao")),
        ];
        timed(limit, "ID", session.id(id))
            .await
            .map_err(|e| Refused::Id(format!("{e:#}")))?;
    }
    Ok((session, found))
}
