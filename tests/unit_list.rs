//! A change to `[[campaign.units]]` (names, aliases, addresses) takes effect on mail already
//! recorded: the daemon judges the archive again at start-up (sending nothing), and until then
//! `status`, `remind` and `export` refuse the stale attribution and say what fixes it.

// A test crate: a failed unwrap, expect or panic is the test failing, which is what it should do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::cli::{json, ok, shenbao};
use common::place::Place;
use common::*;
use serde_json::Value;

const UNIT: &str = "和平区市场监管局";
/// How the unit wrote its name: unknown to the first list, an alias in the second.
const WRITTEN: &str = "和平区质量强区工作办公室";

fn standing(config: &std::path::Path) -> Value {
    let s = json(config, &["status", "--json"]);
    s["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == UNIT)
        .map(|u| u["standing"].clone())
        .unwrap_or(Value::Null)
}

#[test]
fn a_changed_unit_list_applies_to_recorded_mail_or_is_refused() {
    let place = Place::new("unit-list");
    let conf = place.0.join("shenbao.toml");
    let write = |aliases: &str| {
        let text = shenbao::config::DEFAULT_TOML
            .replace("path = \"data/Maildir\"", "path = \"Maildir\"")
            + &format!("\n[[campaign.units]]\nname = \"{UNIT}\"\naliases = [{aliases}]\n");
        std::fs::write(&conf, text).unwrap();
    };
    write("");
    let forms = [Form::new(0, WRITTEN)];
    let raw = email(
        "hp@example.cn",
        "质量攻关项目申报材料",
        "请查收。",
        &refs(&complete_submission(WRITTEN, &forms)),
    );
    place.drop_message("1.eml", &raw, 0);
    ok(&conf, &["run", "--once"]);
    assert_eq!(standing(&conf), "not_submitted");

    // The division adds the name the unit wrote as an alias.
    write(&format!("\"{WRITTEN}\""));
    for args in [
        &["status"][..],
        &["remind", "--dry-run"],
        &["export", "--out", "x"],
    ] {
        let r = shenbao(&conf, args);
        let (done, text) = (r.ok(), r.text());
        assert!(!done, "{args:?} acted on the old attribution: {text}");
        assert!(
            text.contains("应报单位") && text.contains("已修改"),
            "{text}"
        );
        assert!(text.contains("shenbao reprocess --all"), "{text}");
    }
    let outbox = std::fs::read_dir(place.0.join("data/outbox"))
        .unwrap()
        .count();
    // The daemon's start judges the archive again under the new list, sending nothing.
    ok(&conf, &["run", "--once"]);
    assert_eq!(standing(&conf), "accepted");
    let remind = ok(&conf, &["remind", "--dry-run"]);
    assert!(!remind.contains(UNIT), "{remind}");
    let after = std::fs::read_dir(place.0.join("data/outbox"))
        .unwrap()
        .count();
    assert_eq!(
        after, outbox,
        "mail was sent when the archive was judged again"
    );

    // Without a daemon, `reprocess --all` makes the change take effect too.
    write("");
    assert!(!shenbao(&conf, &["status"]).ok());
    ok(&conf, &["reprocess", "--all"]);
    assert_eq!(standing(&conf), "not_submitted");
}
