//! PDF pages: every image each page draws (through form XObjects too) is looked at where it lands
//! on the page; red vector paths count as electronic-seal evidence; the text layer is kept.

use super::content::{Drawn, IDENTITY, Matrix, Walker, apply, stream_bytes};
use super::detect::{self, THRESHOLD};
use super::image::{Look, look};
use super::raster::Raster;
use super::{DETECT_SHORT_SIDE, PageAnalysis, ScanAnalysis, ScanLimits, SealBox};
use crate::forms::ReadError;
use lopdf::{Dictionary, Document, Object, ObjectId};

/// Most text kept from a PDF text layer.
const MAX_TEXT: usize = 64 * 1024;
/// Content operations decoded per page at most.
const OP_BUDGET: usize = 200_000;
/// Points per millimetre.
const PT_PER_MM: f64 = 72.0 / 25.4;

/// One page's geometry and what its content draws.
struct Page {
    /// MediaBox [x0, y0, x1, y1] in points.
    media: [f64; 4],
    /// /Rotate in quarter turns clockwise (0–3).
    quarter: u8,
    /// Images and red paths.
    drawn: Drawn,
    /// The page has fonts: worth asking for its text.
    fonts: bool,
}

fn load(data: &[u8]) -> Result<Document, ReadError> {
    // lopdf is not written for hostile input; a panic inside it must not take the daemon down.
    match std::panic::catch_unwind(|| Document::load_mem(data)) {
        // lopdf decrypts on loading when the empty user password opens the file (scanner apps
        // set only an owner password); otherwise it loads nothing but the page skeleton.
        Ok(Ok(doc)) if needs_password(&doc) => Err(ReadError::Encrypted),
        Ok(Ok(doc)) => Ok(doc),
        Ok(Err(lopdf::Error::Decryption(_))) => Err(ReadError::Encrypted),
        Ok(Err(e)) => Err(ReadError::Corrupt(format!("PDF: {e}"))),
        Err(_) => Err(ReadError::Corrupt("PDF 结构无法解析".into())),
    }
}

/// An encrypted PDF the empty user password did not open.
pub(crate) fn needs_password(doc: &Document) -> bool {
    doc.trailer.has(b"Encrypt") && doc.encryption_state.is_none()
}

fn pages(doc: &Document, limits: &ScanLimits) -> Vec<(u32, Page)> {
    let mut out = Vec::new();
    for (number, id) in doc.get_pages().into_iter().take(limits.max_pages) {
        let Ok(dict) = doc.get_dictionary(id) else {
            continue;
        };
        out.push((number, page(doc, dict, id, limits)));
    }
    out
}

fn page(doc: &Document, dict: &Dictionary, _id: ObjectId, limits: &ScanLimits) -> Page {
    let media = inherited(doc, dict, b"MediaBox")
        .and_then(|o| o.as_array().ok())
        .and_then(|a| {
            let v: Vec<f64> = a
                .iter()
                .filter_map(|o| doc.dereference(o).ok().and_then(|(_, o)| o.as_float().ok()))
                .map(f64::from)
                .collect();
            <[f64; 4]>::try_from(v).ok()
        })
        .map(|[a, b, c, d]| [a.min(c), b.min(d), a.max(c), b.max(d)])
        .filter(|m| m[2] - m[0] > 1.0 && m[3] - m[1] > 1.0)
        .unwrap_or([0.0, 0.0, 595.0, 842.0]);
    let rotate = inherited(doc, dict, b"Rotate")
        .and_then(|o| o.as_i64().ok())
        .unwrap_or(0);
    let resources = inherited(doc, dict, b"Resources").and_then(|r| r.as_dict().ok());
    let fonts = resources
        .and_then(|r| r.get(b"Font").ok())
        .and_then(|f| doc.dereference(f).ok())
        .and_then(|(_, f)| f.as_dict().ok())
        .is_some_and(|f| !f.is_empty());
    let mut walker = Walker {
        doc,
        limit: limits.max_flate_bytes,
        max_images: limits.max_images_per_page,
        drawn: Drawn::default(),
        budget: OP_BUDGET,
    };
    walker.walk(&contents(doc, dict, limits), resources, IDENTITY, 0);
    Page {
        media,
        quarter: (rotate.rem_euclid(360) / 90) as u8,
        drawn: walker.drawn,
        fonts,
    }
}

/// The page's content streams, inflated and joined.
fn contents(doc: &Document, dict: &Dictionary, limits: &ScanLimits) -> Vec<u8> {
    let refs: Vec<&Object> = match dict.get(b"Contents") {
        Ok(Object::Array(a)) => a.iter().collect(),
        Ok(o) => vec![o],
        Err(_) => Vec::new(),
    };
    let mut out = Vec::new();
    for r in refs {
        let Some(s) = doc
            .dereference(r)
            .ok()
            .and_then(|(_, o)| o.as_stream().ok())
        else {
            continue;
        };
        let left = limits.max_flate_bytes.saturating_sub(out.len());
        if let Some(b) = stream_bytes(s, left) {
            out.extend_from_slice(&b);
            out.push(b'\n');
        }
    }
    out
}

/// A page attribute, looked up the page tree as PDF inheritance allows.
fn inherited<'a>(doc: &'a Document, page: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    let mut node = page;
    for _ in 0..32 {
        if let Ok(v) = node.get(key) {
            return doc.dereference(v).ok().map(|(_, o)| o);
        }
        node = doc
            .dereference(node.get(b"Parent").ok()?)
            .ok()?
            .1
            .as_dict()
            .ok()?;
    }
    None
}

impl Page {
    fn size(&self) -> (f64, f64) {
        let (w, h) = (self.media[2] - self.media[0], self.media[3] - self.media[1]);
        if self.quarter % 2 == 1 {
            (h, w)
        } else {
            (w, h)
        }
    }

    /// A point in page space to fractions of the displayed (rotated) page, origin top left.
    fn to_display(&self, x: f64, y: f64) -> (f64, f64) {
        let m = self.media;
        let fx = (x - m[0]) / (m[2] - m[0]);
        let fy = (m[3] - y) / (m[3] - m[1]);
        match self.quarter {
            1 => (1.0 - fy, fx),
            2 => (1.0 - fx, 1.0 - fy),
            3 => (fy, 1.0 - fx),
            _ => (fx, fy),
        }
    }

    /// The bounding box in display fractions of page-space points.
    fn display_box(&self, pts: &[(f64, f64)], confidence: f64, vector: bool) -> SealBox {
        let d: Vec<(f64, f64)> = pts.iter().map(|&(x, y)| self.to_display(x, y)).collect();
        let x0 = d
            .iter()
            .map(|p| p.0)
            .fold(f64::MAX, f64::min)
            .clamp(0.0, 1.0);
        let y0 = d
            .iter()
            .map(|p| p.1)
            .fold(f64::MAX, f64::min)
            .clamp(0.0, 1.0);
        let x1 = d
            .iter()
            .map(|p| p.0)
            .fold(f64::MIN, f64::max)
            .clamp(0.0, 1.0);
        let y1 = d
            .iter()
            .map(|p| p.1)
            .fold(f64::MIN, f64::max)
            .clamp(0.0, 1.0);
        SealBox {
            x: x0,
            y: y0,
            w: x1 - x0,
            h: y1 - y0,
            confidence,
            vector,
        }
    }
}

/// Pixel (px, py) of a `w`×`h` image drawn with `ctm` to page space.
fn image_point(ctm: Matrix, w: usize, h: usize, px: usize, py: usize) -> (f64, f64) {
    let u = px as f64 / w.max(1) as f64;
    let v = 1.0 - py as f64 / h.max(1) as f64;
    apply(ctm, u, v)
}

/// Analyses every page of a PDF.
pub fn analyse(data: &[u8], limits: &ScanLimits) -> Result<ScanAnalysis, ReadError> {
    let doc = load(data)?;
    let mut out = ScanAnalysis::default();
    let mut text_pages = Vec::new();
    for (number, p) in pages(&doc, limits) {
        let (width, height) = p.size();
        let mut seals = Vec::new();
        let (mut pictured, mut any_colour) = (false, false);
        for &(id, ctm) in &p.drawn.images {
            let Ok(s) = doc.get_object(id).and_then(Object::as_stream) else {
                continue;
            };
            let img = match look(&doc, s, limits, DETECT_SHORT_SIDE) {
                Look::Pixels(r) if r.width > 0 && r.height > 0 => r,
                Look::Gray => {
                    pictured = true;
                    continue;
                }
                _ => continue,
            };
            pictured = true;
            let shown_mm = (ctm[0].hypot(ctm[1]) / PT_PER_MM).max(1.0);
            let found = detect::detect(&img, img.width as f64 / shown_mm);
            any_colour |= !found.grayscale;
            for f in found.seals {
                let corners = [(f.x0, f.y0), (f.x1, f.y0), (f.x0, f.y1), (f.x1, f.y1)]
                    .map(|(x, y)| image_point(ctm, img.width, img.height, x, y));
                seals.push(p.display_box(&corners, f.confidence, false));
            }
        }
        for (bbox, confidence) in vector_seals(&p.drawn) {
            pictured = true;
            any_colour = true;
            let corners = [(bbox[0], bbox[1]), (bbox[2], bbox[3])];
            seals.push(p.display_box(&corners, confidence, true));
        }
        seals.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
        if p.fonts {
            text_pages.push(number);
        }
        out.pages.push(PageAnalysis {
            width,
            height,
            landscape: width > height,
            seal: seals.first().copied(),
            seal_count: seals.len(),
            grayscale: pictured && !any_colour,
            pictured,
        });
    }
    if out.pages.is_empty() {
        return Err(ReadError::Corrupt("PDF 没有页面".into()));
    }
    out.text = text(&doc, &text_pages);
    Ok(out)
}

fn text(doc: &Document, pages: &[u32]) -> String {
    if pages.is_empty() {
        return String::new();
    }
    let t = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| doc.extract_text(pages)))
        .ok()
        .and_then(Result::ok)
        .unwrap_or_default();
    let cut = (0..=MAX_TEXT.min(t.len()))
        .rev()
        .find(|&i| t.is_char_boundary(i))
        .unwrap_or(0);
    crate::forms::grid::clean_text(t.get(..cut).unwrap_or(""))
}

/// Clusters of red paths that look like a seal: round, 22–65 mm, drawn with curves.
fn vector_seals(d: &Drawn) -> Vec<([f64; 4], f64)> {
    let pad = 3.0 * PT_PER_MM;
    let mut clusters: Vec<([f64; 4], bool, usize)> = Vec::new();
    for r in d.red.iter().take(10_000) {
        let mut b = (r.bbox, r.curved, 1usize);
        // Merge every cluster this path touches (paths of one seal overlap or nearly so).
        let mut i = 0;
        while i < clusters.len() {
            let c = clusters.get(i).copied().unwrap_or(b);
            let touch = c.0[0] - pad <= b.0[2]
                && b.0[0] - pad <= c.0[2]
                && c.0[1] - pad <= b.0[3]
                && b.0[1] - pad <= c.0[3];
            if touch {
                b = (
                    [
                        c.0[0].min(b.0[0]),
                        c.0[1].min(b.0[1]),
                        c.0[2].max(b.0[2]),
                        c.0[3].max(b.0[3]),
                    ],
                    b.1 || c.1,
                    b.2 + c.2,
                );
                clusters.swap_remove(i);
            } else {
                i += 1;
            }
        }
        clusters.push(b);
    }
    clusters
        .into_iter()
        .filter_map(|(bbox, curved, n)| {
            let (w, h) = (
                (bbox[2] - bbox[0]) / PT_PER_MM,
                (bbox[3] - bbox[1]) / PT_PER_MM,
            );
            let aspect = w.min(h) / w.max(h).max(1e-6);
            let d = (w + h) / 2.0;
            let shape = aspect >= 0.8 && (22.0..=65.0).contains(&d);
            let confidence = match (shape, curved, n) {
                (true, true, n) if n >= 3 => 0.85,
                (true, true, _) => 0.6,
                _ => 0.2,
            };
            (confidence >= THRESHOLD).then_some((bbox, confidence))
        })
        .collect()
}

/// The page drawn as it shows (images only), short side about `short` pixels.
pub fn render_page(
    data: &[u8],
    index: usize,
    limits: &ScanLimits,
    short: usize,
) -> Result<Raster, ReadError> {
    let doc = load(data)?;
    let (_, p) = pages(&doc, limits)
        .into_iter()
        .nth(index)
        .ok_or_else(|| ReadError::Corrupt(format!("没有第 {} 页", index + 1)))?;
    let m = p.media;
    let (mw, mh) = (m[2] - m[0], m[3] - m[1]);
    let s = short as f64 / mw.min(mh);
    let (cw, ch) = (
        (mw * s).round().max(1.0) as usize,
        (mh * s).round().max(1.0) as usize,
    );
    // A freak MediaBox (1 × 100000 pt) must not become a huge canvas.
    if (cw as u64) * (ch as u64) > 16_000_000 {
        return Err(ReadError::TooLarge(format!("页面 {cw}×{ch} 像素")));
    }
    let mut rgb = vec![255u8; cw * ch * 3];
    for &(id, ctm) in &p.drawn.images {
        let Ok(st) = doc.get_object(id).and_then(Object::as_stream) else {
            continue;
        };
        let Look::Pixels(img) = look(&doc, st, limits, short) else {
            continue;
        };
        let det = ctm[0] * ctm[3] - ctm[1] * ctm[2];
        if det.abs() < 1e-9 || img.width == 0 || img.height == 0 {
            continue;
        }
        for cy in 0..ch {
            for cx in 0..cw {
                let x = m[0] + (cx as f64 + 0.5) / s - ctm[4];
                let y = m[3] - (cy as f64 + 0.5) / s - ctm[5];
                let u = (ctm[3] * x - ctm[2] * y) / det;
                let v = (-ctm[1] * x + ctm[0] * y) / det;
                if !(0.0..1.0).contains(&u) || !(0.0..1.0).contains(&v) {
                    continue;
                }
                let px = (u * img.width as f64) as usize;
                let py = ((1.0 - v) * img.height as f64) as usize;
                let o = (cy * cw + cx) * 3;
                if let Some(dst) = rgb.get_mut(o..o + 3) {
                    dst.copy_from_slice(&img.pixel(px.min(img.width - 1), py.min(img.height - 1)));
                }
            }
        }
    }
    let canvas = Raster {
        width: cw,
        height: ch,
        rgb,
        gray_source: false,
        source_width: cw,
        source_height: ch,
    };
    Ok(canvas.oriented(match p.quarter {
        1 => 6,
        2 => 3,
        3 => 8,
        _ => 1,
    }))
}
