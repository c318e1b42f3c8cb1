//! Who gets in and who may decide: accounts (argon2id), sessions (HttpOnly, SameSite=Strict
//! cookies, 8 hours idle), CSRF tokens on every state change, the login throttle.
//!
//! - [`Viewer`] is the extractor every page takes: no session, no page.
//! - [`CsrfForm`] and [`ClerkForm`] are the extractors every state change takes.
//! - [`routes`] serves `/login` and `/logout`; [`commands`] is `shenbao user …`.

pub mod commands;
mod csrf;
mod login;
mod origin;
pub mod page;
pub mod password;
mod session;
pub mod token;

use super::Desk;
use axum::Router;
use axum::http::header::CONTENT_TYPE;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

pub use crate::store::Role;
pub use csrf::{CSRF_HEADER, ClerkForm, CsrfForm, MAX_FORM_BYTES};
pub use session::local_path;

/// The signed-in person behind a request (an extractor: a request without a valid session is
/// sent to `/login`, or gets 401 under `/api/`).
#[derive(Debug, Clone)]
pub struct Viewer {
    /// Account id.
    pub user_id: i64,
    /// Login name, recorded with each decision.
    pub name: String,
    /// What the account may do.
    pub role: Role,
    /// The session's CSRF token, put into every form (empty for an API token, which needs none).
    pub csrf: String,
}

impl Viewer {
    /// Whether decision forms are shown.
    pub fn can_decide(&self) -> bool {
        self.role == Role::Clerk
    }
}

/// `/login` and `/logout`; `/healthz` (open to all); `/api/me` (who a session or token is, for scripts checking their
/// token); and the fallback, which is behind the session too, so an unknown path tells a
/// stranger nothing (404 only when signed in).
pub fn routes() -> Router<Desk> {
    Router::new()
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/api/me", get(me))
        .route("/healthz", get(alive))
        .fallback(not_found)
}

/// Open to all, for the reverse proxy's health check: the desk answers. (The daemon's own
/// health, mailbox and outbox, is `[ops]`'s `/healthz`.)
async fn alive() -> Response {
    ([(CONTENT_TYPE, "text/plain")], "ok\n").into_response()
}

async fn me(viewer: Viewer) -> Response {
    let body = serde_json::json!({
        "name": viewer.name,
        "role": viewer.role,
        "can_decide": viewer.can_decide(),
    });
    ([(CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

async fn not_found(_: Viewer, uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        let body = serde_json::json!({ "error": "没有这个接口" }).to_string();
        return (
            StatusCode::NOT_FOUND,
            [(CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response();
    }
    page::error(StatusCode::NOT_FOUND, "没有这个页面。")
}
