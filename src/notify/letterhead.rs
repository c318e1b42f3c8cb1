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
    /// Whom a unit asks, e.g. `联系人：郭丽坤、陈莹，电话：58950677、27182137`: closes every
    /// mail. Empty: mail only says to contact the office.
    pub contact: String,
    /// The call's document, e.g. `《关于开展…的通知》（津市场监管质发〔2023〕2号）`, cited by
    /// receipts and notices when set.
    pub notice: Option<String>,
}

impl Letterhead {
    /// The sentence that closes every mail we send: whom to ask.
    pub fn contact_line(&self) -> String {
        let contact = super::compose::one_line(&self.contact);
        if contact.is_empty() {
            "如有疑问，请与我处联系。".to_string()
        } else {
            format!("如有疑问，请与我处联系（{contact}）。")
        }
    }

    /// Whole days to the deadline at `now`, rounded up while time remains ("1 day left"
    /// until the last day is over); zero or less once it has passed. The one count the
    /// status, the desk and the digest all show.
    pub fn days_left(&self, now: DateTime<FixedOffset>) -> i64 {
        let secs = self.deadline.signed_duration_since(now).num_seconds();
        if secs > 0 {
            (secs + 86_399) / 86_400
        } else {
            secs / 86_400
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_left_round_up_while_time_remains() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap();
        let l = Letterhead {
            campaign: String::new(),
            mailbox: String::new(),
            office: String::new(),
            deadline: at("2023-04-28T23:59:59+08:00"),
            contact: String::new(),
            notice: None,
        };
        assert_eq!(l.days_left(at("2023-04-28T23:00:00+08:00")), 1);
        assert_eq!(l.days_left(at("2023-04-25T23:59:59+08:00")), 3);
        assert_eq!(l.days_left(at("2023-04-25T23:59:58+08:00")), 4);
        assert_eq!(l.days_left(at("2023-04-29T12:00:00+08:00")), 0);
        assert_eq!(l.days_left(at("2023-05-01T00:00:00+08:00")), -2);
    }
}
