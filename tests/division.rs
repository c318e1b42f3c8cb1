//! The division's commands after a realistic sequence of submissions through the real mail
//! stack: four expected units, submissions APPENDed to Dovecot, the daemon reading them over
//! IMAPS and answering through Postfix; then `status`, `list`, `show`, `export`, `remind` and
//! `reprocess` run as the binary, and the senders' mailboxes read back over IMAP.
// A test crate: a failed unwrap, expect or panic is the test failing, which is what it should do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
#[path = "support/mailstack/mod.rs"]
mod mailstack;
#[path = "support/process.rs"]
mod process;
#[path = "support/servers.rs"]
mod servers;

use common::cli::json;
use common::*;
use mailstack::MailStack;
use serde_json::Value;
use shenbao::config::Config;
use shenbao::daemon::Daemon;
use shenbao::shutdown::Shutdown;
use std::path::{Path, PathBuf};
use std::time::Duration;

const OFFICE: &str = "scjgzlfzc@tj.gov.cn";
const PW: &str = "Division-Pw-4821";
const HP: (&str, &str) = ("和平区市场监管局", "hp@units.test");
const HX: (&str, &str) = ("河西区市场监管局", "hx@units.test");
const HD: (&str, &str) = ("河东区市场监管局", "hd@units.test");
const NK: (&str, &str) = ("南开区市场监管局", "nk@units.test");

/// The configuration file, as an admin would write it.
fn toml(s: &MailStack, dir: &Path, deadline: &str, late: &str) -> String {
    let units: String = [HP, HX, HD, NK]
        .iter()
        .map(|(n, a)| format!("[[campaign.units]]\nname = \"{n}\"\naddresses = [\"{a}\"]\n\n"))
        .collect();
    servers::toml(
        s,
        OFFICE,
        &dir.join("pw"),
        &dir.join("data"),
        &format!("deadline = \"{deadline}\"\nlate_policy = \"{late}\"\n\n{units}"),
    )
}

/// Runs the binary with `--config file`; returns (exit code, stdout, stderr).
fn shenbao(config: &Path, args: &[&str]) -> (i32, String, String) {
    let r = common::cli::shenbao(config, args);
    (r.code, r.stdout, r.stderr)
}

fn at(minutes: i64) -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339("2023-04-20T09:00:00+08:00").unwrap()
        + chrono::Duration::minutes(minutes)
}

/// The submissions, in arrival order: 和平 complete at once; 河西 without its stamped summary,
/// then the stamped summary; 河东 one Word form only; 和平 a question; 南开 nothing.
fn submit(s: &MailStack) {
    let hp_forms = [Form::new(0, HP.0), Form::new(1, HP.0)];
    let hp = complete_submission(HP.0, &hp_forms);
    let hx_forms = [Form::new(2, HX.0)];
    let hx = complete_submission(HX.0, &hx_forms);
    let (hx_stamped_summary, hx_rest): (Vec<_>, Vec<_>) = hx
        .into_iter()
        .partition(|(n, _)| n.contains("汇总表（盖章）"));
    let hd_form = Form::new(3, HD.0);
    let mails = [
        email(HP.1, "和平区质量攻关项目申报", "请查收。", &refs(&hp)),
        email(HX.1, "河西区申报材料", "请查收。", &refs(&hx_rest)),
        email(
            HD.1,
            "河东区申报",
            "附件为申报表。",
            &[("附件1：申报表.docx", application_docx(&hd_form))],
        ),
        email(
            HX.1,
            "河西区补交汇总表盖章版",
            "补交。",
            &refs(&hx_stamped_summary),
        ),
        email(HP.1, "咨询", "请问项目类型可以选两个吗？", &[]),
    ];
    for (i, m) in mails.iter().enumerate() {
        s.append(OFFICE, "INBOX", m, at(i as i64 * 10)).unwrap();
    }
}

fn run_daemon(cfg: &Config) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut d = Daemon::open(cfg.clone()).await.unwrap();
        let stats = d.run(true, Shutdown::never()).await.unwrap();
        assert_eq!(stats.judged, 5, "{stats:?}");
        d.close().await;
    });
}

struct Work(PathBuf);

impl Drop for Work {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The mail stack with `users`, a work folder with the password file and the configuration
/// (deadline far ahead, late mail warned); returns the stack, the folder and the config path.
fn start(tag: &str, users: &[(&str, &str)]) -> (MailStack, Work, PathBuf) {
    let s = MailStack::start(users).unwrap();
    let work = Work(std::env::temp_dir().join(format!("shenbao-{tag}-{}", std::process::id())));
    let _ = std::fs::remove_dir_all(&work.0);
    std::fs::create_dir_all(&work.0).unwrap();
    std::fs::write(work.0.join("pw"), PW).unwrap();
    let conf = work.0.join("shenbao.toml");
    std::fs::write(
        &conf,
        toml(&s, &work.0, "2099-06-30T17:00:00+08:00", "warn"),
    )
    .unwrap();
    (s, work, conf)
}

#[test]
fn division_commands_after_a_realistic_sequence() {
    require_mailstack!();
    let users: Vec<(&str, &str)> = [(OFFICE, PW), (HP.1, PW), (HX.1, PW), (HD.1, PW), (NK.1, PW)]
        .into_iter()
        .collect();
    let (s, work, conf) = start("division", &users);
    let cfg = Config::load(Some(&conf)).unwrap();

    submit(&s);
    run_daemon(&cfg);
    // 和平 and 河西 twice, 河东 once; the question gets no reply.
    for (user, n) in [(HP.1, 1), (HX.1, 2), (HD.1, 1)] {
        s.wait_for_messages(user, "INBOX", n, Duration::from_secs(30))
            .unwrap();
    }

    // status: counts, who is missing, the question for staff.
    let st = json(&conf, &["status", "--json"]);
    let standing = |name: &str| {
        st["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["name"] == name)
            .map(|u| u["standing"].as_str().unwrap().to_string())
            .unwrap()
    };
    assert_eq!(standing(HP.0), "accepted");
    assert_eq!(standing(HX.0), "accepted");
    assert_eq!(standing(HD.0), "incomplete");
    assert_eq!(standing(NK.0), "not_submitted");
    assert_eq!(st["questions"].as_array().unwrap().len(), 1, "{st}");
    assert_eq!(st["outbox_queued"], 0);
    assert!(st["last_contact"].is_string());
    let (code, text, _) = shenbao(&conf, &["status"]);
    assert_eq!(code, 0);
    assert!(text.contains("未提交：南开区市场监管局"), "{text}");
    assert!(
        text.contains("应报 4 家，已受理 2 家，材料不全 1 家，未提交 1 家"),
        "{text}"
    );
    assert!(text.contains("请问") || text.contains("咨询"), "{text}");

    // list with filters.
    let hx = json(&conf, &["list", "--unit", "河西", "--json"]);
    assert_eq!(hx.as_array().unwrap().len(), 2);
    assert_eq!(hx[0]["verdict"], "rejected");
    assert_eq!(hx[1]["verdict"], "accepted");
    let accepted = json(&conf, &["list", "--verdict", "已受理", "--json"]);
    assert_eq!(accepted.as_array().unwrap().len(), 2);
    let later = json(&conf, &["list", "--since", "2023-04-20 09:25", "--json"]);
    assert_eq!(later.as_array().unwrap().len(), 2);
    let (code, _, err) = shenbao(&conf, &["list", "--verdict", "maybe"]);
    assert_eq!(code, 2);
    assert!(err.contains("不认识的结论"), "{err}");

    // show by receipt number and by name.
    let hp = json(&conf, &["show", "ZLGG2023-001", "--json"]);
    assert_eq!(hp["unit"]["name"], HP.0);
    assert_eq!(hp["emails"].as_array().unwrap().len(), 1);
    assert_eq!(hp["materials"]["projects"].as_array().unwrap().len(), 2);
    assert!(
        hp["replies"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["kind"] == "receipt" && r["state"] == "sent")
    );
    let hx_shown = json(&conf, &["show", "河西区", "--json"]);
    let history = hx_shown["history"].as_array().unwrap();
    assert!(
        history
            .iter()
            .any(|h| h["slot"] == "summary/stamped" && h["current"] == true)
    );
    let (_, text, _) = shenbao(&conf, &["show", "河东区市场监管局"]);
    assert!(
        text.contains("材料不全") && text.contains("版本记录"),
        "{text}"
    );

    export(&work.0, &conf);
    remind(&s, &conf);
    reprocess(&s, &work.0, &conf);
}

/// `export`: the workbook re-read with calamine, and each unit's folder.
fn export(dir: &Path, conf: &Path) {
    use calamine::{Reader, Xlsx, open_workbook};
    let out = dir.join("导出");
    for _ in 0..2 {
        let r = json(conf, &["export", "--out", out.to_str().unwrap(), "--json"]);
        assert_eq!(r["projects"], 4, "{r}");
        // 河东 is incomplete: its project is not on the sheet reported upward.
        assert_eq!(r["accepted"], 3, "{r}");
    }
    let mut book: Xlsx<_> = open_workbook(out.join("全市汇总表.xlsx")).unwrap();
    let sheet = book.worksheet_range("全部项目").unwrap();
    let cell = |r: u32, c: u32| {
        sheet
            .get_value((r, c))
            .map(|d| d.to_string())
            .unwrap_or_default()
    };
    assert_eq!(
        cell(0, 0),
        "2023年天津市质量攻关项目立项申报汇总表（全部项目）"
    );
    let merged = book.worksheet_merge_cells("全部项目").unwrap().unwrap();
    assert_eq!((merged[0].start, merged[0].end), ((0, 0), (0, 16)));
    assert_eq!(cell(1, 1), "申报单位名称");
    assert_eq!(cell(1, 14), "状态");
    assert_eq!(sheet.height(), 2 + 4);
    let rows: Vec<(String, String, String, String)> = (2..6)
        .map(|r| (cell(r, 1), cell(r, 12), cell(r, 14), cell(r, 15)))
        .collect();
    assert_eq!(rows[0].0, Form::new(0, HP.0).enterprise);
    assert_eq!(rows[0].1, HP.0);
    assert_eq!(rows[0].3, "ZLGG2023-001");
    assert_eq!(rows[2].1, HX.0);
    assert_eq!(rows[2].2, "已受理");
    assert_eq!(
        (rows[3].1.as_str(), rows[3].2.as_str(), rows[3].3.as_str()),
        (HD.0, "材料不全", "")
    );
    assert_eq!(cell(2, 2), CODES[0]);
    let hx = out.join(HX.0);
    let enterprise = Form::new(2, HX.0).enterprise;
    for f in [
        format!("1-{enterprise}-申报表.docx"),
        format!("1-{enterprise}-申报表-盖章.pdf"),
        "汇总表.xlsx".into(),
        "汇总表-盖章.pdf".into(),
    ] {
        assert!(hx.join(&f).is_file(), "{f} missing in {}", hx.display());
    }
    assert!(
        !out.join(NK.0).exists(),
        "a unit with no files gets no folder"
    );
}

/// `remind`: only 河东 (incomplete) and 南开 (nothing sent) hear from us, once a day.
fn remind(s: &MailStack, conf: &Path) {
    let dry = json(conf, &["remind", "--dry-run", "--json"]);
    let names: Vec<&str> = dry["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["unit"].as_str().unwrap())
        .collect();
    assert_eq!(names, [HD.0, NK.0]);
    assert_eq!(s.messages(NK.1, "INBOX").unwrap().len(), 0);
    let sent = json(conf, &["remind", "--json"]);
    assert_eq!(sent["delivered"], 2, "{sent}");
    let nk = s
        .wait_for_messages(NK.1, "INBOX", 1, Duration::from_secs(30))
        .unwrap();
    let hd = s
        .wait_for_messages(HD.1, "INBOX", 2, Duration::from_secs(30))
        .unwrap();
    let parsed = mail_parser::MessageParser::default().parse(&hd[1]).unwrap();
    assert!(parsed.subject().unwrap().contains("催报提醒"));
    let body = parsed.body_text(0).unwrap();
    assert!(body.contains("尚不完整"), "{body}");
    let parsed = mail_parser::MessageParser::default().parse(&nk[0]).unwrap();
    assert!(
        parsed
            .body_text(0)
            .unwrap()
            .contains("尚未收到贵单位的申报材料")
    );
    assert_eq!(
        parsed.header_raw("Auto-Submitted").map(str::trim),
        Some("auto-generated")
    );
    // Again today: nothing more.
    let again = json(conf, &["remind", "--json"]);
    assert!(
        again["units"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["outcome"] == "already_today")
    );
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(s.messages(NK.1, "INBOX").unwrap().len(), 1);
    assert_eq!(s.messages(HP.1, "INBOX").unwrap().len(), 1);
    assert_eq!(s.messages(HX.1, "INBOX").unwrap().len(), 2);
}

/// `reprocess --all` after the rule change "late mail is rejected, deadline 20 April 09:15":
/// the verdicts change, receipt numbers stay issued, nobody gets mail.
fn reprocess(s: &MailStack, dir: &Path, conf: &Path) {
    let outbox_before = json(conf, &["list", "--json"]);
    let strict = dir.join("strict.toml");
    std::fs::write(&strict, toml(s, dir, "2023-04-20T09:15:00+08:00", "reject")).unwrap();
    // Refused while the daemon holds the data directory.
    let cfg = Config::load(Some(&strict)).unwrap();
    let lock = shenbao::store::DataLock::try_acquire(&cfg.storage.data_dir).unwrap();
    let (code, _, err) = shenbao(&strict, &["reprocess", "--all"]);
    assert_eq!(code, 2);
    assert!(err.contains("守护进程正在运行"), "{err}");
    drop(lock);

    let dry = json(&strict, &["reprocess", "--all", "--dry-run", "--json"]);
    assert!(!dry["changes"].as_array().unwrap().is_empty());
    assert_eq!(
        json(conf, &["list", "--verdict", "accepted", "--json"])
            .as_array()
            .unwrap()
            .len(),
        2
    );

    let r = json(&strict, &["reprocess", "--all", "--json"]);
    assert_eq!(r["messages"], 5);
    let changed: Vec<i64> = r["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["message"].as_i64().unwrap())
        .collect();
    // 河西's second email (09:30) is late now, and so is 河东's; 和平 (09:00) is not.
    assert!(changed.contains(&4), "{r}");
    assert!(!changed.contains(&1), "{r}");
    assert!(r["replies"].as_array().unwrap().is_empty());
    let hx = json(&strict, &["list", "--unit", HX.0, "--json"]);
    assert_eq!(hx[1]["verdict"], "rejected");
    assert!(
        hx[1]["codes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "late_submission")
    );
    let st = json(&strict, &["status", "--json"]);
    let hx_unit = st["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == HX.0)
        .unwrap()
        .clone();
    assert_eq!(
        hx_unit["receipt"], "ZLGG2023-002",
        "an issued number stays issued"
    );
    // No reply was sent, none queued.
    assert_eq!(st["outbox_queued"], 0);
    let after = json(&strict, &["list", "--json"]);
    let replies = |v: &Value| -> usize {
        v.as_array()
            .unwrap()
            .iter()
            .map(|e| e["replies"].as_array().unwrap().len())
            .sum()
    };
    assert_eq!(replies(&after), replies(&outbox_before));
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(s.messages(HX.1, "INBOX").unwrap().len(), 2);

    // Back to the old rules, one message, with a reply: 河西 hears again.
    let r = json(conf, &["reprocess", "4", "--reply", "--json"]);
    assert_eq!(r["changes"].as_array().unwrap().len(), 1, "{r}");
    assert_eq!(r["replies"].as_array().unwrap().len(), 1, "{r}");
    s.wait_for_messages(HX.1, "INBOX", 3, Duration::from_secs(30))
        .unwrap();
    assert_eq!(
        json(conf, &["list", "--verdict", "accepted", "--json"])
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

/// A receipt number told to a unit in an earlier run is its number again, and a unit seen for
/// the first time gets the next number after the issued ones, never a number told to another.
#[test]
fn receipt_numbers_stay_with_their_units() {
    let cfg = Config::load(None).unwrap();
    let mut judge = shenbao::verdict::Judge::new((&cfg.campaign).into(), Vec::new());
    judge.seed_receipts([
        ("河西区市场监管局".to_string(), "ZLGG2023-001".to_string()),
        ("南开区市场监管局".to_string(), "ZLGG2023-002".to_string()),
    ]);
    let when = at(0);
    let hp = complete_submission(HP.0, &[Form::new(0, HP.0)]);
    let (_, o) = shenbao::pipeline::process(
        &mut judge,
        &email(HP.1, "申报", "", &refs(&hp)),
        when,
        &cfg.limits,
    );
    assert_eq!(o.receipt.as_deref(), Some("ZLGG2023-003"));
    let hx = complete_submission(HX.0, &[Form::new(1, HX.0)]);
    let (_, o) = shenbao::pipeline::process(
        &mut judge,
        &email(HX.1, "申报", "", &refs(&hx)),
        when,
        &cfg.limits,
    );
    assert_eq!(o.receipt.as_deref(), Some("ZLGG2023-001"));
}

/// `remind` while `shenbao run` holds the data directory: the reminders are queued, not sent
/// by the command, and the running daemon delivers them on its next tick, with no new mail to
/// wake it.
#[test]
fn reminders_queued_beside_a_running_daemon_are_delivered_by_it() {
    require_mailstack!();
    let (s, work, conf) = start("remind", &[(OFFICE, PW), (NK.1, PW)]);
    let conf_arg = conf.display().to_string();
    let daemon = process::Running::start(&work.0, &["--config", &conf_arg, "run"], &[]);
    // Running once the mailbox answered: `status` then shows a last contact. Until the daemon
    // has created its record, `status` refuses (it never creates one), so that is "not yet".
    process::wait_for(Duration::from_secs(60), || {
        let (code, out, _) = shenbao(&conf, &["status", "--json"]);
        let v: Value = serde_json::from_str(&out).ok().filter(|_| code == 0)?;
        v["last_contact"].as_str().map(|_| ())
    })
    .unwrap_or_else(|| panic!("daemon never reached the mailbox:\n{}", daemon.stderr()));

    let sent = json(&conf, &["remind", "--json"]);
    assert_eq!(sent["delivered"], 0, "the command delivered itself: {sent}");
    let nk = sent["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit"] == NK.0)
        .cloned()
        .unwrap();
    assert_eq!(nk["outcome"], "queued", "{sent}");

    let got = s.wait_for_messages(NK.1, "INBOX", 1, Duration::from_secs(60));
    let (_, log) = daemon.term();
    let got = got.unwrap_or_else(|e| panic!("reminder not delivered ({e}):\n{log}"));
    let parsed = mail_parser::MessageParser::default()
        .parse(&got[0])
        .unwrap();
    assert!(parsed.subject().unwrap().contains("催报提醒"), "{log}");
    // The closing line counts what the ticks delivered too.
    assert!(log.contains(" replies written"), "{log}");
    assert!(!log.contains(" 0 replies written"), "{log}");
    let after = json(&conf, &["status", "--json"]);
    assert_eq!(after["outbox_queued"], 0, "{after}");
}
