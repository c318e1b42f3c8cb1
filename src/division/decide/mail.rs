//! The mail a decision sends, composed like the daemon's replies: the receipt of a unit
//! accepted by hand (or completed by a decision), the correction notice with the clerk's note,
//! and a clerk's answer to a question. Each is queued through the outbox in the transaction
//! that records the decision.

use crate::config::Config;
use crate::notify::{self, ReplyContext, ReplyKind};
use crate::store::read::MailRef;
use crate::store::{Composed, MailKind, QueuedReply};
use crate::verdict::{Outcome, Unit, Verdict};
use chrono::Local;

/// A mail ready to queue: whom, which, and how to compose it for its row.
pub struct Letter {
    /// Recipient and kind.
    pub queued: QueuedReply,
    /// The message answered.
    pub answers: MailRef,
    /// What the outbox keeps beside it.
    pub json: String,
    /// What is composed.
    body: Body,
}

/// What a letter carries.
enum Body {
    /// A receipt or notice from an outcome.
    Outcome(Box<Outcome>),
    /// The clerk's answer.
    Text(String),
}

/// The outcome a receipt or notice of unit `key` is composed from: its materials' projects,
/// the verdict and problems the decision left, and a note.
pub fn outcome(key: &str, unit: &Unit, verdict: Verdict, note: Option<String>) -> Outcome {
    let m = &unit.materials;
    Outcome {
        verdict,
        unit: Some(unit.name.clone()),
        unit_key: Some(key.to_string()),
        receipt: unit.receipt.clone(),
        ignored_reason: None,
        problems: Vec::new(),
        attachments: Vec::new(),
        summary_rows: m
            .summary
            .as_ref()
            .map(|(_, s)| s.rows.clone())
            .unwrap_or_default(),
        applications: m.projects.iter().map(|p| p.app.clone()).collect(),
        notes: note.into_iter().collect(),
        held: (verdict == Verdict::Accepted).then(|| m.clone()),
    }
}

impl Letter {
    /// A receipt or notice answering `answers`; None when there is nobody to send it to.
    pub fn of_outcome(cfg: &Config, answers: MailRef, outcome: Outcome) -> Option<Letter> {
        let letterhead = cfg.letterhead();
        let ctx = ReplyContext::of(&letterhead, 0, answers.arrival);
        let (to, kind) = notify::addressee(&outcome, &answers.email, &letterhead, &ctx).ok()?;
        Some(Letter {
            queued: QueuedReply {
                recipient: to,
                kind: kind.into(),
                held: None,
            },
            json: serde_json::to_string(&outcome).unwrap_or_default(),
            answers,
            body: Body::Outcome(Box::new(outcome)),
        })
    }

    /// The clerk's answer to `answers`; None when there is nobody to send it to.
    pub fn of_text(cfg: &Config, answers: MailRef, text: &str) -> Option<Letter> {
        let letterhead = cfg.letterhead();
        let ctx = ReplyContext::of(&letterhead, 0, answers.arrival);
        let reply = notify::answer::compose(&answers.email, text, &letterhead, &ctx).ok()?;
        Some(Letter {
            queued: QueuedReply {
                recipient: reply.to,
                kind: MailKind::Answer,
                held: None,
            },
            json: serde_json::json!({ "answer": text }).to_string(),
            answers,
            body: Body::Text(text.to_string()),
        })
    }

    /// The letter composed for outbox row `row`.
    pub fn compose(&self, cfg: &Config, row: i64) -> Option<Composed> {
        let letterhead = cfg.letterhead();
        let ctx = ReplyContext {
            now: Local::now().fixed_offset(),
            ..ReplyContext::of(&letterhead, row, self.answers.arrival)
        };
        let email = &self.answers.email;
        let reply = match &self.body {
            Body::Outcome(o) => notify::compose(o, email, &letterhead, &ctx).ok()?,
            Body::Text(t) => notify::answer::compose(email, t, &letterhead, &ctx).ok()?,
        };
        Some(Composed {
            subject: reply.subject,
            message_id: reply.message_id,
            raw: reply.raw,
        })
    }

    /// Which reply it is, in the division's words.
    pub fn label(&self) -> &'static str {
        match &self.body {
            Body::Outcome(o) if o.verdict == Verdict::Accepted => ReplyKind::Receipt.tag(),
            Body::Outcome(_) => ReplyKind::Notice.tag(),
            Body::Text(_) => ReplyKind::Answer.tag(),
        }
    }
}
