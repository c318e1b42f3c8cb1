//! File type from the bytes (magic numbers, and for zips and OLE files their content).

use serde::Serialize;

use super::archive::central;
use super::{FileProblem, ReadError};

/// The real type of a file, decided from its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    Docx,
    Xlsx,
    Doc,
    Xls,
    /// An OOXML file encrypted with a password (an OLE file holding `EncryptedPackage`).
    EncryptedOffice,
    /// Another OLE compound file (.wps, .ppt, …).
    Ole,
    Zip,
    Pdf,
    Jpeg,
    Png,
    /// A TIFF scan (office scanners, fax gateways), one page per image directory.
    Tiff,
    Rar,
    SevenZip,
    /// An attached email (message/rfc822).
    Email,
    Unknown,
}

/// Zip entries looked at to tell an Office file from an archive; an OOXML file has a few dozen.
const MAX_SNIFF_ENTRIES: usize = 4096;

/// Decides a file's type from its bytes.
pub fn sniff(data: &[u8]) -> FileKind {
    // A PDF may start late (scanner junk before the header), but a zip or OLE file storing a
    // PDF also holds `%PDF-` early: the late header is only believed after the other magics.
    let head = data.get(..1024).unwrap_or(data);
    if data.starts_with(b"%PDF-") {
        FileKind::Pdf
    } else if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        FileKind::Jpeg
    } else if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        FileKind::Png
    } else if data.starts_with(b"II*\0") || data.starts_with(b"MM\0*") {
        FileKind::Tiff
    } else if data.starts_with(b"Rar!\x1a\x07") {
        FileKind::Rar
    } else if data.starts_with(b"7z\xBC\xAF\x27\x1C") {
        FileKind::SevenZip
    } else if data.starts_with(b"PK\x03\x04") || data.starts_with(b"PK\x05\x06") {
        zip_kind(data)
    } else if data.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        ole_kind(data)
    } else if head.windows(5).any(|w| w == b"%PDF-") {
        FileKind::Pdf
    } else {
        FileKind::Unknown
    }
}

fn zip_kind(data: &[u8]) -> FileKind {
    let names: Vec<Vec<u8>> = match central::entries(data, MAX_SNIFF_ENTRIES) {
        Some(entries) => entries.into_iter().map(|e| e.name).collect(),
        // Truncated: the local headers still tell a damaged docx from an archive, so the
        // form reader can report the damage with the right words.
        None => central::local_names(data, MAX_SNIFF_ENTRIES),
    };
    let has = |n: &[u8]| names.iter().any(|x| x.eq_ignore_ascii_case(n));
    // Some generators name the main part differently (word/document2.xml); the content-types
    // part plus a word/ or xl/ folder still says which Office file it is.
    let ooxml = has(b"[Content_Types].xml");
    let under = |dir: &[u8]| {
        ooxml
            && names.iter().any(|x| {
                x.get(..dir.len())
                    .is_some_and(|p| p.eq_ignore_ascii_case(dir))
            })
    };
    if has(b"word/document.xml") || under(b"word/") {
        FileKind::Docx
    } else if has(b"xl/workbook.xml") || under(b"xl/") {
        FileKind::Xlsx
    } else {
        FileKind::Zip
    }
}

fn ole_kind(data: &[u8]) -> FileKind {
    // cfb validates its structures, but it is a third-party parser facing hostile input: a
    // panic there must cost one attachment, not the whole email.
    let names = std::panic::catch_unwind(|| {
        let cf = cfb::CompoundFile::open(std::io::Cursor::new(data)).ok()?;
        Some(
            cf.read_root_storage()
                .map(|e| e.name().to_string())
                .collect::<Vec<_>>(),
        )
    });
    let Ok(Some(names)) = names else {
        return FileKind::Ole;
    };
    let has = |n: &str| names.iter().any(|x| x.eq_ignore_ascii_case(n));
    if has("EncryptedPackage") {
        FileKind::EncryptedOffice
    } else if has("WordDocument") {
        FileKind::Doc
    } else if has("Workbook") || has("Book") {
        FileKind::Xls
    } else {
        FileKind::Ole
    }
}

/// Why a file of this kind cannot be used, decided where the kind is: formats no reader
/// handles are `Unsupported` (naming the format for the sender), a name promising a form or a
/// scan over bytes that are none of them is `Unreadable`. Other unknown files (signatures,
/// texts) carry no problem: they simply are not forms.
pub(crate) fn problem_for(kind: FileKind, name: &str, data: &[u8]) -> Option<FileProblem> {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.trim().to_lowercase())
        .unwrap_or_default();
    let unsupported = |what: &str| Some(FileProblem::Unsupported(what.to_string()));
    match kind {
        FileKind::Rar => unsupported("rar"),
        FileKind::SevenZip => unsupported("7z"),
        FileKind::Ole => match ext.as_str() {
            "wps" | "et" | "dps" | "ppt" | "pps" | "vsd" | "msg" => unsupported(&ext),
            _ => unsupported("OLE复合文档"),
        },
        // Zip-based formats nobody reads here are not archives to open.
        FileKind::Zip => match ext.as_str() {
            "pptx" | "ppsx" | "odt" | "ods" | "odp" | "ofd" | "epub" => unsupported(&ext),
            _ => None,
        },
        FileKind::Unknown => {
            if let Some(what) = disguised(data, &ext) {
                return unsupported(&what);
            }
            // Outlook's TNEF wrapper hides the real attachments inside.
            if data.starts_with(&[0x78, 0x9F, 0x3E, 0x22]) {
                return unsupported("winmail.dat（Outlook RTF格式）");
            }
            match ext.as_str() {
                "wps" | "et" | "dps" | "rar" | "7z" | "ofd" | "tar" | "gz" | "bz2" | "xz"
                | "arj" | "cab" | "iso" | "pages" | "numbers" => unsupported(&ext),
                "doc" | "docx" | "xls" | "xlsx" | "pdf" | "jpg" | "jpeg" | "png" | "tif"
                | "tiff" | "zip"
                    if !data.is_empty() =>
                {
                    Some(FileProblem::Unreadable(ReadError::Refused(
                        "文件内容与扩展名不符或文件已损坏".to_string(),
                    )))
                }
                "doc" | "docx" | "xls" | "xlsx" | "pdf" | "jpg" | "jpeg" | "png" | "tif"
                | "tiff" | "zip" => Some(FileProblem::Unreadable(ReadError::Refused(
                    "文件为空".to_string(),
                ))),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Names under which a document saved in another format (RTF, a web page, Word/Excel 2003
/// XML) arrives as a form.
const FORM_EXTENSIONS: &[&str] = &[
    "doc", "docx", "xls", "xlsx", "wps", "et", "rtf", "mht", "mhtml",
];

/// A real document of a kind no reader handles, disguised by its name: what it really is and
/// how to save it properly, for the sender. RTF is said whatever the name; web pages and 2003
/// XML only under a form's name (an .html beside the forms is just not a form).
fn disguised(data: &[u8], ext: &str) -> Option<String> {
    let head = text_head(data);
    let head = head.trim_start();
    let spreadsheet = matches!(ext, "xls" | "xlsx" | "et");
    let (app, save_as) = if spreadsheet {
        ("Excel", "Excel 工作簿 (.xlsx)")
    } else {
        ("Word", "Word 文档 (.docx)")
    };
    let what = if head.starts_with("{\\rtf") {
        "RTF文档"
    } else if !FORM_EXTENSIONS.contains(&ext) {
        return None;
    } else if head.contains("mime-version:") && head.contains("multipart/related") {
        "MHT单个文件网页"
    } else if head.starts_with("<?xml")
        && (head.contains("word.document") || head.contains("<w:worddocument"))
    {
        "Word 2003 XML文档"
    } else if head.starts_with("<?xml")
        && (head.contains("excel.sheet") || head.contains("office:spreadsheet"))
    {
        "Excel 2003 XML表格"
    } else if head.starts_with("<html")
        || head.starts_with("<!doctype html")
        || (head.starts_with('<') && head.contains("<html"))
    {
        "HTML网页文件"
    } else {
        return None;
    };
    Some(format!(
        "实为{what}，不是{app}文件；请用{app}打开后另存为 {save_as} 再发送"
    ))
}

/// The first bytes as lower-case ASCII text, through a UTF-8 or UTF-16 byte-order mark.
fn text_head(data: &[u8]) -> String {
    let head = data.get(..4096).unwrap_or(data);
    let bytes: Vec<u8> = if let Some(rest) = head.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        rest.to_vec()
    } else if let Some(rest) = head.strip_prefix(&[0xFF, 0xFE]) {
        rest.iter().step_by(2).copied().collect()
    } else if let Some(rest) = head.strip_prefix(&[0xFE, 0xFF]) {
        rest.iter().skip(1).step_by(2).copied().collect()
    } else {
        head.to_vec()
    };
    String::from_utf8_lossy(&bytes).to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::archive::tests::{ZipSpec, zip_bytes};

    fn ole(streams: &[&str]) -> Vec<u8> {
        let mut cf = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
        for s in streams {
            cf.create_stream(format!("/{s}")).unwrap();
        }
        cf.flush().unwrap();
        cf.into_inner().into_inner()
    }

    #[test]
    fn magic_numbers() {
        assert_eq!(sniff(b"%PDF-1.7\n"), FileKind::Pdf);
        let mut late_pdf = vec![b' '; 600];
        late_pdf.extend(b"%PDF-1.4");
        assert_eq!(sniff(&late_pdf), FileKind::Pdf);
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]), FileKind::Jpeg);
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0"), FileKind::Png);
        assert_eq!(sniff(b"GIF89a"), FileKind::Unknown);
        assert_eq!(sniff(b"II*\0\x08\0\0\0"), FileKind::Tiff);
        assert_eq!(sniff(b"MM\0*\0\0\0\x08"), FileKind::Tiff);
        assert_eq!(sniff(b"Rar!\x1a\x07\x01\x00"), FileKind::Rar);
        assert_eq!(sniff(b"7z\xBC\xAF\x27\x1C\0\x04"), FileKind::SevenZip);
        assert_eq!(
            sniff(b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"),
            FileKind::Zip
        );
        assert_eq!(sniff(b""), FileKind::Unknown);
        assert_eq!(sniff(b"hello"), FileKind::Unknown);
    }

    #[test]
    fn zips_by_content() {
        let docx = zip_bytes(&[
            ZipSpec::stored("[Content_Types].xml", b"x"),
            ZipSpec::stored("word/document.xml", b"<w/>"),
        ]);
        assert_eq!(sniff(&docx), FileKind::Docx);
        let xlsx = zip_bytes(&[ZipSpec::stored("xl/workbook.xml", b"<w/>")]);
        let renamed = zip_bytes(&[
            ZipSpec::stored("[Content_Types].xml", b"x"),
            ZipSpec::stored("word/document2.xml", b"<w/>"),
        ]);
        assert_eq!(sniff(&renamed), FileKind::Docx);
        assert_eq!(sniff(&xlsx), FileKind::Xlsx);
        // A zip holding a docx is an archive, not a docx.
        let outer = zip_bytes(&[ZipSpec::stored("a.docx", &docx)]);
        assert_eq!(sniff(&outer), FileKind::Zip);
        // A truncated docx is still recognised from its local headers.
        let cut = docx.get(..docx.len() - 30).unwrap();
        assert_eq!(sniff(cut), FileKind::Docx);
    }

    #[test]
    fn ole_by_streams() {
        assert_eq!(sniff(&ole(&["WordDocument", "1Table"])), FileKind::Doc);
        assert_eq!(sniff(&ole(&["Workbook"])), FileKind::Xls);
        assert_eq!(sniff(&ole(&["Book"])), FileKind::Xls);
        assert_eq!(
            sniff(&ole(&["EncryptedPackage", "EncryptionInfo"])),
            FileKind::EncryptedOffice
        );
        assert_eq!(sniff(&ole(&["PowerPoint Document"])), FileKind::Ole);
    }

    #[test]
    fn problems_for_unsupported_and_mislabelled() {
        let un = |s: &str| Some(FileProblem::Unsupported(s.to_string()));
        assert_eq!(problem_for(FileKind::Rar, "a.rar", b""), un("rar"));
        assert_eq!(problem_for(FileKind::SevenZip, "a.7z", b""), un("7z"));
        assert_eq!(problem_for(FileKind::Ole, "申报表.wps", b""), un("wps"));
        assert_eq!(problem_for(FileKind::Unknown, "a.wps", b"xx"), un("wps"));
        assert!(matches!(
            problem_for(FileKind::Unknown, "a.doc", b"{\\rtf1"),
            Some(FileProblem::Unsupported(m)) if m.contains("RTF")
        ));
        assert!(matches!(
            problem_for(FileKind::Unknown, "a.pdf", b"<html>"),
            Some(FileProblem::Unreadable(_))
        ));
        assert_eq!(problem_for(FileKind::Unknown, "签名.gif", b"GIF89a"), None);
        assert_eq!(problem_for(FileKind::Docx, "a.docx", b""), None);
        assert_eq!(problem_for(FileKind::Zip, "发票.ofd", b""), un("ofd"));
        assert_eq!(problem_for(FileKind::Zip, "材料.zip", b""), None);
        assert!(matches!(
            problem_for(
                FileKind::Unknown,
                "winmail.dat",
                &[0x78, 0x9F, 0x3E, 0x22, 1]
            ),
            Some(FileProblem::Unsupported(_))
        ));
    }

    #[test]
    fn documents_saved_as_rtf_or_web_pages_are_unsupported_saying_what_they_are() {
        let mht = b"From: <Saved by Microsoft Word>\r\nSubject: x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"----=_NextPart\"\r\n";
        let mut utf16_html = vec![0xFF, 0xFE];
        for b in b"<html xmlns:o=\"urn:schemas-microsoft-com:office:office\">" {
            utf16_html.extend([*b, 0]);
        }
        let cases: [(&str, &[u8], &str, &str); 6] = [
            ("申报表.doc", b"{\\rtf1\\ansi", "RTF", "Word 文档 (.docx)"),
            ("申报表.doc", mht, "MHT", "Word 文档 (.docx)"),
            (
                "申报表.docx",
                b"\xEF\xBB\xBF <!DOCTYPE html><html>",
                "HTML",
                "(.docx)",
            ),
            ("汇总表.xls", &utf16_html, "HTML", "Excel 工作簿 (.xlsx)"),
            (
                "申报表.doc",
                b"<?xml version=\"1.0\"?><?mso-application progid=\"Word.Document\"?>",
                "Word 2003 XML",
                "(.docx)",
            ),
            (
                "汇总表.xml.xls",
                b"<?xml version=\"1.0\"?><?mso-application progid=\"Excel.Sheet\"?>",
                "Excel 2003",
                "(.xlsx)",
            ),
        ];
        for (name, data, what, how) in cases {
            match problem_for(FileKind::Unknown, name, data) {
                Some(FileProblem::Unsupported(m)) => {
                    assert!(
                        m.contains(what) && m.contains("另存为") && m.contains(how),
                        "{m}"
                    );
                }
                other => panic!("{name}: {other:?}"),
            }
        }
        // A web page that is not named as a form is no form, and no problem either.
        assert_eq!(problem_for(FileKind::Unknown, "正文.html", b"<html>"), None);
        // Garbage under a form's name stays unreadable.
        assert!(matches!(
            problem_for(FileKind::Unknown, "a.doc", b"\x00\x01garbage"),
            Some(FileProblem::Unreadable(_))
        ));
    }

    #[test]
    fn truncated_ole_and_zip_never_panic() {
        let doc = ole(&["WordDocument"]);
        for n in [8, 100, 511, 512, 600, 1024, doc.len() - 1] {
            let _ = sniff(doc.get(..n).unwrap_or(&doc));
        }
        let z = zip_bytes(&[ZipSpec::stored("a.txt", b"abc")]);
        for n in 0..z.len() {
            let _ = sniff(&z[..n]);
        }
    }
}
