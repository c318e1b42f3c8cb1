//! The states the store itself keeps: where a message came from and what became of it, and
//! the kind and delivery state of each outbox row. Each is stored as its serde name (see [`super::codes`]); the
//! division's words come from `label`.

use serde::{Deserialize, Serialize};

/// What became of a message taken from the mailbox (`messages.state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageState {
    /// Read and judged: a verdict row exists.
    Judged,
    /// Could not be processed at all (see `failure`).
    Failed,
}

impl MessageState {
    /// The state in the division's words.
    pub fn label(self) -> &'static str {
        match self {
            MessageState::Judged => "已判定",
            MessageState::Failed => "无法处理",
        }
    }
}

/// Where a message was found (`messages.source`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// A Maildir folder (the file name is kept).
    #[default]
    Maildir,
    /// An IMAP folder (the folder, UID and UIDVALIDITY are kept).
    Imap,
}

impl SourceKind {
    /// In the division's words.
    pub fn label(self) -> &'static str {
        match self {
            SourceKind::Maildir => "本地邮件目录",
            SourceKind::Imap => "IMAP 邮箱",
        }
    }
}

/// Which mail an outbox row is (`outbox.kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MailKind {
    /// 受理回执: the unit's materials are complete.
    Receipt,
    /// 补正通知: errors to fix.
    Notice,
    /// The email was over the size limit.
    Oversized,
    /// 催报提醒 (`shenbao remind`), answering no message.
    Reminder,
}

/// From its code, as `notify::ReplyKind::as_str` gives it.
impl std::str::FromStr for MailKind {
    type Err = anyhow::Error;

    fn from_str(code: &str) -> anyhow::Result<MailKind> {
        super::codes::decode("outbox", "kind", code)
    }
}

impl MailKind {
    /// The kind in the division's words.
    pub fn label(self) -> &'static str {
        match self {
            MailKind::Receipt => "受理回执",
            MailKind::Notice => "补正通知",
            MailKind::Reminder => "催报提醒",
            MailKind::Oversized => "邮件过大通知",
        }
    }
}

/// Where an outbox row's delivery stands (`outbox.state`): `queued` → `sending` → `sent`,
/// or back to `queued` after a temporary failure, or `failed`; `undelivered` once a delivery
/// report came back; `held` when the sender check failed and the division decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxState {
    /// Waiting to be delivered.
    Queued,
    /// An attempt began and its end is not recorded yet.
    Sending,
    /// Handed to the server.
    Sent,
    /// Refused for good, or out of attempts.
    Failed,
    /// A delivery report said it did not arrive.
    Undelivered,
    /// Not sent: the sender check failed.
    Held,
}

impl OutboxState {
    /// The state in the division's words.
    pub fn label(self) -> &'static str {
        match self {
            OutboxState::Queued => "待发送",
            OutboxState::Sending => "发送中（结果未记录）",
            OutboxState::Sent => "已发送",
            OutboxState::Failed => "发送失败",
            OutboxState::Undelivered => "被退信",
            OutboxState::Held => "已扣留（发件人核验未通过）",
        }
    }

    /// Why a row in this state needs a person, when it does (the status's problems).
    pub fn attention(self) -> Option<&'static str> {
        match self {
            OutboxState::Held => Some("回复已扣留"),
            OutboxState::Failed => Some("回复发送失败"),
            OutboxState::Undelivered => Some("回复被退信"),
            OutboxState::Queued | OutboxState::Sending | OutboxState::Sent => None,
        }
    }
}
