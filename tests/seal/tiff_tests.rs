//! TIFF scans: every compression scanners and fax gateways write, several pages, fax pages
//! with tall pixels, and hostile files.

use super::fixtures::*;
use super::tiff::{Body, Comp, TiffPage, tiff};
use shenbao::forms::seal::{self, ScanLimits};
use shenbao::message::{FileKind, sniff};

fn sealed_canvas() -> Canvas {
    let (c, _) = sealed_page_jpeg();
    c
}

fn analyse(data: &[u8]) -> seal::ScanAnalysis {
    assert_eq!(sniff(data), FileKind::Tiff);
    seal::analyse(data, FileKind::Tiff, &ScanLimits::default()).expect("tiff analyses")
}

#[test]
fn tiff_scans_in_every_compression_show_their_seal() {
    let c = sealed_canvas();
    let cases = [
        ("uncompressed", Comp::None, false, None, false),
        ("packbits", Comp::PackBits, false, None, true),
        ("lzw", Comp::Lzw, false, None, false),
        ("lzw+predictor", Comp::Lzw, true, None, true),
        ("deflate+predictor", Comp::Deflate, true, None, false),
        ("lzw tiles", Comp::Lzw, false, Some(256), false),
        ("jpeg strips", Comp::Jpeg, false, None, false),
        ("jpeg shared tables", Comp::JpegTables, false, None, true),
        ("jpeg tiles", Comp::JpegTables, false, Some(256), false),
    ];
    for (what, comp, predictor, tile, be) in cases {
        let mut page = TiffPage::rgb(c.w, c.h, c.rgb.clone(), comp);
        page.predictor = predictor;
        page.tile = tile;
        if matches!(comp, Comp::Jpeg | Comp::JpegTables) {
            page.rows_per_strip = 16;
        }
        let a = analyse(&tiff(&[page], be));
        assert_eq!(a.pages.len(), 1, "{what}");
        let p = &a.pages[0];
        assert_eq!((p.width, p.height), (1240.0, 1754.0), "{what}");
        assert!(!p.landscape && !p.grayscale && p.pictured, "{what}: {p:?}");
        let s = p.seal.unwrap_or_else(|| panic!("{what}: no seal"));
        let (cx, cy) = (s.x + s.w / 2.0, s.y + s.h / 2.0);
        assert!(
            (cx - 900.0 / 1240.0).abs() < 0.03 && (cy - 1400.0 / 1754.0).abs() < 0.03,
            "{what}: {s:?}"
        );
    }
}

#[test]
fn palette_tiff_shows_its_seal() {
    let c = sealed_canvas();
    let page = TiffPage {
        body: Body::Palette(c.rgb.clone()),
        ..TiffPage::rgb(c.w, c.h, Vec::new(), Comp::Lzw)
    };
    let a = analyse(&tiff(&[page], false));
    assert!(a.pages[0].seal.is_some(), "{:?}", a.pages[0]);
}

#[test]
fn multi_page_tiff_counts_pages_and_reports_fax_pages_as_black_and_white() {
    let sealed = sealed_canvas();
    let plain = Canvas::form_page(1240, 1754, 21);
    let gray = sealed.grayscale();
    let pages = [
        TiffPage::rgb(plain.w, plain.h, plain.rgb.clone(), Comp::Lzw),
        TiffPage::rgb(sealed.w, sealed.h, sealed.rgb.clone(), Comp::PackBits),
        TiffPage::fax(),
        TiffPage {
            body: Body::Gray(gray.rgb.chunks_exact(3).map(|p| p[0]).collect()),
            ..TiffPage::rgb(gray.w, gray.h, Vec::new(), Comp::Lzw)
        },
    ];
    let a = analyse(&tiff(&pages, false));
    assert_eq!(a.pages.len(), 4);
    assert!(a.pages[0].seal.is_none() && a.pages[0].pictured);
    assert!(a.pages[1].seal.is_some());
    for p in &a.pages[2..] {
        assert!(p.grayscale && p.pictured && p.seal.is_none(), "{p:?}");
        // A fax page of 1728×1143 pixels at 204×98 dpi is an upright A4 sheet.
        assert!(!p.landscape, "{p:?}");
    }
    assert!(a.has_seal());
}

#[test]
fn hostile_tiffs_fail_cleanly() {
    let c = sealed_canvas();
    let good = tiff(&[TiffPage::rgb(c.w, c.h, c.rgb.clone(), Comp::Lzw)], false);
    let l = ScanLimits::default();
    for cut in [
        4,
        8,
        9,
        100,
        good.len() / 2,
        good.len() - 20,
        good.len() - 1,
    ] {
        let _ = seal::analyse(&good[..cut], FileKind::Tiff, &l);
    }
    // Flipped bytes all over the directory never panic.
    for i in (good.len() - 300..good.len()).step_by(3) {
        let mut bad = good.clone();
        bad[i] ^= 0xA5;
        let _ = seal::analyse(&bad, FileKind::Tiff, &l);
    }
    assert!(seal::analyse(b"II*\0\x08\0\0\0", FileKind::Tiff, &l).is_err());
    // A directory that points at itself is read once.
    let mut looped = b"II*\0\x08\0\0\0\x01\0".to_vec();
    looped.extend_from_slice(&[0, 1, 4, 0, 1, 0, 0, 0, 0x10, 0, 0, 0]); // width 16
    looped.extend_from_slice(&[8, 0, 0, 0]);
    assert!(seal::analyse(&looped, FileKind::Tiff, &l).is_err());
    // A declared size past the pixel limit is refused before anything is allocated.
    let tiny = ScanLimits {
        max_image_pixels: 1000,
        ..ScanLimits::default()
    };
    assert!(matches!(
        seal::analyse(&good, FileKind::Tiff, &tiny),
        Err(shenbao::forms::ReadError::TooLarge(_))
    ));
}
