//! The division's commands speak clearly (issue 13): `status` tells 材料不全 from 需补正 and
//! names who is done, counts the configured units apart from the others, shows problem codes
//! under their Chinese titles; a reply written to the file outbox reads 已写入发件目录; a code
//! raised several times is listed once; a unit has its configured name everywhere;
//! `reprocess '#2' --dry-run` reports message 2 only; the desk's overview counts as `status`
//! does. (`--help` and parse errors: `tests/cli_chinese.rs`.)
//!
//! The record is made by the binary (`run --once` over a Maildir, the file outbox), so no mail
//! server is needed.

// A test crate: a failed unwrap, expect or panic is the test failing, which is what it should do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::cli::{json, ok as text, shenbao};
use common::place::Place;
use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

const HP: &str = "和平区市场监管局";
/// Configured under its long name; its forms write the short one (the same unit key).
const HX: &str = "天津市河西区市场监督管理局";
const HX_WRITTEN: &str = "河西区市场监管局";
const HD: &str = "河东区市场监管局";
const NK: &str = "南开区市场监管局";
const HB: &str = "河北区市场监管局";
const XQ: &str = "西青区市场监管局";
/// Writes in, but is not configured.
const HQ: &str = "红桥区市场监管局";

/// The embedded default over `place`, the deadline far ahead, with `units` configured.
fn config(place: &Place, name: &str, units: &[&str]) -> PathBuf {
    let mut text = shenbao::config::DEFAULT_TOML
        .replace(
            "path = \"data/Maildir\"",
            &format!("path = \"{}\"", place.0.join("Maildir").display()),
        )
        .replace(
            "data_dir = \"data\"",
            &format!("data_dir = \"{}\"", place.0.join("data").display()),
        )
        .replace(
            "deadline = \"2023-04-28T23:59:59+08:00\"",
            "deadline = \"2099-04-28T23:59:59+08:00\"",
        );
    for u in units {
        text += &format!("\n[[campaign.units]]\nname = \"{u}\"\n");
    }
    let path = place.0.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// A form of `unit` with a project title of its own (no duplicate warnings across units).
fn form(i: usize, unit: &str, title: &str) -> Form {
    let mut f = Form::new(i, unit);
    f.project = title.into();
    f
}

/// Only the Word versions: the summary and the application forms, no stamped scans.
fn word_only(unit: &str, forms: &[Form]) -> Vec<(String, Vec<u8>)> {
    let mut files = vec![("附件2：汇总表.xlsx".to_string(), summary_xlsx(unit, forms))];
    for f in forms {
        files.push((
            format!("附件1：申报表（{}）.docx", f.enterprise),
            application_docx(f),
        ));
    }
    files
}

/// The record: 和平 complete; 河西 Word only (then accepted by hand); 河东 one Word form only;
/// 南开 complete with a wrong mobile number and a wrong e-mail address (in the form and in the
/// summary: `invalid_email` twice); 河北 Word only
/// with a wrong mobile number; 西青 nothing; 红桥 (not configured) complete; a private
/// address a scan that names no unit.
fn record(place: &Place, conf: &Path) {
    let mut nk = form(2, NK, "提高滴丸滴制合格率");
    nk.mobile = "1380013".into();
    nk.email = "zhaolei12#qq.com".into();
    let mut hb = form(3, HB, "精密减速机噪声控制");
    hb.mobile = "1380013".into();
    let mails = [
        email(
            "hp@units.test",
            "和平区申报",
            "请查收。",
            &refs(&complete_submission(
                HP,
                &[form(0, HP, "高可靠性转向节设计与验证")],
            )),
        ),
        email(
            "hx@units.test",
            "河西区申报材料",
            "请查收。",
            &refs(&word_only(
                HX_WRITTEN,
                &[form(1, HX_WRITTEN, "提高聚氯乙烯树脂聚合合格率")],
            )),
        ),
        email(
            "hd@units.test",
            "河东区申报材料一份",
            "附件为申报表。",
            &[(
                "附件1：申报表.docx",
                application_docx(&form(0, HD, "降低铸件气孔缺陷率")),
            )],
        ),
        email(
            "nk@units.test",
            "南开区质量攻关申报材料",
            "请查收。",
            &refs(&complete_submission(NK, &[nk])),
        ),
        email(
            "hb@units.test",
            "河北区质量攻关项目申报材料",
            "请查收。",
            &refs(&word_only(HB, &[hb])),
        ),
        email(
            "hq@units.test",
            "红桥区质量攻关项目申报材料一套",
            "请查收。",
            &refs(&complete_submission(
                HQ,
                &[form(1, HQ, "缩短新能源电池模组装配周期")],
            )),
        ),
        email(
            "zhangsan@qq.com",
            "盖章扫描件",
            "扫描件见附件。",
            &[("扫描件.pdf", portrait())],
        ),
    ];
    for (i, m) in mails.iter().enumerate() {
        place.drop_message(&format!("{:02}.eml", i + 1), m, i as u64 * 10);
    }
    text(conf, &["run", "--once"]);
    text(
        conf,
        &[
            "decide",
            "accept",
            HX,
            "--reason",
            "已电话核实，盖章版随后补交",
        ],
    );
}

/// The whole division's view over one record; each part asserts what issue 13 asks.
#[test]
fn the_division_commands_speak_clearly() {
    let place = Place::new("division-words");
    let conf = config(&place, "shenbao.toml", &[HP, HX, HD, NK, HB, XQ]);
    record(&place, &conf);
    status(&conf);
    list_and_show(&conf);
    reprocess_one(&conf);
    reminders(&conf);
    // Last: it configures one more unit (a unit list the record was not judged with).
    configured_names(&place);
}

/// `status`: 材料不全 apart from 需补正, the done units named, configured units counted apart
/// from the others, codes with their Chinese titles; `--json` the same with stable keys.
fn status(conf: &Path) {
    let st = json(conf, &["status", "--json"]);
    let expected = &st["counts"]["expected"];
    let want = serde_json::json!({
        "total": 6, "accepted": 2, "accepted_by_hand": 1, "incomplete": 1,
        "needs_correction": 1, "incomplete_and_needs_correction": 1, "not_submitted": 1
    });
    assert_eq!(expected, &want, "{st:#}");
    assert_eq!(st["counts"]["unexpected"]["total"], 1, "{st:#}");
    assert_eq!(st["counts"]["unexpected"]["accepted"], 1, "{st:#}");
    assert_eq!(st["counts"]["unidentified_senders"], 1, "{st:#}");
    let unit = |name: &str| -> Value {
        st["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("{name} not in {st:#}"))
    };
    assert_eq!(unit(NK)["standing"], "needs_correction");
    assert_eq!(unit(HD)["standing"], "incomplete");
    assert_eq!(unit(HB)["standing"], "incomplete_and_needs_correction");
    assert_eq!(unit(HX)["standing"], "accepted_by_hand");
    let nk = unit(NK);
    let corrections = nk["to_correct"].as_array().unwrap();
    let codes: Vec<&str> = corrections
        .iter()
        .map(|g| g["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["invalid_mobile", "invalid_email"], "{nk:#}");
    assert_eq!(corrections[0]["title"], "手机号码有误");
    assert_eq!(corrections[1]["count"], 2, "one group per code: {nk:#}");
    assert!(nk["lacking"].as_array().unwrap().is_empty(), "{nk:#}");
    let hb = unit(HB);
    assert!(!hb["lacking"].as_array().unwrap().is_empty(), "{hb:#}");
    assert!(!hb["to_correct"].as_array().unwrap().is_empty(), "{hb:#}");

    let out = text(conf, &["status"]);
    assert!(
        out.contains(
            "推荐单位：应报 6 家，已受理 2 家（其中人工受理 1 家），材料不全 1 家，需补正 1 家，材料不全且需补正 1 家，未提交 1 家"
        ),
        "{out}"
    );
    assert!(
        out.contains(&format!("已受理：{HP}（ZLGG2023-001）")),
        "{out}"
    );
    assert!(
        out.contains(&format!("已人工受理：{HX}（ZLGG2023-")),
        "{out}"
    );
    let section = |title: &str| -> String {
        let start = out
            .find(&format!("  {title}：\n"))
            .unwrap_or_else(|| panic!("no {title} in {out}"));
        out[start..].lines().nth(1).unwrap_or_default().to_string()
    };
    assert!(
        section("材料不全").starts_with(&format!("    {HD}：")),
        "{out}"
    );
    assert!(
        section("需补正").starts_with(&format!("    {NK}：手机号码有误（invalid_mobile）")),
        "{out}"
    );
    let both = section("材料不全且需补正");
    assert!(both.starts_with(&format!("    {HB}：缺：")), "{out}");
    assert!(
        both.contains("缺少汇总表盖章版（missing_summary_stamped）"),
        "{out}"
    );
    assert!(out.contains(&format!("未提交：{XQ}")), "{out}");
    assert!(
        out.contains("不在应报名单中的推荐单位：1 家，已受理 1 家"),
        "{out}"
    );
    assert!(out.contains(&format!("已受理：{HQ}（ZLGG2023-")), "{out}");
    assert!(out.contains("未识别推荐单位的发件人：1 个"), "{out}");
    assert!(out.contains("zhangsan@qq.com："), "{out}");
    // The unexpected unit is not counted among the configured ones.
    let first = out.lines().find(|l| l.starts_with("推荐单位：")).unwrap();
    assert!(!first.contains("已受理 3 家"), "{out}");
}

/// `list` and `show`: a reply in the file outbox is 已写入发件目录, never 已发送; a code raised
/// twice is listed once, with its title and the count.
fn list_and_show(conf: &Path) {
    let out = text(conf, &["list"]);
    assert!(out.contains("受理回执（已写入发件目录）"), "{out}");
    assert!(out.contains("补正通知（已写入发件目录）"), "{out}");
    assert!(!out.contains("已发送"), "{out}");
    let nk_line = out
        .lines()
        .find(|l| l.contains(&format!("单位：{NK}")))
        .unwrap();
    assert_eq!(nk_line.matches("invalid_email").count(), 1, "{nk_line}");
    assert!(
        nk_line.contains("电子邮箱有误（invalid_email）×2"),
        "{nk_line}"
    );
    assert!(
        nk_line.contains("手机号码有误（invalid_mobile）、"),
        "{nk_line}"
    );

    let nk = json(conf, &["list", "--unit", NK, "--json"]);
    let codes: Vec<&str> = nk[0]["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(
        codes.iter().filter(|c| **c == "invalid_email").count(),
        1,
        "{nk:#}"
    );
    let email = nk[0]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["code"] == "invalid_email")
        .cloned()
        .unwrap();
    assert_eq!(email["count"], 2, "{nk:#}");
    assert_eq!(nk[0]["replies"][0][1], "written", "{nk:#}");

    let shown = text(conf, &["show", NK]);
    assert_eq!(shown.matches("invalid_email").count(), 1, "{shown}");
    assert!(shown.contains("  需补正：\n"), "{shown}");
    assert!(
        shown.contains("    电子邮箱有误（invalid_email）×2 — 文件："),
        "{shown}"
    );
    assert!(shown.contains("（已写入发件目录）"), "{shown}");
    assert!(!shown.contains("已发送"), "{shown}");
}

/// `reprocess '#2' --dry-run`: message 2 only, under its unit's configured name.
fn reprocess_one(conf: &Path) {
    let out = text(conf, &["reprocess", "#2", "--dry-run"]);
    assert!(
        out.starts_with("重新处理邮件 #2（试运行，记录未改动）"),
        "{out}"
    );
    assert!(out.contains(&format!("  #2 {HX}：")), "{out}");
    let reported: Vec<&str> = out.lines().filter(|l| l.starts_with("  #")).collect();
    assert_eq!(reported.len(), 1, "{out}");
    assert!(!out.contains("封邮件"), "{out}");
    let r = json(conf, &["reprocess", "#2", "--dry-run", "--json"]);
    assert_eq!(r["messages"], 1, "{r:#}");
    assert_eq!(r["selected"]["message"], 2, "{r:#}");
    assert_eq!(r["selected"]["unit"], HX, "{r:#}");
    assert!(r["changes"].as_array().unwrap().len() <= 1, "{r:#}");
    assert!(
        r["changes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["message"] == 2),
        "{r:#}"
    );
    // Errors the division sees speak Chinese.
    let r = shenbao(conf, &["reprocess", "#99", "--dry-run"]);
    let (code, err) = (r.code, r.stderr);
    assert_ne!(code, 0);
    assert!(err.contains("没有编号为 #99 的邮件"), "{err}");
}

/// A unit configured after its mail was recorded, under a longer name: every view names it
/// the configured way, not as the sender wrote it.
fn configured_names(place: &Place) {
    let long = "天津市红桥区市场监督管理局";
    let conf = config(place, "later.toml", &[HP, HX, HD, NK, HB, XQ, long]);
    let listed = json(&conf, &["list", "--unit", "红桥", "--json"]);
    assert_eq!(listed[0]["unit"], long, "{listed:#}");
    let shown = text(&conf, &["show", "红桥"]);
    assert!(shown.starts_with(&format!("{long}：已受理")), "{shown}");
}

/// `remind`: the units that lack pieces, must correct, or both, and who sent nothing.
fn reminders(conf: &Path) {
    let plan = json(conf, &["remind", "--dry-run", "--json"]);
    let names: Vec<&str> = plan["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["unit"].as_str().unwrap())
        .collect();
    assert_eq!(names, [HD, NK, HB, XQ], "{plan:#}");
}

/// The desk's overview counts the configured units as `status` does: 材料不全, 需补正 and both
/// in cards of their own.
#[test]
fn the_desk_overview_counts_as_status_does() {
    use std::io::{Read, Write};
    let place = Place::new("division-words-desk");
    let conf = config(&place, "shenbao.toml", &[HP, HX, HD, NK, HB, XQ]);
    record(&place, &conf);
    let mut text = std::fs::read_to_string(&conf).unwrap();
    text += "\n[web]\nlisten = \"127.0.0.1:0\"\n";
    std::fs::write(&conf, text).unwrap();
    let cfg = shenbao::config::Config::load(Some(&conf)).unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (d, cookie) = rt.block_on(async {
        let d = shenbao::daemon::Daemon::open(cfg.clone()).await.unwrap();
        let store = shenbao::store::Store::open(&cfg.storage.data_dir)
            .await
            .unwrap();
        let (cookie, _) = common::desk::session(&store, "wang", shenbao::store::Role::Viewer).await;
        store.close().await;
        (d, cookie)
    });
    let addr = d.web_addr().unwrap();
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET / HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut page = String::new();
    s.read_to_string(&mut page).unwrap();
    rt.block_on(d.close());
    for (id, n, label) in [
        ("incomplete-count", 1, "材料不全"),
        ("correction-count", 1, "需补正"),
    ] {
        let card = format!("id=\"{id}\"><div class=\"n\">{n}</div><div class=\"l\">{label}</div>");
        assert!(page.contains(&card), "{card} not in {page}");
    }
    assert!(
        page.contains("<div class=\"n\">1</div><div class=\"l\">材料不全且需补正</div>"),
        "{page}"
    );
    assert!(page.contains("id=\"accepted-count\">2</div>"), "{page}");
}
