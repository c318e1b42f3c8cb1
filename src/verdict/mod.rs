//! Stage 4 — verdict: a unit's materials accumulate over its emails in arrival order; after
//! each email the unit is judged on what it has sent so far.
//!
//! Judging is a chain of steps over plain data, each in its own file: the files are sorted by
//! what they are ([`readings`]), the unit is resolved ([`resolve`]), the email's files are
//! merged into the unit's materials ([`materials`], stamped scans counted by their seals in
//! [`stamped`]), the problems are collected ([`completeness`], [`duplicates`], [`problems`])
//! and a receipt is issued ([`receipt`]). The steps read the state and say how it changes
//! ([`state::Change`]); the judge applies the change only once every step has run.

pub mod completeness;
pub mod decision;
pub mod duplicates;
mod ignored;
pub mod materials;
pub mod names;
mod outcome;
pub mod policy;
pub mod problems;
pub mod readings;
pub mod receipt;
pub mod resolve;
pub mod saved;
pub mod stamped;
pub mod state;

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod tests;

pub use decision::{Decided, FileAt, Refused};
pub use ignored::{Ignored, IgnoredReason};
pub use outcome::{FileReport, Outcome, PageReport, Verdict};
pub use policy::Policy;
pub use state::{Before, Changed, State, Unit};

use crate::forms::classify::Reading;
use crate::history::HistoryProject;
use crate::message::Email;
use crate::rules::{Code, Problem};
use chrono::{DateTime, FixedOffset};
use state::Change;
use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Judges emails in arrival order.
pub struct Judge {
    /// The call's rules (deadline, thresholds, expected units).
    policy: Policy,
    /// Past projects for `duplicate_of_history`.
    history: Vec<HistoryProject>,
    /// What earlier emails left.
    state: State,
    /// Receipt numbers issued in earlier runs, by unit key: a unit that completes again gets
    /// the number it was told, and new numbers never collide with one told to another unit.
    issued: BTreeMap<String, String>,
}

/// Reading or judging an email panicked: the judge's state is as it was before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("reading or judging the message panicked")]
pub struct Panicked;

/// An email judged and its judgement applied to the state.
#[derive(Debug)]
pub struct Judged {
    /// The email as read.
    pub email: Email,
    /// What was decided.
    pub outcome: Outcome,
    /// What the judgement replaced, to take it back if it cannot be recorded.
    pub before: Before,
}

impl Judge {
    /// A judge with no emails seen yet.
    pub fn new(policy: Policy, history: Vec<HistoryProject>) -> Judge {
        Judge {
            policy,
            history,
            state: State::default(),
            issued: BTreeMap::new(),
        }
    }

    /// Seeds the receipt numbers issued in earlier runs (unit key → number), before the first
    /// email is judged.
    pub fn seed_receipts(&mut self, issued: impl IntoIterator<Item = (String, String)>) {
        self.issued = issued.into_iter().collect();
    }

    /// Continues from a state left by earlier emails (as loaded from the record).
    pub fn resume(&mut self, state: State) {
        self.state = state;
    }

    /// What earlier emails left.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// Receipt numbers issued in earlier runs, by unit key.
    pub fn issued(&self) -> &BTreeMap<String, String> {
        &self.issued
    }

    /// The call's rules.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Judges one email whose attachments have been read into `readings` (same order).
    pub fn judge(
        &mut self,
        email: &Email,
        readings: &[Reading],
        received: DateTime<FixedOffset>,
    ) -> Outcome {
        let (outcome, change) = self.decide(email, readings, received);
        self.state.apply(change);
        outcome
    }

    /// Reads an email with `read` and judges it; a panic in either leaves the state as it was
    /// and is returned as [`Panicked`].
    pub fn judge_guarded(
        &mut self,
        read: impl FnOnce() -> (Email, Vec<Reading>),
        received: DateTime<FixedOffset>,
    ) -> Result<Judged, Panicked> {
        let this = &*self;
        let (email, outcome, change) = catch_unwind(AssertUnwindSafe(|| {
            let (email, readings) = read();
            let (outcome, change) = this.decide(&email, &readings, received);
            (email, outcome, change)
        }))
        .map_err(|_| Panicked)?;
        let before = self.state.apply(change);
        Ok(Judged {
            email,
            outcome,
            before,
        })
    }

    /// Takes back the judgement `before` stands for (it could not be recorded).
    pub fn take_back(&mut self, before: Before) {
        self.state.take_back(before);
    }

    /// What the judgement `before` stands for changed in the state, for the record.
    pub fn changed<'a>(&'a self, before: &'a Before) -> Changed<'a> {
        self.state.changed(before)
    }

    /// The outcome of an email and the change it makes to the state, the state untouched.
    fn decide(
        &self,
        email: &Email,
        readings: &[Reading],
        received: DateTime<FixedOffset>,
    ) -> (Outcome, Change) {
        let attachments = readings::reports(email, readings);
        let mut change = Change {
            receipts: self.state.receipts,
            ..Change::default()
        };
        if let Some(why) = ignored::reason(email, readings, &self.policy.mailbox) {
            return (Outcome::ignored(why, attachments), change);
        }
        let sender = resolve::sender(email.reply_to.as_deref(), email.from.as_deref());
        let sorted = readings::sort(email, readings, received);
        let named = resolve::named(&sorted.summary_recommenders, &sorted.applications);
        let (key, name) = resolve::unit(&self.policy.units, &self.state, named, &sender);
        if !sender.is_empty() {
            change.sender = Some((sender.to_lowercase(), key.clone()));
        }
        let mut unit = self.state.units.get(&key).cloned().unwrap_or_else(|| Unit {
            name: name.clone(),
            ..Unit::default()
        });
        let mut outcome = Outcome {
            summary_rows: sorted.summary_rows,
            applications: sorted.applications,
            ..Outcome::of_unit(name, key.clone(), attachments)
        };
        if email.attachments.is_empty() {
            outcome.problems.push(no_attachments());
            change.unit = Some((key, unit));
            return (outcome, change);
        }
        unit.emails += 1;
        let (incoming, seal_problems) = readings::incoming(&sorted.files, unit.emails);
        let mut problems = sorted.problems;
        problems.extend(seal_problems);
        let merged = unit.materials.merge(incoming);
        outcome
            .notes
            .extend(problems::counted_note(&merged.by_count));
        problems.extend(completeness::problems(&unit.materials));
        problems.extend(problems::resubmissions(&merged.replaced));
        let others = problems::submitted_by_others(&self.state.units, &key);
        let threshold = self.policy.similarity_threshold;
        let projects = &unit.materials.projects;
        problems.extend(problems::duplicates(
            projects,
            &key,
            &self.history,
            &others,
            threshold,
        ));
        problems.extend(problems::late(received, &self.policy));
        outcome.verdict = problems::conclude(&mut problems);
        if outcome.verdict == Verdict::Accepted {
            let prefix = &self.policy.receipt_prefix;
            let has = unit.receipt.as_deref();
            let (r, n) = receipt::issue(has, &key, &self.issued, change.receipts, prefix);
            unit.receipt = Some(r);
            change.receipts = n;
            outcome.held = Some(unit.materials.clone());
        }
        outcome.receipt = unit.receipt.clone();
        outcome.problems = problems;
        change.unit = Some((key, unit));
        (outcome, change)
    }
}

/// An email that came without any file.
fn no_attachments() -> Problem {
    Problem::new(
        Code::NoAttachments,
        "本邮件未收到任何附件。请将《立项申报表》（附件1）和《立项申报汇总表》（附件2）的盖章版及word版作为附件一并发送。",
    )
}
