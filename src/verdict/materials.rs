//! A unit's materials so far, and how a new email's files complete or replace them.

use super::names::{enterprise_core, file_stem};
use crate::forms::application::Application;
use crate::forms::summary::Summary;
use crate::forms::value::name_key;
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// A file as the unit sent it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileRef {
    /// Name as sent (display only).
    pub name: String,
    /// Containing archive or message, if any.
    pub container: Option<String>,
    /// Arrival of the email that carried it.
    pub received: DateTime<FixedOffset>,
    /// Index of the email in the unit's history (1-based), to tell this email's files apart.
    pub email: u32,
    /// Position of the file among its email's attachments: two projects' forms are often sent
    /// under one template name, so the name alone does not say which archived file this is.
    /// None in materials recorded before it was kept.
    #[serde(default)]
    pub seq: Option<u32>,
}

/// One enterprise project: its Word application form and, once known, its stamped scan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Project {
    /// The Word (or Excel) version the fields came from.
    pub word: FileRef,
    /// The fields.
    pub app: Application,
    /// The stamped scan paired with it, by file name or by count.
    pub stamped: Option<FileRef>,
}

impl Project {
    /// Whether two forms are the same enterprise project (a resubmission replaces it).
    pub fn same_as(&self, other: &Application) -> bool {
        let a = &self.app;
        let same_code = !a.credit_code.is_empty() && a.credit_code == other.credit_code;
        let same_name = !a.enterprise_name.is_empty()
            && name_key(&a.enterprise_name) == name_key(&other.enterprise_name);
        (same_code || same_name) && name_key(&a.project_name) == name_key(&other.project_name)
    }

    /// Whether the project belongs to the enterprise of `other` (code or name).
    pub fn same_enterprise(&self, other: &Application) -> bool {
        let a = &self.app;
        (!a.credit_code.is_empty() && a.credit_code == other.credit_code)
            || (!a.enterprise_name.is_empty()
                && name_key(&a.enterprise_name) == name_key(&other.enterprise_name))
    }

    /// Whether a stamped file's name points at this project: the same name as its Word file
    /// once version words are removed, or the enterprise's short name in it.
    pub fn named_by(&self, stamped_name: &str) -> bool {
        let stem = file_stem(stamped_name);
        if stem.is_empty() {
            return false;
        }
        if stem == file_stem(&self.word.name) {
            return true;
        }
        let core = enterprise_core(&self.app.enterprise_name);
        core.chars().count() >= 2 && stem.contains(&core)
    }
}

/// Everything a unit has sent that still counts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Materials {
    /// The Word/Excel summary and its rows.
    pub summary: Option<(FileRef, Summary)>,
    /// The stamped summary.
    pub summary_stamped: Option<FileRef>,
    /// Word application forms, one per enterprise project.
    pub projects: Vec<Project>,
    /// Stamped application forms not tied to a project (names say nothing, no Word form yet);
    /// they count towards completeness by number only.
    pub loose_stamped: Vec<FileRef>,
}

/// What merging an email's files changed.
#[derive(Debug, Default)]
pub struct Merged {
    /// Files that replaced earlier ones (`resubmission`).
    pub replaced: Vec<String>,
    /// Stamped application scans whose names say nothing: they count by number, and which
    /// project each belongs to cannot be told.
    pub by_count: Vec<String>,
}

/// The files of one email, sorted by form and version.
#[derive(Debug, Default)]
pub struct EmailFiles {
    /// Word/Excel summaries.
    pub summaries: Vec<(FileRef, Summary)>,
    /// Stamped summaries.
    pub summary_scans: Vec<FileRef>,
    /// Word application forms.
    pub applications: Vec<(FileRef, Application)>,
    /// Stamped application forms.
    pub application_scans: Vec<FileRef>,
}

impl Materials {
    /// Adds an email's files; says which replaced earlier ones and which scans could only be
    /// counted, not tied to a project.
    pub fn merge(&mut self, incoming: EmailFiles) -> Merged {
        let mut replaced = Vec::new();
        self.merge_summary(incoming.summaries, incoming.summary_scans, &mut replaced);
        let fresh = self.merge_forms(incoming.applications, &mut replaced);
        self.tie_loose_scans();
        let unnamed = self.place_named_scans(incoming.application_scans, &fresh, &mut replaced);
        let mut by_count: Vec<String> = unnamed.iter().map(|s| s.name.clone()).collect();
        self.place_unnamed_scans(unnamed, &fresh, &mut replaced);
        replaced.sort();
        replaced.dedup();
        by_count.dedup();
        Merged { replaced, by_count }
    }

    /// The summary with the most rows replaces the one held; the last stamped one, too.
    fn merge_summary(
        &mut self,
        summaries: Vec<(FileRef, Summary)>,
        scans: Vec<FileRef>,
        replaced: &mut Vec<String>,
    ) {
        if let Some(best) = summaries.into_iter().max_by_key(|(_, s)| s.rows.len()) {
            if self.summary.is_some() {
                replaced.push(best.0.name.clone());
            }
            self.summary = Some(best);
        }
        if let Some(scan) = scans.into_iter().last() {
            if self.summary_stamped.is_some() {
                replaced.push(scan.name.clone());
            }
            self.summary_stamped = Some(scan);
        }
    }

    /// Adds the Word forms, each replacing the project it is; returns the indexes of the
    /// projects this email brought or replaced.
    fn merge_forms(
        &mut self,
        applications: Vec<(FileRef, Application)>,
        replaced: &mut Vec<String>,
    ) -> Vec<usize> {
        let mut fresh: Vec<usize> = Vec::new();
        for (file, app) in applications {
            let existing = self.project_of(&app, &fresh);
            let mut project = Project {
                word: file,
                app,
                stamped: None,
            };
            match existing {
                Some(i) if !fresh.contains(&i) => {
                    replaced.push(project.word.name.clone());
                    // Only the Word version is replaced: the stamped one sent before still
                    // stands until a new scan arrives.
                    project.stamped = self.projects.get(i).and_then(|p| p.stamped.clone());
                    if let Some(slot) = self.projects.get_mut(i) {
                        *slot = project;
                    }
                    fresh.push(i);
                }
                _ => {
                    self.projects.push(project);
                    fresh.push(self.projects.len() - 1);
                }
            }
        }
        fresh
    }

    /// The project a form is: the same enterprise and title, else the only project of that
    /// enterprise not brought by this email (a corrected form may also reword the title).
    fn project_of(&self, app: &Application, fresh: &[usize]) -> Option<usize> {
        self.projects
            .iter()
            .position(|p| p.same_as(app))
            .or_else(|| {
                let same: Vec<usize> = self
                    .projects
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| p.same_enterprise(app))
                    .map(|(i, _)| i)
                    .collect();
                match same.as_slice() {
                    [only] if !fresh.contains(only) => Some(*only),
                    _ => None,
                }
            })
    }

    /// Loose scans from earlier emails may now be named by a new Word form.
    fn tie_loose_scans(&mut self) {
        let loose = std::mem::take(&mut self.loose_stamped);
        for scan in loose {
            match self
                .projects
                .iter_mut()
                .find(|p| p.stamped.is_none() && p.named_by(&scan.name))
            {
                Some(p) => p.stamped = Some(scan),
                None => self.loose_stamped.push(scan),
            }
        }
    }

    /// Ties each new scan to the form its name points at (this email's forms first); returns
    /// the scans whose names point at none.
    fn place_named_scans(
        &mut self,
        scans: Vec<FileRef>,
        fresh: &[usize],
        replaced: &mut Vec<String>,
    ) -> Vec<FileRef> {
        let mut unnamed = Vec::new();
        for scan in scans {
            let target = fresh
                .iter()
                .copied()
                .find(|&i| {
                    self.projects
                        .get(i)
                        .is_some_and(|p| p.stamped.is_none() && p.named_by(&scan.name))
                })
                .or_else(|| self.projects.iter().position(|p| p.named_by(&scan.name)));
            match target.and_then(|i| self.projects.get_mut(i)) {
                Some(p) => {
                    if p.stamped.as_ref().is_some_and(|s| s.email != scan.email) {
                        replaced.push(scan.name.clone());
                    }
                    p.stamped = Some(scan);
                }
                None => unnamed.push(scan),
            }
        }
        unnamed
    }

    /// Scans whose names say nothing: this email's forms first, then older forms still
    /// missing theirs, in order; the rest stay loose and count by number.
    fn place_unnamed_scans(
        &mut self,
        unnamed: Vec<FileRef>,
        fresh: &[usize],
        replaced: &mut Vec<String>,
    ) {
        for scan in unnamed {
            // A form sent again in this email takes this email's scan over the older one.
            let open_here = |p: &Project| p.stamped.as_ref().is_none_or(|s| s.email != scan.email);
            let target = fresh
                .iter()
                .copied()
                .find(|&i| self.projects.get(i).is_some_and(|p| p.stamped.is_none()))
                .or_else(|| {
                    fresh
                        .iter()
                        .copied()
                        .find(|&i| self.projects.get(i).is_some_and(open_here))
                })
                .or_else(|| self.projects.iter().position(|p| p.stamped.is_none()));
            match target.and_then(|i| self.projects.get_mut(i)) {
                Some(p) => {
                    if p.stamped.is_some() {
                        replaced.push(scan.name.clone());
                    }
                    p.stamped = Some(scan);
                }
                None => self.loose_stamped.push(scan),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::fixtures::{CODES, app, file, project, summary};

    const A: &str = "天津桥盛汽车部件股份有限公司";
    const B: &str = "天津晟永石油化工有限公司";

    fn word(name: &str, email: u32, a: Application) -> (FileRef, Application) {
        (file(name, email), a)
    }

    #[test]
    fn a_second_summary_replaces_the_first_and_says_so() {
        let mut m = Materials::default();
        let first = m.merge(EmailFiles {
            summaries: vec![(file("汇总表.xlsx", 1), summary(Vec::new()))],
            ..EmailFiles::default()
        });
        assert!(first.replaced.is_empty());
        let again = m.merge(EmailFiles {
            summaries: vec![(file("汇总表（修改）.xlsx", 2), summary(Vec::new()))],
            summary_scans: vec![file("汇总表盖章.pdf", 2)],
            ..EmailFiles::default()
        });
        assert_eq!(again.replaced, ["汇总表（修改）.xlsx"]);
        assert_eq!(m.summary.map(|(f, _)| f.email), Some(2));
        assert!(m.summary_stamped.is_some());
    }

    #[test]
    fn a_corrected_form_replaces_its_project_and_keeps_the_scan_sent_before() {
        let mut m = Materials {
            projects: vec![project(
                "申报表A.docx",
                app(A, CODES[0], "转向节设计"),
                Some("申报表A盖章.pdf"),
            )],
            ..Materials::default()
        };
        // Same enterprise, the title reworded: with one project of it, it is that project.
        let merged = m.merge(EmailFiles {
            applications: vec![word(
                "申报表A（改）.docx",
                2,
                app(A, CODES[0], "转向节设计与验证"),
            )],
            ..EmailFiles::default()
        });
        assert_eq!(merged.replaced, ["申报表A（改）.docx"]);
        assert_eq!(m.projects.len(), 1);
        let p = &m.projects[0];
        assert_eq!(p.app.project_name, "转向节设计与验证");
        assert_eq!(
            p.stamped.as_ref().map(|s| s.name.as_str()),
            Some("申报表A盖章.pdf")
        );
    }

    #[test]
    fn a_scan_named_like_a_form_goes_to_that_form() {
        let mut m = Materials::default();
        let merged = m.merge(EmailFiles {
            applications: vec![
                word("1.桥盛汽车.docx", 1, app(A, CODES[0], "转向节")),
                word("2.晟永石油.docx", 1, app(B, CODES[1], "树脂")),
            ],
            application_scans: vec![file("2.晟永石油-盖章.pdf", 1)],
            ..EmailFiles::default()
        });
        assert!(merged.by_count.is_empty());
        assert!(m.projects[0].stamped.is_none());
        assert_eq!(
            m.projects[1].stamped.as_ref().map(|s| s.name.as_str()),
            Some("2.晟永石油-盖章.pdf")
        );
    }

    #[test]
    fn scans_whose_names_say_nothing_count_by_number() {
        let mut m = Materials::default();
        let merged = m.merge(EmailFiles {
            applications: vec![word("申报表.docx", 1, app(A, CODES[0], "转向节"))],
            application_scans: vec![file("扫描001.pdf", 1), file("扫描002.pdf", 1)],
            ..EmailFiles::default()
        });
        assert_eq!(merged.by_count, ["扫描001.pdf", "扫描002.pdf"]);
        assert_eq!(
            m.projects[0].stamped.as_ref().map(|s| s.name.as_str()),
            Some("扫描001.pdf")
        );
        // The form has its scan: the second one stays loose, counted only.
        assert_eq!(m.loose_stamped.len(), 1);
    }

    #[test]
    fn a_loose_scan_is_tied_to_the_form_that_names_it_later() {
        let mut m = Materials {
            loose_stamped: vec![file("晟永石油申报表盖章版.pdf", 1)],
            ..Materials::default()
        };
        m.merge(EmailFiles {
            applications: vec![word("晟永石油申报表.docx", 2, app(B, CODES[1], "树脂"))],
            ..EmailFiles::default()
        });
        assert!(m.loose_stamped.is_empty());
        assert!(m.projects[0].stamped.is_some());
    }

    #[test]
    fn two_projects_of_one_enterprise_stay_two() {
        let mut m = Materials::default();
        m.merge(EmailFiles {
            applications: vec![
                word("a.docx", 1, app(A, CODES[0], "转向节设计")),
                word("b.docx", 1, app(A, CODES[0], "涂装工艺改进")),
            ],
            ..EmailFiles::default()
        });
        assert_eq!(m.projects.len(), 2);
        let merged = m.merge(EmailFiles {
            applications: vec![word("b2.docx", 2, app(A, CODES[0], "涂装工艺改进"))],
            ..EmailFiles::default()
        });
        assert_eq!(merged.replaced, ["b2.docx"]);
        assert_eq!(m.projects.len(), 2);
        assert_eq!(m.projects[1].word.name, "b2.docx");
    }
}
