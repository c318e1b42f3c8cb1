//! What the IMAP tests share: the stack with the office's account, a throw-away data
//! directory with its configuration, and small helpers over the record.

#![allow(dead_code)]

use super::common::*;
use super::mailstack::MailStack;
use chrono::{DateTime, FixedOffset};
use shenbao::config::{Config, ImapServer, MailboxKind, TlsMode};
use shenbao::daemon::{Daemon, Stats};
use shenbao::shutdown::Shutdown;
use shenbao::store::Store;
use shenbao::store::read::{MessageRow, RecordCounts};
use std::path::PathBuf;

pub const OFFICE: &str = "scjgzlfzc@tj.gov.cn";
pub const PASSWORD: &str = "Office-Secret-7731";
pub const UNIT: &str = "和平区市场监管局";
pub const SENDER: &str = "hpqscjgj@tj.gov.cn";
pub const UNIT2: &str = "河西区市场监管局";
pub const SENDER2: &str = "hxqscjgj@tj.gov.cn";

pub fn stack() -> MailStack {
    match MailStack::start(&[(OFFICE, PASSWORD)]) {
        Ok(s) => s,
        Err(e) => panic!("mail stack did not start: {e}"),
    }
}

/// A data directory and password file, removed at drop.
pub struct Place(pub PathBuf);

impl Place {
    pub fn new(tag: &str) -> Place {
        let p = std::env::temp_dir().join(format!(
            "shenbao-imap-{tag}-{}-{}",
            std::process::id(),
            chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0)
        ));
        std::fs::create_dir_all(&p).unwrap();
        Place(p)
    }

    /// A configuration reading the stack's mailbox with `password`.
    pub fn config(&self, s: &MailStack, tls: TlsMode, password: &str) -> Config {
        let pw = self.0.join("imap.pw");
        std::fs::write(&pw, format!("{password}\n")).unwrap();
        let mut cfg = Config::load(None).unwrap();
        cfg.storage.data_dir = self.0.join("data");
        cfg.mailbox.kind = MailboxKind::Imap;
        cfg.mailbox.imap = Some(ImapServer {
            host: "127.0.0.1".into(),
            port: Some(match tls {
                TlsMode::Implicit => s.imap_port(),
                _ => s.imap_starttls_port(),
            }),
            tls,
            user: OFFICE.into(),
            password_file: Some(pw),
            ca_file: Some(s.ca_file().to_path_buf()),
            inbox: "INBOX".into(),
            processed: "已处理".into(),
            failed: "处理失败".into(),
            timeout_seconds: 20,
            ..ImapServer::default()
        });
        cfg
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

pub fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

pub async fn run_once(cfg: &Config) -> anyhow::Result<Stats> {
    let mut d = Daemon::open(cfg.clone()).await?;
    let stats = d.run(true, Shutdown::never()).await;
    d.close().await;
    stats
}

pub async fn record(cfg: &Config) -> Store {
    Store::open(&cfg.storage.data_dir).await.unwrap()
}

pub async fn counts(store: &Store) -> RecordCounts {
    store.record_counts().await.unwrap()
}

pub async fn messages(store: &Store) -> Vec<MessageRow> {
    store.messages().await.unwrap()
}

pub fn submission(unit: &str) -> Vec<(String, Vec<u8>)> {
    complete_submission(unit, &[Form::new(0, unit), Form::new(1, unit)])
}
