//! The decisions over plain states: what each changes, what each refuses and why, and that a
//! decision is taken back like a judgement.

use super::*;
use crate::verdict::fixtures::{CODES, app, at, file, project, row, summary};
use crate::verdict::policy::LatePolicy;
use crate::verdict::{Policy, State};

fn judge(units: &[(&str, Unit)]) -> Judge {
    let policy = Policy {
        mailbox: "scjgzlfzc@tj.gov.cn".into(),
        deadline: at(600),
        late: LatePolicy::Warn,
        similarity_threshold: 0.7,
        receipt_prefix: "Z-".into(),
        units: Vec::new(),
    };
    let mut j = Judge::new(policy, Vec::new());
    let mut state = State::default();
    for (k, u) in units {
        state.units.insert(k.to_string(), u.clone());
    }
    state.receipts = 2;
    j.resume(state);
    j
}

/// A unit with one project's Word form and nothing else: incomplete.
fn incomplete() -> Unit {
    Unit {
        name: "和平区市场监管局".into(),
        emails: 1,
        materials: Materials {
            projects: vec![project("甲.docx", app("甲公司", CODES[0], "题目"), None)],
            ..Materials::default()
        },
        ..Unit::default()
    }
}

/// Scans only, as a personal address sends them.
fn scans_only() -> Unit {
    Unit {
        name: "someone@qq.com".into(),
        emails: 1,
        materials: Materials {
            summary_stamped: Some(file("汇总表盖章.pdf", 1)),
            loose_stamped: vec![file("扫描.pdf", 1)],
            ..Materials::default()
        },
        ..Unit::default()
    }
}

#[test]
fn accepting_by_hand_issues_the_next_number_and_can_be_taken_back() {
    let mut j = judge(&[("和平区市场监管局", incomplete())]);
    let was = j.state().clone();
    let d = j.accept_by_hand("和平区市场监管局").unwrap();
    assert_eq!(d.receipt.as_deref(), Some("Z-003"));
    assert_eq!(
        d.verdict,
        Verdict::Rejected,
        "the materials are still incomplete"
    );
    assert!(!d.problems.is_empty());
    assert_eq!(j.state().receipts, 3);
    let u = &j.state().units["和平区市场监管局"];
    assert_eq!(u.receipt.as_deref(), Some("Z-003"));
    assert_eq!(
        j.accept_by_hand("和平区市场监管局").unwrap_err(),
        Refused::AlreadyAccepted("Z-003".into())
    );
    j.take_back(d.before);
    assert_eq!(j.state(), &was);
}

#[test]
fn accepting_refuses_unknown_units_senders_and_units_without_mail() {
    let mut j = judge(&[("someone@qq.com", scans_only()), ("空", Unit::default())]);
    assert!(matches!(
        j.accept_by_hand("河东区"),
        Err(Refused::UnknownUnit(_))
    ));
    assert!(matches!(
        j.accept_by_hand("someone@qq.com"),
        Err(Refused::NotAUnit(_))
    ));
    assert_eq!(
        j.accept_by_hand("空").unwrap_err(),
        Refused::NothingReceived
    );
    // Every refusal says why in the division's words.
    assert!(Refused::NothingReceived.to_string().contains("尚未报送"));
}

#[test]
fn a_seal_confirmed_is_remembered_once_and_only_for_a_stamped_file_that_counts() {
    let mut u = incomplete();
    u.materials.summary_stamped = Some(file("汇总表盖章.pdf", 1));
    let mut j = judge(&[("hp", u)]);
    let at_file = |name: &str| FileAt {
        name: name.into(),
        received: at(1),
        seq: Some(0),
    };
    let d = j.confirm_seal("hp", &at_file("汇总表盖章.pdf")).unwrap();
    assert_eq!(d.receipt, None);
    assert_eq!(j.state().units["hp"].seals_confirmed.len(), 1);
    assert_eq!(
        j.confirm_seal("hp", &at_file("汇总表盖章.pdf"))
            .unwrap_err(),
        Refused::AlreadyConfirmed("汇总表盖章.pdf".into())
    );
    assert!(matches!(
        j.confirm_seal("hp", &at_file("甲.docx")),
        Err(Refused::NotAStampedFile(_))
    ));
    // The same name from another email is another file.
    let other = FileAt {
        received: at(5),
        ..at_file("汇总表盖章.pdf")
    };
    assert!(j.confirm_seal("hp", &other).is_err());
}

#[test]
fn assigning_a_sender_moves_its_scans_and_accepts_a_unit_thereby_complete() {
    // The unit sent its Word forms; the scans came from a personal address.
    let word = Unit {
        name: "和平区市场监管局".into(),
        emails: 1,
        materials: Materials {
            summary: Some((
                file("汇总表.docx", 1),
                summary(vec![row("1", "甲公司", CODES[0], "题目")]),
            )),
            projects: vec![project("甲.docx", app("甲公司", CODES[0], "题目"), None)],
            ..Materials::default()
        },
        ..Unit::default()
    };
    let mut j = judge(&[("和平区市场监管局", word), ("someone@qq.com", scans_only())]);
    let was = j.state().clone();
    let d = j
        .assign_sender("Someone@QQ.com", "和平区市场监管局")
        .unwrap();
    assert_eq!(d.verdict, Verdict::Accepted, "{:?}", d.problems);
    assert_eq!(d.receipt.as_deref(), Some("Z-003"));
    let s = j.state();
    assert!(
        !s.units.contains_key("someone@qq.com"),
        "the pseudo-unit is gone"
    );
    assert_eq!(s.sender_unit["someone@qq.com"], "和平区市场监管局");
    let u = &s.units["和平区市场监管局"];
    assert_eq!(u.emails, 2);
    assert!(u.materials.summary_stamped.is_some());
    assert_eq!(
        j.assign_sender("someone@qq.com", "和平区市场监管局")
            .unwrap_err(),
        Refused::AlreadyAssigned("someone@qq.com".into())
    );
    j.take_back(d.before);
    assert_eq!(j.state(), &was);
}

#[test]
fn assigning_refuses_what_is_no_sender_address() {
    let mut j = judge(&[]);
    assert!(matches!(
        j.assign_sender("和平区", "河东区"),
        Err(Refused::NotASender(_))
    ));
    assert!(matches!(
        j.assign_sender("a@b.cn", "a@b.cn"),
        Err(Refused::NotASender(_))
    ));
    // An address that sent nothing yet is filed for the future.
    let d = j.assign_sender("a@b.cn", "河东区").unwrap();
    assert_eq!(d.receipt, None);
    assert_eq!(j.state().sender_unit["a@b.cn"], "河东区");
}
