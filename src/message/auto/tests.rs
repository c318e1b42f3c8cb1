//! Automatic mail as Chinese providers really send it (headers, GBK/GB18030/UTF-8, base64),
//! built here, read through `parse_email`; and the human mail from the same providers that must
//! stay human.

use super::*;
use crate::message::{Limits, parse_email};

fn h(list: &[(&'static str, &str)]) -> Option<Automatic> {
    automatic(list.iter().map(|(n, v)| (*n, (*v).to_string())))
}

fn b64(data: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for (n, chunk) in data.chunks(3).enumerate() {
        if n > 0 && n % 19 == 0 {
            out.push_str("\r\n");
        }
        let v = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | (u32::from(b) << (16 - 8 * i)));
        for i in 0..4 {
            out.push(if i <= chunk.len() {
                A[((v >> (18 - 6 * i)) & 63) as usize] as char
            } else {
                '='
            });
        }
    }
    out
}

fn gb(s: &str) -> Vec<u8> {
    encoding_rs::GB18030.encode(s).0.into_owned()
}

/// An encoded word in `charset` (`gb18030`, `GBK`, `UTF-8`).
fn word(charset: &str, s: &str) -> String {
    let bytes = if charset.eq_ignore_ascii_case("utf-8") {
        s.as_bytes().to_vec()
    } else {
        gb(s)
    };
    format!("=?{charset}?B?{}?=", b64(&bytes).replace("\r\n", ""))
}

/// Headers QQ Mail (web and client) puts on every message, human or not.
fn qq_headers(from: &str, subject: &str) -> String {
    format!(
        "Return-Path: <{from}>\r\nReceived: from out203-205-221-190.mail.qq.com (unknown [61.65.227.86])\r\n\tby mx.tj.gov.cn (Coremail) with SMTP id d603kDTWbee80b\r\n\tfor <scjgzlfzc@tj.gov.cn>; Tue, 25 Apr 2023 10:20:05 +0800 (CST)\r\nX-QQ-FEAT: a3fc6da9cc51dbfe773675d26fa1e0c4ac7ffc9c\r\nX-QQ-SSF: 00000000000000F000000000000000Z\r\nX-QQ-XMAILINFO: 9f51edcd099b1a7f642b4dc1f1c23bea82376381aee665699e16523675e3\r\nX-QQ-mid: webmail205t6167455044t6762281\r\nFrom: \"{}\" <{from}>\r\nTo: \"scjgzlfzc\" <scjgzlfzc@tj.gov.cn>\r\nSubject: {}\r\nMime-Version: 1.0\r\nDate: Tue, 25 Apr 2023 10:19:45 +0800\r\nX-Priority: 3\r\nMessage-ID: <tencent_F847DC7267E07283D236623B0300CF636765907BC645@qq.com>\r\nX-QQ-MIME: TCMime 1.0 by Tencent\r\nX-Mailer: QQMail 2.x\r\nX-QQ-Mailer: QQMail 2.x\r\n",
        word("gb18030", "王丽"),
        word("gb18030", subject)
    )
}

/// Headers of Coremail webmail (163/126 and most government mail) on every message.
fn coremail_headers(from: &str, subject: &str) -> String {
    format!(
        "Return-Path: <{from}>\r\nReceived: from {from} ( [116.128.244.169] ) by\r\n ajax-webmail-wmsvr3 (Coremail) ; Tue, 25 Apr 2023 08:03:05 +0800 (CST)\r\nX-Originating-IP: [116.128.244.169]\r\nDate: Tue, 25 Apr 2023 08:03:05 +0800 (CST)\r\nFrom: {} <{from}>\r\nTo: scjgzlfzc@tj.gov.cn\r\nSubject: {}\r\nX-Priority: 3\r\nX-Mailer: Coremail Webmail Server Version XT5.0.14 build 20230109(dcb5de15)\r\n Copyright (c) 2002-2023 www.mailtech.cn 163com\r\nMIME-Version: 1.0\r\nMessage-ID: <6ccc9b47.2708.187ac1237a2.Coremail.{from}>\r\nX-Coremail-Locale: zh_CN\r\nX-CM-TRANSID: A8GowAB3jq5PoERkwuwTAA--.55164W\r\nX-CM-SenderInfo: pfud4zthusiiqv6rljoofrz/xtbBdQ9aAlaEENciMAAAsl\r\nX-Coremail-Antispam: 1U5529EdanIXcx71UUUUU7vcSsGvfC2KfnxnUU==\r\n",
        word("UTF-8", "乔倩"),
        word("UTF-8", subject)
    )
}

fn plain_utf8(body: &str) -> String {
    format!(
        "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n",
        b64(body.as_bytes())
    )
}

fn plain_gb(charset: &str, body: &str) -> String {
    format!(
        "Content-Type: text/plain;\r\n\tcharset=\"{charset}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n",
        b64(&gb(body))
    )
}

fn parse(raw: &str) -> Email {
    parse_email(raw.as_bytes(), &Limits::default())
}

fn is_auto(raw: &str) -> bool {
    let e = parse(raw);
    e.automatic.is_some()
}

const QQ_VACATION: &str = "这是来自QQ邮箱的假期自动回复邮件。\r\n \r\n您好，我最近正在休假中，无法亲自回复您的邮件。我将在假期结束后，尽快给您回复。";

#[test]
fn header_markers() {
    assert!(h(&[("Auto-Submitted", " auto-replied")]).is_some());
    assert!(h(&[("Auto-Submitted", " auto-generated; x=y")]).is_some());
    assert!(h(&[("Auto-Submitted", " No")]).is_none());
    assert!(h(&[("Precedence", " bulk")]).is_some());
    assert!(h(&[("Precedence", " junk")]).is_some());
    assert!(h(&[("Precedence", " list")]).is_some());
    assert!(h(&[("Precedence", " auto_reply")]).is_some());
    assert!(h(&[("X-Precedence", " auto_reply")]).is_some());
    assert!(h(&[("Precedence", " first-class")]).is_none());
    assert!(h(&[("X-Autoreply", " yes")]).is_some());
    assert!(h(&[("X-Autoreply", " no")]).is_none());
    assert!(h(&[("X-Autorespond", " vacation")]).is_some());
    assert!(h(&[("List-Unsubscribe", " <mailto:x@y>")]).is_some());
    assert!(h(&[("List-Id", " <a.b>")]).is_some());
    assert!(h(&[("X-Auto-Response-Suppress", " All")]).is_some());
    assert!(h(&[("Return-Path", " <>")]).is_some());
    assert!(h(&[("Return-Path", " <a@b.cn>")]).is_none());
    assert!(h(&[("From", " Mail Delivery System <MAILER-DAEMON@qq.com>")]).is_some());
    assert!(h(&[("From", " postmaster@tj.gov.cn")]).is_some());
    assert!(
        h(&[(
            "Content-Type",
            " multipart/report; report-type=delivery-status"
        )])
        .is_some()
    );
    assert!(h(&[("From", " 王丽 <wangli@163.com>"), ("Subject", " 申报材料")]).is_none());
    // Provider headers are on every message and decide nothing.
    assert!(h(&[("X-Mailer", " Coremail Webmail Server"), ("X-QQ-mid", " x")]).is_none());
}

#[test]
fn coremail_vacation_reply_without_rfc3834_headers() {
    let raw = coremail_headers(
        "jnzlk@163.com",
        "自动回复: Re: 关于报送质量攻关项目申报材料的通知",
    ) + &plain_utf8(
        "您好！您的来信已收到。本人4月24日至4月30日休假，期间不能及时查看邮件，急事请拨打022-98980966。谢谢！",
    );
    let e = parse(&raw);
    let why = e.automatic.map(|a| a.reason).unwrap_or_default();
    assert!(why.contains("自动回复"), "{why}");
}

#[test]
fn qq_vacation_reply_in_gb18030_is_told_by_its_body() {
    // QQ Mail keeps the original subject; only the body says what it is.
    let raw = qq_headers("1172172144@qq.com", "关于报送质量攻关项目申报材料的通知")
        + &plain_gb("gb18030", QQ_VACATION);
    let e = parse(&raw);
    assert!(e.automatic.is_some(), "{:?}", e.body_text);
    // The same text from Tencent Exmail or QQ's plain auto reply.
    let exmail = qq_headers("zhangsan@hqscjg.cn", "申报材料")
        + &plain_gb(
            "GBK",
            "这是来自QQ邮箱的自动回复邮件。\r\n您好，您发的邮件已收到！",
        );
    assert!(is_auto(&exmail));
}

#[test]
fn coremail_system_bounce_sent_as_plain_mail() {
    // Coremail's 系统退信: HTML only, GB2312, from the system administrator, no report parts.
    let html = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\" /></head><body class=\"Bdy\"><h1>抱歉，您的邮件被退回来了……</h1><table><tr><th nowrap>原邮件信息：</th><td>主　题：【材料补正通知】2023年天津市质量攻关项目</td></tr><tr><th nowrap>退信原因：</th><td>收件人不存在</td></tr></table><span><br>----------------<br>This message is generated by Coremail.<br>您收到的是来自 Coremail 专业邮件系统的信件.<br></span></body></html>";
    let raw = format!(
        "From: {} <admin@hxq.tj.gov.cn>\r\nTo: scjgzlfzc@tj.gov.cn\r\nSubject: {}\r\nDate: Wed, 26 Apr 2023 07:40:02 +0800\r\nMessage-ID: <5167AD70.AC0F83.19561@hxq.tj.gov.cn>\r\nX-Mailer: Coremail Webmail Server\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=gb2312\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n",
        word("GBK", "系统管理员"),
        word("GBK", "系统退信"),
        b64(&gb(html))
    );
    assert!(is_auto(&raw));
    // The same report under another subject is still told by its body.
    let raw2 = raw.replace(&word("GBK", "系统退信"), &word("GBK", "Re: 申报材料"));
    assert!(is_auto(&raw2));
    // A plain-text 退信通知 whose words are common ones: the system sender strengthens them.
    let raw3 = format!(
        "From: {} <system@hxq.tj.gov.cn>\r\nTo: scjgzlfzc@tj.gov.cn\r\nSubject: {}\r\nMessage-ID: <b1@hxq.tj.gov.cn>\r\nMIME-Version: 1.0\r\n{}",
        word("UTF-8", "系统管理员"),
        word("UTF-8", "关于：申报材料"),
        plain_utf8("您发送的邮件无法投递到以下收件人：hx@hxq.tj.gov.cn\r\n退信原因：邮箱空间已满")
    );
    assert!(is_auto(&raw3));
    let raw4 = coremail_headers("postmaster@126.com", "退信通知: 申报材料")
        + &plain_utf8("很抱歉您的邮件没有发送成功。");
    assert!(is_auto(&raw4));
}

#[test]
fn subject_forms_of_each_provider() {
    for s in [
        "自动回复：关于报送申报材料",
        "自动回复:【材料补正通知】2023年天津市质量攻关项目",
        "(自动回复)Re: 申报材料",
        "（自动回复）申报材料",
        "Re: 申报材料（自动回复）",
        "【自动回复】申报材料",
        "自动答复: 【材料补正通知】2023年天津市质量攻关项目 — 河西区市场监管局",
        "Automatic reply: 【受理回执】2023年天津市质量攻关项目",
        "Out of Office: 申报材料",
        "AUTO: 申报材料",
        "系统退信",
        "系统退信/The email is returned",
        "退信：申报材料",
        "未送达: 申报材料",
        "Undeliverable: 申报材料",
        "已读: 【材料补正通知】…",
        "自动回复",
    ] {
        assert!(markers::subject_marker(s).is_some(), "{s}");
    }
    for s in [
        "回复：关于申报材料",
        "关于自动回复的咨询",
        "自动回复设置咨询",
        "退信后重新报送申报材料",
        "Automotive parts project",
        "Read me",
        "已读完通知，现报送材料",
        "申报材料",
        "",
    ] {
        assert!(markers::subject_marker(s).is_none(), "{s}");
    }
}

#[test]
fn aliyun_exmail_and_outlook_replies() {
    let ali = format!(
        "From: li@hbqscjg.cn\r\nTo: scjgzlfzc@tj.gov.cn\r\nSubject: {}\r\nX-Alimail-AntiSpam: AC=PASS;BC=-1|-1;BR=01201311R121e4;CH=green\r\nMessage-ID: <a1@hbqscjg.cn>\r\nMIME-Version: 1.0\r\n{}",
        word("UTF-8", "自动回复: 申报材料"),
        plain_utf8("我已休假，5月4日返回。")
    );
    assert!(is_auto(&ali));
    let exmail = qq_headers("zhang@hqscjg.cn", "自动回复: 申报材料")
        + &plain_gb("GBK", "您好，我最近出差中，不能及时回复。");
    assert!(is_auto(&exmail));
    let outlook = format!(
        "From: =?gb2312?B?{}?= <wang@dlq.gov.cn>\r\nTo: scjgzlfzc@tj.gov.cn\r\nSubject: =?gb2312?B?{}?=\r\nThread-Topic: x\r\nX-MS-Has-Attach:\r\nX-MS-Exchange-Organization-SCL: -1\r\nMessage-ID: <b5d66930e76243eb@dlq.gov.cn>\r\nMIME-Version: 1.0\r\n{}",
        b64(&gb("王明")),
        b64(&gb("自动答复: 【材料补正通知】2023年天津市质量攻关项目")),
        plain_gb("gb2312", "我将于5月4日返回办公室。")
    );
    assert!(is_auto(&outlook));
}

#[test]
fn common_auto_reply_words_need_a_provider_header() {
    let body = "您好，我最近出差中，不能及时回复，急事请致电022-12345678。";
    let coremail = coremail_headers("hx@163.com", "关于申报") + &plain_utf8(body);
    assert!(is_auto(&coremail));
    let plain = format!(
        "From: a@example.cn\r\nTo: scjgzlfzc@tj.gov.cn\r\nSubject: {}\r\nMessage-ID: <p@example.cn>\r\nMIME-Version: 1.0\r\n{}",
        word("UTF-8", "关于申报"),
        plain_utf8(body)
    );
    assert!(!is_auto(&plain));
}

#[test]
fn submission_from_a_qq_mailbox_stays_a_submission() {
    let boundary = "----=_NextPart_307CD6C7_77F6E281_51088C63";
    let raw = qq_headers(
        "1198005789@qq.com",
        "天津市汽车工业协会报送2023年质量攻关项目申报材料",
    ) + &format!(
        "Content-Type: multipart/mixed;\r\n\tboundary=\"{boundary}\"\r\n\r\n--{boundary}\r\n{}--{boundary}\r\nContent-Type: application/octet-stream;\r\n\tcharset=\"gb18030\";\r\n\tname=\"{n}\"\r\nContent-Disposition: attachment; filename=\"{n}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--{boundary}--\r\n",
        plain_gb(
            "gb18030",
            "质量发展处：\r\n\r\n您好！现将我会2023年质量攻关项目申报材料报送贵处，请查收。上次发送的邮件无法投递，现重新发送。\r\n\r\n联系人：段宁霞"
        ),
        b64(b"PK\x03\x04 not really a docx"),
        n = word("gb18030", "汇总表word版.docx"),
    );
    let e = parse(&raw);
    assert!(e.automatic.is_none(), "{:?}", e.automatic);
    assert!(e.answers_ours.is_none());
    assert_eq!(e.attachments.len(), 1);
}

#[test]
fn human_mail_that_mentions_automatic_replies_is_human() {
    let question = coremail_headers("hx@163.com", "咨询：收到的自动回复是什么意思？")
        + &plain_utf8("请问你们的自动回复说材料不全，是否需要重新发送全部材料？邮件已收到，谢谢。");
    let e = parse(&question);
    assert!(e.automatic.is_none(), "{:?}", e.automatic);
    assert!(is_question(&e.subject, &e.body_text));
    let reply = qq_headers("1172172144@qq.com", "回复：关于报送申报材料的问题")
        + &plain_gb("gb18030", "好的，明天报送。");
    assert!(!is_auto(&reply));
}

#[test]
fn a_reply_quoting_our_notice_is_judged_on_its_own_words() {
    let body = "收到，我们马上补正。\r\n\r\n------------------ 原始邮件 ------------------\r\n发件人: \"质量发展处\"<scjgzlfzc@tj.gov.cn>;\r\n发送时间: 2023年4月25日(星期二) 上午10:00\r\n主题: 【材料补正通知】2023年天津市质量攻关项目 — 河西区市场监管局\r\n\r\n本次报送已晚于截止时间，逾期材料是否受理，由主管处室研究确定。\r\n本邮件由系统自动发送，如有疑问，请与我处联系。邮件无法投递时请致电。";
    let raw = qq_headers(
        "1172172144@qq.com",
        "回复：【材料补正通知】2023年天津市质量攻关项目 — 河西区市场监管局",
    ) + "In-Reply-To: <shenbao-reply-12@tj.gov.cn>\r\nReferences: <shenbao-reply-12@tj.gov.cn>\r\n"
        + &plain_gb("gb18030", body);
    let e = parse(&raw);
    assert!(e.automatic.is_none(), "{:?}", e.automatic);
    assert!(e.answers_ours.is_some());
    assert!(!is_question("", &own_text(&e.body_text)));
    assert!(
        is_question(&e.subject, &e.body_text),
        "the quote alone asks"
    );
}

#[test]
fn oversized_auto_reply_is_still_automatic() {
    let raw = coremail_headers("a@163.com", "自动回复: 申报材料") + &plain_utf8("休假");
    let limits = Limits {
        max_message_bytes: 100,
        ..Limits::default()
    };
    assert!(parse_email(raw.as_bytes(), &limits).automatic.is_some());
}

#[test]
fn thanks_for_our_receipt_is_a_reply_not_automatic_mail() {
    let subject = "回复：【受理回执】2023年天津市质量攻关项目 — 河西区市场监管局";
    let thanks = qq_headers("1172172144@qq.com", subject)
        + "In-Reply-To: <shenbao-reply-3@tj.gov.cn>\r\n"
        + &plain_gb("gb18030", "邮件已收到，谢谢！");
    let e = parse(&thanks);
    assert!(e.automatic.is_none(), "{:?}", e.automatic);
    assert!(e.answers_ours.is_some());
    // QQ's vacation reply to the same receipt is still automatic mail.
    let vacation = qq_headers("1172172144@qq.com", subject)
        + "In-Reply-To: <shenbao-reply-3@tj.gov.cn>\r\n"
        + &plain_gb("gb18030", QQ_VACATION);
    assert!(is_auto(&vacation));
}
