//! A JPEG reader for the 1/8 scale the detector wants: each 8×8 block's average is its DC
//! coefficient, so baseline Huffman JPEGs are entropy-decoded (AC codes skipped, never
//! transformed) straight into one pixel per block. Anything else (progressive, arithmetic, 12 bit,
//! CMYK) returns None and goes to the general decoder.

/// A canonical Huffman table with a 9-bit lookup for the common short codes.
struct Huffman {
    /// (symbol, code length) for every 9-bit prefix whose code is that short; length 0 = slow.
    fast: Vec<(u8, u8)>,
    /// Largest code of each length 1–16 (exclusive bound as i32), for the slow path.
    maxcode: [i32; 18],
    /// Offset from code to symbol index per length.
    valptr: [i32; 17],
    /// Symbols in code order.
    values: Vec<u8>,
}

const FAST_BITS: u32 = 9;

impl Huffman {
    fn new(counts: &[u8; 16], values: Vec<u8>) -> Option<Huffman> {
        let mut fast = vec![(0u8, 0u8); 1 << FAST_BITS];
        let mut maxcode = [-1i32; 18];
        let mut valptr = [0i32; 17];
        let (mut code, mut k) = (0i32, 0usize);
        for len in 1..=16usize {
            let n = usize::from(*counts.get(len - 1)?);
            *valptr.get_mut(len)? = k as i32 - code;
            for _ in 0..n {
                if len <= FAST_BITS as usize {
                    let shift = FAST_BITS as usize - len;
                    let base = usize::try_from(code).ok()? << shift;
                    for slot in fast.get_mut(base..base + (1 << shift))? {
                        *slot = (*values.get(k)?, len as u8);
                    }
                }
                code += 1;
                k += 1;
            }
            *maxcode.get_mut(len)? = code;
            code <<= 1;
        }
        Some(Huffman {
            fast,
            maxcode,
            valptr,
            values,
        })
    }
}

/// Reads entropy-coded bits, dropping stuffed zero bytes and stopping at markers.
struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
    acc: u64,
    n: u32,
}

impl Bits<'_> {
    fn fill(&mut self) {
        while self.n <= 56 {
            let b = match self.data.get(self.pos) {
                Some(0xFF) if self.data.get(self.pos + 1) == Some(&0) => {
                    self.pos += 2;
                    0xFF
                }
                // A marker (or the end): feed zeros, the caller's counts stop it.
                Some(0xFF) | None => 0,
                Some(&b) => {
                    self.pos += 1;
                    b
                }
            };
            self.acc |= u64::from(b) << (56 - self.n);
            self.n += 8;
        }
    }

    fn peek(&mut self, k: u32) -> u32 {
        if self.n < k {
            self.fill();
        }
        (self.acc >> (64 - k)) as u32
    }

    fn skip(&mut self, k: u32) {
        self.acc <<= k;
        self.n -= k.min(self.n);
    }

    fn get(&mut self, k: u32) -> i32 {
        if k == 0 {
            return 0;
        }
        let v = self.peek(k) as i32;
        self.skip(k);
        v
    }

    fn symbol(&mut self, h: &Huffman) -> Option<u8> {
        let p = self.peek(16);
        let (sym, len) = h.fast.get((p >> (16 - FAST_BITS)) as usize).copied()?;
        if len > 0 {
            self.skip(u32::from(len));
            return Some(sym);
        }
        for len in (FAST_BITS as usize + 1)..=16 {
            let code = (p >> (16 - len)) as i32;
            if code < *h.maxcode.get(len)? {
                self.skip(len as u32);
                let i = usize::try_from(code + h.valptr.get(len)?).ok()?;
                return h.values.get(i).copied();
            }
        }
        None
    }

    /// Skips to just after the next RSTn marker.
    fn restart(&mut self) {
        self.acc = 0;
        self.n = 0;
        while self.pos + 1 < self.data.len() {
            if self.data.get(self.pos) == Some(&0xFF)
                && self
                    .data
                    .get(self.pos + 1)
                    .is_some_and(|m| (0xD0..=0xD7).contains(m))
            {
                self.pos += 2;
                return;
            }
            self.pos += 1;
        }
    }
}

fn extend(v: i32, k: u32) -> i32 {
    if k == 0 {
        0
    } else if v < 1 << (k - 1) {
        v - (1 << k) + 1
    } else {
        v
    }
}

/// One frame component.
struct Comp {
    id: u8,
    h: usize,
    v: usize,
    tq: usize,
}

/// What the markers before the scan declared.
struct Header {
    /// Quantisation tables: only the DC step (entry 0) matters at 1/8 scale.
    q: [[u16; 64]; 4],
    /// DC Huffman tables by slot.
    dc: [Option<Huffman>; 4],
    /// AC Huffman tables by slot (their codes are skipped, not decoded to values).
    ac: [Option<Huffman>; 4],
    /// The frame's components.
    comps: Vec<Comp>,
    /// Width and height in pixels.
    size: (usize, usize),
    /// MCUs between restart markers (0: none).
    restart: usize,
    /// An Adobe marker saying the components are RGB, not YCbCr: left to the general decoder.
    adobe_rgb: bool,
}

impl Header {
    /// DQT: the tables' DC steps.
    fn quant(&mut self, seg: &[u8]) -> Option<()> {
        let mut s = seg;
        while let Some((&pq, rest)) = s.split_first() {
            let wide = pq >> 4 == 1;
            let n = if wide { 128 } else { 64 };
            let t = self.q.get_mut(usize::from(pq & 3))?;
            let body = rest.get(..n)?;
            t[0] = if wide {
                u16::from_be_bytes([body[0], body[1]])
            } else {
                u16::from(body[0])
            };
            s = rest.get(n..)?;
        }
        Some(())
    }

    /// DHT: Huffman tables.
    fn huffman(&mut self, seg: &[u8]) -> Option<()> {
        let mut s = seg;
        while let Some((&tc, rest)) = s.split_first() {
            let counts: [u8; 16] = rest.get(..16)?.try_into().ok()?;
            let total: usize = counts.iter().map(|&c| usize::from(c)).sum();
            let values = rest.get(16..16 + total)?.to_vec();
            let h = Huffman::new(&counts, values)?;
            let slot = usize::from(tc & 3);
            if tc >> 4 == 0 {
                *self.dc.get_mut(slot)? = Some(h);
            } else {
                *self.ac.get_mut(slot)? = Some(h);
            }
            s = rest.get(16 + total..)?;
        }
        Some(())
    }

    /// SOF0/SOF1: size and components (8-bit samples, 1 or 3 components, sampling 1–2).
    fn frame(&mut self, seg: &[u8]) -> Option<()> {
        if *seg.first()? != 8 {
            return None;
        }
        let h = usize::from(u16::from_be_bytes([*seg.get(1)?, *seg.get(2)?]));
        let w = usize::from(u16::from_be_bytes([*seg.get(3)?, *seg.get(4)?]));
        let n = usize::from(*seg.get(5)?);
        for c in seg.get(6..6 + 3 * n)?.chunks_exact(3) {
            let (hs, vs) = (usize::from(c[1] >> 4), usize::from(c[1] & 15));
            if !(1..=2).contains(&hs) || !(1..=2).contains(&vs) {
                return None;
            }
            self.comps.push(Comp {
                id: c[0],
                h: hs,
                v: vs,
                tq: usize::from(c[2] & 3),
            });
        }
        if w == 0 || h == 0 || !(n == 1 || n == 3) {
            return None;
        }
        self.size = (w, h);
        Some(())
    }

    /// SOS: the scan's component order with their (DC, AC) tables; only interleaved scans
    /// of every component.
    fn scan_tables(&self, seg: &[u8]) -> Option<Vec<(usize, usize, usize)>> {
        if self.comps.is_empty() || self.adobe_rgb {
            return None;
        }
        let ns = usize::from(*seg.first()?);
        if ns != self.comps.len() {
            // Non-interleaved scans: leave them to the general decoder.
            return None;
        }
        let mut tables = Vec::new();
        for s in seg.get(1..1 + 2 * ns)?.chunks_exact(2) {
            let ci = self.comps.iter().position(|c| c.id == s[0])?;
            tables.push((ci, usize::from(s[1] >> 4), usize::from(s[1] & 15)));
        }
        Some(tables)
    }
}

/// Decodes a baseline JPEG to RGB at 1/8 scale (one pixel per 8×8 block of the full image):
/// (width, height, rgb, grayscale). `max_blocks` caps the work a declared size may cause.
pub fn decode(data: &[u8], max_blocks: usize) -> Option<(usize, usize, Vec<u8>, bool)> {
    let mut hd = Header {
        q: [[0u16; 64]; 4],
        dc: [None, None, None, None],
        ac: [None, None, None, None],
        comps: Vec::new(),
        size: (0, 0),
        restart: 0,
        adobe_rgb: false,
    };
    let mut i = 2usize;
    if data.get(0..2)? != [0xFF, 0xD8] {
        return None;
    }
    loop {
        while data.get(i)? == &0xFF && data.get(i + 1)? == &0xFF {
            i += 1;
        }
        if *data.get(i)? != 0xFF {
            return None;
        }
        let marker = *data.get(i + 1)?;
        let len = usize::from(u16::from_be_bytes([*data.get(i + 2)?, *data.get(i + 3)?]));
        let seg = data.get(i + 4..i + 2 + len)?;
        match marker {
            0xDB => hd.quant(seg)?,
            0xC4 => hd.huffman(seg)?,
            0xC0 | 0xC1 => hd.frame(seg)?,
            0xC2 | 0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => return None,
            0xDD => hd.restart = usize::from(u16::from_be_bytes([*seg.first()?, *seg.get(1)?])),
            0xEE => hd.adobe_rgb = seg.starts_with(b"Adobe") && seg.get(11) == Some(&0),
            0xDA => {
                let tables = hd.scan_tables(seg)?;
                return scan(data.get(i + 2 + len..)?, &hd, &tables, max_blocks);
            }
            0xD9 => return None,
            _ => {}
        }
        i += 2 + len;
    }
}

/// The entropy-coded data after SOS → block averages per component → RGB at 1/8 scale.
fn scan(
    data: &[u8],
    hd: &Header,
    tables: &[(usize, usize, usize)],
    max_blocks: usize,
) -> Option<(usize, usize, Vec<u8>, bool)> {
    let comps = &hd.comps;
    let (w, h) = hd.size;
    let hmax = comps.iter().map(|c| c.h).max()?;
    let vmax = comps.iter().map(|c| c.v).max()?;
    let (mcux, mcuy) = (w.div_ceil(8 * hmax), h.div_ceil(8 * vmax));
    if mcux * mcuy * hmax * vmax > max_blocks {
        return None;
    }
    // One plane of block averages per component, in that component's block grid.
    let mut planes: Vec<Vec<i16>> = comps
        .iter()
        .map(|c| vec![0; mcux * c.h * mcuy * c.v])
        .collect();
    let mut pred = vec![0i32; comps.len()];
    // Tables resolved once, not per block.
    let mut plan = Vec::new();
    for &(ci, td, ta) in tables {
        let c = comps.get(ci)?;
        let (dch, ach) = (hd.dc.get(td)?.as_ref()?, hd.ac.get(ta)?.as_ref()?);
        plan.push((ci, dch, ach, i32::from(hd.q.get(c.tq)?[0]), c.h, c.v));
    }
    let mut bits = Bits {
        data,
        pos: 0,
        acc: 0,
        n: 0,
    };
    let restart = hd.restart;
    let mut mcus_left = restart;
    for my in 0..mcuy {
        for mx in 0..mcux {
            if restart > 0 {
                if mcus_left == 0 {
                    bits.restart();
                    pred.iter_mut().for_each(|p| *p = 0);
                    mcus_left = restart;
                }
                mcus_left -= 1;
            }
            for &(ci, dch, ach, q0, ch, cv) in &plan {
                let stride = mcux * ch;
                let (Some(p), Some(plane)) = (pred.get_mut(ci), planes.get_mut(ci)) else {
                    return None;
                };
                for by in 0..cv {
                    for bx in 0..ch {
                        let s = u32::from(bits.symbol(dch)?);
                        if s > 11 {
                            return None;
                        }
                        let v = bits.get(s);
                        *p += extend(v, s);
                        let avg = (*p * q0 / 8 + 128).clamp(0, 255) as i16;
                        let (gx, gy) = (mx * ch + bx, my * cv + by);
                        *plane.get_mut(gy * stride + gx)? = avg;
                        skip_ac(&mut bits, ach)?;
                    }
                }
            }
        }
    }
    let (ow, oh) = (w.div_ceil(8), h.div_ceil(8));
    let grid = Planes {
        comps,
        planes: &planes,
        max: (hmax, vmax),
        mcux,
    };
    Some((ow, oh, grid.rgb(ow, oh), comps.len() == 1))
}

/// Skips a block's 63 AC coefficients: at 1/8 scale only the DC value counts.
#[inline]
fn skip_ac(bits: &mut Bits<'_>, ach: &Huffman) -> Option<()> {
    let mut k = 1;
    while k < 64 {
        // 24 bits at hand cover a short code and its value bits in one go.
        let p = bits.peek(24);
        let (rs, len) = ach.fast.get((p >> (24 - FAST_BITS)) as usize).copied()?;
        let rs = if len > 0 {
            bits.skip(u32::from(len));
            rs
        } else {
            bits.symbol(ach)?
        };
        let (r, s) = (u32::from(rs >> 4), u32::from(rs & 15));
        if s == 0 {
            if r != 15 {
                break;
            }
            k += 16;
            continue;
        }
        if bits.n >= s {
            bits.skip(s);
        } else {
            bits.get(s);
        }
        k += r as usize + 1;
    }
    Some(())
}

/// The block averages of every component, to be sampled at the output grid.
struct Planes<'a> {
    /// The frame's components (their sampling factors).
    comps: &'a [Comp],
    /// One plane per component, in its own block grid.
    planes: &'a [Vec<i16>],
    /// The largest horizontal and vertical sampling factors.
    max: (usize, usize),
    /// MCUs per row.
    mcux: usize,
}

impl Planes<'_> {
    /// Component `ci` at output pixel (x, y), upsampled from its own grid.
    fn at(&self, ci: usize, x: usize, y: usize) -> i32 {
        let (hmax, vmax) = self.max;
        self.comps
            .get(ci)
            .zip(self.planes.get(ci))
            .map_or(128, |(c, p)| {
                let (gx, gy) = (x * c.h / hmax, y * c.v / vmax);
                i32::from(p.get(gy * self.mcux * c.h + gx).copied().unwrap_or(128))
            })
    }

    /// The `ow × oh` image as RGB (YCbCr converted; one component is gray).
    fn rgb(&self, ow: usize, oh: usize) -> Vec<u8> {
        let mut rgb = Vec::with_capacity(ow * oh * 3);
        let gray = self.comps.len() == 1;
        for y in 0..oh {
            for x in 0..ow {
                let yy = self.at(0, x, y);
                if gray {
                    let v = yy as u8;
                    rgb.extend_from_slice(&[v, v, v]);
                    continue;
                }
                let (cb, cr) = (self.at(1, x, y) - 128, self.at(2, x, y) - 128);
                let r = yy + ((91_881 * cr) >> 16);
                let g = yy - ((22_554 * cb + 46_802 * cr) >> 16);
                let b = yy + ((116_130 * cb) >> 16);
                rgb.extend_from_slice(&[
                    r.clamp(0, 255) as u8,
                    g.clamp(0, 255) as u8,
                    b.clamp(0, 255) as u8,
                ]);
            }
        }
        rgb
    }
}
