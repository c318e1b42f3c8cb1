//! Who writes the replies and about which call: what every reply says besides its verdict.
//! The configuration converts into it (`Config::letterhead`), so this stage never reads the
//! configuration file's shape.

use chrono::{DateTime, FixedOffset};

/// The call and the office, as every reply states them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letterhead {
    /// The call's name, e.g. 2023年天津市质量攻关项目: the subject and the opening line.
    pub campaign: String,
    /// The submission mailbox: replies are sent as it, and mail from it is never answered.
    pub mailbox: String,
    /// The office's name: the display name of replies and their signature.
    pub office: String,
    /// The deadline, quoted in replies; its offset is the zone every time in a reply uses.
    pub deadline: DateTime<FixedOffset>,
}
