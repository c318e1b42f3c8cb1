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
