//! The hand-written scan parsers (DC-only JPEG, TIFF, PDF image extraction) on arbitrary bytes
//! and on valid files built here then mutated: never a panic, always a bounded answer. The fuzz
//! targets (fuzz/) go further; these keep `cargo test` honest in between.

use super::{ScanLimits, analyse, decode_jpeg_dc};
use crate::message::FileKind;
use lopdf::{Document, Object, Stream, dictionary};
use proptest::prelude::*;
use std::io::Write;

/// Small caps so every case is quick.
const LIMITS: ScanLimits = ScanLimits {
    max_image_pixels: 1 << 20,
    max_flate_bytes: 1 << 20,
    max_pages: 4,
    max_images_per_page: 4,
};

/// A 64×48 picture with a red disc, so the detector has something to chew on.
fn rgb(w: usize, h: usize) -> Vec<u8> {
    let mut px = Vec::with_capacity(w * h * 3);
    for y in 0..h {
        for x in 0..w {
            let (dx, dy) = (x as i64 - 32, y as i64 - 24);
            if dx * dx + dy * dy < 300 {
                px.extend([220, 30, 40]);
            } else {
                px.extend([250, 250, 245]);
            }
        }
    }
    px
}

fn jpeg(w: usize, h: usize) -> Vec<u8> {
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, 80)
        .encode(&rgb(w, h), w as u16, h as u16, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    out
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

/// A little-endian one-page RGB TIFF, its single strip raw (1), Deflate (8) or PackBits (32773).
fn tiff(compression: u16) -> Vec<u8> {
    let (w, h) = (64u32, 48u32);
    let raw = rgb(w as usize, h as usize);
    let strip = match compression {
        8 => zlib(&raw),
        32773 => raw
            .chunks(128)
            .flat_map(|c| std::iter::once(c.len() as u8 - 1).chain(c.iter().copied()))
            .collect(),
        _ => raw,
    };
    let entries: u32 = 9;
    let bps_at = 8 + 2 + entries * 12 + 4;
    let strip_at = bps_at + 6;
    let mut out = b"II*\0".to_vec();
    out.extend(8u32.to_le_bytes());
    out.extend((entries as u16).to_le_bytes());
    let mut tag = |t: u16, typ: u16, n: u32, v: u32| {
        out.extend(t.to_le_bytes());
        out.extend(typ.to_le_bytes());
        out.extend(n.to_le_bytes());
        out.extend(v.to_le_bytes());
    };
    tag(256, 4, 1, w);
    tag(257, 4, 1, h);
    tag(258, 3, 3, bps_at);
    tag(259, 3, 1, u32::from(compression));
    tag(262, 3, 1, 2);
    tag(273, 4, 1, strip_at);
    tag(277, 3, 1, 3);
    tag(278, 4, 1, h);
    tag(279, 4, 1, strip.len() as u32);
    out.extend(0u32.to_le_bytes());
    for _ in 0..3 {
        out.extend(8u16.to_le_bytes());
    }
    out.extend(strip);
    out
}

/// A one-page PDF holding a JPEG and a Flate image and a red vector disc.
fn pdf() -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let dct = doc.add_object(Stream::new(
        dictionary! { "Type" => "XObject", "Subtype" => "Image", "Width" => 64, "Height" => 48,
        "ColorSpace" => "DeviceRGB", "BitsPerComponent" => 8, "Filter" => "DCTDecode" },
        jpeg(64, 48),
    ));
    let flate = doc.add_object(Stream::new(
        dictionary! { "Type" => "XObject", "Subtype" => "Image", "Width" => 64, "Height" => 48,
        "ColorSpace" => "DeviceRGB", "BitsPerComponent" => 8, "Filter" => "FlateDecode" },
        zlib(&rgb(64, 48)),
    ));
    let content = doc.add_object(Stream::new(
        dictionary! {},
        b"q 300 0 0 200 50 500 cm /Im0 Do Q q 200 0 0 150 300 100 cm /Im1 Do Q \
          1 0 0 rg 400 400 m 450 400 450 450 400 450 c 350 450 350 400 400 400 c f \
          BT /F1 12 Tf 72 720 Td (seal) Tj ET"
            .to_vec(),
    ));
    let pages = doc.new_object_id();
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages, "Contents" => content,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        "Resources" => dictionary! { "XObject" => dictionary! { "Im0" => dct, "Im1" => flate } },
    });
    doc.objects.insert(
        pages,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
        ),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// `data` with `edits` applied (positions wrap) and cut to `keep` per mille of its length.
fn mutate(mut data: Vec<u8>, edits: &[(usize, u8)], keep: usize) -> Vec<u8> {
    let len = data.len();
    for &(at, b) in edits {
        if let Some(x) = data.get_mut(at % len) {
            *x = b;
        }
    }
    data.truncate(len * keep.clamp(1, 1000) / 1000);
    data
}

#[test]
fn fixtures_are_read_whole() {
    let (w, h, px, gray) = decode_jpeg_dc(&jpeg(64, 48), 1 << 16).unwrap();
    assert_eq!((w, h, px.len(), gray), (8, 6, 8 * 6 * 3, false));
    for c in [1, 8, 32773] {
        let a = analyse(&tiff(c), FileKind::Tiff, &LIMITS).unwrap();
        assert!(a.pages.len() == 1 && a.pages[0].pictured, "compression {c}");
    }
    let a = analyse(&pdf(), FileKind::Pdf, &LIMITS).unwrap();
    assert!(a.pages.len() == 1 && a.pages[0].pictured);
}

fn edits() -> impl Strategy<Value = Vec<(usize, u8)>> {
    proptest::collection::vec((any::<usize>(), any::<u8>()), 1..16)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn jpeg_dc_never_panics_on_arbitrary_bytes(data in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let mut jpg = vec![0xFF, 0xD8];
        jpg.extend(data);
        if let Some((w, h, px, _)) = decode_jpeg_dc(&jpg, 1 << 12) {
            prop_assert_eq!(px.len(), w * h * 3);
        }
    }

    #[test]
    fn jpeg_dc_never_panics_on_mutated_jpegs(e in edits(), keep in 500usize..=1000) {
        let jpg = mutate(jpeg(64, 48), &e, keep);
        if let Some((w, h, px, _)) = decode_jpeg_dc(&jpg, 1 << 12) {
            prop_assert_eq!(px.len(), w * h * 3);
            prop_assert!(w * h <= 1 << 12);
        }
    }

    #[test]
    fn tiff_never_panics_on_arbitrary_bytes(data in proptest::collection::vec(any::<u8>(), 0..2048), be in any::<bool>()) {
        let mut t = if be { b"MM\0*".to_vec() } else { b"II*\0".to_vec() };
        t.extend(data);
        if let Ok(a) = analyse(&t, FileKind::Tiff, &LIMITS) {
            prop_assert!(a.pages.len() <= LIMITS.max_pages);
        }
    }

    #[test]
    fn tiff_never_panics_on_mutated_files(c in prop::sample::select(vec![1u16, 8, 32773]), e in edits(), keep in 500usize..=1000) {
        if let Ok(a) = analyse(&mutate(tiff(c), &e, keep), FileKind::Tiff, &LIMITS) {
            prop_assert!(a.pages.len() <= LIMITS.max_pages);
        }
    }
}

proptest! {
    // A PDF case loads and looks at two images: fewer cases keep the suite quick.
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn pdf_never_panics_on_arbitrary_bytes(data in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let mut p = b"%PDF-1.5\n".to_vec();
        p.extend(data);
        let _ = analyse(&p, FileKind::Pdf, &LIMITS);
    }

    #[test]
    fn pdf_never_panics_on_mutated_files(e in edits(), keep in 500usize..=1000) {
        if let Ok(a) = analyse(&mutate(pdf(), &e, keep), FileKind::Pdf, &LIMITS) {
            prop_assert!(a.pages.len() <= LIMITS.max_pages);
        }
    }
}
