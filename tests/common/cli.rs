//! The binary run as the division and the admin run it: `shenbao --config FILE ARGS…`.

use std::path::Path;
use std::process::Command;

/// What one run left.
pub struct Run {
    /// Exit code (-1 when killed by a signal).
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// Exit code 0.
    pub fn ok(&self) -> bool {
        self.code == 0
    }

    /// Everything a person at the terminal reads: stdout, then stderr.
    pub fn text(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// Runs `shenbao --config config args…`.
pub fn shenbao(config: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_shenbao"))
        .arg("--config")
        .arg(config)
        .args(args)
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs it and insists it succeeds; its stdout.
pub fn ok(config: &Path, args: &[&str]) -> String {
    let r = shenbao(config, args);
    assert!(r.ok(), "{args:?} failed:\n{}", r.text());
    r.stdout
}

/// Runs it, insists it succeeds, and parses its stdout as JSON.
pub fn json(config: &Path, args: &[&str]) -> serde_json::Value {
    let out = ok(config, args);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {out}"))
}
