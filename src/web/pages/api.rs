//! JSON for scripts, with the same session or a per-user token: `/api/units` (every unit with
//! its standing, receipt and open problem codes) and `/api/messages` (as `shenbao list --json`).

use super::PageResult;
use crate::division::list::{self, Filter};
use crate::division::units::{self, Standing};
use crate::web::Desk;
use crate::web::auth::Viewer;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use serde::Serialize;

/// One unit as scripts read it.
#[derive(Debug, Serialize)]
struct ApiUnit<'a> {
    /// Row id (the `/units/{id}` page), none for an expected unit that sent nothing.
    id: Option<i64>,
    /// Normalised key.
    key: &'a str,
    /// Name for display.
    name: &'a str,
    /// Listed among the campaign's expected units.
    expected: bool,
    /// Where it stands (code).
    standing: Standing,
    /// The same in the division's words.
    standing_zh: &'static str,
    /// Receipt number, once accepted.
    receipt: Option<&'a str>,
    /// Codes of the problems that still stand.
    problems: Vec<&'a str>,
}

pub async fn units(_: Viewer, State(desk): State<Desk>) -> PageResult {
    let all = units::load(&desk.store, &desk.cfg).await?;
    let out: Vec<ApiUnit> = all
        .iter()
        .map(|u| ApiUnit {
            id: u.id,
            key: &u.key,
            name: &u.name,
            expected: u.expected,
            standing: u.standing,
            standing_zh: u.standing.zh(),
            receipt: u.receipt.as_deref(),
            problems: u.missing.iter().map(|m| m.code.as_str()).collect(),
        })
        .collect();
    json(&out)
}

pub async fn messages(_: Viewer, State(desk): State<Desk>) -> PageResult {
    let entries = list::load(&desk.store, &desk.cfg, &Filter::default()).await?;
    json(&entries)
}

fn json(value: &impl Serialize) -> PageResult {
    let body = serde_json::to_vec(value).map_err(anyhow::Error::from)?;
    Ok(([(CONTENT_TYPE, "application/json")], body).into_response())
}
