//! The DC-only JPEG decoder (seal detection at 1/8 scale) on arbitrary bytes: marker segments,
//! Huffman tables and the entropy-coded scan must give an image or `None`, never panic, never
//! do more work than `max_blocks` allows. Run with `cargo fuzz run jpeg_dc`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shenbao::forms::seal;

/// Start of image: the decoder refuses anything else at once.
const SOI: [u8; 2] = [0xFF, 0xD8];

fuzz_target!(|data: &[u8]| {
    let mut jpeg = SOI.to_vec();
    jpeg.extend_from_slice(data);
    if let Some((w, h, rgb, _gray)) = seal::decode_jpeg_dc(&jpeg, 1 << 16) {
        assert!(w > 0 && h > 0);
        assert!(w.saturating_mul(h) <= 1 << 16);
        assert_eq!(rgb.len(), w * h * 3);
    }
});
