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
    /// 人工答复: a clerk's answer to a question (`decide answer`).
    Answer,
    /// 每日汇总: the division's own daily digest (`[division] digest_to`), to no unit.
    Digest,
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
            MailKind::Answer => "人工答复",
            MailKind::Digest => "每日汇总",
        }
    }
}

/// Where an outbox row's delivery stands (`outbox.state`): `queued` → `sending` → `sent`
/// (handed to the SMTP server) or `written` (into the file outbox), or back to `queued` after
/// a temporary failure, or `failed`; `undelivered` once a delivery report came back; `held`
/// when the sender check failed and the division decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxState {
    /// Waiting to be delivered.
    Queued,
    /// An attempt began and its end is not recorded yet.
    Sending,
    /// Handed to the SMTP server.
    Sent,
    /// Written into the file outbox (`[outbox] kind = "file"`): nobody has been mailed yet,
    /// so the division must not read it as 已发送.
    Written,
    /// Refused for good, or out of attempts.
    Failed,
    /// A delivery report said it did not arrive.
    Undelivered,
    /// Not sent: the sender check failed.
    Held,
    /// Not sent: a held reply the division dropped (`decide reply drop`).
    Dropped,
}

impl OutboxState {
    /// The state in the division's words.
    pub fn label(self) -> &'static str {
        match self {
            OutboxState::Queued => "待发送",
            OutboxState::Sending => "发送中（结果未记录）",
            OutboxState::Sent => "已发送",
            OutboxState::Written => "已写入发件目录",
            OutboxState::Failed => "发送失败",
            OutboxState::Undelivered => "被退信",
            OutboxState::Held => "已扣留（发件人核验未通过）",
            OutboxState::Dropped => "已撤销（未发送）",
        }
    }

    /// Why a row in this state needs a person, when it does (the status's problems).
    pub fn attention(self) -> Option<&'static str> {
        match self {
            OutboxState::Held => Some("回复已扣留"),
            OutboxState::Failed => Some("回复发送失败"),
            OutboxState::Undelivered => Some("回复被退信"),
            OutboxState::Queued
            | OutboxState::Sending
            | OutboxState::Sent
            | OutboxState::Written
            | OutboxState::Dropped => None,
        }
    }
}

/// What a decision of the division does (`decisions.kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    /// 人工受理: accept a unit despite open problems; a receipt goes out.
    Accept,
    /// 公章已核: a stamped file's seal confirmed by eye.
    ConfirmSeal,
    /// 归入单位: a sender address's mail filed under a named unit.
    AssignSender,
    /// 要求补正: a notice with the clerk's note and the open problems.
    RequestCorrection,
    /// 答复问题: the clerk's text sent as a reply to a message.
    Answer,
    /// 已另行答复: a question marked answered by other means.
    MarkAnswered,
    /// 重新发送: a reply queued again.
    Resend,
    /// 放行: a held reply released.
    Release,
    /// 撤销: a held reply dropped.
    Drop,
    /// 催报提醒: a reminder to one unit.
    Remind,
}

impl DecisionKind {
    /// The kind in the division's words.
    pub fn label(self) -> &'static str {
        match self {
            DecisionKind::Accept => "人工受理",
            DecisionKind::ConfirmSeal => "公章已核",
            DecisionKind::AssignSender => "归入单位",
            DecisionKind::RequestCorrection => "要求补正",
            DecisionKind::Answer => "答复问题",
            DecisionKind::MarkAnswered => "已另行答复",
            DecisionKind::Resend => "重新发送回复",
            DecisionKind::Release => "放行扣留的回复",
            DecisionKind::Drop => "撤销扣留的回复",
            DecisionKind::Remind => "催报提醒",
        }
    }
}

/// Where a decision stands (`decisions.state`): `pending` until the process holding the
/// judge applies it or refuses it, once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionState {
    /// Recorded, not yet applied.
    Pending,
    /// Applied; `result` says what happened.
    Applied,
    /// Not applied; `result` says why.
    Refused,
}

impl DecisionState {
    /// The state in the division's words.
    pub fn label(self) -> &'static str {
        match self {
            DecisionState::Pending => "待执行",
            DecisionState::Applied => "已执行",
            DecisionState::Refused => "未执行",
        }
    }
}
