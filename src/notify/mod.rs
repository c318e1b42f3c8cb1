//! Replies to senders: a receipt (受理回执) when a unit's materials are complete, a notice
//! (材料补正通知) listing every problem otherwise. Pure functions from a verdict to a complete
//! MIME message; sending and storing are the daemon's.

mod body;
pub mod compose;
pub mod mime;

pub use compose::{NoReply, Reply, ReplyContext, ReplyKind, compose, reply_message_id};

#[cfg(test)]
mod tests;
