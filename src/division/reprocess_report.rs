//! What `shenbao reprocess` reports: with MESSAGE, that one message (changed or not); with
//! `--all`, every message whose judgement changed. The whole archive is judged again either
//! way (a verdict depends on everything the unit sent before), but that is the means, not
//! what the division asked about: `reprocess '#2' --dry-run` speaks of #2 only.

use super::problems::{self, CodeGroup, Raised};
use super::units;
use crate::config::{Config, OutboxKind};
use crate::store::Archived;
use crate::store::read::Disposition;
use crate::verdict::Outcome;
use serde::Serialize;

/// A message judged again, before and after.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// The message's row.
    pub message: i64,
    /// The unit after reprocessing, by the one name the division knows it by.
    pub unit: Option<String>,
    /// That unit's key, for scripts that select exactly.
    pub unit_key: Option<String>,
    /// Whether the verdict, the receipt or the problem codes differ from the record: false
    /// only for the message asked for, reported either way.
    pub changed: bool,
    /// Verdict before → after (`failed` when it could not be processed).
    pub verdict: (Disposition, Disposition),
    /// Receipt before → after.
    pub receipt: (Option<String>, Option<String>),
    /// Problem codes that appeared, each once.
    pub added: Vec<String>,
    /// Problem codes that went away, each once.
    pub removed: Vec<String>,
    /// The problems it has now, one group per code with its Chinese title.
    pub problems: Vec<CodeGroup>,
}

/// What a reprocess did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// Messages this report is about: 1 with MESSAGE, every message judged with `--all`.
    pub messages: usize,
    /// Archived messages judged again to get there (all of them, in their order).
    pub rejudged: usize,
    /// The message asked for (MESSAGE), changed or not; None with `--all`.
    pub selected: Option<Change>,
    /// Replies delivered right away (the daemon is stopped while reprocessing).
    pub delivered: usize,
    /// Where those went: `file` (the outbox folder) or `smtp` (sent).
    pub outbox: OutboxKind,
    /// Changes among the messages reported.
    pub changes: Vec<Change>,
    /// Reply rows queued (with `--reply`).
    pub replies: Vec<i64>,
    /// Nothing was written.
    pub dry_run: bool,
}

/// Notes message `a` judged again as `now` (None: it could not be processed) in `report`:
/// among the changes when it changed and is reported, as the selection when it is the one
/// asked for. Returns whether its judgement changed at all.
pub(super) fn note(
    report: &mut Report,
    cfg: &Config,
    selected: Option<i64>,
    a: &Archived,
    now: Option<&Outcome>,
) -> bool {
    let old_verdict = a.verdict.map_or(Disposition::Failed, Disposition::of);
    let (verdict, receipt, mut codes, unit) = match now {
        Some(o) => (
            Disposition::of(o.verdict),
            o.receipt.clone(),
            o.problems
                .iter()
                .map(|p| p.code.as_str().to_string())
                .collect(),
            o.unit_key.clone().map(|k| {
                let recorded = o.unit.clone().unwrap_or_else(|| k.clone());
                (units::name_of(cfg, &k, &recorded), k)
            }),
        ),
        None => (
            Disposition::Failed,
            None,
            Vec::new(),
            a.unit_key.clone().map(|k| (units::name_of(cfg, &k, &k), k)),
        ),
    };
    codes.sort();
    let changed = !(verdict == old_verdict && receipt == a.receipt && codes == a.codes);
    let reported = selected.is_none_or(|m| m == a.id);
    if !(reported && changed || selected == Some(a.id)) {
        return changed;
    }
    let once = |v: Vec<&String>| -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for c in v {
            if !out.contains(c) {
                out.push(c.clone());
            }
        }
        out
    };
    let problems = match now {
        Some(o) => problems::group(o.problems.iter().map(|p| Raised {
            code: p.code.as_str(),
            file: p.file.as_deref(),
            field: p.field.as_deref(),
            detail: Some(p.message.as_str()),
        })),
        None => Vec::new(),
    };
    let (unit, unit_key) = unit.map_or((None, None), |(n, k)| (Some(n), Some(k)));
    let change = Change {
        message: a.id,
        unit,
        unit_key,
        changed,
        verdict: (old_verdict, verdict),
        receipt: (a.receipt.clone(), receipt),
        added: once(codes.iter().filter(|c| !a.codes.contains(c)).collect()),
        removed: once(a.codes.iter().filter(|c| !codes.contains(c)).collect()),
        problems,
    };
    if selected == Some(a.id) {
        report.selected = Some(change.clone());
    }
    if reported && changed {
        report.changes.push(change);
    }
    changed
}

/// The report as the division reads it.
pub fn render(r: &Report) -> String {
    let trial = if r.dry_run {
        "（试运行，记录未改动）"
    } else {
        ""
    };
    let mut out = match &r.selected {
        Some(c) => format!("重新处理邮件 #{}{trial}：\n{}", c.message, line(c)),
        None => {
            let mut out = format!(
                "重新处理了 {} 封邮件{trial}，结论有变化的 {} 封：\n",
                r.messages,
                r.changes.len()
            );
            for c in &r.changes {
                out += &line(c);
            }
            out
        }
    };
    if r.replies.is_empty() {
        out += "未发送新的回复（需要时加 --reply）。\n";
    } else {
        out += &format!(
            "已生成 {} 封新回复，本次{}（其余由守护进程投递）。\n",
            r.replies.len(),
            super::delivered_zh(r.outbox, r.delivered)
        );
    }
    out
}

/// One message's line: unit, verdict before → after, receipt, the codes that came and went
/// (each once, under its title), and for a message unchanged what it has now.
fn line(c: &Change) -> String {
    let mut out = format!(
        "  #{} {}：{} → {}",
        c.message,
        c.unit.as_deref().unwrap_or("未归入推荐单位"),
        c.verdict.0.label(),
        c.verdict.1.label()
    );
    if !c.changed {
        out += "（结论未变）";
    }
    if c.receipt.0 != c.receipt.1 {
        let show = |r: &Option<String>| r.clone().unwrap_or_else(|| "无".into());
        out += &format!("，回执 {} → {}", show(&c.receipt.0), show(&c.receipt.1));
    }
    let labels = |codes: &[String]| -> String {
        codes
            .iter()
            .map(|c| problems::label(c))
            .collect::<Vec<_>>()
            .join("、")
    };
    if !c.added.is_empty() {
        out += &format!("，新增问题 {}", labels(&c.added));
    }
    if !c.removed.is_empty() {
        out += &format!("，消除问题 {}", labels(&c.removed));
    }
    if !c.changed && !c.problems.is_empty() {
        out += &format!("；现有问题：{}", problems::joined(&c.problems));
    }
    out + "\n"
}
