//! TNEF streams written by a small writer here, the way Outlook writes them.

use proptest::prelude::*;

use super::*;
use crate::message::archive::tests::{ZipSpec, zip_bytes};
use crate::message::{FileKind, Limits, parse_email};

/// How an attachment's long name is stored.
pub(crate) enum Long<'a> {
    /// `PT_UNICODE` (UTF-16LE), as Outlook 2007 and later write it.
    Unicode(&'a str),
    /// `PT_STRING8` in the message code page.
    String8(Vec<u8>),
    /// No MAPI name: the 8.3 title is all there is.
    None,
}

/// One attachment to write.
pub(crate) struct Att<'a> {
    pub title: Vec<u8>,
    pub long: Long<'a>,
    pub data: &'a [u8],
}

fn rec(out: &mut Vec<u8>, level: u8, id: u32, data: &[u8]) {
    out.push(level);
    out.extend(id.to_le_bytes());
    out.extend((data.len() as u32).to_le_bytes());
    out.extend(data);
    let sum = data.iter().fold(0u16, |s, &b| s.wrapping_add(u16::from(b)));
    out.extend(sum.to_le_bytes());
}

fn counted(out: &mut Vec<u8>, v: &[u8]) {
    out.extend(1u32.to_le_bytes());
    out.extend((v.len() as u32).to_le_bytes());
    out.extend(v);
    out.resize(out.len() + (4 - v.len() % 4) % 4, 0);
}

fn props(a: &Att<'_>) -> Vec<u8> {
    let mut p = Vec::new();
    let mut n = 0u32;
    // PR_ATTACH_METHOD (PT_LONG) and a named string property, stepped over.
    p.extend(((0x3705u32 << 16) | 0x0003).to_le_bytes());
    p.extend(1u32.to_le_bytes());
    n += 1;
    p.extend(((0x8005u32 << 16) | 0x001F).to_le_bytes());
    p.extend([7u8; 16]);
    p.extend(1u32.to_le_bytes());
    let name: Vec<u8> = "x\0".encode_utf16().flat_map(u16::to_le_bytes).collect();
    p.extend((name.len() as u32).to_le_bytes());
    p.extend(&name);
    p.resize(p.len() + (4 - name.len() % 4) % 4, 0);
    counted(
        &mut p,
        &"ignored\0"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect::<Vec<_>>(),
    );
    n += 1;
    match &a.long {
        Long::Unicode(s) => {
            let v: Vec<u8> = format!("{s}\0")
                .encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect();
            for pid in [0x3707u32, 0x3001] {
                p.extend(((pid << 16) | 0x001F).to_le_bytes());
                counted(&mut p, &v);
                n += 1;
            }
        }
        Long::String8(b) => {
            let mut v = b.clone();
            v.push(0);
            p.extend(((0x3707u32 << 16) | 0x001E).to_le_bytes());
            counted(&mut p, &v);
            n += 1;
        }
        Long::None => {}
    }
    let mut out = n.to_le_bytes().to_vec();
    out.extend(p);
    out
}

/// A winmail.dat holding `atts`, its 8-bit strings in `codepage`.
pub(crate) fn winmail(codepage: u32, atts: &[Att<'_>]) -> Vec<u8> {
    let mut out = SIGNATURE.to_vec();
    out.extend(0x0001u16.to_le_bytes());
    rec(&mut out, 1, 0x0008_9006, &0x0001_0000u32.to_le_bytes());
    let mut cp = codepage.to_le_bytes().to_vec();
    cp.extend(0u32.to_le_bytes());
    rec(&mut out, 1, ATT_OEM_CODEPAGE, &cp);
    rec(&mut out, 1, 0x0007_8008, b"IPM.Microsoft Mail.Note\0");
    for a in atts {
        rec(
            &mut out,
            2,
            ATT_ATTACH_RENDDATA,
            &[1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0],
        );
        let mut t = a.title.clone();
        t.push(0);
        rec(&mut out, 2, ATT_ATTACH_TITLE, &t);
        rec(&mut out, 2, ATT_ATTACH_DATA, a.data);
        rec(&mut out, 2, ATT_ATTACHMENT, &props(a));
    }
    out
}

fn gbk(s: &str) -> Vec<u8> {
    encoding_rs::GBK.encode(s).0.into_owned()
}

fn docx() -> Vec<u8> {
    zip_bytes(&[
        ZipSpec::stored("[Content_Types].xml", b"x"),
        ZipSpec::stored("word/document.xml", b"<w/>"),
    ])
}

const PDF: &[u8] = b"%PDF-1.4\n%scan\n";

fn two_forms(docx: &[u8]) -> Vec<u8> {
    winmail(
        936,
        &[
            Att {
                title: gbk("附件1~1.DOC"),
                long: Long::String8(gbk(
                    "附件1：2023年质量攻关项目立项申报表（天津某某有限公司）.docx",
                )),
                data: docx,
            },
            Att {
                title: b"SCAN~1.PDF".to_vec(),
                long: Long::Unicode("附件2：立项申报汇总表（盖章版）.pdf"),
                data: PDF,
            },
        ],
    )
}

/// An Outlook rich-text message: the body and every attachment inside winmail.dat.
pub(crate) fn outlook_mail(tnef: &[u8]) -> Vec<u8> {
    let mut m = b"From: a@b.cn\r\nTo: c@d.cn\r\nSubject: x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"B\"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nhello\r\n--B\r\nContent-Type: application/ms-tnef; name=\"winmail.dat\"\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"winmail.dat\"\r\n\r\n".to_vec();
    m.extend(crate::notify::mime::base64_lines(tnef).as_bytes());
    m.extend(b"\r\n--B--\r\n");
    m
}

#[test]
fn long_gbk_and_unicode_names_and_the_bytes() {
    let d = docx();
    let files = parse(&two_forms(&d), 100).unwrap();
    assert_eq!(
        files,
        [
            TnefFile {
                name: "附件1：2023年质量攻关项目立项申报表（天津某某有限公司）.docx".into(),
                data: d,
            },
            TnefFile {
                name: "附件2：立项申报汇总表（盖章版）.pdf".into(),
                data: PDF.to_vec(),
            },
        ]
    );
}

#[test]
fn the_8_3_title_in_the_code_page_when_there_is_no_long_name() {
    let t = winmail(
        936,
        &[Att {
            title: gbk("申报表.DOC"),
            long: Long::None,
            data: b"x",
        }],
    );
    assert_eq!(parse(&t, 10).unwrap()[0].name, "申报表.DOC");
}

#[test]
fn winmail_dat_in_an_email_is_a_container_of_forms() {
    let e = parse_email(&outlook_mail(&two_forms(&docx())), &Limits::default());
    let got: Vec<_> = e
        .attachments
        .iter()
        .map(|a| {
            (
                a.name.as_str(),
                a.container.as_deref(),
                a.kind,
                a.problem.is_none(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("winmail.dat", None, FileKind::Unknown, true),
            (
                "附件1：2023年质量攻关项目立项申报表（天津某某有限公司）.docx",
                Some("winmail.dat"),
                FileKind::Docx,
                true
            ),
            (
                "附件2：立项申报汇总表（盖章版）.pdf",
                Some("winmail.dat"),
                FileKind::Pdf,
                true
            ),
        ]
    );
}

#[test]
fn a_cut_stream_gives_what_it_holds_and_a_broken_one_is_unreadable() {
    let t = two_forms(&docx());
    for n in 0..t.len() {
        let _ = parse(&t[..n], 100);
    }
    // Cut inside the second attachment's data: the first survives.
    let cut = &t[..t.len() - 60];
    let files = parse(cut, 100).unwrap();
    assert_eq!(files.len(), 2);
    assert!(files[0].name.ends_with(".docx") && !files[0].data.is_empty());
    assert!(parse(&t[..20], 100).is_err());
    let e = parse_email(&outlook_mail(&t[..20]), &Limits::default());
    assert!(matches!(
        e.attachments[0].problem,
        Some(crate::message::FileProblem::Unreadable(_))
    ));
}

#[test]
fn the_file_count_is_bounded() {
    let atts: Vec<Att<'_>> = (0..20)
        .map(|i| Att {
            title: format!("{i}.TXT").into_bytes(),
            long: Long::None,
            data: b"x",
        })
        .collect();
    assert!(parse(&winmail(1252, &atts), 10).is_err());
    assert_eq!(parse(&winmail(1252, &atts), 20).unwrap().len(), 20);
}

#[test]
fn lying_lengths_and_counts_are_not_trusted() {
    let mut t = SIGNATURE.to_vec();
    t.extend([1, 0]);
    // A record claiming 4 GiB.
    t.extend([2]);
    t.extend(ATT_ATTACH_RENDDATA.to_le_bytes());
    t.extend(u32::MAX.to_le_bytes());
    assert!(parse(&t, 10).is_err());
    // A property block claiming 4 billion properties, then nothing.
    let mut p = SIGNATURE.to_vec();
    p.extend([1, 0]);
    rec(&mut p, 2, ATT_ATTACH_RENDDATA, &[0; 14]);
    rec(&mut p, 2, ATT_ATTACHMENT, &u32::MAX.to_le_bytes());
    let files = parse(&p, 10).unwrap();
    assert_eq!(files[0].name, "winmail附件1");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn never_panics_on_any_bytes(tail in proptest::collection::vec(any::<u8>(), 0..600)) {
        let mut t = SIGNATURE.to_vec();
        t.extend(&tail);
        let _ = parse(&t, 50);
    }

    #[test]
    fn never_panics_on_a_damaged_stream(flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8)) {
        let mut t = two_forms(b"PK\x03\x04 not really a docx");
        let n = t.len();
        for (at, b) in flips {
            t[at % n] = b;
        }
        let _ = parse(&t, 50);
        let _ = parse_email(&outlook_mail(&t), &Limits::default());
    }
}
