//! The summary's header row: which column holds which field, by meaning (edited headers,
//! synonyms, a header cell spanning two columns, the lead split from its phone).

use super::REQUIRED;
use crate::forms::grid::{Document, Table, clean_text};
use crate::forms::vocab::{self, Entry, Named};

/// Headers as the label matcher sees them: the columns, plus a phone column split off the
/// project lead (项目负责人 | 联系方式), read back into `project_lead`.
pub(super) const LEAD_PHONE: &str = "lead_phone";
const VOCAB: &[Entry] = &[
    Entry {
        key: "seq",
        labels: &["序号", "编号", "序"],
    },
    Entry {
        key: "enterprise_name",
        labels: &[
            "申报单位名称",
            "申报企业名称",
            "企业名称",
            "单位名称",
            "申报单位",
            "申报企业",
            "企业全称",
            "公司名称",
        ],
    },
    Entry {
        key: "credit_code",
        labels: &[
            "统一社会信用代码",
            "社会信用代码",
            "信用代码",
            "统一信用代码",
        ],
    },
    Entry {
        key: "industry",
        labels: &["所属行业", "行业", "所属产业", "产业", "行业类别"],
    },
    Entry {
        key: "district",
        labels: &["所在区", "所在区县", "所属区", "区县", "所在地区", "区域"],
    },
    Entry {
        key: "enterprise_size",
        labels: &["企业规模", "规模"],
    },
    Entry {
        key: "ownership",
        labels: &["企业性质", "性质", "单位性质", "企业类型", "所有制性质"],
    },
    Entry {
        key: "project_name",
        labels: &["项目名称", "课题名称", "攻关项目名称"],
    },
    Entry {
        key: "project_type",
        labels: &["课题类型", "项目类型", "类型", "项目类别", "课题类别"],
    },
    Entry {
        key: "project_lead",
        labels: &[
            "项目负责人及联系方式",
            "项目负责人",
            "负责人及联系方式",
            "负责人",
            "项目负责人姓名",
            "负责人姓名",
            "项目联系人",
        ],
    },
    Entry {
        key: LEAD_PHONE,
        labels: &[
            "联系方式",
            "联系电话",
            "手机",
            "手机号码",
            "电话",
            "负责人电话",
            "负责人手机",
            "负责人联系方式",
            "联系人电话",
        ],
    },
    Entry {
        key: "email",
        labels: &[
            "电子邮箱",
            "邮箱",
            "E-mail",
            "Email",
            "电子邮件",
            "邮箱地址",
        ],
    },
    Entry {
        key: "remarks",
        labels: &["备注", "说明"],
    },
];

/// Words of a second header row under a merged one (项目负责人 over 姓名 | 电话).
const SUB_HEADERS: &[&str] = &["姓名", "职务", "名称", "代码"];

fn column_of(header: &str) -> Option<&'static str> {
    match vocab::classify(VOCAB, header) {
        Named::Field { key, .. } => Some(key),
        _ => None,
    }
}

/// The header of the summary: its row, and the field each grid column holds (a header cell
/// spanning two columns names both).
pub(super) struct Header {
    pub row: usize,
    /// (grid column, field key), in column order.
    pub cols: Vec<(usize, &'static str)>,
    /// Headers fitting several columns equally, as written.
    pub ambiguous: Vec<(String, Vec<&'static str>)>,
}

impl Header {
    pub fn named(&self) -> usize {
        let mut keys: Vec<&str> = self.cols.iter().map(|(_, k)| *k).collect();
        keys.sort_unstable();
        keys.dedup();
        keys.len()
    }
}

/// A column key as the header matcher's static key (those `Summary::ambiguous` holds): notes
/// stored with a unit's materials are read back with it.
pub fn column_key(key: &str) -> Option<&'static str> {
    VOCAB.iter().map(|e| e.key).find(|k| *k == key)
}

/// Finds the header row of a table: the row naming most summary columns (at least four, with
/// the three required ones).
pub(super) fn header_row(table: &Table) -> Option<Header> {
    let mut best: Option<Header> = None;
    for (r, row) in table.rows.iter().enumerate() {
        let mut cols: Vec<(usize, &'static str)> = Vec::new();
        let mut ambiguous = Vec::new();
        for cell in row {
            let key = match vocab::classify(VOCAB, &cell.text) {
                Named::Field { key, .. } => key,
                Named::Ambiguous(keys) => {
                    ambiguous.push((clean_text(&cell.text), keys));
                    continue;
                }
                Named::Nothing => continue,
            };
            // A second column of the same name is a copy; only the lead may be split in two.
            if cols.iter().any(|(_, k)| *k == key) {
                continue;
            }
            for c in cell.col..cell.col.saturating_add(cell.span.max(1)) {
                cols.push((c, key));
            }
        }
        let has_required = REQUIRED.iter().all(|k| cols.iter().any(|(_, c)| c == k));
        let h = Header {
            row: r,
            cols,
            ambiguous,
        };
        if h.named() >= 4 && has_required && best.as_ref().is_none_or(|b| h.named() > b.named()) {
            best = Some(h);
        }
    }
    best
}

/// How strongly a document looks like the summary: the size of its best header row.
pub fn header_score(doc: &Document) -> usize {
    doc.tables
        .iter()
        .filter_map(header_row)
        .map(|h| h.named())
        .max()
        .unwrap_or(0)
}
/// A header row continued (headers split over two rows, or repeated on a new page).
pub(super) fn is_header_again(own: &[&str]) -> bool {
    let labels = own
        .iter()
        .filter(|t| column_of(t).is_some() || SUB_HEADERS.iter().any(|s| vocab::norm(t) == *s))
        .count();
    labels >= 3 || (labels > 0 && labels == own.len())
}
