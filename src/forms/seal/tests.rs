//! Unit tests of the pieces: colour test, filters, orientation, the DC-only JPEG path.

use super::content::{inflate, unwrap_filters};
use super::detect::is_red;
use super::raster::{Raster, exif_orientation};

#[test]
fn seal_red_tolerates_scanner_shifts_but_not_other_colours() {
    for red in [
        [215, 30, 40],
        [235, 95, 45],
        [225, 70, 120],
        [235, 175, 175],
        [60, 10, 12],
    ] {
        assert!(is_red(red), "{red:?}");
    }
    for other in [
        [250, 250, 250],
        [20, 20, 20],
        [240, 200, 60],
        [30, 60, 200],
        [200, 60, 200],
        [245, 240, 225],
        [128, 120, 118],
    ] {
        assert!(!is_red(other), "{other:?}");
    }
}

#[test]
fn ascii85_hex_and_flate_filters_unwrap_in_order() {
    let names = |v: &[&str]| v.iter().map(|s| s.as_bytes().to_vec()).collect::<Vec<_>>();
    let (b, rest) =
        unwrap_filters(b"87cURD]i,\"Ebo80~>", &names(&["ASCII85Decode"]), 100).expect("a85");
    assert_eq!(b, b"Hello World!");
    assert!(rest.is_empty());
    let (b, rest) =
        unwrap_filters(b"48 65 6c6C6f>", &names(&["AHx", "DCTDecode"]), 100).expect("hex");
    assert_eq!(b, b"Hello");
    assert_eq!(rest, names(&["DCTDecode"]));
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut z, &[7u8; 10_000]).expect("deflate");
    let z = z.finish().expect("deflate");
    assert_eq!(inflate(&z, 10_000).map(|v| v.len()), Some(10_000));
    assert_eq!(inflate(&z, 9_999), None);
    assert_eq!(inflate(b"garbage", 100), Some(Vec::new()));
}

#[test]
fn orientation_turns_the_raster() {
    // 2×1: red then blue. EXIF 6 (turn clockwise) gives 1×2 with red on top.
    let r = Raster {
        width: 2,
        height: 1,
        rgb: vec![255, 0, 0, 0, 0, 255],
        gray_source: false,
        source_width: 20,
        source_height: 10,
    };
    let t = r.clone().oriented(6);
    assert_eq!(
        (t.width, t.height, t.source_width, t.source_height),
        (1, 2, 10, 20)
    );
    assert_eq!(t.pixel(0, 0), [255, 0, 0]);
    let t = r.clone().oriented(8);
    assert_eq!(t.pixel(0, 0), [0, 0, 255]);
    let t = r.oriented(3);
    assert_eq!(t.pixel(0, 0), [0, 0, 255]);
    assert_eq!(t.pixel(5, 5), [0, 0, 0]);
}

#[test]
fn exif_orientation_is_read_and_garbage_is_not() {
    let mut jpg = vec![0xFF, 0xD8];
    let exif = b"Exif\0\0MM\0*\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\x08\0\0";
    jpg.extend_from_slice(&[0xFF, 0xE1, 0, (exif.len() + 2) as u8]);
    jpg.extend_from_slice(exif);
    jpg.extend_from_slice(&[0xFF, 0xDA, 0, 2]);
    assert_eq!(exif_orientation(&jpg), Some(8));
    assert_eq!(exif_orientation(&jpg[..9]), None);
    assert_eq!(exif_orientation(b"\xFF\xD8\xFF"), None);
}

#[test]
fn dc_only_path_refuses_what_it_cannot_read() {
    assert!(super::jpeg_dc::decode(b"", 100).is_none());
    assert!(
        super::jpeg_dc::decode(b"\xFF\xD8\xFF\xC2\0\x0B\x08\0\x10\0\x10\x01\x01\x11\0", 100)
            .is_none()
    );
    // Declared size beyond the block budget is refused before anything is allocated.
    let sof =
        b"\xFF\xD8\xFF\xC0\0\x0B\x08\xFF\xFF\xFF\xFF\x01\x01\x11\0\xFF\xDA\0\x08\x01\x01\0\0\x3F\0";
    assert!(super::jpeg_dc::decode(sof, 1000).is_none());
}
