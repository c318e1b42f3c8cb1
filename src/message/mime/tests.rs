//! Emails assembled in the test, in the encodings real Chinese mail clients use.

use proptest::prelude::*;

use super::*;

fn gbk(s: &str) -> Vec<u8> {
    encoding_rs::GBK.encode(s).0.into_owned()
}

fn b64(data: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for (n, chunk) in data.chunks(3).enumerate() {
        if n > 0 && n % 19 == 0 {
            out.push_str("\r\n");
        }
        let v = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | (u32::from(b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[((v >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A multipart/mixed message around `parts` (each a complete part: headers, blank line, body).
fn mixed(headers: &str, parts: &[Vec<u8>]) -> Vec<u8> {
    let mut m = headers.as_bytes().to_vec();
    m.extend(b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"==B==\"\r\n\r\n");
    for p in parts {
        m.extend(b"--==B==\r\n");
        m.extend(p);
        m.extend(b"\r\n");
    }
    m.extend(b"--==B==--\r\n");
    m
}

fn head() -> String {
    format!(
        "From: =?GBK?B?{}?= <WangLi@163.COM>\r\nReply-To: Office <Office@Example.cn>\r\nTo: a@b.cn\r\nSubject: =?GBK?B?{}?=\r\nMessage-ID: <abc@163.com>\r\nDate: Thu, 20 Apr 2023 09:42:11 +0800\r\n",
        b64(&gbk("王丽")),
        b64(&gbk("申报材料"))
    )
}

fn text_part(body: &str) -> Vec<u8> {
    format!("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n{body}").into_bytes()
}

fn file_part(name_params: &[u8], data: &[u8]) -> Vec<u8> {
    let mut p = b"Content-Type: application/octet-stream;".to_vec();
    p.extend(name_params);
    p.extend(b"\r\nContent-Transfer-Encoding: base64\r\n\r\n");
    p.extend(b64(data).as_bytes());
    p
}

fn names(e: &Email) -> Vec<(String, Option<String>)> {
    e.attachments
        .iter()
        .map(|a| (a.name.clone(), a.container.clone()))
        .collect()
}

fn parse(raw: &[u8]) -> Email {
    parse_email(raw, &Limits::default())
}

#[test]
fn headers_body_and_base64_attachment() {
    let raw = mixed(
        &head(),
        &[
            text_part("=E8=AF=B7=E6=9F=A5=E6=94=B6"),
            file_part(b" name=\"scan001.pdf\"", b"%PDF-1.4 data"),
        ],
    );
    let e = parse(&raw);
    assert_eq!(e.from.as_deref(), Some("wangli@163.com"));
    assert_eq!(e.from_name.as_deref(), Some("王丽"));
    assert_eq!(e.reply_to.as_deref(), Some("office@example.cn"));
    assert_eq!(e.subject, "申报材料");
    assert_eq!(e.message_id.as_deref(), Some("abc@163.com"));
    assert_eq!(
        e.date.map(|d| d.to_rfc3339()).as_deref(),
        Some("2023-04-20T09:42:11+08:00")
    );
    assert_eq!(e.body_text.trim(), "请查收");
    assert!(e.automatic.is_none());
    assert_eq!(names(&e), vec![("scan001.pdf".to_string(), None)]);
    assert_eq!(e.attachments[0].data, b"%PDF-1.4 data");
    assert_eq!(e.attachments[0].kind, FileKind::Pdf);
}

#[test]
fn every_name_encoding() {
    let gbk_name = "附件1：立项申报表（天津桥盛）.docx";
    let enc: String = gbk(gbk_name).iter().map(|b| format!("%{b:02X}")).collect();
    let (a, b) = enc.split_at(24); // inside a character
    let mut raw8 = b" name=\"".to_vec();
    raw8.extend(gbk("汇总表（盖章）.pdf"));
    raw8.extend(b"\"");
    let raw = mixed(
        &head(),
        &[
            text_part("hi"),
            file_part(format!(" name=\"=?GBK?B?{}?=\"", b64(&gbk("汇总表.xlsx"))).as_bytes(), b"x"),
            file_part(format!("\r\nContent-Disposition: attachment;\r\n filename*0*=gbk''{a};\r\n filename*1*={b}").as_bytes(), b"x"),
            file_part(&raw8, b"x"),
            file_part(" name=\"=?utf-8?Q?=E7=94=B3=E6=8A=A5.pdf?=\"".as_bytes(), b"x"),
            file_part("\r\nContent-Disposition: attachment; filename=\"../../etc/passwd.docx\"".as_bytes(), b"x"),
        ],
    );
    let e = parse(&raw);
    let got: Vec<String> = e.attachments.iter().map(|a| a.name.clone()).collect();
    assert_eq!(
        got,
        [
            "汇总表.xlsx",
            gbk_name,
            "汇总表（盖章）.pdf",
            "申报.pdf",
            "../../etc/passwd.docx"
        ]
    );
}

#[test]
fn raw_gbk_subject_is_redecoded() {
    let mut raw = b"From: a@b.cn\r\nSubject: ".to_vec();
    raw.extend(gbk("请问截止时间"));
    raw.extend(b"\r\n\r\nbody\r\n");
    assert_eq!(parse(&raw).subject, "请问截止时间");
}

#[test]
fn forwarded_messages_are_containers() {
    let inner = mixed(
        "From: x@y.cn\r\nSubject: =?utf-8?B?5rGH5oC76KGo?=\r\n",
        &[
            text_part("inner"),
            file_part(b" name=\"a.pdf\"", b"%PDF-1.4"),
        ],
    );
    let mut inline = b"Content-Type: message/rfc822\r\n\r\n".to_vec();
    inline.extend(&inner);
    let encoded = format!(
        "Content-Type: message/rfc822; name=\"fw.eml\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}",
        b64(&inner)
    )
    .into_bytes();
    let raw = mixed(&head(), &[text_part("see"), inline, encoded]);
    let e = parse(&raw);
    assert_eq!(
        names(&e),
        vec![
            ("汇总表.eml".to_string(), None),
            ("a.pdf".to_string(), Some("汇总表.eml".to_string())),
            ("fw.eml".to_string(), None),
            ("a.pdf".to_string(), Some("fw.eml".to_string())),
        ]
    );
    assert_eq!(e.attachments[0].kind, FileKind::Email);
    assert_eq!(e.attachments[1].data, b"%PDF-1.4");
    assert_eq!(e.attachments[3].data, b"%PDF-1.4");
}

#[test]
fn zip_attachment_with_gbk_names() {
    use crate::message::archive::tests::{ZipSpec, zip_bytes};
    let z = zip_bytes(&[
        ZipSpec::gbk("申报表.pdf", b"%PDF-1.4"),
        ZipSpec::stored("目录/", b""),
    ]);
    let e = parse(&mixed(&head(), &[file_part(b" name=\"cl.zip\"", &z)]));
    assert_eq!(
        names(&e),
        vec![
            ("cl.zip".to_string(), None),
            ("申报表.pdf".to_string(), Some("cl.zip".to_string())),
        ]
    );
}

#[test]
fn fifty_level_multipart_has_no_attachment() {
    let mut raw = head().into_bytes();
    raw.extend(b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n");
    for i in 0..50 {
        raw.extend(
            format!(
                "--b{i}\r\nContent-Type: multipart/mixed; boundary=\"b{}\"\r\n\r\n",
                i + 1
            )
            .as_bytes(),
        );
    }
    raw.extend(b"--b50\r\nContent-Type: text/plain\r\n\r\nbottom\r\n--b50--\r\n");
    for i in (0..50).rev() {
        raw.extend(format!("--b{i}--\r\n").as_bytes());
    }
    let e = parse(&raw);
    assert!(e.attachments.is_empty(), "{:?}", names(&e));
    // Below `max_depth` nothing is read, not even the text.
    assert!(!e.body_text.contains("bottom"));
}

fn nested_messages(levels: usize) -> Vec<u8> {
    let mut raw = b"From: a@b.cn\r\nSubject: s\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=\"deep.pdf\"\r\n\r\n%PDF-1.4\r\n".to_vec();
    for _ in 0..levels {
        let mut outer =
            b"From: a@b.cn\r\nSubject: s\r\nContent-Type: message/rfc822\r\n\r\n".to_vec();
        outer.extend(raw);
        raw = outer;
    }
    raw
}

#[test]
fn fifty_level_forwarded_messages_stop_at_max_depth() {
    let e = parse(&nested_messages(50));
    let limits = Limits::default();
    // The containers at depths 0..=max_depth are listed; the last one is not opened.
    assert_eq!(e.attachments.len(), limits.max_depth + 1);
    let last = e.attachments.last().unwrap();
    assert!(matches!(last.problem, Some(FileProblem::Unreadable(_))));
    assert!(e.attachments.iter().all(|a| a.kind == FileKind::Email));
    // Within the limit the file at the bottom is found.
    let e = parse(&nested_messages(3));
    assert_eq!(e.attachments.last().unwrap().name, "deep.pdf");
    assert_eq!(
        e.attachments.last().unwrap().container.as_deref(),
        Some("s.eml")
    );
}

#[test]
fn very_deep_forwarding_does_not_overflow_the_stack() {
    // Parsed without recursion by mail-parser; dropping the tree needs `dismantle`.
    let mut raw = b"From: a@b.cn\r\nContent-Type: message/rfc822\r\n\r\n".repeat(30_000);
    raw.extend(b"Subject: s\r\n\r\nx\r\n");
    let e = parse(&raw);
    assert_eq!(e.attachments.len(), Limits::default().max_depth + 1);
    // Only the top-level attached message keeps its bytes.
    assert!(!e.attachments[0].data.is_empty());
    assert!(e.attachments[1].data.is_empty());
}

#[test]
fn sixty_images_and_the_cap() {
    let png = b"\x89PNG\r\n\x1a\n....";
    let parts: Vec<Vec<u8>> = (1..=60)
        .map(|i| {
            let mut p = format!("Content-Type: image/png; name=\"image{i:03}.png\"\r\nContent-Disposition: inline; filename=\"image{i:03}.png\"\r\nContent-ID: <i{i}>\r\nContent-Transfer-Encoding: base64\r\n\r\n").into_bytes();
            p.extend(b64(png).as_bytes());
            p
        })
        .collect();
    let raw = mixed(&head(), &parts);
    let e = parse(&raw);
    assert_eq!(e.attachments.len(), 60);
    assert_eq!(e.attachments[59].name, "image060.png");
    assert!(
        e.attachments
            .iter()
            .all(|a| a.kind == FileKind::Png && a.problem.is_none())
    );
    let cap = Limits {
        max_attachments: 25,
        ..Limits::default()
    };
    // Past the cap every file is still listed, those not read without bytes, and the email
    // says so.
    let e = parse_email(&raw, &cap);
    assert_eq!(e.attachments.len(), 60);
    let read = e
        .attachments
        .iter()
        .filter(|a| a.problem != Some(FileProblem::Skipped))
        .count();
    assert_eq!(read, 25);
    assert_eq!(
        e.too_many,
        Some(crate::message::TooMany {
            found: 60,
            read: 25
        })
    );
}

#[test]
fn inline_image_without_name_is_not_an_attachment() {
    let mut p = b"Content-Type: image/png\r\nContent-Disposition: inline\r\nContent-Transfer-Encoding: base64\r\n\r\n".to_vec();
    p.extend(b64(b"\x89PNG\r\n\x1a\n").as_bytes());
    let e = parse(&mixed(&head(), &[text_part("x"), p]));
    assert!(e.attachments.is_empty(), "{:?}", names(&e));
}

#[test]
fn html_only_body_is_stripped() {
    let raw = format!(
        "{}Content-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>请问<b>截止</b>时间</p></body></html>\r\n",
        head()
    );
    let e = parse(raw.as_bytes());
    assert!(e.body_text.contains("请问"));
    assert!(!e.body_text.contains("<p>"));
    assert!(e.attachments.is_empty());
}

#[test]
fn mislabelled_text_file_keeps_its_bytes() {
    let bytes = b"\xd0\xcf\xff\xfe\x00binary\x80";
    let mut p = b"Content-Type: text/plain; charset=gbk; name=\"a.docx\"\r\nContent-Transfer-Encoding: base64\r\n\r\n".to_vec();
    p.extend(b64(bytes).as_bytes());
    let e = parse(&mixed(&head(), &[text_part("x"), p]));
    assert_eq!(e.attachments[0].data, bytes);
}

#[test]
fn oversized_message_is_one_unreadable_pseudo_attachment() {
    let raw = mixed(&head(), &[file_part(b" name=\"a.pdf\"", &[0u8; 4000])]);
    let small = Limits {
        max_message_bytes: 1000,
        ..Limits::default()
    };
    let e = parse_email(&raw, &small);
    assert_eq!(e.subject, "申报材料");
    assert_eq!(e.attachments.len(), 1);
    assert!(matches!(
        e.attachments[0].problem,
        Some(FileProblem::Unreadable(_))
    ));
}

#[test]
fn delivery_report_and_list_mail_are_automatic() {
    let raw = "From: MAILER-DAEMON@qq.com\r\nSubject: Undelivered\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nfail\r\n--x\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n\r\nAction: failed\r\n--x\r\nContent-Type: text/rfc822-headers\r\n\r\nSubject: s\r\n--x--\r\n";
    let e = parse(raw.as_bytes());
    assert!(e.automatic.is_some());
    assert!(e.attachments.is_empty(), "{:?}", names(&e));
    let raw = format!(
        "{}List-Unsubscribe: <mailto:u@x.cn>\r\n\r\nnews\r\n",
        head()
    );
    assert!(parse(raw.as_bytes()).automatic.is_some());
    let raw = format!("{}\r\nhello\r\n", head());
    assert!(parse(raw.as_bytes()).automatic.is_none());
}

#[test]
fn garbage_gives_a_best_effort() {
    for raw in [
        &b""[..],
        b"\r\n\r\n",
        b"no headers at all",
        b"Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n",
    ] {
        let _ = parse(raw);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..3000)) {
        let _ = parse(&bytes);
    }

    #[test]
    fn mutated_messages_never_panic(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..40),
        cut in any::<usize>(),
    ) {
        use crate::message::archive::tests::{ZipSpec, zip_bytes};
        let z = zip_bytes(&[ZipSpec::gbk("申报表.pdf", b"%PDF-1.4"), ZipSpec::deflated("b.txt", b"aaaaaaaaaaaa")]);
        let mut raw = mixed(&head(), &[text_part("x"), file_part(b" name=\"a.zip\"", &z)]);
        let mut inner = b"Content-Type: message/rfc822\r\n\r\n".to_vec();
        inner.extend(raw.clone());
        raw = mixed(&head(), &[inner]);
        for (at, b) in edits {
            let len = raw.len();
            if let Some(x) = raw.get_mut(at % len) {
                *x = b;
            }
        }
        raw.truncate(cut % (raw.len() + 1));
        let _ = parse(&raw);
        // The zip alone, mutated the same way.
        let _ = crate::message::sniff(&raw);
    }
}

#[test]
fn raw_gbk_display_name_is_redecoded() {
    let mut raw = b"From: ".to_vec();
    raw.extend(gbk("天津市科委 王丽"));
    raw.extend(b" <wl@tj.gov.cn>\r\nSubject: x\r\n\r\nbody\r\n");
    let e = parse(&raw);
    assert_eq!(e.from.as_deref(), Some("wl@tj.gov.cn"));
    assert_eq!(e.from_name.as_deref(), Some("天津市科委 王丽"));
}

#[test]
fn smime_signature_is_listed_as_nothing_whatever_its_name() {
    for (ct, name) in [
        ("application/pkcs7-signature", "smime.p7s"),
        ("application/x-pkcs7-signature", "签名.pdf"),
    ] {
        let sig = format!(
            "Content-Type: {ct}; name=\"{name}\"\r\nContent-Disposition: attachment; filename=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\r\nMIIGAwYJKoZIhvcNAQcCoIIF9DCCBfACAQExDzANBglghkgBZQMEAgEFADALBgkqhkiG\r\n"
        );
        let raw = mixed(&head(), &[text_part("signed"), sig.into_bytes()]);
        let e = parse(&raw);
        assert_eq!(e.attachments.len(), 1, "{ct}");
        let a = &e.attachments[0];
        assert_eq!((a.name.as_str(), &a.problem), (name, &None), "{ct}");
        assert_eq!(a.kind, FileKind::Unknown);
    }
}
