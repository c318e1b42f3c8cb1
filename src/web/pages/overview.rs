//! 总览: the call today — messages by verdict, every expected unit's standing and the days
//! left, and everything that waits for a person, each linked to where it is handled.

use super::{PageResult, disposition_tag, local, standing_tag};
use crate::division::status::{self, Attention};
use crate::division::units::UnitView;
use crate::store::read::MessageRow;
use crate::web::Desk;
use crate::web::auth::Viewer;
use crate::web::layout::{self, Section};
use axum::extract::State;
use maud::{Markup, html};
use std::collections::{HashMap, HashSet};

/// Warnings a person should look at on the unit's page (the program could not decide them).
const LOOK_AT: [(&str, &str); 3] = [
    ("stamp_not_detected", "未识别到公章"),
    ("duplicate_in_campaign", "疑似重复申报"),
    ("duplicate_of_history", "与历年项目雷同"),
];

pub async fn page(viewer: Viewer, State(desk): State<Desk>) -> PageResult {
    let cfg = &desk.cfg;
    let s = status::load(&desk.store, cfg).await?;
    let messages = desk.store.messages().await?;
    let latest: HashMap<i64, &MessageRow> = messages.iter().map(|m| (m.id, m)).collect();
    // A seal a clerk confirmed by eye no longer waits for one.
    let unconfirmed: HashSet<i64> = desk.store.unconfirmed_stamps().await?.into_iter().collect();
    // Without a list of expected units in the config, the units that wrote stand in for it.
    let configured = s.units.iter().any(|u| u.expected);
    let expected: Vec<&UnitView> = s
        .units
        .iter()
        .filter(|u| if configured { u.expected } else { u.identified })
        .collect();
    let count = |st| expected.iter().filter(|u| u.standing == st).count();
    use crate::division::units::Standing::*;
    let to_look_at: Vec<(&UnitView, String)> = s
        .units
        .iter()
        .filter_map(|u| {
            let m = latest.get(&u.last_message?)?;
            let why = LOOK_AT
                .iter()
                .filter(|(code, _)| m.codes.iter().any(|c| c == code))
                .filter(|(code, _)| *code != "stamp_not_detected" || unconfirmed.contains(&m.id))
                .map(|(_, zh)| *zh)
                .collect::<Vec<_>>();
            (!why.is_empty()).then(|| (u, why.join("、")))
        })
        .collect();
    let days = if s.days_left >= 0 {
        format!("距截止还有 {} 天", s.days_left)
    } else {
        format!("已过截止时间 {} 天", -s.days_left)
    };
    let body = html! {
        h1 { "总览" }
        p.muted { "截止时间：" (local(&s.deadline, cfg)) " · " (days) }
        div.cards {
            div.card { div.n #accepted-count { (count(Accepted) + count(AcceptedWithProblems) + count(AcceptedByHand)) } div.l { "已受理" } }
            // The standings as `status` counts them: each unit in one card.
            div.card #incomplete-count { div.n { (count(Incomplete)) } div.l { (Incomplete.zh()) } }
            div.card #correction-count { div.n { (count(NeedsCorrection)) } div.l { (NeedsCorrection.zh()) } }
            @if count(IncompleteAndNeedsCorrection) > 0 {
                div.card { div.n { (count(IncompleteAndNeedsCorrection)) } div.l { (IncompleteAndNeedsCorrection.zh()) } }
            }
            div.card { div.n { (count(NotSubmitted)) } div.l { "未提交" } }
            div.card { div.n { (expected.len()) } div.l { (if configured { "应报单位" } else { "来信单位" }) } }
        }
        h2 { "邮件" }
        div.cards {
            @for (d, n) in &s.messages {
                div.card { div.n { (n) } div.l { a href={ "/messages?verdict=" (d_code(*d)) } { (disposition_tag(*d)) } } }
            }
        }
        h2 { "待人工处理" }
        (attention(&s.questions, "来信咨询（无自动答复）", cfg))
        (attention(&s.problems, "处理失败的邮件与未送达的答复", cfg))
        (attention(&s.retrying, "正在重试的邮件", cfg))
        @if !to_look_at.is_empty() {
            h3 { "需人工核对的单位" }
            table #look-at {
                tr { th { "单位" } th { "原因" } }
                @for (u, why) in &to_look_at {
                    tr { td { (unit_link(u)) } td { (why) } }
                }
            }
        }
        @if s.questions.is_empty() && s.problems.is_empty() && s.retrying.is_empty() && to_look_at.is_empty() {
            p.muted { "暂无需要人工处理的事项。" }
        }
        h2 { (if configured { "应报单位" } else { "来信单位（配置中未列出应报单位）" }) }
        table #expected {
            tr { th { "单位" } th { "状态" } th { "回执编号" } th.num { "邮件" } }
            @for u in &expected {
                tr { td { (unit_link(u)) } td { (standing_tag(u.standing)) } td { (u.receipt.as_deref().unwrap_or("—")) } td.num { (u.emails) } }
            }
        }
        p { a #remind href="/remind" { "催报提醒：预览今天将提醒的单位" } }
        h2 { "服务状态" }
        p {
            "待发送答复：" (s.outbox_queued) " 封"
            @if let Some(o) = &s.outbox_oldest { "（最早 " (local(o, cfg)) "）" }
            " · 最近一次连上邮箱："
            (s.last_contact.as_deref().map(|t| local(t, cfg)).unwrap_or_else(|| "尚无记录".into()))
        }
    };
    Ok(layout::page("总览", Section::Overview, &viewer, body))
}

fn d_code(d: crate::store::read::Disposition) -> &'static str {
    use crate::store::read::Disposition::*;
    match d {
        Accepted => "accepted",
        Rejected => "rejected",
        Ignored => "ignored",
        Failed => "failed",
    }
}

/// A unit's name, linked to its page when it has one.
pub(super) fn unit_link(u: &UnitView) -> Markup {
    html! {
        @match u.id {
            Some(id) => a.unit href={ "/units/" (id) } { (u.name) },
            None => span { (u.name) },
        }
    }
}

fn attention(items: &[Attention], title: &str, cfg: &crate::config::Config) -> Markup {
    html! {
        @if !items.is_empty() {
            h3 { (title) " (" (items.len()) ")" }
            table.attention {
                tr { th { "时间" } th { "发件人 / 收件人" } th { "主题" } th { "原因" } }
                @for a in items {
                    tr {
                        td { (local(&a.at, cfg)) }
                        td { (a.who) }
                        td {
                            @match a.message {
                                Some(id) => a href={ "/messages/" (id) } { (if a.subject.is_empty() { "（无主题）" } else { &a.subject }) },
                                None => (a.subject),
                            }
                        }
                        td { (a.why) }
                    }
                }
            }
        }
    }
}
