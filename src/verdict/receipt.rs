//! Receipt numbers: a unit keeps the first number it was given, a number issued in an
//! earlier run to the unit is given again, and a new number never repeats one told to
//! another unit.

use std::collections::BTreeMap;

/// The receipt of unit `key` once accepted, and the counter after it: the number it has, else
/// the one issued to it before, else the next number no unit was told.
pub fn issue(
    has: Option<&str>,
    key: &str,
    issued: &BTreeMap<String, String>,
    counter: u32,
    prefix: &str,
) -> (String, u32) {
    if let Some(r) = has {
        return (r.to_string(), counter);
    }
    if let Some(r) = issued.get(key) {
        return (r.clone(), counter);
    }
    let mut counter = counter;
    loop {
        counter += 1;
        let r = format!("{prefix}{counter:03}");
        if !issued.values().any(|i| *i == r) {
            return (r, counter);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issued(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, r)| (k.to_string(), r.to_string()))
            .collect()
    }

    #[test]
    fn a_unit_keeps_its_number() {
        let i = issued(&[("a", "Z-001")]);
        assert_eq!(issue(Some("Z-007"), "a", &i, 3, "Z-"), ("Z-007".into(), 3));
    }

    #[test]
    fn a_number_issued_before_is_given_again_without_counting() {
        let i = issued(&[("a", "Z-001")]);
        assert_eq!(issue(None, "a", &i, 0, "Z-"), ("Z-001".into(), 0));
    }

    #[test]
    fn new_numbers_skip_those_told_to_other_units() {
        let i = issued(&[("a", "Z-001"), ("b", "Z-002")]);
        assert_eq!(issue(None, "c", &i, 0, "Z-"), ("Z-003".into(), 3));
        assert_eq!(issue(None, "c", &i, 5, "Z-"), ("Z-006".into(), 6));
    }
}
