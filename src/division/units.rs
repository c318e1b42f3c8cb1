//! Each recommending unit's current state as the division sees it: from the `units` table
//! (what the latest email left) and the campaign's expected units (who has sent nothing yet).

use crate::config::Config;
use crate::store::Store;
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
}

impl Standing {
    /// The standing in the division's words.
    pub fn zh(self) -> &'static str {
        match self {
            Standing::NotSubmitted => "未提交",
            Standing::Incomplete => "材料不全",
            Standing::Accepted => "已受理",
            Standing::AcceptedWithProblems => "已受理（后续邮件需补正）",
        }
    }
}

/// An error of the unit's latest verdict: what it still has to do.
#[derive(Debug, Clone, Serialize)]
pub struct Missing {
    /// Stable problem code.
    pub code: String,
    /// The file concerned, if any.
    pub file: Option<String>,
    /// The message the unit was sent.
    pub message: String,
}

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

type UnitRow = (
    i64,
    String,
    String,
    Option<String>,
    i64,
    Option<String>,
    Option<String>,
    Option<i64>,
);

/// Every unit: expected ones in the configured order, then the others by name.
pub async fn load(store: &Store, cfg: &Config) -> anyhow::Result<Vec<UnitView>> {
    let rows: Vec<UnitRow> = sqlx::query_as(
        "SELECT u.id, u.key, u.name, r.receipt, u.emails, u.materials, u.verdict, u.last_message \
         FROM units u LEFT JOIN receipts r ON r.unit_key = u.key ORDER BY u.name",
    )
    .fetch_all(store.pool())
    .await?;
    let mut found = Vec::with_capacity(rows.len());
    for (id, key, name, receipt, emails, materials, verdict, last) in rows {
        let materials: Materials = match materials.as_deref().map(serde_json::from_str) {
            Some(Ok(m)) => m,
            Some(Err(e)) => {
                tracing::warn!(unit = %key, "stored materials unreadable: {e}");
                Materials::default()
            }
            None => Materials::default(),
        };
        let missing = missing(store, last).await?;
        let standing = match (&receipt, verdict.as_deref()) {
            (Some(_), Some("accepted")) => Standing::Accepted,
            (Some(_), _) => Standing::AcceptedWithProblems,
            (None, _) => Standing::Incomplete,
        };
        let addresses = senders(store, id).await?;
        found.push(UnitView {
            id: Some(id),
            identified: !key.contains('@'),
            key,
            name,
            expected: false,
            standing,
            receipt,
            emails,
            materials,
            last_message: last,
            missing,
            addresses,
        });
    }
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

async fn missing(store: &Store, last: Option<i64>) -> anyhow::Result<Vec<Missing>> {
    let Some(last) = last else {
        return Ok(Vec::new());
    };
    let rows: Vec<(String, Option<String>, String)> = sqlx::query_as(
        "SELECT code, file, message FROM problems WHERE message_id = ? AND severity = 'error' \
         ORDER BY id",
    )
    .bind(last)
    .fetch_all(store.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(code, file, message)| Missing {
            code,
            file,
            message,
        })
        .collect())
}

/// The addresses a unit's emails came from (Reply-To first, as replies go), oldest first.
async fn senders(store: &Store, unit: i64) -> anyhow::Result<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT COALESCE(reply_to, sender) AS a FROM messages WHERE unit_id = ? AND a IS NOT NULL \
         GROUP BY lower(a) ORDER BY MIN(id)",
    )
    .bind(unit)
    .fetch_all(store.pool())
    .await?;
    Ok(rows.into_iter().map(|(a,)| a).collect())
}
