//! The pure pipeline for one email: raw bytes → email → readings → outcome. I/O stays with the
//! callers (the `check` command, the daemon).

use crate::forms::classify::{self, Reading};
use crate::message::{Email, Limits, parse_email};
use crate::verdict::{Judge, Judged, Outcome, Panicked};
use chrono::{DateTime, FixedOffset};

/// Reads an email and every attachment in it.
pub fn read(raw: &[u8], limits: &Limits) -> (Email, Vec<Reading>) {
    let email = parse_email(raw, limits);
    let readings = email
        .attachments
        .iter()
        .map(|a| classify::read(a, limits))
        .collect();
    (email, readings)
}

/// Reads and judges one email.
pub fn process(
    judge: &mut Judge,
    raw: &[u8],
    received: DateTime<FixedOffset>,
    limits: &Limits,
) -> (Email, Outcome) {
    let (email, readings) = read(raw, limits);
    let outcome = judge.judge(&email, &readings, received);
    (email, outcome)
}

/// Reads and judges one email under the judge's guard: a panic anywhere in reading or
/// judging leaves the judge's state as it was.
pub fn process_guarded(
    judge: &mut Judge,
    raw: &[u8],
    received: DateTime<FixedOffset>,
    limits: &Limits,
) -> Result<Judged, Panicked> {
    judge.judge_guarded(|| read(raw, limits), received)
}
