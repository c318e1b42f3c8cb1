//! Nesting built in the test: deep multiparts, deep inline messages, wide but shallow mail.

use super::*;
use crate::message::{FileProblem, Limits, parse_email};

/// `levels` nested multiparts around `leaf` (a complete part: headers, blank line, body).
fn nested(levels: usize, leaf: &str) -> Vec<u8> {
    let mut m = String::from("From: a@b.cn\r\nSubject: deep\r\nMIME-Version: 1.0\r\n");
    for i in 0..levels {
        m.push_str(&format!(
            "Content-Type: multipart/mixed; boundary=\"=_n{i}\"\r\n\r\n--=_n{i}\r\n"
        ));
    }
    m.push_str(leaf);
    m.push_str("\r\n");
    for i in (0..levels).rev() {
        m.push_str(&format!("--=_n{i}--\r\n"));
    }
    m.into_bytes()
}

const TEXT: &str = "Content-Type: text/plain\r\n\r\nbottom";
const FILE: &str = "Content-Type: application/pdf; name=\"申报表.pdf\"\r\nContent-Disposition: attachment; filename=\"申报表.pdf\"\r\n\r\n%PDF-1.4 scan";

#[test]
fn a_hundred_thousand_nested_multiparts_are_cut_to_the_depth() {
    let raw = nested(100_000, TEXT);
    let cut = cut_deep(&raw, 8).unwrap();
    // Only text lay deeper: nothing to tell.
    assert_eq!(cut.lost, None);
    assert!(cut.raw.len() < raw.len() / 2);
    let e = parse_email(&raw, &Limits::default());
    assert!(e.attachments.is_empty(), "{:?}", e.attachments);
}

#[test]
fn a_file_below_the_depth_is_reported_by_its_name() {
    let raw = nested(20, FILE);
    let e = parse_email(&raw, &Limits::default());
    assert_eq!(e.attachments.len(), 1);
    let a = &e.attachments[0];
    assert_eq!(a.name, "申报表.pdf");
    assert!(
        matches!(&a.problem, Some(FileProblem::Unreadable(w)) if w.to_string().contains("8层"))
    );
}

#[test]
fn within_the_depth_nothing_is_cut() {
    let raw = nested(8, FILE);
    assert!(cut_deep(&raw, 8).is_none());
    let e = parse_email(&raw, &Limits::default());
    assert_eq!(e.attachments.len(), 1);
    assert_eq!(e.attachments[0].problem, None);
}

#[test]
fn many_siblings_are_not_depth() {
    let mut m = String::from(
        "From: a@b.cn\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"top\"\r\n\r\n",
    );
    for i in 0..200 {
        m.push_str(&format!(
            "--top\r\nContent-Type: multipart/alternative; boundary=\"alt{i}\"\r\n\r\n--alt{i}\r\n{TEXT}\r\n--alt{i}--\r\n"
        ));
    }
    m.push_str("--top--\r\n");
    assert!(cut_deep(m.as_bytes(), 8).is_none());
}

#[test]
fn a_long_chain_of_inline_messages_is_cut() {
    let mut m = String::from("From: a@b.cn\r\nMIME-Version: 1.0\r\n");
    for _ in 0..200_000 {
        m.push_str("Content-Type: message/rfc822\r\n\r\n");
    }
    m.push_str("Subject: x\r\n\r\nbody\r\n");
    let cut = cut_deep(m.as_bytes(), 8).unwrap();
    assert!(cut.raw.len() < 1000);
    let _ = parse_email(m.as_bytes(), &Limits::default());
}

#[test]
fn ragged_input_never_panics() {
    let raw = nested(30, FILE);
    for n in (0..raw.len()).step_by(7) {
        let _ = cut_deep(&raw[..n], 4);
    }
    let _ = cut_deep(
        b"Content-Type: multipart/mixed; boundary=\"\"\r\n\r\n----\r\n",
        1,
    );
    let _ = cut_deep(b"\n\n--\n--\n", 0);
}

#[test]
fn ragged_delimiters_do_not_hide_levels() {
    let mut m = String::from("From: a@b.cn\r\nMIME-Version: 1.0\r\n");
    for i in 0..1000 {
        m.push_str(&format!(
            "Content-Type: multipart/mixed; boundary=\"lvl{i}_\"\r\n\r\n--lvl{i}_ trailing junk\r\n"
        ));
    }
    m.push_str(FILE);
    assert!(cut_deep(m.as_bytes(), 8).is_some());
}
