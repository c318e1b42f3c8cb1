//! Who gets in and who may decide: accounts (argon2id), sessions (HttpOnly, SameSite=Strict
//! cookies, 8 hours idle), CSRF tokens on every state change, the login throttle.
//!
//! - [`Viewer`] is the extractor every page takes: no session, no page.
//! - [`CsrfForm`] and [`ClerkForm`] are the extractors every state change takes.
//! - [`routes`] serves `/login` and `/logout`; [`commands`] is `shenbao user …`.

pub mod commands;
mod csrf;
mod login;
pub mod page;
pub mod password;
mod session;
pub mod token;

use super::Desk;
use axum::Router;
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

/// `/login` and `/logout`.
pub fn routes() -> Router<Desk> {
    Router::new()
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
}
