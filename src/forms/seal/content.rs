//! Walks a PDF page's content streams (and its form XObjects) with the current transformation
//! matrix, to learn where each image lands on the page and which paths are painted red.

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};
use std::io::Read;

/// An affine matrix [a b c d e f] as PDF writes it: x' = a·x + c·y + e, y' = b·x + d·y + f.
pub type Matrix = [f64; 6];

/// The identity matrix.
pub const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// Deepest nesting of form XObjects followed; real pages nest one or two.
const MAX_DEPTH: usize = 8;

/// `m` applied after `n` (PDF's `m × n` for `cm`).
pub fn mul(m: Matrix, n: Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

/// A point through `m`.
pub fn apply(m: Matrix, x: f64, y: f64) -> (f64, f64) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

/// A red path painted on the page, in page points.
#[derive(Debug, Clone, Copy)]
pub struct RedPath {
    /// Bounding box [x0, y0, x1, y1] in page space.
    pub bbox: [f64; 4],
    /// The path has Bézier curves: rings and lettering arcs do, table borders do not.
    pub curved: bool,
}

/// What the content of one page draws that matters for seals.
#[derive(Debug, Default)]
pub struct Drawn {
    /// Image XObjects in painting order with the matrix mapping their unit square onto the page.
    pub images: Vec<(ObjectId, Matrix)>,
    /// Paths filled or stroked in red (vector seals of electronic signatures).
    pub red: Vec<RedPath>,
}

/// A stream's bytes through its ASCII and Flate filters, with a size cap; None for other filters.
pub fn stream_bytes(s: &lopdf::Stream, limit: usize) -> Option<Vec<u8>> {
    let (bytes, rest) = unwrap_filters(&s.content, &filters(&s.dict), limit)?;
    rest.is_empty().then_some(bytes)
}

/// Applies the leading ASCII85, ASCIIHex and Flate filters; returns the bytes and the filters left
/// (an image's DCTDecode, say). None when a filter fails or output would pass `limit`.
pub fn unwrap_filters(
    data: &[u8],
    filters: &[Vec<u8>],
    limit: usize,
) -> Option<(Vec<u8>, Vec<Vec<u8>>)> {
    let mut bytes = data.to_vec();
    for (i, f) in filters.iter().enumerate() {
        bytes = match f.as_slice() {
            b"FlateDecode" | b"Fl" => inflate(&bytes, limit)?,
            b"ASCII85Decode" | b"A85" => ascii85(&bytes),
            b"ASCIIHexDecode" | b"AHx" => ascii_hex(&bytes),
            _ => return Some((bytes, filters.get(i..).unwrap_or(&[]).to_vec())),
        };
    }
    Some((bytes, Vec::new()))
}

/// ASCII85 (`~>` ends it; `z` is four zero bytes); bad characters are skipped.
fn ascii85(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() * 4 / 5);
    let mut group = [0u8; 5];
    let mut n = 0;
    for &c in data {
        match c {
            b'~' => break,
            b'z' if n == 0 => out.extend_from_slice(&[0; 4]),
            b'!'..=b'u' => {
                if let Some(g) = group.get_mut(n) {
                    *g = c - b'!';
                }
                n += 1;
                if n == 5 {
                    let v = group.iter().fold(0u64, |a, &d| a * 85 + u64::from(d));
                    out.extend_from_slice(&(v as u32).to_be_bytes());
                    n = 0;
                }
            }
            _ => {}
        }
    }
    if n > 1 {
        for g in group.iter_mut().skip(n) {
            *g = 84;
        }
        let v = group.iter().fold(0u64, |a, &d| a * 85 + u64::from(d));
        let bytes = (v as u32).to_be_bytes();
        out.extend_from_slice(bytes.get(..n - 1).unwrap_or(&[]));
    }
    out
}

fn ascii_hex(data: &[u8]) -> Vec<u8> {
    let digits: Vec<u8> = data
        .iter()
        .take_while(|&&c| c != b'>')
        .filter_map(|&c| (c as char).to_digit(16).map(|d| d as u8))
        .collect();
    digits
        .chunks(2)
        .map(|p| (p.first().copied().unwrap_or(0) << 4) | p.get(1).copied().unwrap_or(0))
        .collect()
}

/// The names of a stream's /Filter entry, in order.
pub fn filters(dict: &Dictionary) -> Vec<Vec<u8>> {
    match dict.get(b"Filter") {
        Ok(Object::Name(n)) => vec![n.clone()],
        Ok(Object::Array(a)) => a
            .iter()
            .filter_map(|o| o.as_name().ok().map(<[u8]>::to_vec))
            .collect(),
        _ => Vec::new(),
    }
}

/// Zlib inflate keeping what decodes before an error (scanners write truncated streams); None
/// when the output would pass `limit`.
pub fn inflate(data: &[u8], limit: usize) -> Option<Vec<u8>> {
    let mut dec = flate2::read::ZlibDecoder::new(data).take(limit as u64 + 1);
    let mut out = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        match dec.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => out.extend_from_slice(buf.get(..n).unwrap_or(&[])),
        }
    }
    (out.len() <= limit).then_some(out)
}

fn num(o: &Object) -> Option<f64> {
    match o {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(f64::from(*r)),
        _ => None,
    }
}

fn nums(ops: &[Object]) -> Vec<f64> {
    ops.iter().filter_map(num).collect()
}

/// Whether colour operands (gray, RGB or CMYK by count) are a seal red.
fn red_colour(v: &[f64]) -> bool {
    match v {
        [r, g, b] => *r > 0.55 && r - g.max(*b) > 0.3,
        [c, m, y, k] => *c < 0.3 && *m > 0.5 && *y > 0.4 && *k < 0.4,
        _ => false,
    }
}

/// Walks the page content and everything it draws through form XObjects.
pub struct Walker<'a> {
    /// The loaded document, to resolve references.
    pub doc: &'a Document,
    /// Cap on inflated content bytes.
    pub limit: usize,
    /// Cap on images recorded for one page.
    pub max_images: usize,
    /// What was found so far.
    pub drawn: Drawn,
    /// Content operations decoded so far; caps the work a hostile page can cause.
    pub budget: usize,
}

impl Walker<'_> {
    /// Walks one content stream with its resources under `ctm`.
    pub fn walk(
        &mut self,
        bytes: &[u8],
        resources: Option<&Dictionary>,
        ctm: Matrix,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        let ops = std::panic::catch_unwind(|| Content::decode(bytes))
            .ok()
            .and_then(Result::ok)
            .map(|c| c.operations)
            .unwrap_or_default();
        let mut ctm = ctm;
        let (mut fill, mut stroke) = (false, false);
        let mut stack = Vec::new();
        let mut path: Option<[f64; 4]> = None;
        let mut curved = false;
        for op in ops {
            if self.budget == 0 {
                return;
            }
            self.budget -= 1;
            let v = nums(&op.operands);
            let add = |path: &mut Option<[f64; 4]>, pts: &[f64]| {
                for p in pts.chunks_exact(2) {
                    let (x, y) = apply(ctm, p[0], p[1]);
                    let b = path.get_or_insert([x, y, x, y]);
                    *b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
                }
            };
            match op.operator.as_str() {
                "q" if stack.len() < 64 => stack.push((ctm, fill, stroke)),
                "Q" => {
                    if let Some(s) = stack.pop() {
                        (ctm, fill, stroke) = s;
                    }
                }
                "cm" => {
                    if let [a, b, c, d, e, f] = v.as_slice() {
                        ctm = mul([*a, *b, *c, *d, *e, *f], ctm);
                    }
                }
                "rg" | "k" | "sc" | "scn" | "g" => fill = red_colour(&v),
                "RG" | "K" | "SC" | "SCN" | "G" => stroke = red_colour(&v),
                "m" | "l" => add(&mut path, &v),
                "c" | "v" | "y" => {
                    curved = true;
                    add(&mut path, &v);
                }
                "re" => {
                    if let [x, y, w, h] = v.as_slice() {
                        add(&mut path, &[*x, *y, x + w, y + h]);
                    }
                }
                "f" | "F" | "f*" | "S" | "s" | "B" | "B*" | "b" | "b*" | "n" => {
                    let op = op.operator.as_str();
                    let red = match op {
                        "f" | "F" | "f*" => fill,
                        "S" | "s" => stroke,
                        "n" => false,
                        _ => fill || stroke,
                    };
                    if let (true, Some(bbox)) = (red, path) {
                        self.drawn.red.push(RedPath { bbox, curved });
                    }
                    path = None;
                    curved = false;
                }
                "Do" => {
                    if let Some(name) = op.operands.first().and_then(|o| o.as_name().ok()) {
                        self.draw_xobject(name, resources, ctm, depth);
                    }
                }
                _ => {}
            }
        }
    }

    fn draw_xobject(
        &mut self,
        name: &[u8],
        resources: Option<&Dictionary>,
        ctm: Matrix,
        depth: usize,
    ) {
        let doc = self.doc;
        let Some(Object::Reference(id)) = resources
            .and_then(|r| r.get(b"XObject").ok())
            .and_then(|x| doc.dereference(x).ok())
            .and_then(|(_, x)| x.as_dict().ok())
            .and_then(|x| x.get(name).ok())
            .cloned()
        else {
            return;
        };
        let Ok(Object::Stream(s)) = doc.get_object(id) else {
            return;
        };
        match s.dict.get(b"Subtype").and_then(Object::as_name) {
            Ok(b"Image") if self.drawn.images.len() < self.max_images => {
                self.drawn.images.push((id, ctm));
            }
            Ok(b"Form") => {
                let m = s
                    .dict
                    .get(b"Matrix")
                    .and_then(Object::as_array)
                    .map(|a| nums(a))
                    .ok()
                    .and_then(|v| <[f64; 6]>::try_from(v).ok())
                    .unwrap_or(IDENTITY);
                let own = s
                    .dict
                    .get(b"Resources")
                    .ok()
                    .and_then(|r| doc.dereference(r).ok())
                    .and_then(|(_, r)| r.as_dict().ok());
                if let Some(bytes) = stream_bytes(s, self.limit) {
                    self.walk(&bytes, own.or(resources), mul(m, ctm), depth + 1);
                }
            }
            _ => {}
        }
    }
}
