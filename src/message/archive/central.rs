//! The central directory of a zip file, read by hand: sniffing needs the entry names without
//! decompressing anything, and bomb detection needs the raw offsets and declared sizes that
//! the zip crate does not expose.

/// One central-directory record.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Name bytes as stored; decoded by the caller (UTF-8 flag or GBK).
    pub name: Vec<u8>,
    /// General-purpose flags: bit 0 encrypted, bit 11 UTF-8 name.
    pub flags: u16,
    /// Declared compressed size, for the ratio check before any decompression.
    pub compressed: u64,
    /// Declared decompressed size; a lie is caught again while reading.
    pub uncompressed: u64,
    /// Offset of the local header, to find entries sharing data (overlap bombs).
    pub local_offset: u64,
}

const EOCD: &[u8] = b"PK\x05\x06";
const CDH: &[u8] = b"PK\x01\x02";
const LFH: &[u8] = b"PK\x03\x04";

fn u16_at(d: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(d.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(d: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(d.get(at..at + 4)?.try_into().ok()?))
}

fn u64_at(d: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(d.get(at..at + 8)?.try_into().ok()?))
}

/// The entries of the central directory, or `None` when there is none to be found (truncated
/// or not a zip). Stops at `max` entries plus one so the caller can tell the cap was hit.
pub fn entries(data: &[u8], max: usize) -> Option<Vec<Entry>> {
    // The end record is within the last 64 KiB + 22 bytes (its comment is at most 65535).
    let from = data.len().saturating_sub(65_535 + 22);
    let tail = data.get(from..)?;
    let eocd = from + tail.windows(4).rposition(|w| w == EOCD)?;
    let mut count = u64::from(u16_at(data, eocd + 10)?);
    let mut offset = u64::from(u32_at(data, eocd + 16)?);
    if count == 0xFFFF || offset == 0xFFFF_FFFF {
        // Zip64: the locator sits just before the end record.
        let loc = eocd.checked_sub(20)?;
        if data.get(loc..loc + 4)? == b"PK\x06\x07" {
            let rec = usize::try_from(u64_at(data, loc + 8)?).ok()?;
            if rec > data.len() {
                return None;
            }
            if data.get(rec..rec + 4)? == b"PK\x06\x06" {
                count = u64_at(data, rec + 32)?;
                offset = u64_at(data, rec + 48)?;
            }
        }
    }
    let mut at = usize::try_from(offset).ok()?;
    if at > data.len() {
        return None;
    }
    let mut out = Vec::new();
    for _ in 0..count {
        if out.len() > max {
            break;
        }
        if data.get(at..at + 4)? != CDH {
            return None;
        }
        let flags = u16_at(data, at + 8)?;
        let mut compressed = u64::from(u32_at(data, at + 20)?);
        let mut uncompressed = u64::from(u32_at(data, at + 24)?);
        let name_len = usize::from(u16_at(data, at + 28)?);
        let extra_len = usize::from(u16_at(data, at + 30)?);
        let comment_len = usize::from(u16_at(data, at + 32)?);
        let mut local_offset = u64::from(u32_at(data, at + 42)?);
        let name = data.get(at + 46..at + 46 + name_len)?.to_vec();
        let extra = data.get(at + 46 + name_len..at + 46 + name_len + extra_len)?;
        zip64_extra(extra, &mut uncompressed, &mut compressed, &mut local_offset);
        out.push(Entry {
            name,
            flags,
            compressed,
            uncompressed,
            local_offset,
        });
        at += 46 + name_len + extra_len + comment_len;
    }
    Some(out)
}

/// Applies a Zip64 extended-information field: only the values saturated in the record are there.
fn zip64_extra(extra: &[u8], uncompressed: &mut u64, compressed: &mut u64, offset: &mut u64) {
    let mut i = 0;
    while let (Some(id), Some(len)) = (u16_at(extra, i), u16_at(extra, i + 2)) {
        let body = extra
            .get(i + 4..i + 4 + usize::from(len))
            .unwrap_or_default();
        if id == 1 {
            let mut j = 0;
            for field in [uncompressed, compressed, offset] {
                if *field == 0xFFFF_FFFF {
                    if let Some(v) = u64_at(body, j) {
                        *field = v;
                    }
                    j += 8;
                }
            }
            return;
        }
        i += 4 + usize::from(len);
    }
}

/// Byte range an entry occupies from its local header to the end of its data, or `None` when
/// the local header is not where the directory says.
pub fn local_range(data: &[u8], e: &Entry) -> Option<(u64, u64)> {
    let at = usize::try_from(e.local_offset).ok()?;
    if at > data.len() || data.get(at..at + 4)? != LFH {
        return None;
    }
    let name_len = u64::from(u16_at(data, at + 26)?);
    let extra_len = u64::from(u16_at(data, at + 28)?);
    let end = e
        .local_offset
        .checked_add(30 + name_len + extra_len)?
        .checked_add(e.compressed)?;
    Some((e.local_offset, end))
}

/// Names from the local headers, walking from the start: the fallback for a truncated zip
/// whose directory is gone. Stops at the first entry whose size is only given after its data.
pub fn local_names(data: &[u8], max: usize) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut at = 0usize;
    while out.len() < max && data.get(at..at + 4) == Some(LFH) {
        let (Some(flags), Some(size), Some(nl), Some(el)) = (
            u16_at(data, at + 6),
            u32_at(data, at + 18),
            u16_at(data, at + 26),
            u16_at(data, at + 28),
        ) else {
            break;
        };
        let (nl, el) = (usize::from(nl), usize::from(el));
        match data.get(at + 30..at + 30 + nl) {
            Some(n) => out.push(n.to_vec()),
            None => break,
        }
        if flags & 8 != 0 {
            // Sizes follow the data in a descriptor: the next header cannot be located.
            break;
        }
        at = at
            .saturating_add(30 + nl + el)
            .saturating_add(size as usize);
    }
    out
}
