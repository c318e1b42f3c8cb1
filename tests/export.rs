//! The city-wide export from a real record: the daemon over a Maildir judges five units, a
//! clerk confirms a seal and accepts a unit by hand, then the workbook is built as `shenbao
//! export` and the desk build it (`record::load` → `export`) and read back with calamine:
//! the units in the configured order then by first email, the accepted units on their own
//! sheet, and 提示 from what the record holds (a late arrival, a project two units recommend
//! or an enterprise had in a past year, a seal nobody has seen).

// A test crate: a failed unwrap, expect or panic is the test failing, which is what it should do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use calamine::{Data, Reader, Xlsx, open_workbook};
use common::place::Place;
use common::*;
use shenbao::config::{Config, ExpectedUnit};
use shenbao::daemon::Daemon;
use shenbao::division::export::{self, WORKBOOK, record};
use shenbao::history::HistoryProject;
use shenbao::shutdown::Shutdown;
use shenbao::store::{DecisionKind, NewDecision, Store};

const HX: &str = "河西区市场监管局";
const HP: &str = "和平区市场监管局";
const HQ: &str = "红桥区市场监管局";
const NK: &str = "南开区市场监管局";
const DL: &str = "东丽区市场监管局";
const HB: &str = "河北区市场监管局";

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

fn decision(kind: DecisionKind, unit: &str, target: Option<String>) -> NewDecision {
    NewDecision {
        actor: "test".into(),
        kind,
        unit_key: Some(unit.into()),
        target,
        reason: "人工核对".into(),
        note: None,
    }
}

/// A unit's submission as files; `stamped_summary` false leaves it incomplete.
fn submission(unit: &str, forms: &[Form], stamped_summary: bool) -> Vec<(String, Vec<u8>)> {
    complete_submission(unit, forms)
        .into_iter()
        .filter(|(n, _)| stamped_summary || !n.starts_with("附件2：汇总表（盖章）"))
        .collect()
}

/// The forms of a unit that is neither listed nor sending anyone else's project.
fn hebei() -> Form {
    let mut f = Form::new(3, HB);
    f.project = "涂装车间节能改造".into();
    f
}

#[test]
fn the_export_orders_units_splits_the_accepted_and_warns_from_the_record() {
    let place = Place::new("export");
    let mut cfg = place.config();
    // 12:00 on the day the mail comes (drop_message counts minutes from 09:00).
    cfg.campaign.deadline =
        chrono::DateTime::parse_from_rfc3339("2023-04-20T12:00:00+08:00").unwrap();
    // Listed against the order of their names (和 sorts before 河), and one that sends nothing.
    cfg.campaign.units = [HX, HP, HQ]
        .iter()
        .map(|n| ExpectedUnit {
            name: n.to_string(),
            aliases: Vec::new(),
            addresses: Vec::new(),
        })
        .collect();

    // 和平: both stamped forms without a visible seal; a clerk confirms the second below.
    let mut hp = submission(HP, &[Form::new(0, HP), Form::new(1, HP)], true);
    let unsealed: Vec<usize> = hp
        .iter()
        .enumerate()
        .filter(|(_, (n, _))| n.starts_with("附件1") && n.contains("盖章"))
        .map(|(i, _)| i)
        .collect();
    for &i in &unsealed {
        hp[i].1 = scan(false, false);
    }
    place.drop_message("hp.eml", &email("hp@units.test", "申报", "", &refs(&hp)), 5);
    // The unlisted units write in an order unlike their names' (东 < 南 < 河).
    let nk = submission(NK, &[Form::new(0, NK)], true); // 和平's first project again
    place.drop_message(
        "nk.eml",
        &email("nk@units.test", "申报", "", &refs(&nk)),
        10,
    );
    let dl = submission(DL, &[Form::new(3, DL)], false); // like a 2022 project; incomplete
    place.drop_message(
        "dl.eml",
        &email("dl@units.test", "申报", "", &refs(&dl)),
        20,
    );
    let hb = submission(HB, &[hebei()], false); // incomplete, stays so
    place.drop_message(
        "hb.eml",
        &email("hb@units.test", "申报", "", &refs(&hb)),
        30,
    );
    // 河西: 20 minutes late (the default late policy accepts it with a warning).
    let hx = submission(HX, &[Form::new(2, HX)], true);
    place.drop_message(
        "hx.eml",
        &email("hx@units.test", "申报", "", &refs(&hx)),
        200,
    );

    let (title, units) = rt().block_on(async {
        let store = Store::open(&cfg.storage.data_dir).await.unwrap();
        let past = HistoryProject {
            year: "2022".into(),
            enterprise_name: Form::new(3, DL).enterprise,
            credit_code: CODES[3].into(),
            project_name: "精密减速机的噪声控制".into(),
            description: String::new(),
        };
        store
            .import_history(&[past], "历年项目.xlsx")
            .await
            .unwrap();
        run_once(&cfg).await;
        let hp_id = store
            .units()
            .await
            .unwrap()
            .into_iter()
            .find(|u| u.name == HP)
            .unwrap()
            .id;
        let message = store.files_of_unit(hp_id).await.unwrap()[0].message;
        let seal = format!("{message}/{}", unsealed[1]);
        store
            .propose_decision(&decision(DecisionKind::ConfirmSeal, HP, Some(seal)))
            .await
            .unwrap();
        store
            .propose_decision(&decision(DecisionKind::Accept, DL, None))
            .await
            .unwrap();
        run_once(&cfg).await;
        let loaded = record::load(&store, &cfg).await.unwrap();
        store.close().await;
        loaded
    });
    let out = place.0.join("export");
    let report = export::export(&out, &title, &units, &|_, _| {}).unwrap();
    assert_eq!((report.projects, report.accepted), (6, 5), "{report:?}");

    let mut book: Xlsx<_> = open_workbook(out.join(WORKBOOK)).unwrap();
    assert_eq!(book.sheet_names(), ["已受理项目", "全部项目"]);
    let all = book.worksheet_range("全部项目").unwrap();
    let text = |r: &calamine::Range<Data>, row: u32, col: u32| {
        r.get_value((row, col))
            .map(|d| d.to_string())
            .unwrap_or_default()
    };
    let rows: Vec<(String, String, String, String)> = (2..all.height() as u32)
        .map(|r| {
            (
                text(&all, r, 12),
                text(&all, r, 7),
                text(&all, r, 14),
                text(&all, r, 16),
            )
        })
        .collect();
    let want = [
        (HX, Form::new(2, HX).project, "已受理", "逾期"),
        (
            HP,
            Form::new(0, HP).project,
            "已受理",
            "疑似重复（另由南开区市场监管局推荐）；公章未识别",
        ),
        (HP, Form::new(1, HP).project, "已受理", ""),
        (
            NK,
            Form::new(0, NK).project,
            "已受理",
            "疑似重复（另由和平区市场监管局推荐）",
        ),
        (
            DL,
            Form::new(3, DL).project,
            "已人工受理",
            "疑似重复（与2022年度项目相似）",
        ),
        (HB, hebei().project, "材料不全", ""),
    ];
    let want: Vec<(String, String, String, String)> = want
        .into_iter()
        .map(|(u, p, s, w)| (u.to_string(), p, s.to_string(), w.to_string()))
        .collect();
    assert_eq!(rows, want);
    for (i, r) in (2..all.height() as u32).enumerate() {
        assert_eq!(all.get_value((r, 0)), Some(&Data::Float(i as f64 + 1.0)));
    }

    // The sheet reported upward: the same order without the incomplete unit, numbered anew.
    let accepted = book.worksheet_range("已受理项目").unwrap();
    let units: Vec<String> = (2..accepted.height() as u32)
        .map(|r| text(&accepted, r, 12))
        .collect();
    assert_eq!(units, [HX, HP, HP, NK, DL]);
    assert_eq!(accepted.get_value((6, 0)), Some(&Data::Float(5.0)));
    assert_eq!(text(&accepted, 6, 14), "已人工受理");
    assert_eq!(
        accepted.get_value((3, 2)),
        Some(&Data::String(CODES[0].into()))
    );
}
