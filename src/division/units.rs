//! Each recommending unit's current state as the division sees it: from the `units` table
//! (what the latest email left) and the campaign's expected units (who has sent nothing yet).

use crate::config::Config;
use crate::store::Store;
use crate::verdict::Verdict;
use crate::verdict::materials::Materials;
use crate::verdict::names::unit_key;
use serde::Serialize;

/// Where a unit stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Expected, nothing received.
    NotSubmitted,
    /// Materials received but not complete (or with errors): no receipt yet.
    Incomplete,
    /// Complete: the receipt was issued and the latest email left no error.
    Accepted,
    /// A receipt was issued, but a later email has errors to fix.
    AcceptedWithProblems,
    /// A clerk accepted it by hand despite open problems (`decide accept`), and no mail of it
    /// came afterwards.
    AcceptedByHand,
}

impl Standing {
    /// The standing in the division's words.
    pub fn zh(self) -> &'static str {
        match self {
            Standing::NotSubmitted => "未提交",
            Standing::Incomplete => "材料不全",
            Standing::Accepted => "已受理",
            Standing::AcceptedWithProblems => "已受理（后续邮件需补正）",
            Standing::AcceptedByHand => "已人工受理",
        }
    }
}

/// An error of the unit's latest verdict: what it still has to do.
pub use crate::store::read::OpenProblem as Missing;

/// One unit.
#[derive(Debug, Clone, Serialize)]
pub struct UnitView {
    /// Row id in `units`; None for an expected unit that has sent nothing.
    pub id: Option<i64>,
    /// Normalised key (matches the judge's).
    pub key: String,
    /// Name for display.
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
    /// The errors of its latest verdict.
    pub missing: Vec<Missing>,
    /// Addresses to write to: configured ones, then the ones it wrote from.
    pub addresses: Vec<String>,
}

/// Every unit: expected ones in the configured order, then the others by name.
pub async fn load(store: &Store, cfg: &Config) -> anyhow::Result<Vec<UnitView>> {
    let mut found: Vec<UnitView> = store
        .units()
        .await?
        .into_iter()
        .map(|u| UnitView {
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
                (None, _) => Standing::Incomplete,
            },
            key: u.key,
            // Mail with headers but no sender and no unit named: never a blank line.
            name: if u.name.trim().is_empty() {
                "（无发件人，未识别推荐单位）".into()
            } else {
                u.name
            },
            expected: false,
            receipt: u.receipt,
            emails: u.emails,
            materials: u.materials,
            last_message: u.last_message,
            missing: u.errors,
            addresses: u.addresses,
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
        let mut view = match found.iter().position(|u| u.key == key) {
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
            addresses: Vec::new(),
        }
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
