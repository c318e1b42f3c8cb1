//! The MAPI property block of one TNEF attachment (`attAttachment`, MS-OXTNEF 2.1.3.4): only
//! the names and the data are kept; every other property is stepped over by its type.

/// `PR_DISPLAY_NAME`.
const PID_DISPLAY_NAME: u16 = 0x3001;
/// `PR_ATTACH_DATA_BIN` / `PR_ATTACH_DATA_OBJ`.
const PID_ATTACH_DATA: u16 = 0x3701;
/// `PR_ATTACH_FILENAME` (8.3).
const PID_ATTACH_FILENAME: u16 = 0x3704;
/// `PR_ATTACH_LONG_FILENAME`.
const PID_ATTACH_LONG_FILENAME: u16 = 0x3707;

const PT_STRING8: u16 = 0x001E;
const PT_UNICODE: u16 = 0x001F;
const PT_BINARY: u16 = 0x0102;
const PT_OBJECT: u16 = 0x000D;
const MV_FLAG: u16 = 0x1000;

/// A MAPI string as stored: UTF-16LE, or 8-bit in the message code page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum MapiString {
    Unicode(Vec<u8>),
    String8(Vec<u8>),
}

impl MapiString {
    /// The text; 8-bit strings go through `string8` (which knows the code page).
    pub fn decode(&self, string8: &dyn Fn(&[u8]) -> String) -> String {
        match self {
            MapiString::Unicode(b) => {
                let units: Vec<u16> = b
                    .chunks_exact(2)
                    .map(|c| u16::from_le_bytes([c[0], c[1]]))
                    .take_while(|&u| u != 0)
                    .collect();
                String::from_utf16_lossy(&units)
            }
            MapiString::String8(b) => string8(b),
        }
    }
}

/// What an attachment's properties say about it.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct AttachProps {
    pub long_name: Option<MapiString>,
    pub file_name: Option<MapiString>,
    pub display_name: Option<MapiString>,
    /// The bytes, when they are a property rather than an `attAttachData` record.
    pub data: Option<Vec<u8>>,
}

/// A cursor over the block; every read is checked against what is left.
struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let b = self.data.get(self.pos..end)?;
        self.pos = end;
        Some(b)
    }

    fn u32(&mut self) -> Option<u32> {
        let b = self.take(4)?;
        Some(u32::from_le_bytes(b.try_into().ok()?))
    }

    /// A length-prefixed value padded to four bytes.
    fn counted(&mut self) -> Option<&'a [u8]> {
        let len = usize::try_from(self.u32()?).ok()?;
        let v = self.take(len)?;
        self.take((4 - len % 4) % 4)?;
        Some(v)
    }
}

/// Size of one value of a fixed-size property type, padded to four bytes; `None` for a type
/// that is variable or unknown.
fn fixed_size(ptype: u16) -> Option<usize> {
    Some(match ptype {
        0x0002 | 0x0003 | 0x0004 | 0x000A | 0x000B => 4,
        0x0005..=0x0007 | 0x0014 | 0x0040 => 8,
        0x0048 => 16,
        _ => return None,
    })
}

/// Reads the property block; a damaged block gives what was read before the damage.
pub(super) fn attachment(data: &[u8]) -> AttachProps {
    let mut out = AttachProps::default();
    let mut r = Reader { data, pos: 0 };
    let Some(count) = r.u32() else {
        return out;
    };
    // Each property takes at least four bytes, so the loop ends with the data whatever the
    // declared count.
    for _ in 0..count {
        if property(&mut r, &mut out).is_none() {
            break;
        }
    }
    out
}

fn property(r: &mut Reader<'_>, out: &mut AttachProps) -> Option<()> {
    let tag = r.u32()?;
    let ptype = (tag & 0xFFFF) as u16;
    let pid = (tag >> 16) as u16;
    if pid >= 0x8000 {
        // A named property: its GUID, then a numeric id or a UTF-16 name.
        r.take(16)?;
        if r.u32()? == 0 {
            r.u32()?;
        } else {
            r.counted()?;
        }
    }
    let base = ptype & !MV_FLAG;
    let first: Option<&[u8]> = match (fixed_size(base), ptype & MV_FLAG != 0) {
        (Some(size), false) => Some(r.take(size)?),
        (Some(size), true) => {
            let n = r.u32()?;
            for _ in 0..n {
                r.take(size)?;
            }
            None
        }
        (None, _) if matches!(base, PT_STRING8 | PT_UNICODE | PT_BINARY | PT_OBJECT) => {
            let n = r.u32()?;
            let mut first = None;
            for i in 0..n {
                let v = r.counted()?;
                if i == 0 {
                    first = Some(v);
                }
            }
            first
        }
        // An unknown type cannot be stepped over: the rest of the block is lost, not misread.
        (None, _) => return None,
    };
    let Some(v) = first else {
        return Some(());
    };
    let string = || match ptype {
        PT_UNICODE => Some(MapiString::Unicode(v.to_vec())),
        PT_STRING8 => Some(MapiString::String8(v.to_vec())),
        _ => None,
    };
    match pid {
        PID_ATTACH_LONG_FILENAME => out.long_name = string(),
        PID_ATTACH_FILENAME => out.file_name = string(),
        PID_DISPLAY_NAME => out.display_name = string(),
        PID_ATTACH_DATA if ptype == PT_BINARY => out.data = Some(v.to_vec()),
        // An embedded object starts with its interface id.
        PID_ATTACH_DATA if ptype == PT_OBJECT => {
            out.data = Some(v.get(16..).unwrap_or_default().to_vec())
        }
        _ => {}
    }
    Some(())
}
