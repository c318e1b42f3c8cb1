//! The division's web desk, served by `shenbao run` when `[web] listen` is set: server-rendered
//! Chinese pages over the store's read model, and the clerk's decisions, which go through the
//! same judge and record as the mail (the daemon applies them; [`Desk::wake`] tells it).
//!
//! - [`auth`]: accounts, sessions, CSRF and the login throttle — who gets in and may decide.
//! - [`serve`]: the listener (plain HTTP on loopback, rustls elsewhere).
//! - [`decide`]: the clerk's decisions (one POST route) and their forms.
//! - [`pages`]: the pages (总览, 单位, 邮件, 项目, 导出) and the JSON under `/api/`.
//! - [`layout`]: the frame every page shares and its embedded stylesheet.

pub mod auth;
pub mod decide;
pub mod layout;
pub mod pages;
pub mod serve;

use crate::config::Config;
use crate::store::Store;
use axum::Router;
use std::sync::Arc;
use tokio::sync::Notify;

/// What every handler reaches: the record, the configuration and the daemon's ear.
#[derive(Clone)]
pub struct Desk {
    /// The record the daemon writes; the desk reads it and proposes decisions to it.
    pub store: Store,
    /// The configuration the daemon runs with (campaign, expected units, deadline).
    pub cfg: Arc<Config>,
    /// Woken when a decision is proposed, so the daemon applies it now, not at its next tick.
    pub wake: Arc<Notify>,
    /// Cookies carry `Secure` when the desk is served over TLS.
    pub secure: bool,
}

/// Every route of the desk: the login pages open to all, the rest behind a session.
pub fn router(desk: Desk) -> Router {
    Router::new()
        .merge(auth::routes())
        .merge(pages::routes())
        .route("/decide", axum::routing::post(decide::post))
        .with_state(desk)
}
