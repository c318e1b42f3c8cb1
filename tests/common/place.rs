//! A throw-away place for a daemon run: `Maildir/new` to drop messages into and `data/` for the
//! record, under the system temp dir, removed at drop.

use shenbao::config::Config;
use std::fs;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A temp directory holding `Maildir/` and `data/`, removed at drop.
pub struct Place(pub PathBuf);

impl Place {
    /// A new place; `tag` names it among the temp dir's folders.
    pub fn new(tag: &str) -> Place {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let p = std::env::temp_dir().join(format!("shenbao-{tag}-{}-{nanos}", std::process::id()));
        fs::create_dir_all(p.join("Maildir/new")).unwrap();
        Place(p)
    }

    /// The embedded default, reading this place's Maildir and recording into its `data/`.
    pub fn config(&self) -> Config {
        let mut cfg = Config::load(None).unwrap();
        cfg.mailbox.path = self.0.join("Maildir");
        cfg.storage.data_dir = self.0.join("data");
        cfg
    }

    /// Drops a message into new/ as `name`, arriving `minutes` after 09:00 Beijing time on
    /// 2023-04-20 (well before the deadline).
    pub fn drop_message(&self, name: &str, raw: &[u8], minutes: u64) -> PathBuf {
        let path = self.0.join("Maildir/new").join(name);
        fs::write(&path, raw).unwrap();
        // 2023-04-20T01:00:00Z = 09:00 Beijing time.
        let at = UNIX_EPOCH + Duration::from_secs(1_681_952_400 + minutes * 60);
        fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(at)
            .unwrap();
        path
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}
