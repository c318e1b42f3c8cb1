//! Reduced RGB images: JPEG decoded with DCT scaling, PNG and raw PDF samples box-averaged, all
//! turned upright (EXIF orientation, PDF /Rotate).

use super::ScanLimits;
use crate::forms::ReadError;
use crate::message::FileKind;

/// An 8-bit RGB image small enough to look at in a millisecond.
#[derive(Debug, Clone, Default)]
pub struct Raster {
    /// Width in pixels of this reduced image.
    pub width: usize,
    /// Height in pixels of this reduced image.
    pub height: usize,
    /// Interleaved RGB samples, `width * height * 3` bytes.
    pub rgb: Vec<u8>,
    /// The source had a single channel (or 1 bit): a black-and-white scanner, no red possible.
    pub gray_source: bool,
    /// Width of the full image as displayed, in pixels, for page sizes.
    pub source_width: usize,
    /// Height of the full image as displayed, in pixels.
    pub source_height: usize,
}

impl Raster {
    /// The RGB triple at (x, y); black outside the image.
    pub fn pixel(&self, x: usize, y: usize) -> [u8; 3] {
        let i = (y * self.width + x) * 3;
        match self.rgb.get(i..i + 3) {
            Some([r, g, b]) => [*r, *g, *b],
            _ => [0, 0, 0],
        }
    }

    /// Turns the image as EXIF orientation `o` (1–8) says; PDF /Rotate 90/180/270 are 6/3/8.
    pub fn oriented(self, o: u16) -> Raster {
        if !(2..=8).contains(&o) {
            return self;
        }
        let (w, h) = (self.width, self.height);
        let swap = o >= 5;
        let (ow, oh) = if swap { (h, w) } else { (w, h) };
        let mut rgb = Vec::with_capacity(self.rgb.len());
        for oy in 0..oh {
            for ox in 0..ow {
                let (sx, sy) = match o {
                    2 => (w - 1 - ox, oy),
                    3 => (w - 1 - ox, h - 1 - oy),
                    4 => (ox, h - 1 - oy),
                    5 => (oy, ox),
                    6 => (oy, h - 1 - ox),
                    7 => (w - 1 - oy, h - 1 - ox),
                    _ => (w - 1 - oy, ox),
                };
                rgb.extend_from_slice(&self.pixel(sx, sy));
            }
        }
        let (sw, sh) = if swap {
            (self.source_height, self.source_width)
        } else {
            (self.source_width, self.source_height)
        };
        Raster {
            width: ow,
            height: oh,
            rgb,
            gray_source: self.gray_source,
            source_width: sw,
            source_height: sh,
        }
    }
}

/// Decodes a JPEG or PNG file, upright, with its short side reduced to about `short`.
pub fn decode_file(
    data: &[u8],
    kind: FileKind,
    limits: &ScanLimits,
    short: usize,
) -> Result<Raster, ReadError> {
    match kind {
        FileKind::Jpeg => {
            let o = exif_orientation(data).unwrap_or(1);
            Ok(jpeg(data, limits, short)?.oriented(o))
        }
        FileKind::Png => png(data, limits, short),
        _ => Err(ReadError::Corrupt("不是图片格式".into())),
    }
}

/// Decodes a JPEG with the coarsest DCT scaling that keeps the short side at or above `short`.
pub fn jpeg(data: &[u8], limits: &ScanLimits, short: usize) -> Result<Raster, ReadError> {
    let (w, h) = jpeg_dimensions(data)?;
    if (w as u64) * (h as u64) > limits.max_image_pixels {
        return Err(ReadError::TooLarge(format!("图片 {w}×{h} 像素")));
    }
    let s = w.min(h).max(1);
    let f = [8usize, 4, 2, 1]
        .into_iter()
        .find(|f| s / f >= short)
        .unwrap_or(1);
    let (ow, oh, rgb, gray) = jpeg_scaled(data, limits, f)?;
    Ok(reduce(rgb, ow, oh, gray, short, (w, h)))
}

/// A JPEG's width and height from its header.
pub fn jpeg_dimensions(data: &[u8]) -> Result<(usize, usize), ReadError> {
    let run = std::panic::catch_unwind(|| {
        let mut dec = jpeg_decoder::Decoder::new(data);
        dec.read_info().ok()?;
        dec.info()
            .map(|i| (usize::from(i.width), usize::from(i.height)))
    });
    run.ok()
        .flatten()
        .ok_or_else(|| ReadError::Corrupt("JPEG 文件头不完整".into()))
}

/// Decodes a JPEG reduced by `f` (8, 4, 2 or 1): width, height, RGB and whether it was gray.
pub fn jpeg_scaled(
    data: &[u8],
    limits: &ScanLimits,
    f: usize,
) -> Result<(usize, usize, Vec<u8>, bool), ReadError> {
    // jpeg-decoder is not written for hostile input; a panic inside must not take the caller down.
    let run = std::panic::catch_unwind(|| {
        let bad = |e: jpeg_decoder::Error| ReadError::Corrupt(format!("JPEG: {e}"));
        let mut dec = jpeg_decoder::Decoder::new(data);
        dec.read_info().map_err(bad)?;
        let info = dec
            .info()
            .ok_or_else(|| ReadError::Corrupt("JPEG 文件头不完整".into()))?;
        let (w, h) = (usize::from(info.width), usize::from(info.height));
        if (w as u64) * (h as u64) > limits.max_image_pixels {
            return Err(ReadError::TooLarge(format!("图片 {w}×{h} 像素")));
        }
        if f == 8 {
            let max_blocks = usize::try_from(limits.max_image_pixels / 64).unwrap_or(usize::MAX);
            if let Some(done) = super::jpeg_dc::decode(data, max_blocks) {
                return Ok(done);
            }
        }
        let req = |v: usize| u16::try_from(v.div_ceil(f.max(1))).unwrap_or(u16::MAX);
        let (ow, oh) = dec.scale(req(w), req(h)).map_err(bad)?;
        let px = dec.decode().map_err(bad)?;
        let (ow, oh) = (usize::from(ow), usize::from(oh));
        let info = dec
            .info()
            .ok_or_else(|| ReadError::Corrupt("JPEG 文件头不完整".into()))?;
        let (rgb, gray) = match info.pixel_format {
            jpeg_decoder::PixelFormat::RGB24 => (px, false),
            jpeg_decoder::PixelFormat::L8 => (px.iter().flat_map(|&v| [v, v, v]).collect(), true),
            jpeg_decoder::PixelFormat::L16 => (
                px.chunks_exact(2)
                    .flat_map(|v| [v[0], v[0], v[0]])
                    .collect(),
                true,
            ),
            jpeg_decoder::PixelFormat::CMYK32 => (
                px.chunks_exact(4)
                    .flat_map(|v| {
                        let k = 255 - u16::from(v[3]);
                        let c = |x: u8| ((255 - u16::from(x)) * k / 255) as u8;
                        [c(v[0]), c(v[1]), c(v[2])]
                    })
                    .collect(),
                false,
            ),
        };
        Ok((ow, oh, rgb, gray))
    });
    run.unwrap_or_else(|_| Err(ReadError::Corrupt("JPEG 无法解码".into())))
}

/// Decodes a PNG in full (PNG has no cheap reduction), then box-averages it.
fn png(data: &[u8], limits: &ScanLimits, short: usize) -> Result<Raster, ReadError> {
    let run = std::panic::catch_unwind(|| -> Result<Raster, ReadError> {
        let bad = |e: png::DecodingError| ReadError::Corrupt(format!("PNG: {e}"));
        let mut dec = png::Decoder::new_with_limits(
            data,
            png::Limits {
                bytes: usize::try_from(limits.max_image_pixels.saturating_mul(4))
                    .unwrap_or(usize::MAX),
            },
        );
        dec.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
        let mut reader = dec.read_info().map_err(bad)?;
        let (w, h) = (reader.info().width as usize, reader.info().height as usize);
        if (w as u64) * (h as u64) > limits.max_image_pixels {
            return Err(ReadError::TooLarge(format!("图片 {w}×{h} 像素")));
        }
        let mut buf = vec![0; reader.output_buffer_size()];
        let frame = reader.next_frame(&mut buf).map_err(bad)?;
        let (ow, oh) = (frame.width as usize, frame.height as usize);
        let over_white =
            |v: u8, a: u8| ((u16::from(v) * u16::from(a) + 255 * (255 - u16::from(a))) / 255) as u8;
        let bytes = buf.get(..frame.buffer_size()).unwrap_or(&[]);
        let (rgb, gray): (Vec<u8>, bool) = match frame.color_type {
            png::ColorType::Rgb => (bytes.to_vec(), false),
            png::ColorType::Rgba => (
                bytes
                    .chunks_exact(4)
                    .flat_map(|p| {
                        [
                            over_white(p[0], p[3]),
                            over_white(p[1], p[3]),
                            over_white(p[2], p[3]),
                        ]
                    })
                    .collect(),
                false,
            ),
            png::ColorType::Grayscale => (bytes.iter().flat_map(|&v| [v, v, v]).collect(), true),
            png::ColorType::GrayscaleAlpha => (
                bytes
                    .chunks_exact(2)
                    .flat_map(|p| {
                        let v = over_white(p[0], p[1]);
                        [v, v, v]
                    })
                    .collect(),
                true,
            ),
            png::ColorType::Indexed => return Err(ReadError::Corrupt("PNG 调色板未展开".into())),
        };
        Ok(reduce(rgb, ow, oh, gray, short, (w, h)))
    });
    run.unwrap_or_else(|_| Err(ReadError::Corrupt("PNG 无法解码".into())))
}

/// Box-averages `rgb` (w×h) by the integer factor that brings the short side nearest `short`.
pub fn reduce(
    rgb: Vec<u8>,
    w: usize,
    h: usize,
    gray: bool,
    short: usize,
    source: (usize, usize),
) -> Raster {
    let k = (w.min(h) / short.max(1)).max(1);
    if rgb.len() < w * h * 3 || w == 0 || h == 0 {
        return Raster {
            gray_source: gray,
            source_width: source.0,
            source_height: source.1,
            ..Raster::default()
        };
    }
    if k == 1 {
        return Raster {
            width: w,
            height: h,
            rgb,
            gray_source: gray,
            source_width: source.0,
            source_height: source.1,
        };
    }
    let (ow, oh) = (w / k, h / k);
    let mut out = Vec::with_capacity(ow * oh * 3);
    let mut acc = vec![0u32; ow * 3];
    for oy in 0..oh {
        acc.iter_mut().for_each(|a| *a = 0);
        for y in oy * k..(oy + 1) * k {
            let row = rgb.get(y * w * 3..(y * w + ow * k) * 3).unwrap_or(&[]);
            for (x, px) in row.chunks_exact(3).enumerate() {
                let o = (x / k) * 3;
                if let Some(a) = acc.get_mut(o..o + 3) {
                    a[0] += u32::from(px[0]);
                    a[1] += u32::from(px[1]);
                    a[2] += u32::from(px[2]);
                }
            }
        }
        let n = (k * k) as u32;
        out.extend(acc.iter().map(|&a| (a / n) as u8));
    }
    Raster {
        width: ow,
        height: oh,
        rgb: out,
        gray_source: gray,
        source_width: source.0,
        source_height: source.1,
    }
}

/// The EXIF Orientation tag (1–8) of a JPEG, from its APP1 segment.
pub fn exif_orientation(data: &[u8]) -> Option<u16> {
    let mut i = 2usize;
    while i + 4 <= data.len() {
        if *data.get(i)? != 0xFF {
            return None;
        }
        let marker = *data.get(i + 1)?;
        let len = usize::from(u16::from_be_bytes([*data.get(i + 2)?, *data.get(i + 3)?]));
        if marker == 0xDA || marker == 0xD9 {
            return None;
        }
        if marker == 0xE1 {
            let seg = data.get(i + 4..(i + 2 + len).min(data.len()))?;
            if let Some(o) = tiff_orientation(seg) {
                return Some(o);
            }
        }
        i += 2 + len;
    }
    None
}

/// The EXIF Orientation tag (1–8) of one APP1 segment (also used to shape scans in `scan.rs`).
pub fn tiff_orientation(seg: &[u8]) -> Option<u16> {
    let tiff = seg.strip_prefix(b"Exif\0\0")?;
    let le = match tiff.get(0..2)? {
        b"II" => true,
        b"MM" => false,
        _ => return None,
    };
    let u16_at = |p: usize| -> Option<u16> {
        let b = [*tiff.get(p)?, *tiff.get(p + 1)?];
        Some(if le {
            u16::from_le_bytes(b)
        } else {
            u16::from_be_bytes(b)
        })
    };
    let u32_at = |p: usize| -> Option<u32> {
        let b: [u8; 4] = tiff.get(p..p + 4)?.try_into().ok()?;
        Some(if le {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    };
    let ifd = usize::try_from(u32_at(4)?).ok()?;
    let count = usize::from(u16_at(ifd)?);
    (0..count.min(256))
        .map(|n| ifd + 2 + n * 12)
        .find(|&e| u16_at(e) == Some(0x0112))
        .and_then(|e| u16_at(e + 8))
}
