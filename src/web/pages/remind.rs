//! 催报提醒: the reminders `shenbao remind` would send today, each with its text, and (for a
//! clerk) the button that sends them through the outbox, which the daemon delivers.

use super::{PageResult, local};
use crate::division::remind::{self, Outcome, Planned};
use crate::division::units::Standing;
use crate::message::parse_email;
use crate::notify::ReplyContext;
use crate::notify::reminder::{self, Reminder};
use crate::web::Desk;
use crate::web::auth::{ClerkForm, Viewer};
use crate::web::layout::{self, Section};
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

pub async fn preview(viewer: Viewer, State(desk): State<Desk>) -> PageResult {
    let cfg = &desk.cfg;
    let body = match remind::run(&desk.store, cfg, true).await {
        Ok(report) => html! {
            p.muted { "今天（" (report.day) "）需要提醒的单位：" (report.units.len()) " 家。每个单位每天至多提醒一次。" }
            @if report.closed { p.tag.warn #closed { "申报已截止，以下仅为预览，不会发送。" } }
            @for p in &report.units { (planned(&desk, p)) }
            @if viewer.can_decide() && !report.closed && report.units.iter().any(|p| p.outcome == Outcome::DryRun) {
                form.decide #send-reminders method="post" action="/remind" {
                    input type="hidden" name="csrf" value=(viewer.csrf);
                    button type="submit" { "发送以上提醒" }
                }
            }
        },
        // After the deadline, or the record unreadable: said as the command says it.
        Err(e) => html! { p.error { (format!("{e:#}")) } },
    };
    let body = html! { h1 { "催报提醒" } (body) p { "截止时间：" (local(&cfg.campaign.deadline.to_rfc3339(), cfg)) } };
    Ok(layout::page("催报提醒", Section::Overview, &viewer, body))
}

/// One unit's reminder as it would read.
fn planned(desk: &Desk, p: &Planned) -> Markup {
    let cfg = &desk.cfg;
    let r = Reminder {
        unit: &p.unit,
        not_submitted: p.standing == Standing::NotSubmitted,
        missing: &p.missing,
    };
    let now = chrono::Utc::now().fixed_offset();
    let ctx = ReplyContext::of(&cfg.letterhead(), 0, now);
    let text = p
        .recipients
        .first()
        .and_then(|to| reminder::compose(&r, to, &cfg.letterhead(), &ctx))
        .map(|c| parse_email(&c.raw, &cfg.limits).body_text);
    let state = match p.outcome {
        Outcome::DryRun => "待发送",
        Outcome::Queued => "已放入发件队列",
        Outcome::AlreadyToday => "今天已提醒过",
        Outcome::NoAddress => "没有可用的邮箱地址",
    };
    html! {
        details.reminder {
            summary { strong { (p.unit) } " · " (p.standing.zh()) " · " (p.recipients.join("，")) " · " (state) }
            @if let Some(t) = text { pre.body { (t) } }
        }
    }
}

/// The send button's form: only the CSRF token.
#[derive(Debug, Deserialize)]
pub struct SendForm {}

pub async fn send(State(desk): State<Desk>, ClerkForm(viewer, _): ClerkForm<SendForm>) -> Response {
    match remind::run(&desk.store, &desk.cfg, false).await {
        Ok(report) => {
            let queued = report
                .units
                .iter()
                .filter(|p| p.outcome == Outcome::Queued)
                .count();
            tracing::info!(user = %viewer.name, queued, "reminders queued from the web desk");
            desk.wake.notify_one();
            Redirect::to("/remind").into_response()
        }
        Err(e) => crate::web::auth::page::error(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            &format!("{e:#}"),
        ),
    }
}
