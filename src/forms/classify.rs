//! Which form and which version a file is, decided from its content first (titles, labels,
//! header rows, page shape, text layer) and from its name only as a hint.

use super::application::{self, Application};
use super::summary::{self, Summary};
use super::{
    FormKind, PageInfo, ReadError, ScanInfo, SealCheck, Version, doc, docx, scan, seal, sheet,
};
use crate::message::{Attachment, FileKind, FileProblem, Limits};

/// What one attachment turned out to be.
#[derive(Debug, Clone)]
pub struct Reading {
    /// Which form, if it is one.
    pub form: Option<FormKind>,
    /// Which version, if it is a form.
    pub version: Option<Version>,
    /// The parsed content.
    pub content: Content,
    /// Why the file cannot be used, if it cannot.
    pub problem: Option<FileProblem>,
}

/// The parsed content of a file.
#[derive(Debug, Clone)]
pub enum Content {
    /// A Word application form and its fields.
    Application(Box<Application>),
    /// A Word/Excel summary table and its rows.
    Summary(Summary),
    /// A stamped scan's pages.
    Scan(ScanInfo),
    /// Nothing usable.
    None,
}

/// A scanned page is at least this many units on its short side: smaller images are logos,
/// signatures and emoticons from mail clients, not forms.
const MIN_SCAN_SIDE: f64 = 400.0;

fn reading(form: Option<FormKind>, version: Option<Version>, content: Content) -> Reading {
    Reading {
        form,
        version,
        content,
        problem: None,
    }
}

fn unreadable(e: ReadError) -> Reading {
    // The sender is told what to do; the reader's own words go to the log.
    if let Some(detail) = e.detail() {
        tracing::info!(detail, "file not readable: {e}");
    }
    Reading {
        form: None,
        version: None,
        content: Content::None,
        problem: Some(FileProblem::Unreadable(e)),
    }
}

/// Reads and classifies one attachment.
pub fn read(att: &Attachment, limits: &Limits) -> Reading {
    if let Some(p) = &att.problem {
        return Reading {
            form: None,
            version: None,
            content: Content::None,
            problem: Some(p.clone()),
        };
    }
    match att.kind {
        FileKind::Docx => word(docx::read(&att.data, limits), &att.name),
        FileKind::Doc => word(doc::read(&att.data, limits), &att.name),
        FileKind::Xlsx | FileKind::Xls => word(sheet::read(&att.data, att.kind, limits), &att.name),
        FileKind::EncryptedOffice => unreadable(ReadError::Encrypted),
        FileKind::Pdf | FileKind::Jpeg | FileKind::Png | FileKind::Tiff => {
            stamped(scan_info(att), att.kind, &att.name)
        }
        FileKind::Rar | FileKind::SevenZip => Reading {
            form: None,
            version: None,
            content: Content::None,
            problem: Some(FileProblem::Unsupported(
                format!("{:?}", att.kind).to_lowercase(),
            )),
        },
        _ => reading(None, None, Content::None),
    }
}

fn word(doc: Result<super::Document, ReadError>, name: &str) -> Reading {
    let doc = match doc {
        Ok(d) => d,
        Err(e) => return unreadable(e),
    };
    let header = summary::header_score(&doc);
    let labels = application::label_score(&doc);
    let title: String = doc
        .paragraphs
        .iter()
        .take(6)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join("\n");
    let title = if title.is_empty() {
        doc.tables
            .first()
            .and_then(|t| t.rows.first())
            .map(|r| r.iter().map(|c| c.text.as_str()).collect())
            .unwrap_or_default()
    } else {
        title
    };
    let kind = if header >= 4 && (labels < 8 || title.contains("汇总")) {
        Some(FormKind::Summary)
    } else if labels >= 5 {
        Some(FormKind::Application)
    } else if title.contains("汇总表")
        || (header >= 3 && name_hint(name) == Some(FormKind::Summary))
    {
        Some(FormKind::Summary)
    } else if title.contains("申报表")
        || (labels >= 3 && name_hint(name) == Some(FormKind::Application))
    {
        Some(FormKind::Application)
    } else {
        None
    };
    match kind {
        Some(FormKind::Summary) => reading(
            kind,
            Some(Version::Word),
            Content::Summary(summary::extract(&doc)),
        ),
        Some(FormKind::Application) => reading(
            kind,
            Some(Version::Word),
            Content::Application(Box::new(application::extract(&doc))),
        ),
        None => reading(None, None, Content::None),
    }
}

fn stamped(info: Result<ScanInfo, ReadError>, kind: FileKind, name: &str) -> Reading {
    let info = match info {
        Ok(i) => i,
        Err(e) => return unreadable(e),
    };
    let is_image = matches!(kind, FileKind::Jpeg | FileKind::Png | FileKind::Tiff);
    if is_image
        && info
            .pages
            .iter()
            .all(|p| p.width.min(p.height) < MIN_SCAN_SIDE)
    {
        return reading(None, None, Content::Scan(info));
    }
    let kind = text_hint(&info.text)
        .or_else(|| orientation(&info))
        .or_else(|| name_hint(name));
    match kind {
        Some(k) => reading(Some(k), Some(Version::Stamped), Content::Scan(info)),
        None => reading(None, None, Content::Scan(info)),
    }
}

/// The pages of a scan with what the seal check saw on each. The seal analysis reads the
/// pages itself, so the file is parsed once; only when it cannot, the header-level reader gives
/// the pages' shapes and they stay `NotChecked`: the verdict then says the seal could not be
/// verified, never that it is there.
fn scan_info(att: &Attachment) -> Result<ScanInfo, ReadError> {
    let Ok(analysis) = seal::analyse(&att.data, att.kind, &seal::ScanLimits::default()) else {
        return scan::inspect(&att.data, att.kind);
    };
    // A page without colour in a colour scan is just a page without a seal; only a file with
    // no colour anywhere is a black-and-white scan.
    let gray_file = analysis.pages.iter().all(|p| p.grayscale);
    let pages = analysis
        .pages
        .iter()
        .map(|seen| PageInfo {
            width: seen.width,
            height: seen.height,
            seal: match seal_check(seen) {
                SealCheck::Grayscale if !gray_file => SealCheck::Absent,
                other => other,
            },
        })
        .collect();
    Ok(ScanInfo {
        pages,
        text: analysis.text,
    })
}

fn seal_check(page: &seal::PageAnalysis) -> SealCheck {
    match (&page.seal, page.grayscale, page.pictured) {
        (Some(b), _, _) => SealCheck::Found {
            confidence: b.confidence as f32,
            x: b.x as f32,
            y: b.y as f32,
            w: b.w as f32,
            h: b.h as f32,
        },
        (None, true, _) => SealCheck::Grayscale,
        (None, false, false) => SealCheck::NoImage,
        (None, false, true) => SealCheck::Absent,
    }
}

/// A PDF text layer names its form in its title.
fn text_hint(text: &str) -> Option<FormKind> {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if t.contains("汇总表") || (t.contains("申报单位名称") && t.contains("序号")) {
        Some(FormKind::Summary)
    } else if t.contains("立项申报表") || t.contains("企业所属产业") || t.contains("质量攻关目标")
    {
        Some(FormKind::Application)
    } else {
        None
    }
}

/// The summary is printed landscape, the application form portrait.
fn orientation(info: &ScanInfo) -> Option<FormKind> {
    let landscape = info.pages.iter().filter(|p| p.is_landscape()).count();
    let portrait = info.pages.iter().filter(|p| p.height > p.width).count();
    match landscape.cmp(&portrait) {
        std::cmp::Ordering::Greater => Some(FormKind::Summary),
        std::cmp::Ordering::Less => Some(FormKind::Application),
        std::cmp::Ordering::Equal => None,
    }
}

/// What a file name suggests, for the cases content cannot settle.
pub fn name_hint(name: &str) -> Option<FormKind> {
    if name.contains("汇总") {
        Some(FormKind::Summary)
    } else if name.contains("申报表") || name.contains("附件1") {
        Some(FormKind::Application)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The verdict can tell a password from damage: the reader's kind is not flattened to text.
    #[test]
    fn encrypted_file_reaches_the_caller_typed() {
        let att = Attachment {
            name: "申报书.docx".into(),
            container: None,
            data: b"\xD0\xCF\x11\xE0".to_vec(),
            kind: FileKind::EncryptedOffice,
            problem: None,
        };
        let r = read(&att, &Limits::default());
        assert_eq!(
            r.problem,
            Some(FileProblem::Unreadable(ReadError::Encrypted))
        );
        let broken = Attachment {
            kind: FileKind::Docx,
            data: b"PK\x03\x04 not a zip".to_vec(),
            ..att
        };
        let r = read(&broken, &Limits::default());
        assert!(matches!(
            r.problem,
            Some(FileProblem::Unreadable(ReadError::Corrupt(_)))
        ));
    }
}
