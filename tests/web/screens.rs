//! The screenshots README's division section shows (the overview and a unit page), taken from
//! the sample submissions in the same browser the tests drive:
//! `SHENBAO_SCREENSHOTS=DIR cargo test --test web_browser -- --ignored readme_screenshots`
//! writes `DIR/overview.png` and `DIR/unit.png`.

use crate::browser::Driver;
use crate::clerk::{NANKAI, sample_desk};
use crate::rt;
use crate::steps::*;
use std::path::PathBuf;

#[test]
#[ignore = "writes README's screenshots on request (SHENBAO_SCREENSHOTS=DIR)"]
fn readme_screenshots() {
    crate::require_browser!();
    let dir = std::env::var_os("SHENBAO_SCREENSHOTS")
        .map(PathBuf::from)
        .expect("SHENBAO_SCREENSHOTS=DIR says where the screenshots go");
    let desk = sample_desk("web-screens");
    let driver = Driver::start().unwrap();
    rt().block_on(desk.serve(async |base| {
        driver
            .check("readme-screenshots", &base, async |p| {
                login(&p, "clerk").await?;
                p.goto("/").await?;
                p.screenshot(&dir.join("overview.png")).await?;
                open_unit(&p, NANKAI.0).await?;
                p.screenshot(&dir.join("unit.png")).await?;
                Ok(())
            })
            .await;
    }));
}
