//! The clerk's decisions from the desk: one POST route that turns the form into the same
//! request `shenbao decide` makes, records it (who, what, why), wakes the daemon — which holds
//! the judge and applies it, as it applies the mail — and waits a few seconds for the result
//! before sending the clerk back to the page the form was on. The forms are in [`forms`].

pub mod forms;

use super::Desk;
use super::auth::ClerkForm;
use super::auth::page;
use crate::division::decide::{Request, propose};
use crate::store::{DecisionKind, DecisionState};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::time::Duration;

/// How long the clerk's request waits for the daemon to apply the decision; past it the page
/// shows the decision as pending (the daemon may be judging a long message).
const WAIT: Duration = Duration::from_secs(5);

/// A decision form as posted.
#[derive(Debug, Deserialize)]
pub struct Posted {
    /// What it does (stored code, e.g. `accept`).
    kind: DecisionKind,
    /// The unit concerned: its key on a unit's page, the name typed when filing a sender.
    #[serde(default)]
    unit: String,
    /// What it is about: `MESSAGE/SEQ` of a file, a message or reply id, a sender address.
    #[serde(default)]
    target: String,
    /// Why: required.
    #[serde(default)]
    reason: String,
    /// The clerk's text to the unit (correction note, answer).
    #[serde(default)]
    note: String,
    /// The page to go back to (a local path).
    #[serde(default)]
    back: String,
}

/// Why a form cannot become a decision (shown to the clerk, nothing recorded).
fn unprocessable(text: &str) -> Response {
    page::error(StatusCode::UNPROCESSABLE_ENTITY, text)
}

/// The request a form makes, in the words `shenbao decide` uses.
fn request(p: &Posted) -> Result<Request, &'static str> {
    let given = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
    let unit = || given(&p.unit).ok_or("请写明推荐单位。");
    let target = || given(&p.target).ok_or("表单缺少决定对象，请从页面上的按钮提交。");
    let note = || given(&p.note).ok_or("请填写要发给单位的内容。");
    Ok(match p.kind {
        DecisionKind::Accept => Request::Accept { unit: unit()? },
        DecisionKind::Remind => Request::Remind { unit: unit()? },
        DecisionKind::RequestCorrection => Request::Correct {
            unit: unit()?,
            note: note()?,
        },
        DecisionKind::ConfirmSeal => Request::Seal { file: target()? },
        DecisionKind::AssignSender => Request::Assign {
            sender: target()?,
            unit: unit()?,
        },
        DecisionKind::Answer => Request::Answer {
            message: target()?,
            text: Some(note()?),
        },
        DecisionKind::MarkAnswered => Request::Answer {
            message: target()?,
            text: None,
        },
        kind @ (DecisionKind::Resend | DecisionKind::Release | DecisionKind::Drop) => {
            let reply = target()?.parse().map_err(|_| "答复编号无效。")?;
            Request::Reply { kind, reply }
        }
    })
}

pub async fn post(
    State(desk): State<Desk>,
    ClerkForm(viewer, form): ClerkForm<Posted>,
) -> Response {
    let back = form.back.split('#').next().unwrap_or("/");
    let back = super::auth::local_path(back).unwrap_or("/").to_string();
    let reason = form.reason.trim();
    if reason.is_empty() {
        return unprocessable("请填写理由：每项决定都要记录理由。");
    }
    let request = match request(&form) {
        Ok(r) => r,
        Err(why) => return unprocessable(why),
    };
    let id = match propose(&desk.store, &desk.cfg, request, reason, &viewer.name).await {
        Ok(id) => id,
        // What cannot be decided (an unknown unit, a file that is not one) is said to the
        // clerk in the record's words; nothing is recorded.
        Err(e) => return unprocessable(&format!("{e:#}")),
    };
    tracing::info!(user = %viewer.name, decision = id, kind = ?form.kind, "decision proposed");
    desk.wake.notify_one();
    let deadline = tokio::time::Instant::now() + WAIT;
    while tokio::time::Instant::now() < deadline {
        match desk.store.decision(id).await {
            Ok(Some(d)) if d.state != DecisionState::Pending => break,
            Ok(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            Err(e) => {
                tracing::warn!("web desk: decision {id}: {e:#}");
                break;
            }
        }
    }
    Redirect::to(&format!("{back}#decision-{id}")).into_response()
}
