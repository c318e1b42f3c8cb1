//! The words of a reply: what it says, gathered once ([`Facts`]), then written as plain text
//! and as HTML with tables.

use super::mime::escape_html;
use crate::rules::Problem;
use std::fmt::Write as _;

/// Everything a reply says, already in display form.
pub struct Facts<'a> {
    /// True for a receipt (受理回执), false for a notice (补正通知).
    pub receipt: bool,
    /// The line that addresses the reader, e.g. `和平区市场监管局：`.
    pub salutation: String,
    /// The recommending unit as shown.
    pub unit: String,
    /// The receipt number, once the materials were accepted.
    pub receipt_number: Option<String>,
    /// The call's name, e.g. 2023年天津市质量攻关项目.
    pub campaign: String,
    /// When the email arrived, in the deadline's time zone.
    pub received: String,
    /// The deadline, for the reader's next step.
    pub deadline: String,
    /// The email arrived after the deadline.
    pub late: bool,
    /// The projects listed: a receipt's whole accepted set, else those in this email
    /// (enterprise, credit code, project).
    pub projects: Vec<[String; 3]>,
    /// A receipt's accepted files: what each is, and its name with where and when it came.
    /// Empty for a notice.
    pub held: Vec<[String; 2]>,
    /// Files received in this email: name, where it was found, what it was read as.
    pub files: Vec<[String; 3]>,
    /// Problems that block acceptance.
    pub errors: Vec<&'a Problem>,
    /// Problems reported for information.
    pub warnings: Vec<&'a Problem>,
    /// What the program could not verify (e.g. scans only counted), said plainly.
    pub notes: &'a [String],
    /// Who signs the reply (the office's display name).
    pub office: String,
    /// Whom to ask: the closing sentence ([`super::Letterhead::contact_line`]).
    pub contact: String,
    /// The call's document, cited in the opening line when known.
    pub notice: Option<String>,
    /// The date under the signature.
    pub date: String,
}

const SECTION: [&str; 5] = ["一", "二", "三", "四", "五"];

fn section(n: &mut usize) -> &'static str {
    let s = SECTION.get(*n).copied().unwrap_or("五");
    *n += 1;
    s
}

impl Facts<'_> {
    fn opening(&self) -> String {
        let head = match &self.notice {
            Some(n) => format!(
                "您单位于{}按照{n}报送的{}申报材料已收到。",
                self.received, self.campaign
            ),
            None => format!(
                "您单位于{}报送的{}申报材料已收到。",
                self.received, self.campaign
            ),
        };
        if self.receipt {
            format!("{head}经初步审核，材料齐全，现予受理。")
        } else {
            format!(
                "{head}经初步审核，材料存在以下问题，暂不能受理。请按下列要求补正，只需将缺少的或更正后的文件发送至本邮箱。"
            )
        }
    }

    fn closing(&self) -> Vec<String> {
        let mut v = Vec::new();
        if self.receipt {
            v.push("请妥善保存本回执，受理编号可用于后续查询。".to_string());
            if !self.late {
                v.push(format!("如需更正，请于{}前将更正后的文件发送至本邮箱，同一份材料以最后一次报送的为准。", self.deadline));
            }
        } else if self.late {
            v.push(format!(
                "本次报送已晚于截止时间（{}），请尽快补正。逾期材料是否受理，由主管处室研究确定。",
                self.deadline
            ));
        } else {
            v.push(format!(
                "请于{}前完成补正。逾期未补正的，将影响受理。",
                self.deadline
            ));
        }
        if !self.receipt {
            // Later mail is merged into what the unit sent before: only what is missing or
            // corrected needs to come again, as every problem line says.
            v.push("补正的文件会与您单位此前报送的材料合并审核，已合格的材料无需重复发送；同一份材料以最后一次报送的为准。".to_string());
        }
        v.push(format!("本邮件由系统自动发送。{}", self.contact));
        v
    }

    fn problem_detail(p: &Problem) -> Vec<(&'static str, String)> {
        let mut v = Vec::new();
        if let Some(f) = &p.file {
            v.push(("文件", f.clone()));
        }
        if let Some(f) = &p.field {
            v.push(("栏目", f.clone()));
        }
        v.push(("说明及处理要求", p.message.clone()));
        v
    }

    /// The plain-text body.
    pub fn text(&self) -> String {
        let mut t = String::new();
        let _ = writeln!(t, "{}\n\n    {}\n", self.salutation, self.opening());
        if let Some(n) = &self.receipt_number {
            let _ = writeln!(t, "受理编号：{n}");
        }
        let _ = writeln!(t, "推荐单位：{}", self.unit);
        let _ = writeln!(t, "收件时间：{}\n", self.received);
        let mut n = 0;
        if !self.errors.is_empty() {
            let _ = writeln!(
                t,
                "{}、需要补正的问题（共{}项）",
                section(&mut n),
                self.errors.len()
            );
            for (i, p) in self.errors.iter().enumerate() {
                let _ = writeln!(t, "  {}. {}", i + 1, p.code.title());
                for (k, v) in Self::problem_detail(p) {
                    let _ = writeln!(t, "     {k}：{v}");
                }
            }
            t.push('\n');
        }
        if !self.projects.is_empty() {
            let _ = writeln!(
                t,
                "{}、{}（共{}项）",
                section(&mut n),
                self.projects_title(),
                self.projects.len()
            );
            for (i, [e, c, p]) in self.projects.iter().enumerate() {
                let _ = writeln!(t, "  {}. {e}：{p}（统一社会信用代码：{c}）", i + 1);
            }
            t.push('\n');
        }
        if !self.held.is_empty() {
            let _ = writeln!(
                t,
                "{}、受理的材料（共{}个文件）",
                section(&mut n),
                self.held.len()
            );
            for (i, [what, name]) in self.held.iter().enumerate() {
                let _ = writeln!(t, "  {}. {what}：{name}", i + 1);
            }
            t.push('\n');
        }
        let _ = writeln!(
            t,
            "{}、本次收到的附件（共{}个）",
            section(&mut n),
            self.files.len()
        );
        for (i, [name, place, what]) in self.files.iter().enumerate() {
            let _ = writeln!(t, "  {}. {name}{place}：{what}", i + 1);
        }
        if self.files.is_empty() {
            let _ = writeln!(t, "  （本邮件未附带任何文件）");
        }
        t.push('\n');
        if !self.warnings.is_empty() || !self.notes.is_empty() {
            let _ = writeln!(t, "{}、提示事项（不影响受理，请留意）", section(&mut n));
            for (i, p) in self.warnings.iter().enumerate() {
                let _ = writeln!(t, "  {}. 【{}】{}", i + 1, p.code.title(), p.message);
                if let Some(f) = &p.file {
                    let _ = writeln!(t, "     文件：{f}");
                }
            }
            for (i, note) in self.notes.iter().enumerate() {
                let _ = writeln!(t, "  {}. 【说明】{note}", self.warnings.len() + i + 1);
            }
            t.push('\n');
        }
        for line in self.closing() {
            let _ = writeln!(t, "    {line}");
        }
        let _ = write!(t, "\n{}\n{}\n", self.office, self.date);
        t
    }

    /// The HTML alternative: the same content, lists as tables.
    pub fn html(&self) -> String {
        let e = escape_html;
        let mut h = String::from(
            "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"></head>\n\
             <body style=\"font-family:sans-serif;font-size:14px;line-height:1.6\">\n",
        );
        let _ = writeln!(h, "<p>{}</p>", e(&self.salutation));
        let _ = writeln!(h, "<p style=\"text-indent:2em\">{}</p>", e(&self.opening()));
        h.push_str("<p>");
        if let Some(n) = &self.receipt_number {
            let _ = writeln!(h, "受理编号：<b>{}</b><br>", e(n));
        }
        let _ = write!(
            h,
            "推荐单位：{}<br>\n收件时间：{}</p>\n",
            e(&self.unit),
            e(&self.received)
        );
        let mut n = 0;
        for (title, head, rows) in self.tables() {
            let _ = writeln!(h, "<h3>{}、{}</h3>", section(&mut n), e(&title));
            table(&mut h, head, &rows);
        }
        for line in self.closing() {
            let _ = writeln!(h, "<p style=\"text-indent:2em\">{}</p>", e(&line));
        }
        let _ = write!(
            h,
            "<p style=\"text-align:right\">{}<br>\n{}</p>\n</body></html>\n",
            e(&self.office),
            e(&self.date)
        );
        h
    }
}

/// A section of the HTML reply: its title, its column heads and its rows.
type Section = (String, &'static [&'static str], Vec<Vec<String>>);

impl Facts<'_> {
    /// The HTML reply's sections in order: problems to fix, projects, files, then what is
    /// only for information; an empty section is left out, but the files always show.
    fn tables(&self) -> Vec<Section> {
        let mut out: Vec<Section> = Vec::new();
        if !self.errors.is_empty() {
            let rows = self
                .errors
                .iter()
                .map(|p| {
                    vec![
                        p.code.title().to_string(),
                        p.file.clone().unwrap_or_default(),
                        p.field.clone().unwrap_or_default(),
                        p.message.clone(),
                    ]
                })
                .collect();
            out.push((
                format!("需要补正的问题（共{}项）", self.errors.len()),
                &["问题", "文件", "栏目", "说明及处理要求"],
                rows,
            ));
        }
        if !self.projects.is_empty() {
            out.push((
                format!("{}（共{}项）", self.projects_title(), self.projects.len()),
                &["企业名称", "统一社会信用代码", "项目名称"],
                self.projects.iter().map(|r| r.to_vec()).collect(),
            ));
        }
        if !self.held.is_empty() {
            out.push((
                format!("受理的材料（共{}个文件）", self.held.len()),
                &["材料", "文件"],
                self.held.iter().map(|r| r.to_vec()).collect(),
            ));
        }
        out.push((
            format!("本次收到的附件（共{}个）", self.files.len()),
            &["文件", "识别结果"],
            self.files
                .iter()
                .map(|[a, b, c]| vec![format!("{a}{b}"), c.clone()])
                .collect(),
        ));
        if !self.warnings.is_empty() || !self.notes.is_empty() {
            out.push((
                "提示事项（不影响受理，请留意）".to_string(),
                &["事项", "文件", "说明"],
                self.reminders(),
            ));
        }
        out
    }

    /// A receipt lists the accepted projects, whichever email brought them.
    fn projects_title(&self) -> &'static str {
        if self.receipt {
            "受理的申报项目"
        } else {
            "本次收到的申报项目"
        }
    }

    /// Warnings and notes, as rows of the information section.
    fn reminders(&self) -> Vec<Vec<String>> {
        self.warnings
            .iter()
            .map(|p| {
                vec![
                    p.code.title().to_string(),
                    p.file.clone().unwrap_or_default(),
                    p.message.clone(),
                ]
            })
            .chain(
                self.notes
                    .iter()
                    .map(|note| vec!["说明".to_string(), String::new(), note.clone()]),
            )
            .collect()
    }
}

/// A bordered table with a 序号 column.
fn table(h: &mut String, head: &[&str], rows: &[Vec<String>]) {
    let cell = "style=\"border:1px solid #999;padding:4px 8px;vertical-align:top\"";
    h.push_str("<table style=\"border-collapse:collapse\">\n<tr>");
    let _ = write!(h, "<th {cell}>序号</th>");
    for c in head {
        let _ = write!(h, "<th {cell}>{}</th>", escape_html(c));
    }
    h.push_str("</tr>\n");
    for (i, r) in rows.iter().enumerate() {
        let _ = write!(h, "<tr><td {cell}>{}</td>", i + 1);
        for c in r {
            let _ = write!(h, "<td {cell}>{}</td>", escape_html(c));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table>\n");
}
