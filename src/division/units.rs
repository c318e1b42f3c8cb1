//! Each recommending unit's current state as the division sees it: from the `units` table
//! (what the latest email left) and the campaign's expected units (who has sent nothing yet).

use super::problems::{self, CodeGroup, Raised};
use crate::config::{Config, ExpectedUnit};
use crate::store::Store;
use crate::verdict::Verdict;
use crate::verdict::materials::Materials;
use crate::verdict::names::unit_key;
use serde::Serialize;

pub use super::standing::Standing;

/// An error of the unit's latest verdict: what it still has to do.
pub use crate::store::read::OpenProblem as Missing;

/// One unit.
#[derive(Debug, Clone, Serialize)]
pub struct UnitView {
    /// Row id in `units`; None for an expected unit that has sent nothing.
    pub id: Option<i64>,
    /// Normalised key (matches the judge's).
    pub key: String,
    /// The one name the division knows it by: the configured name when it is a configured
    /// unit (whatever the record or the sender wrote), else the name recorded.
    pub name: String,
    /// Listed among the campaign's expected units.
    pub expected: bool,
    /// False for a sender whose mail named no unit: the judge then keys the "unit" by the
    /// address, and it is no recommending unit the division could count or remind.
    pub identified: bool,
    /// Where it stands.
    pub standing: Standing,
    /// The receipt number issued to it, if any (kept even when later mail has problems).
    pub receipt: Option<String>,
    /// Emails with attachments received from it.
    pub emails: i64,
    /// Its current materials.
    #[serde(skip)]
    pub materials: Materials,
    /// Its latest email's row, for the problems that still stand.
    pub last_message: Option<i64>,
    /// The errors of its latest verdict, one per problem (what the unit was told).
    pub missing: Vec<Missing>,
    /// Those errors that say a piece has not come (材料不全), one group per code.
    pub lacking: Vec<CodeGroup>,
    /// Those errors in what came (需补正), one group per code.
    pub to_correct: Vec<CodeGroup>,
    /// Addresses to write to: configured ones, then the ones it wrote from.
    pub addresses: Vec<String>,
}

/// Every unit: expected ones in the configured order, then the others by name.
pub async fn load(store: &Store, cfg: &Config) -> anyhow::Result<Vec<UnitView>> {
    let mut found: Vec<UnitView> = store
        .units()
        .await?
        .into_iter()
        .map(|u| {
            let (lacking, to_correct) = split(&u.errors);
            UnitView {
                id: Some(u.id),
                identified: !u.key.contains('@'),
                standing: match (&u.receipt, u.verdict) {
                    (Some(_), Some(Verdict::Rejected | Verdict::Ignored) | None)
                        if u.accepted_by_hand =>
                    {
                        Standing::AcceptedByHand
                    }
                    (Some(_), Some(Verdict::Accepted)) => Standing::Accepted,
                    (Some(_), Some(Verdict::Rejected | Verdict::Ignored) | None) => {
                        Standing::AcceptedWithProblems
                    }
                    (None, _) => Standing::of_open(&u.errors),
                },
                // Mail with headers but no sender and no unit named: never a blank line.
                name: match name_of(cfg, &u.key, &u.name) {
                    n if n.trim().is_empty() => "（无发件人，未识别推荐单位）".into(),
                    n => n,
                },
                key: u.key,
                expected: false,
                receipt: u.receipt,
                emails: u.emails,
                materials: u.materials,
                last_message: u.last_message,
                missing: u.errors,
                lacking,
                to_correct,
                addresses: u.addresses,
            }
        })
        .collect();
    // A sender keyed by address who later wrote for a named unit is that unit's: its first
    // mail (no unit named yet) is part of the unit's history, not a unit of its own.
    let named: Vec<String> = found
        .iter()
        .filter(|u| u.identified)
        .flat_map(|u| u.addresses.iter().map(|a| a.to_lowercase()))
        .collect();
    found.retain(|u| u.identified || !named.contains(&u.key));
    let mut out = Vec::with_capacity(found.len() + cfg.campaign.units.len());
    for e in &cfg.campaign.units {
        let key = unit_key(&e.name);
        // Recorded under its name, else under an alias (mail recorded before the alias was
        // configured): either way the configured unit.
        let at = found
            .iter()
            .position(|u| u.key == key)
            .or_else(|| found.iter().position(|u| is(e, &u.key)));
        let mut view = match at {
            Some(i) => found.remove(i),
            None => UnitView {
                id: None,
                key,
                name: e.name.clone(),
                expected: true,
                identified: true,
                standing: Standing::NotSubmitted,
                receipt: None,
                emails: 0,
                materials: Materials::default(),
                last_message: None,
                missing: Vec::new(),
                lacking: Vec::new(),
                to_correct: Vec::new(),
                addresses: Vec::new(),
            },
        };
        view.expected = true;
        let mut addresses = e.addresses.clone();
        for a in view.addresses.drain(..) {
            if !addresses.iter().any(|x| x.eq_ignore_ascii_case(&a)) {
                addresses.push(a);
            }
        }
        view.addresses = addresses;
        out.push(view);
    }
    out.extend(found);
    Ok(out)
}

/// The open errors split into missing pieces and errors in what came, grouped by code.
fn split(errors: &[Missing]) -> (Vec<CodeGroup>, Vec<CodeGroup>) {
    let (lacking, wrong): (Vec<&Missing>, Vec<&Missing>) = errors
        .iter()
        .partition(|m| problems::is_missing_piece(&m.code));
    (
        problems::group(lacking.into_iter().map(raised)),
        problems::group(wrong.into_iter().map(raised)),
    )
}

/// One open problem as the grouping reads it.
fn raised(m: &Missing) -> Raised<'_> {
    Raised {
        code: m.code.as_str(),
        file: m.file.as_deref(),
        field: m.field.as_deref(),
        detail: Some(m.message.as_str()),
    }
}

/// Whether unit key `key` is configured unit `e`: its name's key or one of its aliases'.
fn is(e: &ExpectedUnit, key: &str) -> bool {
    unit_key(&e.name) == key || e.aliases.iter().any(|a| unit_key(a) == key)
}

/// The one name the division knows unit `key` by: the configured name when the key is a
/// configured unit's (by its name or an alias), else `recorded`. Every view names units
/// through it, so status, list, show, remind, export and reprocess agree even on mail
/// recorded before the unit or its alias was configured.
pub fn name_of(cfg: &Config, key: &str, recorded: &str) -> String {
    cfg.campaign
        .units
        .iter()
        .find(|e| unit_key(&e.name) == key)
        .or_else(|| cfg.campaign.units.iter().find(|e| is(e, key)))
        .map_or_else(|| recorded.to_string(), |e| e.name.clone())
}

/// The units whose name contains `what` (for saying which ones a partial name could mean).
pub fn candidates<'a>(units: &'a [UnitView], what: &str) -> Vec<&'a UnitView> {
    let what = what.trim();
    if what.is_empty() {
        return Vec::new();
    }
    units.iter().filter(|u| u.name.contains(what)).collect()
}

/// Finds a unit by receipt number, key or name (exact, then contained).
pub fn find<'a>(units: &'a [UnitView], what: &str) -> Option<&'a UnitView> {
    let key = unit_key(what);
    units
        .iter()
        .find(|u| u.receipt.as_deref() == Some(what) || u.key == key || u.name == what)
        .or_else(|| {
            let mut hits = units.iter().filter(|u| u.name.contains(what.trim()));
            match (hits.next(), hits.next()) {
                (Some(u), None) if !what.trim().is_empty() => Some(u),
                _ => None,
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(name: &str) -> UnitView {
        UnitView {
            id: Some(1),
            key: unit_key(name),
            name: name.into(),
            expected: true,
            identified: true,
            standing: Standing::Incomplete,
            receipt: None,
            emails: 1,
            materials: Materials::default(),
            last_message: None,
            missing: Vec::new(),
            lacking: Vec::new(),
            to_correct: Vec::new(),
            addresses: Vec::new(),
        }
    }

    fn open(code: &str) -> Missing {
        Missing {
            code: code.into(),
            file: None,
            field: None,
            message: String::new(),
        }
    }

    #[test]
    fn missing_pieces_and_errors_in_what_came_are_told_apart() {
        let lacking = open("missing_summary_stamped");
        let wrong = open("invalid_credit_code");
        assert_eq!(
            Standing::of_open(std::slice::from_ref(&lacking)),
            Standing::Incomplete
        );
        assert_eq!(
            Standing::of_open(std::slice::from_ref(&wrong)),
            Standing::NeedsCorrection
        );
        assert_eq!(
            Standing::of_open(&[lacking.clone(), wrong.clone()]),
            Standing::IncompleteAndNeedsCorrection
        );
        let (l, w) = split(&[lacking, wrong.clone(), wrong]);
        assert_eq!((l.len(), w.len()), (1, 1));
        assert_eq!(w[0].count, 2);
    }

    #[test]
    fn a_configured_unit_has_its_configured_name_whatever_was_recorded() {
        let mut cfg = Config::load(None).unwrap();
        cfg.campaign.units = vec![ExpectedUnit {
            name: "天津市河西区市场监督管理局".into(),
            aliases: vec!["河西区质量科".into()],
            addresses: Vec::new(),
        }];
        let configured = "天津市河西区市场监督管理局";
        assert_eq!(
            name_of(&cfg, &unit_key("河西区市场监管局"), "河西区市场监管局"),
            configured
        );
        assert_eq!(
            name_of(&cfg, &unit_key("河西区质量科"), "河西区质量科"),
            configured
        );
        assert_eq!(
            name_of(&cfg, &unit_key("南开区市场监管局"), "南开区市场监管局"),
            "南开区市场监管局"
        );
    }

    #[test]
    fn a_partial_name_finds_one_unit_or_names_the_candidates() {
        let all = [unit("河西区市场监督管理局"), unit("河东区市场监督管理局")];
        assert_eq!(
            find(&all, "河西").map(|u| u.name.as_str()),
            Some("河西区市场监督管理局")
        );
        assert!(find(&all, "河").is_none());
        let names: Vec<&str> = candidates(&all, "河")
            .iter()
            .map(|u| u.name.as_str())
            .collect();
        assert_eq!(names, ["河西区市场监督管理局", "河东区市场监督管理局"]);
        assert!(candidates(&all, " ").is_empty());
    }
}
