//! Which unit an email is for: the summary's 推荐单位, else the one most of its forms name,
//! else the unit its sender last wrote for, else the unit configured with the sender's
//! address, else the sender itself.

use super::names;
use super::policy::ExpectedUnit;
use super::state::State;
use crate::forms::application::Application;

/// The address an email is answered at and its sender is known by: Reply-To, else From.
pub fn sender(reply_to: Option<&str>, from: Option<&str>) -> String {
    reply_to.or(from).unwrap_or_default().to_string()
}

/// The unit name the email's files give: the first summary's 推荐单位, else the name most of
/// its forms write.
pub fn named<'a>(
    summary_recommenders: &'a [String],
    applications: &'a [Application],
) -> Option<&'a str> {
    if let Some(first) = summary_recommenders.first() {
        return Some(first);
    }
    let on_forms: Vec<&str> = applications
        .iter()
        .map(|a| a.recommender.as_str())
        .filter(|r| !r.is_empty())
        .collect();
    most_common(&on_forms)
}

/// The unit's key and display name.
pub fn unit(
    expected: &[ExpectedUnit],
    state: &State,
    named: Option<&str>,
    sender: &str,
) -> (String, String) {
    if let Some(n) = named {
        return by_name(expected, n);
    }
    if let Some(k) = state.sender_unit.get(&sender.to_lowercase()) {
        let name = state
            .units
            .get(k)
            .map_or_else(|| k.clone(), |u| u.name.clone());
        return (k.clone(), name);
    }
    by_address(expected, sender).unwrap_or_else(|| (sender.to_lowercase(), sender.to_string()))
}

/// The configured name and key of a unit written as `name`.
fn by_name(expected: &[ExpectedUnit], name: &str) -> (String, String) {
    let key = names::unit_key(name);
    for u in expected {
        if names::unit_key(&u.name) == key || u.aliases.iter().any(|a| names::unit_key(a) == key) {
            return (names::unit_key(&u.name), u.name.clone());
        }
    }
    (key, name.trim().to_string())
}

/// The configured unit that sends from `addr`.
fn by_address(expected: &[ExpectedUnit], addr: &str) -> Option<(String, String)> {
    expected
        .iter()
        .find(|u| u.addresses.iter().any(|a| a.eq_ignore_ascii_case(addr)))
        .map(|u| (names::unit_key(&u.name), u.name.clone()))
}

/// The name written most often (by unit key); the last of equals.
fn most_common<'a>(v: &[&'a str]) -> Option<&'a str> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for s in v {
        match counts
            .iter_mut()
            .find(|(k, _)| names::unit_key(k) == names::unit_key(s))
        {
            Some((_, n)) => *n += 1,
            None => counts.push((s, 1)),
        }
    }
    counts.into_iter().max_by_key(|(_, n)| *n).map(|(s, _)| s)
}
