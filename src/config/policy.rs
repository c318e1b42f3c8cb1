//! The `[campaign]` section as the judge's own policy: the judge reads no configuration.

use super::{Campaign, ExpectedUnit, LatePolicy};
use crate::verdict::policy;

impl From<&Campaign> for policy::Policy {
    fn from(c: &Campaign) -> policy::Policy {
        policy::Policy {
            mailbox: c.mailbox.clone(),
            deadline: c.deadline,
            late: c.late_policy.into(),
            similarity_threshold: c.similarity_threshold,
            receipt_prefix: c.receipt_prefix.clone(),
            units: c.units.iter().map(policy::ExpectedUnit::from).collect(),
        }
    }
}

impl From<LatePolicy> for policy::LatePolicy {
    fn from(l: LatePolicy) -> policy::LatePolicy {
        match l {
            LatePolicy::Warn => policy::LatePolicy::Warn,
            LatePolicy::Reject => policy::LatePolicy::Reject,
        }
    }
}

impl From<&ExpectedUnit> for policy::ExpectedUnit {
    fn from(u: &ExpectedUnit) -> policy::ExpectedUnit {
        policy::ExpectedUnit {
            name: u.name.clone(),
            aliases: u.aliases.clone(),
            addresses: u.addresses.clone(),
        }
    }
}
