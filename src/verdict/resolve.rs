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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::fixtures::{CODES, app};
    use crate::verdict::state::Unit;

    fn expected() -> Vec<ExpectedUnit> {
        vec![ExpectedUnit {
            name: "河西区市场监管局".into(),
            aliases: vec!["河西区市场监督管理局（质量科）".into()],
            addresses: vec!["hx@tj.gov.cn".into()],
        }]
    }

    fn form(recommender: &str) -> Application {
        Application {
            recommender: recommender.into(),
            ..app("天津甲公司", CODES[0], "项目")
        }
    }

    #[test]
    fn the_summary_names_the_unit_before_the_forms() {
        let forms = [form("和平区市场监管局")];
        assert_eq!(
            named(&["河东区市场监管局".into()], &forms),
            Some("河东区市场监管局")
        );
        assert_eq!(named(&[], &forms), Some("和平区市场监管局"));
        assert_eq!(named(&[], &[form("")]), None);
    }

    #[test]
    fn the_forms_name_the_unit_most_of_them_write() {
        let forms = [
            form("和平区市场监管局"),
            form("天津市河东区市场监督管理局"),
            form("河东区市场监管局"),
        ];
        // The group written most often, as first written.
        assert_eq!(named(&[], &forms), Some("天津市河东区市场监督管理局"));
    }

    #[test]
    fn a_configured_unit_is_found_by_name_alias_or_address() {
        let s = State::default();
        let want = (
            "河西区市场监管局".to_string(),
            "河西区市场监管局".to_string(),
        );
        let e = expected();
        assert_eq!(unit(&e, &s, Some("天津市河西区市场监督管理局"), ""), want);
        assert_eq!(
            unit(&e, &s, Some("河西区市场监督管理局（质量科）"), ""),
            want
        );
        assert_eq!(unit(&e, &s, None, "HX@tj.gov.cn"), want);
        // Unknown: the name as written, else the sender.
        assert_eq!(unit(&e, &s, Some(" 武清区科技局 "), "").1, "武清区科技局");
        assert_eq!(
            unit(&e, &s, None, "Someone@qq.com"),
            ("someone@qq.com".to_string(), "Someone@qq.com".to_string())
        );
    }

    #[test]
    fn a_sender_without_names_stays_with_its_last_unit() {
        let mut s = State::default();
        s.units.insert(
            "和平区市场监管局".into(),
            Unit {
                name: "和平区市场监管局".into(),
                ..Unit::default()
            },
        );
        s.sender_unit
            .insert("hx@tj.gov.cn".into(), "和平区市场监管局".into());
        assert_eq!(
            unit(&expected(), &s, None, "HX@tj.gov.cn").0,
            "和平区市场监管局"
        );
    }

    #[test]
    fn the_sender_is_reply_to_else_from() {
        assert_eq!(sender(Some("a@x.cn"), Some("b@x.cn")), "a@x.cn");
        assert_eq!(sender(None, Some("b@x.cn")), "b@x.cn");
        assert_eq!(sender(None, None), "");
    }
}
