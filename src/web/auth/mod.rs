//! Who gets in and who may decide: accounts (argon2id), sessions (HttpOnly, SameSite=Strict
//! cookies, 8 hours idle), CSRF tokens on every state change, the login throttle.

use super::Desk;
use axum::Router;

/// What an account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Reads every page.
    Viewer,
    /// Reads, and takes decisions.
    Clerk,
}

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
    /// The session's CSRF token, put into every form.
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
}

// Placeholder until sessions land: nobody is signed in.
impl axum::extract::FromRequestParts<Desk> for Viewer {
    type Rejection = axum::response::Redirect;

    async fn from_request_parts(
        _: &mut axum::http::request::Parts,
        _: &Desk,
    ) -> Result<Self, Self::Rejection> {
        Err(axum::response::Redirect::to("/login"))
    }
}
