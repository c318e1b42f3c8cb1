//! Stamped versions counted by the forms they hold, not by files.
//!
//! Units scan all their stamped forms into one PDF, or one two-page form into two files. The
//! applicant's seal sits at the end of the application form (申报单位意见（公章）) and the
//! recommending unit's seal on the summary, so each sealed page closes one form and the
//! unsealed pages before it belong to it. A file in which no seal can be seen still counts as
//! one form of its kind, with the warning `stamp_not_detected`: the division decides.

use super::materials::FileRef;
use crate::forms::{FormKind, PageInfo, ScanInfo, SealCheck};
use crate::rules::{Code, Problem};

/// One stamped file of an email, in attachment order.
pub struct StampedFile<'a> {
    /// The file as the unit sent it.
    pub file: FileRef,
    /// The form the file was classified as (text layer, orientation, name).
    pub form: FormKind,
    /// Its pages with their seal results.
    pub scan: &'a ScanInfo,
}

/// The stamped forms an email holds, and the warnings about seals.
#[derive(Debug, Default)]
pub struct Held {
    /// Stamped summaries, one entry per summary form seen.
    pub summaries: Vec<FileRef>,
    /// Stamped application forms, one entry per form seen.
    pub applications: Vec<FileRef>,
    /// `stamp_not_detected` warnings, one per file concerned.
    pub problems: Vec<Problem>,
}

/// A run of pages that ends a form, or a whole file without any seal.
struct Segment {
    /// Index of the file in the email's stamped files.
    file: usize,
    /// Pages of the run.
    pages: usize,
    /// Whether the run ends on a sealed page.
    sealed: bool,
    /// Whether the run starts at the file's first page of its kind (a split form's second
    /// file starts that way).
    starts_file: bool,
}

/// Splits the email's stamped files into forms.
pub fn forms_held(files: &[StampedFile]) -> Held {
    let mut held = Held::default();
    for kind in [FormKind::Application, FormKind::Summary] {
        let segments = segments(files, kind);
        let longest = segments
            .iter()
            .filter(|s| s.sealed)
            .map(|s| s.pages)
            .max()
            .unwrap_or(0)
            .max(2);
        let mut i = 0;
        while let Some(seg) = segments.get(i) {
            let Some(f) = files.get(seg.file) else { break };
            if seg.sealed {
                push(&mut held, kind, f.file.clone());
                i += 1;
                continue;
            }
            // A file without a seal: the first half of a form split over two files when the
            // next file's first run closes a form no longer than the forms seen whole.
            let joins = segments.get(i + 1).is_some_and(|next| {
                next.sealed && next.starts_file && seg.pages + next.pages <= longest
            });
            if joins {
                if let Some(next) = segments.get(i + 1).and_then(|n| files.get(n.file)) {
                    push(&mut held, kind, next.file.clone());
                }
                i += 2;
                continue;
            }
            push(&mut held, kind, f.file.clone());
            held.problems.push(not_detected(f));
            i += 1;
        }
    }
    held
}

fn push(held: &mut Held, kind: FormKind, file: FileRef) {
    match kind {
        FormKind::Summary => held.summaries.push(file),
        FormKind::Application => held.applications.push(file),
    }
}

/// The form a page belongs to: the file's own form when all its pages share one orientation
/// (a portrait-printed summary stays a summary), else the page's orientation.
fn page_kind(f: &StampedFile, page: &PageInfo) -> FormKind {
    let landscape = f.scan.pages.iter().filter(|p| p.is_landscape()).count();
    if landscape == 0 || landscape == f.scan.pages.len() {
        f.form
    } else if page.is_landscape() {
        FormKind::Summary
    } else {
        FormKind::Application
    }
}

fn segments(files: &[StampedFile], kind: FormKind) -> Vec<Segment> {
    let mut out = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let pages: Vec<&PageInfo> = f
            .scan
            .pages
            .iter()
            .filter(|p| page_kind(f, p) == kind)
            .collect();
        if pages.is_empty() {
            continue;
        }
        if !pages.iter().any(|p| p.seal.found()) {
            out.push(Segment {
                file: i,
                pages: pages.len(),
                sealed: false,
                starts_file: true,
            });
            continue;
        }
        let mut run = 0;
        let mut first = true;
        for p in pages {
            run += 1;
            if p.seal.found() {
                out.push(Segment {
                    file: i,
                    pages: run,
                    sealed: true,
                    starts_file: first,
                });
                run = 0;
                first = false;
            }
        }
        // Unsealed pages after the last seal (an annex, a blank back) close no form.
    }
    out
}

fn not_detected(f: &StampedFile) -> Problem {
    let pages = &f.scan.pages;
    let all =
        |want: fn(&SealCheck) -> bool| !pages.is_empty() && pages.iter().all(|p| want(&p.seal));
    let why = if all(|s| matches!(s, SealCheck::Grayscale)) {
        "是黑白扫描件，无法识别红色公章。请用彩色模式扫描盖章页后重新发送"
    } else if all(|s| matches!(s, SealCheck::Absent)) {
        "中未识别到红色公章。请确认已加盖公章并以彩色扫描后重新发送"
    } else {
        "中无法核验是否加盖公章（文件中没有可识别的扫描图像）。请发送加盖公章后的彩色扫描件"
    };
    Problem::new(
        Code::StampNotDetected,
        format!(
            "盖章版“{}”{why}；如确已盖章，可忽略本提示，由工作人员人工核对。",
            f.file.name
        ),
    )
    .file(f.file.name.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;

    const SEAL: SealCheck = SealCheck::Found {
        confidence: 0.9,
        x: 0.6,
        y: 0.7,
        w: 0.2,
        h: 0.14,
    };

    fn page(landscape: bool, seal: SealCheck) -> PageInfo {
        let (width, height) = if landscape {
            (842.0, 595.0)
        } else {
            (595.0, 842.0)
        };
        PageInfo {
            width,
            height,
            seal,
        }
    }

    fn file(name: &str) -> FileRef {
        FileRef {
            name: name.into(),
            container: None,
            received: DateTime::parse_from_rfc3339("2023-04-20T10:00:00+08:00").unwrap_or_default(),
            email: 1,
            seq: None,
        }
    }

    fn held(files: &[(&str, FormKind, Vec<PageInfo>)]) -> Held {
        let scans: Vec<ScanInfo> = files
            .iter()
            .map(|(_, _, p)| ScanInfo {
                pages: p.clone(),
                text: String::new(),
            })
            .collect();
        let stamped: Vec<StampedFile> = files
            .iter()
            .zip(&scans)
            .map(|((n, k, _), s)| StampedFile {
                file: file(n),
                form: *k,
                scan: s,
            })
            .collect();
        forms_held(&stamped)
    }

    use FormKind::{Application as A, Summary as S};
    use SealCheck::{Absent, Grayscale};

    #[test]
    fn one_pdf_with_every_form_counts_each_form() {
        let pages = vec![
            page(false, Absent),
            page(false, SEAL),
            page(false, Absent),
            page(false, SEAL),
            page(true, SEAL),
        ];
        let h = held(&[("盖章版.pdf", A, pages)]);
        assert_eq!(h.applications.len(), 2);
        assert_eq!(h.summaries.len(), 1);
        assert!(h.problems.is_empty());
    }

    #[test]
    fn a_form_split_over_two_files_is_one_form() {
        let h = held(&[
            ("scan001.pdf", A, vec![page(false, Absent)]),
            ("scan002.pdf", A, vec![page(false, SEAL)]),
        ]);
        assert_eq!(h.applications.len(), 1);
        assert_eq!(h.applications[0].name, "scan002.pdf");
        assert!(h.problems.is_empty());
    }

    #[test]
    fn a_whole_form_without_seal_stands_alone_and_is_flagged() {
        let h = held(&[
            ("a.pdf", A, vec![page(false, Absent), page(false, Absent)]),
            ("b.pdf", A, vec![page(false, Absent), page(false, SEAL)]),
        ]);
        assert_eq!(h.applications.len(), 2);
        assert_eq!(h.problems.len(), 1);
        assert_eq!(h.problems[0].file.as_deref(), Some("a.pdf"));
        assert_eq!(h.problems[0].code, Code::StampNotDetected);
    }

    #[test]
    fn grayscale_scans_are_flagged_with_their_reason() {
        let h = held(&[("汇总表.pdf", S, vec![page(true, Grayscale)])]);
        assert_eq!(h.summaries.len(), 1);
        assert!(h.problems[0].message.contains("黑白"));
    }

    #[test]
    fn a_portrait_summary_stays_a_summary() {
        let h = held(&[("汇总表.pdf", S, vec![page(false, SEAL)])]);
        assert_eq!(h.summaries.len(), 1);
        assert!(h.applications.is_empty());
    }

    #[test]
    fn trailing_unsealed_pages_close_no_form() {
        let h = held(&[(
            "x.pdf",
            A,
            vec![page(false, Absent), page(false, SEAL), page(false, Absent)],
        )]);
        assert_eq!(h.applications.len(), 1);
        assert!(h.problems.is_empty());
    }
}
