//! Seal analysis of a PDF on arbitrary bytes: page tree, inherited resources, content streams,
//! image XObjects and their filters must give pages or an error, never panic nor exceed the
//! limits. Run with `cargo fuzz run pdf`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shenbao::forms::seal::{self, ScanLimits};
use shenbao::message::FileKind;

fuzz_target!(|data: &[u8]| {
    // Small caps so the fuzzer reaches the limit paths quickly.
    let limits = ScanLimits {
        max_image_pixels: 1 << 22,
        max_flate_bytes: 1 << 22,
        max_pages: 8,
        max_images_per_page: 4,
    };
    if let Ok(a) = seal::analyse(data, FileKind::Pdf, &limits) {
        assert!(a.pages.len() <= limits.max_pages);
    }
});
