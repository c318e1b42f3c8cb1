//! 提示: each warning from its fact, several joined in one cell.

use super::*;
use crate::division::export::warnings::{Facts, mark};
use crate::history::HistoryProject;

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

fn facts(history: &[HistoryProject]) -> Facts<'_> {
    Facts {
        deadline: at("2023-04-28T23:59:59+08:00"),
        history,
        threshold: 0.7,
    }
}

fn past(year: &str, code: &str, title: &str) -> HistoryProject {
    HistoryProject {
        year: year.into(),
        enterprise_name: String::new(),
        credit_code: code.into(),
        project_name: title.into(),
        description: String::new(),
    }
}

#[test]
fn a_late_project_is_marked_and_one_on_time_is_not() {
    let src = temp("src");
    let mut all = units(&src);
    // 00:01 Beijing time after the deadline, recorded in UTC as a mail server may.
    all[0].projects[0].received = Some(at("2023-04-28T16:01:00+00:00"));
    all[0].projects[1].received = Some(at("2023-04-28T23:59:59+08:00"));
    mark(&mut all, &facts(&[]));
    assert_eq!(all[0].projects[0].warnings, ["逾期"]);
    assert!(all[0].projects[1].warnings.is_empty());
}

#[test]
fn a_project_two_units_recommend_is_marked_on_both_and_a_past_one_by_its_year() {
    let src = temp("src");
    let mut all = units(&src);
    // 河西 recommends 和平's first project (same code, a reworded title) through its summary.
    let mut twin = all[0].clone();
    twin.name = "河西区市场监管局".into();
    twin.projects.truncate(1);
    if let Some(r) = twin.projects[0].row.as_mut() {
        r.project_name = "高可靠性转向节的设计与验证".into();
        r.enterprise_name = String::new();
    }
    all.push(twin);
    let history = [
        past(
            "2022年",
            "120101000000000001",
            "提高聚氯乙烯树脂聚合的合格率",
        ),
        past("2021", "91120101584296705M", "涂装车间节能改造"),
    ];
    mark(&mut all, &facts(&history));
    assert_eq!(
        all[0].projects[0].warnings,
        ["疑似重复（另由河西区市场监管局推荐）"]
    );
    assert_eq!(
        all[3].projects[0].warnings,
        ["疑似重复（另由和平区市场监管局推荐）"]
    );
    assert_eq!(
        all[0].projects[1].warnings,
        ["疑似重复（与2022年度项目相似）"]
    );
}

#[test]
fn an_unverified_seal_is_marked_on_its_project_and_the_summarys_on_every_row() {
    let src = temp("src");
    let mut all = units(&src);
    if let Some(f) = all[0].projects[0].stamped.as_mut() {
        f.unverified_seal = true;
    }
    mark(&mut all, &facts(&[]));
    assert_eq!(all[0].projects[0].warnings, ["公章未识别"]);
    assert!(all[0].projects[1].warnings.is_empty());
    if let Some(f) = all[0].summary_stamped.as_mut() {
        f.unverified_seal = true;
    }
    all[0].projects[0].received = Some(at("2023-05-01T09:00:00+08:00"));
    mark(&mut all, &facts(&[]));
    assert_eq!(
        all[0].projects[0].warnings,
        ["逾期", "公章未识别", "汇总表公章未识别"]
    );
    assert_eq!(all[0].projects[1].warnings, ["汇总表公章未识别"]);

    // In the workbook: one 提示 cell, the warnings joined with "；", on both sheets.
    let out = temp("out").join("export");
    export(&out, "t", &all, &|_, _| {}).unwrap();
    let mut book: Xlsx<_> = open_workbook(out.join(WORKBOOK)).unwrap();
    for sheet in ["已受理项目", "全部项目"] {
        let range = book.worksheet_range(sheet).unwrap();
        assert_eq!(cell(&range, 1, 16), "提示");
        assert_eq!(cell(&range, 2, 16), "逾期；公章未识别；汇总表公章未识别");
        assert_eq!(cell(&range, 3, 16), "汇总表公章未识别");
    }
}
