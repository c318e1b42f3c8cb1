//! An email's files sorted by what they are: the files as reported, the problems of files
//! that cannot be used, the forms read, and the materials they bring to the unit.

use super::materials::{EmailFiles, FileRef};
use super::outcome::{FileReport, PageReport};
use super::stamped::{self, StampedFile};
use crate::forms::Version;
use crate::forms::application::Application;
use crate::forms::classify::{Content, Reading};
use crate::forms::summary::SummaryRow;
use crate::message::{Email, FileProblem};
use crate::rules::{Code, Problem};
use chrono::{DateTime, FixedOffset};

/// Every attachment with its form, version and, for a scan, its pages.
pub fn reports(email: &Email, readings: &[Reading]) -> Vec<FileReport> {
    email
        .attachments
        .iter()
        .zip(readings)
        .map(|(a, r)| FileReport {
            name: a.name.clone(),
            container: a.container.clone(),
            form: r.form,
            version: r.version,
            pages: match &r.content {
                Content::Scan(scan) => PageReport::of(scan),
                _ => Vec::new(),
            },
        })
        .collect()
}

/// What an email's files say before they are added to a unit's materials.
#[derive(Debug, Default)]
pub struct Sorted<'a> {
    /// Files that cannot be used at all, and an email with more files than are read.
    pub problems: Vec<Problem>,
    /// Summary rows read.
    pub summary_rows: Vec<SummaryRow>,
    /// Application forms read.
    pub applications: Vec<Application>,
    /// 推荐单位 as written on the summaries.
    pub summary_recommenders: Vec<String>,
    /// Every file with its reading, in attachment order.
    pub files: Vec<(FileRef, &'a Reading)>,
}

/// Sorts an email's files; `received` is its arrival.
pub fn sort<'a>(
    email: &Email,
    readings: &'a [Reading],
    received: DateTime<FixedOffset>,
) -> Sorted<'a> {
    let mut s = Sorted::default();
    for (seq, (a, r)) in email.attachments.iter().zip(readings).enumerate() {
        let file = FileRef {
            name: a.name.clone(),
            container: a.container.clone(),
            received,
            email: 0,
            seq: u32::try_from(seq).ok(),
        };
        s.problems.extend(file_problem(&a.name, r.problem.as_ref()));
        match &r.content {
            Content::Summary(summary) => {
                s.summary_rows.extend(summary.rows.iter().cloned());
                s.summary_recommenders
                    .extend(summary.recommender.iter().cloned());
            }
            Content::Application(app) => s.applications.push((**app).clone()),
            _ => {}
        }
        s.files.push((file, r));
    }
    s.problems.extend(too_many_problem(email));
    s
}

/// The materials the files bring as the unit's email number `email`, with the warnings about
/// seals of the stamped ones.
pub fn incoming(files: &[(FileRef, &Reading)], email: u32) -> (EmailFiles, Vec<Problem>) {
    let mut incoming = EmailFiles::default();
    let mut stamped_files = Vec::new();
    for (file, r) in files {
        let file = FileRef {
            email,
            ..file.clone()
        };
        match (&r.content, r.form, r.version) {
            (Content::Summary(s), _, _) => incoming.summaries.push((file, s.clone())),
            (Content::Application(app), _, _) => {
                incoming.applications.push((file, (**app).clone()))
            }
            (Content::Scan(scan), Some(form), Some(Version::Stamped)) => {
                stamped_files.push(StampedFile { file, form, scan })
            }
            _ => {}
        }
    }
    let held = stamped::forms_held(&stamped_files);
    incoming.summary_scans = held.summaries;
    incoming.application_scans = held.applications;
    (incoming, held.problems)
}

/// The problem of a file that cannot be used at all.
fn file_problem(name: &str, problem: Option<&FileProblem>) -> Option<Problem> {
    let p = match problem? {
        FileProblem::Unreadable(why) => Problem::new(
            Code::UnreadableAttachment,
            format!(
                "附件“{name}”无法读取：{why}。请检查文件后重新发送（不要加密，不要压缩成分卷）。"
            ),
        ),
        FileProblem::Unsupported(kind) => Problem::new(
            Code::UnsupportedFormat,
            format!(
                "附件“{name}”的格式（{kind}）无法处理。请直接以附件发送word/Excel文件和PDF/JPG盖章扫描件，或使用zip压缩包。"
            ),
        ),
        // Reported once for the whole email by `too_many_problem`.
        FileProblem::Skipped => return None,
    };
    Some(p.file(name))
}

/// The email held more files than are read: say how many, and which were left out.
fn too_many_problem(email: &Email) -> Option<Problem> {
    const NAMED: usize = 10;
    let t = email.too_many?;
    let skipped: Vec<&str> = email
        .attachments
        .iter()
        .filter(|a| a.problem == Some(FileProblem::Skipped))
        .map(|a| a.name.as_str())
        .collect();
    let left_out = t.found.saturating_sub(t.read);
    let names = skipped
        .iter()
        .take(NAMED)
        .map(|n| format!("“{n}”"))
        .collect::<Vec<_>>()
        .join("、");
    let which = if names.is_empty() {
        String::new()
    } else if left_out > NAMED.min(skipped.len()) {
        format!("未读取的有{names}等{left_out}个文件。")
    } else {
        format!("未读取的是{names}。")
    };
    Some(Problem::new(
        Code::TooManyAttachments,
        format!(
            "本邮件共有{}个文件（含压缩包和转发邮件中的文件），超过每封邮件最多处理{}个的上限，只读取了其中{}个，其余未读取，无法确认材料是否齐全。{which}请删去与申报无关的文件后重新发送，或分几封邮件发送。",
            t.found, t.read, t.read
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::{FormKind, PageInfo, ScanInfo, SealCheck};
    use crate::message::{Attachment, FileKind, TooMany};
    use crate::verdict::fixtures::{CODES, app, at, row, summary};

    fn att(name: &str, problem: Option<FileProblem>) -> Attachment {
        Attachment {
            name: name.into(),
            container: None,
            data: vec![1],
            kind: FileKind::Docx,
            problem,
        }
    }

    fn reading(form: Option<FormKind>, version: Option<Version>, content: Content) -> Reading {
        Reading {
            form,
            version,
            content,
            problem: None,
        }
    }

    #[test]
    fn files_are_sorted_by_what_they_are() {
        let email = Email {
            attachments: vec![
                att("汇总表.xlsx", None),
                att("申报表.docx", None),
                att("坏.docx", None),
            ],
            ..Email::default()
        };
        let readings = vec![
            reading(
                Some(FormKind::Summary),
                Some(Version::Word),
                Content::Summary(summary(vec![row("1", "甲", CODES[0], "题")])),
            ),
            reading(
                Some(FormKind::Application),
                Some(Version::Word),
                Content::Application(Box::new(app("甲", CODES[0], "题"))),
            ),
            Reading {
                problem: Some(FileProblem::Unreadable(crate::message::ReadError::Corrupt(
                    "损坏".into(),
                ))),
                ..reading(None, None, Content::None)
            },
        ];
        let s = sort(&email, &readings, at(0));
        assert_eq!(s.summary_rows.len(), 1);
        assert_eq!(s.applications.len(), 1);
        assert_eq!(s.summary_recommenders, ["和平区市场监管局"]);
        let codes: Vec<Code> = s.problems.iter().map(|p| p.code).collect();
        assert_eq!(codes, [Code::UnreadableAttachment]);
        assert_eq!(s.files.len(), 3);
        assert_eq!(s.files[2].0.seq, Some(2));
        let (incoming, seals) = incoming(&s.files, 4);
        assert_eq!(incoming.summaries.len(), 1);
        assert_eq!(incoming.applications.first().map(|(f, _)| f.email), Some(4));
        assert!(seals.is_empty());
        assert_eq!(reports(&email, &readings).len(), 3);
    }

    #[test]
    fn a_stamped_scan_without_a_seal_counts_and_is_flagged() {
        let email = Email {
            attachments: vec![att("申报表盖章.pdf", None)],
            ..Email::default()
        };
        let scan = ScanInfo {
            pages: vec![PageInfo {
                width: 595.0,
                height: 842.0,
                seal: SealCheck::NotChecked,
            }],
            ..ScanInfo::default()
        };
        let readings = vec![reading(
            Some(FormKind::Application),
            Some(Version::Stamped),
            Content::Scan(scan),
        )];
        let s = sort(&email, &readings, at(0));
        let (incoming, seals) = incoming(&s.files, 1);
        assert_eq!(incoming.application_scans.len(), 1);
        assert_eq!(seals.len(), 1);
    }

    #[test]
    fn too_many_files_is_one_problem_naming_those_left_out() {
        let email = Email {
            attachments: vec![
                att("a.docx", None),
                att("b.docx", Some(FileProblem::Skipped)),
            ],
            too_many: Some(TooMany { found: 2, read: 1 }),
            ..Email::default()
        };
        let readings = vec![reading(None, None, Content::None); 2];
        let s = sort(&email, &readings, at(0));
        assert_eq!(s.problems.len(), 1);
        assert_eq!(s.problems[0].code, Code::TooManyAttachments);
        assert!(s.problems[0].message.contains("未读取的是“b.docx”"));
    }
}
