//! Sample submissions the project generates, so a fresh machine can see the whole job
//! (`shenbao run --once --samples`, `shenbao samples --out DIR`): four district bureaus write in
//! April 2023 — a complete submission (Word forms, stamped PNG scans, GBK names as Foxmail
//! sends), one missing the stamped summary and its later completion, a zip archive, a question
//! and an automatic reply. Everything is built in code and deterministic.

pub mod docx;
mod mail;
mod scan;
mod set;
#[cfg(test)]
mod tests;

use crate::config::{Config, MailboxKind};
use crate::verdict::Verdict;
use anyhow::Context;
use chrono::{DateTime, FixedOffset};
use std::io::{self, Write};
use std::path::Path;

pub use set::all;

/// One sample email.
#[derive(Debug, Clone)]
pub struct Sample {
    /// Our file name for it (ASCII, ordered), never taken from the mail.
    pub name: String,
    /// The raw message.
    pub raw: Vec<u8>,
    /// When it arrives: its `Date:`, used as the file's modification time so the Maildir
    /// reader sees the April 2023 arrival, before the deadline.
    pub received: DateTime<FixedOffset>,
    /// The verdict it is meant to get when the set is judged in order, for the tests and
    /// for people reading the output.
    pub expected: Verdict,
}

/// Writes every sample as `NAME.eml` into `dir` (created when missing), with its arrival as
/// modification time so `shenbao check` without `--received` judges it as of its date.
pub fn write_dir(dir: &Path) -> io::Result<Vec<Sample>> {
    std::fs::create_dir_all(dir)?;
    let samples = all();
    for s in &samples {
        let mut f = std::fs::File::create(dir.join(&s.name))?;
        f.write_all(&s.raw)?;
        f.set_modified(s.received.into())?;
    }
    Ok(samples)
}

/// Whether a Maildir sub-folder holds any message (hidden files are other programs' temporaries).
fn has_messages(dir: &Path) -> io::Result<bool> {
    match std::fs::read_dir(dir) {
        Ok(entries) => {
            for e in entries {
                if !e?.file_name().to_string_lossy().starts_with('.') {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

/// Delivers the samples into the Maildir at `root` when it has no messages yet (`new/` and
/// `cur/` empty), as a delivery agent would: each written and synced in `tmp/`, given its
/// arrival as modification time, then renamed into `new/`. Returns how many were delivered
/// (0 when the Maildir already had mail: samples never mix with real submissions).
pub fn seed_maildir(root: &Path) -> io::Result<usize> {
    if has_messages(&root.join("new"))? || has_messages(&root.join("cur"))? {
        return Ok(0);
    }
    for sub in ["new", "cur", "tmp"] {
        std::fs::create_dir_all(root.join(sub))?;
    }
    let samples = all();
    for (i, s) in samples.iter().enumerate() {
        // Maildir unique name: time, a per-delivery sequence, our "host" part.
        let unique = format!(
            "{}.M{}P{}.shenbao-samples",
            s.received.timestamp(),
            i + 1,
            std::process::id()
        );
        let tmp = root.join("tmp").join(&unique);
        {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(&s.raw)?;
            f.set_modified(s.received.into())?;
            f.sync_all()?;
        }
        std::fs::rename(&tmp, root.join("new").join(&unique))?;
    }
    Ok(samples.len())
}

/// `shenbao run --samples`: seeds the configured Maildir before the daemon starts, and says so.
pub fn seed_configured(config: Option<&Path>) -> anyhow::Result<()> {
    let cfg = Config::load(config)?;
    if cfg.mailbox.kind != MailboxKind::Maildir {
        eprintln!("shenbao: --samples 只用于本地 Maildir 邮箱，已忽略");
        return Ok(());
    }
    let path = &cfg.mailbox.path;
    let n = seed_maildir(path)
        .with_context(|| format!("cannot write samples into {}", path.display()))?;
    if n == 0 {
        eprintln!("shenbao: {} 中已有邮件，未写入示例邮件", path.display());
    } else {
        eprintln!(
            "shenbao: 已向 {} 写入 {n} 封示例申报邮件",
            path.join("new").display()
        );
    }
    Ok(())
}

/// `shenbao samples --out DIR`: writes the sample .eml files and lists them with the verdict
/// each is meant to get when checked in order.
pub fn command(out: &Path) -> anyhow::Result<std::process::ExitCode> {
    let samples =
        write_dir(out).with_context(|| format!("cannot write samples into {}", out.display()))?;
    let stdout = io::stdout();
    let mut w = stdout.lock();
    for s in &samples {
        let verdict = match s.expected {
            Verdict::Accepted => "受理",
            Verdict::Rejected => "退回",
            Verdict::Ignored => "不处理",
        };
        writeln!(w, "{}  预期：{verdict}", out.join(&s.name).display())?;
    }
    Ok(std::process::ExitCode::SUCCESS)
}
