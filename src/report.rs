//! How `check` prints an outcome: one JSON object per email, or a readable Chinese summary.

use crate::forms::FormKind;
use crate::verdict::{Outcome, Verdict};
use serde_json::{Value, json};

/// The JSON object for one email (the `check --json` interface).
pub fn json(file: &str, o: &Outcome) -> Value {
    json!({
        "file": file,
        "verdict": o.verdict,
        "unit": o.unit,
        "receipt": o.receipt,
        "errors": o.codes(crate::rules::Severity::Error),
        "warnings": o.codes(crate::rules::Severity::Warning),
        "problems": o.problems,
        "attachments": o.attachments,
        "summary_rows": o.summary_rows,
        "applications": o.applications,
        "ignored_reason": o.ignored_reason,
        "notes": o.notes,
    })
}

fn verdict_zh(v: Verdict) -> &'static str {
    match v {
        Verdict::Accepted => "受理（材料齐全）",
        Verdict::Rejected => "需补正",
        Verdict::Ignored => "不自动处理",
    }
}

/// A readable Chinese summary of one email's outcome.
pub fn text(file: &str, o: &Outcome) -> String {
    let mut s = format!("== {file}\n结论：{}\n", verdict_zh(o.verdict));
    if let Some(u) = &o.unit {
        s.push_str(&format!("推荐单位：{u}\n"));
    }
    if let Some(r) = &o.receipt {
        s.push_str(&format!("回执编号：{r}\n"));
    }
    if let Some(r) = &o.ignored_reason {
        s.push_str(&format!("原因：{r}\n"));
    }
    if !o.attachments.is_empty() {
        s.push_str("附件：\n");
        for a in &o.attachments {
            let form = match a.form {
                Some(FormKind::Application) => "申报表",
                Some(FormKind::Summary) => "汇总表",
                None => "非申报材料",
            };
            let version = match a.version {
                Some(crate::forms::Version::Word) => "word版",
                Some(crate::forms::Version::Stamped) => "盖章版",
                None => "",
            };
            let within = a
                .container
                .as_deref()
                .map(|c| format!("（在 {c} 中）"))
                .unwrap_or_default();
            s.push_str(&format!(
                "  - {}{within}：{form}{version}{}\n",
                a.name,
                seal_note(&a.pages)
            ));
        }
    }
    for note in &o.notes {
        s.push_str(&format!("说明：{note}\n"));
    }
    if !o.problems.is_empty() {
        s.push_str("问题：\n");
        for (i, p) in o.problems.iter().enumerate() {
            let sev = match p.severity {
                crate::rules::Severity::Error => "错误",
                crate::rules::Severity::Warning => "提示",
            };
            s.push_str(&format!(
                "  {}. [{sev}·{}] {}\n",
                i + 1,
                p.code.as_str(),
                p.message
            ));
        }
    }
    s
}

/// What the seal check saw on a scan, in a few words: "（2页，第2页有公章）".
fn seal_note(pages: &[crate::verdict::PageReport]) -> String {
    if pages.is_empty() {
        return String::new();
    }
    let sealed: Vec<String> = pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.seal.found())
        .map(|(i, _)| (i + 1).to_string())
        .collect();
    if sealed.is_empty() {
        format!("（{}页，未识别到公章）", pages.len())
    } else {
        format!("（{}页，第{}页有公章）", pages.len(), sealed.join("、"))
    }
}
