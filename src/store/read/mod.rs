//! The read model: what the division's commands (`status`, `list`, `show`, `export`,
//! `remind`) and the web desk read from the record, as typed rows. One file per concept:
//!
//! - [`units`]: a unit's overview row (its current materials, receipt, open errors, addresses).
//! - [`messages`]: a message row (what became of it, its unit, its replies).
//! - [`replies`]: outbox rows (a unit's replies, the ones that need a person, the backlog).
//! - [`files`]: a unit's files, the current file in each slot, and which replaced which.
//! - [`attachments`]: one message's files and their archived bytes (the desk's downloads).
//! - [`mail`]: what a decision needs of the mail it concerns (headers, a file's place).
//! - [`counts`]: how many rows the record holds, for checks and figures.

pub mod attachments;
pub mod counts;
pub mod files;
pub mod mail;
pub mod messages;
pub mod replies;
pub mod units;

pub use attachments::AttachmentRow;
pub use counts::RecordCounts;
pub use files::{CurrentFile, FileRow, HistoryRow};
pub use mail::{FilePlace, MailRef};
pub use messages::{Disposition, MessageRow};
pub use replies::{Backlog, ReplyRow};
pub use units::{OpenProblem, UnitRow};
