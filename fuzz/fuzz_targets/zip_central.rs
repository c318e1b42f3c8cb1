//! The hand-written zip central directory (and the local-header fallback) on arbitrary bytes:
//! end record, Zip64 locator, directory records and extra fields must list entries or give up,
//! never panic nor return more than asked. Run with `cargo fuzz run zip_central`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shenbao::message::zip_directory;

const MAX: usize = 64;

fuzz_target!(|data: &[u8]| {
    let (entries, local) = zip_directory(data, MAX);
    if let Some(entries) = entries {
        // The cap plus one, so the caller can tell it was hit.
        assert!(entries.len() <= MAX + 1);
        for (_, range) in entries {
            if let Some((from, to)) = range {
                assert!(from <= to);
            }
        }
    }
    assert!(local.len() <= MAX);
});
