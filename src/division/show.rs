//! `shenbao show RECEIPT|UNIT|#MESSAGE`: everything about one unit's submission — its emails
//! in order, the files in each with form and version, the forms read, the problems that still
//! stand, the replies, and which file replaced which.

use super::list::{self, Entry, Filter};
use super::units::{self, UnitView};
use super::{emit, local_time, reply_zh, with_reading};
use crate::config::Config;
use crate::forms::{FormKind, Version};
use crate::store::Store;
use serde::Serialize;
use std::path::Path;
use std::process::ExitCode;

pub use crate::store::read::{FileRow, HistoryRow, ReplyRow};

/// Everything about one unit.
#[derive(Debug, Clone, Serialize)]
pub struct Shown {
    /// The unit and its standing.
    pub unit: UnitView,
    /// Its current materials (forms read and the files that count).
    pub materials: crate::verdict::materials::Materials,
    /// Its emails in order.
    pub emails: Vec<Entry>,
    /// The files of those emails.
    pub files: Vec<FileRow>,
    /// Replies and reminders.
    pub replies: Vec<ReplyRow>,
    /// Which file counted for which slot, and what replaced it.
    pub history: Vec<HistoryRow>,
}

/// Loads what `show` prints for `what`: a receipt number, a unit name, or `#id` of a message
/// (its unit).
pub async fn load(store: &Store, cfg: &Config, what: &str) -> anyhow::Result<Shown> {
    let all = units::load(store, cfg).await?;
    let by_message = match what.trim().trim_start_matches('#').parse::<i64>() {
        Ok(id) => match store.unit_of_message(id).await? {
            Some(Some(key)) => Some(key),
            Some(None) => {
                anyhow::bail!("邮件 #{id} 未归入任何推荐单位（用 shenbao list 查看）")
            }
            None => None,
        },
        Err(_) => None,
    };
    let unit = match &by_message {
        Some(key) => all.iter().find(|u| &u.key == key),
        None => units::find(&all, what),
    };
    let Some(unit) = unit.cloned() else {
        let several = units::candidates(&all, what);
        if !several.is_empty() {
            let names: Vec<&str> = several.iter().map(|u| u.name.as_str()).collect();
            anyhow::bail!(
                "“{what}”可能是以下 {} 个单位之一：{}。请写出完整名称或回执编号",
                names.len(),
                names.join("、")
            );
        }
        anyhow::bail!("找不到“{what}”：请写回执编号、推荐单位名称或邮件编号（#编号）");
    };
    of_unit(store, cfg, unit).await
}

/// Everything about `unit` (its emails, files, replies and material history).
pub async fn of_unit(store: &Store, cfg: &Config, unit: UnitView) -> anyhow::Result<Shown> {
    let emails: Vec<Entry> = list::load(store, cfg, &Filter::default())
        .await?
        .into_iter()
        .filter(|e| e.unit_key.as_deref() == Some(unit.key.as_str()))
        .collect();
    let (files, replies, history) = match unit.id {
        Some(id) => (
            store.files_of_unit(id).await?,
            store.replies_of_unit(id, &unit.key).await?,
            store.material_history(id).await?,
        ),
        // An expected unit that sent nothing: only reminders can concern it.
        None => (
            Vec::new(),
            store.replies_of_unit(-1, &unit.key).await?,
            Vec::new(),
        ),
    };
    Ok(Shown {
        materials: unit.materials.clone(),
        unit,
        emails,
        files,
        replies,
        history,
    })
}

/// `shenbao show WHAT [--json]`.
pub fn command(config: Option<&Path>, what: &str, json: bool) -> anyhow::Result<ExitCode> {
    with_reading(config, |cfg, store| async move {
        let shown = load(&store, &cfg, what).await?;
        emit(&shown, json, |v| render(v, &cfg))
    })
}

/// What `show` prints.
pub fn render(s: &Shown, cfg: &Config) -> String {
    let u = &s.unit;
    let mut out = format!("{}：{}", u.name, u.standing.zh());
    if let Some(r) = &u.receipt {
        out += &format!("  回执编号：{r}");
    }
    out += &format!("\n联系邮箱：{}\n", or_none(&u.addresses.join("、")));
    out += &format!("\n邮件（{} 封）：\n", s.emails.len());
    for e in &s.emails {
        out += &format!(
            "  #{} {} {} “{}” → {}{}\n",
            e.id,
            local_time(&e.arrival, cfg),
            e.sender.as_deref().unwrap_or(""),
            e.subject,
            e.verdict.label(),
            e.receipt
                .as_deref()
                .map(|r| format!("（{r}）"))
                .unwrap_or_default()
        );
        for f in s.files.iter().filter(|f| f.message == e.id) {
            let inside = f.container.as_deref().map(|c| format!("（在 {c} 中）"));
            out += &format!(
                "      {}{} — {}\n",
                f.name,
                inside.unwrap_or_default(),
                form_zh(f.form, f.version)
            );
        }
    }
    out += &super::show_materials::render(&s.materials, *cfg.campaign.deadline.offset());
    out += &format!("\n尚待解决的问题（{} 项）：\n", u.missing.len());
    for (what, groups) in [("材料不全", &u.lacking), ("需补正", &u.to_correct)] {
        if groups.is_empty() {
            continue;
        }
        out += &format!("  {what}：\n");
        for g in groups {
            out += &format!("    {}\n", g.line());
            for d in &g.details {
                out += &format!("      · {d}\n");
            }
        }
    }
    out += &format!("\n回复（{} 封）：\n", s.replies.len());
    for r in &s.replies {
        out += &format!(
            "  {} {} → {} “{}”\n",
            local_time(&r.created_at, cfg),
            reply_zh(r.kind, r.state),
            r.recipient,
            r.subject.as_deref().unwrap_or("")
        );
    }
    out += "\n版本记录：\n";
    for h in &s.history {
        let state = match (h.current, h.ended_by) {
            (true, _) => "现行".to_string(),
            (false, Some(m)) => format!("已被 #{m} 替换"),
            (false, None) => "已失效".to_string(),
        };
        out += &format!(
            "  {} {}（来自 #{}，{state}）\n",
            slot_zh(&h.slot),
            h.file,
            h.message
        );
    }
    out
}

fn or_none(s: &str) -> &str {
    if s.is_empty() { "无" } else { s }
}

/// A form/version pair in the division's words.
pub fn form_zh(form: Option<FormKind>, version: Option<Version>) -> String {
    let form = match form {
        Some(FormKind::Application) => "立项申报表（附件1）",
        Some(FormKind::Summary) => "立项申报汇总表（附件2）",
        None => return "未识别为申报材料".into(),
    };
    let version = match version {
        Some(Version::Word) => "Word版",
        Some(Version::Stamped) => "盖章版",
        None => "版本未识别",
    };
    format!("{form} {version}")
}

/// A material slot (`application/stamped/…`) in the division's words.
pub fn slot_zh(slot: &str) -> String {
    let mut parts = slot.splitn(3, '/');
    let form = match parts.next() {
        Some("summary") => "汇总表",
        _ => "申报表",
    };
    let version = match parts.next() {
        Some("stamped") => "盖章版",
        _ => "Word版",
    };
    match parts.next() {
        Some(p) => format!("{form}{version}[{p}]"),
        None => format!("{form}{version}"),
    }
}
