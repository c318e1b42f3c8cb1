//! End-to-end: emails built in code go through the whole pipeline (`shenbao check` and the
//! library), and the verdicts and codes come out as the call's rules say.
// A test crate: a failed unwrap, expect or panic is the test failing, which is what it should do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use shenbao::config::Config;
use shenbao::pipeline;
use shenbao::rules::Severity;
use shenbao::verdict::{Judge, Outcome, Verdict};

const UNIT: &str = "和平区市场监管局";
const SENDER: &str = "hpqscjgj@tj.gov.cn";

fn judge() -> (Judge, Config) {
    let cfg = Config::load(None).unwrap();
    (Judge::new((&cfg.campaign).into(), Vec::new()), cfg)
}

fn at(s: &str) -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339(s).unwrap()
}

fn run(j: &mut Judge, cfg: &Config, raw: &[u8]) -> Outcome {
    pipeline::process(j, raw, at("2023-04-20T09:00:00+08:00"), &cfg.limits).1
}

fn errors(o: &Outcome) -> Vec<&'static str> {
    o.codes(Severity::Error)
}

#[test]
fn complete_submission_is_accepted_with_a_receipt() {
    let (mut j, cfg) = judge();
    let forms = [Form::new(0, UNIT), Form::new(1, UNIT)];
    let files = complete_submission(UNIT, &forms);
    let o = run(
        &mut j,
        &cfg,
        &email(SENDER, "申报材料", "请查收。", &refs(&files)),
    );
    assert_eq!(o.verdict, Verdict::Accepted, "{:#?}", o.problems);
    assert_eq!(o.unit.as_deref(), Some(UNIT));
    assert!(
        o.receipt
            .as_deref()
            .is_some_and(|r| r.starts_with("ZLGG2023-"))
    );
    assert_eq!(o.applications.len(), 2);
    assert_eq!(o.summary_rows.len(), 2);
    assert_eq!(o.summary_rows[0].seq, "1");
    assert_eq!(o.applications[0].enterprise_size.as_deref(), Some("中型"));
    assert_eq!(
        o.applications[0].expected_results,
        "经济效益：每年减少废品损失约572万元。"
    );
}

#[test]
fn missing_stamped_summary_is_named() {
    let (mut j, cfg) = judge();
    let forms = [Form::new(0, UNIT)];
    let mut files = complete_submission(UNIT, &forms);
    files.retain(|(n, _)| !n.contains("盖章）"));
    let o = run(&mut j, &cfg, &email(SENDER, "申报", "", &refs(&files)));
    assert_eq!(o.verdict, Verdict::Rejected);
    assert_eq!(errors(&o), ["missing_summary_stamped"]);
}

/// An expected error code and the edit of a valid form that provokes it.
type Case = (&'static str, fn(&mut Form));

#[test]
fn content_errors_each_get_their_code() {
    let cases: [Case; 5] = [
        ("invalid_mobile", |f| f.mobile = "1382234567".into()),
        ("invalid_email", |f| f.email = "wangli@163com".into()),
        ("missing_field", |f| f.goals = String::new()),
        ("invalid_choice", |f| f.size = "无"),
        ("invalid_credit_code", |f| {
            f.code = "91120101584296705N".into()
        }),
    ];
    for (code, spoil) in cases {
        let (mut j, cfg) = judge();
        let mut f = Form::new(0, UNIT);
        spoil(&mut f);
        let files = complete_submission(UNIT, &[f]);
        let o = run(&mut j, &cfg, &email(SENDER, "申报", "", &refs(&files)));
        assert_eq!(o.verdict, Verdict::Rejected, "{code}");
        assert_eq!(errors(&o), [code], "{code}: {:#?}", o.problems);
        let p = o.problems.iter().find(|p| p.code.as_str() == code).unwrap();
        assert!(
            p.file
                .as_deref()
                .is_some_and(|f| f.ends_with(".docx") || f.ends_with(".xlsx")),
            "{code}"
        );
    }
}

#[test]
fn split_submission_completes_and_resubmission_replaces() {
    let (mut j, cfg) = judge();
    let forms = [Form::new(0, UNIT), Form::new(1, UNIT)];
    let files = complete_submission(UNIT, &forms);
    let (words, scans): (Vec<_>, Vec<_>) =
        files.into_iter().partition(|(n, _)| !n.ends_with(".pdf"));
    let o = run(
        &mut j,
        &cfg,
        &email(SENDER, "申报（word版）", "", &refs(&words)),
    );
    assert_eq!(o.verdict, Verdict::Rejected);
    assert_eq!(
        errors(&o),
        ["missing_summary_stamped", "missing_application_stamped"]
    );
    // Scans alone, from the same address: they complete the same unit.
    let o = run(
        &mut j,
        &cfg,
        &email(SENDER, "申报（盖章版）", "", &refs(&scans)),
    );
    assert_eq!(o.verdict, Verdict::Accepted, "{:#?}", o.problems);
    assert_eq!(o.unit.as_deref(), Some(UNIT));
    assert!(o.codes(Severity::Warning).is_empty());
    // A corrected form sent again replaces the earlier one.
    let mut fixed = forms[0].clone();
    fixed.goals = "新的目标。".into();
    let again = [(
        format!("附件1：申报表（{}）.docx", fixed.enterprise),
        application_docx(&fixed),
    )];
    let o = run(&mut j, &cfg, &email(SENDER, "更正", "", &refs(&again)));
    assert_eq!(o.verdict, Verdict::Accepted, "{:#?}", o.problems);
    assert_eq!(o.codes(Severity::Warning), ["resubmission"]);
}

#[test]
fn form_not_on_summary_and_row_without_form() {
    let (mut j, cfg) = judge();
    let forms = [Form::new(0, UNIT), Form::new(1, UNIT)];
    let mut files = complete_submission(UNIT, &forms[..1]);
    files.push(("附件1：申报表2.docx".into(), application_docx(&forms[1])));
    files.push(("附件1：申报表2盖章.pdf".into(), portrait()));
    let o = run(&mut j, &cfg, &email(SENDER, "申报", "", &refs(&files)));
    assert_eq!(errors(&o), ["summary_form_mismatch"]);

    let (mut j, cfg) = judge();
    let mut files = complete_submission(UNIT, &forms);
    files.retain(|(n, _)| !n.contains(&forms[1].enterprise));
    let o = run(&mut j, &cfg, &email(SENDER, "申报", "", &refs(&files)));
    assert_eq!(
        errors(&o),
        ["missing_application_word", "missing_application_stamped"]
    );
}

#[test]
fn mail_without_attachments_questions_and_automatic_mail() {
    let (mut j, cfg) = judge();
    let o = run(
        &mut j,
        &cfg,
        &email("a@qq.com", "咨询", "请问截止时间是哪天？", &[]),
    );
    assert_eq!(o.verdict, Verdict::Ignored);
    let o = run(
        &mut j,
        &cfg,
        &email("b@qq.com", "申报材料", "材料见附件。", &[]),
    );
    assert_eq!(o.verdict, Verdict::Rejected);
    assert_eq!(errors(&o), ["no_attachments"]);
    let auto = email_with_headers(
        "c@qq.com",
        "自动回复",
        "我正在休假。",
        &[],
        "Auto-Submitted: auto-replied\r\n",
    );
    assert_eq!(run(&mut j, &cfg, &auto).verdict, Verdict::Ignored);
}

#[test]
fn late_mail_is_accepted_with_a_warning() {
    let (mut j, cfg) = judge();
    let files = complete_submission(UNIT, &[Form::new(0, UNIT)]);
    let raw = email(SENDER, "申报", "", &refs(&files));
    let o = pipeline::process(&mut j, &raw, at("2023-04-29T09:12:44+08:00"), &cfg.limits).1;
    assert_eq!(o.verdict, Verdict::Accepted);
    assert_eq!(o.codes(Severity::Warning), ["late_submission"]);
    // Just before the deadline, in another time zone, is on time.
    let (mut j, cfg) = judge();
    let o = pipeline::process(&mut j, &raw, at("2023-04-28T15:31:40+00:00"), &cfg.limits).1;
    assert!(o.codes(Severity::Warning).is_empty());
}

#[test]
fn the_same_project_from_another_unit_is_flagged() {
    let (mut j, cfg) = judge();
    let f = Form::new(0, UNIT);
    let o = run(
        &mut j,
        &cfg,
        &email(
            SENDER,
            "申报",
            "",
            &refs(&complete_submission(UNIT, std::slice::from_ref(&f))),
        ),
    );
    assert_eq!(o.verdict, Verdict::Accepted);
    let other = "天津市汽车工业协会";
    let mut g = f.clone();
    g.recommender = other.into();
    let o = run(
        &mut j,
        &cfg,
        &email(
            "x@qq.com",
            "申报",
            "",
            &refs(&complete_submission(other, &[g])),
        ),
    );
    assert_eq!(o.verdict, Verdict::Accepted);
    assert_eq!(o.codes(Severity::Warning), ["duplicate_in_campaign"]);
}

#[test]
fn check_command_prints_one_json_object_per_email() {
    let dir = std::env::temp_dir().join(format!("shenbao-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let files = complete_submission(UNIT, &[Form::new(0, UNIT)]);
    let a = dir.join("a.eml");
    std::fs::write(&a, email(SENDER, "申报", "", &refs(&files))).unwrap();
    let b = dir.join("b.eml");
    std::fs::write(&b, email("q@qq.com", "咨询", "请问是否可以延期？", &[])).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_shenbao"))
        .args(["check", "--json", "--received", "2023-04-20T10:00:00+08:00"])
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["verdict"], "accepted");
    assert_eq!(lines[0]["attachments"][0]["form"], "summary");
    assert_eq!(lines[0]["attachments"][0]["version"], "word");
    assert_eq!(lines[0]["attachments"][0]["in"], serde_json::Value::Null);
    assert_eq!(lines[0]["applications"][0]["credit_code"], CODES[0]);
    assert_eq!(lines[1]["verdict"], "ignored");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_reader_that_goes_away_ends_the_command_quietly() {
    let dir = std::env::temp_dir().join(format!("shenbao-pipe-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let q = dir.join("q.eml");
    std::fs::write(&q, email("q@qq.com", "咨询", "请问是否可以延期？", &[])).unwrap();
    // `shenbao check --json … | head -0`: the reader is gone before the first line.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_shenbao"))
        .args(["check", "--json"])
        .args(std::iter::repeat_n(&q, 50))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_ne!(out.status.code(), Some(101), "{stderr}");
    std::fs::remove_dir_all(&dir).ok();
}
