//! .docx (WordprocessingML) to a [`Document`] grid, with zip + quick-xml.
//!
//! Only the main document part and the styles (for run fonts, which decide what symbol-font
//! checkboxes show) are read; headers, footers and notes carry no form fields.

mod body;
mod build;
mod styles;
mod symbols;
mod xml;

#[cfg(test)]
mod fixture;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_hostile;

use std::io::{Cursor, Read};

use quick_xml::events::Event;
use zip::ZipArchive;

use super::{Document, ReadError};
use crate::message::Limits;
use styles::Styles;

const DEFAULT_DOCUMENT: &str = "word/document.xml";

/// Reads a .docx file.
pub fn read(data: &[u8], limits: &Limits) -> Result<Document, ReadError> {
    check_entry_count(data, limits)?;
    let mut zip =
        ZipArchive::new(Cursor::new(data)).map_err(|e| ReadError::Corrupt(format!("zip: {e}")))?;
    let document_name = main_part_name(&mut zip, limits).unwrap_or_else(|| DEFAULT_DOCUMENT.into());
    let document = match read_part(&mut zip, &document_name, limits)? {
        Some(d) => d,
        None if document_name != DEFAULT_DOCUMENT => read_part(&mut zip, DEFAULT_DOCUMENT, limits)?
            .ok_or_else(|| ReadError::Corrupt("缺少 word/document.xml".into()))?,
        None => return Err(ReadError::Corrupt("缺少 word/document.xml".into())),
    };
    let styles_name = styles_part_name(&mut zip, &document_name, limits);
    let styles = match read_part(&mut zip, &styles_name, limits) {
        Ok(Some(s)) => {
            let s = xml::utf8(&s);
            // Styles only matter when one of them sets a symbol font; Word's styles parts run
            // to hundreds of kilobytes of table styles, so most files skip the parse.
            if styles::mentions_symbol_font(&s) {
                Styles::parse(&s)?
            } else {
                xml::refuse_entities(&s)?;
                Styles::default()
            }
        }
        // Without styles, only direct run fonts are known; the text is still worth reading.
        Ok(None) | Err(ReadError::Corrupt(_)) => Styles::default(),
        Err(e) => return Err(e),
    };
    let text = xml::utf8(&document);
    let copy_budget = usize::try_from(limits.max_xml_bytes).unwrap_or(usize::MAX);
    body::parse(&text, &styles, copy_budget)
}

/// Refuses a central directory that announces more entries than an archive may hold, before
/// the zip reader builds its index of them. A docx has a dozen parts.
fn check_entry_count(data: &[u8], limits: &Limits) -> Result<(), ReadError> {
    const EOCD: &[u8] = b"PK\x05\x06";
    let tail_start = data.len().saturating_sub(22 + 65535);
    let tail = data.get(tail_start..).unwrap_or_default();
    let Some(pos) = tail.windows(4).rposition(|w| w == EOCD) else {
        return Ok(());
    };
    let count = tail
        .get(pos + 10..pos + 12)
        .and_then(|b| <[u8; 2]>::try_from(b).ok())
        .map_or(0, u16::from_le_bytes);
    if usize::from(count) > limits.max_archive_entries && count != u16::MAX {
        return Err(ReadError::TooLarge(format!("压缩包条目过多（{count}）")));
    }
    Ok(())
}

/// Reads one part, at most `max_xml_bytes` of it whatever size the zip declares. `None` when
/// the part does not exist.
fn read_part(
    zip: &mut ZipArchive<Cursor<&[u8]>>,
    name: &str,
    limits: &Limits,
) -> Result<Option<Vec<u8>>, ReadError> {
    // Part names are case-insensitive in OPC.
    let index = match zip.index_for_name(name) {
        Some(i) => i,
        None => match zip
            .file_names()
            .position(|n| n.trim_start_matches('/').eq_ignore_ascii_case(name))
        {
            Some(i) => i,
            None => return Ok(None),
        },
    };
    let entry = zip
        .by_index(index)
        .map_err(|e| ReadError::Corrupt(format!("{name}: {e}")))?;
    let mut out = Vec::new();
    entry
        .take(limits.max_xml_bytes.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| ReadError::Corrupt(format!("{name}: {e}")))?;
    if out.len() as u64 > limits.max_xml_bytes {
        return Err(ReadError::TooLarge(format!(
            "{name} 超过 {} 字节",
            limits.max_xml_bytes
        )));
    }
    Ok(Some(out))
}

/// The main document part named by the package relationships (`word/document.xml` almost
/// always, but some producers name it otherwise).
fn main_part_name(zip: &mut ZipArchive<Cursor<&[u8]>>, limits: &Limits) -> Option<String> {
    let rels = read_part(zip, "_rels/.rels", limits).ok()??;
    let target = relationship_target(&rels, "/officeDocument")?;
    Some(join_part("", &target))
}

/// The styles part named by the document's relationships, else `word/styles.xml`.
fn styles_part_name(
    zip: &mut ZipArchive<Cursor<&[u8]>>,
    document: &str,
    limits: &Limits,
) -> String {
    let (dir, file) = document.rsplit_once('/').unwrap_or(("", document));
    let rels_name = if dir.is_empty() {
        format!("_rels/{file}.rels")
    } else {
        format!("{dir}/_rels/{file}.rels")
    };
    read_part(zip, &rels_name, limits)
        .ok()
        .flatten()
        .and_then(|rels| relationship_target(&rels, "/styles"))
        .map(|t| join_part(dir, &t))
        .unwrap_or_else(|| "word/styles.xml".into())
}

/// The target of the first relationship whose type ends with `type_suffix`.
fn relationship_target(rels: &[u8], type_suffix: &str) -> Option<String> {
    let s = xml::utf8(rels);
    let mut r = xml::reader(&s);
    loop {
        match r.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == b"Relationship" => {
                let kind = xml::attr_str(&e, b"Type").unwrap_or_default();
                let external = xml::attr(&e, b"TargetMode").as_deref() == Some(b"External");
                if kind.ends_with(type_suffix) && !external {
                    return xml::attr_str(&e, b"Target");
                }
            }
            Ok(Event::DocType(_)) | Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

/// Resolves a relationship target against the folder of its source part.
fn join_part(dir: &str, target: &str) -> String {
    let mut parts: Vec<&str> = if target.starts_with('/') {
        Vec::new()
    } else {
        dir.split('/').filter(|p| !p.is_empty()).collect()
    };
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}
