//! Header parameters as the clients write them.

use super::*;

fn gbk(s: &str) -> Vec<u8> {
    encoding_rs::GBK.encode(s).0.into_owned()
}

fn b64(data: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | (u32::from(b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn base64_round_trip() {
    for s in ["", "a", "ab", "abc", "申报表.docx"] {
        assert_eq!(base64(b64(s.as_bytes()).as_bytes()), s.as_bytes());
    }
}

#[test]
fn encoded_words_b_and_q_in_several_charsets() {
    let name = "附件1：立项申报表.docx";
    let b = format!("=?GBK?B?{}?=", b64(&gbk(name)));
    assert_eq!(decode_words(b.as_bytes()), name);
    let b = format!("=?gb2312?b?{}?=", b64(&gbk(name)));
    assert_eq!(decode_words(b.as_bytes()), name);
    let q: String = name.bytes().map(|b| format!("={b:02X}")).collect();
    assert_eq!(decode_words(format!("=?utf-8?Q?{q}?=").as_bytes()), name);
    let big5 = encoding_rs::BIG5.encode("申報表").0.into_owned();
    let b = format!("=?big5?B?{}?=", b64(&big5));
    assert_eq!(decode_words(b.as_bytes()), "申報表");
    assert_eq!(decode_words(b"=?utf-8?Q?a_b?= c"), "a b c");
}

#[test]
fn adjacent_words_join_split_characters() {
    let bytes = gbk("汇总表盖章版.pdf");
    // Split inside the second character, as some clients do.
    let (a, b) = bytes.split_at(3);
    let v = format!("=?GB18030?B?{}?=\r\n =?GB18030?B?{}?=", b64(a), b64(b));
    assert_eq!(decode_words(v.as_bytes()), "汇总表盖章版.pdf");
}

#[test]
fn rfc2231_continuations_join_before_decoding() {
    let bytes = gbk("附件2：汇总表（盖章）.pdf");
    let enc: String = bytes.iter().map(|b| format!("%{b:02X}")).collect();
    let (a, b) = enc.split_at(9); // inside the second character
    let raw = format!(
        "Content-Type: application/pdf\r\nContent-Disposition: attachment;\r\n\tfilename*0*=gbk''{a};\r\n\tfilename*1*={b}\r\n\r\n"
    );
    let h = part_header(raw.as_bytes());
    assert_eq!(h.file_name.as_deref(), Some("附件2：汇总表（盖章）.pdf"));
    assert!(h.is_attachment);
}

#[test]
fn rfc2231_single_and_plain_continuations() {
    let raw = b"Content-Disposition: attachment; filename*=UTF-8''%E7%94%B3%E6%8A%A5.docx\r\n\r\n";
    assert_eq!(
        part_header(raw).file_name.as_deref(),
        Some("\u{7533}\u{62a5}.docx")
    );
    let raw = b"Content-Type: text/plain; name*0=\"long \"; name*1=\"name.txt\"\r\n\r\n";
    assert_eq!(part_header(raw).file_name.as_deref(), Some("long name.txt"));
}

#[test]
fn raw_8bit_gbk_and_utf8_names() {
    let mut raw = b"Content-Type: application/octet-stream;\r\n name=\"".to_vec();
    raw.extend(gbk("申报表（盖章）.pdf"));
    raw.extend(b"\"\r\n\r\n");
    assert_eq!(
        part_header(&raw).file_name.as_deref(),
        Some("申报表（盖章）.pdf")
    );
    let raw = "Content-Disposition: attachment; filename=\"汇总表.xlsx\"\r\n\r\n";
    assert_eq!(
        part_header(raw.as_bytes()).file_name.as_deref(),
        Some("汇总表.xlsx")
    );
}

#[test]
fn filename_preferred_over_name_and_traversal_kept() {
    let raw = b"Content-Type: application/pdf; name=\"a.pdf\"\r\nContent-Disposition: inline; filename=\"../../etc/passwd\"\r\n\r\n";
    let h = part_header(raw);
    assert_eq!(h.file_name.as_deref(), Some("../../etc/passwd"));
    assert!(!h.is_attachment);
}

#[test]
fn encoded_word_inside_quotes_and_escapes() {
    let name = "申报表.docx";
    let raw = format!(
        "Content-Type: application/msword;\r\n\tname=\"=?utf-8?B?{}?=\"\r\n\r\n",
        b64(name.as_bytes())
    );
    assert_eq!(part_header(raw.as_bytes()).file_name.as_deref(), Some(name));
    let raw = b"Content-Type: x/y; name=\"a\\\"b;c.txt\"\r\n\r\n";
    assert_eq!(part_header(raw).file_name.as_deref(), Some("a\"b;c.txt"));
}

#[test]
fn garbage_never_panics() {
    for raw in [
        &b"=?"[..],
        b"=?gbk?B?",
        b"=?gbk?X?abc?=",
        b"Content-Type: ;;;=;name*0*=''%;name*x=1",
        b"Content-Disposition: attachment; filename*=%%%",
        b"\xff\xfe:\r\n \r\n",
    ] {
        let _ = part_header(raw);
        let _ = decode_words(raw);
    }
}
