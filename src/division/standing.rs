//! Where a unit stands as the division reads it: nothing sent, pieces missing (材料不全),
//! errors in what came (需补正), both, or accepted (by the rules or by a clerk).

use super::problems;
use super::units::Missing;
use serde::Serialize;

/// Where a unit stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Expected, nothing received.
    NotSubmitted,
    /// 材料不全: a form or one of its versions has not come; what came has no error.
    Incomplete,
    /// 需补正: every piece came, but what came has errors (fields, codes, the two forms
    /// disagreeing, a file that cannot be read).
    NeedsCorrection,
    /// Both: pieces missing and errors in what came.
    IncompleteAndNeedsCorrection,
    /// Complete: the receipt was issued and the latest email left no error.
    Accepted,
    /// A receipt was issued, but a later email has errors to fix.
    AcceptedWithProblems,
    /// A clerk accepted it by hand despite open problems (`decide accept`), and no mail of it
    /// came afterwards.
    AcceptedByHand,
}

impl Standing {
    /// The standing in the division's words.
    pub fn zh(self) -> &'static str {
        match self {
            Standing::NotSubmitted => "未提交",
            Standing::Incomplete => "材料不全",
            Standing::NeedsCorrection => "需补正",
            Standing::IncompleteAndNeedsCorrection => "材料不全且需补正",
            Standing::Accepted => "已受理",
            Standing::AcceptedWithProblems => "已受理（后续邮件需补正）",
            Standing::AcceptedByHand => "已人工受理",
        }
    }

    /// Received but not accepted: materials missing, to correct, or both.
    pub fn is_open(self) -> bool {
        match self {
            Standing::Incomplete
            | Standing::NeedsCorrection
            | Standing::IncompleteAndNeedsCorrection => true,
            Standing::NotSubmitted
            | Standing::Accepted
            | Standing::AcceptedWithProblems
            | Standing::AcceptedByHand => false,
        }
    }

    /// Done for the division: a receipt was issued (by the rules or by a clerk).
    pub fn is_accepted(self) -> bool {
        match self {
            Standing::Accepted | Standing::AcceptedWithProblems | Standing::AcceptedByHand => true,
            Standing::NotSubmitted
            | Standing::Incomplete
            | Standing::NeedsCorrection
            | Standing::IncompleteAndNeedsCorrection => false,
        }
    }

    /// A unit without a receipt, by what its open errors are.
    pub(super) fn of_open(errors: &[Missing]) -> Standing {
        let missing = errors.iter().any(|e| problems::is_missing_piece(&e.code));
        let wrong = errors.iter().any(|e| !problems::is_missing_piece(&e.code));
        match (missing, wrong) {
            (true, true) => Standing::IncompleteAndNeedsCorrection,
            (false, true) => Standing::NeedsCorrection,
            // No error at all and still no receipt (its latest mail was no submission): it
            // has not sent what makes it complete.
            (true, false) | (false, false) => Standing::Incomplete,
        }
    }
}
