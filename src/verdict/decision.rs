//! The division's decisions on the judge's state: what a person decides where the program
//! cannot (accept despite open problems, a seal seen by eye, whose mail a personal address
//! sends). Each is a change of the state like a judgement ([`Before`] takes it back when it
//! cannot be recorded), decided on the state as it is, so the daemon, `decide` without a
//! daemon and the replay of `reprocess` all get the same result from the same decision.

use super::materials::{EmailFiles, FileRef, Materials};
use super::state::{Before, Change, Unit};
use super::{Judge, Verdict, completeness, problems, receipt, resolve};
use crate::rules::Problem;
use chrono::{DateTime, FixedOffset};

/// Why a decision cannot be applied, in the division's words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    /// No unit with this key has sent anything.
    #[error("没有找到单位“{0}”的材料")]
    UnknownUnit(String),
    /// The "unit" is a sender address whose mail named no unit.
    #[error("“{0}”是未归入单位的发件人，请先将其归入单位")]
    NotAUnit(String),
    /// The unit has a receipt already.
    #[error("该单位已受理，受理编号 {0}")]
    AlreadyAccepted(String),
    /// The unit has sent no file.
    #[error("该单位尚未报送任何材料，无可受理")]
    NothingReceived,
    /// The file is no stamped file counting in the unit's materials.
    #[error("“{0}”不是该单位现有材料中的盖章扫描件（可能已被替换）")]
    NotAStampedFile(String),
    /// The seal was confirmed before.
    #[error("“{0}”的公章已核对过")]
    AlreadyConfirmed(String),
    /// The address is no sender address, or names the unit itself.
    #[error("“{0}”不是可归入单位的发件人地址")]
    NotASender(String),
    /// The sender's mail is filed under this unit already.
    #[error("发件人 {0} 已归入该单位")]
    AlreadyAssigned(String),
}

/// A file of a unit as a decision names it: the email that carried it (its arrival) and its
/// place there.
#[derive(Debug, Clone, PartialEq)]
pub struct FileAt {
    /// Name as sent.
    pub name: String,
    /// Arrival of the email that carried it.
    pub received: DateTime<FixedOffset>,
    /// Position among the email's attachments, when known.
    pub seq: Option<u32>,
}

impl FileAt {
    fn is(&self, f: &FileRef) -> bool {
        f.name == self.name
            && f.received == self.received
            && (self.seq.is_none() || f.seq.is_none() || f.seq == self.seq)
    }
}

/// A decision applied to the state.
#[derive(Debug)]
pub struct Decided {
    /// What it replaced, to take it back when it cannot be recorded.
    pub before: Before,
    /// The unit's key and display name.
    pub unit: (String, String),
    /// A receipt number this decision issued (None: the unit had one, or is not complete).
    pub receipt: Option<String>,
    /// The unit's materials judged afterwards (contents, completeness, duplicates).
    pub verdict: Verdict,
    /// The problems of its materials afterwards, errors first.
    pub problems: Vec<Problem>,
}

impl Judge {
    /// 人工受理: unit `key` gets a receipt despite open problems, numbered as usual. Later
    /// mail from it is judged as usual (and keeps the number).
    pub fn accept_by_hand(&mut self, key: &str) -> Result<Decided, Refused> {
        let unit = self.identified(key)?.clone();
        if let Some(r) = &unit.receipt {
            return Err(Refused::AlreadyAccepted(r.clone()));
        }
        if unit.emails == 0 {
            return Err(Refused::NothingReceived);
        }
        let (verdict, problems) = self.judged(key, &unit.materials);
        let prefix = &self.policy.receipt_prefix;
        let (r, n) = receipt::issue(None, key, &self.issued, self.state.receipts, prefix);
        let mut unit = unit;
        unit.receipt = Some(r.clone());
        Ok(self.apply(key, unit, n, None, Some(r), verdict, problems))
    }

    /// 公章已核: the seal of stamped file `file` of unit `key` was seen by eye. The file counts
    /// as one form either way (a scan without a visible seal is counted with a warning), so
    /// completeness does not change; the unit's state remembers the confirmation.
    pub fn confirm_seal(&mut self, key: &str, file: &FileAt) -> Result<Decided, Refused> {
        let mut unit = self.identified(key)?.clone();
        let Some(found) = stamped_files(&unit.materials).find(|f| file.is(f)).cloned() else {
            return Err(Refused::NotAStampedFile(file.name.clone()));
        };
        if unit.seals_confirmed.iter().any(|f| file.is(f)) {
            return Err(Refused::AlreadyConfirmed(file.name.clone()));
        }
        unit.seals_confirmed.push(found);
        let (verdict, problems) = self.judged(key, &unit.materials);
        let n = self.state.receipts;
        Ok(self.apply(key, unit, n, None, None, verdict, problems))
    }

    /// 归入单位: mail from `address` is filed under the unit named `unit_name` from now on,
    /// and what the address sent as a unit of its own (scans from a personal address) moves
    /// into that unit, which is judged again: complete and without errors, it is accepted.
    pub fn assign_sender(&mut self, address: &str, unit_name: &str) -> Result<Decided, Refused> {
        let addr = address.trim().to_lowercase();
        if !addr.contains('@') {
            return Err(Refused::NotASender(address.into()));
        }
        let (key, name) = resolve::unit(&self.policy.units, &self.state, Some(unit_name), "");
        if key.contains('@') || key == addr {
            return Err(Refused::NotASender(address.into()));
        }
        if self.state.sender_unit.get(&addr) == Some(&key) {
            return Err(Refused::AlreadyAssigned(addr));
        }
        let mut unit = self.state.units.get(&key).cloned().unwrap_or_else(|| Unit {
            name,
            ..Unit::default()
        });
        let own = self.state.units.get(&addr).cloned();
        if let Some(own) = &own {
            absorb(&mut unit, own);
        }
        let (verdict, problems) = self.judged(&key, &unit.materials);
        let mut issued = None;
        let mut n = self.state.receipts;
        if verdict == Verdict::Accepted && unit.receipt.is_none() && unit.emails > 0 {
            let prefix = &self.policy.receipt_prefix;
            let (r, next) = receipt::issue(None, &key, &self.issued, n, prefix);
            unit.receipt = Some(r.clone());
            issued = Some(r);
            n = next;
        }
        let gone = own.map(|_| addr.clone());
        let sender = Some((addr, key.clone()));
        Ok(self.apply_change(&key, unit, n, sender, gone, issued, verdict, problems))
    }

    /// The problems of unit `key`'s materials as they stand (for a correction notice); None
    /// for a unit that has sent nothing.
    pub fn open_problems(&self, key: &str) -> Option<(Verdict, Vec<Problem>)> {
        let unit = self.state.units.get(key)?;
        Some(self.judged(key, &unit.materials))
    }

    /// The unit `key`, refusing unknown units and senders keyed by address.
    fn identified(&self, key: &str) -> Result<&Unit, Refused> {
        if key.contains('@') {
            return Err(Refused::NotAUnit(key.into()));
        }
        self.state
            .units
            .get(key)
            .ok_or_else(|| Refused::UnknownUnit(key.into()))
    }

    /// The verdict on materials `m` of unit `key` and their problems: contents, completeness
    /// and duplicates (what an email's own files and its arrival add is not known here).
    fn judged(&self, key: &str, m: &Materials) -> (Verdict, Vec<Problem>) {
        let mut found = completeness::problems(m);
        let others = problems::submitted_by_others(&self.state.units, key);
        let threshold = self.policy.similarity_threshold;
        found.extend(problems::duplicates(
            &m.projects,
            key,
            &self.history,
            &others,
            threshold,
        ));
        let verdict = problems::conclude(&mut found);
        (verdict, found)
    }

    #[allow(clippy::too_many_arguments)] // the parts of one change, named where they are made
    fn apply(
        &mut self,
        key: &str,
        unit: Unit,
        receipts: u32,
        sender: Option<(String, String)>,
        issued: Option<String>,
        verdict: Verdict,
        problems: Vec<Problem>,
    ) -> Decided {
        self.apply_change(key, unit, receipts, sender, None, issued, verdict, problems)
    }

    #[allow(clippy::too_many_arguments)] // the parts of one change, named where they are made
    fn apply_change(
        &mut self,
        key: &str,
        unit: Unit,
        receipts: u32,
        sender: Option<(String, String)>,
        gone: Option<String>,
        issued: Option<String>,
        verdict: Verdict,
        problems: Vec<Problem>,
    ) -> Decided {
        let name = unit.name.clone();
        let before = self.state.apply(Change {
            unit: Some((key.to_string(), unit)),
            sender,
            receipts,
            gone,
        });
        Decided {
            before,
            unit: (key.to_string(), name),
            receipt: issued,
            verdict,
            problems,
        }
    }
}

/// The stamped files that count in materials `m`.
fn stamped_files(m: &Materials) -> impl Iterator<Item = &FileRef> {
    m.summary_stamped
        .iter()
        .chain(m.projects.iter().filter_map(|p| p.stamped.as_ref()))
        .chain(&m.loose_stamped)
}

/// Adds what `own` (a sender's pseudo-unit) sent to `unit`, as later emails of the unit.
fn absorb(unit: &mut Unit, own: &Unit) {
    let offset = unit.emails;
    let shift = |f: &FileRef| FileRef {
        email: f.email + offset,
        ..f.clone()
    };
    let m = &own.materials;
    let files = EmailFiles {
        summaries: m
            .summary
            .iter()
            .map(|(f, s)| (shift(f), s.clone()))
            .collect(),
        summary_scans: m.summary_stamped.iter().map(shift).collect(),
        applications: m
            .projects
            .iter()
            .map(|p| (shift(&p.word), p.app.clone()))
            .collect(),
        application_scans: m
            .projects
            .iter()
            .filter_map(|p| p.stamped.as_ref())
            .chain(&m.loose_stamped)
            .map(shift)
            .collect(),
    };
    unit.materials.merge(files);
    unit.emails += own.emails;
    unit.seals_confirmed
        .extend(own.seals_confirmed.iter().map(shift));
}

#[cfg(test)]
#[path = "decision_tests.rs"]
mod tests;
