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
        if let Some(best) = incoming
            .summaries
            .into_iter()
            .max_by_key(|(_, s)| s.rows.len())
        {
            if self.summary.is_some() {
                replaced.push(best.0.name.clone());
            }
            self.summary = Some(best);
        }
        if let Some(scan) = incoming.summary_scans.into_iter().last() {
            if self.summary_stamped.is_some() {
                replaced.push(scan.name.clone());
            }
            self.summary_stamped = Some(scan);
        }
        let mut fresh: Vec<usize> = Vec::new();
        for (file, app) in incoming.applications {
            let existing = self
                .projects
                .iter()
                .position(|p| p.same_as(&app))
                .or_else(|| {
                    // A corrected form may also reword the title: with one project of that
                    // enterprise, it is that project.
                    let same: Vec<usize> = self
                        .projects
                        .iter()
                        .enumerate()
                        .filter(|(_, p)| p.same_enterprise(&app))
                        .map(|(i, _)| i)
                        .collect();
                    match same.as_slice() {
                        [only] if !fresh.contains(only) => Some(*only),
                        _ => None,
                    }
                });
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
        // Loose scans from earlier emails may now be named by a new Word form.
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
        let mut unnamed = Vec::new();
        for scan in incoming.application_scans {
            // A new scan prefers this email's forms, then any form it names.
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
        // Scans whose names say nothing: this email's forms first, then older forms still
        // missing theirs, in order; the rest stay loose and count by number.
        let mut by_count: Vec<String> = unnamed.iter().map(|s| s.name.clone()).collect();
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
        replaced.sort();
        replaced.dedup();
        by_count.dedup();
        Merged { replaced, by_count }
    }
}
