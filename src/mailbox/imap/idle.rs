//! One IMAP IDLE (RFC 2177) with the daemon's ticks running inside it, so periodic work
//! (watchdog, gauges, due retries) does not cost a DONE/IDLE round trip every few seconds.

use super::connect::{ImapSession, timed};
use crate::telemetry::Telemetry;
use anyhow::Context;
use std::time::Duration;

/// How long one IDLE lasts before it is re-armed (RFC 2177 asks for under 29 min; Office 365
/// drops a quiet IDLE silently, so a re-arm with NOOP also proves the connection alive).
const REARM: Duration = Duration::from_secs(25 * 60);

/// What runs during an IDLE besides waiting.
pub(super) struct Ticks<'a> {
    /// How often.
    pub(super) every: Duration,
    /// Told at each tick that the session is alive.
    pub(super) telemetry: &'a Telemetry,
}

/// One IDLE: until the server reports something, the re-arm time, `most`, shutdown or a
/// wake-up; then
/// DONE. Ticks run inside it, so the daemon's periodic work does not cost an IDLE re-arm.
pub(super) async fn idle(
    session: ImapSession,
    limit: Duration,
    most: Duration,
    stop: crate::mailbox::Interrupt<'_>,
    ticks: Ticks<'_>,
    on_tick: &mut impl AsyncFnMut(),
) -> anyhow::Result<ImapSession> {
    let crate::mailbox::Interrupt { shutdown, wake } = stop;
    let mut h = session.idle();
    timed(limit, "IDLE", h.init()).await?;
    ticks.telemetry.mailbox_contact();
    let rearm = {
        let (fut, _stop) = h.wait_with_timeout(REARM);
        let mut fut = std::pin::pin!(fut);
        let deadline = tokio::time::sleep(REARM);
        let mut deadline = std::pin::pin!(deadline);
        let due = tokio::time::sleep(most.min(REARM));
        let mut due = std::pin::pin!(due);
        loop {
            tokio::select! {
                r = &mut fut => {
                    let r = r.context("IMAP IDLE 失败")?;
                    break matches!(r, async_imap::extensions::idle::IdleResponse::Timeout);
                }
                _ = &mut deadline => break true,
                // A retry is due: the round that follows lists the folder anyway.
                _ = &mut due => break false,
                _ = shutdown.wait() => break false,
                // A decision waits: the round that follows applies it.
                _ = wake.notified() => break false,
                _ = tokio::time::sleep(ticks.every) => {
                    ticks.telemetry.mailbox_contact();
                    on_tick().await;
                }
            }
        }
    };
    let mut s = timed(limit, "DONE", h.done()).await?;
    if rearm {
        // A quiet IDLE may be a dead one: prove the connection alive before trusting it.
        timed(limit, "NOOP", s.noop()).await?;
    }
    ticks.telemetry.mailbox_contact();
    // Whatever the IDLE reported, the round that follows lists the whole folder.
    while s.unsolicited_responses.try_recv().is_ok() {}
    Ok(s)
}
