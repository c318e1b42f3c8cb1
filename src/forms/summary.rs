//! Attachment 2, the summary table (立项申报汇总表): the recommending unit and one row per project.

use super::grid::{Document, Table};
use super::labels::label_key;
use super::value;
use serde::{Deserialize, Serialize};

/// Columns of the summary: JSON key, Chinese name, header variants (compared by prefix after
/// [`label_key`], since headers carry hints such as 课题类型（问题解决型、创新型）).
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

    fn is_empty(&self) -> bool {
        COLUMNS
            .iter()
            .all(|(k, _, _)| *k == "seq" || self.get(k).is_none_or(str::is_empty))
    }
}

/// The summary as read: who recommends, and the rows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// 推荐单位 written above the table (after 推荐单位(公章)：), if filled in.
    pub recommender: Option<String>,
    /// Project rows, blank rows skipped.
    pub rows: Vec<SummaryRow>,
}

fn column_of(header: &str) -> Option<&'static str> {
    let key = label_key(header);
    if key.is_empty() {
        return None;
    }
    COLUMNS
        .iter()
        .find(|(_, _, names)| names.iter().any(|n| key == *n || key.starts_with(n)))
        .map(|(k, _, _)| *k)
}

/// Finds the header row of a table: the row naming most summary columns (at least four, with
/// the three required ones).
fn header_row(table: &Table) -> Option<(usize, Vec<(usize, &'static str)>)> {
    let mut best: Option<(usize, Vec<(usize, &'static str)>)> = None;
    for (r, row) in table.rows.iter().enumerate() {
        let mut cols: Vec<(usize, &'static str)> = Vec::new();
        for cell in row {
            if let Some(k) = column_of(&cell.text)
                && !cols.iter().any(|(_, c)| *c == k)
            {
                cols.push((cell.col, k));
            }
        }
        let has_required = REQUIRED.iter().all(|k| cols.iter().any(|(_, c)| c == k));
        if cols.len() >= 4 && has_required && best.as_ref().is_none_or(|b| cols.len() > b.1.len()) {
            best = Some((r, cols));
        }
    }
    best
}

/// How strongly a document looks like the summary: the size of its best header row.
pub fn header_score(doc: &Document) -> usize {
    doc.tables
        .iter()
        .filter_map(header_row)
        .map(|(_, c)| c.len())
        .max()
        .unwrap_or(0)
}

/// Rows under the header that are notes or signatures, not projects.
fn is_footer(text: &str) -> bool {
    let k = label_key(text);
    [
        "推荐部门负责人",
        "填报人",
        "注:",
        "注：",
        "备注:",
        "合计",
        "联系人电话",
    ]
    .iter()
    .any(|p| k.starts_with(p))
}

/// Reads the summary table from a document grid.
pub fn extract(doc: &Document) -> Summary {
    let mut summary = Summary {
        recommender: find_recommender(doc),
        rows: Vec::new(),
    };
    let Some((t, (h, cols))) = doc
        .tables
        .iter()
        .enumerate()
        .filter_map(|(i, t)| header_row(t).map(|hr| (i, hr)))
        .max_by_key(|(_, (_, c))| c.len())
    else {
        return summary;
    };
    let Some(table) = doc.tables.get(t) else {
        return summary;
    };
    for row in table.rows.iter().skip(h + 1) {
        if row.first().is_some_and(|c| is_footer(&c.text)) {
            break;
        }
        // A second header row (headers split over two rows) holds no project.
        if row.iter().filter(|c| column_of(&c.text).is_some()).count() >= 3 {
            continue;
        }
        let mut out = SummaryRow::default();
        for cell in row {
            if cell.continues_above {
                continue;
            }
            if let Some((_, key)) = cols.iter().find(|(c, _)| *c == cell.col) {
                out.set(key, &cell.text);
            }
        }
        if !out.is_empty() {
            summary.rows.push(out);
        }
    }
    summary
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
    use crate::forms::grid::Cell;

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
