//! Finds red round seals on a reduced image: red pixels (tolerant of scanner and JPEG colour
//! shifts), connected red masses, then shape tests (round, seal-sized, a ring at the rim).

use super::SealBox;
use super::raster::Raster;

/// Confidence from which a red mass counts as a seal.
pub const THRESHOLD: f64 = 0.5;

/// Angular bins around the rim; a ring hits nearly all, a square or a stroke far fewer.
const RIM_BINS: usize = 32;

/// A seal candidate in pixels of the raster it was found on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Found {
    /// Left column, inclusive.
    pub x0: usize,
    /// Top row, inclusive.
    pub y0: usize,
    /// Right column, exclusive.
    pub x1: usize,
    /// Bottom row, exclusive.
    pub y1: usize,
    /// Detector confidence 0..1.
    pub confidence: f64,
}

impl Found {
    /// The box in fractions of a `w`×`h` image.
    pub fn to_fractions(self, w: usize, h: usize) -> SealBox {
        let (w, h) = (w.max(1) as f64, h.max(1) as f64);
        SealBox {
            x: self.x0 as f64 / w,
            y: self.y0 as f64 / h,
            w: (self.x1 - self.x0) as f64 / w,
            h: (self.y1 - self.y0) as f64 / h,
            confidence: self.confidence,
            vector: false,
        }
    }
}

/// What the detector saw on one image.
#[derive(Debug, Clone, Default)]
pub struct Detection {
    /// Seals at or above [`THRESHOLD`], most confident first.
    pub seals: Vec<Found>,
    /// No colour anywhere: grayscale source or every pixel nearly neutral.
    pub grayscale: bool,
}

/// Whether a pixel is "seal red": red dominant, saturated enough, hue between pink and orange.
/// Scanners push red towards orange or pink and JPEG smears chroma over white paper, so the
/// window is wide; yellow, brown-grey paper and blue ink fall outside it.
pub fn is_red(p: [u8; 3]) -> bool {
    let [r, g, b] = p.map(i32::from);
    let hi = g.max(b);
    let lo = g.min(b);
    let chroma = r - lo;
    let hue_ok = 60 * (g - b) <= 42 * chroma && 60 * (g - b) >= -40 * chroma;
    // Red ink over black toner scans dark but still clearly red-dominant.
    let dark_red = r - hi >= 12 && r >= 2 * hi + 8;
    hue_ok && ((r - hi >= 22 && chroma * 100 >= r * 14) || dark_red)
}

/// Looks for seals on `img`, whose scale is `px_per_mm` pixels per millimetre of paper.
pub fn detect(img: &Raster, px_per_mm: f64) -> Detection {
    let (w, h) = (img.width, img.height);
    let mut red = vec![false; w * h];
    let mut coloured = 0usize;
    for (i, p) in img.rgb.chunks_exact(3).enumerate() {
        let px = [p[0], p[1], p[2]];
        let mx = px.iter().max().copied().unwrap_or(0);
        let mn = px.iter().min().copied().unwrap_or(0);
        if mx - mn > 40 {
            coloured += 1;
        }
        if let Some(slot) = red.get_mut(i) {
            *slot = is_red(px);
        }
    }
    // Any colour at all counts: a thin red signature reduces to a handful of pixels.
    let grayscale = img.gray_source || coloured < (w * h / 20_000).max(3);
    if img.gray_source {
        return Detection {
            seals: Vec::new(),
            grayscale,
        };
    }
    let mut found = components(&red, w, h);
    found.extend(merged(&found));
    // A ring partly hidden under black print shows as a cut-off box: also try the whole circle
    // on either side of the cut.
    let mut boxes: Vec<VBox> = found.iter().map(|&b| widen(b)).collect();
    boxes.extend(found.iter().flat_map(|&b| completed(b, w, h)));
    let mut candidates: Vec<Found> = boxes
        .into_iter()
        .filter_map(|b| score(&red, w, h, b, px_per_mm))
        .filter(|f| f.confidence >= THRESHOLD)
        .collect();
    candidates.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
    // A seal seen whole and as fragments is one seal: keep the best of overlapping boxes.
    let mut seals: Vec<Found> = Vec::new();
    for c in candidates {
        if !seals.iter().any(|s| overlap(s, &c)) {
            seals.push(c);
        }
    }
    Detection { seals, grayscale }
}

/// Bounding boxes (x0, y0, x1, y1) of red masses; marks one pixel apart join, so a ring broken by
/// black text or faded ink stays one mass with its star and lettering.
fn components(red: &[bool], w: usize, h: usize) -> Vec<Bbox> {
    let at = |x: usize, y: usize| red.get(y * w + x).copied().unwrap_or(false);
    let mut seen = vec![false; w * h];
    let mut out = Vec::new();
    let mut stack = Vec::new();
    for start in 0..w * h {
        if !red.get(start).copied().unwrap_or(false) || seen.get(start).copied().unwrap_or(true) {
            continue;
        }
        if let Some(s) = seen.get_mut(start) {
            *s = true;
        }
        stack.push(start);
        let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
        while let Some(i) = stack.pop() {
            let (x, y) = (i % w, i / w);
            x0 = x0.min(x);
            y0 = y0.min(y);
            x1 = x1.max(x + 1);
            y1 = y1.max(y + 1);
            for ny in y.saturating_sub(2)..(y + 3).min(h) {
                for nx in x.saturating_sub(2)..(x + 3).min(w) {
                    let j = ny * w + nx;
                    if at(nx, ny) && !seen.get(j).copied().unwrap_or(true) {
                        if let Some(s) = seen.get_mut(j) {
                            *s = true;
                        }
                        stack.push(j);
                    }
                }
            }
        }
        out.push((x0, y0, x1, y1));
    }
    out
}

type Bbox = (usize, usize, usize, usize);

/// A box in signed pixels: a seal half off the page edge is completed beyond the image.
type VBox = (i64, i64, i64, i64);

fn widen(b: Bbox) -> VBox {
    let v = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    (v(b.0), v(b.1), v(b.2), v(b.3))
}

/// The two squares a cut-off round box (aspect 0.45–0.8) may belong to: a ring partly hidden
/// under black print, or stamped half off the page edge (then the square reaches past the edge).
fn completed(b: Bbox, w: usize, h: usize) -> Vec<VBox> {
    let (x0, y0, x1, y1) = widen(b);
    let (w, h, _, _) = widen((w, h, 0, 0));
    let (bw, bh) = (x1 - x0, y1 - y0);
    let (short, long) = (bw.min(bh), bw.max(bh));
    if short * 100 < long * 45 || short * 10 >= long * 8 {
        return Vec::new();
    }
    let grow = long - short;
    // Past an edge only from a mass that touches it.
    let past = |touches: bool, v: i64, lo: i64, hi: i64| if touches { v } else { v.clamp(lo, hi) };
    let left = past(x0 == 0, x0 - grow, 0, w);
    let top = past(y0 == 0, y0 - grow, 0, h);
    let right = past(x1 >= w, x1 + grow, 0, w);
    let bottom = past(y1 >= h, y1 + grow, 0, h);
    let out = if bw < bh {
        vec![(left, y0, x1, y1), (x0, y0, right, y1)]
    } else {
        vec![(x0, top, x1, y1), (x0, y0, x1, bottom)]
    };
    out.into_iter()
        .filter(|&(a, b, c, d)| c > a && d > b)
        .collect()
}

/// Red masses whose boxes touch, joined: black text over a ring can cut it into arcs.
fn merged(parts: &[Bbox]) -> Vec<Bbox> {
    let mut out: Vec<(Bbox, usize)> = Vec::new();
    for &p in parts
        .iter()
        .filter(|p| p.2 - p.0 >= 2 || p.3 - p.1 >= 2)
        .take(2000)
    {
        let mut b = (p, 1usize);
        let mut i = 0;
        while i < out.len() {
            let Some(&(c, n)) = out.get(i) else { break };
            if c.0 <= b.0.2 + 1 && b.0.0 <= c.2 + 1 && c.1 <= b.0.3 + 1 && b.0.1 <= c.3 + 1 {
                b = (
                    (
                        c.0.min(b.0.0),
                        c.1.min(b.0.1),
                        c.2.max(b.0.2),
                        c.3.max(b.0.3),
                    ),
                    n + b.1,
                );
                out.swap_remove(i);
                i = 0;
            } else {
                i += 1;
            }
        }
        out.push(b);
    }
    out.into_iter()
        .filter(|&(_, n)| n > 1)
        .map(|(b, _)| b)
        .collect()
}

/// Whether two boxes share more than a third of the smaller one.
fn overlap(a: &Found, b: &Found) -> bool {
    let iw = a.x1.min(b.x1).saturating_sub(a.x0.max(b.x0));
    let ih = a.y1.min(b.y1).saturating_sub(a.y0.max(b.y0));
    let area = |f: &Found| (f.x1 - f.x0) * (f.y1 - f.y0);
    iw * ih * 3 > area(a).min(area(b))
}

/// Ramp from 0 at `lo` to 1 at `hi` (or down when `lo > hi`).
fn ramp(v: f64, lo: f64, hi: f64) -> f64 {
    ((v - lo) / (hi - lo)).clamp(0.0, 1.0)
}

/// Scores one red mass as a seal: round, seal-sized, ink at the rim all the way round, a fill
/// typical of ring + star + lettering. A title line is flat, a signature sparse and elongated,
/// table borders too large or square (their rim is hit only where the sides touch it). Of a box
/// reaching past the page edge only the part on the page is judged, and most of it must be there.
fn score(red: &[bool], w: usize, h: usize, b: VBox, px_per_mm: f64) -> Option<Found> {
    let (x0, y0, x1, y1) = b;
    let (bw, bh) = ((x1 - x0) as f64, (y1 - y0) as f64);
    if bw < 6.0 || bh < 6.0 {
        return None;
    }
    let clip = |v: i64, max: usize| usize::try_from(v.max(0)).unwrap_or(0).min(max);
    let (cx0, cy0, cx1, cy1) = (clip(x0, w), clip(y0, h), clip(x1, w), clip(y1, h));
    if cx1 <= cx0 || cy1 <= cy0 {
        return None;
    }
    let aspect = bw.min(bh) / bw.max(bh);
    let diameter_mm = (bw + bh) / 2.0 / px_per_mm.max(1e-6);
    let s_aspect = ramp(aspect, 0.55, 0.8);
    let s_size = ramp(diameter_mm, 14.0, 22.0).min(ramp(diameter_mm, 85.0, 65.0));
    let (cx, cy) = ((x0 + x1) as f64 / 2.0, (y0 + y1) as f64 / 2.0);
    let (rx, ry) = (bw / 2.0, bh / 2.0);
    let mut bins = [false; RIM_BINS];
    let (mut count, mut band, mut corner) = (0usize, 0usize, 0usize);
    for y in cy0..cy1 {
        for x in cx0..cx1 {
            let is_red = red.get(y * w + x).copied().unwrap_or(false);
            count += usize::from(is_red);
            if !is_red {
                continue;
            }
            let (dx, dy) = ((x as f64 + 0.5 - cx) / rx, (y as f64 + 0.5 - cy) / ry);
            let rho = (dx * dx + dy * dy).sqrt();
            corner += usize::from(rho > 1.2);
            if !(0.7..=1.1).contains(&rho) {
                continue;
            }
            band += 1;
            let a = dy.atan2(dx) + std::f64::consts::PI;
            let bin = (((a / std::f64::consts::TAU) * RIM_BINS as f64) as usize).min(RIM_BINS - 1);
            if let Some(slot) = bins.get_mut(bin) {
                *slot = true;
            }
        }
    }
    // Rim bins whose middle lies on the page; the others cannot be seen.
    let on_page: Vec<bool> = (0..RIM_BINS)
        .map(|k| {
            let a =
                (k as f64 + 0.5) / RIM_BINS as f64 * std::f64::consts::TAU - std::f64::consts::PI;
            let (px, py) = (cx + rx * 0.9 * a.cos(), cy + ry * 0.9 * a.sin());
            px >= 0.0 && py >= 0.0 && px < w as f64 && py < h as f64
        })
        .collect();
    let visible = on_page.iter().filter(|&&v| v).count();
    if visible * 100 < RIM_BINS * 45 {
        return None;
    }
    let area = ((cx1 - cx0) * (cy1 - cy0)) as f64;
    let fill = count as f64 / area;
    let s_fill = ramp(fill, 0.05, 0.12).min(ramp(fill, 0.9, 0.7));
    let hits = bins.iter().zip(&on_page).filter(|&(&b, &v)| b && v).count();
    let coverage = hits as f64 / visible as f64;
    let s_ring = ramp(coverage, 0.55, 0.85);
    // A round seal leaves the corners of its box empty; a square frame runs through them.
    let s_round = ramp(corner as f64 / band.max(1) as f64, 0.5, 0.25);
    let confidence = s_aspect.min(s_size).min(s_fill).min(s_round) * (0.3 + 0.7 * s_ring);
    Some(Found {
        x0: cx0,
        y0: cy0,
        x1: cx1,
        y1: cy1,
        confidence,
    })
}
