//! What carries from one email to the next, and how one judgement changes it: one unit's
//! entry, the sender's unit and the receipt counter, nothing else. A judgement is decided on
//! the state as it is and applied afterwards, so a panic while deciding leaves the state as
//! it was, and [`Before`] takes an applied judgement back (when it could not be recorded).

use super::materials::{FileRef, Materials};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// A recommending unit and what it has sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Unit {
    /// Name for display: the configured name, else as first written.
    pub name: String,
    /// Its materials so far.
    pub materials: Materials,
    /// Emails received from it.
    pub emails: u32,
    /// Receipt number, given the first time its materials are complete.
    pub receipt: Option<String>,
    /// Stamped files whose seal the division confirmed by eye (`decide seal`): they are not
    /// reported as `stamp_not_detected` again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seals_confirmed: Vec<FileRef>,
}

/// The state that carries from one email to the next.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct State {
    /// Units by key.
    pub units: BTreeMap<String, Unit>,
    /// The unit each sender address (lower case) last wrote for.
    pub sender_unit: HashMap<String, String>,
    /// Receipts issued so far, for numbering.
    pub receipts: u32,
}

/// What one judgement changes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Change {
    /// The unit judged (key) and its entry afterwards.
    pub unit: Option<(String, Unit)>,
    /// The sender (lower case) and the unit it now writes for.
    pub sender: Option<(String, String)>,
    /// The receipt counter afterwards.
    pub receipts: u32,
    /// A unit that ceases to exist (a sender's pseudo-unit filed under a named unit).
    pub gone: Option<String>,
}

/// The parts of the state one judgement changed, as they were before it.
#[derive(Debug, Clone, PartialEq)]
pub struct Before {
    /// The unit's key and its entry before (None: it was new).
    unit: Option<(String, Option<Unit>)>,
    /// The sender and the unit it wrote for before.
    sender: Option<(String, Option<String>)>,
    /// The receipt counter before.
    receipts: u32,
    /// The unit removed and its entry before.
    gone: Option<(String, Unit)>,
}

/// What one judgement changed, as the state holds it now: what the record stores with the
/// message so that the next start-up loads the state instead of judging everything again.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Changed<'a> {
    /// The unit judged: key and entry.
    pub unit: Option<(&'a str, &'a Unit)>,
    /// The sender (lower case) and its unit's key.
    pub sender: Option<(&'a str, &'a str)>,
    /// The receipt counter.
    pub receipts: u32,
    /// The key of a unit removed.
    pub gone: Option<&'a str>,
}

impl State {
    /// Applies a judgement's change; returns what it replaced.
    pub fn apply(&mut self, change: Change) -> Before {
        let gone = change
            .gone
            .and_then(|k| self.units.remove(&k).map(|u| (k, u)));
        let unit = change.unit.map(|(key, unit)| {
            let old = self.units.insert(key.clone(), unit);
            (key, old)
        });
        let sender = change.sender.map(|(addr, key)| {
            let old = self.sender_unit.insert(addr.clone(), key);
            (addr, old)
        });
        let receipts = std::mem::replace(&mut self.receipts, change.receipts);
        Before {
            unit,
            sender,
            receipts,
            gone,
        }
    }

    /// Takes an applied judgement back.
    pub fn take_back(&mut self, before: Before) {
        if let Some((key, old)) = before.unit {
            match old {
                Some(u) => self.units.insert(key, u),
                None => self.units.remove(&key),
            };
        }
        if let Some((addr, old)) = before.sender {
            match old {
                Some(k) => self.sender_unit.insert(addr, k),
                None => self.sender_unit.remove(&addr),
            };
        }
        self.receipts = before.receipts;
        if let Some((key, unit)) = before.gone {
            self.units.insert(key, unit);
        }
    }

    /// What the judgement `before` stands for changed, as it is now.
    pub fn changed<'a>(&'a self, before: &'a Before) -> Changed<'a> {
        Changed {
            unit: before
                .unit
                .as_ref()
                .and_then(|(k, _)| self.units.get_key_value(k))
                .map(|(k, u)| (k.as_str(), u)),
            sender: before
                .sender
                .as_ref()
                .and_then(|(a, _)| self.sender_unit.get_key_value(a))
                .map(|(a, k)| (a.as_str(), k.as_str())),
            receipts: self.receipts,
            gone: before.gone.as_ref().map(|(k, _)| k.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(name: &str, emails: u32) -> Unit {
        Unit {
            name: name.into(),
            emails,
            ..Unit::default()
        }
    }

    #[test]
    fn taking_a_judgement_back_restores_every_part_it_changed() {
        let mut s = State::default();
        s.units.insert("a".into(), unit("A", 1));
        s.sender_unit.insert("x@a.cn".into(), "a".into());
        s.receipts = 3;
        let was = s.clone();
        let before = s.apply(Change {
            unit: Some(("a".into(), unit("A", 2))),
            sender: Some(("x@a.cn".into(), "b".into())),
            receipts: 4,
            gone: None,
        });
        assert_eq!(s.units.get("a").map(|u| u.emails), Some(2));
        let changed = s.changed(&before);
        assert_eq!(changed.unit.map(|(k, u)| (k, u.emails)), Some(("a", 2)));
        assert_eq!(changed.sender, Some(("x@a.cn", "b")));
        assert_eq!(changed.receipts, 4);
        s.take_back(before);
        assert_eq!(s, was);
    }

    #[test]
    fn taking_back_a_new_unit_removes_it() {
        let mut s = State::default();
        let before = s.apply(Change {
            unit: Some(("n".into(), unit("N", 1))),
            sender: Some(("y@n.cn".into(), "n".into())),
            receipts: 0,
            gone: None,
        });
        s.take_back(before);
        assert_eq!(s, State::default());
    }
}
