//! Small quick-xml helpers shared by the part readers: namespace prefixes, attributes, lenient
//! unescaping and the DTD refusal.

use std::borrow::Cow;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, BytesText};

use crate::forms::ReadError;

/// WordprocessingML main namespace, transitional and strict.
const NS_W: [&[u8]; 2] = [
    b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    b"http://purl.oclc.org/ooxml/wordprocessingml/main",
];
/// Word 2010 extensions (content-control checkboxes).
const NS_W14: &[u8] = b"http://schemas.microsoft.com/office/word/2010/wordml";
/// Markup compatibility (mc:AlternateContent).
const NS_MC: &[u8] = b"http://schemas.openxmlformats.org/markup-compatibility/2006";

/// Which namespace an element name belongs to, as far as the readers care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ns {
    /// WordprocessingML proper.
    W,
    /// Word 2010 extensions.
    W14,
    /// Markup compatibility.
    Mc,
    /// Anything else (DrawingML, VML, math…), whose `t`/`r` elements are not Word runs.
    Other,
}

/// The prefixes a part binds to the namespaces above. Word always writes `w:`, `w14:` and
/// `mc:`, but other producers may pick their own, so they are read from the root element.
#[derive(Debug, Clone)]
pub(super) struct Prefixes {
    /// Prefix of the WordprocessingML namespace (empty for a default namespace).
    w: Vec<u8>,
    /// Prefix of the Word 2010 namespace.
    w14: Vec<u8>,
    /// Prefix of the markup-compatibility namespace.
    mc: Vec<u8>,
}

impl Default for Prefixes {
    fn default() -> Self {
        Prefixes {
            w: b"w".to_vec(),
            w14: b"w14".to_vec(),
            mc: b"mc".to_vec(),
        }
    }
}

impl Prefixes {
    /// Updates the prefixes from the `xmlns` declarations of an element (the root).
    pub(super) fn learn(&mut self, e: &BytesStart) {
        for a in e.attributes().with_checks(false).flatten() {
            let key = a.key.as_ref();
            let prefix = if key == b"xmlns" {
                &b""[..]
            } else if let Some(p) = key.strip_prefix(b"xmlns:") {
                p
            } else {
                continue;
            };
            let value = a.value.as_ref();
            if NS_W.contains(&value) {
                self.w = prefix.to_vec();
            } else if value == NS_W14 {
                self.w14 = prefix.to_vec();
            } else if value == NS_MC {
                self.mc = prefix.to_vec();
            }
        }
    }

    /// Splits a qualified name into its namespace and local name.
    pub(super) fn split<'n>(&self, qname: &'n [u8]) -> (Ns, &'n [u8]) {
        let (prefix, local) = match qname.iter().position(|&b| b == b':') {
            Some(i) => (
                qname.get(..i).unwrap_or_default(),
                qname.get(i + 1..).unwrap_or_default(),
            ),
            None => (&b""[..], qname),
        };
        let ns = if prefix == self.w.as_slice() {
            Ns::W
        } else if prefix == self.w14.as_slice() {
            Ns::W14
        } else if prefix == self.mc.as_slice() {
            Ns::Mc
        } else {
            Ns::Other
        };
        (ns, local)
    }
}

/// An attribute's raw value by local name (any prefix: Word attributes carry the element's).
pub(super) fn attr<'a>(e: &'a BytesStart, local: &[u8]) -> Option<Cow<'a, [u8]>> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)
        .map(|a| a.value)
}

/// An attribute as text (lossy: only ASCII values such as styles, fonts and numbers matter).
pub(super) fn attr_str(e: &BytesStart, local: &[u8]) -> Option<String> {
    attr(e, local).map(|v| String::from_utf8_lossy(&v).into_owned())
}

/// An `ST_OnOff` value: absent means on.
pub(super) fn on_off(e: &BytesStart) -> bool {
    match attr(e, b"val") {
        None => true,
        Some(v) => !matches!(&*v, b"0" | b"false" | b"off" | b"False" | b"FALSE"),
    }
}

/// A non-negative integer attribute `val`, if it parses.
pub(super) fn val_usize(e: &BytesStart) -> Option<usize> {
    let v = attr(e, b"val")?;
    std::str::from_utf8(&v).ok()?.trim().parse().ok()
}

/// Text content with the predefined entities and character references resolved. An unknown
/// entity (there is no DTD to define it) is dropped rather than failing the whole file, and
/// text that cannot be unescaped at all is kept raw.
pub(super) fn text<'a>(t: &BytesText<'a>) -> Cow<'a, str> {
    match t.unescape_with(|name| Some(quick_xml::escape::resolve_xml_entity(name).unwrap_or(""))) {
        Ok(s) => s,
        Err(_) => Cow::Owned(String::from_utf8_lossy(t.as_ref()).into_owned()),
    }
}

/// A document type declaration that declares entities is refused: Office never writes one,
/// and it is how entity-expansion bombs are built.
pub(super) fn check_doctype(t: &BytesText) -> Result<(), ReadError> {
    let body: &[u8] = t;
    if body.windows(8).any(|w| w.eq_ignore_ascii_case(b"<!ENTITY")) {
        return Err(ReadError::TooLarge(
            "文档中含有自定义实体，请在 Word 中另存为标准的 .docx 文件后再发送".into(),
        ));
    }
    Ok(())
}

/// A part's bytes as text: the fast validation first, the lossy conversion (much slower on
/// large parts) only for parts that are not valid UTF-8.
pub(super) fn utf8(bytes: &[u8]) -> Cow<'_, str> {
    // XML may also come as UTF-16 with a byte-order mark (a few generators write it).
    if let Some((enc, _)) = encoding_rs::Encoding::for_bom(bytes)
        && enc != encoding_rs::UTF_8
    {
        return Cow::Owned(enc.decode_with_bom_removal(bytes).0.into_owned());
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => match declared_encoding(bytes) {
            Some(enc) => Cow::Owned(enc.decode_without_bom_handling(bytes).0.into_owned()),
            None => String::from_utf8_lossy(bytes),
        },
    }
}

/// The encoding named by the XML declaration, for parts that are not UTF-8 (some Chinese
/// generators write GBK although OOXML requires Unicode).
fn declared_encoding(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = bytes.get(..bytes.len().min(200))?;
    let decl_end = head.windows(2).position(|w| w == b"?>")?;
    let decl = head.get(..decl_end)?;
    let at = decl.windows(8).position(|w| w == b"encoding")?;
    let rest = decl.get(at + 8..)?;
    let open = rest.iter().position(|&b| b == b'"' || b == b'\'')?;
    let quote = *rest.get(open)?;
    let value = rest.get(open + 1..)?;
    let close = value.iter().position(|&b| b == quote)?;
    encoding_rs::Encoding::for_label(value.get(..close)?)
}

/// Refuses an entity declaration in the prolog of a part that is otherwise not parsed.
pub(super) fn refuse_entities(s: &str) -> Result<(), ReadError> {
    let head = s.find("<w:").and_then(|i| s.get(..i)).unwrap_or(s);
    if head.contains("<!DOCTYPE") && head.contains("<!ENTITY") {
        return Err(ReadError::TooLarge(
            "文档中含有自定义实体，请在 Word 中另存为标准的 .docx 文件后再发送".into(),
        ));
    }
    Ok(())
}

/// A reader over a whole part, configured to keep text as is and to tolerate mismatched end
/// tags (the walkers keep their own element stack).
pub(super) fn reader(s: &str) -> Reader<&[u8]> {
    let s = s.strip_prefix('\u{feff}').unwrap_or(s);
    // from_str: the text is already UTF-8, whatever encoding the declaration names.
    let mut r = Reader::from_str(s);
    let c = r.config_mut();
    c.trim_text(false);
    c.check_end_names = false;
    c.expand_empty_elements = false;
    r
}
