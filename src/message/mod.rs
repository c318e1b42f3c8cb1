//! Stage 1 — message: from raw RFC 5322 bytes to an [`Email`] with every attachment found at any
//! depth (nested multiparts, forwarded messages, zip archives), each typed from its bytes.
//!
//! Nothing here reads a form; nothing here touches the file system. Names from the mail are kept
//! for display only and never used as paths.

mod archive;
mod auto;
pub mod bounce;
mod collect;
mod depth;
mod metadata;
mod mime;
mod not_mail;
mod params;
mod sniff;
mod tnef;

pub use auto::{Automatic, is_question, own_text};
pub use metadata::is_metadata;
pub use mime::parse_email;
pub use not_mail::{NotMail, not_mail};
pub use sniff::{FileKind, sniff};
pub use tnef::{TnefFile, parse as parse_tnef};

use collect::Collector;

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

/// One email, reduced to what the later stages need.
#[derive(Debug, Clone, Default)]
pub struct Email {
    /// `Message-ID` without angle brackets; used to recognise the same message seen twice.
    pub message_id: Option<String>,
    /// Lower-cased address of `From`: the sender we answer and the key that ties a unit's emails.
    pub from: Option<String>,
    /// Display name of `From`, for the reply's salutation.
    pub from_name: Option<String>,
    /// Lower-cased address of `Reply-To`, which takes precedence over `From` for replies.
    pub reply_to: Option<String>,
    /// Decoded subject, shown to the division.
    pub subject: String,
    /// The `Date:` header; informational only, the deadline uses the arrival time.
    pub date: Option<DateTime<FixedOffset>>,
    /// Plain text of the body (first text part, or HTML stripped), used to tell questions apart.
    pub body_text: String,
    /// Set when the message is automatic mail (RFC 3834 and friends), with the reason.
    pub automatic: Option<Automatic>,
    /// Set when the message answers our own receipt, notice or reminder (reply subject or
    /// `In-Reply-To`/`References` naming one of our Message-IDs), saying how it shows that.
    pub answers_ours: Option<String>,
    /// Every attachment in document order; archive and message containers come before their entries.
    pub attachments: Vec<Attachment>,
    /// Set when the email holds more files than `max_attachments`: the sender is told.
    pub too_many: Option<TooMany>,
}

/// An email over the attachment cap: how many files it holds and how many were read. The
/// files not read are listed with [`FileProblem::Skipped`] (up to a bound, past which they are
/// only counted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TooMany {
    /// Files found at all depths (system metadata such as `__MACOSX/` not counted).
    pub found: usize,
    /// Files read (the cap).
    pub read: usize,
}

/// One file found in the email. A container (zip, attached message) is listed too, followed by
/// its entries.
#[derive(Debug, Clone)]
pub struct Attachment {
    /// Decoded file name as the sender wrote it (for display and as a hint only, never a path).
    pub name: String,
    /// Name of the containing zip or attached message; `None` at the top level.
    pub container: Option<String>,
    /// The file's bytes (empty for a container refused as a bomb).
    pub data: Vec<u8>,
    /// Real type, decided from the bytes, not from the name or the declared MIME type.
    pub kind: FileKind,
    /// Why this file cannot be used, if it cannot (limits, corruption, unsupported format).
    pub problem: Option<FileProblem>,
}

/// Why a file cannot be read, kept typed so a caller can tell a password from damage or a bomb.
/// The text is for people (senders read it in the reply); it serializes as that text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(into = "String")]
pub enum ReadError {
    /// The bytes are not a valid file of the type they claim (truncated zip, broken OLE, …).
    /// The detail (often a library's English) is for the log and the division
    /// ([`ReadError::detail`]), never for the sender: the text says what to do.
    #[error("文件已损坏或不完整，无法打开，请重新导出或扫描后再发送")]
    Corrupt(String),
    /// The file is password-protected (ECMA-376 encryption, encrypted PDF, encrypted zip entry, …).
    #[error("文件已加密，无法读取")]
    Encrypted,
    /// A size, count or expansion limit was hit (bombs land here).
    #[error("文件超出处理限制（{0}）")]
    TooLarge(String),
    /// Not read, for the reason given as it is written (nesting too deep, empty, a refused
    /// archive, a name that does not match the content).
    #[error("{0}")]
    Refused(String),
}

impl ReadError {
    /// What went wrong in the reader's own terms, for the log and the division's views.
    pub fn detail(&self) -> Option<&str> {
        match self {
            ReadError::Corrupt(d) | ReadError::TooLarge(d) | ReadError::Refused(d) => Some(d),
            ReadError::Encrypted => None,
        }
    }
}

impl From<ReadError> for String {
    fn from(e: ReadError) -> String {
        e.to_string()
    }
}

/// Why a file cannot be used. `Unreadable` and `Unsupported` map onto the rule codes
/// `unreadable_attachment` and `unsupported_format`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum FileProblem {
    /// Corrupt, truncated, encrypted, or over a limit (a bomb); its text is for people.
    Unreadable(ReadError),
    /// A format the program does not read (rar, 7z, wps, …); the detail names it.
    Unsupported(String),
    /// Not read because the email holds more files than `max_attachments`; the email as a
    /// whole is reported (`too_many_attachments`), not each file.
    Skipped,
}

/// The hand-written zip central-directory reader alone: a narrow entry for the fuzz target and
/// the never-panic tests, not part of the reading API (the daemon reaches it through
/// [`parse_email`] and [`sniff`]). The entries' names with the byte range each one's local data
/// occupies (`None` when the directory is not readable), then the names from the local headers.
#[doc(hidden)]
pub fn zip_directory(data: &[u8], max: usize) -> ZipDirectory {
    use archive::central;
    let entries = central::entries(data, max).map(|es| {
        es.iter()
            .map(|e| {
                (
                    archive::entry_name(&e.name, e.flags),
                    central::local_range(data, e),
                )
            })
            .collect()
    });
    let local = central::local_names(data, max)
        .iter()
        .map(|n| archive::entry_name(n, 0))
        .collect();
    (entries, local)
}

/// What [`zip_directory`] reads: (name, local byte range) per directory entry, and local names.
pub type ZipDirectory = (Option<Vec<(String, Option<(u64, u64)>)>>, Vec<String>);

/// Caps that keep hostile mail from exhausting memory or time. Exceeding one makes the file
/// concerned `Unreadable`; the rest of the email is still judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Largest raw message accepted, in bytes.
    pub max_message_bytes: usize,
    /// Most attachments (at all depths) listed for one email.
    pub max_attachments: usize,
    /// Deepest MIME / forwarded-message / archive nesting followed.
    pub max_depth: usize,
    /// Most entries read from one archive.
    pub max_archive_entries: usize,
    /// Largest decompressed size of one archive entry.
    pub max_entry_bytes: u64,
    /// Largest decompressed size of one archive in total.
    pub max_archive_bytes: u64,
    /// Largest decompressed/compressed ratio of an archive entry (zip bombs).
    pub max_ratio: u64,
    /// Largest XML part read from an Office file, decompressed.
    pub max_xml_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message_bytes: 64 << 20,
            max_attachments: 200,
            max_depth: 8,
            max_archive_entries: 500,
            max_entry_bytes: 64 << 20,
            max_archive_bytes: 256 << 20,
            max_ratio: 200,
            max_xml_bytes: 32 << 20,
        }
    }
}
