//! Test-only writer of minimal Word 97 files: a FIB, one uncompressed piece, one PAPX FKP, one
//! CHPX FKP and a font table, in a compound file made with the cfb crate.

use std::io::{Cursor, Write};

/// One paragraph: runs of text with their character sprms, ended by `mark` (0x0D or 0x07)
/// whose paragraph sprms are `papx`.
pub struct Para {
    /// Text runs and the CHPX grpprl of each.
    pub runs: Vec<(Vec<u16>, Vec<u8>)>,
    /// 0x0D (paragraph) or 0x07 (cell or row end).
    pub mark: u16,
    /// PAPX grpprl of the paragraph.
    pub papx: Vec<u8>,
}

impl Para {
    /// A paragraph of plain text.
    pub fn text(s: &str, mark: u16, papx: Vec<u8>) -> Para {
        Para {
            runs: vec![(units(s), Vec::new())],
            mark,
            papx,
        }
    }
}

/// UTF-16 units of a string.
pub fn units(s: &str) -> Vec<u16> {
    s.encode_utf16().collect()
}

/// sprmPFInTable.
pub fn in_table() -> Vec<u8> {
    vec![0x16, 0x24, 1]
}

/// sprmPFInTable + sprmPFTtp + sprmTDefTable with the given borders and TC flags.
pub fn row_end(edges: &[i16], flags: &[u16]) -> Vec<u8> {
    let mut v = vec![0x16, 0x24, 1, 0x17, 0x24, 1];
    let n = flags.len();
    let mut op = vec![u8::try_from(n).unwrap_or(0)];
    for e in edges {
        op.extend(e.to_le_bytes());
    }
    for f in flags {
        op.extend(f.to_le_bytes());
        op.extend([0u8; 18]);
    }
    v.extend([0x08, 0xD6]);
    v.extend(u16::try_from(op.len() + 1).unwrap_or(0).to_le_bytes());
    v.extend(op);
    v
}

/// sprmCRgFtc0: the run's ASCII font.
pub fn ftc0(f: u16) -> Vec<u8> {
    let mut v = vec![0x4F, 0x4A];
    v.extend(f.to_le_bytes());
    v
}

/// sprmCSymbol: the run shows `xchar` of font `ftc`.
pub fn symbol(ftc: u16, xchar: u16) -> Vec<u8> {
    let mut v = vec![0x09, 0x6A];
    v.extend(ftc.to_le_bytes());
    v.extend(xchar.to_le_bytes());
    v
}

/// sprmCPicLocation: where the run's picture or form field data sits in the Data stream.
pub fn pic(at: u32) -> Vec<u8> {
    let mut v = vec![0x03, 0x6A];
    v.extend(at.to_le_bytes());
    v
}

const TEXT_AT: usize = 0x400;

fn put_u16(b: &mut [u8], at: usize, v: u16) {
    b[at..at + 2].copy_from_slice(&v.to_le_bytes());
}

fn put_u32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

/// The WordDocument and table streams of a document with these paragraphs and fonts, and
/// these FIB flags (0x0200 = 1Table is set by the caller's choice of stream only).
pub fn streams(paras: &[Para], fonts: &[&str], flags: u16) -> (Vec<u8>, Vec<u8>) {
    let mut text: Vec<u16> = Vec::new();
    let mut para_runs = Vec::new();
    let mut chr_runs = Vec::new();
    for p in paras {
        let start = text.len();
        for (u, chpx) in &p.runs {
            chr_runs.push((text.len(), text.len() + u.len(), chpx.clone()));
            text.extend(u);
        }
        chr_runs.push((text.len(), text.len() + 1, Vec::new()));
        text.push(p.mark);
        para_runs.push((start, text.len(), p.papx.clone()));
    }
    let fc = |cp: usize| u32::try_from(TEXT_AT + cp * 2).unwrap_or(0);
    let text_end = TEXT_AT + text.len() * 2;
    let papx_page = text_end.div_ceil(512);
    let mut wd = vec![0u8; (papx_page + 2) * 512];
    for (i, u) in text.iter().enumerate() {
        put_u16(&mut wd, TEXT_AT + i * 2, *u);
    }
    // PAPX FKP: rgfc, 13-byte BxPap, PAPXs (cb = 0 form) packed from the end.
    let base = papx_page * 512;
    let crun = para_runs.len();
    let mut top = 511;
    for (i, (s, e, grpprl)) in para_runs.iter().enumerate() {
        put_u32(&mut wd, base + i * 4, fc(*s));
        put_u32(&mut wd, base + i * 4 + 4, fc(*e));
        let mut body = vec![0u8, 0u8];
        body.extend(grpprl);
        if body.len() % 2 == 1 {
            body.push(0);
        }
        let size = 2 + body.len();
        top = (top - size) & !1;
        wd[base + top] = 0;
        wd[base + top + 1] = u8::try_from(body.len() / 2).unwrap_or(0);
        wd[base + top + 2..base + top + 2 + body.len()].copy_from_slice(&body);
        wd[base + (crun + 1) * 4 + i * 13] = u8::try_from(top / 2).unwrap_or(0);
    }
    assert!(
        (crun + 1) * 4 + crun * 13 < top,
        "too many paragraphs for one FKP"
    );
    wd[base + 511] = u8::try_from(crun).unwrap_or(0);
    // CHPX FKP: rgfc, one offset byte per run, CHPXs packed from the end.
    let base = (papx_page + 1) * 512;
    let crun = chr_runs.len();
    let mut top = 511;
    for (i, (s, e, grpprl)) in chr_runs.iter().enumerate() {
        put_u32(&mut wd, base + i * 4, fc(*s));
        put_u32(&mut wd, base + i * 4 + 4, fc(*e));
        if grpprl.is_empty() {
            continue;
        }
        top = (top - 1 - grpprl.len()) & !1;
        wd[base + top] = u8::try_from(grpprl.len()).unwrap_or(0);
        wd[base + top + 1..base + top + 1 + grpprl.len()].copy_from_slice(grpprl);
        wd[base + (crun + 1) * 4 + i] = u8::try_from(top / 2).unwrap_or(0);
    }
    assert!((crun + 1) * 4 + crun < top, "too many runs for one FKP");
    wd[base + 511] = u8::try_from(crun).unwrap_or(0);

    let mut table = Vec::new();
    let pair = |table: &mut Vec<u8>, bytes: Vec<u8>| {
        let at = u32::try_from(table.len()).unwrap_or(0);
        table.extend(&bytes);
        (at, u32::try_from(bytes.len()).unwrap_or(0))
    };
    let mut clx = vec![0x02];
    clx.extend(16u32.to_le_bytes());
    clx.extend(0u32.to_le_bytes());
    clx.extend(u32::try_from(text.len()).unwrap_or(0).to_le_bytes());
    clx.extend([0, 0]);
    clx.extend(fc(0).to_le_bytes());
    clx.extend([0, 0]);
    let clx = pair(&mut table, clx);
    let bte = |page: usize| {
        let mut v = Vec::new();
        v.extend(fc(0).to_le_bytes());
        v.extend(fc(text.len()).to_le_bytes());
        v.extend(u32::try_from(page).unwrap_or(0).to_le_bytes());
        v
    };
    let papx = pair(&mut table, bte(papx_page));
    let chpx = pair(&mut table, bte(papx_page + 1));
    let mut ffn = Vec::new();
    ffn.extend(u16::try_from(fonts.len()).unwrap_or(0).to_le_bytes());
    ffn.extend([0, 0]);
    for name in fonts {
        let name: Vec<u16> = units(name);
        ffn.push(u8::try_from(39 + name.len() * 2 + 2).unwrap_or(0));
        ffn.extend([0u8; 39]);
        for u in name {
            ffn.extend(u.to_le_bytes());
        }
        ffn.extend([0, 0]);
    }
    let ffn = pair(&mut table, ffn);

    put_u16(&mut wd, 0, 0xA5EC);
    put_u16(&mut wd, 2, 0x00C1);
    put_u16(&mut wd, 0x0A, flags | 0x0200);
    put_u16(&mut wd, 32, 14);
    put_u16(&mut wd, 62, 22);
    put_u32(&mut wd, 64 + 12, u32::try_from(text.len()).unwrap_or(0));
    put_u16(&mut wd, 152, 93);
    for (i, (at, len)) in [(12, chpx), (13, papx), (15, ffn), (33, clx)] {
        put_u32(&mut wd, 154 + i * 8, at);
        put_u32(&mut wd, 154 + i * 8 + 4, len);
    }
    (wd, table)
}

/// A whole .doc file.
pub fn file(paras: &[Para], fonts: &[&str], flags: u16) -> Vec<u8> {
    let (wd, table) = streams(paras, fonts, flags);
    let mut cf = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    cf.create_stream("/WordDocument")
        .unwrap()
        .write_all(&wd)
        .unwrap();
    cf.create_stream("/1Table")
        .unwrap()
        .write_all(&table)
        .unwrap();
    cf.flush().unwrap();
    cf.into_inner().into_inner()
}
