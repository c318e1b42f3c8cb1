//! Files in the mailbox that are not emails at all: an empty file a client left behind, a
//! document saved into the Maildir, bytes cut off before the header. A MIME parser makes a
//! best-effort email of anything, which would be judged as mail from nobody for a unit without
//! a name; these are recorded as failed instead, for a person to look at.

/// Why the bytes are not an email.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotMail {
    /// Nothing but white space.
    Empty,
    /// No header block: the first line is not a header field, or none of the fields is one
    /// that every email carries.
    NoHeader,
}

impl NotMail {
    /// Stable code for logs.
    pub fn code(self) -> &'static str {
        match self {
            NotMail::Empty => "empty_file",
            NotMail::NoHeader => "no_mail_header",
        }
    }

    /// What the division reads beside the failed message.
    pub fn label(self) -> &'static str {
        match self {
            NotMail::Empty => "文件为空，不是电子邮件",
            NotMail::NoHeader => "不是电子邮件：文件开头没有邮件头（发件人、主题、日期等）",
        }
    }
}

/// Fields of which an email carries at least one, whoever wrote it.
const MAIL_FIELDS: [&str; 12] = [
    "from",
    "to",
    "subject",
    "date",
    "message-id",
    "received",
    "return-path",
    "mime-version",
    "content-type",
    "sender",
    "delivered-to",
    "reply-to",
];

/// How far the header block is looked at; a longer one is mail by then.
const HEADER_LINES: usize = 500;

/// `Some` when `raw` is not an email; `None` for anything with a header block, however broken
/// the rest is (that is the parser's job).
pub fn not_mail(raw: &[u8]) -> Option<NotMail> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Some(NotMail::Empty);
    }
    let text = raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw);
    let mut lines = text
        .split(|b| *b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .skip_while(|l| l.is_empty())
        .peekable();
    // An mbox separator line before the header ("From sender date").
    if lines.peek().is_some_and(|l| l.starts_with(b"From ")) {
        lines.next();
    }
    let mut known = false;
    for (i, line) in lines.take(HEADER_LINES).enumerate() {
        if line.is_empty() {
            break;
        }
        // A folded continuation of the previous field.
        if i > 0 && matches!(line.first(), Some(b' ' | b'\t')) {
            continue;
        }
        let Some(name) = field_name(line) else {
            if i == 0 {
                return Some(NotMail::NoHeader);
            }
            // Junk inside a header block: parsers skip it, and so does this look.
            continue;
        };
        known |= MAIL_FIELDS
            .iter()
            .any(|f| name.eq_ignore_ascii_case(f.as_bytes()));
    }
    (!known).then_some(NotMail::NoHeader)
}

/// The field name of a header line (RFC 5322 §3.6.8: printable ASCII but colon, then a colon;
/// white space before the colon is tolerated as many clients write it).
fn field_name(line: &[u8]) -> Option<&[u8]> {
    let colon = line.iter().position(|b| *b == b':')?;
    let name = line[..colon].trim_ascii_end();
    let ok = !name.is_empty() && name.len() <= 76 && name.iter().all(|b| (33..=126).contains(b));
    ok.then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_blank_files() {
        assert_eq!(not_mail(b""), Some(NotMail::Empty));
        assert_eq!(not_mail(b" \r\n\r\n\t"), Some(NotMail::Empty));
    }

    #[test]
    fn text_documents_and_binary_junk_are_not_mail() {
        assert_eq!(
            not_mail(b"hello world\nthis is not mail\n"),
            Some(NotMail::NoHeader)
        );
        assert_eq!(
            not_mail("申报材料已发送，请查收：附件如下".as_bytes()),
            Some(NotMail::NoHeader)
        );
        assert_eq!(
            not_mail(b"PK\x03\x04\x14\x00\x06\x00\x08\x00"),
            Some(NotMail::NoHeader)
        );
        assert_eq!(
            not_mail(b"%PDF-1.7\n%\xE2\xE3\n1 0 obj"),
            Some(NotMail::NoHeader)
        );
        // Looks like a header, but of nothing an email carries.
        assert_eq!(
            not_mail(b"Note: call back\n\nthanks"),
            Some(NotMail::NoHeader)
        );
    }

    #[test]
    fn any_header_block_is_mail_however_broken() {
        assert_eq!(not_mail(b"Subject: hi\r\n\r\nbody"), None);
        assert_eq!(not_mail(b"\r\nFrom: a@b.c\r\n"), None);
        assert_eq!(
            not_mail(b"From a@b.c Thu Apr 20 09:00:00 2023\nReceived: x\n\tfolded\nTo: y\n\n"),
            None
        );
        assert_eq!(not_mail(b"X-Mailer: Foxmail\r\nDate : today\r\n\r\n"), None);
        assert_eq!(not_mail(b"\xEF\xBB\xBFMIME-Version: 1.0\n"), None);
    }

    proptest::proptest! {
        #[test]
        fn never_panics(raw in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
            let _ = not_mail(&raw);
        }
    }
}
