//! 单位: every unit with its standing, searchable by name, receipt number or address.

use super::overview::unit_link;
use super::{PageResult, standing_tag};
use crate::division::units;
use crate::web::Desk;
use crate::web::auth::Viewer;
use crate::web::layout::{self, Section};
use axum::extract::{Query, State};
use maud::html;
use serde::Deserialize;

/// The search box.
#[derive(Debug, Default, Deserialize)]
pub struct Search {
    /// Part of a name, receipt number, key or address.
    #[serde(default)]
    q: String,
}

pub async fn list(
    viewer: Viewer,
    State(desk): State<Desk>,
    Query(search): Query<Search>,
) -> PageResult {
    let all = units::load(&desk.store, &desk.cfg).await?;
    let q = search.q.trim().to_lowercase();
    let shown: Vec<_> = all
        .iter()
        .filter(|u| {
            q.is_empty()
                || u.name.to_lowercase().contains(&q)
                || u.key.contains(&q)
                || u.receipt
                    .as_deref()
                    .is_some_and(|r| r.to_lowercase().contains(&q))
                || u.addresses.iter().any(|a| a.to_lowercase().contains(&q))
        })
        .collect();
    let body = html! {
        h1 { "推荐单位" }
        form.filter method="get" action="/units" {
            input type="search" name="q" value=(search.q) placeholder="单位名称、回执编号或邮箱";
            button type="submit" { "查找" }
            span.muted { "共 " (shown.len()) " 家" }
        }
        table #units {
            tr { th { "单位" } th { "状态" } th { "回执编号" } th.num { "项目" } th.num { "邮件" } th { "待补正" } th { "邮箱" } }
            @for u in &shown {
                tr data-key=(u.key) {
                    td {
                        (unit_link(u))
                        @if !u.expected { " " span.tag title="不在本次征集的应报单位名单中" { "名单外" } }
                        @if !u.identified { " " span.tag.warn title="来信未写明推荐单位，暂按发件邮箱归档" { "未识别单位" } }
                    }
                    td { (standing_tag(u.standing)) }
                    td { (u.receipt.as_deref().unwrap_or("—")) }
                    td.num { (u.materials.projects.len()) }
                    td.num { (u.emails) }
                    td { (u.missing.len()) }
                    td { (u.addresses.join("，")) }
                }
            }
        }
    };
    Ok(layout::page("推荐单位", Section::Units, &viewer, body))
}
