//! Problem codes as the division reads them: each code once, under its Chinese title with the
//! code beside it (`缺少汇总表盖章版（missing_summary_stamped）`), with the files and fields
//! it concerns. A message with three empty fields raised `missing_field` three times; a
//! listing that repeats the code three times says less than one line that names the fields.

use crate::rules::Code;
use serde::Serialize;

/// One problem code of a unit or a message, however many problems carried it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodeGroup {
    /// The stable code (`missing_field`): what scripts match on.
    pub code: String,
    /// Its Chinese title (必填项为空): what a person reads first. The code itself for a code
    /// this version does not know (a record written by a newer one).
    pub title: String,
    /// Whether it says a piece has not come (材料不全) rather than that something received
    /// is wrong (需补正).
    pub missing_piece: bool,
    /// How many problems carried it: "×3" in the text, so grouping loses no count.
    pub count: usize,
    /// The files they concern, each once, in the order met.
    pub files: Vec<String>,
    /// The form fields they concern, each once, in the order met.
    pub fields: Vec<String>,
    /// What the unit was told about each, each text once, in the order met: which project,
    /// which row, which value.
    pub details: Vec<String>,
}

/// One problem as the views hold it: code, file, field and the text the unit was told.
pub struct Raised<'a> {
    /// The stable code.
    pub code: &'a str,
    /// The file concerned, if any.
    pub file: Option<&'a str>,
    /// The field concerned, if any.
    pub field: Option<&'a str>,
    /// What the unit was told, if the view has it.
    pub detail: Option<&'a str>,
}

impl<'a> Raised<'a> {
    /// A code without file, field or text (a listing that holds codes only).
    pub fn code(code: &'a str) -> Raised<'a> {
        Raised {
            code,
            file: None,
            field: None,
            detail: None,
        }
    }
}

/// The Chinese title of a stored code, or the code itself when it is none this version knows.
pub fn title(code: &str) -> String {
    Code::parse(code).map_or_else(|| code.to_string(), |c| c.title().to_string())
}

/// A stored code as the division reads it: `标题（code）`, or the bare code when unknown.
pub fn label(code: &str) -> String {
    Code::parse(code).map_or_else(|| code.to_string(), Code::labelled)
}

/// Whether a stored code says a piece has not come (unknown codes: no, they were raised on
/// something received).
pub fn is_missing_piece(code: &str) -> bool {
    Code::parse(code).is_some_and(Code::is_missing_piece)
}

/// The problems grouped by code, in the order each code first appears.
pub fn group<'a>(raised: impl IntoIterator<Item = Raised<'a>>) -> Vec<CodeGroup> {
    let mut out: Vec<CodeGroup> = Vec::new();
    for r in raised {
        let i = match out.iter().position(|g| g.code == r.code) {
            Some(i) => i,
            None => {
                out.push(CodeGroup {
                    code: r.code.to_string(),
                    title: title(r.code),
                    missing_piece: is_missing_piece(r.code),
                    count: 0,
                    files: Vec::new(),
                    fields: Vec::new(),
                    details: Vec::new(),
                });
                out.len() - 1
            }
        };
        let Some(g) = out.get_mut(i) else { continue };
        g.count += 1;
        add_once(&mut g.files, r.file);
        add_once(&mut g.fields, r.field);
        add_once(&mut g.details, r.detail);
    }
    out
}

fn add_once(list: &mut Vec<String>, value: Option<&str>) {
    if let Some(v) = value.map(str::trim).filter(|v| !v.is_empty())
        && !list.iter().any(|x| x == v)
    {
        list.push(v.to_string());
    }
}

impl CodeGroup {
    /// `必填项为空（missing_field）`, with `×3` when several problems carried it.
    pub fn short(&self) -> String {
        let label = if self.title == self.code {
            self.code.clone()
        } else {
            format!("{}（{}）", self.title, self.code)
        };
        if self.count > 1 {
            format!("{label}×{}", self.count)
        } else {
            label
        }
    }

    /// [`short`](Self::short) with the files and fields it concerns:
    /// `必填项为空（missing_field）×2 — 文件：a.docx；栏目：联系人、电子邮箱`.
    pub fn line(&self) -> String {
        let mut parts = Vec::new();
        if !self.files.is_empty() {
            parts.push(format!("文件：{}", self.files.join("、")));
        }
        if !self.fields.is_empty() {
            parts.push(format!("栏目：{}", self.fields.join("、")));
        }
        if parts.is_empty() {
            self.short()
        } else {
            format!("{} — {}", self.short(), parts.join("；"))
        }
    }
}

/// The groups' short forms joined for one line of a listing.
pub fn joined(groups: &[CodeGroup]) -> String {
    groups
        .iter()
        .map(CodeGroup::short)
        .collect::<Vec<_>>()
        .join("、")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raised<'a>(code: &'a str, file: &'a str, field: &'a str) -> Raised<'a> {
        Raised {
            code,
            file: Some(file),
            field: Some(field),
            detail: Some("说明"),
        }
    }

    #[test]
    fn a_code_raised_three_times_is_one_group_naming_its_files_and_fields() {
        let g = group([
            raised("missing_field", "a.docx", "联系人"),
            raised("invalid_mobile", "a.docx", "联系人手机"),
            raised("missing_field", "a.docx", "电子邮箱"),
            raised("missing_field", "b.docx", "联系人"),
        ]);
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].count, 3);
        assert_eq!(g[0].files, ["a.docx", "b.docx"]);
        assert_eq!(g[0].fields, ["联系人", "电子邮箱"]);
        assert_eq!(g[0].details, ["说明"]);
        assert_eq!(
            g[0].line(),
            "必填项为空（missing_field）×3 — 文件：a.docx、b.docx；栏目：联系人、电子邮箱"
        );
        assert_eq!(g[1].short(), "手机号码有误（invalid_mobile）");
        assert!(!g[1].missing_piece);
    }

    #[test]
    fn an_unknown_code_is_shown_as_it_is() {
        let g = group([Raised::code("from_a_newer_version")]);
        assert_eq!(g[0].short(), "from_a_newer_version");
        assert_eq!(label("missing_summary"), "缺少汇总表（missing_summary）");
        assert!(is_missing_piece("missing_summary"));
    }
}
