//! Shared by the .doc and .xls targets: fuzz bytes as streams of a well-formed compound file,
//! so the fuzzer spends its time in our record walks rather than at the OLE container's door.

use std::io::{Cursor, Write};

/// A version 3 compound file holding `streams` (name, bytes); `None` if cfb refuses to write it.
pub fn compound(streams: &[(&str, &[u8])]) -> Option<Vec<u8>> {
    let mut cf =
        cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new())).ok()?;
    for (name, bytes) in streams {
        cf.create_stream(name).ok()?.write_all(bytes).ok()?;
    }
    cf.flush().ok()?;
    Some(cf.into_inner().into_inner())
}
