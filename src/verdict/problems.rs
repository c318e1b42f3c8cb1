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
            // One zone and one format in a letter: the campaign's, as the letter's own
            // 收件时间 line, whatever zone the arrival was recorded in.
            format!(
                "本邮件于{}收到，晚于截止时间{}。",
                received
                    .with_timezone(&policy.deadline.timezone())
                    .format("%Y年%-m月%-d日 %H:%M"),
                policy.deadline.format("%Y年%-m月%-d日 %H:%M")
            ),
        )
        .severity(severity),
    )
}

#[cfg(test)]
mod late_tests {
    use super::*;

    #[test]
    fn a_late_arrival_is_told_in_the_campaigns_zone_and_the_letters_format() {
        let policy = Policy {
            mailbox: String::new(),
            deadline: DateTime::parse_from_rfc3339("2023-04-28T23:59:59+08:00").unwrap(),
            late: LatePolicy::Warn,
            similarity_threshold: 0.7,
            receipt_prefix: String::new(),
            units: Vec::new(),
        };
        // 23:30 UTC on the 28th is 07:30 on the 29th in Tianjin: late, and said so.
        let at = DateTime::parse_from_rfc3339("2023-04-28T23:30:00Z").unwrap();
        let p = late(at, &policy).unwrap();
        assert_eq!(
            p.message,
            "本邮件于2023年4月29日 07:30收到，晚于截止时间2023年4月28日 23:59。"
        );
        // 23:30 in Tianjin is on time.
        let on_time = DateTime::parse_from_rfc3339("2023-04-28T23:30:00+08:00").unwrap();
        assert!(late(on_time, &policy).is_none());
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::fixtures::{CODES, app, at, project};
    use crate::verdict::materials::Materials;

    fn policy(late: LatePolicy) -> Policy {
        Policy {
            mailbox: String::new(),
            deadline: at(60),
            late,
            similarity_threshold: 0.7,
            receipt_prefix: "Z-".into(),
            units: Vec::new(),
        }
    }

    #[test]
    fn lateness_costs_what_the_policy_says() {
        assert!(late(at(60), &policy(LatePolicy::Warn)).is_none());
        let warn = late(at(61), &policy(LatePolicy::Warn));
        assert_eq!(warn.map(|p| p.severity), Some(Severity::Warning));
        let reject = late(at(61), &policy(LatePolicy::Reject));
        assert_eq!(reject.map(|p| p.severity), Some(Severity::Error));
    }

    #[test]
    fn errors_come_first_and_any_error_rejects() {
        let mut p = vec![
            Problem::new(Code::Resubmission, "r"),
            Problem::new(Code::MissingSummary, "m"),
        ];
        assert_eq!(conclude(&mut p), Verdict::Rejected);
        assert_eq!(p[0].code, Code::MissingSummary);
        let mut warnings = vec![Problem::new(Code::Resubmission, "r")];
        assert_eq!(conclude(&mut warnings), Verdict::Accepted);
        assert_eq!(conclude(&mut []), Verdict::Accepted);
    }

    #[test]
    fn other_units_projects_leave_out_the_units_own() {
        let mut units = BTreeMap::new();
        for (k, code) in [("a", CODES[0]), ("b", CODES[1])] {
            units.insert(
                k.to_string(),
                Unit {
                    name: k.to_uppercase(),
                    materials: Materials {
                        projects: vec![project("x.docx", app("甲", code, "题目"), None)],
                        ..Materials::default()
                    },
                    ..Unit::default()
                },
            );
        }
        let others = submitted_by_others(&units, "a");
        assert_eq!(others.len(), 1);
        assert_eq!(
            (others[0].unit.as_str(), others[0].unit_name.as_str()),
            ("b", "B")
        );
        assert_eq!(others[0].credit_code, CODES[1]);
    }

    #[test]
    fn each_replaced_file_is_a_resubmission_and_unnamed_scans_a_note() {
        let r = resubmissions(&["a.docx".into(), "b.pdf".into()]);
        assert_eq!(r.len(), 2);
        assert_eq!(r[1].file.as_deref(), Some("b.pdf"));
        assert!(counted_note(&[]).is_none());
        assert!(counted_note(&["扫描.pdf".into()]).is_some_and(|n| n.contains("“扫描.pdf”")));
    }
}
