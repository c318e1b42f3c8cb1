//! TIFF scans as office scanners and fax gateways write them: every page of the IFD chain,
//! colour pages decoded strip by strip (uncompressed, PackBits, LZW, Deflate, JPEG) straight
//! into a reduced image; black-and-white (CCITT G3/G4, 1 bit) and gray pages are known from their
//! tags alone, since no red seal can show on them.

mod codec;
mod ifd;

pub use ifd::Ifd;

use super::ScanLimits;
use super::raster::{self, Raster};
use crate::forms::ReadError;
use codec::{Pixels, Sink};

/// What one page gave.
pub enum Look {
    /// The page reduced, upright.
    Pixels(Raster),
    /// Bilevel or gray: a black-and-white scan.
    Gray,
    /// A compression or sample layout not read here (old-style JPEG, 16 bit, planes, …).
    Unreadable,
}

/// The page directories of a TIFF file.
pub fn pages(data: &[u8], limits: &ScanLimits) -> Result<Vec<Ifd>, ReadError> {
    ifd::pages(data, limits.max_pages).ok_or_else(|| ReadError::Corrupt("TIFF 结构无法解析".into()))
}

/// Decodes one page reduced to about `short` pixels on its short side.
pub fn look(data: &[u8], page: &Ifd, limits: &ScanLimits, short: usize) -> Result<Look, ReadError> {
    let photometric = page
        .photometric
        .unwrap_or(if page.samples >= 3 { 2 } else { 1 });
    // CCITT (2, 3, 4), JBIG (34661) and 1-bit or gray samples: no colour can be on the page.
    let bilevel = matches!(page.compression, 2..=4 | 32771 | 34661);
    if bilevel || matches!(photometric, 0 | 1 | 4) || (page.bps() == 1 && photometric != 3) {
        return Ok(Look::Gray);
    }
    let (w, h) = (page.width, page.height);
    if w.saturating_mul(h) > limits.max_image_pixels {
        return Err(ReadError::TooLarge(format!("图片 {w}×{h} 像素")));
    }
    let (Ok(w), Ok(h)) = (usize::try_from(w), usize::try_from(h)) else {
        return Ok(Look::Unreadable);
    };
    // Reduce so the short side (in square pixels) lands near `short`; fax pages have
    // pixels twice as tall as wide, so rows are reduced less.
    let ratio = page.square_height() / h as f64;
    let k = ((w as f64).min(page.square_height()) / short.max(1) as f64).max(1.0) as usize;
    let ky = ((k as f64 / ratio).round() as usize).max(1);
    let mut sink = Sink::new(w, h, k, ky);
    let done = if page.compression == 7 {
        jpeg_blocks(data, page, limits, &mut sink)
    } else {
        match pixels(page, photometric) {
            Some(px) if page.planar == 1 || page.samples == 1 => {
                raw_blocks(data, page, &px, &mut sink)
            }
            _ => false,
        }
    };
    if !done {
        return Ok(Look::Unreadable);
    }
    let (ow, oh) = (sink.ow, sink.oh);
    let img = Raster {
        width: ow,
        height: oh,
        rgb: sink.finish(),
        gray_source: false,
        source_width: w,
        source_height: page.square_height().round() as usize,
    };
    Ok(Look::Pixels(img.oriented(page.orientation)))
}

/// How the samples of a non-JPEG page turn into colours, if they are a layout read here.
fn pixels(page: &Ifd, photometric: u64) -> Option<Pixels> {
    let n = usize::try_from(page.samples).ok()?;
    let eight = page.bits.iter().all(|&b| b == 8);
    match photometric {
        2 if n >= 3 && eight => Some(Pixels::Rgb(n)),
        5 if n >= 4 && eight => Some(Pixels::Cmyk(n)),
        3 if n == 1 && matches!(page.bps(), 4 | 8) => {
            let bits = page.bps();
            let colours = 1usize << bits;
            let map = &page.colormap;
            if map.len() < colours * 3 {
                return None;
            }
            // Colour map entries are 16 bit; the high byte is the 8-bit colour.
            let c = |i: usize| (map.get(i).copied().unwrap_or(0) >> 8) as u8;
            let table = (0..colours)
                .map(|i| [c(i), c(colours + i), c(2 * colours + i)])
                .collect();
            Some(Pixels::Palette(bits as u8, table))
        }
        _ => None,
    }
}

/// One strip or tile: where it sits, its size in pixels and where its bytes are.
struct Block<'a> {
    x: usize,
    y: usize,
    w: usize,
    h: usize,
    bytes: &'a [u8],
}

/// The strips or tiles of a page in order, clipped to the file.
fn blocks<'a>(data: &'a [u8], page: &Ifd) -> Vec<Block<'a>> {
    let (w, h) = (page.width as usize, page.height as usize);
    let tiled = page.tile_width > 0 && page.tile_length > 0 && !page.tile_offsets.is_empty();
    let (bw, bh, offsets, counts) = if tiled {
        (
            usize::try_from(page.tile_width).unwrap_or(w),
            usize::try_from(page.tile_length).unwrap_or(h),
            &page.tile_offsets,
            &page.tile_counts,
        )
    } else {
        let rps = usize::try_from(page.rows_per_strip).unwrap_or(h);
        (
            w,
            if rps == 0 { h } else { rps.min(h) },
            &page.strip_offsets,
            &page.strip_counts,
        )
    };
    let across = w.div_ceil(bw.max(1)).max(1);
    offsets
        .iter()
        .enumerate()
        .take(across * h.div_ceil(bh.max(1)))
        .filter_map(|(i, &off)| {
            let start = usize::try_from(off).ok()?;
            // A missing byte count (some writers of uncompressed strips) means "to the end".
            let len = counts
                .get(i)
                .and_then(|&c| usize::try_from(c).ok())
                .unwrap_or(usize::MAX);
            let end = start.saturating_add(len).min(data.len());
            Some(Block {
                x: (i % across) * bw,
                y: (i / across) * bh,
                w: bw,
                h: bh,
                bytes: data.get(start..end)?,
            })
        })
        .collect()
}

/// Decodes uncompressed, PackBits, LZW and Deflate blocks row by row into the sink.
fn raw_blocks(data: &[u8], page: &Ifd, px: &Pixels, sink: &mut Sink) -> bool {
    let (w, h) = (page.width as usize, page.height as usize);
    let predict = match page.predictor {
        1 => false,
        2 if !matches!(px, Pixels::Palette(4, _)) => true,
        _ => return false,
    };
    for b in blocks(data, page) {
        let row_len = px.row_bytes(b.w);
        if row_len == 0 {
            return false;
        }
        let visible = b.w.min(w.saturating_sub(b.x));
        let rows = b.h.min(h.saturating_sub(b.y));
        let mut row = Vec::with_capacity(row_len);
        let mut r = 0usize;
        let mut take = |mut chunk: &[u8]| -> bool {
            while !chunk.is_empty() && r < rows {
                let n = (row_len - row.len()).min(chunk.len());
                row.extend_from_slice(chunk.get(..n).unwrap_or(&[]));
                chunk = chunk.get(n..).unwrap_or(&[]);
                if row.len() == row_len {
                    if predict {
                        codec::unpredict(&mut row, px.samples());
                    }
                    for x in 0..visible {
                        sink.add(b.x + x, b.y + r, px.at(&row, x), 1);
                    }
                    row.clear();
                    r += 1;
                }
            }
            r < rows
        };
        if !codec::decompress(page.compression, b.bytes, row_len * b.h, &mut take) {
            return false;
        }
    }
    true
}

/// Decodes JPEG-compressed blocks (each a JPEG stream, its tables possibly shared in
/// JPEGTables) with DCT scaling, into the sink.
fn jpeg_blocks(data: &[u8], page: &Ifd, limits: &ScanLimits, sink: &mut Sink) -> bool {
    let f = [8usize, 4, 2, 1]
        .into_iter()
        .find(|&f| f <= sink.step())
        .unwrap_or(1);
    let tables = page.jpeg_tables.as_slice();
    let shared = tables.starts_with(&[0xFF, 0xD8]);
    let (w, h) = (page.width as usize, page.height as usize);
    let mut any = false;
    for b in blocks(data, page) {
        let stream = if shared && b.bytes.starts_with(&[0xFF, 0xD8]) {
            let head = tables.strip_suffix(&[0xFF, 0xD9]).unwrap_or(tables);
            let mut s = head.to_vec();
            s.extend_from_slice(b.bytes.get(2..).unwrap_or(&[]));
            s
        } else {
            b.bytes.to_vec()
        };
        let Ok((sw, sh, rgb, _)) = raster::jpeg_scaled(&stream, limits, f) else {
            continue;
        };
        any = true;
        for sy in 0..sh {
            for sx in 0..sw {
                let (x, y) = (b.x + sx * f, b.y + sy * f);
                if x >= w || y >= h || x >= b.x + b.w || y >= b.y + b.h {
                    continue;
                }
                let o = (sy * sw + sx) * 3;
                if let Some(&[r, g, bl]) = rgb.get(o..o + 3) {
                    sink.add(x, y, [r, g, bl], (f * f) as u32);
                }
            }
        }
    }
    any
}
