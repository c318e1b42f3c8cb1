//! Image XObjects of a PDF turned into reduced rasters: DCTDecode streams are JPEG files as they
//! are; Flate (or raw) samples are inflated with a cap and converted from their colour space.

use super::ScanLimits;
use super::content::{filters, unwrap_filters};
use super::raster::{self, Raster};
use lopdf::{Document, Object, Stream};

/// What an image XObject gave.
pub enum Look {
    /// Pixels to look at.
    Pixels(Raster),
    /// A bilevel or gray image (CCITT, JBIG2, 1 bit, DeviceGray): no red can be on it.
    Gray,
    /// A format we do not decode (JPX, 16 bit, …).
    Unreadable,
}

/// Decodes an image XObject reduced to about `short` pixels on its short side.
pub fn look(doc: &Document, s: &Stream, limits: &ScanLimits, short: usize) -> Look {
    let d = &s.dict;
    let int = |k: &[u8]| d.get(k).ok().and_then(|o| o.as_i64().ok());
    let mask = matches!(d.get(b"ImageMask"), Ok(Object::Boolean(true)));
    let bpc = int(b"BitsPerComponent").unwrap_or(8);
    let Some((content, fl)) = unwrap_filters(&s.content, &filters(d), limits.max_flate_bytes)
    else {
        return Look::Unreadable;
    };
    let last = fl.last().map(Vec::as_slice);
    if mask || matches!(last, Some(b"CCITTFaxDecode" | b"JBIG2Decode")) {
        return Look::Gray;
    }
    if last == Some(b"DCTDecode") {
        if fl.len() != 1 {
            return Look::Unreadable;
        }
        return match raster::jpeg(&content, limits, short) {
            Ok(r) => Look::Pixels(r),
            Err(_) => Look::Unreadable,
        };
    }
    let (Some(w), Some(h)) = (int(b"Width"), int(b"Height")) else {
        return Look::Unreadable;
    };
    let (Ok(w), Ok(h)) = (usize::try_from(w), usize::try_from(h)) else {
        return Look::Unreadable;
    };
    if w == 0 || h == 0 || (w as u64) * (h as u64) > limits.max_image_pixels {
        return Look::Unreadable;
    }
    let space = colour_space(doc, d.get(b"ColorSpace").ok());
    if matches!(space, Space::Gray) && bpc <= 8 {
        return Look::Gray;
    }
    if bpc == 1 && !matches!(space, Space::Indexed(..)) {
        return Look::Gray;
    }
    if bpc != 8 {
        return Look::Unreadable;
    }
    if !fl.is_empty() {
        return Look::Unreadable;
    }
    let raw = content;
    let comps = match &space {
        Space::Rgb => 3,
        Space::Cmyk => 4,
        Space::Indexed(..) | Space::Gray => 1,
        Space::Other => return Look::Unreadable,
    };
    let predictor = predictor(doc, d);
    // A stream far shorter than its declared size is not padded out to it (no trust in sizes).
    if raw.len() < w * h * comps / 2 {
        return Look::Unreadable;
    }
    let samples = if predictor >= 10 {
        unpredict(&raw, w * comps, comps)
    } else {
        raw
    };
    let mut rgb = to_rgb(&space, &samples, w, h);
    // A short stream leaves the bottom of the image white rather than failing the page.
    rgb.resize(w * h * 3, 255);
    Look::Pixels(raster::reduce(rgb, w, h, false, short, (w, h)))
}

/// The PNG predictor of a Flate image (`/DecodeParms /Predictor`; 1 = none).
fn predictor(doc: &Document, d: &lopdf::Dictionary) -> i64 {
    d.get(b"DecodeParms")
        .ok()
        .and_then(|p| doc.dereference(p).ok())
        .and_then(|(_, p)| p.as_dict().ok())
        .and_then(|p| p.get(b"Predictor").ok())
        .and_then(|p| p.as_i64().ok())
        .unwrap_or(1)
}

/// 8-bit samples in `space` as RGB, at most `w × h` pixels (fewer when the stream is short).
fn to_rgb(space: &Space, samples: &[u8], w: usize, h: usize) -> Vec<u8> {
    let mut rgb = Vec::with_capacity((w * h * 3).min(samples.len() * 3));
    match space {
        Space::Rgb => rgb.extend(samples.iter().take(w * h * 3)),
        Space::Cmyk => rgb.extend(samples.chunks_exact(4).take(w * h).flat_map(|v| {
            let k = 255 - u16::from(v[3]);
            let c = |x: u8| ((255 - u16::from(x)) * k / 255) as u8;
            [c(v[0]), c(v[1]), c(v[2])]
        })),
        Space::Indexed(base, table) => {
            for &i in samples.iter().take(w * h) {
                let at = usize::from(i) * base;
                let p = match (base, table.get(at..at + base)) {
                    (3, Some(p)) => [p[0], p[1], p[2]],
                    (1, Some(p)) => [p[0], p[0], p[0]],
                    _ => [255, 255, 255],
                };
                rgb.extend_from_slice(&p);
            }
        }
        Space::Gray | Space::Other => {}
    }
    rgb
}

/// The colour spaces scanned pages use.
enum Space {
    Gray,
    Rgb,
    Cmyk,
    /// A palette: components of the base space (1 or 3) and the lookup table.
    Indexed(usize, Vec<u8>),
    Other,
}

fn colour_space(doc: &Document, o: Option<&Object>) -> Space {
    let Some(o) = o.and_then(|o| doc.dereference(o).ok()).map(|(_, o)| o) else {
        return Space::Other;
    };
    if let Ok(n) = o.as_name() {
        return match n {
            b"DeviceRGB" | b"CalRGB" => Space::Rgb,
            b"DeviceGray" | b"CalGray" => Space::Gray,
            b"DeviceCMYK" => Space::Cmyk,
            _ => Space::Other,
        };
    }
    let Ok(a) = o.as_array() else {
        return Space::Other;
    };
    match a.first().and_then(|n| n.as_name().ok()) {
        Some(b"ICCBased") => {
            let n = a
                .get(1)
                .and_then(|s| doc.dereference(s).ok())
                .and_then(|(_, s)| s.as_stream().ok())
                .and_then(|s| s.dict.get(b"N").ok())
                .and_then(|n| n.as_i64().ok());
            match n {
                Some(1) => Space::Gray,
                Some(3) => Space::Rgb,
                Some(4) => Space::Cmyk,
                _ => Space::Other,
            }
        }
        Some(b"CalRGB") => Space::Rgb,
        Some(b"CalGray") => Space::Gray,
        Some(b"Indexed") => {
            let base = match colour_space(doc, a.get(1)) {
                Space::Rgb => 3,
                Space::Gray => 1,
                _ => return Space::Other,
            };
            let table = match a
                .get(3)
                .and_then(|t| doc.dereference(t).ok())
                .map(|(_, t)| t)
            {
                Some(Object::String(s, _)) => s.clone(),
                Some(Object::Stream(s)) => {
                    super::content::stream_bytes(s, 4096).unwrap_or_default()
                }
                _ => Vec::new(),
            };
            Space::Indexed(base, table)
        }
        _ => Space::Other,
    }
}

/// Undoes PNG row predictors (Flate /Predictor ≥ 10): each row starts with its filter byte.
fn unpredict(data: &[u8], row: usize, bpp: usize) -> Vec<u8> {
    let mut out: Vec<u8> = Vec::with_capacity(data.len());
    let mut prev = vec![0u8; row];
    for chunk in data.chunks(row + 1) {
        let Some((&filter, line)) = chunk.split_first() else {
            break;
        };
        let mut cur = line.to_vec();
        cur.resize(row, 0);
        for i in 0..row {
            let a = if i >= bpp {
                cur.get(i - bpp).copied().unwrap_or(0)
            } else {
                0
            };
            let b = prev.get(i).copied().unwrap_or(0);
            let c = if i >= bpp {
                prev.get(i - bpp).copied().unwrap_or(0)
            } else {
                0
            };
            let add = match filter {
                1 => a,
                2 => b,
                3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
                4 => paeth(a, b, c),
                _ => 0,
            };
            if let Some(x) = cur.get_mut(i) {
                *x = x.wrapping_add(add);
            }
        }
        out.extend_from_slice(&cur);
        prev = cur;
    }
    out
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let (ia, ib, ic) = (i16::from(a), i16::from(b), i16::from(c));
    let p = ia + ib - ic;
    let (pa, pb, pc) = ((p - ia).abs(), (p - ib).abs(), (p - ic).abs());
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}
