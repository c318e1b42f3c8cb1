//! The city-wide export: `全市汇总表.xlsx` in the layout of Attachment 2 (a sheet of the
//! accepted projects the division reports upward, and one of every current project) and, per
//! unit, a folder with its current files under consistent names. [`record`] reads the record
//! into typed input, in the order the workbook lists it, with each project's 提示
//! ([`warnings`]); the rest is pure over it and writes files.
//!
//! Re-running replaces the export at once: everything is built in a sibling temporary folder,
//! then the old export is renamed away, the new one renamed in, and the old one removed. A
//! folder that is not an earlier export (no marker file) is never replaced.

pub mod files;
mod layout;
pub mod record;
#[cfg(test)]
mod tests;
pub mod warnings;
mod xlsx;

use crate::forms::application::Application;
use crate::forms::summary::SummaryRow;
use anyhow::Context;
use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The workbook's file name.
pub const WORKBOOK: &str = "全市汇总表.xlsx";
/// Marks a folder as written by `export`, so a re-run may replace it.
pub const MARKER: &str = ".shenbao-export";

/// One recommending unit as exported.
#[derive(Debug, Clone, Default)]
pub struct ExportUnit {
    /// Its name: the 推荐单位 column and its folder's name.
    pub name: String,
    /// Receipt number issued to it (回执编号).
    pub receipt: Option<String>,
    /// Where it stands in the division's words (状态): 已受理, 材料不全, ….
    pub status: String,
    /// Whether it was accepted (by mail or by a clerk's decision): its projects then go on the
    /// sheet the division reports upward, not only on the full one.
    pub accepted: bool,
    /// Its current projects, in the order of its summary.
    pub projects: Vec<ExportProject>,
    /// The current Word/Excel summary.
    pub summary_word: Option<ExportFile>,
    /// The current stamped summary.
    pub summary_stamped: Option<ExportFile>,
}

/// One current project of a unit.
#[derive(Debug, Clone, Default)]
pub struct ExportProject {
    /// Its row in the unit's summary (附件2), when the summary lists it.
    pub row: Option<SummaryRow>,
    /// Its application form's fields (附件1), when one was received.
    pub app: Option<Application>,
    /// The Word application form.
    pub word: Option<ExportFile>,
    /// The stamped application form.
    pub stamped: Option<ExportFile>,
    /// Arrival of its newest file (收件时间).
    pub received: Option<DateTime<FixedOffset>>,
    /// What the division checks before reporting it upward (提示: 逾期, 疑似重复, 公章未识别),
    /// in that order; filled by [`warnings::mark`].
    pub warnings: Vec<String>,
}

/// A file to copy into the export.
#[derive(Debug, Clone)]
pub struct ExportFile {
    /// Where the bytes are (the content-addressed archive copy).
    pub path: PathBuf,
    /// The name it was sent under: only its extension is used, never the name itself.
    pub name: String,
    /// A stamped scan on which no red seal was seen and no clerk confirmed one: the row says
    /// so, the division looks at it before reporting the project.
    pub unverified_seal: bool,
}

/// What an export wrote.
#[derive(Debug, Clone, Serialize)]
pub struct ExportReport {
    /// Units with a folder.
    pub units: usize,
    /// Rows of the full sheet (全部项目).
    pub projects: usize,
    /// Rows of the sheet reported upward (已受理项目).
    pub accepted: usize,
    /// Files copied.
    pub files: usize,
    /// The workbook.
    pub workbook: PathBuf,
}

/// Writes the export of `units` to `out`, replacing an earlier export there; `progress` is
/// called with (units done, units) as the folders are written.
pub fn export(
    out: &Path,
    title: &str,
    units: &[ExportUnit],
    progress: &dyn Fn(usize, usize),
) -> anyhow::Result<ExportReport> {
    let empty = std::fs::read_dir(out).is_ok_and(|mut d| d.next().is_none());
    if out.exists() && !empty && !out.join(MARKER).is_file() {
        anyhow::bail!(
            "{} 已存在且不是 shenbao 导出的目录，为免覆盖其中文件，请换一个目录或先清空它",
            out.display()
        );
    }
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| !n.is_empty() && n != "..")
        .ok_or_else(|| anyhow::anyhow!("导出目录 {} 不能用：请给出一个目录名", out.display()))?;
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).with_context(|| format!("无法创建 {}", parent.display()))?;
    sweep(&parent, &name);
    let pid = std::process::id();
    let tmp = parent.join(format!(".{name}.tmp-{pid}"));
    let _ = std::fs::remove_dir_all(&tmp);
    let built = build(&tmp, title, units, progress);
    let report = match built {
        Ok(r) => r,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e);
        }
    };
    swap(&tmp, out, &parent.join(format!(".{name}.old-{pid}")))?;
    Ok(ExportReport {
        workbook: out.join(WORKBOOK),
        ..report
    })
}

/// Writes everything into the empty folder `dir`.
fn build(
    dir: &Path,
    title: &str,
    units: &[ExportUnit],
    progress: &dyn Fn(usize, usize),
) -> anyhow::Result<ExportReport> {
    std::fs::create_dir_all(dir).with_context(|| format!("无法创建 {}", dir.display()))?;
    std::fs::write(dir.join(MARKER), "shenbao export\n")?;
    let rows = xlsx::write(&dir.join(WORKBOOK), title, units)?;
    let mut copied = 0;
    let mut folders = files::Names::default();
    let mut with_folder = 0;
    for (i, u) in units.iter().enumerate() {
        let n = files::write_unit(dir, &mut folders, u)?;
        if n > 0 {
            with_folder += 1;
        }
        copied += n;
        progress(i + 1, units.len());
    }
    Ok(ExportReport {
        units: with_folder,
        projects: rows.all,
        accepted: rows.accepted,
        files: copied,
        workbook: dir.join(WORKBOOK),
    })
}

/// Removes what an interrupted export of `name` left in `parent` (its build or the export it
/// was replacing), recognised by name and marker, so leftovers do not pile up.
fn sweep(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let (tmp, old) = (format!(".{name}.tmp-"), format!(".{name}.old-"));
    for e in entries.flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        if (n.starts_with(&tmp) || n.starts_with(&old)) && e.path().join(MARKER).is_file() {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Puts `new` in the place of `out`. On Linux the two are exchanged in one step, so a reader
/// sees the old export or the new one, never none; elsewhere (or on a file system without
/// the exchange) the old export moves aside first and comes back if the new one cannot go in.
fn swap(new: &Path, out: &Path, old: &Path) -> anyhow::Result<()> {
    if out.exists() && exchange(new, out) {
        let _ = std::fs::remove_dir_all(new);
        return Ok(());
    }
    let _ = std::fs::remove_dir_all(old);
    let had_old = out.exists();
    if had_old {
        std::fs::rename(out, old).with_context(|| format!("无法替换 {}", out.display()))?;
    }
    if let Err(e) = std::fs::rename(new, out) {
        if had_old {
            let _ = std::fs::rename(old, out);
        }
        let _ = std::fs::remove_dir_all(new);
        anyhow::bail!("无法写入 {}：{e}", out.display());
    }
    if had_old {
        let _ = std::fs::remove_dir_all(old);
    }
    Ok(())
}

/// Exchanges `a` and `b` atomically; false when the system cannot (then nothing changed).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> bool {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let (Ok(a), Ok(b)) = (
        CString::new(a.as_os_str().as_bytes()),
        CString::new(b.as_os_str().as_bytes()),
    ) else {
        return false;
    };
    // SAFETY: both are valid NUL-terminated paths that live across the call.
    let r = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    r == 0
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> bool {
    false
}
