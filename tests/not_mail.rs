//! Files in the mailbox that are not emails (empty, a document, binary junk) are recorded as
//! failed with the reason and put aside, never judged as mail from a unit without a name; a
//! `reprocess` keeps them so.

// A test crate: a failed unwrap, expect or panic is the test failing, which is what it should do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::cli::{json, ok};
use common::place::Place;

#[test]
fn empty_and_unparseable_files_are_failed_not_units() {
    let place = Place::new("not-mail");
    let conf = place.0.join("shenbao.toml");
    let text =
        shenbao::config::DEFAULT_TOML.replace("path = \"data/Maildir\"", "path = \"Maildir\"");
    std::fs::write(&conf, text).unwrap();
    place.drop_message("empty.eml", b"", 0);
    place.drop_message("blank.eml", b"\r\n\r\n", 1);
    place.drop_message("words.eml", "申报材料见附件，请查收。\n".as_bytes(), 2);
    place.drop_message("zip.eml", b"PK\x03\x04\x14\x00\x00\x00\x08\x00junk", 3);
    ok(&conf, &["run", "--once"]);

    let check = |when: &str| {
        let list = json(&conf, &["list", "--json"]);
        let list = list.as_array().unwrap();
        assert_eq!(list.len(), 4, "{when}: {list:?}");
        for m in list {
            assert_eq!(m["verdict"], "failed", "{when}: {m}");
            assert!(m["unit"].is_null(), "{when}: {m}");
        }
        let status = json(&conf, &["status", "--json"]);
        assert_eq!(
            status["units"].as_array().map(Vec::len),
            Some(0),
            "{when}: {status}"
        );
        let why: Vec<&str> = status["problems"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p["why"].as_str())
            .collect();
        assert_eq!(why.len(), 4, "{when}: {status}");
        assert_eq!(
            why.iter().filter(|w| w.contains("文件为空")).count(),
            2,
            "{why:?}"
        );
        assert_eq!(
            why.iter().filter(|w| w.contains("没有邮件头")).count(),
            2,
            "{why:?}"
        );
    };
    check("after the run");
    let failed = std::fs::read_dir(place.0.join("Maildir/failed"))
        .unwrap()
        .count();
    assert_eq!(failed, 4, "put aside in Maildir/failed");
    ok(&conf, &["reprocess", "--all"]);
    check("after reprocess");
}
