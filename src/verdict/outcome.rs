//! What is decided about one email: the verdict, the unit, the problems and the files as read.

use super::ignored::Ignored;
use super::materials::Materials;
use crate::forms::application::Application;
use crate::forms::summary::SummaryRow;
use crate::forms::{FormKind, ScanInfo, SealCheck, Version};
use crate::rules::{Code, Problem, Severity};
use serde::{Deserialize, Serialize};

/// The outcome for one email. Stored as its serde name (`accepted`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Complete with no error (warnings allowed): a receipt is sent.
    Accepted,
    /// At least one error: a notice listing the problems is sent.
    Rejected,
    /// Automatic mail, or a human question without attachments: left for staff, no reply.
    Ignored,
}

impl Verdict {
    /// The verdict in the division's words.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Accepted => "已受理",
            Verdict::Rejected => "需补正",
            Verdict::Ignored => "未自动答复",
        }
    }
}

/// One attachment as reported for an email.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileReport {
    /// Decoded name as sent.
    pub name: String,
    /// Containing archive or message (`in` in JSON).
    #[serde(rename = "in")]
    pub container: Option<String>,
    /// Which form, if any.
    pub form: Option<FormKind>,
    /// Which version, if any.
    pub version: Option<Version>,
    /// For a scan: every page with its orientation and seal result, so people can see why
    /// the file was counted as it was.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pages: Vec<PageReport>,
}

/// One page of a scan as reported.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PageReport {
    /// `portrait` (application form) or `landscape` (summary).
    pub orientation: &'static str,
    /// Displayed width (points for PDFs, pixels for images).
    pub width: f64,
    /// Displayed height, same unit.
    pub height: f64,
    /// What the seal check saw.
    pub seal: SealCheck,
}

impl PageReport {
    pub(super) fn of(scan: &ScanInfo) -> Vec<PageReport> {
        scan.pages
            .iter()
            .map(|p| PageReport {
                orientation: if p.is_landscape() {
                    "landscape"
                } else {
                    "portrait"
                },
                width: p.width,
                height: p.height,
                seal: p.seal,
            })
            .collect()
    }
}

/// Everything decided about one email.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// The verdict on the unit's materials after this email.
    pub verdict: Verdict,
    /// The recommending unit's display name, when known.
    pub unit: Option<String>,
    /// The unit's key (normalised name, or the sender's address).
    #[serde(skip)]
    pub unit_key: Option<String>,
    /// Receipt number, once the unit's materials have been accepted.
    pub receipt: Option<String>,
    /// Why the email was ignored, for the division's view.
    pub ignored_reason: Option<Ignored>,
    /// Problems of the unit's materials after this email, errors first.
    pub problems: Vec<Problem>,
    /// Every attachment with its form and version.
    pub attachments: Vec<FileReport>,
    /// Summary rows read from this email.
    pub summary_rows: Vec<SummaryRow>,
    /// Application forms read from this email.
    pub applications: Vec<Application>,
    /// What the program could not verify and says so (e.g. stamped scans only counted), for
    /// the sender and the division; not problems.
    pub notes: Vec<String>,
    /// For a receipt: the unit's whole accepted set (every project, both versions of each
    /// form), whichever email brought each file; a receipt after a partial resend must not
    /// read as if the last email were all that was accepted. Only for composing: the record
    /// keeps the materials themselves.
    #[serde(skip)]
    pub held: Option<Materials>,
}

impl Outcome {
    pub(super) fn ignored(reason: Ignored, attachments: Vec<FileReport>) -> Outcome {
        Outcome {
            verdict: Verdict::Ignored,
            unit: None,
            unit_key: None,
            receipt: None,
            ignored_reason: Some(reason),
            problems: Vec::new(),
            attachments,
            summary_rows: Vec::new(),
            applications: Vec::new(),
            notes: Vec::new(),
            held: None,
        }
    }

    /// The outcome for unit `name` (key `key`) before anything is found: rejected until the
    /// problems are known.
    pub(super) fn of_unit(name: String, key: String, attachments: Vec<FileReport>) -> Outcome {
        Outcome {
            verdict: Verdict::Rejected,
            unit: Some(name),
            unit_key: Some(key),
            receipt: None,
            ignored_reason: None,
            problems: Vec::new(),
            attachments,
            summary_rows: Vec::new(),
            applications: Vec::new(),
            notes: Vec::new(),
            held: None,
        }
    }

    /// Distinct codes of a severity, in code order.
    pub fn codes(&self, severity: Severity) -> Vec<&'static str> {
        let mut v: Vec<Code> = self
            .problems
            .iter()
            .filter(|p| p.severity == severity)
            .map(|p| p.code)
            .collect();
        v.sort();
        v.dedup();
        v.into_iter().map(Code::as_str).collect()
    }
}
