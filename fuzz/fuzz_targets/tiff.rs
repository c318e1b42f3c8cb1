//! Seal analysis of a TIFF on arbitrary bytes: the IFD chain, strip and tile offsets and the
//! PackBits/LZW/Deflate/JPEG codecs must give pages or an error, never panic, never allocate
//! from a declared size. Run with `cargo fuzz run tiff`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shenbao::forms::seal::{self, ScanLimits};
use shenbao::message::FileKind;

fuzz_target!(|data: &[u8]| {
    let limits = ScanLimits {
        max_image_pixels: 1 << 22,
        max_flate_bytes: 1 << 22,
        max_pages: 8,
        max_images_per_page: 4,
    };
    let _ = seal::analyse(data, FileKind::Tiff, &limits);
});
