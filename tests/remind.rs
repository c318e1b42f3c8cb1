//! `shenbao remind` after the deadline: `--dry-run` still shows who would be reminded of what
//! (the division plans its calls), sending stays refused.

// A test crate: a failed unwrap, expect or panic is the test failing, which is what it should do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::cli::shenbao;
use common::place::Place;
use common::*;

#[test]
fn after_the_deadline_a_dry_run_previews_and_sending_is_refused() {
    let place = Place::new("remind-closed");
    // The embedded default's deadline (2023) is long past.
    let conf = place.0.join("shenbao.toml");
    let text = shenbao::config::DEFAULT_TOML
        .replace(
            "path = \"data/Maildir\"",
            &format!("path = \"{}\"", place.0.join("Maildir").display()),
        )
        .replace(
            "data_dir = \"data\"",
            &format!("data_dir = \"{}\"", place.0.join("data").display()),
        );
    std::fs::write(&conf, text).unwrap();
    // A unit that sent its summary only: incomplete, so it needs a reminder.
    let unit = "河东区市场监督管理局";
    let forms = [Form::new(0, unit)];
    let raw = email(
        "hd@tj.gov.cn",
        "申报材料",
        "请查收。",
        &[("附件2：汇总表.xlsx", summary_xlsx(unit, &forms))],
    );
    place.drop_message("1.eml", &raw, 0);
    let r = shenbao(&conf, &["run", "--once"]);
    let (code, out) = (r.code, r.text());
    assert_eq!(code, 0, "{out}");
    let r = shenbao(&conf, &["remind", "--dry-run"]);
    let (code, out) = (r.code, r.text());
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("申报已截止，以下仅为预览"), "{out}");
    assert!(out.contains(unit), "{out}");
    let r = shenbao(&conf, &["remind"]);
    let (code, out) = (r.code, r.text());
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("截止，不再发送催报提醒"), "{out}");
}
