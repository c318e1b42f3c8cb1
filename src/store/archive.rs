//! Content-addressed files under the data directory: `raw/ab/cdef….eml` for messages and
//! `files/ab/cdef…` for attachments, named by the sha256 of their bytes, so writing the same
//! bytes twice is a no-op and a path always names one content.

use sha2::{Digest, Sha256};
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Hex sha256 of the bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lower-case hex of a digest (or any bytes), as names and the record write them.
pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// The path, relative to the data directory, of content `hash` in area `area` (`raw`, `files`).
pub fn relative_path(area: &str, hash: &str, extension: &str) -> PathBuf {
    let (shard, rest) = hash.split_at(hash.len().min(2));
    let mut p = PathBuf::from(area);
    p.push(shard);
    p.push(format!("{rest}{extension}"));
    p
}

/// How hard a write must be to lose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// fsync the file and its directory (and the parent of a new shard directory): raw
    /// messages and replies, which nothing else can recreate.
    Synced,
    /// Atomic rename only: attachment files, which are re-extracted from the synced raw
    /// message if a crash loses them; syncing each one would cost more than the judging.
    Cached,
}

/// Writes `bytes` at `data_dir/rel` unless a file of the same size is already there. The file
/// is written under a temporary name and renamed, so the path holds either nothing or the
/// whole content; with [`Durability::Synced`] that also holds after a power cut.
pub fn write(
    data_dir: &Path,
    rel: &Path,
    bytes: &[u8],
    durability: Durability,
) -> std::io::Result<()> {
    let path = data_dir.join(rel);
    if let Ok(meta) = fs::metadata(&path)
        && meta.len() == bytes.len() as u64
    {
        return Ok(());
    }
    let dir = path.parent().unwrap_or(data_dir);
    let new_dir = !dir.is_dir();
    fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(
        ".tmp-{}-{}",
        std::process::id(),
        path.file_name().and_then(|n| n.to_str()).unwrap_or("file")
    ));
    {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        if durability == Durability::Synced {
            f.sync_all()?;
        }
    }
    fs::rename(&tmp, &path)?;
    if durability == Durability::Synced {
        sync_dir(dir)?;
        if new_dir && let Some(parent) = dir.parent() {
            sync_dir(parent)?;
        }
    }
    Ok(())
}

/// Removes the temporary files a killed process left in the archive areas (`raw/`, `files/`,
/// their shards, and `outbox/`): `.tmp-<pid>-<name>` of a process that no longer runs. A
/// live process's files (another command writing now) are left alone. Returns how many
/// were removed.
pub fn sweep_temporaries(data_dir: &Path) -> std::io::Result<usize> {
    let mut removed = 0;
    let mut dirs = vec![data_dir.join("outbox")];
    for area in ["raw", "files"] {
        let area = data_dir.join(area);
        dirs.push(area.clone());
        if let Ok(shards) = fs::read_dir(&area) {
            dirs.extend(
                shards
                    .flatten()
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                    .map(|e| e.path()),
            );
        }
    }
    for dir in dirs {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(pid) = name.to_str().and_then(temporary_owner) else {
                continue;
            };
            if pid != std::process::id() && Path::new(&format!("/proc/{pid}")).exists() {
                continue;
            }
            fs::remove_file(entry.path())?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// The process id in a temporary file's name `.tmp-<pid>-<name>`.
fn temporary_owner(name: &str) -> Option<u32> {
    let rest = name.strip_prefix(".tmp-")?;
    let (pid, _) = rest.split_once('-')?;
    pid.parse().ok()
}

/// fsyncs a directory so a rename into it survives a crash.
pub fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_bytes_same_path_and_written_once() {
        let dir = std::env::temp_dir().join(format!("shenbao-archive-{}", std::process::id()));
        let h = sha256_hex(b"abc");
        assert_eq!(
            h,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let rel = relative_path("raw", &h, ".eml");
        assert_eq!(
            rel,
            PathBuf::from(
                "raw/ba/7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad.eml"
            )
        );
        write(&dir, &rel, b"abc", Durability::Synced).unwrap();
        write(&dir, &rel, b"abc", Durability::Synced).unwrap();
        assert_eq!(fs::read(dir.join(&rel)).unwrap(), b"abc");
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn temporaries_of_killed_processes_are_swept_live_ones_kept() {
        let dir = std::env::temp_dir().join(format!("shenbao-sweep-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let shard = dir.join("raw/ab");
        fs::create_dir_all(&shard).unwrap();
        fs::create_dir_all(dir.join("outbox")).unwrap();
        // No process has pid 4194304 + 1 (above the kernel's pid_max).
        let dead = 4_194_305;
        let live = std::os::unix::process::parent_id();
        fs::write(shard.join(format!(".tmp-{dead}-cdef.eml")), b"x").unwrap();
        fs::write(dir.join(format!("outbox/.tmp-{dead}-7.json")), b"x").unwrap();
        fs::write(dir.join(format!("outbox/.tmp-{live}-8.json")), b"x").unwrap();
        fs::write(shard.join("cdef.eml"), b"kept").unwrap();
        assert_eq!(sweep_temporaries(&dir).unwrap(), 2);
        assert!(shard.join("cdef.eml").is_file());
        assert!(dir.join(format!("outbox/.tmp-{live}-8.json")).is_file());
        assert!(!dir.join(format!("outbox/.tmp-{dead}-7.json")).exists());
        let _ = fs::remove_dir_all(&dir);
    }
}
