//! A cell's value as the text a person sees in it.

use crate::forms::grid::clean_text;
use calamine::{Data, DataRef, ExcelDateTime};

/// Text of an owned cell value (the .xls path).
pub fn text(v: &Data) -> String {
    match v {
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => clean_text(s),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => float(*f),
        Data::Bool(b) => bool_text(*b),
        Data::DateTime(d) => date(d),
        Data::Error(_) | Data::Empty => String::new(),
    }
}

/// Text of a borrowed cell value (the streaming .xlsx path).
pub fn text_ref(v: &DataRef<'_>) -> String {
    match v {
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => clean_text(s),
        DataRef::SharedString(s) => clean_text(s),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => float(*f),
        DataRef::Bool(b) => bool_text(*b),
        DataRef::DateTime(d) => date(d),
        DataRef::Error(_) | DataRef::Empty => String::new(),
    }
}

fn bool_text(b: bool) -> String {
    if b { "TRUE" } else { "FALSE" }.to_string()
}

/// Whole numbers without a decimal part or exponent, so a mobile typed as a number
/// (1.9995974694e10) reads "19995974694" and a credit code's digits stay digits; other numbers
/// in their shortest round-trip form.
pub fn float(f: f64) -> String {
    if !f.is_finite() {
        return String::new();
    }
    // 2^53: beyond it whole floats are no longer exact, and Excel shows at most 15 digits.
    if f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 {
        // In range by the check above, so the cast is exact.
        return format!("{}", f as i64);
    }
    // `{}` is the shortest round-trip form and never uses an exponent for f64.
    format!("{f}")
}

/// A date cell as ISO text ("2023-09-15", "2023-09-15 14:30:00", "14:30:00"), from the serial
/// number in the 1900 date system.
fn date(d: &ExcelDateTime) -> String {
    let serial = d.as_f64();
    if !serial.is_finite() || !(0.0..=2_958_465.999_999).contains(&serial) {
        return float(serial);
    }
    let days = serial.trunc() as i64;
    let secs = ((serial - serial.trunc()) * 86_400.0).round() as i64;
    let time = format!(
        "{:02}:{:02}:{:02}",
        secs / 3600 % 24,
        secs / 60 % 60,
        secs % 60
    );
    if days == 0 {
        return time;
    }
    // Excel's day 60 is the fictitious 1900-02-29; serials after it count one day too many.
    let offset = if days < 60 { 31 } else { 30 };
    let Some(base) = chrono::NaiveDate::from_ymd_opt(1899, 12, offset) else {
        return float(serial);
    };
    let Some(day) = base.checked_add_signed(chrono::TimeDelta::days(days)) else {
        return float(serial);
    };
    let day = day.format("%Y-%m-%d").to_string();
    if secs == 0 {
        day
    } else {
        format!("{day} {time}")
    }
}
