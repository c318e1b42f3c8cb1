//! The configuration file (TOML). `config/local.toml` is embedded as the default, so the
//! program runs with no file at all; `config/shenbao.example.toml` documents every key.

mod division;
mod ops;
mod paths;
mod policy;
mod secret;
mod server;
mod web;

pub use division::Division;
pub use ops::Ops;
pub use paths::base_of;
pub use secret::Secret;
pub use server::{ImapServer, PasswordSource, SmtpServer, TlsMode};
pub use web::{ListenProblem, Transport, Web};

use crate::message::Limits;
use crate::notify::Letterhead;
use crate::notify::outbox::Route;
use anyhow::Context;
use chrono::{DateTime, FixedOffset};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The embedded default configuration.
pub const DEFAULT_TOML: &str = include_str!("../../config/local.toml");

/// The whole configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The call being run: deadline, units, thresholds.
    pub campaign: Campaign,
    /// Caps on hostile or oversized input.
    #[serde(default)]
    pub limits: Limits,
    /// Where submissions are read from.
    #[serde(default)]
    pub mailbox: Mailbox,
    /// Where the database and archive live.
    #[serde(default)]
    pub storage: Storage,
    /// How replies leave.
    #[serde(default)]
    pub outbox: Outbox,
    /// Rules for replies.
    #[serde(default)]
    pub replies: Replies,
    /// The SMTP server replies go through when `[outbox] kind = "smtp"`.
    #[serde(default)]
    pub smtp: Option<SmtpServer>,
    /// Health page, metrics and their thresholds (`[ops]`).
    #[serde(default)]
    pub ops: Ops,
    /// The division's web desk (`[web]`).
    #[serde(default)]
    pub web: Web,
    /// What the division itself is sent: the daily digest (`[division]`).
    #[serde(default)]
    pub division: Division,
}

/// Which kind of mailbox is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MailboxKind {
    /// A local Maildir (`new/`, `cur/`, `tmp/`): the embedded default, no server needed.
    #[default]
    Maildir,
    /// An IMAP server (`[mailbox.imap]`).
    Imap,
}

/// The `[mailbox]` section.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mailbox {
    /// Which kind of source.
    #[serde(default)]
    pub kind: MailboxKind,
    /// The Maildir folder (relative to the configuration file's folder).
    #[serde(default = "default_maildir")]
    pub path: PathBuf,
    /// Seconds between two looks at the mailbox when nothing pushes new mail.
    #[serde(default = "default_poll")]
    pub poll_seconds: u64,
    /// The IMAP server, when `kind = "imap"`.
    #[serde(default)]
    pub imap: Option<ImapServer>,
}

impl Default for Mailbox {
    fn default() -> Self {
        Mailbox {
            kind: MailboxKind::Maildir,
            path: default_maildir(),
            poll_seconds: default_poll(),
            imap: None,
        }
    }
}

/// The `[storage]` section.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Storage {
    /// Holds shenbao.db, the raw-message archive, attachment files and the file outbox.
    #[serde(default = "default_data_dir")]
    pub data_dir: PathBuf,
}

impl Default for Storage {
    fn default() -> Self {
        Storage {
            data_dir: default_data_dir(),
        }
    }
}

/// How replies are delivered (also in the division's `--json` reports: `file` or `smtp`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OutboxKind {
    /// Written as files into `data_dir/outbox/`: the embedded default, no server needed.
    #[default]
    File,
    /// Sent through the `[smtp]` server.
    Smtp,
}

/// The `[outbox]` section.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outbox {
    /// Which delivery.
    #[serde(default)]
    pub kind: OutboxKind,
}

/// The `[replies]` section.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Replies {
    /// Most replies to one address in 24 hours; past it mail is recorded but not answered,
    /// so a looping or hostile sender cannot make us send without end.
    #[serde(default = "default_cap")]
    pub per_sender_daily_cap: u32,
    /// The office's name: the display name of replies and their signature.
    #[serde(default = "default_office")]
    pub from_name: String,
    /// Whom units ask, closing every reply, receipt, notice and reminder; the notice's own
    /// contacts by default, and an empty string leaves only "请与我处联系".
    #[serde(default = "default_contact")]
    pub contact: String,
    /// When set, reply only to mail whose `Authentication-Results` from this server shows
    /// DMARC pass (or aligned SPF/DKIM pass); other mail is held for the division, unanswered,
    /// so forged senders get no backscatter.
    #[serde(default)]
    pub trusted_authserv_id: Option<String>,
}

impl Default for Replies {
    fn default() -> Self {
        Replies {
            per_sender_daily_cap: default_cap(),
            from_name: default_office(),
            contact: default_contact(),
            trusted_authserv_id: None,
        }
    }
}

fn default_maildir() -> PathBuf {
    PathBuf::from("data/Maildir")
}
fn default_poll() -> u64 {
    5
}
fn default_data_dir() -> PathBuf {
    PathBuf::from("data")
}
fn default_cap() -> u32 {
    20
}
/// The office that issued the call (the notice is from 天津市市场监督管理委员会).
fn default_office() -> String {
    "天津市市场监督管理委员会质量发展处".into()
}
/// The contacts the notice itself names.
fn default_contact() -> String {
    "联系人：郭丽坤、陈莹，电话：58950677、27182137".into()
}

/// What to do with materials that arrive after the deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LatePolicy {
    /// Accept them with the warning `late_submission`; the division decides.
    Warn,
    /// Reject them: `late_submission` becomes an error.
    Reject,
}

/// The call for projects.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Campaign {
    /// Name used in replies and exports, e.g. 2023年天津市质量攻关项目.
    pub name: String,
    /// The call's document as replies cite it, e.g.
    /// `《关于开展2023年天津市质量攻关项目申报工作的通知》（津市场监管质发〔2023〕2号）`.
    #[serde(default)]
    pub notice: Option<String>,
    /// Our own address: mail from it is never answered.
    #[serde(default)]
    pub mailbox: String,
    /// Deadline with its time zone (RFC 3339); arrival after it is late.
    #[serde(deserialize_with = "deadline")]
    pub deadline: DateTime<FixedOffset>,
    /// `warn` (default) or `reject`.
    #[serde(default = "default_late")]
    pub late_policy: LatePolicy,
    /// Character-bigram Dice score at or above which two project titles count as the same.
    #[serde(default = "default_threshold")]
    pub similarity_threshold: f64,
    /// Prefix of receipt numbers, e.g. `ZLGG2023-`.
    #[serde(default = "default_prefix")]
    pub receipt_prefix: String,
    /// The recommending units expected to submit, with the addresses they write from.
    #[serde(default)]
    pub units: Vec<ExpectedUnit>,
}

/// A recommending unit the division expects to hear from.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedUnit {
    /// The unit's name as the division writes it.
    pub name: String,
    /// Other ways units write their name (天津市河西区市场监督管理局 for 河西区市场监管局).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Addresses the unit sends from.
    #[serde(default)]
    pub addresses: Vec<String>,
}

fn default_late() -> LatePolicy {
    LatePolicy::Warn
}
fn default_threshold() -> f64 {
    0.7
}
fn default_prefix() -> String {
    "ZLGG2023-".into()
}

fn deadline<'de, D: serde::Deserializer<'de>>(d: D) -> Result<DateTime<FixedOffset>, D::Error> {
    let s = String::deserialize(d)?;
    DateTime::parse_from_rfc3339(&s).map_err(|e| {
        serde::de::Error::custom(format!(
            "deadline “{s}” must be RFC 3339 with a time zone, e.g. 2023-04-28T23:59:59+08:00 ({e})"
        ))
    })
}

/// A TOML error as "at line L, column C: what", then the line with its value left out: toml's
/// own text quotes the line whole, and `password = "…"` put where it does not belong (an
/// unknown key) would print the password into the journal.
fn parse_error(text: &str, e: &toml::de::Error) -> String {
    let what = e.message().trim_end();
    let Some(span) = e.span() else {
        return format!("TOML parse error: {what}");
    };
    let start = span.start.min(text.len());
    let before = text.get(..start).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    let source = text.lines().nth(line - 1).unwrap_or("").trim();
    let shown = match source.split_once('=') {
        Some((key, _)) => format!("{} = …", key.trim_end()),
        None => source.to_string(),
    };
    format!("TOML parse error at line {line}, column {column}: {what}\n  | {shown}")
}

impl Config {
    /// Who writes the replies and about which call, for the notify stage.
    pub fn letterhead(&self) -> Letterhead {
        Letterhead {
            campaign: self.campaign.name.clone(),
            mailbox: self.campaign.mailbox.clone(),
            office: self.replies.from_name.clone(),
            deadline: self.campaign.deadline,
            contact: self.replies.contact.clone(),
            notice: self.campaign.notice.clone(),
        }
    }

    /// Where replies go: files, or the `[smtp]` server (its password read now), with copies
    /// to the campaign mailbox when that mailbox is read over IMAP and `sent_copy` is on.
    pub fn route(&self) -> anyhow::Result<Route> {
        match self.outbox.kind {
            OutboxKind::File => Ok(Route::File),
            OutboxKind::Smtp => {
                let smtp = self.smtp.as_ref().ok_or_else(|| {
                    anyhow::anyhow!("[outbox] kind = \"smtp\" needs an [smtp] section")
                })?;
                let copies = smtp.sent_copy && self.mailbox.kind == MailboxKind::Imap;
                Ok(Route::Smtp {
                    server: smtp.settings()?,
                    copy_to: copies.then(|| self.campaign.mailbox.clone()),
                })
            }
        }
    }

    /// Parses a configuration text; errors point at the line.
    pub fn parse(text: &str) -> anyhow::Result<Config> {
        let cfg: Config =
            // Rewritten on purpose (not `.context`): toml's own text would quote a misplaced secret.
            toml::from_str(text).map_err(|e| anyhow::anyhow!(parse_error(text, &e)))?;
        if !(0.0..=1.0).contains(&cfg.campaign.similarity_threshold) {
            anyhow::bail!("campaign.similarity_threshold must be between 0 and 1");
        }
        Ok(cfg)
    }

    /// Loads the file, or the embedded default when no file is given. A file's relative paths
    /// start at its folder; the default's at the working directory.
    pub fn load(path: Option<&Path>) -> anyhow::Result<Config> {
        match path {
            None => Config::parse(DEFAULT_TOML),
            Some(p) => {
                let text = std::fs::read_to_string(p)
                    .with_context(|| format!("cannot read config {}", p.display()))?;
                let mut cfg =
                    Config::parse(&text).with_context(|| format!("config {}", p.display()))?;
                cfg.anchor(&base_of(p));
                Ok(cfg)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_default_parses() {
        let c = Config::load(None).unwrap();
        assert_eq!(c.campaign.late_policy, LatePolicy::Warn);
        assert_eq!(c.limits.max_attachments, 200);
        assert_eq!(c.mailbox.kind, MailboxKind::Maildir);
        assert_eq!(c.mailbox.path, PathBuf::from("data/Maildir"));
        assert_eq!(c.storage.data_dir, PathBuf::from("data"));
        assert_eq!(c.outbox.kind, OutboxKind::File);
        assert_eq!(c.replies.per_sender_daily_cap, 20);
        // Replies speak for the office that issued the call, with the notice's contacts.
        assert_eq!(c.replies.from_name, "天津市市场监督管理委员会质量发展处");
        assert_eq!(c.replies.from_name, Replies::default().from_name);
        assert!(c.replies.contact.contains("郭丽坤、陈莹"));
        assert_eq!(c.replies.contact, Replies::default().contact);
        assert!(
            c.letterhead()
                .notice
                .is_some_and(|n| n.contains("津市场监管质发〔2023〕2号"))
        );
        assert_eq!(c.ops.listen, None);
        assert_eq!(c.ops.mailbox_stale_seconds, 900);
    }

    #[test]
    fn deadline_without_zone_and_unknown_keys_are_refused() {
        let e =
            Config::parse("[campaign]\nname='x'\ndeadline='2023-04-28T23:59:59'\n").unwrap_err();
        assert!(e.to_string().contains("time zone"), "{e}");
        let e =
            Config::parse("[campaign]\nname='x'\ndeadline='2023-04-28T23:59:59+08:00'\ncolour=1\n")
                .unwrap_err();
        assert!(e.to_string().contains("colour"), "{e}");
    }

    #[test]
    fn documented_example_parses() {
        let c = Config::parse(include_str!("../../config/shenbao.example.toml")).unwrap();
        assert_eq!(c.campaign.units.len(), 1);
    }
}
