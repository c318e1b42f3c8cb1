//! The judge's state is recorded with each message and loaded at start-up: a daemon started
//! on a record judges the next message exactly as one that saw every message in one run, and
//! a stored state it cannot trust (another format, behind the record) is rebuilt from the
//! archive.

// A test crate: a failed unwrap, expect or panic is the test failing, which is what it should do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::place::Place;
use common::*;
use shenbao::config::Config;
use shenbao::daemon::Daemon;
use shenbao::shutdown::Shutdown;
use shenbao::verdict::State;
use sqlx::SqlitePool;
use std::fs;

const HP: &str = "和平区市场监管局";
const HX: &str = "河西区市场监管局";
const HD: &str = "河东区市场监管局";

/// Messages from three units: Word files first and the stamped ones later (found by the
/// sender's unit), an email without files, a complete submission, and last a project another
/// unit has already submitted, sent again (resubmission and duplicate_in_campaign).
fn messages() -> Vec<Vec<u8>> {
    let hp = complete_submission(HP, &[Form::new(0, HP), Form::new(1, HP)]);
    let (hp_stamped, hp_word): (Vec<_>, Vec<_>) =
        hp.into_iter().partition(|(n, _)| n.contains("盖章"));
    let hx = complete_submission(HX, &[Form::new(2, HX)]);
    let hd = complete_submission(HD, &[Form::new(3, HD), Form::new(2, HD)]);
    vec![
        email("hp@tj.gov.cn", "申报材料", "", &refs(&hp_word)),
        email("hx@tj.gov.cn", "申报材料", "", &refs(&hx)),
        email("hp@tj.gov.cn", "材料", "材料稍后发送", &[]),
        email("hp@tj.gov.cn", "盖章版", "", &refs(&hp_stamped)),
        email("hd@tj.gov.cn", "申报材料", "", &refs(&hd)),
        email("hp@tj.gov.cn", "重新报送", "", &refs(&hp_word)),
    ]
}

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

/// The database read behind the store's back, as an outside check would.
async fn pool(cfg: &Config) -> SqlitePool {
    let url = format!(
        "sqlite://{}",
        cfg.storage.data_dir.join("shenbao.db").display()
    );
    SqlitePool::connect(&url).await.unwrap()
}

/// Each message's verdict, receipt and problem codes, in order.
async fn judgements(cfg: &Config) -> Vec<(String, Option<String>, String)> {
    sqlx::query_as(
        "SELECT v.verdict, v.receipt, (SELECT group_concat(code, ',') FROM \
         (SELECT code FROM problems p WHERE p.message_id = v.message_id ORDER BY p.id)) \
         FROM verdicts v ORDER BY v.message_id",
    )
    .fetch_all(&pool(cfg).await)
    .await
    .unwrap()
    .into_iter()
    .map(|(v, r, c): (String, Option<String>, Option<String>)| (v, r, c.unwrap_or_default()))
    .collect()
}

async fn state(cfg: &Config) -> State {
    let d = Daemon::open(cfg.clone()).await.unwrap();
    let s = d.judge().state().clone();
    d.close().await;
    s
}

/// The raw messages archived so far are removed: a judge that needed them could not rebuild.
fn remove_archive(cfg: &Config) {
    fs::remove_dir_all(cfg.storage.data_dir.join("raw")).unwrap();
}

#[test]
fn a_judge_loaded_from_the_record_judges_the_next_message_as_one_that_saw_all() {
    let msgs = messages();
    let n = msgs.len() - 1;
    let all = Place::new("all");
    let all_cfg = all.config();
    for (i, m) in msgs.iter().enumerate() {
        all.drop_message(&format!("{}.eml", i), m, i as u64);
    }
    let split = Place::new("split");
    let split_cfg = split.config();
    for (i, m) in msgs.iter().take(n).enumerate() {
        split.drop_message(&format!("{}.eml", i), m, i as u64);
    }
    rt().block_on(async {
        run_once(&all_cfg).await;
        run_once(&split_cfg).await;
        // Without the archive, only a loaded state can know what the units sent.
        remove_archive(&split_cfg);
        split.drop_message(&format!("{}.eml", n), &msgs[n], n as u64);
        run_once(&split_cfg).await;
        let (a, s) = (judgements(&all_cfg).await, judgements(&split_cfg).await);
        assert_eq!(a.len(), msgs.len());
        assert_eq!(a, s);
        let last = &s[n];
        assert_eq!(last.1.as_deref(), Some("ZLGG2023-002"), "{s:?}");
        assert!(last.2.contains("resubmission"), "{s:?}");
        assert!(s[4].2.contains("duplicate_in_campaign"), "{s:?}");
        assert_eq!(state(&all_cfg).await, state(&split_cfg).await);
    });
}

#[test]
fn a_state_stored_in_another_format_or_behind_the_record_is_rebuilt() {
    let place = Place::new("format");
    let cfg = place.config();
    let msgs = messages();
    for (i, m) in msgs.iter().enumerate() {
        place.drop_message(&format!("{}.eml", i), m, i as u64);
    }
    rt().block_on(async {
        run_once(&cfg).await;
        let good = state(&cfg).await;
        let pool = pool(&cfg).await;
        // A state that would load wrong if it were loaded: every unit with 99 emails.
        let spoil = "UPDATE judge_units SET state = json_set(state, '$.unit.emails', 99)";
        for mark in [
            "UPDATE judge_state SET format = 0",
            "UPDATE judge_state SET last_message = 1",
        ] {
            sqlx::query(spoil).execute(&pool).await.unwrap();
            sqlx::query(mark).execute(&pool).await.unwrap();
            // The receipt counter of a rebuilt state counts only numbers not issued before
            // (new numbers skip issued ones either way): the units and senders must match.
            let rebuilt = state(&cfg).await;
            assert_eq!(rebuilt.units, good.units, "after {mark}");
            assert_eq!(rebuilt.sender_unit, good.sender_unit, "after {mark}");
            let (format, last): (i64, i64) =
                sqlx::query_as("SELECT format, last_message FROM judge_state")
                    .fetch_one(&pool)
                    .await
                    .unwrap();
            assert_eq!(format, i64::from(shenbao::verdict::saved::FORMAT));
            assert_eq!(last, msgs.len() as i64);
        }
        // Loaded as stored when it can be trusted.
        sqlx::query(spoil).execute(&pool).await.unwrap();
        let spoiled = state(&cfg).await;
        assert!(spoiled.units.values().all(|u| u.emails == 99));
    });
}
