//! Replies to senders: a receipt (受理回执) when a unit's materials are complete, a notice
//! (材料补正通知) listing every problem otherwise. Pure functions from a verdict to a complete
//! MIME message; sending and storing are the daemon's. Replies are queued in the database with
//! the verdict and delivered afterwards ([`outbox`]).

pub mod authres;
mod body;
pub mod compose;
mod ledger;
mod letterhead;
pub mod mime;
pub mod outbox;
pub mod oversized;
pub mod reminder;
pub mod smtp;

pub use compose::{NoReply, Reply, ReplyContext, ReplyKind, compose, reply_message_id};
pub use letterhead::Letterhead;

#[cfg(test)]
mod tests;
