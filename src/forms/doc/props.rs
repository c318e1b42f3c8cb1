//! Paragraph and character properties from the FKP pages ([MS-DOC] 2.9.177 PapxFkp, 2.9.41
//! ChpxFkp) and the font table: what tells a cell end from a row end, and which runs are
//! in a symbol font.

use super::fib::{slice, u8_at, u16_at, u32_at};

/// Paragraph properties that matter for tables.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Para {
    /// sprmPFInTable: the paragraph is inside a table cell.
    pub in_table: bool,
    /// sprmPFTtp: the paragraph is a row-end mark, carrying the row's definition.
    pub ttp: bool,
    /// sprmPItap: table nesting depth (1 for an outer table).
    pub itap: u32,
    /// sprmPFInnerTtp: the row-end mark of a nested table.
    pub inner_ttp: bool,
    /// sprmPFInnerTableCell: the cell-end mark of a nested table.
    pub inner_cell: bool,
    /// sprmTDefTable of a row-end mark: the cells' borders and merge flags.
    pub row: Option<RowDef>,
}

/// A row's definition from sprmTDefTable.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RowDef {
    /// Cell boundaries in twips, one more than the cells.
    pub edges: Vec<i16>,
    /// Per cell: the TC flags (horizontal merge in bits 0–1, vertical merge in bits 5–6).
    pub flags: Vec<u16>,
}

/// Character properties that matter for checkbox glyphs.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Chr {
    /// Fonts of the run (sprmCRgFtc0, 1, 2: ASCII, East Asian, other), as font table indexes.
    pub ftc: [Option<u16>; 3],
    /// sprmCSymbol: the font and character a symbol placeholder stands for.
    pub symbol: Option<(u16, u16)>,
    /// sprmCPicLocation: offset in the Data stream of a picture or a form field's FFData.
    pub pic: Option<u32>,
    /// sprmCFRMarkDel or sprmCFVanish: text deleted under tracked changes, or hidden; a reader
    /// of the form does not see it, so neither do the fields.
    pub unseen: bool,
}

/// Runs of properties keyed by WordDocument byte offsets: `[start, end)`.
#[derive(Debug, Clone, Default)]
pub struct Runs<T> {
    /// Sorted by start; lookups bisect.
    runs: Vec<(u32, u32, T)>,
}

impl<T: Default + Clone> Runs<T> {
    /// The properties of the run holding `fc` (defaults when none does).
    pub fn at(&self, fc: u32) -> T {
        let i = self.runs.partition_point(|r| r.0 <= fc);
        match i.checked_sub(1).and_then(|i| self.runs.get(i)) {
            Some((_, end, p)) if fc < *end => p.clone(),
            _ => T::default(),
        }
    }
}

/// Most FKP pages followed: a form is a handful; each page is 512 bytes of the stream anyway.
const MAX_PAGES: usize = 100_000;

/// Reads the runs behind a PlcBte (`bte` in the table stream), parsing each FKP's property
/// bytes with `parse`. `papx` selects the paragraph FKP layout.
fn runs<T: Default + Clone>(
    wd: &[u8],
    table: &[u8],
    bte: (u32, u32),
    papx: bool,
    parse: impl Fn(&[u8]) -> T,
) -> Runs<T> {
    let mut out = Vec::new();
    let Some(plc) = slice(table, bte) else {
        return Runs::default();
    };
    let n = plc.len().saturating_sub(4) / 8;
    for i in 0..n.min(MAX_PAGES) {
        let Some(pn) = u32_at(plc, (n + 1) * 4 + i * 4) else {
            break;
        };
        let page = usize::try_from(pn & 0x003F_FFFF).unwrap_or(usize::MAX);
        let Some(fkp) = page
            .checked_mul(512)
            .and_then(|s| wd.get(s..s.checked_add(512)?))
        else {
            continue;
        };
        let crun = usize::from(u8_at(fkp, 511).unwrap_or(0));
        for r in 0..crun {
            let (Some(start), Some(end)) = (u32_at(fkp, r * 4), u32_at(fkp, r * 4 + 4)) else {
                break;
            };
            // PAPX FKPs have 13-byte BxPap entries, CHPX FKPs one byte per run.
            let entry = (crun + 1) * 4 + if papx { r * 13 } else { r };
            let off = usize::from(u8_at(fkp, entry).unwrap_or(0)) * 2;
            let props = if off == 0 {
                T::default()
            } else {
                parse(&prop_bytes(fkp, off, papx))
            };
            if start < end {
                out.push((start, end, props));
            }
        }
    }
    out.sort_by_key(|r| r.0);
    Runs { runs: out }
}

/// The grpprl of one PAPX or CHPX inside an FKP page (PAPX: cb counts words, and a 2-byte istd
/// comes first).
fn prop_bytes(fkp: &[u8], off: usize, papx: bool) -> Vec<u8> {
    let cb = usize::from(u8_at(fkp, off).unwrap_or(0));
    let (start, len) = if !papx {
        (off + 1, cb)
    } else if cb == 0 {
        (off + 2, usize::from(u8_at(fkp, off + 1).unwrap_or(0)) * 2)
    } else {
        (off + 1, (cb * 2).saturating_sub(1))
    };
    let skip = if papx { 2 } else { 0 };
    let end = (start + len).min(fkp.len());
    fkp.get(start.saturating_add(skip).min(end)..end)
        .unwrap_or_default()
        .to_vec()
}

/// Walks the sprms of a grpprl: `(sprm, operand)`.
fn sprms(grpprl: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut at = 0usize;
    std::iter::from_fn(move || {
        let sprm = u16_at(grpprl, at)?;
        let op = at + 2;
        let (start, len) = match sprm >> 13 {
            0 | 1 => (op, 1),
            2 | 4 | 5 => (op, 2),
            3 => (op, 4),
            7 => (op, 3),
            // sprmTDefTable: a 2-byte size, counting itself less one.
            _ if sprm == 0xD608 || sprm == 0xD606 => {
                (op + 2, usize::from(u16_at(grpprl, op)?).saturating_sub(1))
            }
            _ => (op + 1, usize::from(u8_at(grpprl, op)?)),
        };
        let end = start.checked_add(len)?;
        let operand = grpprl.get(start..end.min(grpprl.len()))?;
        at = end;
        Some((sprm, operand))
    })
}

fn parse_para(grpprl: &[u8]) -> Para {
    let mut p = Para::default();
    for (sprm, op) in sprms(grpprl) {
        let flag = op.first().is_some_and(|&b| b != 0);
        match sprm {
            0x2416 => p.in_table = flag,
            0x2417 => p.ttp = flag,
            0x244B => p.inner_cell = flag,
            0x244C => p.inner_ttp = flag,
            0x6649 => p.itap = u32_at(op, 0).unwrap_or(0),
            0xD608 => p.row = Some(parse_row(op)),
            _ => {}
        }
    }
    p
}

fn parse_row(op: &[u8]) -> RowDef {
    let cells = usize::from(u8_at(op, 0).unwrap_or(0));
    let edges = (0..=cells)
        .map_while(|i| u16_at(op, 1 + i * 2).map(|v| v as i16))
        .collect();
    // TC80 entries (20 bytes each) follow the edges; files may omit the trailing ones.
    let tcs = 1 + (cells + 1) * 2;
    let flags = (0..cells)
        .map(|i| u16_at(op, tcs + i * 20).unwrap_or(0))
        .collect();
    RowDef { edges, flags }
}

fn parse_chr(grpprl: &[u8]) -> Chr {
    let mut c = Chr::default();
    for (sprm, op) in sprms(grpprl) {
        match sprm {
            0x4A4F => c.ftc[0] = u16_at(op, 0),
            0x4A50 => c.ftc[1] = u16_at(op, 0),
            0x4A51 => c.ftc[2] = u16_at(op, 0),
            0x6A09 => c.symbol = u16_at(op, 0).zip(u16_at(op, 2)),
            0x6A03 => c.pic = u32_at(op, 0),
            // Toggle operands: 1 sets, 0x81 inverts the style (whose own value is not read).
            0x0800 | 0x083C if op.first().is_some_and(|&b| b == 1 || b == 0x81) => {
                c.unseen = true;
            }
            _ => {}
        }
    }
    c
}

/// Paragraph runs of the document.
pub fn paragraphs(wd: &[u8], table: &[u8], bte: (u32, u32)) -> Runs<Para> {
    runs(wd, table, bte, true, parse_para)
}

/// Character runs of the document.
pub fn characters(wd: &[u8], table: &[u8], bte: (u32, u32)) -> Runs<Chr> {
    runs(wd, table, bte, false, parse_chr)
}

/// Font names by index, from SttbfFfn: each FFN is a size byte, 39 bytes of metrics, then the
/// NUL-terminated UTF-16 name.
pub fn fonts(table: &[u8], ffn: (u32, u32)) -> Vec<String> {
    let Some(sttb) = slice(table, ffn) else {
        return Vec::new();
    };
    // An extended STTB (0xFFFF first) moves the count two bytes on.
    let (count, mut at) = match u16_at(sttb, 0).unwrap_or(0) {
        0xFFFF => (usize::from(u16_at(sttb, 2).unwrap_or(0)), 6usize),
        n => (usize::from(n), 4usize),
    };
    let mut out = Vec::new();
    for _ in 0..count {
        let Some(cb) = u8_at(sttb, at) else { break };
        let end = (at + 1 + usize::from(cb)).min(sttb.len());
        let name: Vec<u16> = sttb
            .get((at + 40).min(end)..end)
            .unwrap_or_default()
            .chunks_exact(2)
            .map(|c| match c {
                [a, b] => u16::from_le_bytes([*a, *b]),
                _ => 0,
            })
            .take_while(|&u| u != 0)
            .collect();
        out.push(String::from_utf16_lossy(&name));
        at = end;
    }
    out
}
