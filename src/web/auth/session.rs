//! Who is behind a request: a session cookie (pages and `/api/`) or a per-user bearer token
//! (`/api/` only). Without either, a page sends the browser to `/login` and remembers where it
//! was going; `/api/` answers 401 in JSON.

use super::{Viewer, page, token};
use crate::web::Desk;
use axum::extract::FromRequestParts;
use axum::http::header::{LOCATION, WWW_AUTHENTICATE};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};

/// How often at most a session's last use is written.
const REFRESH_SECONDS: i64 = 60;

/// How the request proved who it is.
#[derive(Debug, Clone)]
pub(super) enum Via {
    /// A browser session: state changes need its CSRF token.
    Session,
    /// A script's API token: no cookie, so no cross-site forgery to guard against.
    Token,
}

impl FromRequestParts<Desk> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, desk: &Desk) -> Result<Viewer, Response> {
        authenticate(parts, desk).await.map(|(v, _)| v)
    }
}

/// The viewer of a request and how it signed in, or the answer to give it instead.
pub(super) async fn authenticate(parts: &Parts, desk: &Desk) -> Result<(Viewer, Via), Response> {
    let api = parts.uri.path().starts_with("/api/");
    let found = match lookup(parts, desk, api).await {
        Ok(found) => found,
        Err(e) => {
            tracing::warn!("cannot check the session: {e:#}");
            return Err(page::error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "服务器内部错误，请稍后再试。",
            ));
        }
    };
    found.ok_or_else(|| unauthenticated(parts, api))
}

async fn lookup(parts: &Parts, desk: &Desk, api: bool) -> anyhow::Result<Option<(Viewer, Via)>> {
    if api && let Some(t) = token::from_bearer(&parts.headers) {
        let Some(user) = desk.store.api_token_user(&token::digest(&t)).await? else {
            return Ok(None);
        };
        let viewer = Viewer {
            user_id: user.id,
            name: user.name,
            role: user.role,
            csrf: String::new(),
        };
        return Ok(Some((viewer, Via::Token)));
    }
    let Some(t) = token::from_cookies(&parts.headers) else {
        return Ok(None);
    };
    let token_hash = token::digest(&t);
    let Some(s) = desk.store.session(&token_hash).await? else {
        return Ok(None);
    };
    let now = Utc::now();
    match idle_seconds(&s.last_seen, now) {
        Some(idle) if idle <= token::IDLE_SECONDS => {
            if idle >= REFRESH_SECONDS {
                desk.store.touch_session(&token_hash).await?;
            }
        }
        _ => {
            desk.store.end_session(&token_hash).await?;
            return Ok(None);
        }
    }
    let viewer = Viewer {
        user_id: s.user_id,
        name: s.name,
        role: s.role,
        csrf: s.csrf,
    };
    Ok(Some((viewer, Via::Session)))
}

/// Seconds since a stored time (None when it does not parse: treated as expired).
fn idle_seconds(last_seen: &str, now: DateTime<Utc>) -> Option<i64> {
    let t = DateTime::parse_from_rfc3339(last_seen).ok()?;
    Some((now - t.with_timezone(&Utc)).num_seconds())
}

/// 401 in JSON under `/api/`; elsewhere to `/login`, coming back here after a GET.
fn unauthenticated(parts: &Parts, api: bool) -> Response {
    if api {
        let body = serde_json::json!({ "error": "需要登录或 API 令牌" }).to_string();
        return (
            StatusCode::UNAUTHORIZED,
            [
                (axum::http::header::CONTENT_TYPE, "application/json"),
                (WWW_AUTHENTICATE, "Bearer"),
            ],
            body,
        )
            .into_response();
    }
    let here = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let to = match local_path(here) {
        Some(p) if parts.method == Method::GET && p != "/" => {
            format!("/login?next={}", percent_encode(p))
        }
        _ => "/login".to_string(),
    };
    see_other(&to)
}

/// 303 See Other to a local path.
pub(super) fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(LOCATION, to.to_string())]).into_response()
}

/// `path` if it stays on this site: one leading slash, no scheme or host a browser would
/// follow elsewhere (`//evil`, `/\evil`), no control characters.
pub fn local_path(path: &str) -> Option<&str> {
    let ok = path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path.chars().any(char::is_control)
        && !path.starts_with("/login");
    ok.then_some(path)
}

/// Percent-encodes all but unreserved characters and `/`, for a query value.
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_login() {
        assert_eq!(local_path("/units/3"), Some("/units/3"));
        assert_eq!(
            local_path("/messages?verdict=rejected"),
            Some("/messages?verdict=rejected")
        );
        assert_eq!(local_path("//evil.example/x"), None);
        assert_eq!(local_path("/\\evil.example"), None);
        assert_eq!(local_path("https://evil.example/"), None);
        assert_eq!(local_path("evil"), None);
        assert_eq!(local_path("/a\nb"), None);
        assert_eq!(local_path("/login?next=/x"), None);
        assert_eq!(local_path(""), None);
    }

    #[test]
    fn the_next_path_is_percent_encoded() {
        assert_eq!(
            percent_encode("/units/和?a=1&b"),
            "/units/%E5%92%8C%3Fa%3D1%26b"
        );
    }

    #[test]
    fn idle_time_comes_from_the_stored_time() {
        let now = Utc::now();
        let then = (now - chrono::Duration::hours(9)).to_rfc3339();
        assert!(idle_seconds(&then, now).unwrap() > token::IDLE_SECONDS);
        assert_eq!(idle_seconds("garbage", now), None);
    }
}
