//! A submission written to attack the desk: every string a page shows from the mail — subject,
//! sender name, body, file names, unit and enterprise names, project titles — carries markup or
//! a `javascript:` URL that would set `window.__x` if the desk ever let it run.

use crate::browser::{Driver, Page, Result};
use crate::common::{
    Form, application_docx, b_encode, email_with_headers, landscape, portrait, summary_xlsx,
};
use crate::desk::Desk;
use crate::rt;
use crate::steps::*;
use std::time::{Duration, UNIX_EPOCH};

/// Closes a tag and runs a script.
pub const SCRIPT: &str = "<script>window.__x=1</script>";
/// Breaks out of an attribute and sets an error handler.
pub const IMG: &str = "\"><img src=x onerror=\"window.__x=1\">";
/// A link that runs when followed.
pub const JS_URL: &str = "javascript:window.__x=1";
/// A handler without a slash, for file names (a `/` would be cut as a path).
pub const SVG: &str = "<svg onload=window.__x=1>";

/// The hostile unit (推荐单位), as its forms write it.
pub fn unit() -> String {
    format!("{IMG}河东区{SCRIPT}市场监管局")
}

/// Its sender's address.
pub const SENDER: &str = "hdqscjgj@tj.gov.cn";

/// Every string of the mail as a page must show it, as text.
pub fn shown() -> Vec<String> {
    vec![
        unit(),
        format!("{SCRIPT}天津津门精工有限公司"),
        format!("{IMG}天津海河化工有限公司"),
        format!("{JS_URL}提高焊接合格率"),
        subject(),
        sender_name(),
        format!("附件2：汇总表{SVG}.xlsx"),
        format!("附件1：{IMG}申报表.docx"),
        format!("{JS_URL}申报表（盖章）.pdf"),
    ]
}

fn subject() -> String {
    format!("申报材料{SCRIPT}{IMG}{JS_URL}")
}

fn sender_name() -> String {
    format!("{IMG}{SCRIPT}")
}

/// The hostile email: a summary and two application forms whose names carry the payloads, the
/// summary's stamped scan, one application's scan missing (so the unit waits for a decision).
pub fn mail() -> Vec<u8> {
    let unit = unit();
    let mut a = Form::new(0, &unit);
    a.enterprise = format!("{SCRIPT}天津津门精工有限公司");
    a.project = format!("{JS_URL}提高焊接合格率");
    let mut b = Form::new(1, &unit);
    b.enterprise = format!("{IMG}天津海河化工有限公司");
    b.project = format!("{SCRIPT}降低能耗");
    let forms = [a, b];
    let files: Vec<(String, Vec<u8>)> = vec![
        (
            format!("附件2：汇总表{SVG}.xlsx"),
            summary_xlsx(&unit, &forms),
        ),
        (format!("附件2：汇总表（盖章）{IMG}.pdf"), landscape()),
        (
            format!("附件1：{IMG}申报表.docx"),
            application_docx(&forms[0]),
        ),
        (format!("{JS_URL}申报表（盖章）.pdf"), portrait()),
        (
            format!("附件1：申报表{SVG}二.docx"),
            application_docx(&forms[1]),
        ),
    ];
    let attachments: Vec<(&str, Vec<u8>)> =
        files.iter().map(|(n, d)| (n.as_str(), d.clone())).collect();
    let from = format!("{} <{SENDER}>", b_encode(&sender_name()));
    email_with_headers(
        &from,
        &subject(),
        &format!("您好{SCRIPT}\r\n{IMG}\r\n{JS_URL}"),
        &attachments,
        "",
    )
}

/// Checks the page now shown: nothing ran, nothing became markup; returns its text.
async fn inert(p: &Page) -> Result<String> {
    // Open what is folded away, so lazy images load and hidden text is read too.
    p.eval(
        "document.querySelectorAll('details').forEach(d => d.open = true)",
        vec![],
    )
    .await?;
    p.assert_marker_unset("__x").await?;
    let found = p.injections("__x").await?;
    if !found.is_empty() {
        return Err(format!(
            "{} carries markup from the mail: {found:?}",
            p.path().await?
        )
        .into());
    }
    p.body_text().await
}

/// The paths of the links on this page to `prefix` followed by an id (`/units/` → `/units/3`).
async fn links(p: &Page, prefix: &str) -> Result<Vec<String>> {
    let mut all = hrefs(p, "a[href]").await?;
    all.retain(|h| {
        h.strip_prefix(prefix)
            .is_some_and(|rest| rest.chars().next().is_some_and(|c| c.is_ascii_digit()))
    });
    all.dedup();
    Ok(all)
}

#[test]

fn hostile_mail_shows_as_text_and_runs_nothing() {
    crate::require_browser!();
    let desk = Desk::new("web-hostile");
    // 2023-04-22 10:00 Beijing time, before the deadline.
    desk.deliver(
        "hostile.eml",
        &mail(),
        UNIX_EPOCH + Duration::from_secs(1_682_128_800),
    );
    desk.user_add("clerk", "clerk");
    let driver = Driver::start().unwrap();
    rt().block_on(desk.serve(async |base| {
        driver
            .check("hostile", &base, async |p| {
                login(&p, "clerk").await?;
                let mut seen = String::new();
                // Every section of the top bar (new ones included), and what scripts read.
                p.goto("/").await?;
                let mut sections = hrefs(&p, "header nav a[href]").await?;
                assert!(sections.len() >= 5, "top bar: {sections:?}");
                sections.extend(["/remind", "/api/units", "/api/messages"].map(String::from));
                for path in &sections {
                    p.goto(path).await?;
                    seen.push_str(&inert(&p).await?);
                }
                // Searching for the payload puts it back into the page (the search box).
                for path in ["/units?q=%3Cscript%3E", "/projects?q=%22%3E%3Cimg"] {
                    p.goto(path).await?;
                    inert(&p).await?;
                }
                p.goto("/units").await?;
                let units = links(&p, "/units/").await?;
                assert!(!units.is_empty(), "no unit links on /units");
                p.goto("/messages").await?;
                let messages = links(&p, "/messages/").await?;
                assert!(!messages.is_empty(), "no message links on /messages");
                for path in units.iter().chain(&messages) {
                    p.goto(path).await?;
                    seen.push_str(&inert(&p).await?);
                    for src in hrefs(&p, SEAL_IMAGE).await? {
                        let got = p.fetch("GET", &src, None).await?;
                        assert_eq!(got.status, 200, "seal image {src} on {path}: {}", got.body);
                        let kind = got.content_type.unwrap_or_default();
                        assert!(kind.starts_with("image/"), "{src} is {kind}");
                    }
                    if p.count(SEAL_IMAGE).await? > 0 {
                        // The evidence sits behind a click, so a page of many scans stays light.
                        p.click(SEAL_SHOW).await?;
                        assert!(p.image_loaded(SEAL_IMAGE).await?, "seal image on {path}");
                    }
                }
                // The unit's page by its (hostile) name, as a person would reach it.
                open_unit(&p, &unit()).await?;
                let text = inert(&p).await?;
                assert!(
                    text.contains(&unit()),
                    "the unit page does not show its name"
                );
                for s in shown() {
                    assert!(seen.contains(&s), "no page shows {s:?} as text");
                }
                Ok(())
            })
            .await;
    }));
}
