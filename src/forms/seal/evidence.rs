//! The evidence PNG: the page as the detector saw it, each seal boxed in a contrasting colour.

use super::raster::Raster;
use super::{PageAnalysis, ReadError};

/// Box colour: green stands out against red ink, black text and white paper.
const BOX: [u8; 3] = [0, 200, 60];

/// Draws the page's seal box (display fractions) on `img` and encodes it as PNG.
pub fn draw(mut img: Raster, page: &PageAnalysis) -> Result<Vec<u8>, ReadError> {
    let (w, h) = (img.width, img.height);
    if let Some(s) = page.seal {
        let to_px =
            |f: f64, n: usize| ((f * n as f64).round().max(0.0) as usize).min(n.saturating_sub(1));
        let (x0, y0) = (to_px(s.x, w), to_px(s.y, h));
        let (x1, y1) = (to_px(s.x + s.w, w), to_px(s.y + s.h, h));
        let thick = (w.min(h) / 200).max(2);
        let mut put = |x: usize, y: usize| {
            let o = (y * w + x) * 3;
            if let Some(p) = img.rgb.get_mut(o..o + 3) {
                p.copy_from_slice(&BOX);
            }
        };
        for t in 0..thick {
            for x in x0.saturating_sub(thick)..=(x1 + thick).min(w.saturating_sub(1)) {
                put(x, y0.saturating_sub(t + 1));
                put(x, (y1 + t + 1).min(h.saturating_sub(1)));
            }
            for y in y0.saturating_sub(thick)..=(y1 + thick).min(h.saturating_sub(1)) {
                put(x0.saturating_sub(t + 1), y);
                put((x1 + t + 1).min(w.saturating_sub(1)), y);
            }
        }
    }
    encode_png(&img)
}

/// Encodes an RGB raster as PNG in memory.
pub fn encode_png(img: &Raster) -> Result<Vec<u8>, ReadError> {
    let fail = |e: png::EncodingError| ReadError::Corrupt(format!("PNG: {e}"));
    let (Ok(w), Ok(h)) = (u32::try_from(img.width), u32::try_from(img.height)) else {
        return Err(ReadError::TooLarge("图片过大".into()));
    };
    if w == 0 || h == 0 {
        return Err(ReadError::Corrupt("页面没有图像".into()));
    }
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().map_err(fail)?;
        writer.write_image_data(&img.rgb).map_err(fail)?;
    }
    Ok(out)
}
