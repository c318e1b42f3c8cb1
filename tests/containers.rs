//! End-to-end: how the message stage treats what mail clients wrap around a submission —
//! too many files, system metadata, Outlook's winmail.dat, S/MIME signatures — with emails
//! built in code.
// A test crate: a failed unwrap, expect or panic is the test failing, which is what it should do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use shenbao::config::Config;
use shenbao::pipeline;
use shenbao::rules::Severity;
use shenbao::verdict::{Judge, Outcome, Verdict};

const UNIT: &str = "和平区市场监管局";
const SENDER: &str = "hpqscjgj@tj.gov.cn";

fn run(raw: &[u8]) -> Outcome {
    let cfg = Config::load(None).unwrap();
    let mut j = Judge::new((&cfg.campaign).into(), Vec::new());
    let at = chrono::DateTime::parse_from_rfc3339("2023-04-20T09:00:00+08:00").unwrap();
    pipeline::process(&mut j, raw, at, &cfg.limits).1
}

fn errors(o: &Outcome) -> Vec<&'static str> {
    o.codes(Severity::Error)
}

#[test]
fn junk_before_a_complete_set_past_the_cap_is_too_many_attachments_not_missing_summary() {
    let forms = [Form::new(0, UNIT)];
    let mut files: Vec<(String, Vec<u8>)> = (0..250)
        .map(|i| (format!("说明{i:03}.txt"), format!("第{i}项").into_bytes()))
        .collect();
    files.extend(complete_submission(UNIT, &forms));
    let o = run(&email(SENDER, "申报材料", "请查收。", &refs(&files)));
    assert_eq!(o.verdict, Verdict::Rejected);
    assert_eq!(errors(&o), ["too_many_attachments"], "{:#?}", o.problems);
    let p = &o.problems[0];
    assert!(
        p.message.contains("254个") && p.message.contains("200个"),
        "{}",
        p.message
    );
    assert!(p.message.contains("说明000.txt"), "{}", p.message);
    // The forms were read: the unit is named and its project is there.
    assert_eq!(o.applications.len(), 1);
    assert_eq!(o.summary_rows.len(), 1);
    assert_eq!(o.attachments.len(), 254);
}

/// `email` with one attachment per file, then its body re-wrapped: the inner multipart/mixed
/// (headers after the top-level ones) becomes the first part of `outer_type`, followed by
/// `extra_part` (a complete part: headers, blank line, body).
fn wrapped(files: &[(String, Vec<u8>)], outer_type: &str, extra_part: &str) -> Vec<u8> {
    let inner = email(SENDER, "申报材料", "请查收。", &refs(files));
    let text = String::from_utf8(inner).unwrap();
    let at = text.find("Content-Type: multipart/mixed").unwrap();
    let (head, body) = text.split_at(at);
    format!(
        "{head}Content-Type: {outer_type}; boundary=\"outer-b\"\r\n\r\n--outer-b\r\n{body}\r\n--outer-b\r\n{extra_part}\r\n--outer-b--\r\n"
    )
    .into_bytes()
}

#[test]
fn smime_signature_is_not_a_submission_file() {
    let forms = [Form::new(0, UNIT)];
    let files = complete_submission(UNIT, &forms);
    for ct in [
        "application/pkcs7-signature",
        "application/x-pkcs7-signature",
    ] {
        let sig = format!(
            "Content-Type: {ct}; name=\"smime.p7s\"\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"smime.p7s\"\r\nContent-Description: S/MIME Cryptographic Signature\r\n\r\nMIIGAwYJKoZIhvcNAQcCoIIF9DCCBfACAQExDzANBglghkgBZQMEAgEFADALBgkqhkiG9w0BBwGg\r\n"
        );
        let raw = wrapped(
            &files,
            &format!("multipart/signed; protocol=\"{ct}\"; micalg=sha-256"),
            &sig,
        );
        let o = run(&raw);
        assert_eq!(o.verdict, Verdict::Accepted, "{ct}: {:#?}", o.problems);
        assert!(o.problems.is_empty(), "{ct}: {:#?}", o.problems);
    }
}

#[test]
fn macos_zip_with_resource_forks_and_system_files_is_accepted() {
    let forms = [Form::new(0, UNIT)];
    let files = complete_submission(UNIT, &forms);
    let mut entries: Vec<(String, Vec<u8>)> = Vec::new();
    for (n, d) in &files {
        entries.push((format!("申报材料/{n}"), d.clone()));
        // AppleDouble: magic, version, then junk a reader would call a damaged form.
        entries.push((
            format!("__MACOSX/申报材料/._{n}"),
            b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        ".to_vec(),
        ));
    }
    entries.push(("申报材料/.DS_Store".into(), b"\0\0\0\x01Bud1junk".to_vec()));
    entries.push(("申报材料/Thumbs.db".into(), b"junk".to_vec()));
    entries.push(("申报材料/desktop.ini".into(), b"[.ShellClassInfo]".to_vec()));
    let pairs: Vec<(&str, &[u8])> = entries
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    let zip = shenbao::samples::docx::zip_files(&pairs);
    let raw = email(
        SENDER,
        "申报材料",
        "请查收。",
        &[
            ("申报材料.zip", zip),
            ("._申报材料.zip", b"\x00\x05\x16\x07junk".to_vec()),
            (".DS_Store", b"\0\0\0\x01Bud1".to_vec()),
        ],
    );
    let o = run(&raw);
    assert_eq!(o.verdict, Verdict::Accepted, "{:#?}", o.problems);
    assert!(o.problems.is_empty(), "{:#?}", o.problems);
    // Resource forks are listed as sent (the corpus convention), as nothing.
    let forks: Vec<_> = o
        .attachments
        .iter()
        .filter(|a| a.name.contains("__MACOSX/"))
        .collect();
    assert_eq!(forks.len(), files.len());
    assert!(
        forks
            .iter()
            .all(|a| a.form.is_none() && a.version.is_none())
    );
}

/// A minimal TNEF writer, as Outlook in rich-text mode writes winmail.dat: per attachment the
/// rendering record, the 8.3 title, the data and the MAPI properties with the long name
/// (`PR_ATTACH_LONG_FILENAME`, PT_UNICODE).
fn winmail(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    fn rec(out: &mut Vec<u8>, level: u8, id: u32, data: &[u8]) {
        out.push(level);
        out.extend(id.to_le_bytes());
        out.extend((data.len() as u32).to_le_bytes());
        out.extend(data);
        let sum = data.iter().fold(0u16, |s, &b| s.wrapping_add(u16::from(b)));
        out.extend(sum.to_le_bytes());
    }
    let mut out = vec![0x78, 0x9F, 0x3E, 0x22, 0x01, 0x00];
    rec(&mut out, 1, 0x0008_9006, &0x0001_0000u32.to_le_bytes());
    rec(&mut out, 1, 0x0006_9007, &[0xA8, 0x03, 0, 0, 0, 0, 0, 0]); // code page 936
    for (i, (name, data)) in files.iter().enumerate() {
        rec(
            &mut out,
            2,
            0x0006_9002,
            &[1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0],
        );
        rec(
            &mut out,
            2,
            0x0001_8010,
            format!("ATT{i:05}.DAT\0").as_bytes(),
        );
        rec(&mut out, 2, 0x0006_800F, data);
        let long: Vec<u8> = format!("{name}\0")
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let mut props = 1u32.to_le_bytes().to_vec();
        props.extend(((0x3707u32 << 16) | 0x001F).to_le_bytes());
        props.extend(1u32.to_le_bytes());
        props.extend((long.len() as u32).to_le_bytes());
        props.extend(&long);
        props.resize(props.len() + (4 - long.len() % 4) % 4, 0);
        rec(&mut out, 2, 0x0006_9005, &props);
    }
    out
}

#[test]
fn complete_submission_from_outlook_rich_text_in_winmail_dat_is_accepted() {
    let forms = [Form::new(0, UNIT), Form::new(1, UNIT)];
    let files = complete_submission(UNIT, &forms);
    let raw = email(
        SENDER,
        "申报材料",
        "请查收。",
        &[("winmail.dat", winmail(&files))],
    );
    let o = run(&raw);
    assert_eq!(o.verdict, Verdict::Accepted, "{:#?}", o.problems);
    assert_eq!(o.applications.len(), 2);
    assert_eq!(o.attachments.len(), files.len() + 1);
    assert_eq!(o.attachments[0].name, "winmail.dat");
    for (a, (name, _)) in o.attachments[1..].iter().zip(&files) {
        assert_eq!(&a.name, name);
        assert_eq!(a.container.as_deref(), Some("winmail.dat"));
        assert!(a.form.is_some(), "{name}");
    }
}
