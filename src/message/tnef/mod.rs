//! Outlook/Exchange TNEF (`winmail.dat`, `application/ms-tnef`, MS-OXTNEF): the attachments
//! a rich-text Outlook message hides inside one file.
//!
//! The stream is a signature, a key, then attribute records (level, id, length, data,
//! checksum). Each attachment starts with `attAttachRenddata`; its bytes are in
//! `attAttachData`, its 8.3 name in `attAttachTitle`, and its long name among the MAPI
//! properties of `attAttachment` (`PR_ATTACH_LONG_FILENAME`, else `PR_ATTACH_FILENAME` or
//! `PR_DISPLAY_NAME`). 8-bit strings are in the message code page (`attOemCodepage`; GBK from a
//! Chinese Outlook). Nothing declared in the stream is trusted: every length is checked
//! against what is left, and counts are bounded by the caller's limit.

mod props;
#[cfg(test)]
pub(crate) mod tests;

use encoding_rs::Encoding;

/// The stream's first four bytes (0x223E9F78, little-endian).
pub const SIGNATURE: [u8; 4] = [0x78, 0x9F, 0x3E, 0x22];

/// Attribute ids (type in the high word, id in the low word), MS-OXTNEF 2.1.3.3.
const ATT_OEM_CODEPAGE: u32 = 0x0006_9007;
const ATT_ATTACH_RENDDATA: u32 = 0x0006_9002;
const ATT_ATTACH_TITLE: u32 = 0x0001_8010;
const ATT_ATTACH_DATA: u32 = 0x0006_800F;
const ATT_ATTACHMENT: u32 = 0x0006_9005;

/// Attribute levels.
const LVL_ATTACHMENT: u8 = 0x02;

/// One attachment taken out of the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TnefFile {
    /// The best name found: the long file name, else the 8.3 title, else a made-up one.
    pub name: String,
    /// The attachment's bytes (empty when the stream held none, e.g. a link).
    pub data: Vec<u8>,
}

/// Whether `data` is a TNEF stream.
pub fn is_tnef(data: &[u8]) -> bool {
    data.starts_with(&SIGNATURE)
}

/// An attachment being assembled from its records.
#[derive(Default)]
struct Building {
    title: Option<Vec<u8>>,
    data: Option<Vec<u8>>,
    props: props::AttachProps,
}

/// Reads the attachments of a TNEF stream, at most `max_files`. A stream cut short or damaged
/// after some attachments gives those; one that yields nothing readable is an error (the
/// reason in Chinese, for people).
pub fn parse(data: &[u8], max_files: usize) -> Result<Vec<TnefFile>, String> {
    if !is_tnef(data) {
        return Err("不是Outlook winmail.dat文件".to_string());
    }
    let mut pos = 6; // signature + legacy key
    let mut codepage: Option<&'static Encoding> = None;
    let mut files: Vec<Building> = Vec::new();
    let mut damaged = false;
    while pos < data.len() {
        let Some(rec) = record(data, pos) else {
            damaged = true;
            break;
        };
        pos = rec.next;
        match rec.id {
            ATT_OEM_CODEPAGE => {
                codepage = rec
                    .data
                    .get(..4)
                    .and_then(|b| b.try_into().ok())
                    .and_then(|b| encoding_for(u32::from_le_bytes(b)));
            }
            ATT_ATTACH_RENDDATA if rec.level == LVL_ATTACHMENT => {
                if files.len() >= max_files {
                    return Err(format!("winmail.dat中的文件超过{max_files}个"));
                }
                files.push(Building::default());
            }
            ATT_ATTACH_TITLE if rec.level == LVL_ATTACHMENT => {
                if let Some(f) = files.last_mut() {
                    f.title = Some(rec.data.to_vec());
                }
            }
            ATT_ATTACH_DATA if rec.level == LVL_ATTACHMENT => {
                if let Some(f) = files.last_mut() {
                    f.data = Some(rec.data.to_vec());
                }
            }
            ATT_ATTACHMENT if rec.level == LVL_ATTACHMENT => {
                if let Some(f) = files.last_mut() {
                    f.props = props::attachment(rec.data);
                }
            }
            _ => {}
        }
    }
    if damaged && files.is_empty() {
        return Err("winmail.dat文件已损坏或不完整".to_string());
    }
    Ok(files
        .into_iter()
        .enumerate()
        .map(|(i, b)| finish(b, i, codepage))
        .collect())
}

/// Lists the attachments of the winmail.dat `data` (already listed as `container` at `depth`).
/// Returns a refusal when it must stand alone as unreadable.
pub(crate) fn expand(
    col: &mut super::Collector<'_>,
    data: &[u8],
    container: &str,
    depth: usize,
) -> Result<(), String> {
    if depth >= col.limits.max_depth {
        return Err(format!("winmail.dat嵌套超过{}层", col.limits.max_depth));
    }
    let max = col.limits.max_archive_entries;
    let files = std::panic::catch_unwind(|| parse(data, max))
        .unwrap_or_else(|_| Err("winmail.dat文件已损坏".to_string()))?;
    for f in files {
        col.add_file(f.name, Some(container.to_string()), f.data, depth + 1);
    }
    Ok(())
}

fn finish(b: Building, index: usize, codepage: Option<&'static Encoding>) -> TnefFile {
    let text = |bytes: &[u8]| {
        let bytes = trim_nuls(bytes);
        match codepage {
            Some(enc) => enc.decode_without_bom_handling(bytes).0.into_owned(),
            None => super::params::raw_text(bytes),
        }
    };
    let name = [
        b.props.long_name.as_ref(),
        b.props.file_name.as_ref(),
        b.props.display_name.as_ref(),
    ]
    .into_iter()
    .flatten()
    .map(|s| s.decode(&text))
    .chain(b.title.as_deref().map(text))
    .map(|s| s.trim().to_string())
    .find(|s| !s.is_empty())
    .unwrap_or_else(|| format!("winmail附件{}", index + 1));
    TnefFile {
        name,
        data: b.data.or(b.props.data).unwrap_or_default(),
    }
}

fn trim_nuls(b: &[u8]) -> &[u8] {
    let end = b.iter().rposition(|&c| c != 0).map_or(0, |i| i + 1);
    b.get(..end).unwrap_or_default()
}

/// The encoding of a Windows code page, for the ones Chinese (and other) Outlooks write.
fn encoding_for(codepage: u32) -> Option<&'static Encoding> {
    Some(match codepage {
        936 | 54936 | 20936 => encoding_rs::GB18030,
        950 => encoding_rs::BIG5,
        932 => encoding_rs::SHIFT_JIS,
        949 => encoding_rs::EUC_KR,
        65001 => encoding_rs::UTF_8,
        1250 => encoding_rs::WINDOWS_1250,
        1251 => encoding_rs::WINDOWS_1251,
        1252 | 437 | 850 => encoding_rs::WINDOWS_1252,
        _ => return None,
    })
}

/// One attribute record.
struct Record<'a> {
    level: u8,
    id: u32,
    data: &'a [u8],
    /// Offset of the next record.
    next: usize,
}

/// Reads the record at `pos`; `None` when it runs past the end. The checksum is not checked:
/// writers get it wrong, and a wrong one is no reason to lose a form.
fn record(data: &[u8], pos: usize) -> Option<Record<'_>> {
    let level = *data.get(pos)?;
    let id = u32_at(data, pos + 1)?;
    let len = usize::try_from(u32_at(data, pos + 5)?).ok()?;
    let start = pos + 9;
    let end = start.checked_add(len)?;
    let body = data.get(start..end)?;
    // The checksum itself must be there, or the stream was cut.
    let next = end.checked_add(2)?;
    data.get(end..next)?;
    Some(Record {
        level,
        id,
        data: body,
        next,
    })
}

fn u32_at(data: &[u8], pos: usize) -> Option<u32> {
    let b = data.get(pos..pos.checked_add(4)?)?;
    Some(u32::from_le_bytes(b.try_into().ok()?))
}
