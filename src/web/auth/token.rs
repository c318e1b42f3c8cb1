//! Secrets the desk hands out (session cookies, CSRF tokens, API tokens): 32 bytes of OS
//! randomness as hex, stored only as their sha256, compared in constant time.

use axum::http::HeaderMap;
use axum::http::header::COOKIE;

/// The session cookie's name.
pub const COOKIE_NAME: &str = "shenbao_session";

/// Idle time that ends a session, in seconds (8 hours).
pub const IDLE_SECONDS: i64 = 8 * 3600;

/// A fresh random token: 32 bytes from the OS, as 64 hex digits.
pub fn fresh() -> anyhow::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no OS randomness: {e}"))?;
    Ok(hex(&bytes))
}

/// What is stored for a token: its sha256, so a copy of the database opens no session.
pub fn digest(token: &str) -> String {
    crate::store::archive::sha256_hex(token.as_bytes())
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    bytes
        .iter()
        .flat_map(|b| [DIGITS[usize::from(b >> 4)], DIGITS[usize::from(b & 15)]])
        .map(char::from)
        .collect()
}

/// Equal, in time that depends only on the lengths (which are public: every token has 64).
pub fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The `Set-Cookie` value that carries a session: unreadable by scripts, never sent by
/// another site's page, `Secure` when served over TLS. No `Max-Age`: the server ends it.
pub fn set_cookie(token: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{COOKIE_NAME}={token}; HttpOnly; SameSite=Strict; Path=/{secure}")
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie(secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{COOKIE_NAME}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0{secure}")
}

/// The session token from the request's cookies, if any looks like one of ours.
pub fn from_cookies(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.trim().to_string())
        .filter(|v| plausible(v))
}

/// The token of `Authorization: Bearer …`, if any.
pub fn from_bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && plausible(token)).then(|| token.to_string())
}

/// 64 hex digits: anything else is not worth a database look-up.
fn plausible(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn tokens_are_fresh_hex_and_stored_as_their_digest() {
        let a = fresh().unwrap();
        let b = fresh().unwrap();
        assert_eq!(a.len(), 64);
        assert!(plausible(&a));
        assert_ne!(a, b);
        assert_eq!(digest(&a).len(), 64);
        assert_ne!(digest(&a), a);
    }

    #[test]
    fn comparison_needs_every_byte_and_the_length() {
        assert!(same(b"abc", b"abc"));
        assert!(!same(b"abc", b"abd"));
        assert!(!same(b"abc", b"ab"));
        assert!(!same(b"", b"a"));
        assert!(same(b"", b""));
    }

    #[test]
    fn the_cookie_is_http_only_strict_and_secure_under_tls() {
        let plain = set_cookie("t", false);
        assert_eq!(
            plain,
            "shenbao_session=t; HttpOnly; SameSite=Strict; Path=/"
        );
        assert!(set_cookie("t", true).ends_with("; Secure"));
        assert!(clear_cookie(false).contains("Max-Age=0"));
    }

    #[test]
    fn cookie_and_bearer_are_read_only_when_they_look_like_tokens() {
        let t = fresh().unwrap();
        let mut h = HeaderMap::new();
        h.insert(
            COOKIE,
            HeaderValue::from_str(&format!("a=1; {COOKIE_NAME}={t}; b=2")).unwrap(),
        );
        assert_eq!(from_cookies(&h).as_deref(), Some(t.as_str()));
        h.insert(COOKIE, HeaderValue::from_static("shenbao_session=../x"));
        assert_eq!(from_cookies(&h), None);
        h.insert(
            axum::http::header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Bearer {t}")).unwrap(),
        );
        assert_eq!(from_bearer(&h).as_deref(), Some(t.as_str()));
        h.insert(
            axum::http::header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Basic {t}")).unwrap(),
        );
        assert_eq!(from_bearer(&h), None);
    }
}
