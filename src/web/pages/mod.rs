//! The desk's pages, one file per concept.

use super::Desk;
use axum::Router;

/// Every page behind the session.
pub fn routes() -> Router<Desk> {
    Router::new()
}
