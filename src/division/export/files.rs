//! Each unit's folder: its current files copied under consistent names. Names come from the
//! unit's and enterprises' names made safe for any file system; a sender's file name gives
//! only its extension, from a fixed list.

use super::{ExportFile, ExportUnit};
use anyhow::Context;
use std::collections::HashSet;
use std::path::Path;

/// Longest name part, in bytes: file systems allow 255 per name, and a file name adds its
/// number and suffix (`12-…-申报表-盖章.docx`, 30 bytes) to the enterprise's name.
const MAX_BYTES: usize = 150;

/// Extensions kept as sent; anything else becomes `.bin`.
const EXTENSIONS: &[&str] = &[
    "docx", "doc", "wps", "xlsx", "xls", "et", "pdf", "jpg", "jpeg", "png", "tif", "tiff", "ofd",
];

/// Folder names already used, so two units whose names make the same folder stay apart.
#[derive(Debug, Default)]
pub struct Names {
    /// Lower-cased names given out.
    used: HashSet<String>,
}

impl Names {
    /// A folder name for `wanted` not given out before.
    fn unique(&mut self, wanted: &str) -> String {
        let mut name = wanted.to_string();
        let mut n = 1;
        while !self.used.insert(name.to_lowercase()) {
            n += 1;
            name = format!("{wanted}-{n}");
        }
        name
    }
}

/// `s` as one safe path component: no separators, control or reserved characters, no
/// leading or trailing dots and spaces, not a device name, at most [`MAX_BYTES`].
pub fn safe(s: &str) -> String {
    let mut cleaned = String::new();
    for c in s.chars() {
        let c = if c.is_control()
            || matches!(c, '/' | '\\' | '<' | '>' | ':' | '"' | '|' | '?' | '*')
        {
            '_'
        } else {
            c
        };
        if cleaned.len() + c.len_utf8() > MAX_BYTES {
            break;
        }
        cleaned.push(c);
    }
    let trimmed = cleaned.trim_matches(|c: char| c == '.' || c.is_whitespace());
    if trimmed.is_empty() {
        return "未命名".into();
    }
    let stem = trimmed
        .split('.')
        .next()
        .unwrap_or(trimmed)
        .to_ascii_uppercase();
    let device = matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || ((stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.len() == 4
            && stem.as_bytes()[3].is_ascii_digit());
    if device {
        format!("_{trimmed}")
    } else {
        trimmed.to_string()
    }
}

/// The extension to give a copy of `name`.
pub fn extension(name: &str) -> &'static str {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.trim().to_ascii_lowercase())
        .unwrap_or_default();
    EXTENSIONS
        .iter()
        .find(|e| **e == ext)
        .copied()
        .unwrap_or("bin")
}

/// Writes `u`'s folder under `dir` (none when it has no file); returns the files copied.
pub fn write_unit(dir: &Path, names: &mut Names, u: &ExportUnit) -> anyhow::Result<usize> {
    let mut wanted: Vec<(String, &ExportFile)> = Vec::new();
    for (i, p) in u.projects.iter().enumerate() {
        let enterprise = p
            .app
            .as_ref()
            .map(|a| a.enterprise_name.as_str())
            .or(p.row.as_ref().map(|r| r.enterprise_name.as_str()))
            .filter(|e| !e.trim().is_empty())
            .map(safe)
            .unwrap_or_else(|| format!("项目{}", i + 1));
        let n = i + 1;
        if let Some(f) = &p.word {
            wanted.push((format!("{n}-{enterprise}-申报表.{}", extension(&f.name)), f));
        }
        if let Some(f) = &p.stamped {
            wanted.push((
                format!("{n}-{enterprise}-申报表-盖章.{}", extension(&f.name)),
                f,
            ));
        }
    }
    if let Some(f) = &u.summary_word {
        wanted.push((format!("汇总表.{}", extension(&f.name)), f));
    }
    if let Some(f) = &u.summary_stamped {
        wanted.push((format!("汇总表-盖章.{}", extension(&f.name)), f));
    }
    if wanted.is_empty() {
        return Ok(0);
    }
    let folder = dir.join(names.unique(&safe(&u.name)));
    std::fs::create_dir_all(&folder).with_context(|| format!("无法创建 {}", folder.display()))?;
    for (name, f) in &wanted {
        let to = folder.join(name);
        std::fs::copy(&f.path, &to).map_err(|e| {
            anyhow::anyhow!(
                "无法复制 {}（{}）到 {}：{e}",
                f.name,
                f.path.display(),
                to.display()
            )
        })?;
    }
    Ok(wanted.len())
}
