//! A local Maildir as the mailbox: messages wait in `new/`, are moved to `cur/` (flag Seen)
//! once recorded, or to `failed/` when they cannot be processed at all. The arrival time is
//! the file's modification time, which delivery agents set when they write the message.

use chrono::{DateTime, FixedOffset, Local};
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// A Maildir folder.
#[derive(Debug, Clone)]
pub struct Maildir {
    /// The folder holding `new/`, `cur/`, `tmp/` and `failed/`.
    root: PathBuf,
}

/// A message waiting in `new/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    /// Its file.
    pub path: PathBuf,
    /// Its file name (the Maildir unique name), recorded as the source name.
    pub name: String,
    /// Its modification time: the arrival.
    pub arrival: DateTime<FixedOffset>,
}

/// Why a message could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadFailure {
    /// Larger than `limits.max_message_bytes`.
    #[error("邮件大小超过 {0} 字节的上限")]
    TooLarge(usize),
    /// The file could not be read.
    #[error("无法读取邮件文件：{0}")]
    Io(#[from] io::Error),
    /// The server could not deliver it (IMAP).
    #[error("无法从服务器读取邮件：{0}")]
    Server(String),
}

impl Maildir {
    /// Opens a Maildir, creating `new/`, `cur/`, `tmp/` and `failed/` when missing.
    pub fn open(root: &Path) -> io::Result<Maildir> {
        for sub in ["new", "cur", "tmp", "failed"] {
            fs::create_dir_all(root.join(sub))?;
        }
        Ok(Maildir {
            root: root.to_path_buf(),
        })
    }

    /// The folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Messages in `new/`, in arrival order (modification time, then name). Hidden files and
    /// directories are skipped (other programs' temporary files).
    pub fn waiting(&self) -> io::Result<Vec<Waiting>> {
        let mut out = Vec::new();
        for entry in fs::read_dir(self.root.join("new"))? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let meta = match entry.metadata() {
                Ok(m) if m.is_file() => m,
                // Gone meanwhile (another reader) or not a file: not ours to take.
                _ => continue,
            };
            let arrival: DateTime<Local> = meta.modified()?.into();
            out.push(Waiting {
                path: entry.path(),
                name,
                arrival: arrival.fixed_offset(),
            });
        }
        out.sort_by(|a, b| (a.arrival, &a.name).cmp(&(b.arrival, &b.name)));
        Ok(out)
    }

    /// Reads a waiting message, refusing one larger than `max_bytes` without reading it all.
    pub fn read(&self, w: &Waiting, max_bytes: usize) -> Result<Vec<u8>, ReadFailure> {
        let file = fs::File::open(&w.path)?;
        let mut bytes = Vec::new();
        file.take(max_bytes as u64 + 1).read_to_end(&mut bytes)?;
        if bytes.len() > max_bytes {
            return Err(ReadFailure::TooLarge(max_bytes));
        }
        Ok(bytes)
    }

    /// The header of a waiting message: its first bytes up to the blank line (at most
    /// 256 KiB), for a message too large to read whole.
    pub fn read_header(&self, w: &Waiting) -> io::Result<Vec<u8>> {
        let file = fs::File::open(&w.path)?;
        let mut bytes = Vec::new();
        file.take(256 << 10).read_to_end(&mut bytes)?;
        let end = bytes
            .windows(4)
            .position(|x| x == b"\r\n\r\n")
            .map(|i| i + 4)
            .or_else(|| bytes.windows(2).position(|x| x == b"\n\n").map(|i| i + 2));
        if let Some(end) = end {
            bytes.truncate(end);
        }
        Ok(bytes)
    }

    /// Moves a recorded message to `cur/`, flagged Seen.
    pub fn done(&self, w: &Waiting) -> io::Result<()> {
        let name = match w.name.split_once(":2,") {
            Some((base, flags)) if flags.contains('S') => format!("{base}:2,{flags}"),
            Some((base, flags)) => {
                let mut f: Vec<char> = flags.chars().chain(['S']).collect();
                f.sort_unstable();
                format!("{base}:2,{}", f.into_iter().collect::<String>())
            }
            None => format!("{}:2,S", w.name),
        };
        fs::rename(&w.path, self.root.join("cur").join(name))
    }

    /// Moves a message that cannot be processed at all to `failed/`.
    pub fn failed(&self, w: &Waiting) -> io::Result<()> {
        fs::rename(&w.path, self.root.join("failed").join(&w.name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(tag: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("shenbao-maildir-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        d
    }

    #[test]
    fn lists_in_arrival_order_and_moves() {
        let root = temp("order");
        let md = Maildir::open(&root).unwrap();
        for sub in ["new", "cur", "tmp", "failed"] {
            assert!(root.join(sub).is_dir());
        }
        let b = root.join("new/b");
        let a = root.join("new/a");
        fs::write(&b, b"first").unwrap();
        fs::write(&a, b"second").unwrap();
        fs::write(root.join("new/.hidden"), b"x").unwrap();
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
        fs::File::options()
            .write(true)
            .open(&b)
            .unwrap()
            .set_modified(old)
            .unwrap();
        let w = md.waiting().unwrap();
        let names: Vec<&str> = w.iter().map(|w| w.name.as_str()).collect();
        assert_eq!(names, ["b", "a"]);
        assert_eq!(md.read(&w[0], 100).unwrap(), b"first");
        assert!(matches!(md.read(&w[0], 3), Err(ReadFailure::TooLarge(3))));
        md.done(&w[0]).unwrap();
        md.failed(&w[1]).unwrap();
        assert!(root.join("cur/b:2,S").is_file());
        assert!(root.join("failed/a").is_file());
        assert_eq!(md.waiting().unwrap().len(), 0);
        let _ = fs::remove_dir_all(&root);
    }
}
