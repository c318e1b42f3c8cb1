//! Broken and hostile files: an error or a best effort, never a panic, never a huge allocation.

use proptest::prelude::*;

use super::body::{MAX_GRID_ITEMS, MAX_TABLE_DEPTH};
use super::fixture::{document_xml, docx, docx_raw, p, read_ok, tbl, tc, zip_parts};
use super::read;
use crate::forms::ReadError;
use crate::message::Limits;

fn read_err(bytes: &[u8]) -> ReadError {
    match read(bytes, &Limits::default()) {
        Ok(d) => panic!("expected an error, read {d:?}"),
        Err(e) => e,
    }
}

fn sample() -> Vec<u8> {
    let rows = [
        tc("", &p("企业名称")) + &tc("<w:gridSpan w:val=\"3\"/>", &p("天津甲公司")),
        tc("<w:vMerge w:val=\"restart\"/>", &p("规模"))
            + &tc(
                "",
                "<w:p><w:r><w:sym w:font=\"Wingdings 2\" w:char=\"F052\"/><w:t>大型</w:t></w:r></w:p>",
            ),
    ];
    docx(&format!("{}{}", p("立项申报表"), tbl(&rows)))
}

#[test]
fn truncated_zip_is_corrupt() {
    let bytes = sample();
    for cut in [0, 10, bytes.len() / 3, bytes.len() / 2, bytes.len() - 10] {
        let e = read_err(bytes.get(..cut).unwrap_or_default());
        assert!(matches!(e, ReadError::Corrupt(_)), "cut {cut}: {e:?}");
    }
}

#[test]
fn not_a_zip_and_missing_document_are_corrupt() {
    assert!(matches!(
        read_err(b"\xd0\xcf\x11\xe0 OLE"),
        ReadError::Corrupt(_)
    ));
    let no_doc = zip_parts(
        &[("word/styles.xml", b"<w:styles/>")],
        zip::CompressionMethod::Stored,
    );
    assert!(matches!(read_err(&no_doc), ReadError::Corrupt(_)));
}

#[test]
fn entity_bomb_is_refused() {
    let mut decl = String::from("<!DOCTYPE w:document [<!ENTITY lol \"lol\">");
    for i in 1..10 {
        let prev = if i == 1 {
            "lol".to_string()
        } else {
            format!("lol{}", i - 1)
        };
        decl.push_str(&format!(
            "<!ENTITY lol{i} \"{}\">",
            format!("&{prev};").repeat(10)
        ));
    }
    decl.push_str("]>");
    let doc = document_xml(&p("企业名称&lol9;")).replacen(
        "<w:document",
        &format!("{decl}<w:document"),
        1,
    );
    assert!(matches!(
        read_err(&docx_raw(&doc, None)),
        ReadError::TooLarge(_)
    ));
    // The same declaration in the styles part is refused too.
    let styles = format!("{decl}<w:styles xmlns:w=\"x\"/>");
    let e = read_err(&docx_raw(&document_xml(&p("甲")), Some(&styles)));
    assert!(matches!(e, ReadError::TooLarge(_)));
}

#[test]
fn a_part_over_the_xml_limit_is_too_large() {
    let limits = Limits {
        max_xml_bytes: 1000,
        ..Limits::default()
    };
    let big = docx(&p(&"字".repeat(2000)));
    assert!(matches!(read(&big, &limits), Err(ReadError::TooLarge(_))));
    assert!(read(&docx(&p("小")), &limits).is_ok());
}

/// Rewrites the uncompressed size of every entry (local headers and central directory) to
/// claim 4 GiB - 1.
fn claim_huge_sizes(mut bytes: Vec<u8>) -> Vec<u8> {
    let patch = |bytes: &mut Vec<u8>, sig: &[u8], offset: usize| {
        let starts: Vec<usize> = bytes
            .windows(4)
            .enumerate()
            .filter(|(_, w)| *w == sig)
            .map(|(i, _)| i)
            .collect();
        for s in starts {
            if let Some(field) = bytes.get_mut(s + offset..s + offset + 4) {
                field.copy_from_slice(&u32::MAX.to_le_bytes());
            }
        }
    };
    patch(&mut bytes, b"PK\x03\x04", 22);
    patch(&mut bytes, b"PK\x01\x02", 24);
    bytes
}

#[test]
fn huge_declared_sizes_are_not_trusted() {
    // Stored entries: the data is what it is, whatever the header claims.
    let stored = zip_parts(
        &[("word/document.xml", document_xml(&p("甲")).as_bytes())],
        zip::CompressionMethod::Stored,
    );
    let r = read(&claim_huge_sizes(stored), &Limits::default());
    assert!(
        r.is_ok() || matches!(r, Err(ReadError::Corrupt(_))),
        "{r:?}"
    );
    let r = read(&claim_huge_sizes(sample()), &Limits::default());
    assert!(
        r.is_ok() || matches!(r, Err(ReadError::Corrupt(_))),
        "{r:?}"
    );
}

#[test]
fn deep_table_nesting_is_capped_but_text_kept() {
    let mut content = p("最深");
    for _ in 0..50 {
        content = tbl(&[tc("", &content)]);
        content.push_str("<w:p/>");
    }
    let d = read_ok(&docx(&content));
    assert_eq!(d.tables.len(), MAX_TABLE_DEPTH);
    assert!(d.tables.iter().all(|t| t.rows[0][0].text.contains("最深")));
}

#[test]
fn deep_element_nesting_does_not_overflow() {
    let depth = 200_000;
    let content = format!(
        "<w:p>{}<w:r><w:t>底</w:t></w:r>{}</w:p>",
        "<w:smartTag>".repeat(depth),
        "</w:smartTag>".repeat(depth)
    );
    assert_eq!(read_ok(&docx(&content)).paragraphs, vec!["底"]);
}

#[test]
fn too_many_cells_are_refused() {
    let row = format!("<w:tr>{}</w:tr>", "<w:tc/>".repeat(1000));
    let content = format!("<w:tbl>{}</w:tbl>", row.repeat(MAX_GRID_ITEMS / 1000 + 1));
    assert!(matches!(read_err(&docx(&content)), ReadError::TooLarge(_)));
}

#[test]
fn malformed_xml_is_corrupt_or_best_effort() {
    for tail in ["<w:p <<>>", "<w:p w:x=\"1>", "<!-- open", "<![CDATA[x"] {
        let broken = document_xml(&format!("<w:p><w:r><w:t>甲</w:t></w:r></w:p>{tail}"));
        match read(&docx_raw(&broken, None), &Limits::default()) {
            Err(ReadError::Corrupt(_)) => {}
            Ok(d) => assert_eq!(d.paragraphs.first().map(String::as_str), Some("甲")),
            Err(e) => panic!("{tail}: {e:?}"),
        }
    }
    // A part cut short after complete content keeps that content.
    let cut = document_xml(&tbl(&[tc("", &p("格"))]));
    let cut = cut.get(..cut.len() - 30).unwrap_or_default();
    let r = read(&docx_raw(cut, None), &Limits::default());
    if let Ok(d) = r {
        assert_eq!(d.tables[0].rows[0][0].text, "格");
    }
    // Stray end tags do not lose the rest.
    let stray = document_xml(&format!("{}</w:r></w:tc>{}", p("甲"), p("乙")));
    assert_eq!(
        read_ok(&docx_raw(&stray, None)).paragraphs,
        vec!["甲", "乙"]
    );
}

#[test]
fn too_many_zip_entries_are_refused_up_front() {
    let limits = Limits {
        max_archive_entries: 3,
        ..Limits::default()
    };
    let names: Vec<String> = (0..5).map(|i| format!("word/media/{i}.xml")).collect();
    let mut parts: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"x"[..])).collect();
    let doc = document_xml(&p("甲"));
    parts.push(("word/document.xml", doc.as_bytes()));
    let bytes = zip_parts(&parts, zip::CompressionMethod::Stored);
    assert!(matches!(read(&bytes, &limits), Err(ReadError::TooLarge(_))));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Random byte edits and cuts of a valid docx never panic.
    #[test]
    fn mutated_docx_bytes_never_panic(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..16),
        cut in any::<prop::sample::Index>(),
        do_cut in any::<bool>(),
    ) {
        let mut bytes = sample();
        for (i, b) in edits {
            let at = i.index(bytes.len());
            if let Some(x) = bytes.get_mut(at) {
                *x = b;
            }
        }
        if do_cut {
            bytes.truncate(cut.index(bytes.len()));
        }
        let _ = read(&bytes, &Limits::default());
    }

    /// Random edits of the XML itself (stored, so every byte reaches the parser) never panic.
    #[test]
    fn mutated_document_xml_never_panics(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..24),
    ) {
        let rows = [tc("<w:gridSpan w:val=\"2\"/><w:vMerge/>", &p("格"))];
        let mut xml = document_xml(&format!("{}{}", p("段"), tbl(&rows))).into_bytes();
        for (i, b) in edits {
            let at = i.index(xml.len());
            if let Some(x) = xml.get_mut(at) {
                *x = b;
            }
        }
        let bytes = zip_parts(&[("word/document.xml", &xml)], zip::CompressionMethod::Stored);
        let _ = read(&bytes, &Limits::default());
    }
}

#[test]
fn deep_wrapper_and_text_box_nesting_stays_linear() {
    let depth = 50_000;
    let alt = format!(
        "<w:p><w:r>{}<w:t>底</w:t>{}</w:r></w:p>",
        "<mc:AlternateContent><mc:Choice>".repeat(depth),
        "</mc:Choice></mc:AlternateContent>".repeat(depth)
    );
    let boxes = format!(
        "<w:p><w:r>{}</w:r></w:p>",
        "<w:txbxContent><w:p><w:r><w:t>框</w:t></w:r></w:p><w:p><w:r>".repeat(depth)
            + &"</w:r></w:p></w:txbxContent>".repeat(depth)
    );
    let started = std::time::Instant::now();
    let d = read_ok(&docx(&format!("{alt}{boxes}")));
    assert_eq!(d.paragraphs.first().map(String::as_str), Some("底"));
    assert_eq!(d.paragraphs.len(), 1 + depth);
    // Quadratic work at this depth would take minutes, even in a debug build.
    assert!(started.elapsed().as_secs() < 20);
}

#[test]
fn an_empty_choice_leaves_the_fallback() {
    let d = read_ok(&docx(
        "<w:p><w:r><mc:AlternateContent><mc:Choice Requires=\"x\"/><mc:Fallback><w:t>退</w:t>\
        </mc:Fallback></mc:AlternateContent></w:r></w:p>",
    ));
    assert_eq!(d.paragraphs, vec!["退"]);
}
