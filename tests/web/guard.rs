//! What the desk refuses, checked from a browser: pages without a session go to `/login`; a
//! viewer sees no decision and a forced one gets 403; a POST without the session's CSRF token
//! gets 403; a file is served only under its own message, and `../` reaches nothing.

use crate::browser::Driver;
use crate::clerk::{HEPING, NANKAI, sample_desk};
use crate::rt;
use crate::steps::*;

#[test]
#[ignore = "needs the desk pages and login/CSRF (auth branch); temporary"]
fn the_desk_refuses_what_it_must() {
    crate::require_browser!();
    let desk = sample_desk("web-guard");
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
        // The accept form's target, as a clerk's page gives it.
        let mut accept = String::new();
        driver
            .check("guard-no-csrf", &base, async |p| {
                login(&p, "clerk").await?;
                open_unit(&p, NANKAI.0).await?;
                accept = action(&p, &decision("accept")).await?;
                let reason = ("reason", "无令牌的请求");
                let bare = p.fetch("POST", &accept, Some(&[reason])).await?;
                assert_eq!(bare.status, 403, "POST {accept} without csrf");
                let forged = [("csrf", "0000forged0000"), reason];
                let forged = p.fetch("POST", &accept, Some(&forged)).await?;
                assert_eq!(forged.status, 403, "POST {accept} with a forged csrf");
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
                assert_eq!(
                    p.count("form[data-decision]").await?,
                    0,
                    "a viewer sees decisions"
                );
                assert_eq!(
                    p.count("[name=reason]").await?,
                    0,
                    "a viewer sees a reason field"
                );
                let token = csrf(&p).await?;
                let form = [("csrf", token.as_str()), ("reason", "查看者强行受理")];
                let forced = p.fetch("POST", &accept, Some(&form)).await?;
                assert_eq!(forced.status, 403, "a viewer's POST {accept}");
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
                let tries = [
                    format!("{dir}/{other_file}"),
                    format!("{dir}/..%2F..%2F..%2Fshenbao.db"),
                    format!("{dir}/%2e%2e%2f%2e%2e%2fshenbao.db"),
                    format!("{dir}/..%5C..%5Cshenbao.db"),
                    format!("{own}/..%2F..%2Fshenbao.db"),
                    format!("{dir}/%2e%2e"),
                ];
                for url in tries {
                    let got = p.fetch("GET", &url, None).await?;
                    assert_eq!(
                        got.status, 404,
                        "{url} (a file of another message or a path)"
                    );
                    assert!(
                        !got.body.starts_with("SQLite format"),
                        "{url} served the record"
                    );
                }
                Ok(())
            })
            .await;
    }));
}
