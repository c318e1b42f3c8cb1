//! 提示: what the division checks before it reports a project upward, each from a fact the
//! record holds.
//! - 逾期: a file of the project arrived after the deadline (it is in the export only because
//!   the late policy accepts late mail, or as what a rejected unit sent).
//! - 疑似重复: another unit recommends the same project, or the enterprise had a like project
//!   in a past year (`history import`) — found with the judge's own matchers and threshold,
//!   over every current project, so both units of a repeated project are marked, not only the
//!   one whose mail came second.
//! - 公章未识别: the project's stamped scan, or the unit's stamped summary (汇总表公章未识别),
//!   showed no red seal and no clerk has confirmed one ([`super::ExportFile::unverified_seal`]).

use super::{ExportProject, ExportUnit};
use crate::forms::application::Application;
use crate::history::HistoryProject;
use crate::verdict::duplicates::{Submitted, campaign_match, history_match};
use chrono::{DateTime, FixedOffset};

/// What the warnings are judged against, beside the units themselves.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    /// The call's deadline: a project whose newest file came after it is 逾期.
    pub deadline: DateTime<FixedOffset>,
    /// Past years' projects, for 疑似重复 against history.
    pub history: &'a [HistoryProject],
    /// The configured title similarity at which two projects are the same
    /// (`campaign.similarity_threshold`), as the judge uses it.
    pub threshold: f64,
}

/// The project as the matchers see it: the form's fields (what the judge compared), else the
/// summary row's.
fn identity(p: &ExportProject) -> Application {
    if let Some(a) = &p.app {
        return a.clone();
    }
    let r = p.row.clone().unwrap_or_default();
    Application {
        enterprise_name: r.enterprise_name,
        credit_code: r.credit_code,
        project_name: r.project_name,
        ..Application::default()
    }
}

/// Fills every project's [`ExportProject::warnings`].
pub fn mark(units: &mut [ExportUnit], facts: &Facts) {
    // Units are told apart by position: two units may share a display name.
    let submitted: Vec<Submitted> = units
        .iter()
        .enumerate()
        .flat_map(|(i, u)| {
            u.projects.iter().map(move |p| {
                let a = identity(p);
                Submitted {
                    unit: i.to_string(),
                    unit_name: u.name.clone(),
                    credit_code: a.credit_code,
                    enterprise_name: a.enterprise_name,
                    project_name: a.project_name,
                }
            })
        })
        .collect();
    for (i, u) in units.iter_mut().enumerate() {
        let summary_unverified = u
            .summary_stamped
            .as_ref()
            .is_some_and(|f| f.unverified_seal);
        let unit = i.to_string();
        for p in &mut u.projects {
            let a = identity(p);
            let mut w = Vec::new();
            if p.received.is_some_and(|t| t > facts.deadline) {
                w.push("逾期".to_string());
            }
            if let Some(o) = campaign_match(&a, &unit, &submitted, facts.threshold) {
                w.push(format!("疑似重复（另由{}推荐）", o.unit_name));
            }
            if let Some((_, h)) = history_match(&a, facts.history, facts.threshold) {
                // The spreadsheet's 年度 may be written "2022", "2022年" or "2022年度".
                let year = h
                    .year
                    .trim()
                    .trim_end_matches("年度")
                    .trim_end_matches('年');
                w.push(format!("疑似重复（与{year}年度项目相似）"));
            }
            if p.stamped.as_ref().is_some_and(|f| f.unverified_seal) {
                w.push("公章未识别".to_string());
            }
            if summary_unverified {
                w.push("汇总表公章未识别".to_string());
            }
            p.warnings = w;
        }
    }
}
