//! The daemon on the embedded default: emails dropped into a temp Maildir, `run --once`
//! through the library, then the SQLite record, the archive and the file outbox are checked.
// A test crate: a failed unwrap, expect or panic is the test failing, which is what it should do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::place::Place;
use common::*;
use shenbao::config::Config;
use shenbao::daemon::{Daemon, Stats};
use shenbao::shutdown::Shutdown;
use shenbao::store::archive;
use shenbao::store::read::{RecordCounts, ReplyRow};
use shenbao::store::{MailKind, MessageState, OutboxState, Store};
use shenbao::verdict::Verdict;
use std::fs;
use std::time::Duration;

const UNIT: &str = "和平区市场监管局";
const SENDER: &str = "hpqscjgj@tj.gov.cn";

/// What these tests do in a place besides dropping mail: a config file and the binary.
impl Place {
    /// The embedded default reading this place's Maildir, with `deadline`, as `shenbao.toml`.
    fn write_config(&self, deadline: &str) {
        let conf = shenbao::config::DEFAULT_TOML
            .replace("\"data/Maildir\"", "\"Maildir\"")
            .replace("2023-04-28T23:59:59+08:00", deadline);
        fs::write(self.0.join("shenbao.toml"), conf).unwrap();
    }

    /// The binary on `shenbao.toml` here; its stdout (a failure fails the test).
    fn cli(&self, args: &[&str]) -> String {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_shenbao"))
            .args(["--config", "shenbao.toml"])
            .args(args)
            .current_dir(&self.0)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn count(&self, sub: &str) -> usize {
        fs::read_dir(self.0.join(sub))
            .map(|d| d.count())
            .unwrap_or(0)
    }
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// `run --once` as a fresh process would: open, one round, close.
async fn run_once(cfg: &Config) -> Stats {
    let mut d = Daemon::open(cfg.clone()).await.unwrap();
    let stats = d.run(true, Shutdown::never()).await.unwrap();
    d.close().await;
    stats
}

async fn record(cfg: &Config) -> Store {
    Store::open(&cfg.storage.data_dir).await.unwrap()
}

async fn counts(store: &Store) -> RecordCounts {
    store.record_counts().await.unwrap()
}

/// The verdicts recorded, in message order.
async fn verdicts(store: &Store) -> Vec<(Verdict, Option<String>)> {
    store
        .messages()
        .await
        .unwrap()
        .into_iter()
        .filter_map(|m| Some((m.verdict?, m.receipt)))
        .collect()
}

async fn outbox(store: &Store) -> Vec<ReplyRow> {
    store.replies().await.unwrap()
}

fn submission() -> Vec<(String, Vec<u8>)> {
    complete_submission(UNIT, &[Form::new(0, UNIT), Form::new(1, UNIT)])
}

#[test]
fn run_once_records_judges_archives_and_answers() {
    let place = Place::new("once");
    let cfg = place.config();
    let raw = email(SENDER, "申报材料", "请查收。", &refs(&submission()));
    place.drop_message("1.eml", &raw, 0);
    rt().block_on(async {
        let stats = run_once(&cfg).await;
        assert_eq!((stats.judged, stats.replies, stats.errors), (1, 1, 0));
        let store = record(&cfg).await;
        assert_eq!(
            verdicts(&store).await,
            [(Verdict::Accepted, Some("ZLGG2023-001".to_string()))]
        );
        let m = store.messages().await.unwrap().remove(0);
        let (path, sha, arrival) = (
            m.raw_path.unwrap_or_default(),
            m.sha256.unwrap_or_default(),
            m.arrival,
        );
        assert_eq!(sha, archive::sha256_hex(&raw));
        assert_eq!(path, format!("raw/{}/{}.eml", &sha[..2], &sha[2..]));
        assert_eq!(fs::read(cfg.storage.data_dir.join(&path)).unwrap(), raw);
        assert!(arrival.starts_with("2023-04-20"), "{arrival}");
        let n = counts(&store).await;
        assert_eq!((n.attachments, n.applications, n.summary_rows), (6, 2, 2));
        assert_eq!(n.current_materials, 6);
        let unit = store.units().await.unwrap().remove(0);
        assert_eq!(unit.name, UNIT);
        assert_eq!(unit.receipt.as_deref(), Some("ZLGG2023-001"));
        let out = outbox(&store).await;
        assert_eq!(out.len(), 1);
        assert_eq!(
            (out[0].recipient.as_str(), out[0].kind, out[0].state),
            (SENDER, MailKind::Receipt, OutboxState::Written)
        );
        let file = cfg
            .storage
            .data_dir
            .join(format!("outbox/{}.json", out[0].id));
        let json: serde_json::Value = serde_json::from_slice(&fs::read(file).unwrap()).unwrap();
        assert_eq!(json["receipt"], "ZLGG2023-001");
        assert_eq!(json["kind"], "receipt");
        assert_eq!(json["recipient"], SENDER);
        let eml = cfg
            .storage
            .data_dir
            .join(format!("outbox/{}.eml", out[0].id));
        let eml = String::from_utf8(fs::read(eml).unwrap()).unwrap();
        assert!(eml.contains("Auto-Submitted: auto-replied\r\n"), "{eml}");
        assert!(eml.contains("In-Reply-To: <"), "{eml}");
        assert!(
            eml.contains(&format!("shenbao-reply-{}@tj.gov.cn", out[0].id)),
            "{eml}"
        );
    });
    assert_eq!(place.count("Maildir/new"), 0);
    assert!(place.0.join("Maildir/cur/1.eml:2,S").is_file());
}

#[test]
fn the_same_message_twice_changes_nothing() {
    let place = Place::new("twice");
    let cfg = place.config();
    let mut files = submission();
    files.retain(|(n, _)| !n.contains("盖章"));
    let raw = email(SENDER, "申报材料", "", &refs(&files));
    place.drop_message("a.eml", &raw, 0);
    place.drop_message("b.eml", &raw, 1);
    rt().block_on(async {
        let stats = run_once(&cfg).await;
        assert_eq!((stats.judged, stats.duplicates), (1, 1));
        let store = record(&cfg).await;
        let before = counts(&store).await;
        assert_eq!(verdicts(&store).await.len(), 1);
        assert_eq!(outbox(&store).await.len(), 1);
        assert_eq!(outbox(&store).await[0].kind, MailKind::Notice);
        // The same bytes delivered again later, after a restart.
        place.drop_message("c.eml", &raw, 2);
        let stats = run_once(&cfg).await;
        assert_eq!((stats.judged, stats.duplicates, stats.replies), (0, 1, 0));
        assert_eq!(counts(&store).await, before);
    });
    assert_eq!(place.count("Maildir/new"), 0);
    assert_eq!(place.count("Maildir/cur"), 3);
}

#[test]
fn state_survives_a_restart() {
    let place = Place::new("restart");
    let cfg = place.config();
    let files = submission();
    let (stamped, word): (Vec<_>, Vec<_>) =
        files.into_iter().partition(|(n, _)| n.contains("盖章"));
    place.drop_message("1.eml", &email(SENDER, "申报材料", "", &refs(&word)), 0);
    rt().block_on(async {
        run_once(&cfg).await;
        let store = record(&cfg).await;
        assert_eq!(verdicts(&store).await, [(Verdict::Rejected, None)]);
        store.close().await;
    });
    // A new process: the judge must remember the Word files of the first email.
    place.drop_message("2.eml", &email(SENDER, "盖章版", "", &refs(&stamped)), 10);
    rt().block_on(async {
        let stats = run_once(&cfg).await;
        assert_eq!(stats.judged, 1);
        let store = record(&cfg).await;
        assert_eq!(
            verdicts(&store).await,
            [
                (Verdict::Rejected, None),
                (Verdict::Accepted, Some("ZLGG2023-001".to_string()))
            ]
        );
        let kinds: Vec<MailKind> = outbox(&store).await.into_iter().map(|o| o.kind).collect();
        assert_eq!(kinds, [MailKind::Notice, MailKind::Receipt]);
        let n = counts(&store).await;
        assert_eq!((n.current_materials, n.units), (6, 1));
        // A third process replays both and issues no second receipt number.
        store.close().await;
        let d = Daemon::open(cfg.clone()).await.unwrap();
        let unit = d.judge().state().units.values().next().unwrap();
        assert_eq!(unit.receipt.as_deref(), Some("ZLGG2023-001"));
        // The number comes from the receipts issued, not a new count.
        let issued: Vec<&String> = d.judge().issued().values().collect();
        assert_eq!(issued, ["ZLGG2023-001"]);
        d.close().await;
    });
}

#[test]
fn garbage_is_archived_and_recorded() {
    let place = Place::new("garbage");
    let cfg = place.config();
    let raw: Vec<u8> = (0..=255u8).cycle().take(3000).collect();
    place.drop_message("junk", &raw, 0);
    rt().block_on(async {
        let stats = run_once(&cfg).await;
        assert_eq!(stats.errors, 0);
        assert_eq!(stats.judged + stats.failed, 1);
        let store = record(&cfg).await;
        let path = store
            .messages()
            .await
            .unwrap()
            .remove(0)
            .raw_path
            .unwrap_or_default();
        assert_eq!(fs::read(cfg.storage.data_dir.join(path)).unwrap(), raw);
        // No address to answer.
        assert!(outbox(&store).await.is_empty());
    });
    assert_eq!(place.count("Maildir/new"), 0);
}

#[test]
fn automatic_mail_gets_no_reply() {
    let place = Place::new("auto");
    let cfg = place.config();
    let raw = email_with_headers(
        SENDER,
        "自动回复：申报材料",
        "我正在休假。",
        &[],
        "Auto-Submitted: auto-replied\r\n",
    );
    place.drop_message("auto.eml", &raw, 0);
    rt().block_on(async {
        run_once(&cfg).await;
        let store = record(&cfg).await;
        assert_eq!(verdicts(&store).await, [(Verdict::Ignored, None)]);
        assert!(outbox(&store).await.is_empty());
    });
}

#[test]
fn oversized_message_goes_to_failed() {
    let place = Place::new("big");
    let mut cfg = place.config();
    cfg.limits.max_message_bytes = 100;
    place.drop_message("big.eml", &[b'x'; 500], 0);
    rt().block_on(async {
        let stats = run_once(&cfg).await;
        assert_eq!(stats.failed, 1);
        let store = record(&cfg).await;
        let m = store.messages().await.unwrap().remove(0);
        let (state, failure) = (m.state, m.failure);
        assert_eq!(state, MessageState::Failed);
        assert!(failure.is_some_and(|f| f.contains("100")));
    });
    assert!(place.0.join("Maildir/failed/big.eml").is_file());
}

#[test]
fn replies_stop_at_the_daily_cap() {
    let place = Place::new("cap");
    let mut cfg = place.config();
    cfg.replies.per_sender_daily_cap = 1;
    for i in 0..3 {
        let raw = email(
            SENDER,
            &format!("申报{i}"),
            "",
            &[("说明.txt", b"x".to_vec())],
        );
        place.drop_message(&format!("{i}.eml"), &raw, i);
    }
    rt().block_on(async {
        let stats = run_once(&cfg).await;
        assert_eq!(stats.judged, 3);
        let store = record(&cfg).await;
        assert_eq!(outbox(&store).await.len(), 1);
    });
}

#[test]
fn the_loop_stops_on_shutdown_after_its_round() {
    let place = Place::new("loop");
    let cfg = place.config();
    place.drop_message("1.eml", &email(SENDER, "咨询", "", &[]), 0);
    rt().block_on(async {
        let (trigger, shutdown) = shenbao::shutdown::channel();
        let mut d = Daemon::open(cfg.clone()).await.unwrap();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            trigger.trigger();
        });
        let started = std::time::Instant::now();
        let stats = d.run(false, shutdown).await.unwrap();
        // Stopped while waiting for the next poll (5 s), not after it.
        assert!(started.elapsed() < Duration::from_secs(4));
        assert_eq!(stats.judged, 1);
        d.close().await;
    });
    assert_eq!(place.count("Maildir/new"), 0);
}

/// Regression: two projects' forms sent under one template name (in one email, and again in a
/// later email) were told apart only by name, so the export put one project's form into the
/// other's place. Each exported form must be that project's own bytes.
#[test]
fn same_named_forms_export_as_their_own_projects() {
    let place = Place::new("same-names");
    let hp = [Form::new(0, UNIT), Form::new(1, UNIT)];
    // 和平: both projects in one email, every form under the template's name.
    let mut one = vec![
        ("附件2：汇总表.xlsx".to_string(), summary_xlsx(UNIT, &hp)),
        ("附件2：汇总表（盖章）.pdf".to_string(), landscape()),
    ];
    for f in &hp {
        one.push(("附件1：立项申报表.docx".into(), application_docx(f)));
        one.push(("附件1：立项申报表（盖章）.pdf".into(), portrait()));
    }
    place.drop_message("1.eml", &email(SENDER, "和平区申报", "", &refs(&one)), 0);
    // 河西: the second project's forms follow in a later email under the first one's names.
    let hx_unit = "河西区市场监管局";
    let hx = [Form::new(2, hx_unit), Form::new(3, hx_unit)];
    let first = vec![
        ("附件2：汇总表.xlsx".to_string(), summary_xlsx(hx_unit, &hx)),
        ("附件2：汇总表（盖章）.pdf".to_string(), landscape()),
        ("立项申报表.docx".to_string(), application_docx(&hx[0])),
        ("立项申报表（盖章）.pdf".to_string(), portrait()),
    ];
    let second = vec![
        ("立项申报表.docx".to_string(), application_docx(&hx[1])),
        ("立项申报表（盖章）.pdf".to_string(), portrait()),
    ];
    place.drop_message(
        "2.eml",
        &email("hx@units.test", "河西区申报", "", &refs(&first)),
        10,
    );
    place.drop_message(
        "3.eml",
        &email("hx@units.test", "河西区补报", "", &refs(&second)),
        20,
    );

    place.write_config("2023-04-28T23:59:59+08:00");
    place.cli(&["run", "--once"]);
    let list = place.cli(&["list", "--json"]);
    let verdicts: Vec<serde_json::Value> = serde_json::from_str::<Vec<serde_json::Value>>(&list)
        .unwrap()
        .iter()
        .map(|m| m["verdict"].clone())
        .collect();
    assert_eq!(verdicts, ["accepted", "rejected", "accepted"], "{list}");
    place.cli(&["export", "--out", "export"]);
    // 收件时间 in the campaign's time zone, whatever the machine's (the arrival is 01:00 UTC).
    {
        use calamine::{Reader, Xlsx, open_workbook};
        let mut book: Xlsx<_> = open_workbook(place.0.join("export/全市汇总表.xlsx")).unwrap();
        let sheet = book.worksheet_range("全部项目").unwrap();
        let arrival = sheet.get_value((2, 13)).map(|d| d.to_string());
        assert_eq!(arrival.as_deref(), Some("2023-04-20 09:00"));
    }

    for (unit, forms) in [(UNIT, &hp), (hx_unit, &hx)] {
        let dir = place.0.join("export").join(unit);
        for f in forms.iter() {
            let name = fs::read_dir(&dir)
                .unwrap()
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .find(|n| n.contains(&f.enterprise) && n.ends_with("-申报表.docx"))
                .unwrap_or_else(|| panic!("no form of {} in {}", f.enterprise, dir.display()));
            assert_eq!(
                fs::read(dir.join(&name)).unwrap(),
                application_docx(f),
                "{unit}/{name} holds another project's form"
            );
        }
    }
}

/// A sender whose first mail names no unit is keyed by its address: the division sees it as
/// unidentified, `remind` leaves it alone, and once the same sender writes for a named unit
/// the address "unit" is gone from the views.
#[test]
fn an_unidentified_sender_is_no_unit_to_remind() {
    let place = Place::new("unidentified");
    place.write_config("2099-04-28T23:59:59+08:00");
    let notice = email(SENDER, "联系人变更", "我单位申报联系人变更为张伟。", &[]);
    place.drop_message("1.eml", &notice, 0);
    place.cli(&["run", "--once"]);
    let status: serde_json::Value =
        serde_json::from_str(&place.cli(&["status", "--json"])).unwrap();
    let units = status["units"].as_array().unwrap();
    assert_eq!(units.len(), 1, "{status}");
    assert_eq!(units[0]["identified"], false, "{status}");
    assert!(place.cli(&["status"]).contains("未识别推荐单位"));
    let plan: serde_json::Value =
        serde_json::from_str(&place.cli(&["remind", "--dry-run", "--json"])).unwrap();
    assert_eq!(plan["units"].as_array().unwrap().len(), 0, "{plan}");

    let files = complete_submission(UNIT, &[Form::new(0, UNIT)]);
    place.drop_message("2.eml", &email(SENDER, "申报", "", &refs(&files)), 10);
    place.cli(&["run", "--once"]);
    let status: serde_json::Value =
        serde_json::from_str(&place.cli(&["status", "--json"])).unwrap();
    let names: Vec<&str> = status["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, [UNIT], "{status}");
}
