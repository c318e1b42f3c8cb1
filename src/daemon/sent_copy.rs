//! Copies of our own replies that come back into the mailbox (IMAP servers that file what we
//! send, or a campaign mailbox among the recipients): each proves a delivery, and none is
//! judged as a submission.

use super::{Daemon, Stats};
use crate::mailbox::Waiting;
use crate::notify;
use crate::store::OutboxState;

impl Daemon {
    /// The outbox row whose copy `raw` is: a message from our address with one of our reply
    /// Message-IDs that carries that reply's very body (so no sender can pass for one).
    pub(super) async fn own_copy(&self, raw: &[u8]) -> anyhow::Result<Option<i64>> {
        let campaign = &self.cfg.campaign;
        let domain = campaign
            .mailbox
            .rsplit_once('@')
            .map(|(_, d)| d)
            .unwrap_or("");
        let Some(head) = mail_parser::MessageParser::default().parse_headers(raw) else {
            return Ok(None);
        };
        let Some(row) = head
            .message_id()
            .and_then(|id| notify::compose::reply_row(id, domain))
        else {
            return Ok(None);
        };
        let ours = head
            .from()
            .and_then(|a| a.first())
            .and_then(|a| a.address())
            .is_some_and(|a| a.eq_ignore_ascii_case(&campaign.mailbox));
        let Some((_, sent)) = self.store.reply_sent_as(row).await? else {
            return Ok(None);
        };
        let body = |m: &[u8]| -> Vec<u8> {
            let start = m
                .windows(4)
                .position(|x| x == b"\r\n\r\n")
                .map_or(m.len(), |i| i + 4);
            let mut b = m.get(start..).unwrap_or_default().to_vec();
            while b.last().is_some_and(|c| matches!(c, b'\r' | b'\n')) {
                b.pop();
            }
            b
        };
        let (mine, copy) = (body(&sent), body(raw));
        Ok((ours && !mine.is_empty() && copy.ends_with(&mine)).then_some(row))
    }

    /// Files the copy of reply `row`: its delivery is recorded when a crash left it
    /// `sending`, and the copy goes to the sent folder, not into the record.
    pub(super) async fn file_copy(&mut self, w: &Waiting, row: i64) -> anyhow::Result<Stats> {
        if self
            .store
            .reply_sent_as(row)
            .await?
            .is_some_and(|(state, _)| state == OutboxState::Sending)
        {
            self.store.mark_sent(row).await?;
            tracing::info!(
                reply = row,
                "delivery of an interrupted reply confirmed by its copy"
            );
        }
        self.source.file_sent_copy(w).await?;
        Ok(Stats {
            copies: 1,
            ..Stats::default()
        })
    }
}
