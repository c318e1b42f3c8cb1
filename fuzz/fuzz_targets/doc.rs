//! Word 97-2003 .doc on arbitrary bytes: the FIB, piece table, property pages and font table
//! walks must return a grid or an error, never panic, never allocate from a declared size.
//! Run with `cargo fuzz run doc`. The first byte chooses: the bytes as a whole file, or the
//! rest split into a WordDocument and a table stream inside a well-formed compound file.
#![no_main]

mod ole;

use libfuzzer_sys::fuzz_target;
use shenbao::forms::doc;
use shenbao::message::Limits;

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_xml_bytes: 1 << 20,
        ..Limits::default()
    };
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode & 1 == 0 {
        let _ = doc::read(rest, &limits);
        return;
    }
    let (wd, table) = split(rest);
    // Both table stream names: the FIB's flag picks one.
    let streams = [
        ("/WordDocument", wd),
        ("/0Table", table),
        ("/1Table", table),
    ];
    if let Some(file) = ole::compound(&streams) {
        if let Ok(d) = doc::read(&file, &limits) {
            for t in &d.tables {
                for row in &t.rows {
                    assert!(row.iter().all(|c| c.span >= 1));
                }
            }
        }
    }
});

/// Splits `data` in two at a point its first two bytes name.
fn split(data: &[u8]) -> (&[u8], &[u8]) {
    let (head, rest) = data.split_at(data.len().min(2));
    let at = head.iter().fold(0usize, |a, &b| a << 8 | usize::from(b));
    rest.split_at(at.min(rest.len()))
}
