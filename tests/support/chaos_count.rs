//! Counting what the fault-injection run (tests/chaos.rs) left behind: the record (SQLite, only
//! read), the division's folders and every sender's own mailbox, read over IMAP.
#![allow(dead_code)]

use crate::chaos_mail::{Kind, Mail};
use crate::mailstack::MailStack;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The figures issue 14 asks for, and what explains them.
#[derive(Debug, Default)]
pub struct Figures {
    pub appended: usize,
    pub human: usize,
    pub questions: usize,
    pub automatic: usize,
    /// Appended but neither recorded nor moved to the failed folder.
    pub lost: Vec<String>,
    /// Of the lost, still sitting in INBOX.
    pub lost_in_inbox: usize,
    /// Message-IDs with more than one row in `messages` (extra rows counted).
    pub recorded_twice: usize,
    /// Moved to the failed folder.
    pub failed_folder: usize,
    /// Human submissions whose sender got no reply.
    pub without_reply: Vec<String>,
    /// Replies past the first for the same answered message.
    pub duplicate_replies: usize,
    /// Of those, copies carrying the same reply Message-ID.
    pub duplicate_same_id: usize,
    /// Replies received for automatic mail, by variant.
    pub auto_replies: BTreeMap<&'static str, usize>,
    /// Replies received for questions (staff answer those; informational).
    pub question_replies: usize,
    /// Replies received that answer none of the appended messages.
    pub stray_replies: usize,
    /// Outbox rows by state.
    pub outbox: BTreeMap<String, i64>,
    /// `.tmp-*` files left in the data directory.
    pub temp_files: usize,
    /// `PRAGMA integrity_check`.
    pub integrity: String,
}

impl Figures {
    /// Duplicate replies as a percentage of human submissions.
    pub fn duplicate_rate(&self) -> f64 {
        if self.human == 0 {
            return 0.0;
        }
        100.0 * self.duplicate_replies as f64 / self.human as f64
    }

    pub fn replies_to_automatic(&self) -> usize {
        self.auto_replies.values().sum()
    }
}

/// The value of a top-level header (first occurrence, unfolded), angle brackets trimmed.
pub fn header(raw: &[u8], name: &str) -> Option<String> {
    let text = String::from_utf8_lossy(raw);
    let head = text.split("\r\n\r\n").next().unwrap_or_default();
    let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
    let prefix = format!("{}:", name.to_ascii_lowercase());
    unfolded
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with(&prefix))
        .map(|l| {
            l[prefix.len()..]
                .trim()
                .trim_matches(|c| c == '<' || c == '>')
                .to_string()
        })
}

async fn pool(db: &Path) -> sqlx::Result<SqlitePool> {
    let opts = SqliteConnectOptions::new().filename(db);
    SqlitePool::connect_with(opts).await
}

/// Replies still queued in the record (0 when it cannot be read).
pub async fn queued(db: &Path) -> i64 {
    let Ok(p) = pool(db).await else { return 0 };
    let n: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM outbox WHERE state = 'queued'")
        .fetch_one(&p)
        .await
        .unwrap_or((0,));
    p.close().await;
    n.0
}

/// Files whose name starts with `.tmp-` anywhere under `dir`.
fn temp_files(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| {
            let p = e.path();
            if p.is_dir() {
                temp_files(&p)
            } else {
                usize::from(e.file_name().to_string_lossy().starts_with(".tmp-"))
            }
        })
        .sum()
}

/// Counts everything once the daemon has stopped and the mail server's queue has drained.
pub fn count(stack: &MailStack, division: &str, data: &Path, sent: &[Mail]) -> Figures {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (rows, outbox, integrity) = rt.block_on(async {
        let p = pool(&data.join("shenbao.db")).await.expect("the record");
        let rows: Vec<(Option<String>,)> = sqlx::query_as("SELECT message_id FROM messages")
            .fetch_all(&p)
            .await
            .expect("messages");
        let outbox: Vec<(String, i64)> =
            sqlx::query_as("SELECT state, COUNT(*) FROM outbox GROUP BY state")
                .fetch_all(&p)
                .await
                .expect("outbox");
        let (integrity,): (String,) = sqlx::query_as("PRAGMA integrity_check")
            .fetch_one(&p)
            .await
            .expect("integrity_check");
        p.close().await;
        (rows, outbox, integrity)
    });
    let mut recorded: BTreeMap<String, usize> = BTreeMap::new();
    for (id,) in rows {
        *recorded.entry(id.unwrap_or_default()).or_default() += 1;
    }
    let ids_in = |folder: &str| -> BTreeSet<String> {
        stack
            .messages(division, folder)
            .unwrap_or_default()
            .iter()
            .filter_map(|r| header(r, "Message-ID"))
            .collect()
    };
    let failed = ids_in("处理失败");
    let inbox = ids_in("INBOX");

    // Every reply in every sender's mailbox, by the message it answers.
    let mut senders: Vec<&str> = sent.iter().map(|m| m.sender.as_str()).collect();
    senders.sort();
    senders.dedup();
    let mut answers: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for s in senders {
        for raw in stack.messages(s, "INBOX").unwrap_or_default() {
            let answered = header(&raw, "In-Reply-To").unwrap_or_default();
            let id = header(&raw, "Message-ID").unwrap_or_default();
            answers.entry(answered).or_default().push(id);
        }
    }

    let mut f = Figures {
        appended: sent.len(),
        failed_folder: failed.len(),
        outbox: outbox.into_iter().collect(),
        temp_files: temp_files(data),
        integrity,
        ..Figures::default()
    };
    for m in sent {
        match m.kind {
            Kind::Complete | Kind::Incomplete => f.human += 1,
            Kind::Question => f.questions += 1,
            Kind::Automatic => f.automatic += 1,
        }
        let times = recorded.get(&m.message_id).copied().unwrap_or(0);
        f.recorded_twice += times.saturating_sub(1);
        if times == 0 && !failed.contains(&m.message_id) {
            f.lost.push(format!("{} ({})", m.message_id, m.variant));
            f.lost_in_inbox += usize::from(inbox.contains(&m.message_id));
        }
        let replies = answers.remove(&m.message_id).unwrap_or_default();
        match m.kind {
            Kind::Automatic if !replies.is_empty() => {
                *f.auto_replies.entry(m.variant).or_default() += replies.len();
            }
            Kind::Question => f.question_replies += replies.len(),
            k if k.wants_reply() && replies.is_empty() => {
                f.without_reply
                    .push(format!("{} ({})", m.message_id, m.variant));
            }
            _ => {}
        }
        if m.kind != Kind::Automatic && replies.len() > 1 {
            f.duplicate_replies += replies.len() - 1;
            let distinct: BTreeSet<&String> = replies.iter().collect();
            f.duplicate_same_id += replies.len() - distinct.len();
        }
    }
    f.stray_replies = answers.values().map(Vec::len).sum();
    f
}
