//! Processes: running tools, waiting for greetings, killing process groups, reaping the
//! servers of test runs that were killed before they could clean up.

use super::Result;
use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Runs a command to completion; its stderr becomes the error.
pub fn run(cmd: &mut Command) -> Result<()> {
    let out = cmd.stdin(Stdio::null()).output()?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{cmd:?}: {}{}",
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        )
        .into())
    }
}

pub fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin".into(), "/sbin".into()])
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

pub fn is_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// Kills a process group and reaps its leader.
pub fn kill_group(child: &mut Child) {
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{}", child.id())])
        .stderr(Stdio::null())
        .status();
    let _ = child.wait();
}

/// Waits until a server on `port` sends a greeting starting with `prefix` (a bound port alone
/// is not ready: the master binds before its login processes run).
pub fn wait_greeting(port: u16, prefix: &str, child: &mut Child, log: &Path) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if let Ok(s) = TcpStream::connect(("127.0.0.1", port)) {
            s.set_read_timeout(Some(Duration::from_secs(2)))?;
            let mut line = String::new();
            if BufReader::new(s).read_line(&mut line).is_ok() && line.starts_with(prefix) {
                return Ok(());
            }
        }
        if let Some(st) = child.try_wait()? {
            let log = std::fs::read_to_string(log).unwrap_or_default();
            return Err(format!("server exited ({st}) before greeting; log:\n{log}").into());
        }
        if Instant::now() > deadline {
            return Err(format!("no greeting on port {port} within 15 s").into());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Stops the servers of stacks whose test process died without dropping them (a killed
/// `cargo test`), and removes their directories.
pub fn reap_stale() {
    let Ok(entries) = std::fs::read_dir("/tmp") else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        let Some(owner) = name
            .strip_prefix("msk-")
            .and_then(|r| r.split('-').next())
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if Path::new(&format!("/proc/{owner}")).exists() {
            continue;
        }
        let dir = e.path();
        for (pidfile, comm) in [
            ("run/master.pid", "dovecot"),
            ("pq/pid/master.pid", "master"),
        ] {
            let pid = std::fs::read_to_string(dir.join(pidfile)).unwrap_or_default();
            let Ok(pid) = pid.trim().parse::<u32>() else {
                continue;
            };
            // Only if the pid still names that server (pids are reused).
            let running = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
            if running.trim() == comm {
                let _ = Command::new("kill")
                    .args(["-KILL", "--", &format!("-{pid}")])
                    .stderr(Stdio::null())
                    .status();
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
