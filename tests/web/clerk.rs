//! A clerk's round on the desk, in the order the issue lists it: log in, see the units, open
//! one, open a file and a seal image, accept it by hand with a reason and find the receipt in
//! the outbox, answer a question, log out.

use crate::browser::Driver;
use crate::desk::Desk;
use crate::rt;
use crate::steps::*;

/// Waits for its stamped summary: the samples without 06-nankai-completion.
pub const NANKAI: (&str, &str) = ("南开区市场监督管理局", "nkqscjgj@tj.gov.cn");
/// Complete (受理).
pub const HEPING: &str = "和平区市场监督管理局";
/// Complete, from a zip (受理).
pub const BINHAI: &str = "滨海新区市场监督管理局";
/// Asked a question (sample 03).
pub const HEXI: (&str, &str) = ("关于质量攻关项目申报的咨询", "hxqscjgj@tj.gov.cn");

/// The samples but Nankai's completion, a clerk and a viewer.
pub fn sample_desk(tag: &str) -> Desk {
    let desk = Desk::new(tag);
    desk.deliver_samples(&["06-nankai-completion"]);
    desk.user_add("clerk", "clerk");
    desk.user_add("viewer", "viewer");
    desk
}

/// Reading: log in, the units with their standing, a unit's files and seal image, log out.
#[test]
fn a_clerk_reads_the_desk() {
    crate::require_browser!();
    let desk = sample_desk("web-clerk-read");
    let driver = Driver::start().unwrap();
    rt().block_on(desk.serve(async |base| {
        driver
            .check("clerk-units", &base, async |p| {
                login(&p, "clerk").await?;
                p.goto("/units").await?;
                for unit in [HEPING, NANKAI.0, BINHAI] {
                    assert!(!row_text(&p, unit).await?.is_empty(), "{unit} not listed");
                }
                assert_eq!(standing(&p, NANKAI.0).await?, "incomplete");
                assert_eq!(standing(&p, HEPING).await?, "accepted");
                Ok(())
            })
            .await;
        driver
            .check("clerk-unit-files", &base, async |p| {
                login(&p, "clerk").await?;
                open_unit(&p, NANKAI.0).await?;
                let text = p.body_text().await?;
                assert!(text.contains("天津南开新材料股份有限公司"), "{text}");
                let files = hrefs(&p, FILE_LINK).await?;
                assert!(files.len() >= 3, "files listed: {files:?}");
                let names = p.texts(FILE_LINK).await?;
                let docx = names.iter().position(|n| n.ends_with(".docx")).unwrap();
                let got = p.fetch("GET", &files[docx], None).await?;
                assert_eq!(got.status, 200, "{}: {}", files[docx], got.body);
                let disposition = got.disposition.unwrap_or_default();
                assert!(disposition.contains("filename*=UTF-8''"), "{disposition}");
                assert!(p.count(SEAL_IMAGE).await? >= 1, "no seal evidence image");
                p.click(SEAL_SHOW).await?;
                assert!(
                    p.image_loaded(SEAL_IMAGE).await?,
                    "the seal image did not load"
                );
                let seal = hrefs(&p, SEAL_IMAGE).await?;
                p.goto(&seal[0]).await?;
                assert_eq!(p.status().await?, 200);
                Ok(())
            })
            .await;
        driver
            .check("clerk-logout", &base, async |p| {
                login(&p, "clerk").await?;
                p.goto("/units").await?;
                p.submit(LOGOUT_FORM).await?;
                p.goto("/units").await?;
                assert!(
                    p.path().await?.starts_with("/login"),
                    "still in after logout"
                );
                Ok(())
            })
            .await;
    }));
}

/// Deciding: accept a unit by hand with a reason (its receipt goes out through the outbox and
/// the page shows the decision), answer a question from its message page.
#[test]
fn a_clerk_decides_by_hand() {
    crate::require_browser!();
    let desk = sample_desk("web-clerk-decide");
    let driver = Driver::start().unwrap();
    rt().block_on(desk.serve(async |base| {
        driver
            .check("clerk-accept", &base, async |p| {
                login(&p, "clerk").await?;
                open_unit(&p, NANKAI.0).await?;
                let reason = "盖章汇总表已电话核实，纸质件随后补交";
                p.fill_in(&decision("accept"), "reason", reason).await?;
                p.submit(&decision("accept")).await?;
                let receipt = desk
                    .wait_reply(|r| r.kind == "receipt" && r.recipient == NANKAI.1)
                    .await?;
                let number = receipt.receipt.unwrap_or_default();
                assert!(number.starts_with("ZLGG2023-"), "{number}");
                open_unit(&p, NANKAI.0).await?;
                wait_text(&p, &number).await?;
                assert_eq!(p.text("#receipt").await?, number);
                let decisions = p.text("table#decisions").await?;
                assert!(
                    decisions.contains(reason) && decisions.contains("clerk"),
                    "{decisions}"
                );
                Ok(())
            })
            .await;
        driver
            .check("clerk-answer", &base, async |p| {
                login(&p, "clerk").await?;
                p.goto("/messages").await?;
                p.click_link(HEXI.0).await?;
                assert!(p.path().await?.starts_with("/messages/"));
                let answer = "企业和推荐单位均需盖章，谢谢。";
                p.fill_in(&decision("answer"), "note", answer).await?;
                p.fill_in(&decision("answer"), "reason", "电话外答复前先书面答复")
                    .await?;
                p.submit(&decision("answer")).await?;
                desk.wait_reply(|r| r.recipient == HEXI.1 && r.body.contains(answer))
                    .await?;
                Ok(())
            })
            .await;
    }));
}
