//! The File Information Block and the piece table ([MS-DOC] 2.5 and 2.9.38): where the text
//! is and how it is encoded.

use crate::forms::ReadError;

/// Little-endian reads that return `None` past the end instead of panicking.
pub fn u8_at(b: &[u8], off: usize) -> Option<u8> {
    b.get(off).copied()
}

/// See [`u8_at`].
pub fn u16_at(b: &[u8], off: usize) -> Option<u16> {
    let s = b.get(off..off.checked_add(2)?)?;
    Some(u16::from_le_bytes([*s.first()?, *s.get(1)?]))
}

/// See [`u8_at`].
pub fn u32_at(b: &[u8], off: usize) -> Option<u32> {
    let s = b.get(off..off.checked_add(4)?)?;
    let mut a = [0u8; 4];
    a.copy_from_slice(s);
    Some(u32::from_le_bytes(a))
}

/// The parts of the FIB this reader needs.
#[derive(Debug, Clone, Copy, Default)]
pub struct Fib {
    /// True when the table stream is "1Table" (fWhichTblStm), else "0Table".
    pub table1: bool,
    /// Characters of the main document; headers, footnotes and text boxes follow it.
    pub ccp_text: u32,
    /// Offset and size of the piece table (Clx) in the table stream.
    pub clx: (u32, u32),
    /// Offset and size of PlcBteChpx, which leads to the character runs (fonts, symbols).
    pub bte_chpx: (u32, u32),
    /// Offset and size of PlcBtePapx, which leads to the paragraph runs (table marks).
    pub bte_papx: (u32, u32),
    /// Offset and size of SttbfFfn, the font table (to know which runs are Wingdings).
    pub ffn: (u32, u32),
}

/// Index of a FibRgFcLcb97 pair, counted in (fc, lcb) pairs.
const FC_PLCF_BTE_CHPX: usize = 12;
const FC_PLCF_BTE_PAPX: usize = 13;
const FC_STTBF_FFN: usize = 15;
const FC_CLX: usize = 33;

/// Parses the FIB at the start of the WordDocument stream.
pub fn parse(wd: &[u8]) -> Result<Fib, ReadError> {
    let corrupt = |what: &str| ReadError::Corrupt(format!("Word 文档头{what}"));
    if u16_at(wd, 0) != Some(0xA5EC) {
        return Err(corrupt("标识错误"));
    }
    let n_fib = u16_at(wd, 2).ok_or_else(|| corrupt("不完整"))?;
    let flags = u16_at(wd, 0x0A).ok_or_else(|| corrupt("不完整"))?;
    // fEncrypted (bit 8) or fObfuscated (bit 15): the text is not readable without the key.
    if flags & 0x0100 != 0 || flags & 0x8000 != 0 {
        return Err(ReadError::Encrypted);
    }
    // Word 6/95 files (nFib below 101) use another layout.
    if n_fib < 101 {
        return Err(corrupt("版本过旧（Word 95 及更早）"));
    }
    let csw = usize::from(u16_at(wd, 32).ok_or_else(|| corrupt("不完整"))?);
    let lw_at = 34 + csw * 2;
    let cslw = usize::from(u16_at(wd, lw_at).ok_or_else(|| corrupt("不完整"))?);
    let rg_lw = lw_at + 2;
    let ccp_text = u32_at(wd, rg_lw + 12).ok_or_else(|| corrupt("不完整"))?;
    let fc_at = rg_lw + cslw * 4;
    let cb_rg_fc_lcb = usize::from(u16_at(wd, fc_at).ok_or_else(|| corrupt("不完整"))?);
    let pairs = fc_at + 2;
    let pair = |i: usize| -> (u32, u32) {
        if i >= cb_rg_fc_lcb {
            return (0, 0);
        }
        let at = pairs + i * 8;
        (u32_at(wd, at).unwrap_or(0), u32_at(wd, at + 4).unwrap_or(0))
    };
    Ok(Fib {
        table1: flags & 0x0200 != 0,
        ccp_text,
        clx: pair(FC_CLX),
        bte_chpx: pair(FC_PLCF_BTE_CHPX),
        bte_papx: pair(FC_PLCF_BTE_PAPX),
        ffn: pair(FC_STTBF_FFN),
    })
}

/// The bytes `(fc, lcb)` name in a stream, if they lie inside it.
pub fn slice(stream: &[u8], (fc, lcb): (u32, u32)) -> Option<&[u8]> {
    let start = usize::try_from(fc).ok()?;
    let end = start.checked_add(usize::try_from(lcb).ok()?)?;
    stream.get(start..end)
}

/// One character of the main document with where it sits in the WordDocument stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Char {
    /// The character as UTF-16 unit (8-bit pieces decoded through CP1252).
    pub unit: u16,
    /// Byte offset of the character in the WordDocument stream: property runs are keyed by it.
    pub fc: u32,
}

/// Decodes the main document text through the piece table, at most `max_chars` characters.
pub fn text(
    wd: &[u8],
    clx: &[u8],
    ccp_text: u32,
    max_chars: usize,
) -> Result<Vec<Char>, ReadError> {
    let plc = pcdt(clx).ok_or_else(|| ReadError::Corrupt("Word 片段表缺失".into()))?;
    // PlcPcd: n+1 CPs then n 8-byte PCDs.
    let n = plc.len().saturating_sub(4) / 12;
    let mut out = Vec::new();
    let wanted = usize::try_from(ccp_text).unwrap_or(usize::MAX);
    for i in 0..n {
        let (Some(cp0), Some(cp1)) = (u32_at(plc, i * 4), u32_at(plc, i * 4 + 4)) else {
            break;
        };
        let pcd = (n + 1) * 4 + i * 8;
        let Some(fc_raw) = u32_at(plc, pcd + 2) else {
            break;
        };
        if cp0 >= ccp_text {
            break;
        }
        let count = cp1.min(ccp_text).saturating_sub(cp0);
        let compressed = fc_raw & 0x4000_0000 != 0;
        let fc = fc_raw & 0x3FFF_FFFF;
        for k in 0..count {
            if out.len() >= wanted {
                return Ok(out);
            }
            if out.len() >= max_chars {
                return Err(ReadError::TooLarge("Word 正文过长".into()));
            }
            let ch = if compressed {
                let at = (fc / 2).checked_add(k);
                at.and_then(|at| {
                    let b = u8_at(wd, usize::try_from(at).ok()?)?;
                    Some(Char {
                        unit: cp1252(b),
                        fc: at,
                    })
                })
            } else {
                let at = k.checked_mul(2).and_then(|o| fc.checked_add(o));
                at.and_then(|at| {
                    Some(Char {
                        unit: u16_at(wd, usize::try_from(at).ok()?)?,
                        fc: at,
                    })
                })
            };
            // A piece pointing past the stream ends here; the next piece may still be good.
            let Some(ch) = ch else { break };
            out.push(ch);
        }
    }
    Ok(out)
}

/// The PlcPcd inside a Clx: skips the Prc blocks (0x01) to the Pcdt (0x02).
fn pcdt(clx: &[u8]) -> Option<&[u8]> {
    let mut at = 0usize;
    loop {
        match u8_at(clx, at)? {
            0x01 => {
                let cb = usize::from(u16_at(clx, at + 1)?);
                at = at.checked_add(3 + cb)?;
            }
            0x02 => {
                let lcb = usize::try_from(u32_at(clx, at + 1)?).ok()?;
                let start = at + 5;
                let end = start.checked_add(lcb)?.min(clx.len());
                return clx.get(start..end);
            }
            _ => return None,
        }
    }
}

/// CP1252 for 8-bit pieces ([MS-DOC] 2.4.1: compressed text is CP1252, with the 0x80–0x9F
/// range mapped to the Unicode punctuation it stands for).
fn cp1252(b: u8) -> u16 {
    const HIGH: [u16; 32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0x8D, 0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013,
        0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ];
    match b {
        0x80..=0x9F => HIGH
            .get(usize::from(b - 0x80))
            .copied()
            .unwrap_or(u16::from(b)),
        _ => u16::from(b),
    }
}
