//! 项目: every current project of the call in one table (the city-wide summary on screen),
//! searchable by enterprise, credit code or title; a project sent by two units is marked.

use super::PageResult;
use crate::division::units;
use crate::forms::value::name_key;
use crate::web::Desk;
use crate::web::auth::Viewer;
use crate::web::layout::{self, Section};
use axum::extract::{Query, State};
use maud::html;
use serde::Deserialize;
use std::collections::HashMap;

/// The search box.
#[derive(Debug, Default, Deserialize)]
pub struct Search {
    /// Part of an enterprise name, credit code or project title.
    #[serde(default)]
    q: String,
}

pub async fn page(
    viewer: Viewer,
    State(desk): State<Desk>,
    Query(search): Query<Search>,
) -> PageResult {
    let all = units::load(&desk.store, &desk.cfg).await?;
    let rows: Vec<_> = all
        .iter()
        .flat_map(|u| u.materials.projects.iter().map(move |p| (u, p)))
        .collect();
    // The same project is the same enterprise (code, else name) with the same title.
    let key = |p: &crate::verdict::materials::Project| {
        let who = if p.app.credit_code.is_empty() {
            name_key(&p.app.enterprise_name)
        } else {
            p.app.credit_code.clone()
        };
        (who, name_key(&p.app.project_name))
    };
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    for (_, p) in &rows {
        *seen.entry(key(p)).or_default() += 1;
    }
    let q = search.q.trim().to_lowercase();
    let shown: Vec<_> = rows
        .iter()
        .filter(|(_, p)| {
            q.is_empty()
                || p.app.enterprise_name.to_lowercase().contains(&q)
                || p.app.credit_code.to_lowercase().contains(&q)
                || p.app.project_name.to_lowercase().contains(&q)
        })
        .collect();
    let body = html! {
        h1 { "全市项目" }
        form.filter method="get" action="/projects" {
            input type="search" name="q" value=(search.q) placeholder="企业名称、统一社会信用代码或项目名称";
            button type="submit" { "查找" }
            span.muted { "共 " (shown.len()) " 个项目（全部 " (rows.len()) " 个）" }
        }
        // One row per project, the unit named once over its projects: 900 rows stay light.
        table #projects {
            tr { th.num { "序号" } th { "推荐单位" } th { "企业名称" } th { "统一社会信用代码" } th { "项目名称" } th { "项目类型" } th { "所属行业" } th { "盖章版" } th { "标记" } }
            @for (i, (u, p)) in shown.iter().enumerate() {
                tr {
                    td { (i + 1) }
                    @if i == 0 || shown[i - 1].0.key != u.key {
                        td rowspan=(shown[i..].iter().take_while(|(v, _)| v.key == u.key).count()) { (super::overview::unit_link(u)) }
                    }
                    td { (p.app.enterprise_name) }
                    td { (p.app.credit_code) }
                    td { (p.app.project_name) }
                    td { (p.app.project_type.as_deref().unwrap_or("")) }
                    td { (p.app.industry.as_deref().unwrap_or("")) }
                    td { @if p.stamped.is_some() { "已收到" } @else { b.bad { "未收到" } } }
                    td { @if seen.get(&key(p)).is_some_and(|n| *n > 1) { b.dup { "疑似重复" } } }
                }
            }
        }
    };
    Ok(layout::page("全市项目", Section::Projects, &viewer, body))
}
