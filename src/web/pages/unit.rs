//! One unit's page: its standing and open problems, its projects with the fields read, every
//! file (opened under its original name, stamped scans with the seal evidence), its emails,
//! replies and reminders (their text readable), the version history and the decisions taken.

use super::{PageError, PageResult, code_zh, codes_zh, disposition_tag, local, standing_tag};
use crate::division::remind;
use crate::division::show::{self, Shown, form_zh, slot_zh};
use crate::division::units::{self, Standing};
use crate::forms::Version;
use crate::forms::application::{Application, FIELDS};
use crate::store::{DecisionKind, DecisionState};
use crate::web::Desk;
use crate::web::auth::Viewer;
use crate::web::decide::forms::{self, About, Note};
use crate::web::layout::{self, Section};
use axum::extract::{Path, State};
use maud::{Markup, html};
use std::collections::HashMap;

pub async fn page(viewer: Viewer, State(desk): State<Desk>, Path(id): Path<String>) -> PageResult {
    let Ok(id) = id.parse::<i64>() else {
        return Err(PageError::NotFound);
    };
    let cfg = &desk.cfg;
    let all = units::load(&desk.store, cfg).await?;
    let Some(unit) = all.into_iter().find(|u| u.id == Some(id)) else {
        return Err(PageError::NotFound);
    };
    let s = show::of_unit(&desk.store, cfg, unit).await?;
    let replies = super::messages::reply_texts(&desk, &s.replies).await;
    let decisions = desk.store.decisions_of_unit(&s.unit.key).await?;
    let confirmed = desk.store.confirmed_seals().await?;
    let pages = scan_pages(&desk, &s).await?;
    let reminder = match s.unit.standing {
        Standing::NotSubmitted
        | Standing::Incomplete
        | Standing::NeedsCorrection
        | Standing::IncompleteAndNeedsCorrection => {
            Some(remind::preview(&desk.store, cfg, &s.unit.key).await?)
        }
        _ => None,
    };
    let back = format!("/units/{id}");
    let u = &s.unit;
    // Mail that came after a hand acceptance is judged as usual; the clerk should know of it.
    let accepted_at = decisions
        .iter()
        .filter(|d| d.kind == DecisionKind::Accept && d.state == DecisionState::Applied)
        .filter_map(|d| d.after_message)
        .max();
    let later = accepted_at.map_or(0, |at| s.emails.iter().filter(|e| e.id > at).count());
    let body = html! {
        h1 #unit-name { (u.name) " " (standing_tag(u.standing)) }
        p {
            "回执编号：" strong #receipt { (u.receipt.as_deref().unwrap_or("尚未受理")) }
            " · 邮箱：" (u.addresses.join("，"))
            @if !u.expected { " · " span.tag { "不在应报单位名单中" } }
        }
        h2 { "尚待解决的问题（" (u.missing.len()) "）" }
        @if u.missing.is_empty() {
            p.muted { "无。" }
        } @else {
            table #missing {
                tr { th { "问题" } th { "文件" } th { "说明" } }
                @for m in &u.missing {
                    tr { td { (code_zh(&m.code)) } td { (m.file.as_deref().unwrap_or("")) } td { (m.message) } }
                }
            }
        }
        h2 { "人工决定" }
        @if later > 0 {
            p.tag.warn #after-decision { "人工受理后，该单位又发来 " (later) " 封邮件，已按常规审核（见下方来信）。" }
        }
        (forms::record(&decisions, cfg))
        @if viewer.can_decide() {
            div.grid2 {
                @if u.receipt.is_none() && u.identified && u.id.is_some() {
                    (forms::form(&viewer, &About { kind: DecisionKind::Accept, unit: Some(&u.key), target: None, back: &back }, Note::None, "人工受理（发送受理回执）"))
                }
                (forms::form(&viewer, &About { kind: DecisionKind::RequestCorrection, unit: Some(&u.key), target: None, back: &back }, Note::ToUnit, "要求补正（发送补正通知）"))
            }
        }
        @if let Some(r) = &reminder {
            h2 { "催报提醒" }
            details.reminder {
                summary { "预览：" (r.subject) " → " (r.recipients.join("，")) }
                pre.body { (r.text) }
            }
            @match &r.blocked {
                Some(why) => p.muted { "现在不能发送：" (why) },
                None => (forms::form(&viewer, &About { kind: DecisionKind::Remind, unit: Some(&u.key), target: None, back: &back }, Note::None, "发送催报提醒")),
            }
        }
        (projects(&s))
        (files(&s, &viewer, &back, &confirmed, &pages))
        h2 { "来信（" (s.emails.len()) "）" }
        table #emails {
            tr { th { "编号" } th { "收到时间" } th { "主题" } th { "结果" } th { "问题" } }
            @for e in &s.emails {
                tr {
                    td { a href={ "/messages/" (e.id) } { "#" (e.id) } }
                    td { (local(&e.arrival, cfg)) }
                    td { a href={ "/messages/" (e.id) } { (e.subject) } }
                    td { (disposition_tag(e.verdict)) }
                    td { (codes_zh(&e.codes)) }
                }
            }
        }
        h2 { "答复与提醒（" (s.replies.len()) "）" }
        (super::messages::replies_table(&replies, cfg, &viewer, &back))
        (history(&s))
    };
    Ok(layout::page(&s.unit.name, Section::Units, &viewer, body))
}

fn projects(s: &Shown) -> Markup {
    html! {
        h2 { "项目（" (s.materials.projects.len()) "）" }
        @if s.materials.projects.is_empty() {
            p.muted { "尚未收到可读取的立项申报表。" }
        }
        @for (i, p) in s.materials.projects.iter().enumerate() {
            details.project open[i == 0] {
                summary {
                    strong { (p.app.project_name) } " — " (p.app.enterprise_name)
                    " · Word版：" (p.word.name)
                    " · 盖章版：" (p.stamped.as_ref().map(|f| f.name.as_str()).unwrap_or("未收到"))
                }
                (fields(&p.app))
            }
        }
        @if let Some((f, summary)) = &s.materials.summary {
            p { "汇总表：" (f.name) "（" (summary.rows.len()) " 行）" }
        }
    }
}

/// The fields read from one application form, in the form's order.
fn fields(app: &Application) -> Markup {
    html! {
        table.fields {
            @for f in FIELDS {
                tr { th { (f.name) } td { (app.get(f.key).unwrap_or("")) } }
            }
        }
    }
}

fn files(
    s: &Shown,
    viewer: &Viewer,
    back: &str,
    confirmed: &[(i64, i64)],
    pages: &HashMap<(i64, String, Option<String>), usize>,
) -> Markup {
    html! {
        h2 { "文件（" (s.files.len()) "）" }
        table #files {
            tr { th { "来信" } th { "文件" } th { "识别为" } th { "公章核验" } }
            @for f in &s.files {
                tr {
                    td { a href={ "/messages/" (f.message) } { "#" (f.message) } }
                    td {
                        a.file href={ "/messages/" (f.message) "/files/" (f.id) } data-file=(f.id) { (f.name) }
                        @if let Some(c) = &f.container { span.muted { "（在 " (c) " 中）" } }
                    }
                    td { (form_zh(f.form, f.version)) }
                    td {
                        @if f.version == Some(Version::Stamped) {
                            @let n = pages.get(&(f.message, f.name.clone(), f.container.clone())).copied().unwrap_or(1);
                            details.seal {
                                summary { "查看公章核验图（" (n) " 页）" }
                                @for page in 1..=n.min(MAX_PAGES_SHOWN) {
                                    @let href = format!("/messages/{}/files/{}/seal/{page}", f.message, f.id);
                                    a href=(href) title={ "第" (page) "页" } {
                                        img.seal loading="lazy" alt={ "第" (page) "页公章核验图" } src=(href);
                                    }
                                }
                            }
                            @if confirmed.contains(&(f.message, f.seq)) {
                                span.tag.ok { "公章已人工核对" }
                            } @else {
                                @let target = format!("{}/{}", f.message, f.seq);
                                (forms::form(viewer, &About { kind: DecisionKind::ConfirmSeal, unit: Some(&s.unit.key), target: Some(&target), back }, Note::None, "公章已核"))
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Pages of one scan drawn on the page at most; further pages by their address.
const MAX_PAGES_SHOWN: usize = 10;

/// How many pages each scan of the unit's emails has, as the seal check saw them (the outcome
/// recorded with each email), by (message, name, container).
async fn scan_pages(
    desk: &Desk,
    s: &Shown,
) -> anyhow::Result<HashMap<(i64, String, Option<String>), usize>> {
    let mut out = HashMap::new();
    let mut messages: Vec<i64> = s.files.iter().map(|f| f.message).collect();
    messages.dedup();
    for m in messages {
        let Some(outcome) = desk.store.outcome(m).await? else {
            continue;
        };
        let files = outcome["attachments"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for f in files {
            let pages = f["pages"].as_array().map_or(0, Vec::len);
            if let (Some(name), true) = (f["name"].as_str(), pages > 0) {
                let container = f["in"].as_str().map(str::to_string);
                out.insert((m, name.to_string(), container), pages);
            }
        }
    }
    Ok(out)
}

fn history(s: &Shown) -> Markup {
    html! {
        h2 { "版本记录" }
        table #history {
            tr { th { "材料" } th { "文件" } th { "来信" } th { "状态" } }
            @for h in &s.history {
                tr {
                    td { (slot_zh(&h.slot)) }
                    td { (h.file) }
                    td { a href={ "/messages/" (h.message) } { "#" (h.message) } }
                    td {
                        @match (h.current, h.ended_by) {
                            (true, _) => span.tag.ok { "现行" },
                            (false, Some(m)) => { "已被 " a href={ "/messages/" (m) } { "#" (m) } " 替换" },
                            (false, None) => span.tag { "已失效" },
                        }
                    }
                }
            }
        }
    }
}
