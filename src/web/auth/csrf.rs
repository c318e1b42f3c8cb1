//! Forms that change state. A browser session must send back the CSRF token of its session
//! (the hidden `csrf` field, or `X-CSRF-Token` from a script); a bearer-token call carries no
//! cookie a foreign page could ride on, so it needs none. Bodies are bounded.

use super::session::{Via, authenticate};
use super::{Role, Viewer, page, token};
use crate::web::Desk;
use axum::body::Body;
use axum::extract::{Form, FromRequest, Request};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::Response;
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// Largest form body read (a clerk's reply text fits many times over).
pub const MAX_FORM_BYTES: usize = 256 * 1024;

/// Header a script may carry the session's token in instead of the form field.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A state-changing form from a signed-in person whose CSRF token matched; else 403.
#[derive(Debug)]
pub struct CsrfForm<T>(pub Viewer, pub T);

/// A [`CsrfForm`] from a clerk; a viewer gets 403.
#[derive(Debug)]
pub struct ClerkForm<T>(pub Viewer, pub T);

/// Only the token, read from the same body as the form.
#[derive(Deserialize)]
struct Token {
    #[serde(default)]
    csrf: String,
}

impl<T: DeserializeOwned + Send> FromRequest<Desk> for CsrfForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, desk: &Desk) -> Result<Self, Response> {
        let (parts, body) = req.into_parts();
        let (viewer, via) = authenticate(&parts, desk).await?;
        let bytes = axum::body::to_bytes(body, MAX_FORM_BYTES)
            .await
            .map_err(|_| page::error(StatusCode::PAYLOAD_TOO_LARGE, "提交的内容过大。"))?;
        if let Via::Session = via {
            let header = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let sent = match header {
                Some(h) => h,
                None => parse::<Token>(&bytes)
                    .await
                    .map(|t| t.csrf)
                    .unwrap_or_default(),
            };
            if viewer.csrf.is_empty() || !token::same(sent.as_bytes(), viewer.csrf.as_bytes()) {
                tracing::warn!(user = %viewer.name, path = %parts.uri.path(), "form without a valid CSRF token refused");
                return Err(page::forged());
            }
        }
        let form = parse::<T>(&bytes)
            .await
            .map_err(|e| page::error(StatusCode::BAD_REQUEST, &format!("表单内容有误：{e}")))?;
        Ok(CsrfForm(viewer, form))
    }
}

impl<T: DeserializeOwned + Send> FromRequest<Desk> for ClerkForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, desk: &Desk) -> Result<Self, Response> {
        let CsrfForm(viewer, form) = CsrfForm::<T>::from_request(req, desk).await?;
        if viewer.role != Role::Clerk {
            tracing::warn!(user = %viewer.name, "decision by a read-only account refused");
            return Err(page::not_clerk());
        }
        Ok(ClerkForm(viewer, form))
    }
}

/// An urlencoded body as `T`, through axum's own form parser.
async fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    let req = Request::builder()
        .method("POST")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(bytes.to_vec()))
        .map_err(|e| e.to_string())?;
    Form::<T>::from_request(req, &())
        .await
        .map(|Form(t)| t)
        .map_err(|e| e.body_text())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use axum::Router;
    use axum::routing::post;
    use std::io::{Read, Write};
    use std::net::{SocketAddr, TcpStream};

    /// A decision form as a page would declare it.
    #[derive(Deserialize)]
    struct Note {
        note: String,
    }

    async fn decide(ClerkForm(v, n): ClerkForm<Note>) -> String {
        format!("{}:{}", v.name, n.note)
    }

    async fn propose(CsrfForm(v, n): CsrfForm<Note>) -> String {
        format!("{}:{}", v.name, n.note)
    }

    /// Status and body of a POST with `headers` and `body`.
    fn post_to(addr: SocketAddr, path: &str, headers: &str, body: &str) -> (u16, String) {
        let mut s = TcpStream::connect(addr).unwrap();
        // The server may answer and close before reading a body past the bound.
        let _ = write!(
            s,
            "POST {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{headers}\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let mut raw = Vec::new();
        let _ = s.read_to_end(&mut raw);
        let raw = String::from_utf8_lossy(&raw).to_string();
        let status = raw.split(' ').nth(1).unwrap_or("0").parse().unwrap();
        let body = raw.split_once("\r\n\r\n").map(|(_, b)| b.to_string());
        (status, body.unwrap_or_default())
    }

    #[test]
    fn forms_need_the_session_token_and_decisions_a_clerk() {
        let dir = std::env::temp_dir().join(format!("shenbao-csrf-{}", std::process::id()));
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let (addr, cookies) = rt.block_on(async {
            let store = Store::open(&dir).await.unwrap();
            let mut cookies = Vec::new();
            for (name, role) in [("li", Role::Clerk), ("wang", Role::Viewer)] {
                let id = store.add_user(name, role, "$phc").await.unwrap();
                let (t, csrf) = (token::fresh().unwrap(), token::fresh().unwrap());
                let stale = chrono::Utc::now() - chrono::Duration::hours(8);
                store
                    .open_session(id, &token::digest(&t), &csrf, stale)
                    .await
                    .unwrap();
                cookies.push((format!("Cookie: {}={t}\r\n", token::COOKIE_NAME), csrf));
            }
            let api = token::fresh().unwrap();
            store.add_api_token(1, &token::digest(&api)).await.unwrap();
            cookies.push((format!("Authorization: Bearer {api}\r\n"), String::new()));
            let desk = Desk {
                store,
                cfg: std::sync::Arc::new(crate::config::Config::load(None).unwrap()),
                wake: Default::default(),
                secure: false,
            };
            let app = Router::new()
                .route("/decide", post(decide))
                .route("/propose", post(propose))
                .route("/api/decide", post(decide))
                .with_state(desk);
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            tokio::spawn(async move { axum::serve(listener, app).await });
            (addr, cookies)
        });
        let [(clerk, clerk_csrf), (viewer, viewer_csrf), (bearer, _)] = &cookies[..] else {
            unreachable!()
        };

        let ok = format!("note=%E5%A5%BD&csrf={clerk_csrf}");
        assert_eq!(post_to(addr, "/decide", clerk, &ok), (200, "li:好".into()));
        let (status, body) = post_to(addr, "/decide", clerk, "note=x");
        assert_eq!(status, 403);
        assert!(body.contains("校验码"), "{body}");
        let (status, _) = post_to(
            addr,
            "/decide",
            clerk,
            &format!("note=x&csrf={viewer_csrf}"),
        );
        assert_eq!(status, 403, "another session's token");
        let header = format!("{clerk}X-CSRF-Token: {clerk_csrf}\r\n");
        assert_eq!(post_to(addr, "/decide", &header, "note=h").0, 200);
        // A viewer's own valid token makes a form, not a decision.
        let mine = format!("note=v&csrf={viewer_csrf}");
        assert_eq!(
            post_to(addr, "/propose", viewer, &mine),
            (200, "wang:v".into())
        );
        let (status, body) = post_to(addr, "/decide", viewer, &mine);
        assert_eq!(status, 403);
        assert!(body.contains("只读"), "{body}");
        // A script's token needs no CSRF token, and only counts under /api/.
        assert_eq!(
            post_to(addr, "/api/decide", bearer, "note=b"),
            (200, "li:b".into())
        );
        assert_eq!(post_to(addr, "/decide", bearer, "note=b").0, 303);
        // No session at all: to the login page; a body past the bound: 413.
        assert_eq!(post_to(addr, "/decide", "", &ok).0, 303);
        let big = format!("csrf={clerk_csrf}&note={}", "x".repeat(MAX_FORM_BYTES));
        assert_eq!(post_to(addr, "/decide", clerk, &big).0, 413);
        drop(rt);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
