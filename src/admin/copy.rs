//! Copying archived files into a backup: each file read once, hashed while it is written,
//! synced, so the backup can say which copies match the hash the record keeps for them.

use sha2::{Digest, Sha256};
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Component, Path, PathBuf};

/// What became of one file the record points to.
#[derive(Debug)]
pub(super) enum Copied {
    /// Copied; its size and whether its bytes hash to what the record says.
    Done {
        /// Bytes copied, for the manifest's sizes.
        bytes: u64,
        /// False when the archive's bytes no longer hash to the recorded sha256.
        intact: bool,
    },
    /// The data directory does not hold it.
    Missing,
}

/// `rel` as a path under a root, refused when it could leave it: paths come from the record,
/// and a backup must never read or write outside the two folders it was given.
pub(super) fn contained(rel: &str) -> Option<PathBuf> {
    let path = Path::new(rel);
    let plain = path.components().all(|c| matches!(c, Component::Normal(_)));
    (plain && !rel.is_empty()).then(|| path.to_path_buf())
}

/// Copies `from` to `to` (creating its folders, recorded in `made` for syncing), syncs the
/// copy and compares its sha256 with `sha256`.
pub(super) fn copy_checked(
    from: &Path,
    to: &Path,
    sha256: &str,
    made: &mut Vec<PathBuf>,
) -> io::Result<Copied> {
    let mut src = match File::open(from) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Copied::Missing),
        Err(e) => return Err(e),
    };
    if let Some(dir) = to.parent() {
        make_dirs(dir, made)?;
    }
    let mut dst = File::create_new(to)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut bytes = 0u64;
    loop {
        let n = src.read(&mut buf)?;
        if n == 0 {
            break;
        }
        let chunk = buf.get(..n).unwrap_or_default();
        hasher.update(chunk);
        dst.write_all(chunk)?;
        bytes += n as u64;
    }
    dst.sync_all()?;
    let digest = crate::store::archive::hex(&hasher.finalize());
    Ok(Copied::Done {
        bytes,
        intact: digest.eq_ignore_ascii_case(sha256),
    })
}

/// Creates `dir` and its missing parents, remembering each one made.
fn make_dirs(dir: &Path, made: &mut Vec<PathBuf>) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent() {
        make_dirs(parent, made)?;
    }
    fs::create_dir(dir)?;
    made.push(dir.to_path_buf());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_paths_are_followed() {
        assert_eq!(
            contained("raw/ab/cd.eml"),
            Some(PathBuf::from("raw/ab/cd.eml"))
        );
        for bad in ["", "/etc/passwd", "../x", "raw/../../x", "./raw"] {
            assert_eq!(contained(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_copy_is_checked_against_its_hash() {
        let d = std::env::temp_dir().join(format!("shenbao-copy-{}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(&d).unwrap();
        fs::write(d.join("src"), b"abc").unwrap();
        let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        let mut made = Vec::new();
        let to = d.join("out/a/b");
        match copy_checked(&d.join("src"), &to, abc, &mut made).unwrap() {
            Copied::Done { bytes, intact } => assert!(bytes == 3 && intact),
            Copied::Missing => panic!("missing"),
        }
        assert_eq!(made, vec![d.join("out"), d.join("out/a")]);
        assert_eq!(fs::read(&to).unwrap(), b"abc");
        match copy_checked(&d.join("src"), &d.join("out/c"), "00", &mut made).unwrap() {
            Copied::Done { intact, .. } => assert!(!intact),
            Copied::Missing => panic!("missing"),
        }
        assert!(matches!(
            copy_checked(&d.join("gone"), &d.join("out/d"), abc, &mut made).unwrap(),
            Copied::Missing
        ));
        // Never over an existing file.
        assert!(copy_checked(&d.join("src"), &to, abc, &mut made).is_err());
        let _ = fs::remove_dir_all(&d);
    }
}
