//! The sample emails as mail clients write them: multipart/mixed, base64 parts, attachment
//! names RFC 2047-encoded in GBK (Foxmail, Outlook on Chinese Windows) or UTF-8 (webmail).

/// How a client encodes text and names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    /// GBK, as Foxmail sends.
    Gbk,
    /// UTF-8, as webmail sends.
    Utf8,
}

impl Charset {
    fn label(self) -> &'static str {
        match self {
            Charset::Gbk => "GBK",
            Charset::Utf8 => "UTF-8",
        }
    }

    fn encode(self, s: &str) -> Vec<u8> {
        match self {
            Charset::Gbk => encoding_rs::GBK.encode(s).0.into_owned(),
            Charset::Utf8 => s.as_bytes().to_vec(),
        }
    }
}

/// One email to build.
#[derive(Debug, Clone)]
pub struct Mail<'a> {
    /// `From:` display name and address.
    pub from: (&'a str, &'a str),
    /// Subject.
    pub subject: &'a str,
    /// Plain-text body.
    pub body: &'a str,
    /// `Date:` (RFC 2822).
    pub date: &'a str,
    /// Message-ID local part, unique per sample.
    pub id: &'a str,
    /// Charset of body, subject and names.
    pub charset: Charset,
    /// Extra header lines, each ending in CRLF (e.g. Auto-Submitted).
    pub extra: &'a str,
    /// Attachments: name and bytes.
    pub attachments: Vec<(String, Vec<u8>)>,
}

/// Standard base64 with CRLF every 76 characters, as MIME requires.
fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let sym = |v: u32| char::from(T.get((v & 63) as usize).copied().unwrap_or(b'A'));
    let mut out = String::new();
    for (n, chunk) in data.chunks(3).enumerate() {
        if n > 0 && n % 19 == 0 {
            out.push_str("\r\n");
        }
        let b = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let v = (b(0) << 16) | (b(1) << 8) | b(2);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(sym(v >> (18 - 6 * i)));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// RFC 2047 B-encoding in the given charset.
fn encoded_word(s: &str, cs: Charset) -> String {
    format!(
        "=?{}?B?{}?=",
        cs.label(),
        base64(&cs.encode(s)).replace("\r\n", "")
    )
}

/// The raw message, CRLF line ends.
pub fn build(m: &Mail) -> Vec<u8> {
    let cs = m.charset;
    let boundary = format!("----=_NextPart_{}", m.id);
    let mut out = format!(
        "From: {} <{}>\r\nTo: scjgzlfzc@tj.gov.cn\r\nSubject: {}\r\nDate: {}\r\nMessage-ID: <{}@samples.shenbao>\r\nMIME-Version: 1.0\r\n{}",
        encoded_word(m.from.0, cs),
        m.from.1,
        encoded_word(m.subject, cs),
        m.date,
        m.id,
        m.extra
    );
    let text = format!(
        "Content-Type: text/plain; charset={}\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n",
        cs.label(),
        base64(&cs.encode(m.body))
    );
    if m.attachments.is_empty() {
        out.push_str(&text);
        return out.into_bytes();
    }
    out.push_str(&format!(
        "Content-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\nThis is a multi-part message in MIME format.\r\n\r\n--{boundary}\r\n{text}"
    ));
    for (name, data) in &m.attachments {
        let n = encoded_word(name, cs);
        out.push_str(&format!(
            "--{boundary}\r\nContent-Type: {}; name=\"{n}\"\r\nContent-Disposition: attachment; filename=\"{n}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n",
            mime_type(name),
            base64(data)
        ));
    }
    out.push_str(&format!("--{boundary}--\r\n"));
    out.into_bytes()
}

fn mime_type(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("docx") => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Some("png") => "image/png",
        Some("zip") => "application/x-zip-compressed",
        _ => "application/octet-stream",
    }
}
