//! Relative paths in a configuration file start at the file's folder, so a command gives the
//! same answer from any working directory (`cd /tmp && shenbao --config /etc/shenbao/x.toml
//! status` reads /etc/shenbao's data, not /tmp's). The embedded default has no folder: its
//! paths stay relative to the working directory, which is what the quick start relies on.

use super::Config;
use super::secret::credential;
use std::path::{Path, PathBuf};

/// The folder relative paths of the file at `config` start at, made absolute from the
/// working directory (a bare `--config x.toml` is in the working directory).
pub fn base_of(config: &Path) -> PathBuf {
    let dir = match config.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf())
}

/// `p` joined to `base` when relative.
fn anchored(base: &Path, p: &Path) -> PathBuf {
    if p.is_relative() {
        base.join(p)
    } else {
        p.to_path_buf()
    }
}

/// A password file: systemd's credential of that name first (as before), else the file
/// beside the configuration.
fn password(base: &Path, p: &Path) -> PathBuf {
    if p.is_relative() {
        credential(p).unwrap_or_else(|| base.join(p))
    } else {
        p.to_path_buf()
    }
}

impl Config {
    /// Rewrites every relative path of the file against `base` (see [`base_of`]).
    pub fn anchor(&mut self, base: &Path) {
        let a = |p: &mut PathBuf| *p = anchored(base, p);
        let o = |p: &mut Option<PathBuf>| {
            if let Some(p) = p {
                *p = anchored(base, p)
            }
        };
        let pw = |p: &mut Option<PathBuf>| {
            if let Some(p) = p {
                *p = password(base, p)
            }
        };
        a(&mut self.mailbox.path);
        a(&mut self.storage.data_dir);
        if let Some(imap) = &mut self.mailbox.imap {
            pw(&mut imap.password_file);
            o(&mut imap.ca_file);
        }
        if let Some(smtp) = &mut self.smtp {
            pw(&mut smtp.password_file);
            o(&mut smtp.ca_file);
        }
        o(&mut self.web.tls_cert);
        o(&mut self.web.tls_key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_start_at_the_config_folder() {
        let text = crate::config::DEFAULT_TOML.to_string()
            + "\n[mailbox.imap]\nhost = \"h\"\nuser = \"u\"\npassword_file = \"imap.pw\"\n\
               ca_file = \"/etc/ssl/ca.pem\"\n[web]\ntls_cert = \"tls/cert.pem\"\ntls_key = \"tls/key.pem\"\n";
        let mut c = Config::parse(&text).unwrap();
        c.anchor(Path::new("/etc/shenbao"));
        assert_eq!(c.storage.data_dir, Path::new("/etc/shenbao/data"));
        assert_eq!(c.mailbox.path, Path::new("/etc/shenbao/data/Maildir"));
        let imap = c.mailbox.imap.as_ref().unwrap();
        assert_eq!(
            imap.password_file.as_deref(),
            Some(Path::new("/etc/shenbao/imap.pw"))
        );
        assert_eq!(imap.ca_file.as_deref(), Some(Path::new("/etc/ssl/ca.pem")));
        assert_eq!(
            c.web.tls_key.as_deref(),
            Some(Path::new("/etc/shenbao/tls/key.pem"))
        );
    }

    #[test]
    fn the_folder_of_a_bare_file_name_is_the_working_directory() {
        let here = std::env::current_dir().unwrap();
        assert_eq!(base_of(Path::new("shenbao.toml")), here);
        assert_eq!(base_of(Path::new("conf/x.toml")), here.join("conf"));
        assert_eq!(
            base_of(Path::new("/etc/shenbao/x.toml")),
            Path::new("/etc/shenbao")
        );
    }
}
