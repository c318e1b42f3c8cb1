//! What the desk refuses, checked from a browser: pages without a session go to `/login`; a
//! viewer sees no decision and a forced one gets 403; a POST without the session's CSRF token
//! gets 403; a file is served only under its own message, and `../` reaches nothing.

use crate::browser::Driver;
use crate::clerk::{HEPING, NANKAI, sample_desk};
use crate::rt;
use crate::steps::*;

/// No session: every page goes to `/login`. Files: only under their own message, and `../`
/// in any spelling reaches nothing.
#[test]
fn pages_need_a_session_and_files_stay_in_their_message() {
    crate::require_browser!();
    let desk = sample_desk("web-guard-pages");
    let driver = Driver::start().unwrap();
    rt().block_on(desk.serve(async |base| {
        driver
            .check("guard-no-session", &base, async |p| {
                for path in [
                    "/",
                    "/units",
                    "/units/1",
                    "/messages",
                    "/messages/1",
                    "/projects",
                ] {
                    p.goto(path).await?;
                    let at = p.path().await?;
                    assert!(
                        at.starts_with("/login"),
                        "{path} without a session: at {at}"
                    );
                }
                assert_eq!(p.count("input[name=username]").await?, 1);
                assert_eq!(p.count("input[name=password][type=password]").await?, 1);
                Ok(())
            })
            .await;
        driver
            .check("guard-downloads", &base, async |p| {
                login(&p, "clerk").await?;
                open_unit(&p, NANKAI.0).await?;
                let own = hrefs(&p, FILE_LINK).await?;
                open_unit(&p, HEPING).await?;
                let other = hrefs(&p, FILE_LINK).await?;
                let last = |u: &String| u.rsplit('/').next().unwrap_or_default().to_string();
                let mine: Vec<String> = own.iter().map(last).collect();
                // A file id of the other unit's message that names no file of this one.
                let other_file = other.iter().map(last).find(|f| !mine.contains(f));
                let (Some(own), Some(other_file)) = (own.first(), other_file) else {
                    return Err(format!("file links: {own:?} and {other:?}").into());
                };
                assert_eq!(p.fetch("GET", own, None).await?.status, 200, "{own}");
                let (dir, _) = own.rsplit_once('/').unwrap();
                let cross = format!("{dir}/{other_file}");
                let got = p.fetch("GET", &cross, None).await?;
                assert_eq!(got.status, 404, "{cross}: a file of another message");
                for url in traversals(own) {
                    let got = p.fetch("GET", &url, None).await?;
                    assert!(
                        !got.body.starts_with("SQLite format"),
                        "{url} served the record"
                    );
                    assert!(!(200..300).contains(&got.status), "{url}: {}", got.status);
                }
                Ok(())
            })
            .await;
    }));
}

/// `../` in any spelling, where a file id goes: 404, like any file that is not there.
#[test]
fn dot_dot_in_a_file_path_gets_404() {
    crate::require_browser!();
    let desk = sample_desk("web-guard-dotdot");
    let driver = Driver::start().unwrap();
    rt().block_on(desk.serve(async |base| {
        driver
            .check("guard-dotdot", &base, async |p| {
                login(&p, "clerk").await?;
                open_unit(&p, NANKAI.0).await?;
                let own = hrefs(&p, FILE_LINK).await?;
                let own = own.first().ok_or("no file links")?;
                // Every answer first, so one failure shows them all.
                let mut wrong = Vec::new();
                for url in traversals(own) {
                    let got = p.fetch("GET", &url, None).await?;
                    if got.status != 404 {
                        wrong.push(format!("{url}: {}", got.status));
                    }
                }
                assert!(wrong.is_empty(), "not 404: {wrong:#?}");
                Ok(())
            })
            .await;
    }));
}

/// Ways to climb out of a file's URL (`/messages/M/files/F`) toward the record.
fn traversals(file: &str) -> Vec<String> {
    let (dir, _) = file.rsplit_once('/').unwrap_or((file, ""));
    vec![
        format!("{dir}/..%2F..%2F..%2Fshenbao.db"),
        format!("{dir}/%2e%2e%2f%2e%2e%2fshenbao.db"),
        format!("{dir}/..%5C..%5Cshenbao.db"),
        format!("{file}/..%2F..%2Fshenbao.db"),
        format!("{dir}/%2e%2e"),
    ]
}

/// Decisions: a POST without the session's CSRF token (or with a forged one) gets 403, a
/// viewer sees no decision form and a forced POST with the viewer's own token gets 403, and
/// none of it decided anything.
#[test]
fn decisions_need_a_clerk_and_the_csrf_token() {
    crate::require_browser!();
    let desk = sample_desk("web-guard-decide");
    let driver = Driver::start().unwrap();
    rt().block_on(desk.serve(async |base| {
        // The accept form as a clerk's page gives it: where it goes and what it carries.
        let mut accept = (String::new(), Vec::new());
        driver
            .check("guard-no-csrf", &base, async |p| {
                login(&p, "clerk").await?;
                open_unit(&p, NANKAI.0).await?;
                let form = decision("accept");
                let fields = form_fields(&p, &form).await?;
                let fields = with(&fields, "reason", Some("无令牌的请求"));
                accept = (action(&p, &form).await?, fields.clone());
                let to = &accept.0;
                let bare = with(&fields, "csrf", None);
                let got = p.fetch("POST", to, Some(&pairs(&bare))).await?;
                assert_eq!(got.status, 403, "POST {to} without csrf");
                let forged = with(&fields, "csrf", Some("0000forged0000"));
                let got = p.fetch("POST", to, Some(&pairs(&forged))).await?;
                assert_eq!(got.status, 403, "POST {to} with a forged csrf");
                let logout = action(&p, LOGOUT_FORM).await?;
                let out = p.fetch("POST", &logout, None).await?;
                assert_eq!(out.status, 403, "logout without csrf");
                Ok(())
            })
            .await;
        driver
            .check("guard-viewer", &base, async |p| {
                login(&p, "viewer").await?;
                open_unit(&p, NANKAI.0).await?;
                assert_eq!(p.count(DECISIONS).await?, 0, "a viewer sees decisions");
                assert_eq!(
                    p.count("[name=reason]").await?,
                    0,
                    "a viewer sees a reason field"
                );
                let token = csrf(&p).await?;
                let (to, fields) = &accept;
                let forced = with(fields, "csrf", Some(&token));
                let got = p.fetch("POST", to, Some(&pairs(&forced))).await?;
                assert_eq!(got.status, 403, "a viewer's POST {to}");
                Ok(())
            })
            .await;
        // Nothing above decided anything.
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
        let receipts: Vec<_> = desk
            .replies()
            .into_iter()
            .filter(|r| r.recipient == NANKAI.1 && r.kind == "receipt")
            .collect();
        assert!(receipts.is_empty(), "a refused POST decided: {receipts:?}");
    }));
}
