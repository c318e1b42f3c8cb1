//! Stage 3 — rules: every check of the call, each problem with a stable code, a severity, the
//! file and the field, and a Chinese message that tells the sender what to fix.

pub mod contact;
pub mod content;
pub mod credit_code;
pub mod similarity;

use serde::{Deserialize, Serialize};

/// How much a problem weighs: any error rejects the unit's materials; warnings are reported
/// in the receipt and left to the division.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// Stable problem codes. The names are part of the interface (JSON, database, replies).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Code {
    NoAttachments,
    MissingSummary,
    MissingSummaryWord,
    MissingSummaryStamped,
    MissingApplicationWord,
    MissingApplicationStamped,
    SummaryFormMismatch,
    InvalidCreditCode,
    MissingField,
    InvalidChoice,
    InvalidMobile,
    InvalidEmail,
    UnreadableAttachment,
    UnsupportedFormat,
    /// More files than `max_attachments` in one email: not all were read.
    TooManyAttachments,
    LateSubmission,
    DuplicateOfHistory,
    DuplicateInCampaign,
    StampNotDetected,
    Resubmission,
}

impl Code {
    /// The code as written in JSON and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::NoAttachments => "no_attachments",
            Code::MissingSummary => "missing_summary",
            Code::MissingSummaryWord => "missing_summary_word",
            Code::MissingSummaryStamped => "missing_summary_stamped",
            Code::MissingApplicationWord => "missing_application_word",
            Code::MissingApplicationStamped => "missing_application_stamped",
            Code::SummaryFormMismatch => "summary_form_mismatch",
            Code::InvalidCreditCode => "invalid_credit_code",
            Code::MissingField => "missing_field",
            Code::InvalidChoice => "invalid_choice",
            Code::InvalidMobile => "invalid_mobile",
            Code::InvalidEmail => "invalid_email",
            Code::UnreadableAttachment => "unreadable_attachment",
            Code::UnsupportedFormat => "unsupported_format",
            Code::TooManyAttachments => "too_many_attachments",
            Code::LateSubmission => "late_submission",
            Code::DuplicateOfHistory => "duplicate_of_history",
            Code::DuplicateInCampaign => "duplicate_in_campaign",
            Code::StampNotDetected => "stamp_not_detected",
            Code::Resubmission => "resubmission",
        }
    }

    /// The severity a code has unless the campaign says otherwise (late submissions).
    pub fn default_severity(self) -> Severity {
        match self {
            Code::LateSubmission
            | Code::DuplicateOfHistory
            | Code::DuplicateInCampaign
            | Code::StampNotDetected
            | Code::Resubmission => Severity::Warning,
            _ => Severity::Error,
        }
    }

    /// The code written as `code` (as stored), if it is one.
    pub fn parse(code: &str) -> Option<Code> {
        serde_json::from_value(serde_json::Value::String(code.to_string())).ok()
    }

    /// Whether the code says a piece of the materials has not come (a form, or one of its two
    /// versions) rather than that something received is wrong: the division tells 材料不全
    /// (wait for the rest) from 需补正 (the unit must correct what it sent).
    pub fn is_missing_piece(self) -> bool {
        match self {
            Code::NoAttachments
            | Code::MissingSummary
            | Code::MissingSummaryWord
            | Code::MissingSummaryStamped
            | Code::MissingApplicationWord
            | Code::MissingApplicationStamped => true,
            Code::SummaryFormMismatch
            | Code::InvalidCreditCode
            | Code::MissingField
            | Code::InvalidChoice
            | Code::InvalidMobile
            | Code::InvalidEmail
            | Code::UnreadableAttachment
            | Code::UnsupportedFormat
            | Code::TooManyAttachments
            | Code::LateSubmission
            | Code::DuplicateOfHistory
            | Code::DuplicateInCampaign
            | Code::StampNotDetected
            | Code::Resubmission => false,
        }
    }

    /// The code as the division reads it: its Chinese title, then the code itself
    /// (`缺少汇总表盖章版（missing_summary_stamped）`), so a person reads the title and a
    /// script or a colleague can still search for the code.
    pub fn labelled(self) -> String {
        format!("{}（{}）", self.title(), self.as_str())
    }

    /// A short Chinese title for the code, used in tables of replies and views.
    pub fn title(self) -> &'static str {
        match self {
            Code::NoAttachments => "未收到附件",
            Code::MissingSummary => "缺少汇总表",
            Code::MissingSummaryWord => "缺少汇总表word版",
            Code::MissingSummaryStamped => "缺少汇总表盖章版",
            Code::MissingApplicationWord => "缺少申报表word版",
            Code::MissingApplicationStamped => "缺少申报表盖章版",
            Code::SummaryFormMismatch => "申报表与汇总表不一致",
            Code::InvalidCreditCode => "统一社会信用代码有误",
            Code::MissingField => "必填项为空",
            Code::InvalidChoice => "勾选项有误",
            Code::InvalidMobile => "手机号码有误",
            Code::InvalidEmail => "电子邮箱有误",
            Code::UnreadableAttachment => "附件无法读取",
            Code::UnsupportedFormat => "附件格式不支持",
            Code::TooManyAttachments => "附件数量过多",
            Code::LateSubmission => "逾期报送",
            Code::DuplicateOfHistory => "与历年项目雷同",
            Code::DuplicateInCampaign => "项目重复申报",
            Code::StampNotDetected => "未识别到公章",
            Code::Resubmission => "重新报送",
        }
    }
}

/// One problem found in a unit's materials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Stable code.
    pub code: Code,
    /// Error or warning.
    pub severity: Severity,
    /// The attachment concerned (its name as sent), if any.
    pub file: Option<String>,
    /// The form field concerned (its Chinese name), if any.
    pub field: Option<String>,
    /// What is wrong and what to do, in Chinese, for the sender.
    pub message: String,
}

impl Problem {
    /// A problem with the code's default severity.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Problem {
            code,
            severity: code.default_severity(),
            file: None,
            field: None,
            message: message.into(),
        }
    }

    /// Names the file concerned.
    pub fn file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }

    /// Names the field concerned.
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// Overrides the severity (late submissions under a `reject` policy).
    pub fn severity(mut self, s: Severity) -> Self {
        self.severity = s;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_pieces_are_told_from_content_errors() {
        assert!(Code::MissingApplicationStamped.is_missing_piece());
        assert!(Code::NoAttachments.is_missing_piece());
        assert!(!Code::InvalidCreditCode.is_missing_piece());
        assert!(!Code::SummaryFormMismatch.is_missing_piece());
        assert_eq!(
            Code::MissingSummaryStamped.labelled(),
            "缺少汇总表盖章版（missing_summary_stamped）"
        );
    }
}
