//! The sender's own words: a reply's body without the message it quotes.
//!
//! Our receipts and notices say things like "是否受理" and "本邮件由系统自动发送"; a reply that
//! quotes them must be judged on what the sender wrote above the quote, or every reply would
//! look like a question, and a submission quoting our notice like automatic mail.

/// Lines that open the quoted original in the clients Chinese offices use: QQ Mail and Foxmail
/// (`------------------ 原始邮件 ------------------`), Outlook (`-----原始邮件-----`,
/// `-----Original Message-----`), NetEase Mail Master (`---- Replied Message ----`), Coremail
/// and Gmail (`在 2023-04-25 10:00:00，"王丽" <a@b.cn> 写道：`, `On … wrote:`).
const OPENERS: &[&str] = &[
    "原始邮件",
    "原邮件",
    "originalmessage",
    "repliedmessage",
    "forwardedmessage",
    "转发的邮件",
];

use super::replies::OUR_TAGS;

/// Most of the body looked at: markers sit at the top, and a hostile body must cost little.
const MAX_CHARS: usize = 20_000;

/// The body above the quoted original, with `>` lines dropped.
pub fn own_text(body: &str) -> String {
    let mut out = String::new();
    let lines: Vec<&str> = body.lines().take(2_000).collect();
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim();
        if t.starts_with('>') || t.starts_with('＞') {
            continue;
        }
        // Our subject quoted in a header block or a bounce's 原邮件信息: the sender's words
        // end where it starts, possibly mid-line (HTML flattened to one line).
        if let Some(at) = OUR_TAGS.iter().filter_map(|t| line.find(t)).min() {
            out.push_str(line.get(..at).unwrap_or_default());
            break;
        }
        if opens_quote(t, lines.get(i + 1..).unwrap_or_default()) {
            break;
        }
        out.push_str(line);
        out.push('\n');
        if out.len() > MAX_CHARS {
            break;
        }
    }
    out
}

fn opens_quote(line: &str, rest: &[&str]) -> bool {
    let squashed: String = line
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    let dashed = line.starts_with("--") || line.starts_with("——") || line.starts_with("__");
    if dashed && OPENERS.iter().any(|o| squashed.contains(o)) {
        return true;
    }
    let wrote = line.ends_with("写道：") || line.ends_with("写道:") || line.ends_with("wrote:");
    if wrote && (line.starts_with("在") || line.starts_with("On ") || line.contains('@')) {
        return true;
    }
    // Outlook's header block: 发件人/From, then the sending time within a few lines.
    let from = ["发件人:", "发件人：", "From:", "寄件者:", "寄件者："]
        .iter()
        .any(|p| line.starts_with(p));
    from && rest.iter().take(4).any(|l| {
        let l = l.trim();
        ["发送时间", "日期", "时间", "Sent:", "Date:"]
            .iter()
            .any(|p| l.starts_with(p))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_originals_are_cut() {
        let qq = "收到，谢谢！\n\n------------------ 原始邮件 ------------------\n发件人: \"质量发展处\"<a@tj.gov.cn>;\n逾期材料是否受理？";
        assert_eq!(own_text(qq).trim(), "收到，谢谢！");
        let outlook = "好的\r\n\r\n发件人: 质量发展处 <a@tj.gov.cn>\r\n发送时间: 2023年4月25日 10:00\r\n主题: 【材料补正通知】…";
        assert_eq!(own_text(outlook).trim(), "好的");
        let coremail =
            "已收到。\n在 2023-04-25 10:00:00，\"质量发展处\" <a@tj.gov.cn> 写道：\n是否受理";
        assert_eq!(own_text(coremail).trim(), "已收到。");
        let gt = "明白\n> 请问\n> 是否";
        assert_eq!(own_text(gt).trim(), "明白");
        let dash = "收到\n-----Original Message-----\nFrom: x";
        assert_eq!(own_text(dash).trim(), "收到");
    }

    #[test]
    fn a_signature_is_not_a_quote() {
        let t = "附件是申报材料，请查收。\n发件人：和平区市场监管局 王丽\n电话：022-12345678";
        assert_eq!(own_text(t).trim(), t);
    }
}
