//! The division's web desk in a real browser: the daemon serves `[web]` over a Maildir of
//! sample submissions (file outbox), and headless Chromium, driven over WebDriver, does what a
//! clerk does — and what an attacker's mail tries to make it do. See tests/support/browser.rs.
//!
//! `cargo test --test web_browser` (skips with a notice when Chromium or chromedriver is
//! missing; `SHENBAO_REQUIRE_BROWSER=1` makes that a failure). Failures leave a screenshot in
//! `target/browser-failures/`.
// A test crate: a failed unwrap, expect or panic is the test failing, which is what it should do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/browser/mod.rs"]
mod browser;
#[path = "web/clerk.rs"]
mod clerk;
mod common;
#[path = "web/desk.rs"]
mod desk;
#[path = "web/guard.rs"]
mod guard;
#[path = "web/hostile.rs"]
mod hostile;
#[path = "web/screens.rs"]
mod screens;
#[path = "web/steps.rs"]
mod steps;

use browser::Driver;
use common::place::Place;
use futures_util::FutureExt as _;
use std::panic::AssertUnwindSafe;

/// A runtime for the daemon and the WebDriver client together.
pub fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// The harness on a page of its own (a `data:` URL): reading text, filling and submitting a
/// form, a script-set marker seen, an escaped payload not run, an unescaped one caught, and a
/// failing check leaving its screenshot.
#[test]
fn harness_drives_chromium() {
    crate::require_browser!();
    let driver = Driver::start().unwrap();
    let page = "data:text/html;charset=utf-8,\
        <title>t</title><h1 id=h>申报 &lt;script&gt;window.__x=1&lt;/script&gt;</h1>\
        <form id=f onsubmit=\"event.preventDefault();\
        document.body.insertAdjacentHTML('beforeend', '<p id=done>' + this.username.value)\">\
        <input name=username>\
        <button>登录</button></form><a href=about:blank>下一页</a>\
        <script>window.__y = 1</script>";
    rt().block_on(async {
        driver
            .check("harness", "", async |p| {
                p.goto(page).await?;
                assert_eq!(p.text("h1#h").await?, "申报 <script>window.__x=1</script>");
                p.assert_marker_unset("__x").await?;
                // The detector sees what a script sets.
                assert!(p.assert_marker_unset("__y").await.is_err());
                p.fill("username", "clerk").await?;
                assert_eq!(
                    p.eval("return document.forms.f.username.value", vec![])
                        .await?,
                    "clerk"
                );
                // A form a script handles loads nothing: a plain click.
                p.click("form#f button").await?;
                assert_eq!(p.text("#done").await?, "clerk");
                // A link loads a new page, and the harness waits for it.
                p.click_link("下一页").await?;
                assert_eq!(p.url_now().await?, "about:blank");
                // An unescaped payload runs, and the check says so.
                p.goto("data:text/html,<img src=x onerror=\"window.__x=1\">")
                    .await?;
                assert!(p.assert_marker_unset("__x").await.is_err());
                Ok(())
            })
            .await;
        // A failing check saves the page before failing the test.
        let shot = browser::failure_dir().join("harness-failure.png");
        let _ = std::fs::remove_file(&shot);
        let failed = AssertUnwindSafe(driver.check("harness-failure", "", async |p| {
            p.goto(page).await?;
            Err("on purpose".into())
        }))
        .catch_unwind()
        .await;
        assert!(failed.is_err());
        assert!(std::fs::metadata(&shot).is_ok_and(|m| m.len() > 0));
        let _ = std::fs::remove_file(&shot);
        let _ = std::fs::remove_file(shot.with_extension("html"));
    });
}

/// The daemon with `[web] listen = "127.0.0.1:0"` answers the browser on the address it bound.
#[test]
fn the_daemon_serves_the_desk_to_the_browser() {
    crate::require_browser!();
    let place = Place::new("web-up");
    let mut cfg = place.config();
    cfg.web.listen = Some("127.0.0.1:0".into());
    let driver = Driver::start().unwrap();
    rt().block_on(async {
        let d = shenbao::daemon::Daemon::open(cfg).await.unwrap();
        let base = format!("http://{}", d.web_addr().unwrap());
        driver
            .check("daemon-up", &base, async |p| {
                p.goto("/").await?;
                let status = p.status().await?;
                assert_ne!(status, 0, "no answer from {base}");
                eprintln!("status {status} {}", p.body_text().await?);
                Ok(())
            })
            .await;
        d.close().await;
    });
}
