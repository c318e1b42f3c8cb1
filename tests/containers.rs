//! End-to-end: how the message stage treats what mail clients wrap around a submission —
//! too many files, system metadata, Outlook's winmail.dat, S/MIME signatures — with emails
//! built in code.

mod common;

use common::*;
use shenbao::config::Config;
use shenbao::pipeline;
use shenbao::rules::Severity;
use shenbao::verdict::{Judge, Outcome, Verdict};

const UNIT: &str = "和平区市场监管局";
const SENDER: &str = "hpqscjgj@tj.gov.cn";

fn run(raw: &[u8]) -> Outcome {
    let cfg = Config::load(None).unwrap();
    let mut j = Judge::new(cfg.campaign.clone(), Vec::new());
    let at = chrono::DateTime::parse_from_rfc3339("2023-04-20T09:00:00+08:00").unwrap();
    pipeline::process(&mut j, raw, at, &cfg.limits).1
}

fn errors(o: &Outcome) -> Vec<&'static str> {
    o.codes(Severity::Error)
}

#[test]
fn junk_before_a_complete_set_past_the_cap_is_too_many_attachments_not_missing_summary() {
    let forms = [Form::new(0, UNIT)];
    let mut files: Vec<(String, Vec<u8>)> = (0..250)
        .map(|i| (format!("说明{i:03}.txt"), format!("第{i}项").into_bytes()))
        .collect();
    files.extend(complete_submission(UNIT, &forms));
    let o = run(&email(SENDER, "申报材料", "请查收。", &refs(&files)));
    assert_eq!(o.verdict, Verdict::Rejected);
    assert_eq!(errors(&o), ["too_many_attachments"], "{:#?}", o.problems);
    let p = &o.problems[0];
    assert!(
        p.message.contains("254个") && p.message.contains("200个"),
        "{}",
        p.message
    );
    assert!(p.message.contains("说明000.txt"), "{}", p.message);
    // The forms were read: the unit is named and its project is there.
    assert_eq!(o.applications.len(), 1);
    assert_eq!(o.summary_rows.len(), 1);
    assert_eq!(o.attachments.len(), 254);
}
