//! The problems of a unit's materials after an email, and what they make of it: resubmitted
//! files, duplicates of past or other units' projects, a late arrival, the verdict.

use super::Verdict;
use super::duplicates::{self, Submitted};
use super::materials::Project;
use super::policy::{LatePolicy, Policy};
use super::state::Unit;
use crate::history::HistoryProject;
use crate::rules::{Code, Problem, Severity};
use chrono::{DateTime, FixedOffset};
use std::collections::BTreeMap;

/// `resubmission` for each file that replaced one sent before.
pub fn resubmissions(replaced: &[String]) -> Vec<Problem> {
    replaced
        .iter()
        .map(|file| {
            Problem::new(
                Code::Resubmission,
                format!("“{file}”替换了此前报送的同一材料，以本次报送的为准。"),
            )
            .file(file.clone())
        })
        .collect()
}

/// The note on stamped application scans that could only be counted.
pub fn counted_note(by_count: &[String]) -> Option<String> {
    if by_count.is_empty() {
        return None;
    }
    Some(format!(
        "盖章版{}的文件名未写明企业，已按数量计入申报表盖章版，无法核对其对应哪个项目。",
        by_count
            .iter()
            .map(|n| format!("“{n}”"))
            .collect::<Vec<_>>()
            .join("、")
    ))
}

/// The projects every unit but `key` has submitted.
pub fn submitted_by_others(units: &BTreeMap<String, Unit>, key: &str) -> Vec<Submitted> {
    units
        .iter()
        .filter(|(k, _)| *k != key)
        .flat_map(|(k, u)| {
            u.materials.projects.iter().map(move |p| Submitted {
                unit: k.clone(),
                unit_name: u.name.clone(),
                credit_code: p.app.credit_code.clone(),
                enterprise_name: p.app.enterprise_name.clone(),
                project_name: p.app.project_name.clone(),
            })
        })
        .collect()
}

/// `duplicate_of_history` and `duplicate_in_campaign` of each project of unit `key`.
pub fn duplicates(
    projects: &[Project],
    key: &str,
    history: &[HistoryProject],
    others: &[Submitted],
    threshold: f64,
) -> Vec<Problem> {
    let mut out = Vec::new();
    for p in projects {
        out.extend(duplicates::of_history(p, history, threshold));
        out.extend(duplicates::in_campaign(p, key, others, threshold));
    }
    out
}

/// `late_submission` for an email received after the deadline; an error when the policy
/// rejects late materials.
pub fn late(received: DateTime<FixedOffset>, policy: &Policy) -> Option<Problem> {
    if received <= policy.deadline {
        return None;
    }
    let severity = match policy.late {
        LatePolicy::Warn => Severity::Warning,
        LatePolicy::Reject => Severity::Error,
    };
    Some(
        Problem::new(
            Code::LateSubmission,
            format!(
                "本邮件于{}收到，晚于截止时间{}。",
                received.format("%Y-%m-%d %H:%M"),
                policy.deadline.format("%Y-%m-%d %H:%M")
            ),
        )
        .severity(severity),
    )
}

/// Sorts the problems (errors first, then by code, otherwise as found) and gives the verdict:
/// rejected on any error.
pub fn conclude(problems: &mut [Problem]) -> Verdict {
    problems.sort_by_key(|p| (p.severity, p.code));
    if problems.iter().any(|p| p.severity == Severity::Error) {
        Verdict::Rejected
    } else {
        Verdict::Accepted
    }
}
