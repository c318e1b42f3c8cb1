use super::*;

fn dsn(action: &str, quoted_id: &str) -> Vec<u8> {
    format!(
        "From: MAILER-DAEMON@mx.example.test (Mail Delivery System)\r\n\
         To: <>\r\nSubject: Undelivered Mail Returned to Sender\r\nAuto-Submitted: auto-replied\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n\
         --B\r\nContent-Type: text/plain\r\n\r\nI'm sorry to have to inform you...\r\n\
         --B\r\nContent-Type: message/delivery-status\r\n\r\n\
         Reporting-MTA: dns; mx.example.test\r\n\r\n\
         Final-Recipient: rfc822; Gone@Example.test\r\nOriginal-Recipient: rfc822;gone@example.test\r\n\
         Action: {action}\r\nStatus: 5.1.1\r\n\
         Diagnostic-Code: smtp; 550 5.1.1 <gone@example.test>: Recipient address\r\n rejected: User unknown\r\n\r\n\
         --B\r\nContent-Type: text/rfc822-headers\r\n\r\n\
         From: office@tj.gov.cn\r\nTo: gone@example.test\r\nMessage-ID: <{quoted_id}>\r\n\
         Subject: =?UTF-8?B?44CQ5Y+X55CG5Zue5omn44CR?=\r\n\r\n--B--\r\n"
    )
    .into_bytes()
}

#[test]
fn rfc3464_report_names_our_reply_and_the_recipient() {
    let b = parse(&dsn("failed", "shenbao-reply-42@tj.gov.cn")).unwrap();
    assert_eq!(
        b.message_ids,
        vec!["shenbao-reply-42@tj.gov.cn".to_string()]
    );
    assert_eq!(b.recipients, vec!["gone@example.test".to_string()]);
    assert!(b.reason.contains("User unknown"), "{}", b.reason);
    assert!(b.reason.starts_with("smtp; 550"), "{}", b.reason);
    assert_eq!(row_of(&b.message_ids[0]), Some(42));
}

#[test]
fn delayed_report_is_not_a_bounce() {
    assert_eq!(parse(&dsn("delayed", "shenbao-reply-42@tj.gov.cn")), None);
}

#[test]
fn report_about_someone_elses_mail_still_names_the_recipient() {
    let b = parse(&dsn("failed", "abc@elsewhere.test")).unwrap();
    assert!(b.message_ids.is_empty());
    assert_eq!(b.recipients, vec!["gone@example.test".to_string()]);
}

#[test]
fn plain_bounce_from_mailer_daemon_quoting_our_headers() {
    let raw = "From: Mail Delivery Subsystem <mailer-daemon@mail.163.com>\r\n\
               Subject: =?UTF-8?B?6YCA5L+h?=\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
               您发送的邮件未能送达。\r\n\r\n------ 原邮件 ------\r\n\
               Message-ID: <shenbao-reply-7@tj.gov.cn>\r\nTo: x@163.com\r\n";
    let b = parse(raw.as_bytes()).unwrap();
    assert_eq!(b.message_ids, vec!["shenbao-reply-7@tj.gov.cn".to_string()]);
    assert!(b.recipients.is_empty());
    assert_eq!(b.reason, "退信");
}

#[test]
fn vacation_reply_quoting_our_id_is_not_a_bounce() {
    let raw = "From: unit@example.test\r\nAuto-Submitted: auto-replied\r\n\
               In-Reply-To: <shenbao-reply-9@tj.gov.cn>\r\nSubject: 休假中\r\n\r\n本人休假中。\r\n";
    assert_eq!(parse(raw.as_bytes()), None);
}

#[test]
fn ids_need_digits_and_a_domain() {
    assert_eq!(
        our_ids(b"shenbao-reply-@x shenbao-reply-12 shenbao-reply-3@d.test."),
        vec!["shenbao-reply-3@d.test".to_string()]
    );
    assert_eq!(row_of("shenbao-reply-x@d"), None);
    assert_eq!(row_of("other-1@d"), None);
}

#[test]
fn never_panics_on_junk() {
    for raw in [
        &b""[..],
        b"\xff\xfe",
        b"Content-Type: multipart/report\r\n\r\n--",
        b"shenbao-reply-",
    ] {
        let _ = parse(raw);
        let _ = our_ids(raw);
    }
}
