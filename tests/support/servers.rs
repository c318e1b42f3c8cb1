//! The daemon's configuration against a test mail stack: IMAPS in, STARTTLS submission out,
//! both verified against the stack's throw-away CA.
#![allow(dead_code)]

use crate::mailstack::MailStack;
use shenbao::config::{Config, ImapServer, MailboxKind, OutboxKind, SmtpServer, TlsMode};
use std::path::Path;

/// The embedded default with its mailbox and outbox pointed at `stack`, logging in as `user`
/// with the password in `password_file`, keeping its data in `data_dir`.
pub fn config(stack: &MailStack, user: &str, password_file: &Path, data_dir: &Path) -> Config {
    let mut cfg = Config::load(None).expect("embedded config");
    cfg.storage.data_dir = data_dir.to_path_buf();
    cfg.mailbox.kind = MailboxKind::Imap;
    cfg.mailbox.imap = Some(ImapServer {
        host: "localhost".into(),
        port: Some(stack.imap_port()),
        tls: TlsMode::Implicit,
        user: user.into(),
        password_file: Some(password_file.to_path_buf()),
        ca_file: Some(stack.ca_file().to_path_buf()),
        ..ImapServer::default()
    });
    cfg.outbox.kind = OutboxKind::Smtp;
    cfg.smtp = Some(SmtpServer {
        host: "localhost".into(),
        port: Some(stack.smtp_port()),
        tls: TlsMode::Starttls,
        user: Some(user.into()),
        password_file: Some(password_file.to_path_buf()),
        ca_file: Some(stack.ca_file().to_path_buf()),
        timeout_seconds: 30,
        ..SmtpServer::default()
    });
    cfg
}

/// The same configuration as a TOML file's text, for tests that run the binary: `campaign`
/// holds the `[campaign]` keys after name and mailbox (deadline, units, …).
pub fn toml(
    stack: &MailStack,
    user: &str,
    password_file: &Path,
    data_dir: &Path,
    campaign: &str,
) -> String {
    format!(
        r#"[campaign]
name = "2023年天津市质量攻关项目"
mailbox = "{user}"
receipt_prefix = "ZLGG2023-"
{campaign}
[mailbox]
kind = "imap"

[mailbox.imap]
host = "localhost"
port = {imap}
tls = "implicit"
user = "{user}"
password_file = "{pw}"
ca_file = "{ca}"

[storage]
data_dir = "{data}"

[outbox]
kind = "smtp"

[smtp]
host = "localhost"
port = {smtp}
tls = "starttls"
user = "{user}"
password_file = "{pw}"
ca_file = "{ca}"
"#,
        imap = stack.imap_port(),
        smtp = stack.smtp_port(),
        pw = password_file.display(),
        ca = stack.ca_file().display(),
        data = data_dir.display(),
    )
}
