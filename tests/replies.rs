//! Mail that must never get an automatic answer, through the whole pipeline and the composer:
//! vacation replies and bounces from Chinese providers without RFC 3834 headers, and units'
//! replies to our own receipts and notices. And the mail beside them that must stay answered.
// A test crate: a failed unwrap, expect or panic is the test failing, which is what it should do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use shenbao::config::Config;
use shenbao::notify::{NoReply, ReplyContext, compose};
use shenbao::pipeline;
use shenbao::verdict::{IgnoredReason, Judge, Outcome, Verdict};

const UNIT: &str = "河西区市场监管局";
const SENDER: &str = "hxqscjgj@tj.gov.cn";
const NOTICE: &str = "【材料补正通知】2023年天津市质量攻关项目 — 河西区市场监管局";

fn judge() -> (Judge, Config) {
    let cfg = Config::load(None).unwrap();
    (Judge::new((&cfg.campaign).into(), Vec::new()), cfg)
}

fn at() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339("2023-04-25T09:00:00+08:00").unwrap()
}

/// Judges `raw` and asks the composer for the reply; `Err` is why there is none.
fn answer(j: &mut Judge, cfg: &Config, raw: &[u8]) -> (Outcome, Result<String, NoReply>) {
    let (email, o) = pipeline::process(j, raw, at(), &cfg.limits);
    let ctx = ReplyContext::of(&cfg.letterhead(), 1, at());
    let reply = compose(&o, &email, &cfg.letterhead(), &ctx).map(|r| r.subject);
    (o, reply)
}

const QUOTED_NOTICE: &str = "\r\n\r\n------------------ 原始邮件 ------------------\r\n发件人: \"质量发展处\"<scjgzlfzc@tj.gov.cn>;\r\n发送时间: 2023年4月25日(星期二) 上午10:00\r\n主题: 【材料补正通知】2023年天津市质量攻关项目 — 河西区市场监管局\r\n\r\n逾期材料是否受理，由主管处室研究确定。本邮件由系统自动发送，如有疑问，请与我处联系。";

#[test]
fn thanks_for_our_notice_gets_no_notice_and_needs_no_one() {
    let (mut j, cfg) = judge();
    for (subject, extra) in [
        (format!("回复：{NOTICE}"), ""),
        (format!("Re: {NOTICE}"), ""),
        (format!("答复: {NOTICE}"), ""),
        (format!("RE: {NOTICE}"), ""),
        (
            "收到".to_string(),
            "In-Reply-To: <shenbao-reply-17@tj.gov.cn>\r\n",
        ),
        (
            "Re: 材料".to_string(),
            "References: <a@qq.com> <shenbao-reply-17@tj.gov.cn>\r\n",
        ),
    ] {
        let raw = email_with_headers(
            SENDER,
            &subject,
            &format!("收到，谢谢！{QUOTED_NOTICE}"),
            &[],
            extra,
        );
        let (o, reply) = answer(&mut j, &cfg, &raw);
        assert_eq!(o.verdict, Verdict::Ignored, "{subject}: {:?}", o.problems);
        assert_eq!(reply.unwrap_err(), NoReply::Ignored, "{subject}");
        let why = o.ignored_reason.map(|r| r.reason);
        assert_eq!(why, Some(IgnoredReason::ReplyNothingToAnswer), "{subject}");
    }
}

#[test]
fn a_reply_that_asks_is_left_for_staff_with_its_reason() {
    let (mut j, cfg) = judge();
    let raw = email(
        SENDER,
        &format!("回复：{NOTICE}"),
        &format!("汇总表的盖章版可以下周补交吗？{QUOTED_NOTICE}"),
        &[],
    );
    let (o, reply) = answer(&mut j, &cfg, &raw);
    assert_eq!(o.verdict, Verdict::Ignored);
    assert_eq!(reply.unwrap_err(), NoReply::Ignored);
    let why = o.ignored_reason.expect("a reason");
    assert_eq!(why.reason, IgnoredReason::ReplyWithQuestion, "{why}");
    assert!(why.to_string().contains("请工作人员答复"), "{why}");
}

#[test]
fn a_reply_with_a_signature_logo_only_is_still_correspondence() {
    let (mut j, cfg) = judge();
    let logo = small_png();
    let raw = email(
        SENDER,
        &format!("答复: {NOTICE}"),
        "好的，收到。",
        &[("image001.png", logo)],
    );
    let (o, reply) = answer(&mut j, &cfg, &raw);
    assert_eq!(o.verdict, Verdict::Ignored, "{:?}", o.problems);
    assert_eq!(reply.unwrap_err(), NoReply::Ignored);
}

#[test]
fn a_reply_to_our_notice_with_the_materials_stays_a_submission() {
    let (mut j, cfg) = judge();
    let files = complete_submission(UNIT, &[Form::new(0, UNIT)]);
    let raw = email_with_headers(
        SENDER,
        &format!("回复：{NOTICE}"),
        &format!("现补正后重新报送，请查收。{QUOTED_NOTICE}"),
        &refs(&files),
        "In-Reply-To: <shenbao-reply-17@tj.gov.cn>\r\n",
    );
    let (o, reply) = answer(&mut j, &cfg, &raw);
    assert_eq!(o.verdict, Verdict::Accepted, "{:#?}", o.problems);
    assert!(reply.unwrap().contains("受理回执"));
    // Even an unusable file makes it a submission: the unit must hear what is wrong.
    let raw = email(
        SENDER,
        &format!("回复：{NOTICE}"),
        "补正材料见附件。",
        &[("申报材料.rar", b"Rar!\x1a\x07\x00junk".to_vec())],
    );
    let (o, reply) = answer(&mut j, &cfg, &raw);
    assert_eq!(o.verdict, Verdict::Rejected);
    assert!(reply.unwrap().contains("材料补正通知"));
}

#[test]
fn a_new_mail_without_attachments_still_gets_its_notice() {
    // Not a reply to us and asking nothing: the unit forgot its attachments and must be told.
    let (mut j, cfg) = judge();
    let raw = email(
        SENDER,
        "回复：关于申报材料",
        "现报送申报材料，请查收。",
        &[],
    );
    let (o, reply) = answer(&mut j, &cfg, &raw);
    assert_eq!(o.verdict, Verdict::Rejected);
    assert!(reply.is_ok());
}

#[test]
fn vacation_replies_to_our_notice_from_chinese_providers_get_nothing() {
    let (mut j, cfg) = judge();
    let cases: [(&str, &str, &str); 4] = [
        // Coremail: subject marker, no Auto-Submitted.
        (
            "自动回复: 【材料补正通知】2023年天津市质量攻关项目 — 河西区市场监管局",
            "您好！您的来信已收到，我休假至5月4日。",
            "X-Mailer: Coremail Webmail Server Version XT5.0.14 build 20230109(dcb5de15)\r\nX-CM-TRANSID: A8GowAB3jq5PoERkwuwTAA--.55164W\r\n",
        ),
        // QQ Mail: the original subject, the body says it.
        (
            "【材料补正通知】2023年天津市质量攻关项目 — 河西区市场监管局",
            "这是来自QQ邮箱的假期自动回复邮件。\r\n \r\n您好，我最近正在休假中，无法亲自回复您的邮件。",
            "X-QQ-mid: webmail205t6167455044t6762281\r\nX-Mailer: QQMail 2.x\r\n",
        ),
        // Outlook in Chinese.
        (
            "自动答复: 【材料补正通知】2023年天津市质量攻关项目 — 河西区市场监管局",
            "我将于5月4日返回办公室。",
            "Thread-Topic: x\r\n",
        ),
        // Coremail's plain-mail bounce of our notice.
        (
            "系统退信",
            "很抱歉您的邮件没有发送成功。原邮件信息：【材料补正通知】",
            "X-Mailer: Coremail Webmail Server\r\n",
        ),
    ];
    for (subject, body, headers) in cases {
        let raw = email_with_headers(SENDER, subject, body, &[], headers);
        let (o, reply) = answer(&mut j, &cfg, &raw);
        assert_eq!(o.verdict, Verdict::Ignored, "{subject}");
        assert_eq!(
            o.ignored_reason.as_ref().map(|r| r.reason),
            Some(IgnoredReason::Automatic),
            "{subject}: {:?}",
            o.ignored_reason
        );
        assert_eq!(reply.unwrap_err(), NoReply::Automatic, "{subject}");
    }
}

#[test]
fn submission_from_coremail_mentioning_a_bounce_is_answered() {
    let (mut j, cfg) = judge();
    let files = complete_submission(UNIT, &[Form::new(0, UNIT)]);
    let raw = email_with_headers(
        SENDER,
        "河西区报送质量攻关项目申报材料",
        "上次发送的邮件被退回，现重新报送，请查收。",
        &refs(&files),
        "X-Mailer: Coremail Webmail Server Version XT5.0.14\r\nX-Coremail-Antispam: 1U5529EdanIXcx71UUUUU7vcSsGvfC2KfnxnUU==\r\n",
    );
    let (o, reply) = answer(&mut j, &cfg, &raw);
    assert_eq!(o.verdict, Verdict::Accepted, "{:#?}", o.problems);
    assert!(reply.is_ok());
}

/// A 120×40 PNG, the size of a mail signature's logo.
fn small_png() -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, 120, 40);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header().unwrap();
        w.write_image_data(&vec![200u8; 120 * 40 * 3]).unwrap();
    }
    out
}

#[test]
fn status_lists_the_reply_that_asks_and_list_shows_every_reason() {
    let dir = std::env::temp_dir().join(format!("shenbao-replies-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (mut j, cfg) = judge();
    let mails = [
        email(
            SENDER,
            &format!("回复：{NOTICE}"),
            &format!("收到，谢谢！{QUOTED_NOTICE}"),
            &[],
        ),
        email(
            SENDER,
            &format!("Re: {NOTICE}"),
            "盖章版能否下周补交？",
            &[],
        ),
        email("hp@tj.gov.cn", "咨询", "请问截止时间是哪天？", &[]),
    ];
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let questions = rt.block_on(async {
        let store = shenbao::store::Store::open(&dir).await.unwrap();
        let source = shenbao::store::SourceRef {
            kind: shenbao::store::SourceKind::Maildir,
            ..Default::default()
        };
        for (i, raw) in mails.iter().enumerate() {
            let (email, o) = pipeline::process(&mut j, raw, at(), &cfg.limits);
            assert_eq!(o.verdict, Verdict::Ignored);
            let sha = format!("{i:064}");
            let incoming = shenbao::store::Incoming {
                sha256: Some(&sha),
                raw_path: None,
                size: raw.len(),
                arrival: at(),
                source: &source,
            };
            store
                .record(&incoming, &email, &o, None, None, None)
                .await
                .unwrap();
        }
        let st = shenbao::division::status::load(&store, &cfg).await.unwrap();
        let filter = shenbao::division::list::Filter::default();
        let listed = shenbao::division::list::load(&store, &cfg, &filter)
            .await
            .unwrap();
        store.close().await;
        // Every ignored message shows why in `list`, the thanks included.
        assert_eq!(listed.len(), 3);
        assert_eq!(
            listed[0].ignored_reason.as_ref().map(|r| r.reason),
            Some(IgnoredReason::ReplyNothingToAnswer),
            "{:?}",
            listed[0].ignored_reason
        );
        assert!(listed.iter().all(|e| e.ignored_reason.is_some()));
        st.questions
    });
    let _ = std::fs::remove_dir_all(&dir);
    let subjects: Vec<&str> = questions.iter().map(|q| q.subject.as_str()).collect();
    assert_eq!(questions.len(), 2, "{subjects:?}");
    assert!(
        subjects.iter().all(|s| !s.starts_with("回复：")),
        "{subjects:?}"
    );
}

/// After a partial resend the receipt lists the unit's whole accepted set: every project and
/// both versions of each form, with the day each came, not only what the last email carried.
#[test]
fn a_receipt_after_a_partial_resend_lists_the_whole_accepted_set() {
    let (mut j, cfg) = judge();
    let forms = [Form::new(0, UNIT), Form::new(1, UNIT)];
    let all = complete_submission(UNIT, &forms);
    let (missing, first): (Vec<_>, Vec<_>) = all
        .into_iter()
        .partition(|(n, _)| n.contains(&forms[1].enterprise) && n.contains("盖章"));
    let raw = email(SENDER, "申报材料", "请查收。", &refs(&first));
    let (o, _) = answer(&mut j, &cfg, &raw);
    assert_eq!(o.verdict, Verdict::Rejected, "{:?}", o.problems);

    let raw = email(SENDER, "补交盖章版", "请查收。", &refs(&missing));
    let (email, o) = pipeline::process(&mut j, &raw, at(), &cfg.limits);
    assert_eq!(o.verdict, Verdict::Accepted, "{:?}", o.problems);
    let ctx = ReplyContext::of(&cfg.letterhead(), 2, at());
    let text = compose(&o, &email, &cfg.letterhead(), &ctx).unwrap().text;
    assert!(text.contains("受理的申报项目（共2项）"), "{text}");
    for f in &forms {
        assert!(text.contains(&f.project), "{text}");
    }
    assert!(text.contains("受理的材料（共6个文件）"), "{text}");
    assert!(
        text.contains("立项申报汇总表，电子版（Excel）：附件2：汇总表.xlsx"),
        "{text}"
    );
    assert!(text.contains("立项申报汇总表，盖章版"), "{text}");
    for f in &forms {
        let e = &f.enterprise;
        assert!(
            text.contains(&format!("立项申报表（{e}），word版")),
            "{text}"
        );
        assert!(
            text.contains(&format!("立项申报表（{e}），盖章版")),
            "{text}"
        );
    }
    assert!(text.contains("4月25日收到"), "{text}");
    // This email's own files are still listed as such.
    assert!(text.contains("本次收到的附件（共1个）"), "{text}");
}
