//! The pure pipeline for one email: raw bytes → email → readings → outcome. I/O stays with the
//! callers (the `check` command, the daemon).

use crate::forms::classify::{self, Reading};
use crate::message::{Email, Limits, parse_email};
use crate::verdict::{Judge, Outcome};
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
