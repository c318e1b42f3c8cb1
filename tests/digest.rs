//! The division's daily digest through the daemon: `shenbao run --once` over a Maildir with the
//! file outbox writes one digest after `digest_at` (what came in, what is open, who is missing,
//! the days left), none again after a restart the same day, and none before `digest_at`.

// A test crate: a failed unwrap, expect or panic is the test failing, which is what it should do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::place::Place;
use common::*;
use mail_parser::MessageParser;
use serde_json::Value;
use std::path::{Path, PathBuf};

const HP: &str = "和平区市场监督管理局";
const HD: &str = "河东区市场监督管理局";
const NK: &str = "南开区市场监督管理局";

/// The embedded default in `place`, with three expected units, a deadline far ahead and the
/// digest to the division at `digest_at`.
fn config(place: &Place, digest_at: &str) -> PathBuf {
    let conf = place.0.join("shenbao.toml");
    let mut text = shenbao::config::DEFAULT_TOML
        .replace(
            "path = \"data/Maildir\"",
            &format!("path = \"{}\"", place.0.join("Maildir").display()),
        )
        .replace(
            "data_dir = \"data\"",
            &format!("data_dir = \"{}\"", place.0.join("data").display()),
        )
        .replace("2023-04-28T23:59:59+08:00", "2099-04-28T23:59:59+08:00");
    for unit in [HP, HD, NK] {
        text += &format!("\n[[campaign.units]]\nname = \"{unit}\"\n");
    }
    text +=
        &format!("\n[division]\ndigest_to = [\"zlfzc@tj.gov.cn\"]\ndigest_at = \"{digest_at}\"\n");
    std::fs::write(&conf, text).unwrap();
    conf
}

fn run_once(conf: &Path) {
    common::cli::ok(conf, &["run", "--once"]);
}

/// The digests in the file outbox: (what its JSON says, the message's plain text).
fn digests(place: &Place) -> Vec<(Value, String)> {
    let outbox = place.0.join("data/outbox");
    let Ok(entries) = std::fs::read_dir(&outbox) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for e in entries.flatten() {
        let path = e.path();
        if path.extension().is_none_or(|x| x != "json") {
            continue;
        }
        let json: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        if json["kind"] != "digest" {
            continue;
        }
        let raw = std::fs::read(path.with_extension("eml")).unwrap();
        let text = MessageParser::default()
            .parse(&raw)
            .unwrap()
            .body_text(0)
            .unwrap()
            .into_owned();
        out.push((json, text));
    }
    out
}

fn submit(place: &Place) {
    let hp = complete_submission(HP, &[Form::new(0, HP)]);
    place.drop_message(
        "1.eml",
        &email("hp@tj.gov.cn", "申报", "请查收。", &refs(&hp)),
        0,
    );
    place.drop_message(
        "2.eml",
        &email(
            "hd@tj.gov.cn",
            "河东区申报",
            "附件为申报表。",
            &[("附件1：申报表.docx", application_docx(&Form::new(3, HD)))],
        ),
        10,
    );
    place.drop_message(
        "3.eml",
        &email("nk@tj.gov.cn", "咨询", "请问截止时间是哪天？", &[]),
        20,
    );
}

#[test]
fn one_digest_a_day_after_its_hour_with_what_the_division_needs() {
    let place = Place::new("digest");
    let conf = config(&place, "00:00");
    submit(&place);
    run_once(&conf);
    let found = digests(&place);
    assert_eq!(found.len(), 1, "{found:?}");
    let (json, text) = &found[0];
    assert_eq!(json["recipient"], "zlfzc@tj.gov.cn");
    for want in [
        "距截止还有",
        "一、新收到的申报邮件（开始受理以来）：2 封",
        HP,
        "已受理",
        "ZLGG2023-001",
        "未自动答复的邮件 1 封",
        "二、材料尚有问题的单位：1 个",
        &format!("1. {HD}（材料不全）"),
        "三、尚未提交的应报单位：1 个",
        NK,
    ] {
        assert!(text.contains(want), "no “{want}” in:\n{text}");
    }
    // The division's own mail, not a reply: no unit, no verdict.
    assert_eq!(json["unit"], Value::Null);

    // A restart the same day sends nothing more, whatever came in meanwhile.
    place.drop_message(
        "4.eml",
        &email("nk@tj.gov.cn", "咨询", "还有一个问题。", &[]),
        30,
    );
    run_once(&conf);
    run_once(&conf);
    assert_eq!(digests(&place).len(), 1);
}

#[test]
fn nothing_before_its_hour() {
    let place = Place::new("digest-early");
    // 23:59 in the campaign's zone (+08:00): wait out the one minute in which it is due.
    let beijing = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
    let now = chrono::Utc::now().with_timezone(&beijing);
    if now.format("%H:%M").to_string() == "23:59" {
        std::thread::sleep(std::time::Duration::from_secs(61));
    }
    let conf = config(&place, "23:59");
    submit(&place);
    run_once(&conf);
    assert!(digests(&place).is_empty());
    // The replies went out; only the digest waits for its hour.
    assert!(place.0.join("data/outbox").read_dir().unwrap().count() > 0);
}

#[test]
fn after_days_down_one_digest_covers_them() {
    let place = Place::new("digest-down");
    let conf = config(&place, "00:00");
    // The last digest went out long ago (to nobody: only its day is on record).
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let s = shenbao::store::Store::open(&place.0.join("data"))
            .await
            .unwrap();
        let none = |_: &str, _: i64| None;
        s.queue_digest("2000-01-01", 0, &[], &none).await.unwrap();
        s.close().await;
    });
    submit(&place);
    run_once(&conf);
    run_once(&conf);
    let found = digests(&place);
    assert_eq!(found.len(), 1, "{found:?}");
    let text = &found[0].1;
    assert!(
        text.contains("以来）：2 封") && !text.contains("开始受理以来"),
        "{text}"
    );
}
