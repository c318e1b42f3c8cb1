//! Test fixtures: .docx bytes built in code.

use std::io::Write;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::forms::Document;
use crate::message::Limits;

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;

const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

/// Root element with the namespaces Word declares.
pub(super) const ROOT: &str = r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:v="urn:schemas-microsoft-com:vml" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" mc:Ignorable="w14">"#;

/// A whole document.xml around a body's content.
pub(super) fn document_xml(body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n{ROOT}<w:body>{body}</w:body></w:document>"
    )
}

/// A styles.xml with the given docDefaults fonts (rFonts attributes) and styles.
pub(super) fn styles_xml(defaults: &str, styles: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts {defaults}/></w:rPr></w:rPrDefault></w:docDefaults>{styles}</w:styles>"#
    )
}

/// Zips parts (name, content) with deflate.
pub(super) fn zip_parts(parts: &[(&str, &[u8])], method: CompressionMethod) -> Vec<u8> {
    let mut w = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(method);
    for (name, data) in parts {
        assert!(w.start_file(*name, opts).is_ok());
        assert!(w.write_all(data).is_ok());
    }
    match w.finish() {
        Ok(c) => c.into_inner(),
        Err(e) => panic!("zip: {e}"),
    }
}

/// A .docx with this document.xml and optional styles.xml.
pub(super) fn docx_raw(document: &str, styles: Option<&str>) -> Vec<u8> {
    let mut parts: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", RELS.as_bytes()),
        ("word/document.xml", document.as_bytes()),
    ];
    if let Some(s) = styles {
        parts.push(("word/styles.xml", s.as_bytes()));
    }
    zip_parts(&parts, CompressionMethod::Deflated)
}

/// A .docx whose body holds `body`.
pub(super) fn docx(body: &str) -> Vec<u8> {
    docx_raw(&document_xml(body), None)
}

/// Reads bytes that must read.
pub(super) fn read_ok(bytes: &[u8]) -> Document {
    match super::read(bytes, &Limits::default()) {
        Ok(d) => d,
        Err(e) => panic!("read failed: {e}"),
    }
}

/// Reads a body that must read.
pub(super) fn body(body: &str) -> Document {
    read_ok(&docx(body))
}

/// A paragraph with one plain run.
pub(super) fn p(text: &str) -> String {
    format!("<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>")
}

/// A cell holding raw content, with raw cell properties.
pub(super) fn tc(props: &str, content: &str) -> String {
    format!("<w:tc><w:tcPr>{props}</w:tcPr>{content}</w:tc>")
}

/// A table of rows (each a string of cells).
pub(super) fn tbl(rows: &[String]) -> String {
    let mut s = String::from("<w:tbl><w:tblPr/><w:tblGrid/>");
    for r in rows {
        s.push_str("<w:tr>");
        s.push_str(r);
        s.push_str("</w:tr>");
    }
    s.push_str("</w:tbl>");
    s
}

/// Texts of the first row-by-row table cells.
pub(super) fn cell_texts(doc: &Document, table: usize) -> Vec<Vec<String>> {
    doc.tables
        .get(table)
        .map(|t| {
            t.rows
                .iter()
                .map(|r| r.iter().map(|c| c.text.clone()).collect())
                .collect()
        })
        .unwrap_or_default()
}
