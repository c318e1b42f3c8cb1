//! Zips built by hand, so names can be GBK without the UTF-8 flag and headers can lie.

use std::io::Write;

use super::*;
use crate::message::{Attachment, FileKind, Limits};

/// One entry of a hand-built zip.
pub(crate) struct ZipSpec {
    /// Name bytes as stored.
    pub name: Vec<u8>,
    /// Uncompressed content.
    pub data: Vec<u8>,
    /// Deflate instead of store.
    pub deflate: bool,
    /// General-purpose flags (bit 0 encrypted, bit 11 UTF-8).
    pub flags: u16,
    /// Point the directory record at this offset instead of writing a local header.
    pub reuse_offset: Option<u32>,
    /// Declare this decompressed size instead of the real one.
    pub declared: Option<u32>,
}

impl ZipSpec {
    pub fn stored(name: &str, data: &[u8]) -> Self {
        ZipSpec {
            name: name.as_bytes().to_vec(),
            data: data.to_vec(),
            deflate: false,
            flags: 0x800,
            reuse_offset: None,
            declared: None,
        }
    }

    pub fn deflated(name: &str, data: &[u8]) -> Self {
        ZipSpec {
            deflate: true,
            ..Self::stored(name, data)
        }
    }

    /// A name in GBK without the UTF-8 flag, as Windows' zip writes it.
    pub fn gbk(name: &str, data: &[u8]) -> Self {
        ZipSpec {
            name: encoding_rs::GBK.encode(name).0.into_owned(),
            flags: 0,
            ..Self::stored(name, data)
        }
    }
}

pub(crate) fn zip_bytes(specs: &[ZipSpec]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut cd = Vec::new();
    for s in specs {
        let mut crc = flate2::Crc::new();
        crc.update(&s.data);
        let body = if s.deflate {
            let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
            e.write_all(&s.data).unwrap();
            e.finish().unwrap()
        } else {
            s.data.clone()
        };
        let method: u16 = if s.deflate { 8 } else { 0 };
        let size = s.declared.unwrap_or(s.data.len() as u32);
        let offset = match s.reuse_offset {
            Some(o) => o,
            None => {
                let o = out.len() as u32;
                out.extend(b"PK\x03\x04");
                out.extend(20u16.to_le_bytes());
                out.extend(s.flags.to_le_bytes());
                out.extend(method.to_le_bytes());
                out.extend([0u8; 4]);
                out.extend(crc.sum().to_le_bytes());
                out.extend((body.len() as u32).to_le_bytes());
                out.extend(size.to_le_bytes());
                out.extend((s.name.len() as u16).to_le_bytes());
                out.extend(0u16.to_le_bytes());
                out.extend(&s.name);
                out.extend(&body);
                o
            }
        };
        cd.extend(b"PK\x01\x02");
        cd.extend(20u16.to_le_bytes());
        cd.extend(20u16.to_le_bytes());
        cd.extend(s.flags.to_le_bytes());
        cd.extend(method.to_le_bytes());
        cd.extend([0u8; 4]);
        cd.extend(crc.sum().to_le_bytes());
        cd.extend((body.len() as u32).to_le_bytes());
        cd.extend(size.to_le_bytes());
        cd.extend((s.name.len() as u16).to_le_bytes());
        cd.extend([0u8; 8]);
        cd.extend([0u8; 4]);
        cd.extend(offset.to_le_bytes());
        cd.extend(&s.name);
    }
    let cd_offset = out.len() as u32;
    out.extend(&cd);
    out.extend(b"PK\x05\x06\0\0\0\0");
    out.extend((specs.len() as u16).to_le_bytes());
    out.extend((specs.len() as u16).to_le_bytes());
    out.extend((cd.len() as u32).to_le_bytes());
    out.extend(cd_offset.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

fn list(data: Vec<u8>, limits: &Limits) -> Vec<Attachment> {
    let mut col = Collector::new(limits);
    col.add_file("包.zip".to_string(), None, data, 0);
    col.out
}

fn names(atts: &[Attachment]) -> Vec<(String, Option<String>)> {
    atts.iter()
        .map(|a| (a.name.clone(), a.container.clone()))
        .collect()
}

fn refused(atts: &[Attachment]) -> String {
    assert_eq!(atts.len(), 1, "{:?}", names(atts));
    assert!(atts[0].data.is_empty());
    match &atts[0].problem {
        Some(FileProblem::Unreadable(why)) => why.to_string(),
        other => panic!("not refused: {other:?}"),
    }
}

#[test]
fn lists_entries_with_utf8_and_gbk_names_skipping_directories() {
    let docx = zip_bytes(&[ZipSpec::stored("word/document.xml", b"<w/>")]);
    let z = zip_bytes(&[
        ZipSpec::stored("材料/", b""),
        ZipSpec::stored("材料/汇总表.docx", &docx),
        ZipSpec::gbk("材料/申报表（盖章）.pdf", b"%PDF-1.4 x"),
        ZipSpec::stored("__MACOSX/._汇总表.docx", b"\0\x05\x16\x07"),
        ZipSpec::deflated("说明.txt", "文字".repeat(50).as_bytes()),
    ]);
    let atts = list(z, &Limits::default());
    let c = Some("包.zip".to_string());
    assert_eq!(
        names(&atts),
        vec![
            ("包.zip".to_string(), None),
            ("材料/汇总表.docx".to_string(), c.clone()),
            ("材料/申报表（盖章）.pdf".to_string(), c.clone()),
            ("__MACOSX/._汇总表.docx".to_string(), c.clone()),
            ("说明.txt".to_string(), c),
        ]
    );
    assert_eq!(atts[0].kind, FileKind::Zip);
    assert!(!atts[0].data.is_empty());
    // A docx inside is typed but not expanded.
    assert_eq!(atts[1].kind, FileKind::Docx);
    assert_eq!(atts[2].kind, FileKind::Pdf);
    assert_eq!(atts[4].data, "文字".repeat(50).as_bytes());
}

#[test]
fn nested_zips_recurse_within_depth() {
    let inner = zip_bytes(&[ZipSpec::stored("深处.pdf", b"%PDF-1.4")]);
    let outer = zip_bytes(&[ZipSpec::stored("内层.zip", &inner)]);
    let atts = list(outer.clone(), &Limits::default());
    assert_eq!(
        names(&atts),
        vec![
            ("包.zip".to_string(), None),
            ("内层.zip".to_string(), Some("包.zip".to_string())),
            ("深处.pdf".to_string(), Some("内层.zip".to_string())),
        ]
    );
    let shallow = Limits {
        max_depth: 1,
        ..Limits::default()
    };
    let atts = list(outer, &shallow);
    assert_eq!(atts.len(), 2);
    assert!(matches!(atts[1].problem, Some(FileProblem::Unreadable(_))));
}

#[test]
fn truncated_zip_is_unreadable() {
    let z = zip_bytes(&[ZipSpec::stored("a.pdf", b"%PDF-1.4 abc")]);
    for cut in [z.len() - 5, z.len() / 2, 10] {
        let why = refused(&list(z[..cut].to_vec(), &Limits::default()));
        assert!(why.contains("损坏"), "{why}");
    }
}

#[test]
fn overlapping_entries_are_a_bomb() {
    let mut specs = vec![ZipSpec::deflated("0.txt", &[b'a'; 10_000])];
    for i in 1..50 {
        let mut s = ZipSpec::deflated(&format!("{i}.txt"), &[b'a'; 10_000]);
        s.reuse_offset = Some(0);
        specs.push(s);
    }
    let why = refused(&list(zip_bytes(&specs), &Limits::default()));
    // Refused in words a sender can act on, without the jargon.
    assert!(why.contains("无法安全解压"), "{why}");
    assert!(!why.contains("炸弹"), "{why}");
}

#[test]
fn high_ratio_and_oversize_are_bombs() {
    let zeros = vec![0u8; 8 << 20];
    let why = refused(&list(
        zip_bytes(&[ZipSpec::deflated("z.bin", &zeros)]),
        &Limits::default(),
    ));
    assert!(why.contains("压缩比"), "{why}");
    let small = Limits {
        max_entry_bytes: 1 << 20,
        ..Limits::default()
    };
    let data = vec![7u8; 2 << 20];
    let why = refused(&list(
        zip_bytes(&[ZipSpec::stored("big.bin", &data)]),
        &small,
    ));
    assert!(why.contains("大小"), "{why}");
    let total = Limits {
        max_archive_bytes: 3 << 20,
        ..Limits::default()
    };
    let specs: Vec<ZipSpec> = (0..4)
        .map(|i| ZipSpec::stored(&format!("{i}.bin"), &data))
        .collect();
    refused(&list(zip_bytes(&specs), &total));
}

#[test]
fn lying_declared_size_is_caught_while_reading() {
    // Declares 10 bytes, really inflates to 2 MiB: the take() cap stops it.
    let mut s = ZipSpec::deflated("liar.bin", &vec![1u8; 2 << 20]);
    s.declared = Some(10);
    let small = Limits {
        max_entry_bytes: 1 << 20,
        ..Limits::default()
    };
    let atts = list(zip_bytes(&[s]), &small);
    assert_eq!(atts.len(), 1 + usize::from(atts.len() > 1));
    assert!(atts.iter().any(|a| a.problem.is_some()));
    assert!(atts.iter().all(|a| a.data.len() <= 1 << 20));
}

#[test]
fn too_many_entries_and_encrypted_entries() {
    let specs: Vec<ZipSpec> = (0..20)
        .map(|i| ZipSpec::stored(&format!("{i}.txt"), b"x"))
        .collect();
    let few = Limits {
        max_archive_entries: 10,
        ..Limits::default()
    };
    refused(&list(zip_bytes(&specs), &few));
    let mut enc = ZipSpec::stored("密.docx", b"xxxx");
    enc.flags |= 1;
    let atts = list(
        zip_bytes(&[enc, ZipSpec::stored("明.pdf", b"%PDF-")]),
        &Limits::default(),
    );
    assert_eq!(atts.len(), 3);
    assert_eq!(
        atts[1].problem,
        Some(FileProblem::Unreadable(
            crate::message::ReadError::Encrypted
        ))
    );
    assert_eq!(atts[2].problem, None);
}

#[test]
fn traversal_names_are_only_labels() {
    let atts = list(
        zip_bytes(&[ZipSpec::stored("../../etc/passwd", b"root")]),
        &Limits::default(),
    );
    assert_eq!(atts[1].name, "../../etc/passwd");
}

#[test]
fn entries_past_the_attachment_cap_are_listed_without_bytes() {
    let specs: Vec<ZipSpec> = (0..10)
        .map(|i| ZipSpec::stored(&format!("{i}.txt"), b"x"))
        .collect();
    let cap = Limits {
        max_attachments: 4,
        ..Limits::default()
    };
    let mut col = Collector::new(&cap);
    col.add_file("包.zip".to_string(), None, zip_bytes(&specs), 0);
    assert_eq!(col.out.len(), 11);
    let skipped = col
        .out
        .iter()
        .filter(|a| a.problem == Some(crate::message::FileProblem::Skipped))
        .count();
    assert_eq!(skipped, 7);
    assert_eq!(col.too_many().map(|t| (t.found, t.read)), Some((11, 4)));
}

#[test]
fn absurd_offsets_are_corrupt_not_a_panic() {
    let mut z = zip_bytes(&[ZipSpec::stored("a.txt", b"abc")]);
    let n = z.len();
    // Directory offset in the end record → 0xFFFFFFFF, which asks for the Zip64 locator.
    z[n - 6..n - 2].copy_from_slice(&[0xFF; 4]);
    refused(&list(z.clone(), &Limits::default()));
    // A Zip64 locator pointing near usize::MAX.
    let mut z64 = z[..n - 22].to_vec();
    z64.extend(b"PK\x06\x07\0\0\0\0");
    z64.extend(u64::MAX.to_le_bytes());
    z64.extend([1, 0, 0, 0]);
    z64.extend(&z[n - 22..]);
    refused(&list(z64, &Limits::default()));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

    #[test]
    fn mutated_zips_never_panic(
        edits in proptest::collection::vec((0usize..4096, proptest::prelude::any::<u8>()), 1..12),
        cut in 0usize..4096,
    ) {
        let inner = zip_bytes(&[ZipSpec::stored("in.pdf", b"%PDF-1.4")]);
        let mut z = zip_bytes(&[
            ZipSpec::gbk("申报表.pdf", b"%PDF-1.4"),
            ZipSpec::deflated("b.txt", &[b'a'; 300]),
            ZipSpec::stored("n.zip", &inner),
        ]);
        let len = z.len();
        for (at, b) in edits {
            if let Some(x) = z.get_mut(at % len) {
                *x = b;
            }
        }
        z.truncate(cut.max(len / 2));
        let atts = list(z, &Limits::default());
        proptest::prop_assert!(!atts.is_empty());
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// The directory reader alone on bytes that end in an end record, so it always gets past
    /// the signature search into the (Zip64) locator and the directory records.
    #[test]
    fn arbitrary_directories_never_panic(
        body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2048),
        end in proptest::collection::vec(proptest::prelude::any::<u8>(), 18..40),
    ) {
        let mut z = body;
        z.extend(b"PK\x05\x06");
        z.extend(end);
        let (entries, local) = crate::message::zip_directory(&z, 16);
        proptest::prop_assert!(entries.is_none_or(|e| e.len() <= 17));
        proptest::prop_assert!(local.len() <= 16);
    }

    #[test]
    fn mutated_directories_never_panic(
        edits in proptest::collection::vec((0usize..4096, proptest::prelude::any::<u8>()), 1..12),
    ) {
        let mut z = zip_bytes(&[
            ZipSpec::gbk("申报表.pdf", b"%PDF-1.4"),
            ZipSpec::deflated("b.txt", &[b'a'; 300]),
        ]);
        let len = z.len();
        for (at, b) in edits {
            if let Some(x) = z.get_mut(at % len) {
                *x = b;
            }
        }
        let (entries, _) = crate::message::zip_directory(&z, 16);
        proptest::prop_assert!(entries.is_none_or(|e| e.len() <= 17));
    }
}

#[test]
fn a_corrupt_file_is_explained_without_the_readers_english() {
    let e =
        crate::message::ReadError::Corrupt("zip: invalid Zip archive: Could not find EOCD".into());
    let text = e.to_string();
    assert!(!text.contains("EOCD") && !text.contains("zip:"), "{text}");
    assert!(text.contains("请重新导出或扫描后再发送"), "{text}");
    assert_eq!(
        e.detail(),
        Some("zip: invalid Zip archive: Could not find EOCD")
    );
}
