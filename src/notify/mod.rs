//! Stage 7 — notify: what the units are told, and getting it to them.
//!
//! - Composing (pure: a verdict and the email it answers → a complete MIME message): the
//!   receipt (受理回执) or the notice listing each problem (材料补正通知) (`compose.rs`, text and
//!   HTML in `body.rs`, RFC 2047/3834 headers in `mime.rs`), the notice for mail too large to
//!   take (`oversized.rs`), the deadline reminder (`reminder.rs`) and the division's daily
//!   digest (`digest.rs`); who writes and about which call comes from the [`Letterhead`]. Who
//!   gets no reply (automatic mail, our own address, forged senders per `authres.rs`) is
//!   decided here too.
//! - Delivering the replies the store has queued (`outbox.rs`): into files or through SMTP
//!   (`smtp.rs`, with its backoff), each attempt recorded before the hand-over and what could
//!   not be recorded remembered (`ledger.rs`), so nothing is sent twice or lost.

pub mod answer;
pub mod authres;
mod body;
pub mod compose;
pub mod digest;
mod held;
mod ledger;
mod letterhead;
pub mod mime;
pub mod outbox;
pub mod oversized;
pub mod reminder;
pub mod smtp;

pub use compose::{NoReply, Reply, ReplyContext, ReplyKind, addressee, compose, reply_message_id};
pub use letterhead::Letterhead;

#[cfg(test)]
mod tests;
