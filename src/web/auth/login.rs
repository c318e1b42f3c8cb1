//! `/login` and `/logout`. A failed login, an unknown name, a disabled or a locked account all
//! get the same answer after the same work (an argon2 verification), so the page tells no
//! one which names exist. Every login, failure and logout is logged with the name and the
//! remote address, never the password.

use super::password::{self, Throttle, lock_until, throttle};
use super::session::{local_path, see_other};
use super::{CsrfForm, page, token};
use crate::web::Desk;
use axum::extract::connect_info::ConnectInfo;
use axum::extract::{Form, FromRequestParts, Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use maud::html;
use serde::Deserialize;
use std::convert::Infallible;

/// Longest user name considered (and logged).
const MAX_NAME: usize = 64;

/// The one answer to every failed login.
const REFUSED: &str = "用户名或密码不正确。连续失败 5 次后，该账号须等待 15 分钟才能再次登录。";

/// The login form as posted.
#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    /// Where to go after logging in (a local path only).
    #[serde(default)]
    next: String,
}

/// `/login?next=…`.
#[derive(Deserialize)]
pub struct Next {
    #[serde(default)]
    next: String,
}

/// The logout form: only its CSRF token matters.
#[derive(Deserialize)]
pub struct Empty {}

/// Who is asking, for the log: the peer, and what a reverse proxy says it forwarded.
pub struct Remote(String);

impl<S: Send + Sync> FromRequestParts<S> for Remote {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Remote, Infallible> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<crate::web::serve::Peer>>()
            .map(|c| c.0.0.to_string())
            .unwrap_or_else(|| "?".into());
        let forwarded = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .map(|f| format!(" (forwarded for {})", clip(f, 100)))
            .unwrap_or_default();
        Ok(Remote(format!("{peer}{forwarded}")))
    }
}

/// The login page.
pub async fn form(Query(q): Query<Next>) -> Response {
    render(StatusCode::OK, "", &q.next, None)
}

fn render(status: StatusCode, name: &str, next: &str, problem: Option<&str>) -> Response {
    let next = local_path(next).unwrap_or("");
    let body = html! {
        h1 { "申报受理 · 登录" }
        @if let Some(p) = problem { p role="alert" { (p) } }
        form method="post" action="/login" {
            input type="hidden" name="next" value=(next);
            p { label { "用户名 " input type="text" name="username" value=(name) autocomplete="username" required autofocus; } }
            p { label { "密码 " input type="password" name="password" autocomplete="current-password" required; } }
            p { button type="submit" { "登录" } }
        }
        p { "没有账号？请管理员运行 " code { "shenbao user add 用户名 --role clerk" } " 创建。" }
    };
    (status, Html(page::bare("登录", body).into_string())).into_response()
}

/// Checks the password and opens a session.
pub async fn submit(
    State(desk): State<Desk>,
    Remote(remote): Remote,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    let name = clip(f.username.trim(), MAX_NAME);
    if super::origin::cross_site(&headers) {
        tracing::warn!(user = %name, %remote, "desk login refused: posted from another site");
        return page::error(
            StatusCode::FORBIDDEN,
            "登录请求来自其他网站，已拒绝。请直接打开本系统的登录页登录。",
        );
    }
    let secure = secure(&desk, &headers);
    match attempt(&desk, &name, f.password, secure).await {
        Ok(Some(cookie)) => {
            tracing::info!(user = %name, %remote, "desk login");
            let to = local_path(&f.next).unwrap_or("/");
            let mut res = see_other(to);
            if let Ok(v) = cookie.parse() {
                res.headers_mut().insert(SET_COOKIE, v);
            }
            res
        }
        Ok(None) => {
            tracing::warn!(user = %name, %remote, "desk login refused");
            render(StatusCode::UNAUTHORIZED, &name, &f.next, Some(REFUSED))
        }
        Err(e) => {
            tracing::warn!(user = %name, %remote, "desk login failed: {e:#}");
            page::error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "服务器内部错误，请稍后再试。",
            )
        }
    }
}

/// The `Set-Cookie` of a new session, or None when refused. The attempt is counted before
/// the password is checked, and every refusal does the same argon2 work as a real check.
async fn attempt(
    desk: &Desk,
    name: &str,
    password: String,
    secure: bool,
) -> anyhow::Result<Option<String>> {
    let now = Utc::now();
    let account = desk.store.user(name).await?.filter(|a| !a.disabled);
    let counted = match &account {
        Some(a) => Some((a, throttle(desk.store.count_login(a.id, now).await?))),
        None => None,
    };
    let checked = match counted {
        Some((a, Throttle::Check { lock_if_wrong })) => Some((a, lock_if_wrong)),
        _ => None,
    };
    let phc = checked.map_or_else(
        || password::dummy().to_string(),
        |(a, _)| a.password.clone(),
    );
    let matched = tokio::task::spawn_blocking(move || password::verify(&password, &phc))
        .await
        .unwrap_or(false);
    match (counted, checked) {
        (_, Some((a, _))) if matched => {
            let session = token::fresh()?;
            let csrf = token::fresh()?;
            let stale = now - chrono::Duration::seconds(token::IDLE_SECONDS);
            desk.store
                .open_session(a.id, &token::digest(&session), &csrf, stale)
                .await?;
            return Ok(Some(token::set_cookie(&session, secure)));
        }
        (Some((a, Throttle::Refuse { lock: true })), _) | (_, Some((a, true))) => {
            desk.store.lock_account(a.id, lock_until(now)).await?;
            tracing::warn!(user = %name, "account locked for 15 minutes after 5 failed logins");
        }
        (Some((_, Throttle::Refuse { lock: false })), _) => {
            tracing::debug!(user = %name, "login refused: account locked");
        }
        _ => {}
    }
    Ok(None)
}

/// Ends the session (CSRF-checked) and goes back to the login page.
pub async fn logout(
    State(desk): State<Desk>,
    Remote(remote): Remote,
    headers: HeaderMap,
    CsrfForm(viewer, _): CsrfForm<Empty>,
) -> Response {
    if let Some(t) = token::from_cookies(&headers)
        && let Err(e) = desk.store.end_session(&token::digest(&t)).await
    {
        tracing::warn!(user = %viewer.name, "cannot end the session: {e:#}");
        return page::error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "服务器内部错误，请稍后再试。",
        );
    }
    tracing::info!(user = %viewer.name, %remote, "desk logout");
    let mut res = see_other("/login");
    if let Ok(v) = token::clear_cookie(secure(&desk, &headers)).parse() {
        res.headers_mut().insert(SET_COOKIE, v);
    }
    res
}

/// Whether the browser reached the desk over TLS: served by the desk itself, or terminated by
/// the reverse proxy in front, which says so (a forged header only makes the cookie stricter).
fn secure(desk: &Desk, headers: &HeaderMap) -> bool {
    desk.secure
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"))
}

/// At most `max` characters of `s`.
fn clip(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}
