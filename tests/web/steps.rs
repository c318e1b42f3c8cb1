//! What a person does on the desk, as steps the scenarios share: log in, open a unit, find a
//! decision form and the session's CSRF token. Each step says what it expected when it fails.

use crate::browser::{Page, Result};
use crate::desk::PASSWORD;

/// The login form: the form holding the `username` field (no id needed).
pub const LOGIN_FORM: &str = "form:has(input[name=username])";
/// Every decision form on a page (shown to clerks only).
pub const DECISIONS: &str = "form.decide";
/// The form of a clerk's decision `kind` (`accept`, `answer`, …) on a unit or message page.
pub fn decision(kind: &str) -> String {
    format!("form.decide[data-kind=\"{kind}\"]")
}
/// The logout form (a POST carrying the CSRF token).
pub const LOGOUT_FORM: &str = "form[action$=\"/logout\"]";
/// Links to a unit's files (text: the original file name).
pub const FILE_LINK: &str = "a.file";
/// The seal evidence images, one per stamped page.
pub const SEAL_IMAGE: &str = "img.seal";
/// What shows the first seal image when clicked (it loads lazily, once shown).
pub const SEAL_SHOW: &str = "details.seal summary";

/// Logs `user` in at `/login` and checks the desk let them through.
pub async fn login(p: &Page, user: &str) -> Result<()> {
    p.goto("/login").await?;
    p.fill("username", user).await?;
    p.fill("password", PASSWORD).await?;
    p.submit(LOGIN_FORM).await?;
    let at = p.path().await?;
    if at.starts_with("/login") {
        return Err(format!("{user} could not log in: {}", p.body_text().await?).into());
    }
    Ok(())
}

/// Opens the unit page of `unit` from the list at `/units` (by its link's text).
pub async fn open_unit(p: &Page, unit: &str) -> Result<()> {
    p.goto("/units").await?;
    p.click_link(unit).await?;
    let at = p.path().await?;
    if !at.starts_with("/units/") {
        return Err(format!("the link {unit:?} led to {at}, not a unit page").into());
    }
    Ok(())
}

/// The session's CSRF token, as the page's forms carry it.
pub async fn csrf(p: &Page) -> Result<String> {
    p.attr("input[name=csrf]", "value")
        .await?
        .ok_or_else(|| "a form without a csrf value".into())
}

/// The `href` of every element matching `css`, as the browser resolved them (paths only).
pub async fn hrefs(p: &Page, css: &str) -> Result<Vec<String>> {
    let v = p
        .eval(
            "return Array.from(document.querySelectorAll(arguments[0]))
                .map(a => { const u = new URL(a.href || a.src, location.href);
                            return u.pathname + u.search; });",
            vec![serde_json::json!(css)],
        )
        .await?;
    Ok(v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default())
}

/// The path an element's form would post to (its `action`, resolved).
pub async fn action(p: &Page, form: &str) -> Result<String> {
    let v = p
        .eval(
            "const f = document.querySelector(arguments[0]);
             return f ? new URL(f.action, location.href).pathname : null;",
            vec![serde_json::json!(form)],
        )
        .await?;
    v.as_str()
        .map(str::to_string)
        .ok_or_else(|| format!("no form {form} on {}", "this page").into())
}

/// The visible text of the table row that mentions `text` (empty when none does).
pub async fn row_text(p: &Page, text: &str) -> Result<String> {
    let v = p
        .eval(
            "const row = Array.from(document.querySelectorAll('tr'))
                .find(tr => tr.innerText.includes(arguments[0]));
             return row ? row.innerText : '';",
            vec![serde_json::json!(text)],
        )
        .await?;
    Ok(v.as_str().unwrap_or_default().to_string())
}

/// Reloads the page until its text holds `needle` (the daemon applies decisions a moment
/// after the desk records them), at most 20 s.
pub async fn wait_text(p: &Page, needle: &str) -> Result<()> {
    let end = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        if p.body_text().await?.contains(needle) {
            return Ok(());
        }
        if std::time::Instant::now() > end {
            let at = p.path().await?;
            return Err(format!("{at} never showed {needle:?}").into());
        }
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        p.client.refresh().await?;
    }
}

/// The fields a form would post (name, value), hidden ones included, as the browser sees them.
pub async fn form_fields(p: &Page, form: &str) -> Result<Vec<(String, String)>> {
    let v = p
        .eval(
            "const f = document.querySelector(arguments[0]);
             return f ? Array.from(new FormData(f)).map(([k, v]) => [k, String(v)]) : null;",
            vec![serde_json::json!(form)],
        )
        .await?;
    let Some(pairs) = v.as_array() else {
        return Err(format!("no form {form} on {}", p.path().await?).into());
    };
    Ok(pairs
        .iter()
        .map(|kv| {
            let s = |i: usize| kv[i].as_str().unwrap_or_default().to_string();
            (s(0), s(1))
        })
        .collect())
}

/// `fields` with `name` set to `value` (added when missing); `None` removes it.
pub fn with(fields: &[(String, String)], name: &str, value: Option<&str>) -> Vec<(String, String)> {
    let mut out: Vec<_> = fields.iter().filter(|(k, _)| k != name).cloned().collect();
    if let Some(v) = value {
        out.push((name.to_string(), v.to_string()));
    }
    out
}

/// Borrows owned pairs for [`Page::fetch`].
pub fn pairs(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

/// The `data-standing` code of `unit`'s row on `/units` (`incomplete`, `accepted`, …).
pub async fn standing(p: &Page, unit: &str) -> Result<String> {
    let v = p
        .eval(
            "const row = Array.from(document.querySelectorAll('tr'))
                .find(tr => tr.innerText.includes(arguments[0]));
             const tag = row && row.querySelector('[data-standing]');
             return tag ? tag.dataset.standing : '';",
            vec![serde_json::json!(unit)],
        )
        .await?;
    Ok(v.as_str().unwrap_or_default().to_string())
}
