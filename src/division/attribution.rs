//! Which unit list (`[[campaign.units]]`: names, aliases, addresses) the record's attribution
//! follows. Mail is filed under a unit when it is judged, so after the list changes the record
//! still follows the old one: a unit that did submit would be shown and reminded as 未提交.
//! The record therefore keeps a fingerprint of the list it was judged under; the daemon judges
//! the archive again at start-up when the configured list differs (no mail is sent), and the
//! commands that act on attribution refuse a stale record and say what fixes it.

use super::progress::Progress;
use super::reprocess::{self, Options};
use crate::config::Config;
use crate::store::Store;
use sha2::{Digest, Sha256};

/// The `daemon_state` key holding the fingerprint.
pub const FACT: &str = "units_config";

/// The configured list's fingerprint: order, names, aliases and addresses, case as written.
pub fn fingerprint(cfg: &Config) -> String {
    let mut h = Sha256::new();
    for u in &cfg.campaign.units {
        h.update(u.name.trim().as_bytes());
        for a in &u.aliases {
            h.update(b"\x1f");
            h.update(a.trim().as_bytes());
        }
        h.update(b"\x1d");
        for a in &u.addresses {
            h.update(b"\x1f");
            h.update(a.trim().to_lowercase().as_bytes());
        }
        h.update(b"\x1e");
    }
    crate::store::archive::hex(&h.finalize())
}

/// Whether the record follows the configured list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attribution {
    /// Judged under this list.
    Current,
    /// Judged under another list.
    Stale,
    /// Nothing says (a record written before the fingerprint was kept).
    Unknown,
}

/// Compares the record with the configuration.
pub async fn attribution(store: &Store, cfg: &Config) -> anyhow::Result<Attribution> {
    Ok(match store.daemon_fact(FACT).await? {
        None => Attribution::Unknown,
        Some(f) if f == fingerprint(cfg) => Attribution::Current,
        Some(_) => Attribution::Stale,
    })
}

/// Refuses `command` over a record judged under another unit list, naming the fix.
pub async fn refuse_stale(store: &Store, cfg: &Config, command: &str) -> anyhow::Result<()> {
    if attribution(store, cfg).await? == Attribution::Stale {
        anyhow::bail!(
            "配置文件中的应报单位（[[campaign.units]] 的名称、别名或邮箱）已修改，申报记录仍按修改前的名单归属，\
             {command} 的结果会有误。请重启服务（systemctl restart shenbao），启动时会按新名单重新归属（不发送邮件）；\
             没有服务在运行时，运行 shenbao reprocess --all"
        );
    }
    Ok(())
}

/// At start-up, with the data directory locked: a record judged under another list is judged
/// again under this one (nothing is sent); a record without a fingerprint takes this one, as
/// it was judged before fingerprints were kept and nothing says otherwise. Returns whether
/// the archive was judged again.
pub async fn settle(store: &Store, cfg: &Config) -> anyhow::Result<bool> {
    match attribution(store, cfg).await? {
        Attribution::Current => Ok(false),
        Attribution::Unknown => {
            store.set_daemon_fact(FACT, Some(&fingerprint(cfg))).await?;
            Ok(false)
        }
        Attribution::Stale => {
            let opts = Options {
                message: None,
                reply: false,
                dry_run: false,
            };
            let r = reprocess::run(store, cfg, opts, &Progress::hidden()).await?;
            tracing::info!(
                messages = r.messages,
                changed = r.changes.len(),
                "the unit list changed: the archive was judged again under it (no mail sent)"
            );
            Ok(true)
        }
    }
}
