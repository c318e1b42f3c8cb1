//! The few pages the door renders itself: the login form and the refusals, in the desk's
//! frame without the top bar ([`bare`]; no script, no inline style, which the CSP forbids).

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use maud::html;

pub use crate::web::layout::bare;

/// A refusal or failure page with `status`.
pub fn error(status: StatusCode, message: &str) -> Response {
    let title = format!(
        "{} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("")
    );
    let page = bare(
        &title,
        html! {
            h1 { (title) }
            p { (message) }
            p { a href="/" { "返回首页" } }
        },
    );
    (status, Html(page.into_string())).into_response()
}

/// 403 for a state change without a valid CSRF token.
pub fn forged() -> Response {
    error(
        StatusCode::FORBIDDEN,
        "禁止访问：表单缺少有效的校验码（可能已过期）。请返回上一页，刷新后重新提交。",
    )
}

/// 403 for a decision by an account that only reads.
pub fn not_clerk() -> Response {
    error(
        StatusCode::FORBIDDEN,
        "禁止访问：只读账号不能做出决定，请联系经办人。",
    )
}
