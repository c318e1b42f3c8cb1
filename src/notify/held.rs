//! What a receipt says was accepted: the unit's whole materials, not only the last email's
//! files. After a partial resend (one corrected form) the receipt still lists every project
//! and both versions of each form, each with the day it came.

use super::compose::{is_spreadsheet, one_line};
use crate::verdict::materials::{FileRef, Materials};
use chrono::{DateTime, FixedOffset};

/// The accepted set in display form.
pub struct Held {
    /// Every project: enterprise, credit code, project.
    pub projects: Vec<[String; 3]>,
    /// Every file that counts: what it is, and its name with where and when it came.
    pub files: Vec<[String; 2]>,
}

/// The accepted set of `m`, times in the zone of `tz`.
pub fn held(m: &Materials, tz: FixedOffset) -> Held {
    let mut files = Vec::new();
    let mut push = |what: String, f: &FileRef| files.push([what, shown(f, tz)]);
    if let Some((f, _)) = &m.summary {
        push(format!("立项申报汇总表，{}", editable(&f.name)), f);
    }
    if let Some(f) = &m.summary_stamped {
        push("立项申报汇总表，盖章版".into(), f);
    }
    let mut projects = Vec::new();
    for p in &m.projects {
        let a = &p.app;
        projects.push([
            one_line(&a.enterprise_name),
            one_line(&a.credit_code),
            one_line(&a.project_name),
        ]);
        let who = one_line(&a.enterprise_name);
        push(
            format!("立项申报表（{who}），{}", editable(&p.word.name)),
            &p.word,
        );
        if let Some(s) = &p.stamped {
            push(format!("立项申报表（{who}），盖章版"), s);
        }
    }
    for f in &m.loose_stamped {
        push("立项申报表，盖章版".into(), f);
    }
    Held { projects, files }
}

/// The editable version's name: a spreadsheet is no Word file.
fn editable(name: &str) -> &'static str {
    if is_spreadsheet(name) {
        "电子版（Excel）"
    } else {
        "word版"
    }
}

/// `name（位于“x.zip”中，4月20日收到）`.
fn shown(f: &FileRef, tz: FixedOffset) -> String {
    let day = day(f.received.with_timezone(&tz));
    match &f.container {
        Some(c) => format!(
            "{}（位于“{}”中，{day}收到）",
            one_line(&f.name),
            one_line(c)
        ),
        None => format!("{}（{day}收到）", one_line(&f.name)),
    }
}

fn day(t: DateTime<FixedOffset>) -> String {
    t.format("%-m月%-d日").to_string()
}
