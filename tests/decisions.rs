//! The division's decisions, end to end: the daemon over a Maildir with the file outbox
//! applies what a clerk decided (accept by hand, a seal seen by eye, a sender filed under a
//! unit), the record keeps it through a restart and `reprocess`, a decision that cannot apply
//! says why, and `shenbao decide` works with and without a running daemon.

// A test crate: a failed unwrap, expect or panic is the test failing, which is what it should do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::place::Place;
use common::*;
use shenbao::config::Config;
use shenbao::daemon::Daemon;
use shenbao::division::progress::Progress;
use shenbao::division::{reprocess, units};
use shenbao::shutdown::{self, Shutdown};
use shenbao::store::read::ReplyRow;
use shenbao::store::{DecisionKind, DecisionState, MailKind, NewDecision, Store};
use std::time::Duration;

const HP: &str = "和平区市场监管局";
const HX: &str = "河西区市场监管局";

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

async fn run_once(cfg: &Config) {
    let mut d = Daemon::open(cfg.clone()).await.unwrap();
    d.run(true, Shutdown::never()).await.unwrap();
    d.close().await;
}

async fn store(cfg: &Config) -> Store {
    Store::open(&cfg.storage.data_dir).await.unwrap()
}

fn decision(kind: DecisionKind, unit: Option<&str>, target: Option<&str>) -> NewDecision {
    NewDecision {
        actor: "test".into(),
        kind,
        unit_key: unit.map(str::to_string),
        target: target.map(str::to_string),
        reason: "电话核实".into(),
        note: None,
    }
}

/// The Word files of a complete submission (no stamped scans): incomplete.
fn word_only(unit: &str, from: &str) -> Vec<u8> {
    let files = complete_submission(unit, &[Form::new(0, unit)]);
    let word: Vec<_> = files
        .into_iter()
        .filter(|(n, _)| !n.contains("盖章"))
        .collect();
    email(from, "申报材料", "", &refs(&word))
}

/// The stamped scans of the same submission.
fn stamped_only(unit: &str, from: &str) -> Vec<u8> {
    let files = complete_submission(unit, &[Form::new(0, unit)]);
    let scans: Vec<_> = files
        .into_iter()
        .filter(|(n, _)| n.contains("盖章"))
        .collect();
    email(from, "盖章版", "", &refs(&scans))
}

async fn replies(store: &Store) -> Vec<ReplyRow> {
    store.replies().await.unwrap()
}

async fn standing(store: &Store, cfg: &Config, key: &str) -> units::Standing {
    let all = units::load(store, cfg).await.unwrap();
    all.iter().find(|u| u.key == key).unwrap().standing
}

#[test]
fn a_unit_accepted_by_hand_gets_the_next_receipt_and_keeps_it_through_restart_and_reprocess() {
    let place = Place::new("decide-accept");
    let cfg = place.config();
    let hx = complete_submission(HX, &[Form::new(1, HX)]);
    place.drop_message(
        "1.eml",
        &email("hx@tj.gov.cn", "申报材料", "", &refs(&hx)),
        0,
    );
    place.drop_message("2.eml", &word_only(HP, "hp@tj.gov.cn"), 1);
    rt().block_on(async {
        run_once(&cfg).await;
        let s = store(&cfg).await;
        assert_eq!(standing(&s, &cfg, HP).await, units::Standing::Incomplete);
        let before = replies(&s).await.len();
        let id = s
            .propose_decision(&decision(DecisionKind::Accept, Some(HP), None))
            .await
            .unwrap();
        // Refused ones say why, in the division's words.
        let unknown = s
            .propose_decision(&decision(DecisionKind::Accept, Some("河北区"), None))
            .await
            .unwrap();
        let twice = s
            .propose_decision(&decision(DecisionKind::Accept, Some(HX), None))
            .await
            .unwrap();
        assert!(
            s.propose_decision(&NewDecision {
                reason: "  ".into(),
                ..decision(DecisionKind::Accept, Some(HP), None)
            })
            .await
            .is_err()
        );
        run_once(&cfg).await;

        let d = s.decision(id).await.unwrap().unwrap();
        assert_eq!(d.state, DecisionState::Applied, "{d:?}");
        assert!(
            d.result.as_deref().unwrap().contains("ZLGG2023-002"),
            "{d:?}"
        );
        let r = replies(&s).await;
        assert_eq!(r.len(), before + 1);
        let receipt = r.iter().find(|x| Some(x.id) == d.outbox_id).unwrap();
        assert_eq!(receipt.kind, MailKind::Receipt);
        assert_eq!(receipt.recipient, "hp@tj.gov.cn");
        let eml = cfg
            .storage
            .data_dir
            .join(format!("outbox/{}.eml", receipt.id));
        let text = String::from_utf8_lossy(&std::fs::read(&eml).unwrap()).to_string();
        assert!(text.contains("In-Reply-To"), "{text}");
        assert_eq!(
            standing(&s, &cfg, HP).await,
            units::Standing::AcceptedByHand
        );
        for (id, why) in [(unknown, "没有找到单位"), (twice, "已受理")] {
            let d = s.decision(id).await.unwrap().unwrap();
            assert_eq!(d.state, DecisionState::Refused);
            assert!(d.result.as_deref().unwrap().contains(why), "{d:?}");
        }

        // A restart loads the receipt with the state.
        let daemon = Daemon::open(cfg.clone()).await.unwrap();
        let unit = &daemon.judge().state().units[HP];
        assert_eq!(unit.receipt.as_deref(), Some("ZLGG2023-002"));
        daemon.close().await;

        // Reprocess replays it, sending nothing again.
        let opts = reprocess::Options::default();
        reprocess::run(&s, &cfg, opts, &Progress::hidden())
            .await
            .unwrap();
        assert_eq!(replies(&s).await.len(), before + 1);
        assert_eq!(
            standing(&s, &cfg, HP).await,
            units::Standing::AcceptedByHand
        );
        let daemon = Daemon::open(cfg.clone()).await.unwrap();
        let unit = &daemon.judge().state().units[HP];
        assert_eq!(unit.receipt.as_deref(), Some("ZLGG2023-002"));
        daemon.close().await;

        // Later mail is judged as usual and keeps the number.
        place.drop_message("3.eml", &stamped_only(HP, "hp@tj.gov.cn"), 5);
        run_once(&cfg).await;
        assert_eq!(standing(&s, &cfg, HP).await, units::Standing::Accepted);
        let all = units::load(&s, &cfg).await.unwrap();
        let hp = all.iter().find(|u| u.key == HP).unwrap();
        assert_eq!(hp.receipt.as_deref(), Some("ZLGG2023-002"));
        assert_eq!(s.decisions_of_unit(HP).await.unwrap().len(), 1);
        s.close().await;
    });
}

#[test]
fn a_seal_confirmed_by_eye_is_kept_in_the_state() {
    let place = Place::new("decide-seal");
    let cfg = place.config();
    let mut files = complete_submission(HP, &[Form::new(0, HP)]);
    let unsealed = files
        .iter()
        .position(|(n, _)| n.contains("申报表") && n.contains("盖章"))
        .unwrap();
    files[unsealed].1 = scan(false, false);
    place.drop_message(
        "1.eml",
        &email("hp@tj.gov.cn", "申报材料", "", &refs(&files)),
        0,
    );
    rt().block_on(async {
        run_once(&cfg).await;
        let s = store(&cfg).await;
        // The unsealed scan waits for a person's eye (the desk's overview lists it).
        assert_eq!(s.unconfirmed_stamps().await.unwrap(), vec![1]);
        let target = format!("1/{unsealed}");
        let id = s
            .propose_decision(&decision(
                DecisionKind::ConfirmSeal,
                Some(HP),
                Some(&target),
            ))
            .await
            .unwrap();
        let wrong = s
            .propose_decision(&decision(DecisionKind::ConfirmSeal, Some(HP), Some("1/0")))
            .await
            .unwrap();
        run_once(&cfg).await;
        let d = s.decision(id).await.unwrap().unwrap();
        assert_eq!(d.state, DecisionState::Applied, "{d:?}");
        assert_eq!(
            s.confirmed_seals().await.unwrap(),
            vec![(1, unsealed as i64)]
        );
        assert!(s.unconfirmed_stamps().await.unwrap().is_empty());
        let w = s.decision(wrong).await.unwrap().unwrap();
        assert_eq!(w.state, DecisionState::Refused, "{w:?}");
        assert!(
            w.result
                .unwrap()
                .contains("不是该单位现有材料中的盖章扫描件")
        );
        let daemon = Daemon::open(cfg.clone()).await.unwrap();
        assert_eq!(daemon.judge().state().units[HP].seals_confirmed.len(), 1);
        daemon.close().await;
        s.close().await;
    });
}

#[test]
fn a_personal_address_filed_under_a_unit_completes_it() {
    let place = Place::new("decide-assign");
    let cfg = place.config();
    place.drop_message("1.eml", &word_only(HP, "hp@tj.gov.cn"), 0);
    // The scans come from a clerk's personal address, naming no unit.
    place.drop_message("2.eml", &stamped_only(HP, "someone@qq.com"), 1);
    rt().block_on(async {
        run_once(&cfg).await;
        let s = store(&cfg).await;
        let id = s
            .propose_decision(&decision(
                DecisionKind::AssignSender,
                Some(HP),
                Some("someone@qq.com"),
            ))
            .await
            .unwrap();
        // The running daemon applies it as soon as it is woken.
        let mut d = Daemon::open(cfg.clone()).await.unwrap();
        let (trigger, stop) = shutdown::channel();
        let wake = d.waker();
        let s2 = s.clone();
        let watch = async move {
            wake.notify_one();
            for _ in 0..100 {
                let row = s2.decision(id).await.unwrap().unwrap();
                if row.state != DecisionState::Pending {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            trigger.trigger();
        };
        let (ran, ()) = tokio::join!(d.run(false, stop), watch);
        ran.unwrap();
        let state = d.judge().state().clone();
        d.close().await;
        let row = s.decision(id).await.unwrap().unwrap();
        assert_eq!(row.state, DecisionState::Applied, "{row:?}");
        assert!(!state.units.contains_key("someone@qq.com"));
        assert_eq!(state.sender_unit["someone@qq.com"], HP);
        let hp = &state.units[HP];
        assert_eq!(hp.emails, 2);
        assert_eq!(hp.receipt.as_deref(), Some("ZLGG2023-001"), "{row:?}");
        let all = units::load(&s, &cfg).await.unwrap();
        assert!(all.iter().all(|u| u.key != "someone@qq.com"));
        // One current file per slot, each where the merged materials put it.
        let id = all.iter().find(|u| u.key == HP).and_then(|u| u.id).unwrap();
        let mut current: Vec<String> = s
            .current_files(id)
            .await
            .unwrap()
            .into_iter()
            .map(|f| f.slot)
            .collect();
        current.sort();
        let mut want: Vec<String> = shenbao::store::slots(&hp.materials)
            .into_iter()
            .map(|(slot, _)| slot)
            .collect();
        want.sort();
        assert_eq!(current, want);
        let r = replies(&s).await;
        assert!(r.iter().any(|x| x.kind == MailKind::Receipt), "{r:?}");
        s.close().await;
    });
}

/// The embedded default as a file, reading and recording in the place.
fn config_file(place: &Place) -> std::path::PathBuf {
    let text = include_str!("../config/local.toml")
        .replace(
            "path = \"data/Maildir\"",
            &format!("path = \"{}\"", place.0.join("Maildir").display()),
        )
        .replace(
            "data_dir = \"data\"",
            &format!("data_dir = \"{}\"", place.0.join("data").display()),
        )
        .replace("poll_seconds = 5", "poll_seconds = 1");
    let file = place.0.join("shenbao.toml");
    std::fs::write(&file, text).unwrap();
    file
}

/// Runs the binary; (exit code, stdout then stderr).
fn shenbao(config: &std::path::Path, args: &[&str]) -> (i32, String) {
    let r = common::cli::shenbao(config, args);
    (r.code, r.text())
}

#[test]
fn decide_on_the_command_line_with_and_without_a_daemon() {
    let place = Place::new("decide-cli");
    let conf = config_file(&place);
    let cfg = Config::load(Some(&conf)).unwrap();
    place.drop_message("1.eml", &word_only(HP, "hp@tj.gov.cn"), 0);
    place.drop_message("2.eml", &word_only(HX, "hx@tj.gov.cn"), 1);
    rt().block_on(run_once(&cfg));
    // No daemon: the command applies it and delivers the receipt itself.
    let (code, out) = shenbao(&conf, &["decide", "accept", HP, "--reason", "电话核实"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("ZLGG2023-001"), "{out}");
    assert!(
        std::fs::read_dir(place.0.join("data/outbox"))
            .unwrap()
            .any(|e| e.unwrap().file_name().to_string_lossy().ends_with(".eml"))
    );
    let (code, out) = shenbao(&conf, &["decide", "accept", HP, "--reason", "再次"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("已受理"), "{out}");
    let (code, out) = shenbao(&conf, &["decide", "accept", HP]);
    assert_ne!(code, 0, "a reason is required: {out}");
    // With the daemon running, it applies the proposal within its wait.
    rt().block_on(async {
        let mut d = Daemon::open(cfg.clone()).await.unwrap();
        let (trigger, stop) = shutdown::channel();
        let conf2 = conf.clone();
        let cli = tokio::task::spawn_blocking(move || {
            shenbao(
                &conf2,
                &["decide", "accept", HX, "--reason", "材料已当面核对"],
            )
        });
        let watch = async move {
            let r = cli.await.unwrap();
            trigger.trigger();
            r
        };
        let (ran, (code, out)) = tokio::join!(d.run(false, stop), watch);
        ran.unwrap();
        d.close().await;
        assert_eq!(code, 0, "{out}");
        assert!(out.contains("ZLGG2023-002"), "{out}");
    });
    // A reminder is previewed first; after the deadline it is refused, saying why.
    let (code, out) = shenbao(&conf, &["decide", "remind", HX, "--preview"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("催报提醒") && out.contains("截止"), "{out}");
    let (code, out) = shenbao(&conf, &["decide", "remind", HX, "--reason", "催一下"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("未执行") && out.contains("截止"), "{out}");
    let (code, out) = shenbao(&conf, &["decide", "list", HP]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("人工受理") && out.contains("电话核实"),
        "{out}"
    );
}

#[test]
fn a_question_is_answered_in_its_thread_or_marked_answered() {
    let place = Place::new("decide-answer");
    let cfg = place.config();
    let ask = |who: &str| email(who, "咨询", "请问截止时间是哪天？", &[]);
    place.drop_message("1.eml", &ask("a@qq.com"), 0);
    place.drop_message("2.eml", &ask("b@qq.com"), 1);
    rt().block_on(async {
        run_once(&cfg).await;
        let s = store(&cfg).await;
        let status = shenbao::division::status::load(&s, &cfg).await.unwrap();
        assert_eq!(status.questions.len(), 2);
        let answer = s
            .propose_decision(&NewDecision {
                note: Some("截止时间为4月28日。".into()),
                ..decision(DecisionKind::Answer, None, Some("1"))
            })
            .await
            .unwrap();
        let elsewhere = s
            .propose_decision(&decision(DecisionKind::MarkAnswered, None, Some("2")))
            .await
            .unwrap();
        run_once(&cfg).await;
        let d = s.decision(answer).await.unwrap().unwrap();
        assert_eq!(d.state, DecisionState::Applied, "{d:?}");
        let r = replies(&s).await;
        let sent = r.iter().find(|x| Some(x.id) == d.outbox_id).unwrap();
        assert_eq!(
            (sent.kind, sent.recipient.as_str()),
            (MailKind::Answer, "a@qq.com")
        );
        let eml = cfg.storage.data_dir.join(format!("outbox/{}.eml", sent.id));
        let raw = std::fs::read(&eml).unwrap();
        let text = String::from_utf8_lossy(&raw);
        assert!(text.contains("In-Reply-To"), "{text}");
        let e = s.decision(elsewhere).await.unwrap().unwrap();
        assert_eq!(e.state, DecisionState::Applied, "{e:?}");
        assert_eq!(r.len(), 1, "marking answered sends nothing");
        let status = shenbao::division::status::load(&s, &cfg).await.unwrap();
        assert!(status.questions.is_empty(), "{:?}", status.questions);
        s.close().await;
    });
}

#[test]
fn a_correction_notice_carries_the_clerks_note_and_the_open_problems() {
    let place = Place::new("decide-correct");
    let cfg = place.config();
    place.drop_message("1.eml", &word_only(HP, "hp@tj.gov.cn"), 0);
    rt().block_on(async {
        run_once(&cfg).await;
        let s = store(&cfg).await;
        let before = replies(&s).await.len();
        let id = s
            .propose_decision(&NewDecision {
                note: Some("请于三日内补交盖章扫描件。".into()),
                ..decision(DecisionKind::RequestCorrection, Some(HP), None)
            })
            .await
            .unwrap();
        run_once(&cfg).await;
        let d = s.decision(id).await.unwrap().unwrap();
        assert_eq!(d.state, DecisionState::Applied, "{d:?}");
        let r = replies(&s).await;
        assert_eq!(r.len(), before + 1);
        let notice = r.iter().find(|x| Some(x.id) == d.outbox_id).unwrap();
        assert_eq!(notice.kind, MailKind::Notice);
        let raw = std::fs::read(
            cfg.storage
                .data_dir
                .join(format!("outbox/{}.eml", notice.id)),
        )
        .unwrap();
        let m = mail_parser::MessageParser::default().parse(&raw).unwrap();
        let body = m.body_text(0).unwrap();
        assert!(body.contains("请于三日内补交盖章扫描件。"), "{body}");
        assert!(body.contains("盖章"), "{body}");
        s.close().await;
    });
}
