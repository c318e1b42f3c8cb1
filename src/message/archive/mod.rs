//! Zip archives: entries, GBK names, limits.
//!
//! A zip that looks like a bomb (entries sharing data, sizes or ratios over the caps, declared
//! or actual) is refused as a whole: it is listed alone, `Unreadable`, without entries, because
//! a partial listing of a hostile archive would be judged as if it were the submission.

pub(crate) mod central;
#[cfg(test)]
pub(crate) mod tests;

use std::io::{Cursor, Read};

use super::{Collector, FileProblem, ReadError};

/// Below this decompressed size an entry is never called a bomb by its ratio: tiny files of
/// repeated bytes compress far beyond any sane cap yet cost nothing.
const RATIO_FLOOR: u64 = 1 << 20;

/// A refusal of the whole archive, with the reason shown to people.
type Refusal = String;

/// One entry read out of an archive, before it is listed.
struct ExtractedEntry {
    /// Decoded entry name (full path inside the archive, kept as a label).
    name: String,
    /// The bytes, or why the single entry cannot be read.
    content: Result<Vec<u8>, ReadError>,
}

/// Decodes a stored entry name: UTF-8 when flagged or valid, else GBK (Windows' built-in zip
/// and WinRAR write the OEM code page without the flag).
pub fn entry_name(raw: &[u8], flags: u16) -> String {
    if flags & 0x800 != 0 {
        String::from_utf8_lossy(raw).into_owned()
    } else {
        super::params::raw_text(raw)
    }
}

/// Lists the entries of the zip `data` (already listed as `container` at `depth`), recursing
/// into nested zips. Returns a refusal when the archive must stand alone as unreadable.
pub(crate) fn expand(
    col: &mut Collector<'_>,
    data: &[u8],
    container: &str,
    depth: usize,
) -> Result<(), Refusal> {
    if depth >= col.limits.max_depth {
        return Err(format!("压缩包嵌套超过{}层", col.limits.max_depth));
    }
    let limits = *col.limits;
    let budget = col.archive_budget.min(limits.max_archive_bytes);
    let read = std::panic::catch_unwind(|| read_all(data, &limits, budget))
        .unwrap_or_else(|_| Err("压缩包已损坏".to_string()))?;
    let total: u64 = read
        .iter()
        .map(|r| r.content.as_ref().map_or(0, |d| d.len() as u64))
        .sum();
    col.archive_budget = col.archive_budget.saturating_sub(total);
    for r in read {
        match r.content {
            Ok(bytes) => col.add_file(r.name, Some(container.to_string()), bytes, depth + 1),
            Err(why) => col.add_problem(
                r.name,
                Some(container.to_string()),
                FileProblem::Unreadable(why),
            ),
        }
    }
    Ok(())
}

fn read_all(
    data: &[u8],
    limits: &super::Limits,
    budget: u64,
) -> Result<Vec<ExtractedEntry>, Refusal> {
    let corrupt = || "压缩包已损坏或不完整".to_string();
    let entries = central::entries(data, limits.max_archive_entries).ok_or_else(corrupt)?;
    if entries.len() > limits.max_archive_entries {
        return Err(format!(
            "压缩包内文件超过{}个，请减少文件或分几封邮件发送",
            limits.max_archive_entries
        ));
    }
    check_overlap(data, &entries)?;
    let mut declared: u64 = 0;
    for e in &entries {
        check_sizes(e.uncompressed, e.compressed, limits)?;
        declared = declared.saturating_add(e.uncompressed);
    }
    if declared > budget {
        return Err(too_big(limits));
    }
    let mut archive = zip::ZipArchive::new(Cursor::new(data)).map_err(|_| corrupt())?;
    if archive.len() != entries.len() {
        return Err(corrupt());
    }
    let mut out = Vec::new();
    let mut total: u64 = 0;
    for (i, e) in entries.iter().enumerate() {
        let name = entry_name(&e.name, e.flags);
        if name.ends_with('/') || name.ends_with('\\') {
            continue;
        }
        if e.flags & 1 != 0 {
            out.push(ExtractedEntry {
                name,
                content: Err(ReadError::Encrypted),
            });
            continue;
        }
        let cap = limits.max_entry_bytes.min(budget.saturating_sub(total));
        let content = match archive.by_index(i) {
            Err(zip::result::ZipError::UnsupportedArchive(_)) => {
                Err(ReadError::Refused("压缩方式不受支持".to_string()))
            }
            Err(_) => Err(ReadError::Refused("压缩包内文件已损坏".to_string())),
            Ok(file) => {
                let mut buf = Vec::new();
                match file.take(cap.saturating_add(1)).read_to_end(&mut buf) {
                    Ok(_) => Ok(buf),
                    Err(_) => Err(ReadError::Refused("压缩包内文件已损坏".to_string())),
                }
            }
        };
        if let Ok(buf) = &content {
            let got = buf.len() as u64;
            if got > cap {
                return Err(too_big(limits));
            }
            check_sizes(got, e.compressed, limits)?;
            total += got;
        }
        out.push(ExtractedEntry { name, content });
    }
    Ok(out)
}

fn too_big(limits: &super::Limits) -> Refusal {
    format!(
        "压缩包解压后超过大小上限（单个文件{}MB，合计{}MB），请分几封邮件发送或直接发送附件",
        limits.max_entry_bytes >> 20,
        limits.max_archive_bytes >> 20
    )
}

fn check_sizes(uncompressed: u64, compressed: u64, limits: &super::Limits) -> Result<(), Refusal> {
    if uncompressed > limits.max_entry_bytes {
        return Err(too_big(limits));
    }
    if uncompressed > RATIO_FLOOR && uncompressed / compressed.max(1) > limits.max_ratio {
        return Err(format!(
            "压缩包压缩比超过{}倍，无法安全解压，请直接发送文件或重新压缩",
            limits.max_ratio
        ));
    }
    Ok(())
}

/// Entries whose local data overlap are the non-recursive zip bomb (many entries, one blob).
fn check_overlap(data: &[u8], entries: &[central::Entry]) -> Result<(), Refusal> {
    let mut ranges = Vec::with_capacity(entries.len());
    for e in entries {
        ranges
            .push(central::local_range(data, e).ok_or_else(|| "压缩包已损坏或不完整".to_string())?);
    }
    ranges.sort_unstable();
    if ranges.windows(2).any(|w| matches!(w, [a, b] if b.0 < a.1)) {
        return Err("压缩包结构异常，无法安全解压，请重新压缩或直接发送文件".to_string());
    }
    Ok(())
}
