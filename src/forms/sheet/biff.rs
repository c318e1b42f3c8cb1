//! A pass over a legacy .xls before calamine reads it. calamine's own OLE reader grows a buffer
//! to whatever sector number the file names, it reserves memory from the DIMENSIONS record and
//! it fills a dense rows × columns grid per sheet: a tiny file could make it allocate terabytes,
//! and an allocation failure aborts the process, which `catch_unwind` cannot stop. So the
//! Workbook stream is taken out with the cfb crate (which checks the file's structure), its
//! records are checked here, and calamine gets a fresh, well-formed compound file holding only
//! that stream.

use crate::forms::ReadError;
use std::io::{Cursor, Read, Write};

/// Largest bounding box (rows × columns) of one sheet's cells; forms use a few thousand.
pub const MAX_BOX: u64 = 2_000_000;

/// Checks every record of the Workbook stream (a password (FILEPASS) is reported as such,
/// impossible DIMENSIONS as corrupt, a sheet whose cells span too large a box as too large) and
/// returns a clean compound file holding only that stream.
pub fn sanitize(data: &[u8]) -> Result<Vec<u8>, ReadError> {
    let mut file = cfb::CompoundFile::open(Cursor::new(data))
        .map_err(|e| ReadError::Corrupt(format!("OLE: {e}")))?;
    if file.exists("/EncryptedPackage") || file.exists("/EncryptionInfo") {
        return Err(ReadError::Encrypted);
    }
    let name = if file.is_stream("/Workbook") {
        "/Workbook"
    } else {
        "/Book"
    };
    let mut stream = Vec::new();
    file.open_stream(name)
        .map_err(|e| ReadError::Corrupt(format!("{name}: {e}")))?
        .take(data.len() as u64)
        .read_to_end(&mut stream)
        .map_err(|e| ReadError::Corrupt(format!("{name}: {e}")))?;
    records(&stream)?;
    rebuild(&stream).map_err(|e| ReadError::Corrupt(format!("OLE: {e}")))
}

/// A version 3 compound file (calamine refuses version 4 ones without a mini stream) with the
/// stream as "Workbook".
fn rebuild(stream: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out =
        cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new()))?;
    out.create_stream("/Workbook")?.write_all(stream)?;
    out.flush()?;
    Ok(out.into_inner().into_inner())
}

/// Bounding box of the cells seen in the current substream.
#[derive(Default)]
struct Bounds {
    /// (first row, last row, first column, last column), once a cell was seen.
    rows_cols: Option<(u32, u32, u32, u32)>,
}

impl Bounds {
    fn add(&mut self, row: u16, first_col: u16, last_col: u16) {
        let (r, c0, c1) = (u32::from(row), u32::from(first_col), u32::from(last_col));
        self.rows_cols = Some(match self.rows_cols {
            None => (r, r, c0.min(c1), c0.max(c1)),
            Some((r0, r1, a, b)) => (r0.min(r), r1.max(r), a.min(c0).min(c1), b.max(c0).max(c1)),
        });
    }

    fn size(&self) -> u64 {
        self.rows_cols.map_or(0, |(r0, r1, c0, c1)| {
            u64::from(r1 - r0 + 1) * u64::from(c1 - c0 + 1)
        })
    }
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from(u16_at(b, at)?) | (u32::from(u16_at(b, at + 2)?) << 16))
}

fn records(stream: &[u8]) -> Result<(), ReadError> {
    let mut at = 0usize;
    let mut bounds = Bounds::default();
    let too_large = || ReadError::TooLarge("表格区域过大".into());
    let corrupt_sheet = || ReadError::Corrupt("xls 工作表位置越界".into());
    let (mut sheets, mut bofs) = (Vec::new(), std::collections::HashSet::new());
    while let (Some(typ), Some(len)) = (u16_at(stream, at), u16_at(stream, at + 2)) {
        let start = at + 4;
        let end = start + usize::from(len);
        let Some(rec) = stream.get(start..end) else {
            break;
        };
        match typ {
            // FilePass: calamine reads the encryption type unchecked.
            0x002F if rec.len() < 2 => {
                return Err(ReadError::Corrupt("xls 加密记录不完整".into()));
            }
            0x002F if u16_at(rec, 0).is_some_and(|v| v != 0) => return Err(ReadError::Encrypted),
            // BOF starts a substream, EOF ends it; calamine reads its version and type unchecked.
            0x0809 if rec.len() < 4 => {
                return Err(ReadError::Corrupt("xls 文件头记录不完整".into()));
            }
            0x0809 => {
                bofs.insert(at);
                bounds = Bounds::default();
            }
            0x000A => {
                if bounds.size() > MAX_BOX {
                    return Err(too_large());
                }
                bounds = Bounds::default();
            }
            0x0200 => dimensions(rec)?,
            // MergeCells: calamine reads the count's worth of ranges unchecked.
            0x00E5 if u16_at(rec, 0).is_none_or(|n| rec.len() < 2 + 8 * usize::from(n)) => {
                return Err(ReadError::Corrupt("xls 合并单元格记录不完整".into()));
            }
            // BoundSheet8: calamine reads a sheet from this position unchecked; it must be a
            // BOF record of this walk (checked below).
            0x0085 => match u32_at(rec, 0).and_then(|p| usize::try_from(p).ok()) {
                Some(p) => sheets.push(p),
                None => return Err(corrupt_sheet()),
            },
            // Number, Label, BoolErr, Rk, LabelSst, Formula, Blank: row and column first.
            0x0203 | 0x0204 | 0x0205 | 0x027E | 0x00FD | 0x0006 | 0x0201 => {
                if let (Some(r), Some(c)) = (u16_at(rec, 0), u16_at(rec, 2)) {
                    bounds.add(r, c, c);
                }
            }
            // MulRk / MulBlank: row, first column, …, last column.
            0x00BD | 0x00BE => {
                if let (Some(r), Some(c0), Some(c1)) = (
                    u16_at(rec, 0),
                    u16_at(rec, 2),
                    u16_at(rec, rec.len().saturating_sub(2)),
                ) {
                    bounds.add(r, c0, c1);
                }
            }
            _ => {}
        }
        if bounds.size() > MAX_BOX {
            return Err(too_large());
        }
        at = end;
    }
    if sheets.iter().any(|p| !bofs.contains(p)) {
        return Err(corrupt_sheet());
    }
    Ok(())
}

/// DIMENSIONS as calamine reads it (first row, last row + 1, first column, last column + 1):
/// it reserves rows × columns cells and subtracts without checking.
fn dimensions(rec: &[u8]) -> Result<(), ReadError> {
    let (rf, rl, cf, cl) = match rec.len() {
        10 => (
            u32::from(u16_at(rec, 0).unwrap_or(0)),
            u32::from(u16_at(rec, 2).unwrap_or(0)),
            u16_at(rec, 4).unwrap_or(0),
            u16_at(rec, 6).unwrap_or(0),
        ),
        14 => (
            u32_at(rec, 0).unwrap_or(0),
            u32_at(rec, 4).unwrap_or(0),
            u16_at(rec, 8).unwrap_or(0),
            u16_at(rec, 10).unwrap_or(0),
        ),
        _ => return Ok(()),
    };
    let cf = if cf > 0xFF || cl < cf { 0 } else { cf };
    if rl == 0 || cl == 0 {
        return Ok(());
    }
    if rl - 1 < rf || cl - 1 < cf {
        return Err(ReadError::Corrupt("xls 区域记录无效".into()));
    }
    let size = u64::from(rl - rf) * u64::from(cl - cf);
    if size > MAX_BOX {
        return Err(ReadError::TooLarge("表格区域过大".into()));
    }
    Ok(())
}
