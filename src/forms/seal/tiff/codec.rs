//! Strip and tile data of a TIFF page: decompressed as a stream (none, PackBits, LZW, Deflate)
//! into rows, and every pixel averaged into a reduced image as it comes, so a page never needs
//! its full-size pixels in memory.

use std::io::Read;

/// Box-averages pixels given at full-size coordinates into a `kx`×`ky` reduced image.
pub struct Sink {
    kx: usize,
    ky: usize,
    pub ow: usize,
    pub oh: usize,
    /// Sums of R, G, B and the weight per reduced pixel.
    acc: Vec<u32>,
}

impl Sink {
    pub fn new(w: usize, h: usize, kx: usize, ky: usize) -> Sink {
        let (kx, ky) = (kx.max(1), ky.max(1));
        let (ow, oh) = ((w / kx).max(1), (h / ky).max(1));
        Sink {
            kx,
            ky,
            ow,
            oh,
            acc: vec![0; ow * oh * 4],
        }
    }

    /// Adds a pixel standing for `weight` full-size pixels at (x, y).
    pub fn add(&mut self, x: usize, y: usize, p: [u8; 3], weight: u32) {
        let (ox, oy) = (x / self.kx, y / self.ky);
        if ox >= self.ow || oy >= self.oh {
            return;
        }
        let o = (oy * self.ow + ox) * 4;
        if let Some(a) = self.acc.get_mut(o..o + 4) {
            a[0] += u32::from(p[0]) * weight;
            a[1] += u32::from(p[1]) * weight;
            a[2] += u32::from(p[2]) * weight;
            a[3] += weight;
        }
    }

    /// The reduced RGB image; reduced pixels nothing landed in stay white paper.
    pub fn finish(self) -> Vec<u8> {
        self.acc
            .chunks_exact(4)
            .flat_map(|a| match a[3] {
                0 => [255, 255, 255],
                n => [(a[0] / n) as u8, (a[1] / n) as u8, (a[2] / n) as u8],
            })
            .collect()
    }

    /// The smallest reduction step, for decoders that can reduce by themselves (JPEG).
    pub fn step(&self) -> usize {
        self.kx.min(self.ky)
    }
}

/// How a row's samples become colours.
pub enum Pixels {
    /// 8-bit RGB, `n` samples per pixel (extra samples ignored).
    Rgb(usize),
    /// 8-bit CMYK, `n` samples per pixel.
    Cmyk(usize),
    /// Palette indices of 4 or 8 bits.
    Palette(u8, Vec<[u8; 3]>),
}

impl Pixels {
    /// Bytes one row of `w` pixels takes.
    pub fn row_bytes(&self, w: usize) -> usize {
        match self {
            Pixels::Rgb(n) | Pixels::Cmyk(n) => w * n,
            Pixels::Palette(bits, _) => (w * usize::from(*bits)).div_ceil(8),
        }
    }

    /// Samples per pixel, for the horizontal predictor.
    pub fn samples(&self) -> usize {
        match self {
            Pixels::Rgb(n) | Pixels::Cmyk(n) => *n,
            Pixels::Palette(..) => 1,
        }
    }

    /// The colour of pixel `x` of a row.
    pub fn at(&self, row: &[u8], x: usize) -> [u8; 3] {
        let s = |i: usize| row.get(i).copied().unwrap_or(255);
        match self {
            Pixels::Rgb(n) => [s(x * n), s(x * n + 1), s(x * n + 2)],
            Pixels::Cmyk(n) => {
                let i = x * n;
                let k = 255 - u16::from(s(i + 3));
                let c = |v: u8| ((255 - u16::from(v)) * k / 255) as u8;
                [c(s(i)), c(s(i + 1)), c(s(i + 2))]
            }
            Pixels::Palette(bits, map) => {
                let index = if *bits == 4 {
                    let b = s(x / 2);
                    if x.is_multiple_of(2) { b >> 4 } else { b & 15 }
                } else {
                    s(x)
                };
                map.get(usize::from(index))
                    .copied()
                    .unwrap_or([255, 255, 255])
            }
        }
    }
}

/// Undoes the horizontal-differencing predictor (2) on one row of 8-bit samples.
pub fn unpredict(row: &mut [u8], samples: usize) {
    for i in samples..row.len() {
        let prev = row.get(i - samples).copied().unwrap_or(0);
        if let Some(v) = row.get_mut(i) {
            *v = v.wrapping_add(prev);
        }
    }
}

/// Decompresses one strip or tile, giving its bytes in pieces to `emit` until it returns false
/// or `cap` bytes came out. False when the compression is not one read here.
pub fn decompress(
    compression: u64,
    data: &[u8],
    cap: usize,
    emit: &mut dyn FnMut(&[u8]) -> bool,
) -> bool {
    match compression {
        1 => {
            emit(data.get(..cap.min(data.len())).unwrap_or(data));
        }
        32773 => packbits(data, cap, emit),
        5 => lzw(data, cap, emit),
        8 | 32946 => deflate(data, cap, emit),
        _ => return false,
    }
    true
}

fn packbits(data: &[u8], cap: usize, emit: &mut dyn FnMut(&[u8]) -> bool) {
    let (mut i, mut out) = (0usize, 0usize);
    let run = [0u8; 128];
    while i < data.len() && out < cap {
        let h = data.get(i).copied().unwrap_or(0) as i8;
        i += 1;
        let go = if h >= 0 {
            let n = h as usize + 1;
            let lit = data.get(i..(i + n).min(data.len())).unwrap_or(&[]);
            i += n;
            out += lit.len();
            emit(lit)
        } else if h != -128 {
            let n = (1 - isize::from(h)) as usize;
            let b = data.get(i).copied().unwrap_or(0);
            i += 1;
            out += n;
            let mut rep = run;
            rep.iter_mut().take(n).for_each(|v| *v = b);
            emit(rep.get(..n).unwrap_or(&[]))
        } else {
            true
        };
        if !go {
            break;
        }
    }
}

fn lzw(data: &[u8], cap: usize, emit: &mut dyn FnMut(&[u8]) -> bool) {
    use weezl::{BitOrder, LzwStatus, decode::Decoder};
    // Files from libtiff before 5.0 wrote LSB-first codes; they start with a clear code 0x100.
    let old = data.first() == Some(&0) && data.get(1).is_some_and(|b| b & 1 == 1);
    let mut dec = if old {
        Decoder::new(BitOrder::Lsb, 8)
    } else {
        Decoder::with_tiff_size_switch(BitOrder::Msb, 8)
    };
    let mut buf = vec![0u8; 64 * 1024];
    let (mut input, mut out) = (data, 0usize);
    while out < cap {
        let r = dec.decode_bytes(input, &mut buf);
        input = input.get(r.consumed_in..).unwrap_or(&[]);
        out += r.consumed_out;
        if !emit(buf.get(..r.consumed_out).unwrap_or(&[])) {
            break;
        }
        let stuck = r.consumed_in == 0 && r.consumed_out == 0;
        if stuck || !matches!(r.status, Ok(LzwStatus::Ok)) {
            break;
        }
    }
}

fn deflate(data: &[u8], cap: usize, emit: &mut dyn FnMut(&[u8]) -> bool) {
    let mut dec = flate2::read::ZlibDecoder::new(data);
    let mut buf = vec![0u8; 64 * 1024];
    let mut out = 0usize;
    while out < cap {
        match dec.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                out += n;
                if !emit(buf.get(..n).unwrap_or(&[])) {
                    break;
                }
            }
        }
    }
}
