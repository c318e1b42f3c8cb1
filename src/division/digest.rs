//! The division's daily digest (`[division] digest_to`, `digest_at`): once a day, from
//! `digest_at` in the campaign's time zone, the daemon gathers what came in since the last
//! digest, the units with open problems, the expected units that have sent nothing and the
//! days left, and queues it in the outbox like any reply (worded by `notify::digest`).
//!
//! The day is recorded with the queued mail in one transaction, so a restart never sends it
//! twice; only today's digest is ever due, so after days of downtime one digest covers them
//! all (its "since" is the last one's time), never a backlog.

use super::units::{self, Standing};
use crate::config::Config;
use crate::notify::ReplyContext;
use crate::notify::digest::{self, Digest, NewMail, OpenUnit, Others};
use crate::store::read::{Disposition, MessageRow};
use crate::store::{Composed, Store};
use chrono::{DateTime, FixedOffset, NaiveTime, Utc};

/// The day whose digest is due at `now` (the campaign's time zone), if one is: not before `at`
/// that day, and not when the latest digest is of that day (or later: a clock set back).
pub fn due(now: DateTime<FixedOffset>, at: NaiveTime, last_day: Option<&str>) -> Option<String> {
    if now.time() < at {
        return None;
    }
    let day = now.format("%Y-%m-%d").to_string();
    match last_day {
        Some(last) if last >= day.as_str() => None,
        _ => Some(day),
    }
}

/// Queues today's digest when it is due; returns its outbox rows (empty when none was due).
pub async fn send_if_due(
    store: &Store,
    cfg: &Config,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<i64>> {
    let Some(settings) = cfg.division.digest() else {
        return Ok(Vec::new());
    };
    let tz = *cfg.campaign.deadline.offset();
    let local = now.with_timezone(&tz);
    let last = store.last_digest().await?;
    let Some(day) = due(local, settings.at, last.as_ref().map(|l| l.day.as_str())) else {
        return Ok(Vec::new());
    };
    let through = last.as_ref().map_or(0, |l| l.through_message);
    let rows = store.messages().await?;
    let newest = rows.iter().map(|r| r.id).max().unwrap_or(0).max(through);
    let since = last
        .as_ref()
        .and_then(|l| DateTime::parse_from_rfc3339(&l.created_at).ok())
        .map(|t| t.with_timezone(&tz));
    let mut d = gather(store, cfg, &rows, through).await?;
    d.now = local;
    d.since = since;
    d.at = settings.at;
    let letterhead = cfg.letterhead();
    let composer = |to: &str, row: i64| {
        let ctx = ReplyContext::of(&letterhead, row, local);
        digest::compose(&d, to, &letterhead, &ctx).map(|c| Composed {
            subject: c.subject,
            message_id: c.message_id,
            raw: c.raw,
        })
    };
    store
        .queue_digest(&day, newest, &settings.to, &composer)
        .await
}

/// The digest's facts: messages after row `through`, and every unit as it stands.
async fn gather(
    store: &Store,
    cfg: &Config,
    rows: &[MessageRow],
    through: i64,
) -> anyhow::Result<Digest> {
    let tz = *cfg.campaign.deadline.offset();
    let mut new = Vec::new();
    let mut others = Others::default();
    for r in rows.iter().filter(|r| r.id > through) {
        match r.disposition() {
            d @ (Disposition::Accepted | Disposition::Rejected) => new.push(NewMail {
                arrival: DateTime::parse_from_rfc3339(&r.arrival)
                    .map_or_else(|_| Utc::now().with_timezone(&tz), |t| t.with_timezone(&tz)),
                unit: r.unit.as_ref().map(|(name, _)| name.clone()),
                sender: r.sender.clone().unwrap_or_default(),
                verdict: d.label().to_string(),
                receipt: r.receipt.clone(),
            }),
            Disposition::Ignored => others.ignored += 1,
            Disposition::Failed => others.failed += 1,
        }
    }
    let all = units::load(store, cfg).await?;
    let open = all
        .iter()
        .filter(|u| {
            matches!(
                u.standing,
                Standing::Incomplete | Standing::AcceptedWithProblems
            )
        })
        .map(|u| OpenUnit {
            name: u.name.clone(),
            standing: u.standing.zh().to_string(),
            problems: u.missing.iter().map(|m| m.message.clone()).collect(),
        })
        .collect();
    let not_submitted = all
        .iter()
        .filter(|u| u.expected && u.standing == Standing::NotSubmitted)
        .map(|u| u.name.clone())
        .collect();
    Ok(Digest {
        now: Utc::now().with_timezone(&tz),
        since: None,
        new,
        others,
        open,
        not_submitted,
        at: NaiveTime::MIN,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    fn at() -> NaiveTime {
        NaiveTime::from_hms_opt(8, 30, 0).unwrap()
    }

    #[test]
    fn never_before_the_hour_once_a_day_and_no_backlog() {
        // Before 08:30: nothing, even with no digest ever sent.
        assert_eq!(due(t("2023-04-20T08:29:59+08:00"), at(), None), None);
        // From 08:30 on: today's.
        assert_eq!(
            due(t("2023-04-20T08:30:00+08:00"), at(), None).as_deref(),
            Some("2023-04-20")
        );
        // Sent today: not again, at any later hour.
        assert_eq!(
            due(t("2023-04-20T23:59:00+08:00"), at(), Some("2023-04-20")),
            None
        );
        // The next day, only from 08:30.
        assert_eq!(
            due(t("2023-04-21T07:00:00+08:00"), at(), Some("2023-04-20")),
            None
        );
        // Down for three days: one digest, today's.
        assert_eq!(
            due(t("2023-04-24T10:00:00+08:00"), at(), Some("2023-04-20")).as_deref(),
            Some("2023-04-24")
        );
        // The day is the campaign's: 01:00 UTC is already 09:00 in Beijing.
        let utc =
            t("2023-04-21T01:00:00+00:00").with_timezone(&FixedOffset::east_opt(8 * 3600).unwrap());
        assert_eq!(
            due(utc, at(), Some("2023-04-20")).as_deref(),
            Some("2023-04-21")
        );
        // A clock set back does not send a day already covered.
        assert_eq!(
            due(t("2023-04-20T09:00:00+08:00"), at(), Some("2023-04-21")),
            None
        );
    }
}
