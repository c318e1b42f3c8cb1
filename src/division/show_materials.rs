//! A unit's current materials as `show` prints them: the forms read and the files that count.

use crate::verdict::materials::{FileRef, Materials};
use chrono::FixedOffset;

/// The materials section of `show`.
pub fn render(m: &Materials, tz: FixedOffset) -> String {
    let file = |f: &FileRef| describe(f, tz);
    let mut out = "\n现行材料：\n".to_string();
    match &m.summary {
        Some((f, s)) => {
            out += &format!("  汇总表Word版：{}（{} 行）\n", file(f), s.rows.len());
            for r in &s.rows {
                out += &format!(
                    "      {}. {} {} “{}” {}\n",
                    r.seq, r.enterprise_name, r.credit_code, r.project_name, r.project_type
                );
            }
        }
        None => out += "  汇总表Word版：未收到\n",
    }
    match &m.summary_stamped {
        Some(f) => out += &format!("  汇总表盖章版：{}\n", file(f)),
        None => out += "  汇总表盖章版：未收到\n",
    }
    out += &format!("  申报表（{} 个项目）：\n", m.projects.len());
    for (i, p) in m.projects.iter().enumerate() {
        let a = &p.app;
        out += &format!(
            "    {}. {}（{}）“{}” {}\n       Word版：{}；盖章版：{}\n       联系人：{} {} {}\n",
            i + 1,
            a.enterprise_name,
            a.credit_code,
            a.project_name,
            a.project_type.as_deref().unwrap_or(""),
            file(&p.word),
            p.stamped
                .as_ref()
                .map(file)
                .unwrap_or_else(|| "未收到".into()),
            a.contact,
            a.mobile,
            a.email
        );
    }
    for f in &m.loose_stamped {
        out += &format!("    未对应到项目的申报表盖章版：{}\n", file(f));
    }
    out
}

/// A file with where it was and when it came, in the campaign's time zone.
fn describe(f: &FileRef, tz: FixedOffset) -> String {
    let at = f.received.with_timezone(&tz).format("%m-%d %H:%M");
    match &f.container {
        Some(c) => format!("{}（在 {c} 中，{at}）", f.name),
        None => format!("{}（{at}）", f.name),
    }
}
