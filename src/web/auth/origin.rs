//! Login CSRF: a page elsewhere must not post the login form and sign a clerk's browser in as
//! an account the attacker holds (what the clerk then decides would be recorded under it).
//! The login form has no session yet to tie a token to, so the browser's own word about where
//! the post came from decides: `Sec-Fetch-Site` when sent (every current browser does), else
//! `Origin` against `Host`. A request with neither (curl, scripts) is not a browser's and
//! carries no victim's cookies, so it is let through.

use axum::http::HeaderMap;
use axum::http::header::{HOST, ORIGIN};

/// Whether a posted login came from another site.
pub fn cross_site(headers: &HeaderMap) -> bool {
    let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = text("sec-fetch-site") {
        // `none` is the user typing or a bookmark; same-site is a sibling host, not us.
        return !matches!(site.trim(), "same-origin" | "none");
    }
    match (text(ORIGIN.as_str()), text(HOST.as_str())) {
        (Some(origin), Some(host)) => authority(origin) != Some(host.trim()),
        (Some(_), None) => true,
        (None, _) => false,
    }
}

/// `host[:port]` of an origin (`https://desk.example:8443`); None for `null` and the like.
fn authority(origin: &str) -> Option<&str> {
    let (_, rest) = origin.trim().split_once("://")?;
    Some(rest.trim_end_matches('/')).filter(|a| !a.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn the_browsers_word_decides() {
        assert!(!cross_site(&headers(&[("sec-fetch-site", "same-origin")])));
        assert!(!cross_site(&headers(&[("sec-fetch-site", "none")])));
        assert!(cross_site(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(cross_site(&headers(&[("sec-fetch-site", "same-site")])));
    }

    #[test]
    fn without_it_the_origin_must_be_the_host() {
        let h = |o| headers(&[("origin", o), ("host", "127.0.0.1:8080")]);
        assert!(!cross_site(&h("http://127.0.0.1:8080")));
        assert!(cross_site(&h("http://evil.example")));
        assert!(cross_site(&h("null")));
        assert!(cross_site(&headers(&[("origin", "http://a.example")])));
        assert!(!cross_site(&headers(&[("host", "127.0.0.1:8080")])));
    }
}
