//! Stamped versions drawn in code: a printed page (title bar, ruled rows of text-like blocks)
//! with a red round seal (ring, star, lettering), saved as PNG like a phone or scanner would.

/// An RGB page, white paper to start with.
struct Page {
    /// Width in pixels.
    w: usize,
    /// Height in pixels.
    h: usize,
    /// Interleaved RGB, `w * h * 3` bytes.
    rgb: Vec<u8>,
}

/// Seal ink as scanners render it.
const RED: [u8; 3] = [215, 30, 40];
/// Printed text.
const BLACK: [u8; 3] = [30, 30, 30];

impl Page {
    fn new(w: usize, h: usize) -> Page {
        Page {
            w,
            h,
            rgb: vec![250; w * h * 3],
        }
    }

    /// Ink over paper multiplies, so red over black text stays black as on real paper.
    fn ink(&mut self, x: i64, y: i64, c: [u8; 3]) {
        let (Ok(x), Ok(y)) = (usize::try_from(x), usize::try_from(y)) else {
            return;
        };
        if x >= self.w || y >= self.h {
            return;
        }
        let o = (y * self.w + x) * 3;
        if let Some(px) = self.rgb.get_mut(o..o + 3) {
            for (v, k) in px.iter_mut().zip(c) {
                *v = (u16::from(*v) * u16::from(k) / 255) as u8;
            }
        }
    }

    fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, c: [u8; 3]) {
        for yy in y.round() as i64..(y + h).round() as i64 {
            for xx in x.round() as i64..(x + w).round() as i64 {
                self.ink(xx, yy, c);
            }
        }
    }

    /// The seal is inked once per pixel through a mask: overlapping strokes must not darken
    /// the red the way repeated multiplication would, or it would stop looking like seal ink.
    fn seal(&mut self, cx: f64, cy: f64, diameter: f64) {
        let r = diameter / 2.0;
        let ring = diameter * 0.045;
        let star = r * 0.3;
        let pts: Vec<(f64, f64)> = (0..10)
            .map(|k| {
                let a = -std::f64::consts::FRAC_PI_2 + f64::from(k) * std::f64::consts::PI / 5.0;
                let rr = if k % 2 == 0 { star } else { star * 0.4 };
                (cx + rr * a.cos(), cy + rr * a.sin())
            })
            .collect();
        let glyph = r * 0.16;
        let (x0, x1) = ((cx - r) as i64, (cx + r) as i64 + 1);
        let (y0, y1) = ((cy - r) as i64, (cy + r) as i64 + 1);
        for y in y0..y1 {
            for x in x0..x1 {
                let (dx, dy) = (x as f64 - cx, y as f64 - cy);
                let d = dx.hypot(dy);
                let in_ring = d <= r && d >= r - ring;
                // Lettering: blocks along the upper arc, between 200° and 340°.
                let a = dy.atan2(dx).to_degrees().rem_euclid(360.0);
                let along = (200.0..=340.0).contains(&a)
                    && (d - r * 0.72).abs() < glyph / 2.0
                    && (a - 200.0) % 10.0 < 7.0;
                let under = dy > r * 0.42 && dy < r * 0.58 && dx.abs() < r * 0.45;
                if in_ring || along || under || inside(&pts, x as f64, y as f64) {
                    self.ink(x, y, RED);
                }
            }
        }
    }

    fn png(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let (Ok(w), Ok(h)) = (u32::try_from(self.w), u32::try_from(self.h)) else {
            return out;
        };
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Best);
        let written = enc
            .write_header()
            .and_then(|mut wr| wr.write_image_data(&self.rgb));
        if written.is_err() {
            // Writing into memory fails only on a size mismatch, which the page rules out.
            return Vec::new();
        }
        out
    }
}

/// Even-odd point-in-polygon test, for the star.
fn inside(pts: &[(f64, f64)], x: f64, y: f64) -> bool {
    let mut odd = false;
    let mut j = pts.len().wrapping_sub(1);
    for (i, &(xi, yi)) in pts.iter().enumerate() {
        if let Some(&(xj, yj)) = pts.get(j)
            && (yi > y) != (yj > y)
            && x < (xj - xi) * (y - yi) / (yj - yi) + xi
        {
            odd = !odd;
        }
        j = i;
    }
    odd
}

/// A stamped A4 page at 100 dpi as PNG: portrait for an application form, landscape for the
/// summary (the reader tells the two apart by orientation). `rows` varies the text so two
/// forms' scans differ.
pub fn stamped_png(landscape: bool, rows: usize) -> Vec<u8> {
    let (w, h) = if landscape { (1169, 827) } else { (827, 1169) };
    let mut p = Page::new(w, h);
    let mm = w.min(h) as f64 / 210.0;
    let (wf, hf) = (w as f64, h as f64);
    p.rect(wf * 0.3, 15.0 * mm, wf * 0.4, 6.0 * mm, BLACK);
    let (left, right) = (20.0 * mm, wf - 20.0 * mm);
    let mut y = 30.0 * mm;
    let mut n = 0usize;
    while y < hf - 25.0 * mm {
        p.rect(left, y, right - left, 0.4 * mm, BLACK);
        let mut x = left + 2.0 * mm;
        let mut k = 0usize;
        while x < right - 6.0 * mm {
            // A deterministic pattern of gaps, so lines look like words, not a solid bar.
            if !(k * 7 + n * 3 + rows).is_multiple_of(9) {
                p.rect(x, y + 3.0 * mm, 3.2 * mm, 3.6 * mm, BLACK);
            }
            x += 4.2 * mm;
            k += 1;
        }
        y += 10.0 * mm;
        n += 1;
    }
    p.seal(wf * 0.7, hf * 0.78, 40.0 * mm);
    p.png()
}
