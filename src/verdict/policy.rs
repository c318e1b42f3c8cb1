//! What the judge needs to know of the call: the deadline and what lateness costs, the
//! threshold of "the same project", the receipt numbering, and the units expected with the
//! names and addresses they write under. The configuration converts into it; the judge knows
//! nothing of the configuration file.

use chrono::{DateTime, FixedOffset};

/// The judge's rules for one call.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// Our own address: mail from it is never answered.
    pub mailbox: String,
    /// Arrival after it is late.
    pub deadline: DateTime<FixedOffset>,
    /// What a late arrival costs.
    pub late: LatePolicy,
    /// Character-bigram Dice score at or above which two project titles count as the same.
    pub similarity_threshold: f64,
    /// Prefix of receipt numbers, e.g. `ZLGG2023-`.
    pub receipt_prefix: String,
    /// The recommending units expected to submit.
    pub units: Vec<ExpectedUnit>,
}

/// What to do with materials that arrive after the deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LatePolicy {
    /// Accept them with the warning `late_submission`; the division decides.
    Warn,
    /// Reject them: `late_submission` becomes an error.
    Reject,
}

/// A recommending unit the division expects to hear from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExpectedUnit {
    /// The unit's name as the division writes it.
    pub name: String,
    /// Other ways the unit writes its name.
    pub aliases: Vec<String>,
    /// Addresses the unit sends from.
    pub addresses: Vec<String>,
}
