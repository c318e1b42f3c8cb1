//! Hidden columns of an .xlsx workbook (`<col hidden="1">`), which calamine does not report.
//! A hidden column is not part of the table the sender sees or prints: an old copy of a column
//! or a lookup kept there must not shadow the visible one. Best effort: whatever cannot be read
//! here simply hides nothing.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use std::collections::HashMap;
use std::io::{BufReader, Cursor, Read};

/// Most `<col>` ranges taken from one sheet (Excel has 16 384 columns).
const MAX_RANGES: usize = 16_384;
/// Most bytes of a part read here; the column list sits at the top of the sheet.
const MAX_PART_BYTES: u64 = 8 << 20;

/// Hidden columns per sheet name, as inclusive 0-based ranges.
pub type Hidden = HashMap<String, Vec<(u32, u32)>>;

/// Reads the hidden columns of every sheet of a workbook.
pub fn columns(data: &[u8]) -> Hidden {
    let mut out = Hidden::new();
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(data)) else {
        return out;
    };
    let Some(book) = part(&mut zip, "xl/workbook.xml") else {
        return out;
    };
    let Some(rels) = part(&mut zip, "xl/_rels/workbook.xml.rels") else {
        return out;
    };
    let targets = elements(&rels, b"Relationship", &["Id", "Target"]);
    for sheet in elements(&book, b"sheet", &["name", "id"]) {
        let [Some(name), Some(id)] = [&sheet[0], &sheet[1]] else {
            continue;
        };
        let Some(target) = targets
            .iter()
            .find(|t| t[0].as_deref() == Some(id.as_str()))
            .and_then(|t| t[1].clone())
        else {
            continue;
        };
        let path = match target.strip_prefix('/') {
            Some(abs) => abs.to_string(),
            None => format!("xl/{target}"),
        };
        let ranges = sheet_hidden(&mut zip, &path);
        if !ranges.is_empty() {
            out.insert(name.clone(), ranges);
        }
    }
    out
}

/// Whether a column is hidden.
pub fn is_hidden(ranges: &[(u32, u32)], col: u32) -> bool {
    ranges.iter().any(|(a, b)| (*a..=*b).contains(&col))
}

fn part(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> Option<Vec<u8>> {
    let entry = zip.by_name(name).ok()?;
    let mut out = Vec::new();
    entry.take(MAX_PART_BYTES).read_to_end(&mut out).ok()?;
    Some(out)
}

/// The attributes (by local name) of every element with this local name.
fn elements(xml: &[u8], local: &[u8], attrs: &[&str]) -> Vec<Vec<Option<String>>> {
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut out = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == local => {
                out.push(attrs.iter().map(|a| attr(&e, a)).collect());
                if out.len() > MAX_RANGES {
                    break;
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
    out
}

fn attr(e: &BytesStart, local: &str) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local.as_bytes())
        .and_then(|a| {
            quick_xml::escape::unescape(&String::from_utf8_lossy(&a.value))
                .ok()
                .map(|v| v.into_owned())
        })
}

/// The hidden `<col>` ranges of one sheet, read up to `<sheetData>` only.
fn sheet_hidden(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, path: &str) -> Vec<(u32, u32)> {
    let Ok(entry) = zip.by_name(path) else {
        return Vec::new();
    };
    let mut reader = Reader::from_reader(BufReader::new(entry.take(MAX_PART_BYTES)));
    let mut buf = Vec::new();
    let mut out = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) => match e.local_name().as_ref() {
                b"sheetData" => break,
                b"col" => {
                    let hidden = attr(&e, "hidden").is_some_and(|h| h == "1" || h == "true");
                    let num = |n: &str| attr(&e, n).and_then(|v| v.trim().parse::<u32>().ok());
                    if let (true, Some(min), Some(max)) = (hidden, num("min"), num("max"))
                        && min >= 1
                        && max >= min
                    {
                        out.push((min - 1, max - 1));
                        if out.len() >= MAX_RANGES {
                            break;
                        }
                    }
                }
                _ => {}
            },
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
    out
}
