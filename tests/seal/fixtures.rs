//! Pages drawn in code for the seal tests and bench: text blocks, table lines, red seals (ring,
//! star, lettering along the arc), red ink that is not a seal, JPEG, PNG and PDF wrappers.
#![allow(dead_code)]

use lopdf::{Document, Object, Stream, dictionary};

/// An RGB canvas, white paper to start with.
pub struct Canvas {
    /// Width in pixels.
    pub w: usize,
    /// Height in pixels.
    pub h: usize,
    /// Interleaved RGB.
    pub rgb: Vec<u8>,
}

/// Ink colours for seals as scanners render them.
pub const RED: [u8; 3] = [215, 30, 40];
pub const ORANGE: [u8; 3] = [235, 95, 45];
pub const PINK: [u8; 3] = [225, 70, 120];
pub const FADED: [u8; 3] = [230, 120, 120];

/// Pixels per millimetre at 150 dpi.
pub const PX_MM_150: f64 = 150.0 / 25.4;

impl Canvas {
    pub fn new(w: usize, h: usize) -> Canvas {
        Canvas {
            w,
            h,
            rgb: vec![250; w * h * 3],
        }
    }

    /// Ink over paper: multiplies, so red over black text stays black as on real paper.
    pub fn ink(&mut self, x: i64, y: i64, c: [u8; 3]) {
        if x < 0 || y < 0 || x as usize >= self.w || y as usize >= self.h {
            return;
        }
        let o = (y as usize * self.w + x as usize) * 3;
        for (v, k) in self.rgb[o..o + 3].iter_mut().zip(c) {
            *v = (u16::from(*v) * u16::from(k) / 255) as u8;
        }
    }

    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, c: [u8; 3]) {
        for yy in y.round() as i64..(y + h).round() as i64 {
            for xx in x.round() as i64..(x + w).round() as i64 {
                self.ink(xx, yy, c);
            }
        }
    }

    /// A thick line from (x0, y0) to (x1, y1).
    pub fn line(&mut self, x0: f64, y0: f64, x1: f64, y1: f64, width: f64, c: [u8; 3]) {
        let len = (x1 - x0).hypot(y1 - y0).max(1.0);
        let r = width / 2.0;
        let (minx, maxx) = (x0.min(x1) - r, x0.max(x1) + r);
        let (miny, maxy) = (y0.min(y1) - r, y0.max(y1) + r);
        for y in miny.floor() as i64..=maxy.ceil() as i64 {
            for x in minx.floor() as i64..=maxx.ceil() as i64 {
                let (px, py) = (x as f64 - x0, y as f64 - y0);
                let t = ((px * (x1 - x0) + py * (y1 - y0)) / (len * len)).clamp(0.0, 1.0);
                let (dx, dy) = (px - t * (x1 - x0), py - t * (y1 - y0));
                if dx.hypot(dy) <= r {
                    self.ink(x, y, c);
                }
            }
        }
    }

    /// A printed form: a title, rows of text-like blocks and a table grid in black.
    pub fn form_page(w: usize, h: usize, seed: u64) -> Canvas {
        let mut c = Canvas::new(w, h);
        let mm = w as f64 / 210.0;
        let mut rng = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let mut next = move || {
            rng = rng
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (rng >> 33) as f64 / (1u64 << 31) as f64
        };
        c.rect(60.0 * mm, 15.0 * mm, 90.0 * mm, 6.0 * mm, [20, 20, 20]);
        let (left, right) = (20.0 * mm, w as f64 - 20.0 * mm);
        let mut y = 30.0 * mm;
        while y < h as f64 - 25.0 * mm {
            c.line(left, y, right, y, 0.4 * mm, [0, 0, 0]);
            let mut x = left + 2.0 * mm;
            while x < right - 6.0 * mm {
                if next() > 0.15 {
                    c.rect(x, y + 3.0 * mm, 3.2 * mm, 3.6 * mm, [30, 30, 30]);
                }
                x += 4.2 * mm;
            }
            y += 10.0 * mm;
        }
        for x in [left, left + 40.0 * mm, right] {
            c.line(x, 30.0 * mm, x, y - 10.0 * mm, 0.4 * mm, [0, 0, 0]);
        }
        c
    }

    /// A round seal: outer ring, a five-pointed star, lettering along the upper arc and a line
    /// of lettering under the star; `turn` rotates it (radians).
    pub fn seal(&mut self, cx: f64, cy: f64, diameter: f64, turn: f64, c: [u8; 3]) {
        // The mask only covers the seal: a full-page mask per seal would dominate the recall run.
        let side = diameter.ceil() as usize + 8;
        let (ox, oy) = (
            (cx - side as f64 / 2.0).floor(),
            (cy - side as f64 / 2.0).floor(),
        );
        let mut m = Canvas::new(side, side);
        m.seal_shape(cx - ox, cy - oy, diameter, turn);
        self.ink_mask_at(&m, ox as i64, oy as i64, c);
    }

    /// Inks `c` once wherever `mask` is dark: strokes drawn over each other must not darken the
    /// ink the way repeated multiplication would.
    fn ink_mask(&mut self, mask: &Canvas, c: [u8; 3]) {
        self.ink_mask_at(mask, 0, 0, c);
    }

    fn ink_mask_at(&mut self, mask: &Canvas, ox: i64, oy: i64, c: [u8; 3]) {
        for (i, p) in mask.rgb.chunks_exact(3).enumerate() {
            if p[0] < 128 {
                self.ink(ox + (i % mask.w) as i64, oy + (i / mask.w) as i64, c);
            }
        }
    }

    /// Paper of colour `paper` (recycled or yellowed sheets scan greyish) with a little grain.
    pub fn tinted(&mut self, paper: [u8; 3], seed: u64) {
        let mut rng = seed
            .wrapping_mul(2862933555777941757)
            .wrapping_add(3037000493);
        for p in self.rgb.chunks_exact_mut(3) {
            rng = rng
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let grain = ((rng >> 60) as i32) - 8;
            for (v, k) in p.iter_mut().zip(paper) {
                let tinted = u32::from(*v) * u32::from(k) / 250;
                *v = (tinted as i32 + grain / 2).clamp(0, 255) as u8;
            }
        }
    }

    /// A line of `n` Chinese-like characters in `c`, each `size` pixels high, strokes as bars.
    pub fn text_line(&mut self, x: f64, y: f64, size: f64, n: usize, c: [u8; 3]) {
        let mut m = Canvas::new(
            (size * 1.15 * n as f64).ceil() as usize + 4,
            size.ceil() as usize + 4,
        );
        let stroke = (size * 0.09).max(1.0);
        for k in 0..n {
            let gx = k as f64 * size * 1.15;
            // Three horizontal bars, two verticals and a sweep, as in 国, 天, 津.
            for bar in 0..3 {
                let yy = size * (0.1 + 0.4 * bar as f64);
                m.line(gx + size * 0.1, yy, gx + size * 0.9, yy, stroke, [0, 0, 0]);
            }
            m.line(
                gx + size * 0.5,
                0.0,
                gx + size * 0.5,
                size,
                stroke,
                [0, 0, 0],
            );
            m.line(
                gx + size * 0.15,
                size * 0.1,
                gx + size * 0.15,
                size * 0.9,
                stroke,
                [0, 0, 0],
            );
            m.line(
                gx + size * 0.5,
                size * 0.5,
                gx + size * 0.95,
                size,
                stroke,
                [0, 0, 0],
            );
        }
        self.ink_mask_at(&m, x as i64, y as i64, c);
    }

    fn seal_shape(&mut self, cx: f64, cy: f64, diameter: f64, turn: f64) {
        let c = [0, 0, 0];
        let r = diameter / 2.0;
        let ring = diameter * 0.022;
        let steps = (diameter * 4.0) as usize;
        for i in 0..steps {
            let a = i as f64 / steps as f64 * std::f64::consts::TAU;
            let b = (i + 1) as f64 / steps as f64 * std::f64::consts::TAU;
            self.line(
                cx + (r - ring) * a.cos(),
                cy + (r - ring) * a.sin(),
                cx + (r - ring) * b.cos(),
                cy + (r - ring) * b.sin(),
                ring * 2.0,
                c,
            );
        }
        // Star.
        let star = r * 0.28;
        let pts: Vec<(f64, f64)> = (0..10)
            .map(|k| {
                let a = turn - std::f64::consts::FRAC_PI_2 + k as f64 * std::f64::consts::PI / 5.0;
                let rr = if k % 2 == 0 { star } else { star * 0.4 };
                (cx + rr * a.cos(), cy + rr * a.sin())
            })
            .collect();
        for y in (cy - star) as i64..=(cy + star) as i64 {
            for x in (cx - star) as i64..=(cx + star) as i64 {
                if inside(&pts, x as f64, y as f64) {
                    self.ink(x, y, c);
                }
            }
        }
        // Lettering along the arc: 14 glyph blocks from 200° to 340° (upper arc), turned.
        let glyph = r * 0.17;
        for k in 0..14 {
            let a = turn + (200.0 + k as f64 * 140.0 / 13.0).to_radians();
            let (gx, gy) = (cx + r * 0.7 * a.cos(), cy + r * 0.7 * a.sin());
            for s in 0..3 {
                let off = (s as f64 - 1.0) * glyph * 0.35;
                let (tx, ty) = (-a.sin(), a.cos());
                self.line(
                    gx + tx * off - a.cos() * glyph / 2.0,
                    gy + ty * off - a.sin() * glyph / 2.0,
                    gx + tx * off + a.cos() * glyph / 2.0,
                    gy + ty * off + a.sin() * glyph / 2.0,
                    glyph * 0.12,
                    c,
                );
            }
        }
        // A line of lettering under the star.
        for k in 0..5 {
            let t = (k as f64 - 2.0) * glyph * 1.1;
            let (x, y) = (
                cx + t * turn.cos() - r * 0.5 * turn.sin(),
                cy + t * turn.sin() + r * 0.5 * turn.cos(),
            );
            self.rect(
                x - glyph * 0.35,
                y - glyph * 0.35,
                glyph * 0.7,
                glyph * 0.7,
                c,
            );
        }
    }

    /// A red handwritten-like signature: a wavy stroke with loops, ~50 × 12 mm.
    pub fn signature(&mut self, x: f64, y: f64, mm: f64, c: [u8; 3]) {
        let mut m = Canvas::new(self.w, self.h);
        m.signature_shape(x, y, mm);
        self.ink_mask(&m, c);
    }

    fn signature_shape(&mut self, x: f64, y: f64, mm: f64) {
        let c = [0, 0, 0];
        let mut last = (x, y);
        for i in 1..200 {
            let t = i as f64 / 200.0;
            let p = (
                x + t * 50.0 * mm + 3.0 * mm * (t * 40.0).sin(),
                y + 6.0 * mm * (t * 17.0).sin() * (1.0 - t * 0.5),
            );
            self.line(last.0, last.1, p.0, p.1, 0.6 * mm, c);
            last = p;
        }
    }

    pub fn grayscale(&self) -> Canvas {
        let rgb = self
            .rgb
            .chunks_exact(3)
            .flat_map(|p| {
                let v = ((u32::from(p[0]) * 30 + u32::from(p[1]) * 59 + u32::from(p[2]) * 11) / 100)
                    as u8;
                [v, v, v]
            })
            .collect();
        Canvas {
            w: self.w,
            h: self.h,
            rgb,
        }
    }

    /// The image turned a quarter counter-clockwise (what a camera stores for EXIF orientation 6).
    pub fn turned_ccw(&self) -> Canvas {
        let (w, h) = (self.h, self.w);
        let mut rgb = vec![0; w * h * 3];
        for y in 0..h {
            for x in 0..w {
                let (sx, sy) = (self.w - 1 - y, x);
                let (o, s) = ((y * w + x) * 3, (sy * self.w + sx) * 3);
                rgb[o..o + 3].copy_from_slice(&self.rgb[s..s + 3]);
            }
        }
        Canvas { w, h, rgb }
    }

    pub fn jpeg(&self, quality: u8) -> Vec<u8> {
        let mut out = Vec::new();
        let enc = jpeg_encoder::Encoder::new(&mut out, quality);
        enc.encode(
            &self.rgb,
            self.w as u16,
            self.h as u16,
            jpeg_encoder::ColorType::Rgb,
        )
        .expect("jpeg encode");
        out
    }

    pub fn png(&self) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut out, self.w as u32, self.h as u32);
            enc.set_color(png::ColorType::Rgb);
            enc.set_depth(png::BitDepth::Eight);
            let mut wr = enc.write_header().expect("png header");
            wr.write_image_data(&self.rgb).expect("png data");
        }
        out
    }
}

fn inside(pts: &[(f64, f64)], x: f64, y: f64) -> bool {
    let mut odd = false;
    let n = pts.len();
    for i in 0..n {
        let (a, b) = (pts[i], pts[(i + n - 1) % n]);
        if (a.1 > y) != (b.1 > y) && x < (b.0 - a.0) * (y - a.1) / (b.1 - a.1) + a.0 {
            odd = !odd;
        }
    }
    odd
}

/// A JPEG with an EXIF APP1 carrying `orientation`, right after SOI.
pub fn with_exif_orientation(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    let mut exif = b"Exif\0\0II*\0\x08\0\0\0\x01\0\x12\x01\x03\0\x01\0\0\0".to_vec();
    exif.extend_from_slice(&orientation.to_le_bytes());
    exif.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&exif);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// One PDF page: an image (JPEG as DCTDecode) drawn over the MediaBox, optional text, /Rotate.
pub struct PdfPage {
    pub jpeg: Vec<u8>,
    pub px: (usize, usize),
    pub media: (f64, f64),
    pub text: Option<String>,
    pub rotate: i64,
}

/// Builds a PDF of `pages` with lopdf.
pub fn pdf(pages: &[PdfPage]) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
    });
    let mut kids = Vec::new();
    for p in pages {
        let img = Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Image",
                "Width" => p.px.0 as i64, "Height" => p.px.1 as i64,
                "ColorSpace" => "DeviceRGB", "BitsPerComponent" => 8, "Filter" => "DCTDecode",
            },
            p.jpeg.clone(),
        );
        let img_id = doc.add_object(img);
        let mut ops = format!("q {} 0 0 {} 0 0 cm /Im0 Do Q\n", p.media.0, p.media.1);
        if let Some(t) = &p.text {
            ops.push_str(&format!(
                "BT /F1 12 Tf 50 {} Td ({t}) Tj ET\n",
                p.media.1 - 60.0
            ));
        }
        let content = doc.add_object(Stream::new(dictionary! {}, ops.into_bytes()));
        let mut resources = dictionary! { "XObject" => dictionary! { "Im0" => img_id } };
        if p.text.is_some() {
            resources.set("Font", dictionary! { "F1" => font });
        }
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content,
            "MediaBox" => vec![0.into(), 0.into(), Object::Real(p.media.0 as f32), Object::Real(p.media.1 as f32)],
            "Resources" => resources, "Rotate" => p.rotate,
        });
        kids.push(Object::Reference(page));
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => kids, "Count" => count,
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("pdf save");
    out
}

/// A 150 dpi A4 page (1240×1754) with a 40 mm red seal at the lower right, as JPEG q80.
pub fn sealed_page_jpeg() -> (Canvas, Vec<u8>) {
    let mut c = Canvas::form_page(1240, 1754, 7);
    c.seal(900.0, 1400.0, 40.0 * PX_MM_150, 0.3, RED);
    let j = c.jpeg(80);
    (c, j)
}

/// A4 portrait in points.
pub const A4: (f64, f64) = (595.28, 841.89);
