//! Stage 4 — verdict: a unit's materials accumulate over its emails in arrival order; after
//! each email the unit is judged on what it has sent so far.

pub mod completeness;
pub mod duplicates;
mod ignored;
pub mod materials;
pub mod names;
mod outcome;
pub mod stamped;

pub use ignored::{Ignored, IgnoredReason};
pub use outcome::{FileReport, Outcome, PageReport, Verdict};

use crate::config::{Campaign, LatePolicy};
use crate::forms::Version;
use crate::forms::classify::{Content, Reading};
use crate::history::HistoryProject;
use crate::message::{Email, FileProblem};
use crate::rules::{Code, Problem, Severity};
use chrono::{DateTime, FixedOffset};
use duplicates::Submitted;
use materials::{EmailFiles, FileRef, Materials};
use serde::Serialize;
use stamped::StampedFile;
use std::collections::{BTreeMap, HashMap};

/// A recommending unit and what it has sent.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Unit {
    /// Name for display: the configured name, else as first written.
    pub name: String,
    /// Its materials so far.
    pub materials: Materials,
    /// Emails received from it.
    pub emails: u32,
    /// Receipt number, given the first time its materials are complete.
    pub receipt: Option<String>,
}

/// The state that carries from one email to the next.
#[derive(Debug, Clone, Default, Serialize)]
pub struct State {
    /// Units by key.
    pub units: BTreeMap<String, Unit>,
    /// The unit each sender address last wrote for.
    pub sender_unit: HashMap<String, String>,
    /// Receipts issued so far, for numbering.
    pub receipts: u32,
    /// Receipt numbers issued in earlier runs, by unit key: a unit that completes again gets
    /// the number it was told, and new numbers never collide with one told to another unit.
    pub issued: BTreeMap<String, String>,
}

/// Judges emails in arrival order.
pub struct Judge {
    /// The call's rules (deadline, thresholds, expected units).
    pub campaign: Campaign,
    /// Past projects for `duplicate_of_history`.
    pub history: Vec<HistoryProject>,
    /// What earlier emails left.
    pub state: State,
}

impl Judge {
    /// A judge with no emails seen yet.
    pub fn new(campaign: Campaign, history: Vec<HistoryProject>) -> Judge {
        Judge {
            campaign,
            history,
            state: State::default(),
        }
    }

    /// Seeds the receipt numbers issued in earlier runs (unit key → number), before the first
    /// email is judged.
    pub fn seed_receipts(&mut self, issued: impl IntoIterator<Item = (String, String)>) {
        self.state.issued = issued.into_iter().collect();
    }

    /// The configured name and key of a unit written as `name`.
    fn resolve_unit(&self, name: &str) -> (String, String) {
        let key = names::unit_key(name);
        for u in &self.campaign.units {
            if names::unit_key(&u.name) == key
                || u.aliases.iter().any(|a| names::unit_key(a) == key)
            {
                return (names::unit_key(&u.name), u.name.clone());
            }
        }
        (key, name.trim().to_string())
    }

    fn unit_by_address(&self, addr: &str) -> Option<(String, String)> {
        self.campaign
            .units
            .iter()
            .find(|u| u.addresses.iter().any(|a| a.eq_ignore_ascii_case(addr)))
            .map(|u| (names::unit_key(&u.name), u.name.clone()))
    }

    /// Judges one email whose attachments have been read into `readings` (same order).
    pub fn judge(
        &mut self,
        email: &Email,
        readings: &[Reading],
        received: DateTime<FixedOffset>,
    ) -> Outcome {
        let attachments: Vec<FileReport> = email
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
            .collect();
        if let Some(why) = ignored::reason(email, readings, &self.campaign.mailbox) {
            return Outcome::ignored(why, attachments);
        }
        let sender = email
            .reply_to
            .clone()
            .or_else(|| email.from.clone())
            .unwrap_or_default();

        // Sort this email's files by form and version; note unusable ones.
        let mut file_problems = Vec::new();
        let mut incoming = EmailFiles::default();
        let mut summary_rows = Vec::new();
        let mut applications = Vec::new();
        let mut names_seen: Vec<String> = Vec::new();
        let mut pending: Vec<(FileRef, &Reading)> = Vec::new();
        for (seq, (a, r)) in email.attachments.iter().zip(readings).enumerate() {
            let fref = FileRef {
                name: a.name.clone(),
                container: a.container.clone(),
                received,
                email: 0,
                seq: u32::try_from(seq).ok(),
            };
            file_problems.extend(file_problem(&a.name, r.problem.as_ref()));
            match &r.content {
                Content::Summary(s) => {
                    summary_rows.extend(s.rows.iter().cloned());
                    if let Some(n) = &s.recommender {
                        names_seen.push(n.clone());
                    }
                }
                Content::Application(app) => {
                    applications.push((**app).clone());
                }
                _ => {}
            }
            pending.push((fref, r));
        }

        // Which unit: the summary's 推荐单位, else the forms', else the sender's last unit.
        let form_recommenders: Vec<String> = applications
            .iter()
            .map(|a| a.recommender.clone())
            .filter(|r| !r.is_empty())
            .collect();
        let named = names_seen
            .first()
            .or_else(|| most_common(&form_recommenders));
        let (key, name) = match named {
            Some(n) => self.resolve_unit(n),
            None => match self.state.sender_unit.get(&sender.to_lowercase()) {
                Some(k) => {
                    let name = self
                        .state
                        .units
                        .get(k)
                        .map(|u| u.name.clone())
                        .unwrap_or_else(|| k.clone());
                    (k.clone(), name)
                }
                None => self
                    .unit_by_address(&sender)
                    .unwrap_or_else(|| (sender.to_lowercase(), sender.clone())),
            },
        };
        if !sender.is_empty() {
            self.state
                .sender_unit
                .insert(sender.to_lowercase(), key.clone());
        }

        let mut outcome = Outcome {
            verdict: Verdict::Rejected,
            unit: Some(name.clone()),
            unit_key: Some(key.clone()),
            receipt: None,
            ignored_reason: None,
            problems: Vec::new(),
            attachments,
            summary_rows,
            applications: applications.clone(),
            notes: Vec::new(),
        };

        if email.attachments.is_empty() {
            outcome.problems.push(Problem::new(
                Code::NoAttachments,
                "本邮件未收到任何附件。请将《立项申报表》（附件1）和《立项申报汇总表》（附件2）的盖章版及word版作为附件一并发送。",
            ));
            self.state.units.entry(key).or_insert_with(|| Unit {
                name,
                ..Unit::default()
            });
            return outcome;
        }

        let unit = self.state.units.entry(key.clone()).or_insert_with(|| Unit {
            name: name.clone(),
            ..Unit::default()
        });
        unit.emails += 1;
        let n = unit.emails;
        let mut stamped_files = Vec::new();
        for (mut fref, r) in pending {
            fref.email = n;
            match (&r.content, r.form, r.version) {
                (Content::Summary(s), _, _) => incoming.summaries.push((fref, s.clone())),
                (Content::Application(app), _, _) => {
                    incoming.applications.push((fref, (**app).clone()))
                }
                (Content::Scan(scan), Some(form), Some(Version::Stamped)) => {
                    stamped_files.push(StampedFile {
                        file: fref,
                        form,
                        scan,
                    })
                }
                _ => {}
            }
        }
        file_problems.extend(too_many_problem(email));
        let held = stamped::forms_held(&stamped_files);
        incoming.summary_scans = held.summaries;
        incoming.application_scans = held.applications;
        file_problems.extend(held.problems);
        let merged = unit.materials.merge(incoming);
        let replaced = merged.replaced;
        if !merged.by_count.is_empty() {
            outcome.notes.push(format!(
                "盖章版{}的文件名未写明企业，已按数量计入申报表盖章版，无法核对其对应哪个项目。",
                merged
                    .by_count
                    .iter()
                    .map(|n| format!("“{n}”"))
                    .collect::<Vec<_>>()
                    .join("、")
            ));
        }
        let mut problems = file_problems;
        problems.extend(completeness::problems(&unit.materials));
        for file in replaced {
            problems.push(
                Problem::new(
                    Code::Resubmission,
                    format!("“{file}”替换了此前报送的同一材料，以本次报送的为准。"),
                )
                .file(file),
            );
        }
        let threshold = self.campaign.similarity_threshold;
        let others: Vec<Submitted> = self
            .state
            .units
            .iter()
            .filter(|(k, _)| **k != key)
            .flat_map(|(k, u)| {
                u.materials.projects.iter().map(move |p| Submitted {
                    unit: k.clone(),
                    unit_name: u.name.clone(),
                    credit_code: p.app.credit_code.clone(),
                    enterprise_name: p.app.enterprise_name.clone(),
                    project_name: p.app.project_name.clone(),
                })
            })
            .collect();
        let Some(unit) = self.state.units.get_mut(&key) else {
            return outcome;
        };
        for p in &unit.materials.projects {
            problems.extend(duplicates::of_history(p, &self.history, threshold));
            problems.extend(duplicates::in_campaign(p, &key, &others, threshold));
        }
        if received > self.campaign.deadline {
            let severity = match self.campaign.late_policy {
                LatePolicy::Warn => Severity::Warning,
                LatePolicy::Reject => Severity::Error,
            };
            problems.push(
                Problem::new(
                    Code::LateSubmission,
                    format!(
                        "本邮件于{}收到，晚于截止时间{}。",
                        received.format("%Y-%m-%d %H:%M"),
                        self.campaign.deadline.format("%Y-%m-%d %H:%M")
                    ),
                )
                .severity(severity),
            );
        }
        problems.sort_by_key(|p| (p.severity, p.code));
        outcome.verdict = if problems.iter().any(|p| p.severity == Severity::Error) {
            Verdict::Rejected
        } else {
            Verdict::Accepted
        };
        if outcome.verdict == Verdict::Accepted && unit.receipt.is_none() {
            unit.receipt = Some(match self.state.issued.get(&key) {
                Some(r) => r.clone(),
                None => loop {
                    self.state.receipts += 1;
                    let r = format!("{}{:03}", self.campaign.receipt_prefix, self.state.receipts);
                    if !self.state.issued.values().any(|i| *i == r) {
                        break r;
                    }
                },
            });
        }
        outcome.receipt = unit.receipt.clone();
        outcome.problems = problems;
        outcome
    }
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

fn most_common(v: &[String]) -> Option<&String> {
    let mut counts: Vec<(&String, usize)> = Vec::new();
    for s in v {
        match counts
            .iter_mut()
            .find(|(k, _)| names::unit_key(k) == names::unit_key(s))
        {
            Some((_, n)) => *n += 1,
            None => counts.push((s, 1)),
        }
    }
    counts.into_iter().max_by_key(|(_, n)| *n).map(|(s, _)| s)
}
