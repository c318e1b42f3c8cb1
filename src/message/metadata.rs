//! Files that operating systems and archivers add on their own (macOS resource forks and
//! folder settings, Windows thumbnail caches). They are listed, since they were sent, but they
//! are nobody's submission and raise nothing.

use super::FileKind;

/// Base names written by the system, compared without case.
const SYSTEM_FILES: [&str; 5] = [
    ".DS_Store",
    "Thumbs.db",
    "ehthumbs.db",
    "desktop.ini",
    ".localized",
];

/// Whether `name` (a path inside an archive, or a plain file name) is system metadata.
pub fn is_metadata(name: &str) -> bool {
    let path = name.replace('\\', "/");
    if path
        .split('/')
        .any(|c| c.trim().eq_ignore_ascii_case("__MACOSX"))
    {
        return true;
    }
    let base = path.rsplit('/').next().unwrap_or_default().trim();
    base.starts_with("._") || SYSTEM_FILES.iter().any(|s| base.eq_ignore_ascii_case(s))
}

/// A metadata name over bytes that are really a document is that document: the name alone
/// must never hide a form (a sender may call a file anything).
pub(crate) fn is_metadata_file(name: &str, kind: FileKind) -> bool {
    matches!(kind, FileKind::Unknown | FileKind::Ole) && is_metadata(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_files_by_name() {
        for n in [
            "__MACOSX/._申报表.docx",
            "材料/__MACOSX/材料/._汇总表.xlsx",
            "._附件1.pdf",
            "材料/.DS_Store",
            "THUMBS.DB",
            "材料\\desktop.ini",
        ] {
            assert!(is_metadata(n), "{n}");
        }
        for n in ["申报表.docx", "_申报表.docx", "MACOSX.pdf", "a._b.docx"] {
            assert!(!is_metadata(n), "{n}");
        }
    }

    #[test]
    fn a_real_document_under_a_system_name_is_a_document() {
        assert!(is_metadata_file("Thumbs.db", FileKind::Ole));
        assert!(is_metadata_file("__MACOSX/._a.docx", FileKind::Unknown));
        assert!(!is_metadata_file("__MACOSX/a.docx", FileKind::Docx));
        assert!(!is_metadata_file("._scan.pdf", FileKind::Pdf));
    }
}
