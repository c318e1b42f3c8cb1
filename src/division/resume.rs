//! The judge at start-up: its state loaded from the record, where each recorded message left
//! it. Only when the record holds no state it can trust (a record from before the state was
//! stored, a state in another format, one that does not reach the last judged message) is
//! every archived message judged again, in the order it was recorded and with its recorded
//! arrival time, with the division's decisions replayed where they were taken; the result is
//! stored, so this happens once. `reprocess` always judges again.

use crate::config::Config;
use crate::pipeline;
use crate::store::{Store, StoredJudge};
use crate::verdict::Judge;
use std::time::Instant;

/// The judge with its state as the last run left it.
pub async fn judge(store: &Store, cfg: &Config) -> anyhow::Result<Judge> {
    let started = Instant::now();
    let mut judge = Judge::new((&cfg.campaign).into(), store.history().await?);
    judge.seed_receipts(store.issued_receipts().await?);
    match store.judge_state().await? {
        StoredJudge::Loaded(state) => {
            judge.resume(state);
            tracing::info!(
                units = judge.state().units.len(),
                ms = millis(started),
                "judge state loaded from the record"
            );
        }
        StoredJudge::Rebuild(why) => {
            tracing::info!("judging the archive again to rebuild the judge state: {why}");
            let n = replay(store, &mut judge, cfg).await?;
            store.save_judge_state(judge.state()).await?;
            tracing::info!(
                messages = n,
                ms = millis(started),
                "judge state rebuilt from the archive and stored"
            );
        }
    }
    Ok(judge)
}

fn millis(since: Instant) -> u64 {
    u64::try_from(since.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// Rebuilds the judge's state by judging every recorded message again, in order; returns how
/// many were judged. A replay that disagrees with a recorded verdict is logged.
pub async fn replay(store: &Store, judge: &mut Judge, cfg: &Config) -> anyhow::Result<usize> {
    let judged = store.judged().await?;
    let mut decisions = super::decide::replay::Replay::load(store).await?;
    for m in &judged {
        decisions.until(judge, Some(m.id));
        let raw = match std::fs::read(store.data_dir().join(&m.raw_path)) {
            Ok(r) => r,
            Err(e) => {
                tracing::error!(
                    message = m.id,
                    "archived message missing ({e}); state may differ"
                );
                continue;
            }
        };
        match pipeline::process_guarded(judge, &raw, m.arrival, &cfg.limits) {
            Ok(j) => {
                let o = j.outcome;
                if o.verdict != m.verdict || o.receipt != m.receipt {
                    tracing::warn!(
                        message = m.id,
                        "replay gives {:?} {:?}, recorded {:?} {:?}",
                        o.verdict,
                        o.receipt,
                        m.verdict,
                        m.receipt
                    );
                }
            }
            Err(_) => tracing::error!(message = m.id, "replay failed; state may differ"),
        }
    }
    decisions.until(judge, None);
    Ok(judged.len())
}
