//! The attachment cap: what is kept when an email holds more files than are read.

use super::*;
use crate::message::archive::tests::{ZipSpec, zip_bytes};

fn limits(max: usize) -> Limits {
    Limits {
        max_attachments: max,
        ..Limits::default()
    }
}

fn docx() -> Vec<u8> {
    zip_bytes(&[
        ZipSpec::stored("[Content_Types].xml", b"x"),
        ZipSpec::stored("word/document.xml", b"<w/>"),
    ])
}

fn png(size: usize) -> Vec<u8> {
    let mut d = b"\x89PNG\r\n\x1a\n".to_vec();
    d.resize(size, 0);
    d
}

fn add(c: &mut Collector<'_>, name: &str, data: Vec<u8>) {
    c.add_file(name.to_string(), None, data, 0);
}

fn read_names<'a>(c: &'a Collector<'_>) -> Vec<&'a str> {
    c.out
        .iter()
        .filter(|a| a.problem != Some(FileProblem::Skipped))
        .map(|a| a.name.as_str())
        .collect()
}

#[test]
fn junk_before_the_forms_is_what_is_left_out_past_the_cap() {
    let l = limits(5);
    let mut c = Collector::new(&l);
    for i in 0..8 {
        add(&mut c, &format!("说明{i}.txt"), b"junk".to_vec());
    }
    add(&mut c, "申报表.docx", docx());
    add(&mut c, "汇总表（盖章）.pdf", b"%PDF-1.4\n".to_vec());
    let read = read_names(&c);
    assert!(read.contains(&"申报表.docx"), "{read:?}");
    assert!(read.contains(&"汇总表（盖章）.pdf"), "{read:?}");
    assert_eq!(read.len(), 5);
    // Every file is listed, the ones left out without their bytes.
    assert_eq!(c.out.len(), 10);
    assert!(
        c.out
            .iter()
            .filter(|a| a.problem == Some(FileProblem::Skipped))
            .all(|a| a.data.is_empty() && a.name.ends_with(".txt"))
    );
    assert_eq!(c.too_many(), Some(TooMany { found: 10, read: 5 }));
}

#[test]
fn larger_images_are_kept_over_small_ones_and_forms_over_both() {
    let l = limits(3);
    let mut c = Collector::new(&l);
    for i in 0..3 {
        add(&mut c, &format!("image00{i}.png"), png(100));
    }
    add(&mut c, "盖章版.png", png(50_000));
    add(&mut c, "申报表.docx", docx());
    add(&mut c, "logo.png", png(80));
    let read = read_names(&c);
    assert_eq!(read.len(), 3);
    assert!(read.contains(&"盖章版.png") && read.contains(&"申报表.docx"));
    assert!(!read.contains(&"logo.png"));
}

#[test]
fn forms_past_the_cap_are_listed_not_read_and_told() {
    let l = limits(2);
    let mut c = Collector::new(&l);
    for i in 0..3 {
        add(&mut c, &format!("申报表{i}.docx"), docx());
    }
    assert_eq!(read_names(&c), ["申报表0.docx", "申报表1.docx"]);
    let last = c.out.last().unwrap();
    assert_eq!(
        (last.name.as_str(), &last.problem),
        ("申报表2.docx", &Some(FileProblem::Skipped))
    );
    assert_eq!(c.too_many(), Some(TooMany { found: 3, read: 2 }));
}

#[test]
fn under_the_cap_nothing_is_said() {
    let l = limits(3);
    let mut c = Collector::new(&l);
    add(&mut c, "a.txt", b"x".to_vec());
    add(&mut c, "b.docx", docx());
    add(&mut c, "c.txt", b"x".to_vec());
    assert_eq!(c.too_many(), None);
}

#[test]
fn system_metadata_is_listed_but_never_counted() {
    let l = limits(2);
    let mut c = Collector::new(&l);
    for i in 0..5 {
        add(
            &mut c,
            &format!("__MACOSX/材料/._{i}.docx"),
            b"\0\x05\x16\x07junk".to_vec(),
        );
    }
    add(&mut c, "Thumbs.db", Vec::new());
    add(&mut c, "申报表.docx", docx());
    assert_eq!(c.too_many(), None);
    assert_eq!(c.out.len(), 7);
    assert!(c.out.iter().all(|a| a.problem.is_none()));
}

#[test]
fn hostile_counts_are_listed_up_to_a_bound_and_counted_past_it() {
    let l = limits(2);
    let mut c = Collector::new(&l);
    for i in 0..1000 {
        add(&mut c, &format!("{i}.txt"), b"x".to_vec());
    }
    assert_eq!(c.out.len(), 2 * LIST_FACTOR);
    assert_eq!(
        c.too_many(),
        Some(TooMany {
            found: 1000,
            read: 2
        })
    );
}

#[test]
fn a_signature_listed_as_nothing_is_never_taken_for_a_file_read() {
    let l = limits(2);
    let mut c = Collector::new(&l);
    c.add_inert("smime.p7s".into(), None, FileKind::Unknown);
    add(&mut c, "a.txt", b"x".to_vec());
    add(&mut c, "b.txt", b"x".to_vec());
    add(&mut c, "申报表.docx", docx());
    // The docx took a text file's place, not the signature's.
    assert_eq!(c.out[0].problem, None);
    assert_eq!(read_names(&c).len(), 3);
    assert_eq!(c.too_many(), Some(TooMany { found: 3, read: 2 }));
}
