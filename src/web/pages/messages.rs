//! 邮件: every message, filterable like `shenbao list`; one message's page with its sender,
//! subject, body text, attachments and what became of each, the verdict and the replies.

use super::{PageError, PageResult, codes_zh, disposition_tag, local};
use crate::config::Config;
use crate::division::list::{self, Filter};
use crate::division::reply_zh;
use crate::division::show::form_zh;
use crate::message::parse_email;
use crate::store::read::{MessageRow, ReplyRow};
use crate::store::{DecisionKind, OutboxState};
use crate::verdict::Verdict;
use crate::web::Desk;
use crate::web::auth::Viewer;
use crate::web::decide::forms::{self, About, Note};
use crate::web::layout::{self, Section};
use axum::extract::{Path, Query, State};
use maud::{Markup, html};
use serde::Deserialize;

/// The filter form (the same words `shenbao list` takes).
#[derive(Debug, Default, Deserialize)]
pub struct ListFilter {
    /// Unit name, key or receipt number.
    #[serde(default)]
    unit: String,
    /// `accepted`, `rejected`, `ignored`, `failed` or the Chinese words.
    #[serde(default)]
    verdict: String,
    /// Arrived at or after (`YYYY-MM-DD`, `YYYY-MM-DD HH:MM` or RFC 3339).
    #[serde(default)]
    since: String,
}

fn given(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

pub async fn list(
    viewer: Viewer,
    State(desk): State<Desk>,
    Query(q): Query<ListFilter>,
) -> PageResult {
    let cfg = &desk.cfg;
    let filter = Filter {
        unit: given(&q.unit),
        verdict: given(&q.verdict),
        since: given(&q.since),
    };
    let (entries, error) = match list::load(&desk.store, cfg, &filter).await {
        Ok(e) => (e, None),
        Err(e) => (Vec::new(), Some(format!("{e:#}"))),
    };
    let options = [
        ("", "全部"),
        ("accepted", "已受理"),
        ("rejected", "需补正"),
        ("ignored", "未自动答复"),
        ("failed", "无法处理"),
    ];
    let body = html! {
        h1 { "邮件" }
        form.filter method="get" action="/messages" {
            input type="search" name="unit" value=(q.unit) placeholder="单位名称或回执编号";
            select name="verdict" {
                @for (v, label) in options {
                    option value=(v) selected[q.verdict == v] { (label) }
                }
            }
            input type="text" name="since" value=(q.since) placeholder="起始日期 2023-04-01";
            button type="submit" { "筛选" }
            span.muted { "共 " (entries.len()) " 封" }
        }
        @if let Some(e) = error { p.error { (e) } }
        table #messages {
            tr { th { "编号" } th { "收到时间" } th { "发件人" } th { "主题" } th { "单位" } th { "结果" } th { "问题" } th { "答复" } }
            @for e in &entries {
                tr {
                    td { a href={ "/messages/" (e.id) } { "#" (e.id) } }
                    td { (local(&e.arrival, cfg)) }
                    td { (e.sender.as_deref().unwrap_or("")) }
                    td { a.message href={ "/messages/" (e.id) } { (if e.subject.is_empty() { "（无主题）" } else { &e.subject }) } }
                    td { (e.unit.as_deref().unwrap_or("—")) }
                    td { (disposition_tag(e.verdict)) }
                    td { (codes_zh(&e.codes)) }
                    td { @for (k, s) in &e.replies { (reply_zh(*k, *s)) " " } }
                }
            }
        }
    };
    Ok(layout::page("邮件", Section::Messages, &viewer, body))
}

pub async fn page(viewer: Viewer, State(desk): State<Desk>, Path(id): Path<String>) -> PageResult {
    let Ok(id) = id.parse::<i64>() else {
        return Err(PageError::NotFound);
    };
    let cfg = &desk.cfg;
    let Some(m) = desk.store.message(id).await? else {
        return Err(PageError::NotFound);
    };
    let files = desk.store.attachments_of_message(id).await?;
    let body_text = match m.raw_path.as_deref().map(|p| desk.store.read_archived(p)) {
        Some(Ok(raw)) => parse_email(&raw, &cfg.limits).body_text,
        Some(Err(e)) => {
            tracing::warn!("web desk: message {id}: {e:#}");
            "（原始邮件无法读取）".to_string()
        }
        None => "（未保存原始邮件）".to_string(),
    };
    let replies: Vec<ReplyRow> = desk
        .store
        .replies()
        .await?
        .into_iter()
        .filter(|r| r.message == Some(id))
        .collect();
    let replies = reply_texts(&desk, &replies).await;
    let unit_page = match &m.unit {
        Some((_, key)) => desk.store.unit_id(key).await?,
        None => None,
    };
    let back = format!("/messages/{id}");
    // A question without an automatic answer, not yet answered by anyone.
    let question = m.verdict == Some(Verdict::Ignored)
        && m.ignored.as_ref().is_some_and(|i| i.reason.needs_answer())
        && replies.is_empty();
    // Mail that named no unit is filed under its sender's address until a clerk files it.
    let unidentified =
        m.sender.is_some() && m.unit.as_ref().is_some_and(|(_, key)| key.contains('@'));
    let body = html! {
        h1 { "邮件 #" (m.id) }
        table.fields #message {
            tr { th { "主题" } td #subject { (m.subject) } }
            tr { th { "发件人" } td #sender { (m.sender_name.as_deref().unwrap_or("")) " <" (m.sender.as_deref().unwrap_or("")) ">" } }
            tr { th { "收到时间" } td { (local(&m.arrival, cfg)) } }
            tr { th { "来源" } td { (m.source.label()) } }
            tr { th { "单位" } td {
                @match (&m.unit, unit_page) {
                    (Some((name, _)), Some(uid)) => a.unit href={ "/units/" (uid) } { (name) },
                    (Some((name, _)), None) => (name),
                    (None, _) => "未归入单位",
                }
            } }
            tr { th { "结果" } td { (disposition_tag(m.disposition())) @if let Some(r) = &m.receipt { " 回执编号 " (r) } } }
            @if let Some(i) = &m.ignored { tr { th { "未自动答复的原因" } td { (i.to_string()) } } }
            @if let Some(f) = &m.failure { tr { th { "无法处理的原因" } td { (f) } } }
            tr { th { "问题" } td { (codes_zh(&m.codes)) } }
        }
        h2 { "正文" }
        pre.body #body { (body_text) }
        h2 { "附件（" (files.len()) "）" }
        table #attachments {
            tr { th { "文件" } th { "类型" } th { "识别为" } th.num { "大小" } th { "读取问题" } }
            @for f in &files {
                tr {
                    td {
                        a.file href={ "/messages/" (m.id) "/files/" (f.id) } { (f.name) }
                        @if let Some(c) = &f.container { span.muted { "（在 " (c) " 中）" } }
                    }
                    td { (f.kind) }
                    td { (form_zh(f.form, f.version)) }
                    td.num { (f.size) }
                    td { (f.problem.as_deref().unwrap_or("")) }
                }
            }
        }
        @if viewer.can_decide() { (decisions(&m, &back, &viewer, question, unidentified)) }
        h2 { "答复（" (replies.len()) "）" }
        (replies_table(&replies, cfg, &viewer, &back))
    };
    Ok(layout::page(
        &format!("邮件 #{id}"),
        Section::Messages,
        &viewer,
        body,
    ))
}

/// What a clerk may do to a reply: release or drop a held one, send again one that went out,
/// failed or bounced.
fn reply_actions(r: &ReplyRow, viewer: &Viewer, back: &str) -> Markup {
    let target = r.id.to_string();
    let about = |kind| About {
        kind,
        unit: None,
        target: Some(&target),
        back,
    };
    html! {
        @match r.state {
            OutboxState::Held => {
                (forms::form(viewer, &about(DecisionKind::Release), Note::None, "放行（发送该回复）"))
                (forms::form(viewer, &about(DecisionKind::Drop), Note::None, "撤销（不发送）"))
            }
            OutboxState::Sent | OutboxState::Written | OutboxState::Failed | OutboxState::Undelivered => {
                (forms::form(viewer, &about(DecisionKind::Resend), Note::None, "重新发送"))
            }
            OutboxState::Queued | OutboxState::Sending | OutboxState::Dropped => {}
        }
    }
}

/// The clerk's decisions about one message: answer a question (or mark it answered), file a
/// personal address's mail under a unit.
fn decisions(
    m: &MessageRow,
    back: &str,
    viewer: &Viewer,
    question: bool,
    unidentified: bool,
) -> Markup {
    let id = m.id.to_string();
    let sender = m.sender.clone().unwrap_or_default();
    html! {
        @if question {
            h2 { "答复来信" }
            div.grid2 {
                (forms::form(viewer, &About { kind: DecisionKind::Answer, unit: None, target: Some(&id), back }, Note::ToUnit, "发送答复"))
                (forms::form(viewer, &About { kind: DecisionKind::MarkAnswered, unit: None, target: Some(&id), back }, Note::None, "已另行答复"))
            }
        }
        @if unidentified {
            h2 { "归入单位" }
            p.muted { "该邮件未写明推荐单位，暂按发件邮箱 " (sender) " 归档。归入后，该邮箱的全部来信计入所选单位。" }
            (forms::form(viewer, &About { kind: DecisionKind::AssignSender, unit: None, target: Some(&sender), back }, Note::UnitName, "归入该单位"))
        }
    }
}

/// Replies with their text, as the unit read it (the body of the composed message).
pub(super) async fn reply_texts(desk: &Desk, replies: &[ReplyRow]) -> Vec<(ReplyRow, String)> {
    let mut out = Vec::with_capacity(replies.len());
    for r in replies {
        let text = match desk.store.reply_raw(r.id).await {
            Ok(Some(raw)) => parse_email(&raw, &desk.cfg.limits).body_text,
            Ok(None) => "（尚未生成正文）".to_string(),
            Err(e) => {
                tracing::warn!("web desk: reply {}: {e:#}", r.id);
                "（正文无法读取）".to_string()
            }
        };
        out.push((r.clone(), text));
    }
    out
}

/// Replies and reminders, each with its text behind a click.
pub(super) fn replies_table(
    replies: &[(ReplyRow, String)],
    cfg: &Config,
    viewer: &Viewer,
    back: &str,
) -> Markup {
    html! {
        @if replies.is_empty() {
            p.muted { "无。" }
        } @else {
            table.replies {
                tr { th { "时间" } th { "类别" } th { "收件人" } th { "主题与正文" } }
                @for (r, text) in replies {
                    tr id={ "reply-" (r.id) } {
                        td { (local(&r.created_at, cfg)) }
                        td { (reply_zh(r.kind, r.state)) }
                        td { (r.recipient) }
                        td {
                            details {
                                summary { (r.subject.as_deref().unwrap_or("（无主题）")) }
                                pre.body { (text) }
                            }
                            @if let Some(e) = &r.last_error { p.muted { "最近一次错误：" (e) } }
                            (reply_actions(r, viewer, back))
                        }
                    }
                }
            }
        }
    }
}
