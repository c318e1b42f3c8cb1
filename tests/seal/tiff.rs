//! TIFF files written in code as scanners and fax gateways write them: strips or tiles,
//! uncompressed, PackBits, LZW, Deflate, JPEG (own tables or shared JPEGTables), palette, gray
//! and CCITT G4 bilevel pages, little or big endian, several pages chained.
#![allow(dead_code)]

/// How a page's pixels are stored.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Comp {
    None,
    PackBits,
    Lzw,
    Deflate,
    /// Each strip a whole JPEG stream.
    Jpeg,
    /// Strips without tables; the tables once in the JPEGTables tag (libtiff's way).
    JpegTables,
}

/// What a page holds.
#[derive(Debug, Clone)]
pub enum Body {
    /// RGB samples, `w * h * 3`.
    Rgb(Vec<u8>),
    /// The same, stored as 8-bit palette indices over a fixed palette of 216 colours.
    Palette(Vec<u8>),
    /// 8-bit gray samples.
    Gray(Vec<u8>),
    /// A fax page: CCITT G4, 1 bit, white.
    Fax,
}

pub struct TiffPage {
    pub w: usize,
    pub h: usize,
    pub body: Body,
    pub comp: Comp,
    pub predictor: bool,
    pub rows_per_strip: usize,
    /// Tile size instead of strips.
    pub tile: Option<usize>,
    /// X and Y resolution in dpi.
    pub dpi: (u32, u32),
}

impl TiffPage {
    pub fn rgb(w: usize, h: usize, rgb: Vec<u8>, comp: Comp) -> TiffPage {
        TiffPage {
            w,
            h,
            body: Body::Rgb(rgb),
            comp,
            predictor: false,
            rows_per_strip: 64,
            tile: None,
            dpi: (150, 150),
        }
    }

    /// An A4 fax page at 204×98 dpi ("normal" resolution).
    pub fn fax() -> TiffPage {
        TiffPage {
            w: 1728,
            h: 1143,
            body: Body::Fax,
            comp: Comp::None,
            predictor: false,
            rows_per_strip: 1143,
            tile: None,
            dpi: (204, 98),
        }
    }
}

/// A 6×6×6 colour cube, the palette index of an RGB triple in it.
fn cube_index(p: &[u8]) -> u8 {
    let q = |v: u8| (u16::from(v) * 5 + 127) / 255;
    (q(p[0]) * 36 + q(p[1]) * 6 + q(p[2])) as u8
}

fn packbits(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < data.len() {
        let mut run = 1;
        while i + run < data.len() && run < 128 && data[i + run] == data[i] {
            run += 1;
        }
        if run >= 2 {
            out.push((1i16 - run as i16) as i8 as u8);
            out.push(data[i]);
            i += run;
        } else {
            let start = i;
            while i < data.len()
                && i - start < 128
                && !(i + 1 < data.len() && data[i + 1] == data[i])
            {
                i += 1;
            }
            if i == start {
                i += 1;
            }
            out.push((i - start - 1) as u8);
            out.extend_from_slice(&data[start..i]);
        }
    }
    out
}

fn predict(row: &mut [u8], samples: usize) {
    for i in (samples..row.len()).rev() {
        row[i] = row[i].wrapping_sub(row[i - samples]);
    }
}

/// Splits a JPEG into (tables: SOI DQT DHT EOI, rest: SOI + frame and scan without tables).
fn split_tables(jpeg: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let (mut tables, mut rest) = (vec![0xFF, 0xD8], vec![0xFF, 0xD8]);
    let mut i = 2;
    while i + 4 <= jpeg.len() {
        let marker = jpeg[i + 1];
        let len = usize::from(u16::from_be_bytes([jpeg[i + 2], jpeg[i + 3]]));
        let seg = &jpeg[i..i + 2 + len];
        match marker {
            0xDB | 0xC4 => tables.extend_from_slice(seg),
            0xE0 => {}
            0xDA => {
                rest.extend_from_slice(&jpeg[i..]);
                break;
            }
            _ => rest.extend_from_slice(seg),
        }
        i += 2 + len;
    }
    tables.extend_from_slice(&[0xFF, 0xD9]);
    (tables, rest)
}

/// A G4 page all white: each row one V0 code, then EOFB.
fn g4_white(rows: usize) -> Vec<u8> {
    let mut bits: Vec<bool> = vec![true; rows];
    for _ in 0..2 {
        bits.extend(std::iter::repeat_n(false, 11));
        bits.push(true);
    }
    bits.chunks(8)
        .map(|c| {
            c.iter()
                .enumerate()
                .fold(0u8, |a, (k, &b)| a | (u8::from(b) << (7 - k)))
        })
        .collect()
}

struct Encoded {
    /// (tag, type, values) for the IFD; arrays are placed after the header by the writer.
    tags: Vec<(u16, u16, Vec<u32>)>,
    blocks: Vec<Vec<u8>>,
    tables: Vec<u8>,
}

fn encode(p: &TiffPage) -> Encoded {
    let (samples, bits, photometric, compression): (usize, u32, u32, u32) = match (&p.body, p.comp)
    {
        (Body::Fax, _) => (1, 1, 0, 4),
        (Body::Gray(_), _) => (1, 8, 1, 1),
        (Body::Palette(_), _) => (1, 8, 3, 1),
        (Body::Rgb(_), Comp::Jpeg | Comp::JpegTables) => (3, 8, 6, 7),
        (Body::Rgb(_), _) => (3, 8, 2, 1),
    };
    let compression = match p.comp {
        Comp::None | Comp::Jpeg | Comp::JpegTables => compression,
        Comp::PackBits => 32773,
        Comp::Lzw => 5,
        Comp::Deflate => 8,
    };
    let pixels: Vec<u8> = match &p.body {
        Body::Rgb(v) | Body::Gray(v) => v.clone(),
        Body::Palette(v) => v.chunks_exact(3).map(cube_index).collect(),
        Body::Fax => Vec::new(),
    };
    let (bw, bh) = match p.tile {
        Some(t) => (t, t),
        None => (p.w, p.rows_per_strip.min(p.h)),
    };
    let mut blocks = Vec::new();
    let mut tables = Vec::new();
    if matches!(p.body, Body::Fax) {
        blocks.push(g4_white(p.h));
    } else {
        for by in (0..p.h).step_by(bh) {
            for bx in (0..p.w).step_by(bw) {
                // A block is always whole: tiles past the edge are padded.
                let rows = if p.tile.is_some() {
                    bh
                } else {
                    bh.min(p.h - by)
                };
                let mut raw = Vec::with_capacity(bw * rows * samples);
                for y in by..by + rows {
                    let mut row = Vec::with_capacity(bw * samples);
                    for x in bx..bx + bw {
                        if x < p.w && y < p.h {
                            let o = (y * p.w + x) * samples;
                            row.extend_from_slice(&pixels[o..o + samples]);
                        } else {
                            row.extend(std::iter::repeat_n(0, samples));
                        }
                    }
                    if p.predictor {
                        predict(&mut row, samples);
                    }
                    raw.extend_from_slice(&row);
                }
                let data = match p.comp {
                    Comp::None => raw,
                    Comp::PackBits => packbits(&raw),
                    Comp::Lzw => {
                        weezl::encode::Encoder::with_tiff_size_switch(weezl::BitOrder::Msb, 8)
                            .encode(&raw)
                            .expect("lzw")
                    }
                    Comp::Deflate => {
                        let mut enc = flate2::write::ZlibEncoder::new(
                            Vec::new(),
                            flate2::Compression::fast(),
                        );
                        std::io::Write::write_all(&mut enc, &raw).expect("deflate");
                        enc.finish().expect("deflate")
                    }
                    Comp::Jpeg | Comp::JpegTables => {
                        let mut out = Vec::new();
                        jpeg_encoder::Encoder::new(&mut out, 80)
                            .encode(&raw, bw as u16, rows as u16, jpeg_encoder::ColorType::Rgb)
                            .expect("jpeg");
                        if p.comp == Comp::JpegTables {
                            let (t, rest) = split_tables(&out);
                            tables = t;
                            rest
                        } else {
                            out
                        }
                    }
                };
                blocks.push(data);
            }
        }
    }
    let mut tags = vec![
        (256, 4, vec![p.w as u32]),
        (257, 4, vec![p.h as u32]),
        (258, 3, vec![bits; samples]),
        (259, 3, vec![compression]),
        (262, 3, vec![photometric]),
        (277, 3, vec![samples as u32]),
        (282, 5, vec![p.dpi.0, 1]),
        (283, 5, vec![p.dpi.1, 1]),
        (284, 3, vec![1]),
        (296, 3, vec![2]),
    ];
    if p.predictor {
        tags.push((317, 3, vec![2]));
    }
    if matches!(p.body, Body::Palette(_)) {
        let level = |i: usize| (i as u32 * 51) * 257;
        let mut map = vec![0u32; 768];
        for i in 0..216 {
            map[i] = level(i / 36);
            map[256 + i] = level(i / 6 % 6);
            map[512 + i] = level(i % 6);
        }
        tags.push((320, 3, map));
    }
    match p.tile {
        Some(t) => {
            tags.push((322, 3, vec![t as u32]));
            tags.push((323, 3, vec![t as u32]));
        }
        None => tags.push((278, 4, vec![bh as u32])),
    }
    Encoded {
        tags,
        blocks,
        tables,
    }
}

/// A TIFF file of `pages`, big endian when `be`.
pub fn tiff(pages: &[TiffPage], be: bool) -> Vec<u8> {
    let w16 = |out: &mut Vec<u8>, v: u16| {
        out.extend_from_slice(&if be { v.to_be_bytes() } else { v.to_le_bytes() })
    };
    let w32 = |out: &mut Vec<u8>, v: u32| {
        out.extend_from_slice(&if be { v.to_be_bytes() } else { v.to_le_bytes() })
    };
    let mut out: Vec<u8> = if be {
        b"MM\0*".to_vec()
    } else {
        b"II*\0".to_vec()
    };
    w32(&mut out, 0);
    let mut link = 4usize;
    for p in pages {
        let mut e = encode(p);
        // Strip data first, then arrays, then the IFD (as many scanners write it).
        let mut offsets = Vec::new();
        for b in &e.blocks {
            offsets.push(out.len() as u32);
            out.extend_from_slice(b);
            if out.len() % 2 == 1 {
                out.push(0);
            }
        }
        let counts: Vec<u32> = e.blocks.iter().map(|b| b.len() as u32).collect();
        let (off_tag, count_tag) = if p.tile.is_some() {
            (324, 325)
        } else {
            (273, 279)
        };
        e.tags.push((off_tag, 4, offsets));
        e.tags.push((count_tag, 4, counts));
        if !e.tables.is_empty() {
            let t: Vec<u32> = e.tables.iter().map(|&b| u32::from(b)).collect();
            e.tags.push((347, 7, t));
        }
        e.tags.sort_by_key(|t| t.0);
        // Out-of-line values.
        let size = |ty: u16| match ty {
            1 | 7 => 1,
            3 => 2,
            5 => 8,
            _ => 4,
        };
        let mut placed = Vec::new();
        for (tag, ty, vals) in &e.tags {
            let n = if *ty == 5 { vals.len() / 2 } else { vals.len() };
            let bytes = size(*ty) * n;
            if bytes > 4 {
                placed.push(Some(out.len() as u32));
                for &v in vals {
                    match ty {
                        1 | 7 => out.push(v as u8),
                        3 => w16(&mut out, v as u16),
                        _ => w32(&mut out, v),
                    }
                }
                if out.len() % 2 == 1 {
                    out.push(0);
                }
            } else {
                placed.push(None);
            }
            let _ = tag;
        }
        let ifd = out.len() as u32;
        let at = link;
        let bytes = if be {
            ifd.to_be_bytes()
        } else {
            ifd.to_le_bytes()
        };
        out[at..at + 4].copy_from_slice(&bytes);
        w16(&mut out, e.tags.len() as u16);
        for ((tag, ty, vals), place) in e.tags.iter().zip(placed) {
            let n = if *ty == 5 { vals.len() / 2 } else { vals.len() };
            w16(&mut out, *tag);
            w16(&mut out, *ty);
            w32(&mut out, n as u32);
            match place {
                Some(off) => w32(&mut out, off),
                None => {
                    let mut inline = Vec::new();
                    for &v in vals {
                        match ty {
                            1 | 7 => inline.push(v as u8),
                            3 => w16(&mut inline, v as u16),
                            _ => w32(&mut inline, v),
                        }
                    }
                    inline.resize(4, 0);
                    out.extend_from_slice(&inline);
                }
            }
        }
        link = out.len();
        w32(&mut out, 0);
    }
    out
}
