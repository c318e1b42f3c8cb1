//! The desk's pages, one file per section, each a handler over the store's read model that
//! renders with maud (every value escaped). Every handler takes a [`super::auth::Viewer`]: a request without
//! a session never reaches one.

mod api;
mod export;
mod files;
mod messages;
mod overview;
mod projects;
mod remind;
mod unit;
mod units;

use super::Desk;
use super::layout;
use crate::config::Config;
use crate::division::units::Standing;
use crate::store::read::Disposition;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use maud::{Markup, html};

/// Every page behind the session.
pub fn routes() -> Router<Desk> {
    Router::new()
        .route("/", get(overview::page))
        .route("/units", get(units::list))
        .route("/units/{id}", get(unit::page))
        .route("/messages", get(messages::list))
        .route("/messages/{id}", get(messages::page))
        .route("/messages/{id}/files/{file}", get(files::download))
        .route("/messages/{id}/files/{file}/seal/{page}", get(files::seal))
        .route("/projects", get(projects::page))
        .route("/remind", get(remind::preview).post(remind::send))
        .route("/export", get(export::page))
        .route("/export/summary.xlsx", get(export::workbook))
        .route("/export/units.zip", get(export::folders))
        .route("/api/units", get(api::units))
        .route("/api/messages", get(api::messages))
        .route(layout::STYLESHEET, get(layout::stylesheet))
}

/// Why a page could not be shown.
#[derive(Debug)]
pub enum PageError {
    /// No such unit, message or file (also: one that belongs to something else).
    NotFound,
    /// The record could not be read; logged, and the viewer told in general terms.
    Internal(anyhow::Error),
}

impl From<anyhow::Error> for PageError {
    fn from(e: anyhow::Error) -> Self {
        PageError::Internal(e)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (code, text) = match self {
            PageError::NotFound => (StatusCode::NOT_FOUND, "找不到该页面或文件。"),
            PageError::Internal(e) => {
                tracing::error!("web desk: {e:#}");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "读取记录时出错，请稍后再试；问题已写入服务日志。",
                )
            }
        };
        let body = html! { h1 { (code.as_u16()) } p { (text) } p { a href="/" { "返回总览" } } };
        (code, Html(layout::bare("出错了", body).into_string())).into_response()
    }
}

/// What every page handler returns.
pub type PageResult = Result<Response, PageError>;

/// A stored time in the campaign's zone, as the division reads it.
fn local(stamp: &str, cfg: &Config) -> String {
    crate::division::local_time(stamp, cfg)
}

/// A unit's standing as a coloured tag.
fn standing_tag(s: Standing) -> Markup {
    let class = match s {
        Standing::Accepted | Standing::AcceptedByHand => "tag ok",
        Standing::AcceptedWithProblems => "tag warn",
        Standing::Incomplete
        | Standing::NeedsCorrection
        | Standing::IncompleteAndNeedsCorrection => "tag bad",
        Standing::NotSubmitted => "tag",
    };
    html! { span class=(class) data-standing=(standing_code(s)) { (s.zh()) } }
}

/// A stable code for a standing (for scripts and tests).
fn standing_code(s: Standing) -> &'static str {
    match s {
        Standing::NotSubmitted => "not_submitted",
        Standing::Incomplete => "incomplete",
        Standing::NeedsCorrection => "needs_correction",
        Standing::IncompleteAndNeedsCorrection => "incomplete_and_needs_correction",
        Standing::Accepted => "accepted",
        Standing::AcceptedByHand => "accepted_by_hand",
        Standing::AcceptedWithProblems => "accepted_with_problems",
    }
}

/// What became of a message as a coloured tag.
fn disposition_tag(d: Disposition) -> Markup {
    let class = match d {
        Disposition::Accepted => "tag ok",
        Disposition::Rejected => "tag warn",
        Disposition::Ignored => "tag",
        Disposition::Failed => "tag bad",
    };
    html! { span class=(class) { (d.label()) } }
}

/// A problem code with its Chinese title, when it has one.
/// A message's problem codes, each once in the order first met, ×N when repeated (two
/// resubmitted files are one kind of problem to the reader).
fn codes_zh(codes: &[String]) -> Markup {
    let mut seen: Vec<(&str, usize)> = Vec::new();
    for c in codes {
        match seen.iter_mut().find(|(s, _)| *s == c.as_str()) {
            Some((_, n)) => *n += 1,
            None => seen.push((c, 1)),
        }
    }
    html! {
        @for (c, n) in seen {
            (code_zh(c)) @if n > 1 { "×" (n) } " "
        }
    }
}

fn code_zh(code: &str) -> Markup {
    match crate::rules::Code::parse(code) {
        Some(c) => html! { span.code title=(code) { (c.title()) } },
        None => html! { span.code { (code) } },
    }
}

#[cfg(test)]
mod tests {
    use super::codes_zh;

    #[test]
    fn a_repeated_code_shows_once_with_its_count() {
        let codes: Vec<String> = ["resubmission", "late_submission", "resubmission"]
            .map(String::from)
            .to_vec();
        let html = codes_zh(&codes).into_string();
        assert_eq!(html.matches("title=\"resubmission\"").count(), 1, "{html}");
        assert!(html.contains("×2"), "{html}");
        assert_eq!(
            html.matches("title=\"late_submission\"").count(),
            1,
            "{html}"
        );
        assert_eq!(html.matches('×').count(), 1, "{html}");
    }
}
