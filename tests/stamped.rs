//! End-to-end: stamped versions are looked at. Forms are counted by their sealed pages, and a
//! stamped version in which no seal can be seen is flagged for the division.
// A test crate: a failed unwrap, expect or panic is the test failing, which is what it should do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
#[path = "seal/encrypt.rs"]
mod encrypt;
#[path = "seal/tiff.rs"]
mod tiff;

use common::draw::{Canvas, PdfPage, RED};
use common::*;
use shenbao::config::Config;
use shenbao::pipeline;
use shenbao::rules::Severity;
use shenbao::verdict::{Judge, Outcome, Verdict};

const UNIT: &str = "河西区市场监管局";
const SENDER: &str = "hxqscjgj@tj.gov.cn";

fn check(files: &[(String, Vec<u8>)]) -> Outcome {
    let cfg = Config::load(None).unwrap();
    let mut judge = Judge::new((&cfg.campaign).into(), Vec::new());
    let when = chrono::DateTime::parse_from_rfc3339("2023-04-20T09:00:00+08:00").unwrap();
    let raw = email(SENDER, "申报材料", "请查收。", &refs(files));
    pipeline::process(&mut judge, &raw, when, &cfg.limits).1
}

/// A 100 dpi page of a printed form, sealed or not.
fn page(landscape: bool, sealed: bool, seed: u64) -> PdfPage {
    let (w, h) = if landscape { (1169, 827) } else { (827, 1169) };
    let mut c = Canvas::form_page(w, h, seed);
    if sealed {
        let mm = w.min(h) as f64 / 210.0;
        c.seal(w as f64 * 0.68, h as f64 * 0.8, 42.0 * mm, 1.1, RED);
    }
    PdfPage {
        jpeg: c.jpeg(85),
        px: (w, h),
        media: if landscape {
            (841.89, 595.28)
        } else {
            (595.28, 841.89)
        },
        text: None,
        rotate: 0,
    }
}

fn word_files(files: Vec<(String, Vec<u8>)>) -> Vec<(String, Vec<u8>)> {
    files
        .into_iter()
        .filter(|(n, _)| !n.ends_with(".pdf"))
        .collect()
}

#[test]
fn one_pdf_holding_every_stamped_form_completes_the_unit() {
    let forms = [Form::new(0, UNIT), Form::new(1, UNIT)];
    let mut files = word_files(complete_submission(UNIT, &forms));
    // Two two-page application forms sealed on their last page, then the summary.
    let pages = [
        page(false, false, 1),
        page(false, true, 2),
        page(false, false, 3),
        page(false, true, 4),
        page(true, true, 5),
    ];
    files.push(("scan001.pdf".into(), draw::pdf(&pages)));
    let o = check(&files);
    assert_eq!(o.verdict, Verdict::Accepted, "{:#?}", o.problems);
    assert!(o.codes(Severity::Warning).is_empty(), "{:#?}", o.problems);
    let scan = o.attachments.iter().find(|a| a.name == "scan001.pdf");
    assert_eq!(scan.map(|a| a.pages.len()), Some(5));
}

#[test]
fn one_sealed_form_in_a_pdf_does_not_stand_for_two() {
    let forms = [Form::new(0, UNIT), Form::new(1, UNIT)];
    let mut files = word_files(complete_submission(UNIT, &forms));
    files.push((
        "scan001.pdf".into(),
        draw::pdf(&[page(false, false, 1), page(false, true, 2)]),
    ));
    files.push(("scan002.pdf".into(), landscape()));
    let o = check(&files);
    assert_eq!(o.verdict, Verdict::Rejected);
    assert_eq!(o.codes(Severity::Error), ["missing_application_stamped"]);
}

#[test]
fn a_form_scanned_into_two_files_counts_once() {
    let forms = [Form::new(0, UNIT)];
    let mut files = word_files(complete_submission(UNIT, &forms));
    files.push(("scan001.pdf".into(), draw::pdf(&[page(false, false, 1)])));
    files.push(("scan002.pdf".into(), draw::pdf(&[page(false, true, 2)])));
    files.push(("scan003.pdf".into(), landscape()));
    let o = check(&files);
    assert_eq!(o.verdict, Verdict::Accepted, "{:#?}", o.problems);
    assert!(o.codes(Severity::Warning).is_empty(), "{:#?}", o.problems);
}

#[test]
fn a_stamped_version_without_seal_is_flagged_but_counted() {
    let forms = [Form::new(0, UNIT)];
    let mut files = complete_submission(UNIT, &forms);
    for (name, data) in files.iter_mut() {
        if name.contains("汇总") && name.ends_with(".pdf") {
            *data = scan(true, false);
        }
    }
    let o = check(&files);
    assert_eq!(o.verdict, Verdict::Accepted, "{:#?}", o.problems);
    assert_eq!(o.codes(Severity::Warning), ["stamp_not_detected"]);
    let p = o
        .problems
        .iter()
        .find(|p| p.code.as_str() == "stamp_not_detected");
    assert!(
        p.and_then(|p| p.file.as_deref())
            .is_some_and(|f| f.contains("汇总"))
    );
}

#[test]
fn a_grayscale_scan_is_flagged_as_such() {
    let forms = [Form::new(0, UNIT)];
    let mut files = complete_submission(UNIT, &forms);
    let mut c = Canvas::form_page(827, 1169, 9);
    c.seal(560.0, 930.0, 160.0, 0.2, RED);
    let gray = c.grayscale();
    let pdf = draw::pdf(&[PdfPage {
        jpeg: gray.jpeg(85),
        px: (827, 1169),
        media: (595.28, 841.89),
        text: None,
        rotate: 0,
    }]);
    for (name, data) in files.iter_mut() {
        if !name.contains("汇总") && name.ends_with(".pdf") {
            *data = pdf.clone();
        }
    }
    let o = check(&files);
    assert_eq!(o.codes(Severity::Warning), ["stamp_not_detected"]);
    assert!(o.problems.iter().any(|p| p.message.contains("黑白")));
}

/// A 100 dpi page of a printed form, sealed or not, as raw RGB for a TIFF.
fn tiff_page(landscape: bool, sealed: bool, seed: u64, comp: tiff::Comp) -> tiff::TiffPage {
    let (w, h) = if landscape { (1169, 827) } else { (827, 1169) };
    let mut c = Canvas::form_page(w, h, seed);
    if sealed {
        let mm = w.min(h) as f64 / 210.0;
        c.seal(w as f64 * 0.68, h as f64 * 0.8, 42.0 * mm, 1.1, RED);
    }
    let mut p = tiff::TiffPage::rgb(w, h, c.rgb, comp);
    p.dpi = (100, 100);
    p.rows_per_strip = 16;
    p
}

#[test]
fn tiff_scans_are_stamped_versions_and_complete_the_unit() {
    use tiff::Comp;
    let forms = [Form::new(0, UNIT), Form::new(1, UNIT)];
    let mut files = word_files(complete_submission(UNIT, &forms));
    // An office scanner's multi-page LZW TIFF of both application forms (sealed on their last
    // page), and the summary alone as JPEG-in-TIFF; names say nothing.
    let applications = [
        tiff_page(false, false, 1, Comp::Lzw),
        tiff_page(false, true, 2, Comp::Lzw),
        tiff_page(false, false, 3, Comp::PackBits),
        tiff_page(false, true, 4, Comp::PackBits),
    ];
    files.push(("SCAN0001.TIF".into(), tiff::tiff(&applications, false)));
    files.push((
        "SCAN0002.TIF".into(),
        tiff::tiff(&[tiff_page(true, true, 5, Comp::JpegTables)], true),
    ));
    let o = check(&files);
    assert_eq!(o.verdict, Verdict::Accepted, "{:#?}", o.problems);
    assert!(o.codes(Severity::Warning).is_empty(), "{:#?}", o.problems);
    let scan = o.attachments.iter().find(|a| a.name == "SCAN0001.TIF");
    assert_eq!(scan.map(|a| a.pages.len()), Some(4));
}

#[test]
fn a_faxed_stamped_version_counts_and_is_flagged_black_and_white() {
    let forms = [Form::new(0, UNIT)];
    let mut files = complete_submission(UNIT, &forms);
    for (name, data) in files.iter_mut() {
        if name.contains("汇总") && name.ends_with(".pdf") {
            *name = "传真.tif".into();
            let mut fax = tiff::TiffPage::fax();
            // The summary is faxed sideways: a landscape sheet at 204×196 dpi.
            (fax.w, fax.h, fax.dpi) = (2339, 1728, (204, 196));
            *data = tiff::tiff(&[fax], false);
        }
    }
    let o = check(&files);
    assert_eq!(o.verdict, Verdict::Accepted, "{:#?}", o.problems);
    assert_eq!(o.codes(Severity::Warning), ["stamp_not_detected"]);
    assert!(o.problems.iter().any(|p| p.message.contains("黑白")));
}

#[test]
fn an_encrypted_pdf_that_opens_without_a_password_is_read_like_any_other() {
    let forms = [Form::new(0, UNIT)];
    let mut files = complete_submission(UNIT, &forms);
    for (name, data) in files.iter_mut() {
        if name.ends_with(".pdf") {
            *data = encrypt::encrypt(data, encrypt::Rev::Aes256, "");
        }
    }
    let o = check(&files);
    assert_eq!(o.verdict, Verdict::Accepted, "{:#?}", o.problems);
    assert!(o.codes(Severity::Warning).is_empty(), "{:#?}", o.problems);
}

#[test]
fn a_pdf_that_needs_a_password_is_unreadable() {
    let forms = [Form::new(0, UNIT)];
    let mut files = complete_submission(UNIT, &forms);
    for (name, data) in files.iter_mut() {
        if name.contains("汇总") && name.ends_with(".pdf") {
            *data = encrypt::encrypt(data, encrypt::Rev::Rc4_128, "1234");
        }
    }
    let o = check(&files);
    assert_eq!(o.verdict, Verdict::Rejected);
    let p = o
        .problems
        .iter()
        .find(|p| p.code.as_str() == "unreadable_attachment")
        .unwrap_or_else(|| panic!("{:#?}", o.problems));
    assert!(p.message.contains("加密"), "{}", p.message);
}
