//! Passwords, read once from a file or the environment and never printed.

use super::server::PasswordSource;
use anyhow::{Context, bail};
use std::fmt;
use std::path::PathBuf;

/// A password. `Debug` and `Display` print a placeholder, so a secret cannot reach a log line
/// or an error message by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// The password itself, for the login call only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl PasswordSource {
    /// Reads the password. Errors name the file or variable, never the value.
    pub fn read(&self) -> anyhow::Result<Secret> {
        if let Some(file) = &self.password_file {
            let path = credential_path(file);
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read password file {}", path.display()))?;
            let pw = text.trim_end_matches(['\r', '\n']);
            if pw.is_empty() {
                bail!("password file {} is empty", path.display());
            }
            return Ok(Secret(pw.to_string()));
        }
        if let Some(var) = &self.password_env {
            let pw = std::env::var(var)
                .with_context(|| format!("environment variable {var} is not set"))?;
            if pw.is_empty() {
                bail!("environment variable {var} is empty");
            }
            return Ok(Secret(pw));
        }
        bail!("no password source: set password_file or password_env")
    }
}

/// A relative password file is first looked up among systemd's credentials.
fn credential_path(file: &std::path::Path) -> PathBuf {
    credential(file).unwrap_or_else(|| file.to_path_buf())
}

/// systemd's credential named `file` (`$CREDENTIALS_DIRECTORY/file`), when it exists.
pub(super) fn credential(file: &std::path::Path) -> Option<PathBuf> {
    if !file.is_relative() {
        return None;
    }
    let p = PathBuf::from(std::env::var_os("CREDENTIALS_DIRECTORY")?).join(file);
    p.exists().then_some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let s = Secret("hunter2".into());
        assert_eq!(format!("{s} {s:?}"), "*** Secret(***)");
        assert_eq!(s.expose(), "hunter2");
    }

    #[test]
    fn file_and_environment_sources() {
        let dir = std::env::temp_dir().join(format!("shenbao-secret-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("pw");
        std::fs::write(&f, "s3cret\n").unwrap();
        let src = PasswordSource {
            password_file: Some(f),
            password_env: None,
        };
        assert_eq!(src.read().unwrap().expose(), "s3cret");
        let missing = PasswordSource {
            password_file: None,
            password_env: Some("SHENBAO_TEST_NO_SUCH_VAR".into()),
        };
        let err = missing.read().unwrap_err().to_string();
        assert!(err.contains("SHENBAO_TEST_NO_SUCH_VAR"));
        assert!(PasswordSource::default().read().is_err());
        let _ = std::fs::remove_dir_all(dir);
    }
}
