//! The image file directories (IFDs) of a classic TIFF file: one per page, chained by offsets.
//! Every offset and count is checked against the file; a loop in the chain ends it.

/// Tags read from one IFD; anything else a page may carry is ignored.
#[derive(Debug, Clone, Default)]
pub struct Ifd {
    pub width: u64,
    pub height: u64,
    pub bits: Vec<u64>,
    pub samples: u64,
    pub compression: u64,
    pub photometric: Option<u64>,
    pub planar: u64,
    pub predictor: u64,
    pub orientation: u16,
    pub rows_per_strip: u64,
    pub strip_offsets: Vec<u64>,
    pub strip_counts: Vec<u64>,
    pub tile_width: u64,
    pub tile_length: u64,
    pub tile_offsets: Vec<u64>,
    pub tile_counts: Vec<u64>,
    pub colormap: Vec<u64>,
    pub jpeg_tables: Vec<u8>,
    pub x_res: f64,
    pub y_res: f64,
    /// NewSubfileType: bit 0 marks a reduced copy (thumbnail), bit 2 a transparency mask.
    pub subfile: u64,
}

impl Ifd {
    /// Whether this directory is a page rather than a thumbnail or mask of one.
    pub fn is_page(&self) -> bool {
        self.subfile & 0b101 == 0 && self.width > 0 && self.height > 0
    }

    /// Bits per sample (the first, scanners write the same for every sample).
    pub fn bps(&self) -> u64 {
        self.bits.first().copied().unwrap_or(1)
    }

    /// Height as it would show with square pixels: fax pages are scanned at 204×98 dpi.
    pub fn square_height(&self) -> f64 {
        let ratio = if self.x_res > 0.0 && self.y_res > 0.0 {
            (self.x_res / self.y_res).clamp(0.25, 4.0)
        } else {
            1.0
        };
        self.height as f64 * ratio
    }

    /// Width and height as displayed (orientation 5–8 swaps them), in square pixels.
    pub fn display_size(&self) -> (f64, f64) {
        let (w, h) = (self.width as f64, self.square_height());
        if (5..=8).contains(&self.orientation) {
            (h, w)
        } else {
            (w, h)
        }
    }
}

/// Most entries read from one array tag (strip offsets of a 1-row-per-strip 40 Mpx scan fit).
const MAX_VALUES: usize = 1 << 20;
/// Most entries in one IFD; real ones have a few dozen.
const MAX_ENTRIES: usize = 4096;

/// A classic TIFF: byte order and the first IFD offset. BigTIFF is not read.
struct Reader<'a> {
    data: &'a [u8],
    le: bool,
}

impl Reader<'_> {
    fn u16(&self, at: usize) -> Option<u16> {
        let b: [u8; 2] = self.data.get(at..at.checked_add(2)?)?.try_into().ok()?;
        Some(if self.le {
            u16::from_le_bytes(b)
        } else {
            u16::from_be_bytes(b)
        })
    }

    fn u32(&self, at: usize) -> Option<u32> {
        let b: [u8; 4] = self.data.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(if self.le {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    }

    /// The bytes of an entry's value: inline when they fit in four bytes, else at the offset.
    fn value(&self, entry: usize, size: usize, count: usize) -> Option<&[u8]> {
        let len = size.checked_mul(count)?;
        let at = if len <= 4 {
            entry + 8
        } else {
            usize::try_from(self.u32(entry + 8)?).ok()?
        };
        self.data.get(at..at.checked_add(len)?)
    }

    /// An entry's integers (BYTE, SHORT, LONG); None for other types.
    fn ints(&self, entry: usize) -> Option<Vec<u64>> {
        let kind = self.u16(entry + 2)?;
        let count = usize::try_from(self.u32(entry + 4)?).ok()?.min(MAX_VALUES);
        let size = match kind {
            1 | 6 | 7 => 1,
            3 | 8 => 2,
            4 | 9 | 13 => 4,
            _ => return None,
        };
        let bytes = self.value(entry, size, count)?;
        let sub = Reader {
            data: bytes,
            le: self.le,
        };
        Some(
            (0..count)
                .filter_map(|i| match size {
                    1 => bytes.get(i).map(|&b| u64::from(b)),
                    2 => sub.u16(i * 2).map(u64::from),
                    _ => sub.u32(i * 4).map(u64::from),
                })
                .collect(),
        )
    }

    /// A RATIONAL entry as a number; zero when absent or degenerate.
    fn rational(&self, entry: usize) -> f64 {
        let v = (|| {
            if self.u16(entry + 2)? != 5 {
                return None;
            }
            let bytes = self.value(entry, 8, 1)?;
            let sub = Reader {
                data: bytes,
                le: self.le,
            };
            let (n, d) = (sub.u32(0)?, sub.u32(4)?);
            (d != 0).then(|| f64::from(n) / f64::from(d))
        })();
        v.unwrap_or(0.0)
    }

    fn ifd(&self, at: usize) -> Option<(Ifd, usize)> {
        let count = usize::from(self.u16(at)?).min(MAX_ENTRIES);
        let mut ifd = Ifd {
            samples: 1,
            compression: 1,
            planar: 1,
            predictor: 1,
            orientation: 1,
            rows_per_strip: u64::MAX,
            ..Ifd::default()
        };
        for n in 0..count {
            let e = at + 2 + n * 12;
            let Some(tag) = self.u16(e) else { break };
            let one = || self.ints(e).and_then(|v| v.first().copied());
            match tag {
                254 => ifd.subfile = one().unwrap_or(0),
                256 => ifd.width = one().unwrap_or(0),
                257 => ifd.height = one().unwrap_or(0),
                258 => ifd.bits = self.ints(e).unwrap_or_default(),
                259 => ifd.compression = one().unwrap_or(1),
                262 => ifd.photometric = one(),
                273 => ifd.strip_offsets = self.ints(e).unwrap_or_default(),
                274 => ifd.orientation = one().and_then(|o| u16::try_from(o).ok()).unwrap_or(1),
                277 => ifd.samples = one().unwrap_or(1),
                278 => ifd.rows_per_strip = one().unwrap_or(u64::MAX),
                279 => ifd.strip_counts = self.ints(e).unwrap_or_default(),
                282 => ifd.x_res = self.rational(e),
                283 => ifd.y_res = self.rational(e),
                284 => ifd.planar = one().unwrap_or(1),
                317 => ifd.predictor = one().unwrap_or(1),
                320 => ifd.colormap = self.ints(e).unwrap_or_default(),
                322 => ifd.tile_width = one().unwrap_or(0),
                323 => ifd.tile_length = one().unwrap_or(0),
                324 => ifd.tile_offsets = self.ints(e).unwrap_or_default(),
                325 => ifd.tile_counts = self.ints(e).unwrap_or_default(),
                347 => {
                    ifd.jpeg_tables = self
                        .u32(e + 4)
                        .and_then(|c| usize::try_from(c).ok())
                        .and_then(|c| self.value(e, 1, c))
                        .map(<[u8]>::to_vec)
                        .unwrap_or_default();
                }
                _ => {}
            }
        }
        let next = self
            .u32(at + 2 + count * 12)
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or(0);
        Some((ifd, next))
    }
}

/// Whether the bytes start like a classic TIFF file.
pub fn is_tiff(data: &[u8]) -> bool {
    data.starts_with(b"II*\0") || data.starts_with(b"MM\0*")
}

/// The page directories in order, at most `max_pages`; None when the header is not TIFF or the
/// first directory cannot be read.
pub fn pages(data: &[u8], max_pages: usize) -> Option<Vec<Ifd>> {
    if !is_tiff(data) {
        return None;
    }
    let r = Reader {
        data,
        le: data.starts_with(b"II"),
    };
    let mut at = usize::try_from(r.u32(4)?).ok()?;
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    // Thumbnails and masks also sit in the chain: bound the directories read, not only pages.
    for _ in 0..max_pages.saturating_mul(4).max(1) {
        if at < 8 || !seen.insert(at) || out.len() >= max_pages {
            break;
        }
        let Some((ifd, next)) = r.ifd(at) else { break };
        if ifd.is_page() {
            out.push(ifd);
        }
        at = next;
    }
    (!out.is_empty()).then_some(out)
}
