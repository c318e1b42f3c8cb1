//! The judge as a whole over plain values: its steps chained, the state applied only once
//! they all ran, and the guarded entry point.

use super::fixtures::{CODES, app, at, row, summary};
use super::*;
use crate::forms::classify::Content;
use crate::forms::{FormKind, Version};
use crate::message::{Attachment, FileKind};

fn policy() -> Policy {
    Policy {
        mailbox: "scjgzlfzc@tj.gov.cn".into(),
        deadline: at(600),
        late: policy::LatePolicy::Warn,
        similarity_threshold: 0.7,
        receipt_prefix: "Z-".into(),
        units: Vec::new(),
    }
}

fn att(name: &str) -> Attachment {
    Attachment {
        name: name.into(),
        container: None,
        data: vec![1],
        kind: FileKind::Docx,
        problem: None,
    }
}

/// An email with the unit's Word summary and one Word application form.
fn word_email() -> (Email, Vec<Reading>) {
    let email = Email {
        from: Some("hp@tj.gov.cn".into()),
        attachments: vec![att("汇总表.docx"), att("申报表.docx")],
        ..Email::default()
    };
    let read = |form, content| Reading {
        form: Some(form),
        version: Some(Version::Word),
        content,
        problem: None,
    };
    let readings = vec![
        read(
            FormKind::Summary,
            Content::Summary(summary(vec![row("1", "甲公司", CODES[0], "题目")])),
        ),
        read(
            FormKind::Application,
            Content::Application(Box::new(app("甲公司", CODES[0], "题目"))),
        ),
    ];
    (email, readings)
}

#[test]
fn an_email_is_judged_for_its_unit_and_the_state_remembers_it() {
    let mut judge = Judge::new(policy(), Vec::new());
    let (email, readings) = word_email();
    let o = judge.judge(&email, &readings, at(0));
    assert_eq!(o.verdict, Verdict::Rejected);
    assert_eq!(o.unit.as_deref(), Some("和平区市场监管局"));
    assert!(
        o.problems
            .iter()
            .any(|p| p.code == Code::MissingSummaryStamped)
    );
    let unit = judge.state().units.get("和平区市场监管局");
    assert_eq!(unit.map(|u| u.emails), Some(1));
    assert_eq!(
        judge
            .state()
            .sender_unit
            .get("hp@tj.gov.cn")
            .map(String::as_str),
        Some("和平区市场监管局")
    );
}

#[test]
fn an_email_without_files_opens_the_unit_without_counting_an_email() {
    let mut judge = Judge::new(policy(), Vec::new());
    let email = Email {
        from: Some("new@qq.com".into()),
        subject: "申报".into(),
        ..Email::default()
    };
    let o = judge.judge(&email, &[], at(0));
    assert_eq!(
        o.problems.first().map(|p| p.code),
        Some(Code::NoAttachments)
    );
    assert_eq!(
        judge.state().units.get("new@qq.com").map(|u| u.emails),
        Some(0)
    );
}

#[test]
fn a_panic_while_reading_or_judging_leaves_the_state_as_it_was() {
    let mut judge = Judge::new(policy(), Vec::new());
    let (email, readings) = word_email();
    judge.judge(&email, &readings, at(0));
    let before = judge.state().clone();
    let r = judge.judge_guarded(|| panic!("a reader failed"), at(1));
    assert_eq!(r.err(), Some(Panicked));
    assert_eq!(judge.state(), &before);
}

#[test]
fn a_judgement_that_cannot_be_recorded_is_taken_back() {
    let mut judge = Judge::new(policy(), Vec::new());
    let before = judge.state().clone();
    let judged = judge.judge_guarded(word_email, at(0));
    let Ok(judged) = judged else {
        panic!("judging plain values does not panic");
    };
    let changed = judge.changed(&judged.before);
    assert_eq!(
        changed.unit.map(|(k, u)| (k, u.emails)),
        Some(("和平区市场监管局", 1))
    );
    judge.take_back(judged.before);
    assert_eq!(judge.state(), &before);
}

#[test]
fn ignored_mail_changes_nothing() {
    let mut judge = Judge::new(policy(), Vec::new());
    let email = Email {
        from: Some("scjgzlfzc@tj.gov.cn".into()),
        ..Email::default()
    };
    let o = judge.judge(&email, &[], at(0));
    assert_eq!(o.verdict, Verdict::Ignored);
    assert_eq!(judge.state(), &State::default());
}
