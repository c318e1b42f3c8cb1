//! Seal detection on pages drawn in code: seals of every size, rotation, colour shift and JPEG
//! quality are found where they were drawn; red ink that is not a seal, sealless and grayscale
//! pages are not taken for seals; PDFs, PNGs and rotated photos come out upright.
// A test crate: a failed unwrap, expect or panic is the test failing, which is what it should do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "seal/encrypt.rs"]
mod encrypt;
#[path = "seal/encrypted.rs"]
mod encrypted;
#[path = "seal/fixtures.rs"]
mod fixtures;
#[path = "seal/tiff.rs"]
mod tiff;
#[path = "seal/tiff_tests.rs"]
mod tiff_tests;

use fixtures::*;
use lopdf::{Document, Object, Stream, dictionary};
use shenbao::forms::seal::{self, ScanAnalysis, ScanLimits};
use shenbao::message::FileKind;

fn jpeg_analysis(c: &Canvas, q: u8) -> ScanAnalysis {
    seal::analyse(&c.jpeg(q), FileKind::Jpeg, &ScanLimits::default()).expect("analyse")
}

/// Asserts one seal whose box centre lies within 3 % of the page from (fx, fy).
fn assert_seal_at(a: &ScanAnalysis, page: usize, fx: f64, fy: f64, what: &str) {
    let p = &a.pages[page];
    let s = p.seal.unwrap_or_else(|| panic!("{what}: no seal found"));
    assert!(s.confidence >= seal::THRESHOLD, "{what}: {s:?}");
    let (cx, cy) = (s.x + s.w / 2.0, s.y + s.h / 2.0);
    assert!(
        (cx - fx).abs() < 0.03 && (cy - fy).abs() < 0.03,
        "{what}: box {s:?} not at ({fx}, {fy})"
    );
    assert!(!p.grayscale, "{what}: coloured page taken for grayscale");
}

#[test]
fn seals_found_at_every_position_size_rotation_colour_and_quality() {
    let base = Canvas::form_page(1240, 1754, 1);
    let cases = [
        (300.0, 300.0, 35.0, 0.0, RED, 60),
        (900.0, 1400.0, 40.0, 0.5, RED, 90),
        (620.0, 877.0, 45.0, 1.2, ORANGE, 75),
        (950.0, 250.0, 38.0, 2.0, PINK, 80),
        (250.0, 1500.0, 42.0, 3.0, FADED, 70),
        (700.0, 1200.0, 36.0, 4.0, ORANGE, 60),
        (1000.0, 1550.0, 44.0, 5.5, PINK, 85),
        (500.0, 650.0, 40.0, 0.8, FADED, 90),
    ];
    for (cx, cy, mm, turn, colour, q) in cases {
        let mut c = Canvas {
            w: base.w,
            h: base.h,
            rgb: base.rgb.clone(),
        };
        c.seal(cx, cy, mm * PX_MM_150, turn, colour);
        let a = jpeg_analysis(&c, q);
        let what = format!("seal {mm} mm at ({cx}, {cy}) turn {turn} colour {colour:?} q{q}");
        assert_eq!(a.pages.len(), 1);
        assert!(!a.pages[0].landscape);
        assert_eq!((a.pages[0].width, a.pages[0].height), (1240.0, 1754.0));
        assert_seal_at(&a, 0, cx / 1240.0, cy / 1754.0, &what);
        assert_eq!(a.pages[0].seal_count, 1, "{what}");
    }
}

#[test]
fn page_without_seal_has_none() {
    let a = jpeg_analysis(&Canvas::form_page(1240, 1754, 2), 80);
    assert!(a.pages[0].seal.is_none());
    assert!(a.pages[0].pictured);
    assert!(!a.has_seal());
}

#[test]
fn grayscale_scan_of_a_sealed_page_shows_no_seal() {
    let (c, _) = sealed_page_jpeg();
    let a = jpeg_analysis(&c.grayscale(), 80);
    assert!(a.pages[0].seal.is_none());
    assert!(a.pages[0].grayscale);
}

#[test]
fn red_ink_that_is_not_a_seal_never_counts() {
    let mm = PX_MM_150;
    // A red title line, wide and flat.
    let mut title = Canvas::form_page(1240, 1754, 3);
    title.rect(30.0 * mm, 12.0 * mm, 150.0 * mm, 8.0 * mm, RED);
    // A red handwritten-like signature.
    let mut sig = Canvas::form_page(1240, 1754, 4);
    sig.signature(110.0 * mm, 250.0 * mm, mm, RED);
    // Red table borders: a grid of seal-sized square cells.
    let mut grid = Canvas::form_page(1240, 1754, 5);
    for k in 0..5 {
        let v = 30.0 * mm + k as f64 * 40.0 * mm;
        grid.line(v, 60.0 * mm, v, 220.0 * mm, 0.5 * mm, RED);
        let h = 60.0 * mm + k as f64 * 40.0 * mm;
        grid.line(30.0 * mm, h, 190.0 * mm, h, 0.5 * mm, RED);
    }
    // One red square box the size of a seal, with red lettering inside.
    let mut square = Canvas::form_page(1240, 1754, 6);
    let (x, y, s) = (120.0 * mm, 200.0 * mm, 40.0 * mm);
    for (a, b, c, d) in [
        (x, y, x + s, y),
        (x, y + s, x + s, y + s),
        (x, y, x, y + s),
        (x + s, y, x + s, y + s),
    ] {
        square.line(a, b, c, d, 0.8 * mm, RED);
    }
    square.rect(x + 8.0 * mm, y + 15.0 * mm, 24.0 * mm, 5.0 * mm, RED);
    for (name, c) in [
        ("title", title),
        ("signature", sig),
        ("grid", grid),
        ("square", square),
    ] {
        for q in [60, 90] {
            let a = jpeg_analysis(&c, q);
            assert!(
                a.pages[0].seal.is_none(),
                "{name} q{q} taken for a seal: {:?}",
                a.pages[0].seal
            );
            assert!(!a.pages[0].grayscale, "{name}: red ink is colour");
        }
    }
}

#[test]
fn seal_over_dense_black_text_is_found() {
    let mut c = Canvas::form_page(1240, 1754, 8);
    let mm = PX_MM_150;
    for row in 0..10 {
        for col in 0..14 {
            // A glyph of three bars and a stem, about half its cell inked, like bold text.
            let (x, y) = (
                100.0 * mm + col as f64 * 4.0 * mm,
                160.0 * mm + row as f64 * 5.0 * mm,
            );
            for bar in 0..3 {
                c.rect(
                    x,
                    y + bar as f64 * 1.5 * mm,
                    3.2 * mm,
                    0.6 * mm,
                    [20, 20, 20],
                );
            }
            c.rect(x + 1.3 * mm, y, 0.6 * mm, 3.6 * mm, [20, 20, 20]);
        }
    }
    c.seal(125.0 * mm, 185.0 * mm, 40.0 * mm, 0.2, RED);
    let a = jpeg_analysis(&c, 75);
    assert_seal_at(&a, 0, 125.0 / 210.0, 185.0 * mm / 1754.0, "seal over text");
}

#[test]
fn pdf_pages_are_analysed_one_by_one() {
    let (_, sealed) = sealed_page_jpeg();
    let plain = Canvas::form_page(1240, 1754, 9).jpeg(80);
    let page = |jpeg: Vec<u8>| PdfPage {
        jpeg,
        px: (1240, 1754),
        media: A4,
        text: None,
        rotate: 0,
    };
    let one = pdf(&[page(sealed.clone())]);
    let a = seal::analyse(&one, FileKind::Pdf, &ScanLimits::default()).expect("one page");
    assert_eq!(a.pages.len(), 1);
    assert_seal_at(&a, 0, 900.0 / 1240.0, 1400.0 / 1754.0, "one-page pdf");
    assert!((a.pages[0].width - A4.0).abs() < 0.1);

    let (gray, _) = sealed_page_jpeg();
    let several = pdf(&[page(plain), page(sealed), page(gray.grayscale().jpeg(80))]);
    let a = seal::analyse(&several, FileKind::Pdf, &ScanLimits::default()).expect("three pages");
    assert_eq!(a.pages.len(), 3);
    assert!(a.pages[0].seal.is_none() && a.pages[0].pictured);
    assert_seal_at(&a, 1, 900.0 / 1240.0, 1400.0 / 1754.0, "second page");
    assert!(a.pages[2].seal.is_none() && a.pages[2].grayscale);
    assert!(a.has_seal());
    assert!(a.text.is_empty());
}

#[test]
fn pdf_text_layer_comes_with_the_seal() {
    let (_, sealed) = sealed_page_jpeg();
    let doc = pdf(&[PdfPage {
        jpeg: sealed,
        px: (1240, 1754),
        media: A4,
        text: Some("Quality project".into()),
        rotate: 0,
    }]);
    let a = seal::analyse(&doc, FileKind::Pdf, &ScanLimits::default()).expect("text pdf");
    assert!(a.text.contains("Quality project"), "text: {:?}", a.text);
    assert_seal_at(&a, 0, 900.0 / 1240.0, 1400.0 / 1754.0, "text pdf");
}

#[test]
fn landscape_pages_by_shape_and_by_rotate() {
    let mut c = Canvas::form_page(1754, 1240, 10);
    c.seal(1400.0, 900.0, 40.0 * PX_MM_150, 1.0, RED);
    let a = jpeg_analysis(&c, 80);
    assert!(a.pages[0].landscape);
    assert_seal_at(&a, 0, 1400.0 / 1754.0, 900.0 / 1240.0, "landscape jpeg");
    let doc = pdf(&[PdfPage {
        jpeg: c.jpeg(80),
        px: (1754, 1240),
        media: (A4.1, A4.0),
        text: None,
        rotate: 0,
    }]);
    let a = seal::analyse(&doc, FileKind::Pdf, &ScanLimits::default()).expect("landscape pdf");
    assert!(a.pages[0].landscape);
    assert_seal_at(&a, 0, 1400.0 / 1754.0, 900.0 / 1240.0, "landscape pdf");
    // A portrait scan shown with /Rotate 90 is landscape; the seal turns with the page.
    let (_, sealed) = sealed_page_jpeg();
    let doc = pdf(&[PdfPage {
        jpeg: sealed,
        px: (1240, 1754),
        media: A4,
        text: None,
        rotate: 90,
    }]);
    let a = seal::analyse(&doc, FileKind::Pdf, &ScanLimits::default()).expect("rotated pdf");
    assert!(a.pages[0].landscape);
    assert_seal_at(&a, 0, 1.0 - 1400.0 / 1754.0, 900.0 / 1240.0, "rotate 90");
}

#[test]
fn rotated_photo_comes_out_upright() {
    // The page as seen: portrait 3000×4000 with the seal lower right; the camera stored it turned.
    let mut c = Canvas::form_page(3000, 4000, 11);
    let mm = 3000.0 / 210.0;
    c.seal(2200.0, 3200.0, 40.0 * mm, 0.7, ORANGE);
    let stored = c.turned_ccw();
    assert_eq!((stored.w, stored.h), (4000, 3000));
    let jpeg = with_exif_orientation(&stored.jpeg(85), 6);
    let a = seal::analyse(&jpeg, FileKind::Jpeg, &ScanLimits::default()).expect("photo");
    assert_eq!((a.pages[0].width, a.pages[0].height), (3000.0, 4000.0));
    assert!(!a.pages[0].landscape);
    assert_seal_at(&a, 0, 2200.0 / 3000.0, 3200.0 / 4000.0, "exif 6 photo");
}

#[test]
fn png_scan_is_read() {
    let (c, _) = sealed_page_jpeg();
    let a = seal::analyse(&c.png(), FileKind::Png, &ScanLimits::default()).expect("png");
    assert_seal_at(&a, 0, 900.0 / 1240.0, 1400.0 / 1754.0, "png");
}

#[test]
fn flate_image_in_pdf_is_read() {
    let (c, _) = sealed_page_jpeg();
    let mut doc = Document::with_version("1.5");
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut enc, &c.rgb).expect("deflate");
    let img = doc.add_object(Stream::new(
        dictionary! { "Type" => "XObject", "Subtype" => "Image", "Width" => 1240, "Height" => 1754,
        "ColorSpace" => "DeviceRGB", "BitsPerComponent" => 8, "Filter" => "FlateDecode" },
        enc.finish().expect("deflate"),
    ));
    // The image sits in a form XObject, and the page inherits its resources from the tree.
    let form = doc.add_object(Stream::new(
        dictionary! { "Type" => "XObject", "Subtype" => "Form", "BBox" => vec![0.into(), 0.into(), 1.into(), 1.into()],
            "Resources" => dictionary! { "XObject" => dictionary! { "Im1" => img } } },
        b"/Im1 Do".to_vec(),
    ));
    let content = doc.add_object(Stream::new(
        dictionary! {},
        format!("q {} 0 0 {} 0 0 cm /Fm0 Do Q", A4.0, A4.1).into_bytes(),
    ));
    finish_pdf(
        &mut doc,
        content,
        dictionary! { "XObject" => dictionary! { "Fm0" => form } },
        true,
    );
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    let a = seal::analyse(&out, FileKind::Pdf, &ScanLimits::default()).expect("flate pdf");
    assert_seal_at(
        &a,
        0,
        900.0 / 1240.0,
        1400.0 / 1754.0,
        "flate image in form",
    );
    // A tight inflate limit refuses the image instead of inflating it.
    let tight = ScanLimits {
        max_flate_bytes: 1000,
        ..ScanLimits::default()
    };
    let a = seal::analyse(&out, FileKind::Pdf, &tight).expect("limited");
    assert!(a.pages[0].seal.is_none());
}

/// Completes a one-page PDF; `inherit` puts the resources on the page tree rather than the page.
fn finish_pdf(
    doc: &mut Document,
    content: lopdf::ObjectId,
    resources: lopdf::Dictionary,
    inherit: bool,
) {
    let pages_id = doc.new_object_id();
    let mut page = dictionary! { "Type" => "Page", "Parent" => pages_id, "Contents" => content };
    let mut pages = dictionary! {
        "Type" => "Pages", "Count" => 1,
        "MediaBox" => vec![0.into(), 0.into(), Object::Real(A4.0 as f32), Object::Real(A4.1 as f32)],
    };
    if inherit {
        pages.set("Resources", resources);
    } else {
        page.set("Resources", resources);
    }
    let page = doc.add_object(page);
    pages.set("Kids", vec![Object::Reference(page)]);
    doc.objects.insert(pages_id, Object::Dictionary(pages));
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
}

/// A circle of radius r around (x, y) as four Bézier curves.
fn circle(x: f64, y: f64, r: f64) -> String {
    let k = 0.5523 * r;
    format!(
        "{} {} m {} {} {} {} {} {} c {} {} {} {} {} {} c {} {} {} {} {} {} c {} {} {} {} {} {} c ",
        x + r,
        y,
        x + r,
        y + k,
        x + k,
        y + r,
        x,
        y + r,
        x - k,
        y + r,
        x - r,
        y + k,
        x - r,
        y,
        x - r,
        y - k,
        x - k,
        y - r,
        x,
        y - r,
        x + k,
        y - r,
        x + r,
        y - k,
        x + r,
        y
    )
}

#[test]
fn vector_seal_counts_and_vector_table_borders_do_not() {
    let mm = 72.0 / 25.4;
    let (x, y) = (400.0, 200.0);
    let seal = format!(
        "0.9 0.1 0.1 RG 2 w {} S 0.9 0.1 0.1 rg {} f {} f {} {} m {} {} l {} {} l h f",
        circle(x, y, 20.0 * mm),
        circle(x, y, 19.0 * mm),
        circle(x, y - 12.0 * mm, 1.0 * mm),
        x,
        y + 6.0 * mm,
        x - 5.0 * mm,
        y - 4.0 * mm,
        x + 5.0 * mm,
        y - 4.0 * mm
    );
    let borders = format!(
        "1 0 0 RG 1 w 100 500 {s} {s} re S 200 500 {s} {s} re S",
        s = 40.0 * mm
    );
    for (ops, want) in [(seal, true), (borders, false)] {
        let mut doc = Document::with_version("1.5");
        let content = doc.add_object(Stream::new(dictionary! {}, ops.into_bytes()));
        finish_pdf(&mut doc, content, dictionary! {}, false);
        let mut out = Vec::new();
        doc.save_to(&mut out).expect("save");
        let a = seal::analyse(&out, FileKind::Pdf, &ScanLimits::default()).expect("vector pdf");
        assert_eq!(a.pages[0].seal.is_some(), want, "{:?}", a.pages[0]);
        if let Some(s) = a.pages[0].seal {
            assert!(s.vector);
            assert!((s.x + s.w / 2.0 - x / A4.0).abs() < 0.02);
            assert!((s.y + s.h / 2.0 - (1.0 - y / A4.1)).abs() < 0.02);
        }
    }
}

#[test]
fn text_only_pdf_page_is_not_pictured() {
    let mut doc = Document::with_version("1.5");
    let font = doc.add_object(
        dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica" },
    );
    let content = doc.add_object(Stream::new(
        dictionary! {},
        b"BT /F1 12 Tf 50 700 Td (Summary) Tj ET".to_vec(),
    ));
    finish_pdf(
        &mut doc,
        content,
        dictionary! { "Font" => dictionary! { "F1" => font } },
        false,
    );
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    let a = seal::analyse(&out, FileKind::Pdf, &ScanLimits::default()).expect("text pdf");
    assert!(!a.pages[0].pictured && a.pages[0].seal.is_none() && !a.pages[0].grayscale);
    assert!(a.text.contains("Summary"));
}

#[test]
fn evidence_png_boxes_the_seal() {
    let (_, sealed) = sealed_page_jpeg();
    let doc = pdf(&[PdfPage {
        jpeg: sealed.clone(),
        px: (1240, 1754),
        media: A4,
        text: None,
        rotate: 0,
    }]);
    for (data, kind) in [(sealed, FileKind::Jpeg), (doc, FileKind::Pdf)] {
        let png = seal::render_evidence(&data, kind, 0, &ScanLimits::default()).expect("evidence");
        let mut dec = png::Decoder::new(png.as_slice())
            .read_info()
            .expect("png info");
        let mut buf = vec![0; dec.output_buffer_size()];
        let info = dec.next_frame(&mut buf).expect("png frame");
        let (w, h) = (info.width as usize, info.height as usize);
        assert!(w.min(h) >= 300 && h > w, "{w}×{h}");
        // Green box pixels sit around the seal, none far from it.
        let green: Vec<(usize, usize)> = (0..w * h)
            .filter(|&i| buf[i * 3] == 0 && buf[i * 3 + 1] == 200 && buf[i * 3 + 2] == 60)
            .map(|i| (i % w, i / w))
            .collect();
        assert!(green.len() > 100, "{kind:?}: no box drawn");
        let (cx, cy) = (900.0 / 1240.0 * w as f64, 1400.0 / 1754.0 * h as f64);
        let r = 0.15 * w as f64;
        assert!(
            green
                .iter()
                .all(|&(x, y)| (x as f64 - cx).abs() < r && (y as f64 - cy).abs() < r)
        );
    }
    assert!(
        seal::render_evidence(b"%PDF-1.4 junk", FileKind::Pdf, 0, &ScanLimits::default()).is_err()
    );
}

#[test]
fn broken_and_hostile_files_fail_cleanly() {
    let (_, sealed) = sealed_page_jpeg();
    let l = ScanLimits::default();
    for cut in [3, 100, sealed.len() / 2] {
        let _ = seal::analyse(&sealed[..cut], FileKind::Jpeg, &l);
    }
    assert!(seal::analyse(b"\x89PNG\r\n\x1a\nxx", FileKind::Png, &l).is_err());
    assert!(seal::analyse(b"not a pdf", FileKind::Pdf, &l).is_err());
    assert!(seal::analyse(b"x", FileKind::Docx, &l).is_err());
    let tiny = ScanLimits {
        max_image_pixels: 1000,
        ..ScanLimits::default()
    };
    assert!(matches!(
        seal::analyse(&sealed, FileKind::Jpeg, &tiny),
        Err(shenbao::forms::ReadError::TooLarge(_))
    ));
}

#[test]
fn seal_stamped_half_off_the_page_edge_is_found() {
    let mm = PX_MM_150;
    // Centre 1 mm inside the right edge, then 1 mm inside the bottom edge: half the ring shows.
    for (cx, cy, what) in [
        (1240.0 - mm, 900.0, "right edge"),
        (700.0, 1754.0 - mm, "bottom edge"),
    ] {
        let mut c = Canvas::form_page(1240, 1754, 12);
        c.seal(cx, cy, 42.0 * mm, 0.9, RED);
        let a = jpeg_analysis(&c, 75);
        let s = a.pages[0].seal.unwrap_or_else(|| panic!("{what}: no seal"));
        let (bx, by) = ((s.x + s.w / 2.0) * 1240.0, (s.y + s.h / 2.0) * 1754.0);
        assert!(
            (bx - cx).abs() < 21.0 * mm && (by - cy).abs() < 21.0 * mm,
            "{what}: {s:?}"
        );
    }
    // A red rule running off the page is still no seal.
    let mut c = Canvas::form_page(1240, 1754, 13);
    c.line(1000.0, 900.0, 1240.0, 900.0, 0.8 * mm, RED);
    c.line(1100.0, 860.0, 1240.0, 860.0, 0.8 * mm, RED);
    assert!(jpeg_analysis(&c, 75).pages[0].seal.is_none());
}

#[test]
fn red_square_frame_with_red_lettering_is_no_seal() {
    // Found by the recall bench: a 40 mm red frame with a line of red characters inside, 200 dpi.
    let mut c = Canvas::form_page(1654, 2339, 54);
    let mm = 1654.0 / 210.0;
    let (x, y, s) = (120.0 * mm, 200.0 * mm, 40.0 * mm);
    for (a, b, cc, d) in [
        (x, y, x + s, y),
        (x, y + s, x + s, y + s),
        (x, y, x, y + s),
        (x + s, y, x + s, y + s),
    ] {
        c.line(a, b, cc, d, 0.8 * mm, [230, 25, 35]);
    }
    c.text_line(x + 6.0 * mm, y + 15.0 * mm, 6.0 * mm, 4, [230, 25, 35]);
    let a = jpeg_analysis(&c, 92);
    assert!(a.pages[0].seal.is_none(), "{:?}", a.pages[0].seal);
}
