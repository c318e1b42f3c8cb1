//! .xlsx and legacy .xls spreadsheets (calamine) to a [`Document`] grid, one table per sheet.
//!
//! Sheets have no text outside their cells, so `Document::paragraphs` stays empty: a title such
//! as "2023年天津市质量攻关项目立项申报汇总表" merged across the first row is the first cell of
//! the sheet's table, where classification looks when there are no paragraphs.

mod biff;
mod hidden;
mod layout;
mod value;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod xls_tests;

use super::{Document, ReadError};
use crate::message::{FileKind, Limits};
use calamine::{Reader, Xls, Xlsx};
use layout::Merge;
use std::collections::BTreeMap;
use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Most non-empty cells read from one workbook; the forms hold a few hundred.
const MAX_CELLS: usize = 200_000;
/// Most merged regions taken from one sheet.
const MAX_MERGES: usize = 4_096;
/// The signature of an OLE compound file.
const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
/// Most sheets read from one workbook.
const MAX_SHEETS: usize = 64;

/// Reads a spreadsheet of the given kind (Xlsx or Xls).
pub fn read(data: &[u8], kind: FileKind, limits: &Limits) -> Result<Document, ReadError> {
    // calamine has panicked on corrupt files before; a panic is a corrupt file here.
    let outcome = catch_unwind(AssertUnwindSafe(|| match kind {
        FileKind::Xlsx => read_xlsx(data, limits),
        FileKind::Xls => read_xls(data),
        FileKind::EncryptedOffice => Err(ReadError::Encrypted),
        _ => Err(ReadError::Corrupt("不是电子表格".into())),
    }));
    outcome.unwrap_or_else(|_| Err(ReadError::Corrupt("表格解析失败".into())))
}

fn read_xlsx(data: &[u8], limits: &Limits) -> Result<Document, ReadError> {
    if is_encrypted_ooxml(data) {
        return Err(ReadError::Encrypted);
    }
    // calamine probes every .xlsx for OLE encryption with its own OLE reader, which trusts
    // sector numbers: an OLE file (even one that is also a zip) never reaches it.
    if data.starts_with(&OLE_MAGIC) {
        return Err(ReadError::Corrupt("不是 xlsx 文件（OLE 复合文档）".into()));
    }
    check_zip_sizes(data, limits)?;
    let mut book = Xlsx::new(Cursor::new(data)).map_err(xlsx_error)?;
    let names: Vec<String> = book.sheet_names().into_iter().take(MAX_SHEETS).collect();
    let hidden = hidden::columns(data);
    let mut doc = Document::default();
    let mut budget = MAX_CELLS;
    for name in names {
        let hidden_here = hidden.get(&name).map_or(&[][..], Vec::as_slice);
        let merges = match book.worksheet_merge_cells(&name) {
            Some(Ok(dims)) => to_merges(&dims)?,
            Some(Err(e)) => return Err(xlsx_error(e)),
            None => Vec::new(),
        };
        let mut cells = BTreeMap::new();
        {
            // The streaming reader never builds the dense range, so one far-away cell cannot
            // make it allocate rows × columns.
            let mut reader = book.worksheet_cells_reader(&name).map_err(xlsx_error)?;
            while let Some(cell) = reader.next_cell().map_err(xlsx_error)? {
                let text = value::text_ref(cell.get_value());
                if text.is_empty() || hidden::is_hidden(hidden_here, cell.get_position().1) {
                    continue;
                }
                budget = budget.checked_sub(1).ok_or_else(too_many_cells)?;
                cells.insert(cell.get_position(), text);
            }
        }
        doc.tables.push(layout::build(cells, &merges, MAX_CELLS)?);
    }
    Ok(doc)
}

fn read_xls(data: &[u8]) -> Result<Document, ReadError> {
    let clean = biff::sanitize(data)?;
    let mut book = Xls::new(Cursor::new(clean.as_slice())).map_err(xls_error)?;
    let names: Vec<String> = book.sheet_names().into_iter().take(MAX_SHEETS).collect();
    let mut doc = Document::default();
    let mut budget = MAX_CELLS;
    for name in names {
        let merges = to_merges(&book.worksheet_merge_cells(&name).unwrap_or_default())?;
        let range = book.worksheet_range(&name).map_err(xls_error)?;
        let mut cells = BTreeMap::new();
        // `used_cells` gives positions relative to the range start (B3 is (0, 0) when the
        // range starts there): add the start back for absolute columns.
        let (row0, col0) = range.start().unwrap_or((0, 0));
        for (r, c, v) in range.used_cells() {
            let text = value::text(v);
            if text.is_empty() {
                continue;
            }
            budget = budget.checked_sub(1).ok_or_else(too_many_cells)?;
            let pos = (
                row0.saturating_add(u32::try_from(r).unwrap_or(u32::MAX)),
                col0.saturating_add(u32::try_from(c).unwrap_or(u32::MAX)),
            );
            cells.insert(pos, text);
        }
        doc.tables.push(layout::build(cells, &merges, MAX_CELLS)?);
    }
    Ok(doc)
}

fn to_merges(dims: &[calamine::Dimensions]) -> Result<Vec<Merge>, ReadError> {
    if dims.len() > MAX_MERGES {
        return Err(ReadError::TooLarge(format!(
            "合并单元格超过 {MAX_MERGES} 处"
        )));
    }
    Ok(dims
        .iter()
        .map(|d| Merge {
            first_row: d.start.0.min(d.end.0),
            last_row: d.start.0.max(d.end.0),
            first_col: d.start.1.min(d.end.1),
            last_col: d.start.1.max(d.end.1),
        })
        .collect())
}

/// Refuses a workbook whose parts declare more than the XML limit once inflated, before
/// calamine inflates the shared strings and sheets into memory.
fn check_zip_sizes(data: &[u8], limits: &Limits) -> Result<(), ReadError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(data))
        .map_err(|e| ReadError::Corrupt(format!("zip: {e}")))?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let Ok(entry) = zip.by_index_raw(i) else {
            return Err(ReadError::Corrupt("zip 目录损坏".into()));
        };
        let size = entry.size();
        let ratio = size / entry.compressed_size().max(1);
        if size > limits.max_xml_bytes || (ratio > limits.max_ratio.max(1) && size > 1 << 20) {
            return Err(ReadError::TooLarge(format!(
                "表格部件 {} 过大",
                entry.name()
            )));
        }
        total = total.saturating_add(size);
    }
    if total > limits.max_archive_bytes {
        return Err(ReadError::TooLarge("表格解压后过大".into()));
    }
    Ok(())
}

/// A password-protected .xlsx is an OLE file holding `EncryptedPackage`, not a zip.
fn is_encrypted_ooxml(data: &[u8]) -> bool {
    cfb::CompoundFile::open(Cursor::new(data))
        .is_ok_and(|f| f.exists("/EncryptedPackage") || f.exists("/EncryptionInfo"))
}

fn too_many_cells() -> ReadError {
    ReadError::TooLarge(format!("表格单元格超过 {MAX_CELLS} 个"))
}

fn xlsx_error(e: calamine::XlsxError) -> ReadError {
    match e {
        calamine::XlsxError::Password => ReadError::Encrypted,
        e => ReadError::Corrupt(format!("xlsx: {e}")),
    }
}

fn xls_error(e: calamine::XlsError) -> ReadError {
    match e {
        calamine::XlsError::Password => ReadError::Encrypted,
        e => ReadError::Corrupt(format!("xls: {e}")),
    }
}
