//! Attachment 2, the summary table (立项申报汇总表): the recommending unit and one row per project.

mod header;

use super::grid::{Document, Shown};
use super::value;
use header::{LEAD_PHONE, header_row, is_header_again};
pub use header::{column_key, header_score};
use serde::{Deserialize, Serialize};

/// Columns of the summary: JSON key, Chinese name, and the names of the official template
/// (headers are matched by meaning with the wider vocabulary of `header.rs`).
pub const COLUMNS: &[(&str, &str, &[&str])] = &[
    ("seq", "序号", &["序号"]),
    (
        "enterprise_name",
        "申报单位名称",
        &["申报单位名称", "申报企业名称", "企业名称", "单位名称"],
    ),
    (
        "credit_code",
        "统一社会信用代码",
        &["统一社会信用代码", "社会信用代码"],
    ),
    ("industry", "所属行业", &["所属行业"]),
    ("district", "所在区", &["所在区"]),
    ("enterprise_size", "企业规模", &["企业规模"]),
    ("ownership", "企业性质", &["企业性质"]),
    ("project_name", "项目名称", &["项目名称"]),
    ("project_type", "课题类型", &["课题类型", "项目类型"]),
    (
        "project_lead",
        "项目负责人及联系方式",
        &["项目负责人及联系方式", "项目负责人"],
    ),
    ("email", "电子邮箱", &["电子邮箱", "邮箱"]),
    ("remarks", "备注", &["备注"]),
];

/// The header row of the official template as printed (line breaks included), for the
/// documents the project writes itself (samples, test fixtures).
pub const TEMPLATE_HEADER: [&str; 12] = [
    "序号",
    "申报单位名称",
    "统一社会信用代码",
    "所属\n行业",
    "所在区",
    "企业规模",
    "企业\n性质",
    "项目名称",
    "课题类型\n（问题解决型、创新型）",
    "项目\n负责人及联系方式",
    "电子邮箱",
    "备注",
];

/// Columns that must be filled on every row.
pub const REQUIRED: &[&str] = &["enterprise_name", "credit_code", "project_name"];

/// One project row of the summary, normalised.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SummaryRow {
    pub seq: String,
    pub enterprise_name: String,
    pub credit_code: String,
    pub industry: String,
    pub district: String,
    pub enterprise_size: String,
    pub ownership: String,
    pub project_name: String,
    pub project_type: String,
    pub project_lead: String,
    pub email: String,
    pub remarks: String,
}

impl SummaryRow {
    /// A column's value by key.
    pub fn get(&self, key: &str) -> Option<&str> {
        Some(match key {
            "seq" => &self.seq,
            "enterprise_name" => &self.enterprise_name,
            "credit_code" => &self.credit_code,
            "industry" => &self.industry,
            "district" => &self.district,
            "enterprise_size" => &self.enterprise_size,
            "ownership" => &self.ownership,
            "project_name" => &self.project_name,
            "project_type" => &self.project_type,
            "project_lead" => &self.project_lead,
            "email" => &self.email,
            "remarks" => &self.remarks,
            _ => return None,
        })
    }

    fn set(&mut self, key: &str, raw: &str) {
        let v = match key {
            "credit_code" => value::credit_code(raw),
            "project_lead" => value::person_and_phone(raw),
            "email" => value::half_width(raw).trim().to_string(),
            "seq" => raw.trim().trim_end_matches(['.', '、']).to_string(),
            _ => raw.to_string(),
        };
        let slot = match key {
            "seq" => &mut self.seq,
            "enterprise_name" => &mut self.enterprise_name,
            "credit_code" => &mut self.credit_code,
            "industry" => &mut self.industry,
            "district" => &mut self.district,
            "enterprise_size" => &mut self.enterprise_size,
            "ownership" => &mut self.ownership,
            "project_name" => &mut self.project_name,
            "project_type" => &mut self.project_type,
            "project_lead" => &mut self.project_lead,
            "email" => &mut self.email,
            "remarks" => &mut self.remarks,
            _ => return,
        };
        *slot = v;
    }
}

/// The summary as read: who recommends, and the rows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// 推荐单位 written above the table (after 推荐单位(公章)：), if filled in.
    pub recommender: Option<String>,
    /// Project rows, blank rows skipped.
    pub rows: Vec<SummaryRow>,
    /// Headers fitting several columns equally (as written, and the columns they could be),
    /// for columns found nowhere else: their values are not read.
    #[serde(skip)]
    pub ambiguous: Vec<(String, Vec<&'static str>)>,
}

/// A row under the table that ends it: signatures and notes ("注：…", "填表说明：…").
fn is_footer(text: &str) -> bool {
    let k = value::half_width(&text.replace(char::is_whitespace, ""));
    [
        "推荐部门负责人",
        "推荐单位负责人",
        "填报人",
        "填表人",
        "制表人",
        "审核人",
        "注:",
        "注1",
        "注(",
        "注释:",
        "说明:",
        "填表说明",
        "填报说明",
        "备注:",
        "联系人电话",
        "联系人:",
        "日期:",
        "推荐单位(公章)",
        "推荐单位(盖章)",
    ]
    .iter()
    .any(|p| k.starts_with(p))
}

/// A totals row (合计 / 总计 / 小计), which counts projects but is none: the word alone, or
/// followed by a count ("合计：3项", "合计(3)").
fn is_total(text: &str) -> bool {
    let k = value::half_width(&text.replace(char::is_whitespace, "")).to_lowercase();
    ["合计", "总计", "小计", "total"].iter().any(|w| {
        k.strip_prefix(w).is_some_and(|rest| {
            rest.is_empty()
                || rest.starts_with([':', '(', '共'])
                || rest.starts_with(|c: char| c.is_ascii_digit())
        })
    })
}

/// Reads the summary table from a document grid.
pub fn extract(doc: &Document) -> Summary {
    let mut summary = Summary {
        recommender: find_recommender(doc),
        rows: Vec::new(),
        ambiguous: Vec::new(),
    };
    let Some((t, header)) = doc
        .tables
        .iter()
        .enumerate()
        .filter_map(|(i, t)| header_row(t).map(|hr| (i, hr)))
        .max_by_key(|(_, h)| h.named())
    else {
        return summary;
    };
    let Some(table) = doc.tables.get(t) else {
        return summary;
    };
    summary.ambiguous = header
        .ambiguous
        .iter()
        .filter(|(_, keys)| {
            keys.iter()
                .filter(|k| !header.cols.iter().any(|(_, c)| c == *k))
                .count()
                > 0
        })
        .cloned()
        .collect();
    let shown = table.shown();
    for (r, row) in shown.iter().enumerate().skip(header.row + 1) {
        let own: Vec<&str> = row
            .iter()
            .filter(|c| !c.carried(r) && !c.text.is_empty())
            .map(|c| c.text)
            .collect();
        if own.first().is_some_and(|t| is_footer(t)) {
            break;
        }
        if own.iter().any(|t| is_total(t)) || is_header_again(&own) {
            continue;
        }
        if let Some(out) = project_row(row, r, header.row, &header.cols) {
            summary.rows.push(out);
        }
    }
    summary
}

/// One project from a row: each column's text (merged cells from above included, once per
/// cell), the split lead phone joined to the lead. `None` for a row that adds nothing of its
/// own but a sequence number (blank rows, a merge running past the last project).
fn project_row(
    row: &[Shown<'_>],
    r: usize,
    header_row: usize,
    cols: &[(usize, &'static str)],
) -> Option<SummaryRow> {
    let mut texts: Vec<(&'static str, (usize, usize), &str)> = Vec::new();
    let mut own_content = false;
    for cell in row {
        // A merge reaching up into the header carries no project value.
        if cell.origin.0 <= header_row || cell.text.is_empty() {
            continue;
        }
        // A cell wider than its column (a value merged over 负责人 | 联系方式, a note across
        // the table) belongs to the first column it covers.
        let Some(key) = (cell.col..cell.col.saturating_add(cell.span))
            .find_map(|c| cols.iter().find(|(hc, _)| *hc == c).map(|(_, k)| *k))
        else {
            continue;
        };
        let key = if key == LEAD_PHONE {
            "project_lead"
        } else {
            key
        };
        if texts.iter().any(|(k, o, _)| *k == key && *o == cell.origin) {
            continue;
        }
        if key != "seq" && key != "remarks" && !cell.carried(r) {
            own_content = true;
        }
        texts.push((key, cell.origin, cell.text));
    }
    // A project names its enterprise, code or project; a sentence alone ("以上项目经审核，
    // 情况属实。") under the table is a note. Dropping a row never hides a project: its form
    // is then missing from the summary, which is reported.
    let own: Vec<&str> = texts
        .iter()
        .filter(|(k, o, _)| *k != "seq" && *k != "remarks" && o.0 == r)
        .map(|(_, _, t)| *t)
        .collect();
    let sentence = |t: &str| {
        t.contains('。')
            || ["以上", "本表", "此表", "上述"]
                .iter()
                .any(|p| t.starts_with(p))
    };
    if !own_content
        || !texts.iter().any(|(k, _, _)| REQUIRED.contains(k))
        || (own.len() == 1 && own.iter().all(|t| sentence(t)))
    {
        return None;
    }
    let mut out = SummaryRow::default();
    for (key, _, _) in COLUMNS {
        let parts: Vec<&str> = texts
            .iter()
            .filter(|(k, _, _)| k == key)
            .map(|(_, _, t)| *t)
            .collect();
        if !parts.is_empty() {
            out.set(key, &parts.join(" "));
        }
    }
    Some(out)
}

/// "推荐单位(公章)：河西区市场监管局" above the table, in a paragraph or a merged cell.
fn find_recommender(doc: &Document) -> Option<String> {
    let cells = doc
        .tables
        .iter()
        .flat_map(|t| t.rows.iter().flatten())
        .map(|c| c.text.as_str());
    for text in doc.paragraphs.iter().map(String::as_str).chain(cells) {
        for line in text.split('\n') {
            let hw = value::half_width(line);
            let Some(pos) = hw.find("推荐单位") else {
                continue;
            };
            let rest = hw.get(pos + "推荐单位".len()..).unwrap_or("");
            let rest = rest.trim_start();
            let rest = rest
                .strip_prefix("(公章)")
                .or_else(|| rest.strip_prefix("(盖章)"))
                .unwrap_or(rest);
            let Some(rest) = rest.trim_start().strip_prefix(':') else {
                continue;
            };
            // The signature line may follow on the same line: stop at the next label.
            let name = rest.split("推荐部门负责人").next().unwrap_or("").trim();
            if !name.is_empty() {
                return Some(name.to_string());
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::grid::{Cell, Table};

    fn row(texts: &[&str]) -> Vec<Cell> {
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| Cell {
                text: (*t).into(),
                col: i,
                span: 1,
                continues_above: false,
            })
            .collect()
    }

    #[test]
    fn reads_rows_under_the_header_and_the_unit_above() {
        let header = TEMPLATE_HEADER;
        let data = [
            "1",
            "天津海宏液压机械科技有限公司",
            "91120103732128464a",
            "制造业",
            "河西区",
            "中型",
            "国有控股企业",
            "高可靠性精密减速机设计与验证",
            "创新型",
            "何颖：13447562223",
            "x@163.com",
            "",
        ];
        let blank = [""; 12];
        let doc = Document {
            paragraphs: vec![],
            tables: vec![Table {
                rows: vec![
                    row(&["2023年天津市质量攻关项目立项申报汇总表"]),
                    row(&["推荐单位(公章)：天津市河西区市场监督管理局"]),
                    row(&header),
                    row(&data),
                    row(&blank),
                    row(&["推荐部门负责人：邱波泽  填报人：武娥"]),
                ],
            }],
        };
        let s = extract(&doc);
        assert_eq!(s.recommender.as_deref(), Some("天津市河西区市场监督管理局"));
        assert_eq!(s.rows.len(), 1);
        assert_eq!(s.rows[0].credit_code, "91120103732128464A");
        assert_eq!(s.rows[0].project_lead, "何颖 13447562223");
        assert_eq!(s.rows[0].project_type, "创新型");
        assert_eq!(header_score(&doc), 12);
    }
}
