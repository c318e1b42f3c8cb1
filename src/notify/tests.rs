use super::Letterhead;
use super::mime::{MAX_LINE, base64, header, header_words};
use super::*;
use crate::forms::application::Application;
use crate::forms::summary::SummaryRow;
use crate::forms::{FormKind, Version};
use crate::message::{Automatic, Email};
use crate::rules::{Code, Problem, Severity};
use crate::verdict::{FileReport, Outcome, Verdict};
use chrono::DateTime;
use mail_parser::MessageParser;

const ALL_CODES: [Code; 20] = [
    Code::NoAttachments,
    Code::MissingSummary,
    Code::MissingSummaryWord,
    Code::MissingSummaryStamped,
    Code::MissingApplicationWord,
    Code::MissingApplicationStamped,
    Code::SummaryFormMismatch,
    Code::InvalidCreditCode,
    Code::MissingField,
    Code::InvalidChoice,
    Code::InvalidMobile,
    Code::InvalidEmail,
    Code::UnreadableAttachment,
    Code::UnsupportedFormat,
    Code::LateSubmission,
    Code::DuplicateOfHistory,
    Code::DuplicateInCampaign,
    Code::StampNotDetected,
    Code::Resubmission,
    Code::TooManyAttachments,
];

fn campaign() -> Letterhead {
    Letterhead {
        campaign: "2023年天津市质量攻关项目".into(),
        mailbox: "scjgzlfzc@tj.gov.cn".into(),
        office: "天津市市场监督管理委员会质量发展处".into(),
        deadline: DateTime::parse_from_rfc3339("2023-04-28T23:59:59+08:00").unwrap(),
        contact: "联系人：郭丽坤、陈莹，电话：58950677、27182137".into(),
        notice: Some(
            "《关于开展2023年天津市质量攻关项目申报工作的通知》（津市场监管质发〔2023〕2号）"
                .into(),
        ),
    }
}

fn ctx(received: &str) -> ReplyContext {
    ReplyContext {
        from_address: "scjgzlfzc@tj.gov.cn".into(),
        from_name: "天津市市场监督管理委员会质量发展处".into(),
        reply_to: None,
        domain: "tj.gov.cn".into(),
        row_id: 42,
        received: DateTime::parse_from_rfc3339(received).unwrap(),
        now: DateTime::parse_from_rfc3339("2023-04-20T10:16:00+08:00").unwrap(),
    }
}

fn email() -> Email {
    Email {
        message_id: Some("abc.123@hp.example.test".into()),
        from: Some("hpscjg@example.test".into()),
        from_name: Some("张明".into()),
        subject: "和平区推荐项目申报材料".into(),
        ..Email::default()
    }
}

fn file(name: &str, form: Option<FormKind>, version: Option<Version>) -> FileReport {
    FileReport {
        name: name.into(),
        container: Some("和平区申报材料.zip".into()),
        form,
        version,
        pages: Vec::new(),
    }
}

fn outcome(verdict: Verdict, problems: Vec<Problem>) -> Outcome {
    Outcome {
        verdict,
        unit: Some("和平区市场监管局".into()),
        unit_key: Some("和平区市场监管局".into()),
        receipt: (verdict == Verdict::Accepted).then(|| "ZLGG2023-007".to_string()),
        ignored_reason: None,
        problems,
        attachments: vec![
            FileReport {
                name: "和平区申报材料.zip".into(),
                container: None,
                form: None,
                version: None,
                pages: Vec::new(),
            },
            file(
                "附件1：立项申报表（天津海河精工）.docx",
                Some(FormKind::Application),
                Some(Version::Word),
            ),
            file(
                "汇总表盖章.pdf",
                Some(FormKind::Summary),
                Some(Version::Stamped),
            ),
            file("说明.txt", None, None),
        ],
        summary_rows: vec![SummaryRow {
            enterprise_name: "天津海河精工机械有限公司".into(),
            credit_code: "91120101584296705M".into(),
            project_name: "降低齿轮箱装配不良率".into(),
            ..SummaryRow::default()
        }],
        applications: vec![Application::default()],
        notes: Vec::new(),
        held: None,
    }
}

fn parse(raw: &[u8]) -> mail_parser::Message<'_> {
    MessageParser::default().parse(raw).unwrap()
}

fn assert_lines_short(raw: &[u8]) {
    let text = std::str::from_utf8(raw).expect("replies are ASCII on the wire");
    assert!(text.is_ascii());
    for line in text.split("\r\n") {
        assert!(line.len() <= MAX_LINE, "line of {}: {line}", line.len());
        assert!(
            !line.contains('\n') && !line.contains('\r'),
            "bare line end"
        );
    }
}

#[test]
fn receipt_parses_back_with_headers_and_both_parts() {
    let warn = Problem::new(
        Code::DuplicateOfHistory,
        "项目与2021年度项目“降低齿轮箱装配缺陷”相似，请确认。",
    )
    .file("附件1：立项申报表（天津海河精工）.docx");
    let o = outcome(Verdict::Accepted, vec![warn]);
    let r = compose(&o, &email(), &campaign(), &ctx("2023-04-20T10:15:00+08:00")).unwrap();
    assert_eq!(r.kind, ReplyKind::Receipt);
    assert_lines_short(&r.raw);
    let m = parse(&r.raw);
    assert_eq!(
        m.subject(),
        Some("【受理回执】2023年天津市质量攻关项目 — 和平区市场监管局")
    );
    assert_eq!(m.message_id(), Some("shenbao-reply-42@tj.gov.cn"));
    assert_eq!(m.in_reply_to().as_text(), Some("abc.123@hp.example.test"));
    assert_eq!(m.references().as_text(), Some("abc.123@hp.example.test"));
    assert_eq!(
        m.header_raw("Auto-Submitted").map(str::trim),
        Some("auto-replied")
    );
    assert_eq!(
        m.to().and_then(|a| a.first()).and_then(|a| a.address()),
        Some("hpscjg@example.test")
    );
    let from = m.from().and_then(|a| a.first()).unwrap();
    assert_eq!(from.address(), Some("scjgzlfzc@tj.gov.cn"));
    assert_eq!(from.name(), Some("天津市市场监督管理委员会质量发展处"));
    assert_eq!(m.text_body_count(), 1);
    assert_eq!(m.html_body_count(), 1);
    let text = m.body_text(0).unwrap();
    let html = m.body_html(0).unwrap();
    for body in [&text, &html] {
        for needle in [
            "和平区市场监管局：",
            "ZLGG2023-007",
            "现予受理",
            "天津海河精工机械有限公司",
            "降低齿轮箱装配不良率",
            "91120101584296705M",
            "汇总表盖章.pdf",
            "和平区申报材料.zip",
            "立项申报汇总表（附件2），盖章扫描件",
            "压缩包，内含3个文件",
            "与历年项目雷同",
            "2023年4月20日 10:15",
        ] {
            assert!(body.contains(needle), "{needle} missing from:\n{body}");
        }
        assert!(!body.contains("需要补正"), "{body}");
    }
    assert!(html.contains("<table") && html.contains("<td"), "{html}");
    assert_eq!(text.replace("\r\n", "\n"), r.text);
}

#[test]
fn notice_lists_every_problem_with_file_field_and_deadline() {
    let problems: Vec<Problem> = ALL_CODES
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            Problem::new(c, format!("问题{i}：{}，请<改正>后重新报送。", c.title()))
                .file(format!("文件{i}.docx"))
                .field(format!("栏目{i}"))
        })
        .collect();
    let o = outcome(Verdict::Rejected, problems.clone());
    let mut e = email();
    e.reply_to = Some("lianluoren@example.test".into());
    let r = compose(&o, &e, &campaign(), &ctx("2023-04-20T10:15:00+08:00")).unwrap();
    assert_eq!(r.kind, ReplyKind::Notice);
    assert_eq!(r.to, "lianluoren@example.test");
    assert_lines_short(&r.raw);
    let m = parse(&r.raw);
    assert_eq!(
        m.subject(),
        Some("【材料补正通知】2023年天津市质量攻关项目 — 和平区市场监管局")
    );
    assert_eq!(
        m.to().and_then(|a| a.first()).and_then(|a| a.address()),
        Some("lianluoren@example.test")
    );
    let text = m.body_text(0).unwrap();
    let html = m.body_html(0).unwrap();
    for p in &problems {
        assert!(
            text.contains(&p.message),
            "{} missing:\n{text}",
            p.code.as_str()
        );
        assert!(text.contains(p.file.as_deref().unwrap()));
        assert!(text.contains(p.field.as_deref().unwrap()) || p.severity == Severity::Warning);
        let escaped = p.message.replace('<', "&lt;").replace('>', "&gt;");
        assert!(
            html.contains(&escaped),
            "{} missing from HTML",
            p.code.as_str()
        );
        assert!(html.contains(p.code.title()));
    }
    assert!(!html.contains("<改正>"), "unescaped text in HTML");
    for needle in ["暂不能受理", "2023年4月28日 23:59", "无需重复发送"] {
        assert!(text.contains(needle), "{needle} missing:\n{text}");
    }
    assert!(!text.contains("受理编号"), "{text}");
}

#[test]
fn every_reply_speaks_for_the_office_of_the_call_cites_it_and_closes_with_the_contacts() {
    let o = outcome(Verdict::Accepted, vec![]);
    let r = compose(&o, &email(), &campaign(), &ctx("2023-04-20T10:15:00+08:00")).unwrap();
    assert!(
        r.text.contains("按照《关于开展2023年天津市质量攻关项目申报工作的通知》（津市场监管质发〔2023〕2号）报送"),
        "{}",
        r.text
    );
    assert!(
        r.text
            .contains("如有疑问，请与我处联系（联系人：郭丽坤、陈莹，电话：58950677、27182137）。"),
        "{}",
        r.text
    );
    assert!(
        r.text.contains("天津市市场监督管理委员会质量发展处"),
        "{}",
        r.text
    );
    let notice = outcome(
        Verdict::Rejected,
        vec![Problem::new(
            Code::MissingSummaryStamped,
            "请补充汇总表盖章版。",
        )],
    );
    let r = compose(
        &notice,
        &email(),
        &campaign(),
        &ctx("2023-04-20T10:15:00+08:00"),
    )
    .unwrap();
    assert!(r.text.contains("联系人：郭丽坤、陈莹"), "{}", r.text);
    // Without a contact block and a notice, only the office is named.
    let bare = Letterhead {
        contact: String::new(),
        notice: None,
        ..campaign()
    };
    let r = compose(&o, &email(), &bare, &ctx("2023-04-20T10:15:00+08:00")).unwrap();
    assert!(r.text.contains("如有疑问，请与我处联系。"), "{}", r.text);
    assert!(!r.text.contains("联系人"), "{}", r.text);
    assert!(!r.text.contains("按照"), "{}", r.text);
}

#[test]
fn an_excel_summary_is_named_as_a_spreadsheet_not_a_word_file() {
    let mut o = outcome(Verdict::Accepted, vec![]);
    o.attachments = vec![
        file(
            "附件2：汇总表.xlsx",
            Some(FormKind::Summary),
            Some(Version::Word),
        ),
        file(
            "附件2：汇总表.docx",
            Some(FormKind::Summary),
            Some(Version::Word),
        ),
    ];
    let r = compose(&o, &email(), &campaign(), &ctx("2023-04-20T10:15:00+08:00")).unwrap();
    assert!(
        r.text.contains("立项申报汇总表（附件2），电子版（Excel）"),
        "{}",
        r.text
    );
    assert!(
        r.text.contains("立项申报汇总表（附件2），word版"),
        "{}",
        r.text
    );
}

#[test]
fn a_notice_asks_only_for_what_is_missing_or_corrected() {
    let notice = outcome(
        Verdict::Rejected,
        vec![Problem::new(
            Code::MissingSummaryStamped,
            "请补充报送汇总表盖章版。",
        )],
    );
    let r = compose(
        &notice,
        &email(),
        &campaign(),
        &ctx("2023-04-20T10:15:00+08:00"),
    )
    .unwrap();
    assert!(
        r.text.contains("只需将缺少的或更正后的文件发送至本邮箱"),
        "{}",
        r.text
    );
    assert!(r.text.contains("已合格的材料无需重复发送"), "{}", r.text);
    assert!(!r.text.contains("完整材料重新发送"), "{}", r.text);
    assert!(!r.text.contains("一并发送"), "{}", r.text);
}

#[test]
fn late_receipt_says_so_and_unknown_unit_addresses_the_person() {
    let late = Problem::new(
        Code::LateSubmission,
        "本邮件于2023-04-29 08:00收到，晚于截止时间2023-04-28 23:59。",
    );
    let mut o = outcome(Verdict::Accepted, vec![late]);
    o.unit = Some("hpscjg@example.test".into());
    let r = compose(&o, &email(), &campaign(), &ctx("2023-04-29T00:00:00Z")).unwrap();
    let m = parse(&r.raw);
    // The person is greeted, never made the unit.
    assert_eq!(m.subject(), Some("【受理回执】2023年天津市质量攻关项目"));
    assert!(r.text.starts_with("张明：您好！"), "{}", r.text);
    assert!(r.text.contains("推荐单位：未能识别推荐单位"), "{}", r.text);
    assert!(!r.text.contains("推荐单位：张明"), "{}", r.text);
    // Received at 00:00 UTC is 08:00 in the deadline's zone.
    assert!(r.text.contains("2023年4月29日 08:00"), "{}", r.text);
    assert!(r.text.contains("逾期报送"), "{}", r.text);
    assert!(!r.text.contains("如需更正材料，请于"), "{}", r.text);
}

#[test]
fn no_reply_to_ignored_automatic_or_our_own_mail() {
    let c = campaign();
    let x = ctx("2023-04-20T10:15:00+08:00");
    let o = outcome(Verdict::Ignored, Vec::new());
    assert_eq!(compose(&o, &email(), &c, &x).unwrap_err(), NoReply::Ignored);
    let o = outcome(Verdict::Rejected, Vec::new());
    let mut e = email();
    e.automatic = Some(Automatic {
        reason: "Auto-Submitted: auto-replied".into(),
    });
    assert_eq!(compose(&o, &e, &c, &x).unwrap_err(), NoReply::Automatic);
    let mut e = email();
    e.from = Some("SCJGZLFZC@tj.gov.cn".into());
    assert_eq!(compose(&o, &e, &c, &x).unwrap_err(), NoReply::OwnAddress);
    let mut e = email();
    e.reply_to = Some("scjgzlfzc@tj.gov.cn".into());
    assert_eq!(compose(&o, &e, &c, &x).unwrap_err(), NoReply::OwnAddress);
    let mut e = email();
    e.from = Some("evil@example.test>\r\nBcc: <x@y".into());
    assert_eq!(compose(&o, &e, &c, &x).unwrap_err(), NoReply::NoRecipient);
    e.from = None;
    assert_eq!(compose(&o, &e, &c, &x).unwrap_err(), NoReply::NoRecipient);
}

#[test]
fn hostile_message_id_and_names_stay_out_of_headers() {
    let mut o = outcome(Verdict::Rejected, Vec::new());
    o.unit = Some("和平区\r\nX-Injected: yes".into());
    let mut e = email();
    e.message_id = Some("x>\r\nBcc: <victim@example.test".into());
    let r = compose(&o, &e, &campaign(), &ctx("2023-04-20T10:15:00+08:00")).unwrap();
    assert_lines_short(&r.raw);
    let m = parse(&r.raw);
    assert!(m.header("Bcc").is_none() && m.header("X-Injected").is_none());
    assert!(m.header("In-Reply-To").is_none());
    assert_eq!(
        m.subject(),
        Some("【材料补正通知】2023年天津市质量攻关项目 — 和平区 X-Injected: yes")
    );
}

#[test]
fn message_id_is_deterministic_and_clean() {
    assert_eq!(
        reply_message_id(7, "tj.gov.cn"),
        "shenbao-reply-7@tj.gov.cn"
    );
    assert_eq!(
        reply_message_id(7, "tj.gov.cn"),
        reply_message_id(7, "tj.gov.cn")
    );
    assert_eq!(reply_message_id(8, "<>\r\n"), "shenbao-reply-8@localhost");
    let a = compose(
        &outcome(Verdict::Accepted, Vec::new()),
        &email(),
        &campaign(),
        &ctx("2023-04-20T10:15:00+08:00"),
    )
    .unwrap();
    let b = compose(
        &outcome(Verdict::Accepted, Vec::new()),
        &email(),
        &campaign(),
        &ctx("2023-04-20T10:15:00+08:00"),
    )
    .unwrap();
    assert_eq!(a.raw, b.raw);
}

#[test]
fn mime_helpers() {
    assert_eq!(base64(b""), "");
    assert_eq!(base64(b"f"), "Zg==");
    assert_eq!(base64(b"fo"), "Zm8=");
    assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    assert_eq!(header_words("Quality Office"), vec!["Quality", "Office"]);
    let words = header_words(&"质".repeat(40));
    assert!(words.len() > 1 && words.iter().all(|w| w.len() <= 64));
    let h = header("Subject", &words);
    assert!(h.split("\r\n").all(|l| l.len() <= MAX_LINE), "{h}");
}

#[test]
#[ignore = "prints samples for reading"]
fn print_samples() {
    let p = vec![
        Problem::new(
            Code::MissingSummaryStamped,
            "未收到《立项申报汇总表》盖章扫描件。请将加盖推荐单位公章的汇总表扫描为PDF后发送。",
        ),
        Problem::new(Code::InvalidMobile, "手机号码“1382200”位数不对，应为11位。")
            .file("附件1.docx")
            .field("手机"),
        Problem::new(
            Code::Resubmission,
            "“附件1.docx”替换了此前报送的同一材料，以本次报送的为准。",
        )
        .file("附件1.docx"),
    ];
    let r = compose(
        &outcome(Verdict::Rejected, p),
        &email(),
        &campaign(),
        &ctx("2023-04-20T10:15:00+08:00"),
    )
    .unwrap();
    println!(
        "{}\n-----\n{}\n-----\n{}",
        String::from_utf8_lossy(&r.raw)
            .lines()
            .take(16)
            .collect::<Vec<_>>()
            .join("\n"),
        r.text,
        r.html
    );
    let r = compose(
        &outcome(Verdict::Accepted, Vec::new()),
        &email(),
        &campaign(),
        &ctx("2023-04-20T10:15:00+08:00"),
    )
    .unwrap();
    println!("=====\n{}", r.text);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    /// Whatever the names, ids and messages hold, the reply is ASCII with short lines, parses
    /// back, and its subject keeps the unit (on one line).
    #[test]
    fn any_input_gives_a_well_formed_reply(
        unit in "\\PC{0,60}",
        name in "\\PC{0,40}",
        id in "\\PC{0,80}",
        msg in "\\PC{0,200}",
    ) {
        let mut o = outcome(Verdict::Rejected, vec![Problem::new(Code::MissingField, msg.clone()).field(name.clone())]);
        o.unit = Some(unit.clone());
        let mut e = email();
        e.from_name = Some(name);
        e.message_id = Some(id);
        let r = compose(&o, &e, &campaign(), &ctx("2023-04-20T10:15:00+08:00")).unwrap();
        assert_lines_short(&r.raw);
        let m = parse(&r.raw);
        proptest::prop_assert_eq!(m.subject(), Some(r.subject.as_str()));
        let text = m.body_text(0).unwrap_or_default();
        proptest::prop_assert!(text.contains(&msg), "{} missing", msg);
    }
}
