//! Attachment 1, the application form (立项申报表): its fields, located by their labels.

use super::choice::{self, Choice};
use super::grid::{Document, clean_text};
use super::labels::{self, label_key};
use super::value;
use super::vocab::{self, Entry, Named};
use serde::{Deserialize, Serialize};

/// Sizes an enterprise can tick (企业规模).
pub const SIZES: &[&str] = &["大型", "中型", "小型", "微型"];
/// Project types (项目类型).
pub const PROJECT_TYPES: &[&str] = &["问题解决型", "创新型"];
/// Industries (企业所属产业), 其他 last with its free text.
pub const INDUSTRIES: &[&str] = &[
    "信创",
    "高端装备",
    "集成电路",
    "车联网",
    "新能源",
    "航空航天",
    "新材料",
    "汽车及新能源汽车",
    "生物医药",
    "中医药",
    "绿色石化",
    "轻纺",
    "其他",
];

/// The template's hint inside 预期成效, which is not part of the answer.
const HINTS: &[&str] = &[
    "(可从经济效益和社会效益方面进行阐述)",
    "（可从经济效益和社会效益方面进行阐述）",
];

/// One field of the form: JSON key, Chinese name, label variants, and its options if it is a
/// checkbox row.
pub struct Field {
    /// Key in JSON output and in the database.
    pub key: &'static str,
    /// The field's name on the form, used in messages to senders.
    pub name: &'static str,
    /// Label texts that identify it (compared with [`label_key`]).
    pub labels: &'static [&'static str],
    /// Options of a checkbox field; empty for free text.
    pub options: &'static [&'static str],
    /// Whether the call requires a value.
    pub required: bool,
}

/// Every field of the form, in the form's order.
pub const FIELDS: &[Field] = &[
    Field {
        key: "enterprise_name",
        name: "企业名称",
        labels: &[
            "企业名称",
            "申报单位名称",
            "申报企业名称",
            "单位名称",
            "企业全称",
            "公司名称",
            "申报单位",
            "申报企业",
        ],
        options: &[],
        required: true,
    },
    Field {
        key: "credit_code",
        name: "统一社会信用代码",
        labels: &[
            "统一社会信用代码",
            "社会信用代码",
            "信用代码",
            "统一信用代码",
            "社会统一信用代码",
        ],
        options: &[],
        required: true,
    },
    Field {
        key: "recommender",
        name: "推荐单位",
        labels: &["推荐单位", "推荐部门", "推荐单位名称", "推荐机构"],
        options: &[],
        required: true,
    },
    Field {
        key: "enterprise_size",
        name: "企业规模",
        labels: &["企业规模", "规模", "企业规模类型"],
        options: SIZES,
        required: true,
    },
    Field {
        key: "contact",
        name: "单位申报联系人及职务",
        labels: &[
            "单位申报联系人及职务",
            "联系人及职务",
            "申报联系人及职务",
            "联系人",
            "申报联系人",
            "单位联系人",
            "联系人姓名及职务",
            "联系人职务",
            "联系人姓名",
        ],
        options: &[],
        required: true,
    },
    Field {
        key: "mobile",
        name: "联系人手机",
        labels: &[
            "联系人手机",
            "手机",
            "手机号码",
            "移动电话",
            "联系手机",
            "联系人手机号码",
            // Mobile or landline: said by neither, settled only when the other is found.
            "联系电话",
            "电话",
        ],
        options: &[],
        required: true,
    },
    Field {
        key: "landline",
        name: "固定电话",
        labels: &[
            "固定电话",
            "座机",
            "座机号码",
            "固话",
            "办公电话",
            "联系电话",
            "电话",
        ],
        options: &[],
        required: false,
    },
    Field {
        key: "email",
        name: "电子邮箱",
        labels: &[
            "电子邮箱",
            "邮箱",
            "E-mail",
            "Email",
            "电子邮件",
            "邮件",
            "邮箱地址",
            "电子信箱",
            "电子邮箱地址",
        ],
        options: &[],
        required: true,
    },
    Field {
        key: "project_name",
        name: "项目名称",
        labels: &["项目名称", "课题名称", "攻关项目名称", "项目题目"],
        options: &[],
        required: true,
    },
    Field {
        key: "project_type",
        name: "项目类型",
        labels: &["项目类型", "课题类型", "项目类别", "课题类别"],
        options: PROJECT_TYPES,
        required: true,
    },
    Field {
        key: "industry",
        name: "企业所属产业",
        labels: &[
            "企业所属产业",
            "所属产业",
            "产业",
            "产业领域",
            "所属领域",
            "产业类别",
        ],
        options: INDUSTRIES,
        required: true,
    },
    Field {
        key: "background",
        name: "项目背景意义",
        labels: &[
            "项目背景意义",
            "项目背景及意义",
            "背景意义",
            "项目背景",
            "立项背景",
            "项目意义",
        ],
        options: &[],
        required: true,
    },
    Field {
        key: "overview",
        name: "项目基本情况介绍",
        labels: &[
            "项目基本情况介绍",
            "项目基本情况",
            "基本情况",
            "项目概况",
            "项目简介",
            "项目情况介绍",
            "项目情况",
        ],
        options: &[],
        required: true,
    },
    Field {
        key: "goals",
        name: "质量攻关目标",
        labels: &["质量攻关目标", "攻关目标", "项目目标"],
        options: &[],
        required: true,
    },
    Field {
        key: "expected_results",
        name: "预期成效",
        labels: &["预期成效", "预期效果", "预期成果", "预期效益"],
        options: &[],
        required: true,
    },
];

/// Labels that are not fields but still end a value search (the seal row).
const OTHER_LABELS: &[&str] = &["申报单位意见", "推荐单位意见", "单位意见"];

/// The application form's values, normalised. Text fields are "" when empty or absent;
/// checkbox fields are `None` unless exactly one option is ticked.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Application {
    pub enterprise_name: String,
    pub credit_code: String,
    pub recommender: String,
    pub enterprise_size: Option<String>,
    pub contact: String,
    pub mobile: String,
    pub landline: String,
    pub email: String,
    pub project_name: String,
    pub project_type: Option<String>,
    pub industry: Option<String>,
    pub background: String,
    pub overview: String,
    pub goals: String,
    pub expected_results: String,
    /// Checkbox fields where several options are ticked: (field key, options), for `invalid_choice`.
    #[serde(skip)]
    pub several: Vec<(&'static str, Vec<String>)>,
    /// Fields whose label was not found at all (template edited beyond recognition).
    #[serde(skip)]
    pub labels_missing: Vec<&'static str>,
    /// Labels that fit several fields equally (as written, and the fields they could be): the
    /// value beside them is not taken, the rules say why.
    #[serde(skip)]
    pub ambiguous: Vec<(String, Vec<&'static str>)>,
}

impl Application {
    /// The value of a field by key, for rules that iterate [`FIELDS`].
    pub fn get(&self, key: &str) -> Option<&str> {
        Some(match key {
            "enterprise_name" => &self.enterprise_name,
            "credit_code" => &self.credit_code,
            "recommender" => &self.recommender,
            "enterprise_size" => return self.enterprise_size.as_deref(),
            "contact" => &self.contact,
            "mobile" => &self.mobile,
            "landline" => &self.landline,
            "email" => &self.email,
            "project_name" => &self.project_name,
            "project_type" => return self.project_type.as_deref(),
            "industry" => return self.industry.as_deref(),
            "background" => &self.background,
            "overview" => &self.overview,
            "goals" => &self.goals,
            "expected_results" => &self.expected_results,
            _ => return None,
        })
    }

    fn set(&mut self, key: &str, v: String) {
        let slot = match key {
            "enterprise_name" => &mut self.enterprise_name,
            "credit_code" => &mut self.credit_code,
            "recommender" => &mut self.recommender,
            "contact" => &mut self.contact,
            "mobile" => &mut self.mobile,
            "landline" => &mut self.landline,
            "email" => &mut self.email,
            "project_name" => &mut self.project_name,
            "background" => &mut self.background,
            "overview" => &mut self.overview,
            "goals" => &mut self.goals,
            "expected_results" => &mut self.expected_results,
            _ => return,
        };
        *slot = v;
    }

    fn set_choice(&mut self, key: &str, v: Option<String>) {
        match key {
            "enterprise_size" => self.enterprise_size = v,
            "project_type" => self.project_type = v,
            "industry" => self.industry = v,
            _ => {}
        }
    }
}

/// The form's fields as the label matcher sees them.
fn entries() -> Vec<Entry> {
    FIELDS
        .iter()
        .map(|f| Entry {
            key: f.key,
            labels: f.labels,
        })
        .collect()
}

/// A cell that holds a known label of this form (never a value).
fn is_any_label(entries: &[Entry], key: &str) -> bool {
    match vocab::classify(entries, key) {
        Named::Field { exact, .. } => exact,
        Named::Ambiguous(_) => vocab::norm(key).chars().count() <= 8,
        Named::Nothing => OTHER_LABELS
            .iter()
            .any(|o| vocab::norm(o) == vocab::norm(key)),
    }
}

/// How many of the form's labels a document has: the classifier's evidence. Only known labels
/// count (after normalisation), and never those of a row naming four fields or more: a form
/// row holds a label or two, a summary's header row holds many.
pub fn label_score(doc: &Document) -> usize {
    let entries = entries();
    let mut seen: Vec<&'static str> = Vec::new();
    for row in doc.tables.iter().flat_map(|t| t.rows.iter()) {
        let mut here: Vec<&'static str> = Vec::new();
        for cell in row.iter().filter(|c| !c.continues_above) {
            let named = vocab::classify(&entries, &cell.text).exact().or_else(|| {
                let (head, _) = cell.text.split_once(['：', ':'])?;
                vocab::classify(&entries, head).exact()
            });
            if let Some(key) = named
                && !here.contains(&key)
            {
                here.push(key);
            }
        }
        if here.len() < 4 {
            for key in here {
                if !seen.contains(&key) {
                    seen.push(key);
                }
            }
        }
    }
    seen.len()
}

/// Reads the application form's fields from a document grid.
pub fn extract(doc: &Document) -> Application {
    let entries = entries();
    let found = labels::locate(doc, &entries, OTHER_LABELS);
    let mut app = Application::default();
    for field in FIELDS {
        let Some(spot) = found.spot(field.key) else {
            app.labels_missing.push(field.key);
            continue;
        };
        let raw =
            labels::value_spanning(doc, spot, |k| is_any_label(&entries, k)).unwrap_or_default();
        if field.options.is_empty() {
            app.set(field.key, normalise(field.key, &raw));
        } else {
            match choice::parse(&raw, field.options) {
                Choice::One(v) => app.set_choice(field.key, Some(v)),
                Choice::None => {}
                Choice::Several(opts) => app.several.push((field.key, opts)),
            }
        }
    }
    app.ambiguous = found.ambiguous;
    app
}

fn normalise(key: &str, raw: &str) -> String {
    match key {
        "credit_code" => value::credit_code(raw),
        "mobile" => value::mobile(raw),
        "email" => value::half_width(raw).trim().to_string(),
        "expected_results" => {
            let mut s = raw.to_string();
            for h in HINTS {
                s = s.replace(h, "");
            }
            clean_text(&s)
        }
        _ => raw.to_string(),
    }
}

/// Whether a label key belongs to this form (used by the classifier).
pub fn has_label(key: &str) -> bool {
    is_any_label(&entries(), &label_key(key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::grid::{Cell, Table};

    fn cell(text: &str, col: usize, span: usize) -> Cell {
        Cell {
            text: text.into(),
            col,
            span,
            continues_above: false,
        }
    }

    fn form() -> Document {
        let rows = vec![
            vec![
                cell("企业名称", 0, 1),
                cell("天津桥盛汽车部件股份有限公司", 1, 3),
            ],
            vec![
                cell("统一社会信用代码", 0, 1),
                cell("91120101 584296705m", 1, 1),
                cell("推荐单位", 2, 1),
                cell("和平区市场监管局", 3, 1),
            ],
            vec![
                cell("企业规模", 0, 1),
                cell("☐大型  ☐中型  ☐小型  ☑微型", 1, 3),
            ],
            vec![
                cell("单位申报\n联系人及职务", 0, 1),
                cell("赖慧亮，办公室主任", 1, 1),
                cell("联系人手机", 2, 1),
                cell("+86 189-9826-9489", 3, 1),
            ],
            vec![
                cell("固定电话", 0, 1),
                cell("", 1, 1),
                cell("电子邮箱", 2, 1),
                cell("zhaolei12@qq.com", 3, 1),
            ],
            vec![
                cell("项目名称", 0, 1),
                cell("高可靠性转向节设计与验证", 1, 3),
            ],
            vec![
                cell("项目类型", 0, 1),
                cell("☐问题解决型      ☑创新型", 1, 3),
            ],
            vec![
                cell("企业所属产业\n（划√）", 0, 1),
                cell("☐新能源 ☑汽车及新能源汽车\n☐其他＿＿＿", 1, 3),
            ],
            vec![cell("项目背景意义", 0, 1), cell("背景", 1, 3)],
            vec![cell("项目基本情况介绍", 0, 1), cell("情况一\n情况二", 1, 3)],
            vec![cell("质量攻关目标", 0, 1), cell("", 1, 3)],
            vec![
                cell("预期成效", 0, 1),
                cell("（可从经济效益和社会效益方面进行阐述）\n经济效益：好", 1, 3),
            ],
        ];
        Document {
            paragraphs: vec!["2023年天津市质量攻关项目立项申报表".into()],
            tables: vec![Table { rows }],
        }
    }

    #[test]
    fn reads_every_field_by_label() {
        let app = extract(&form());
        assert_eq!(app.enterprise_name, "天津桥盛汽车部件股份有限公司");
        assert_eq!(app.credit_code, "91120101584296705M");
        assert_eq!(app.recommender, "和平区市场监管局");
        assert_eq!(app.enterprise_size.as_deref(), Some("微型"));
        assert_eq!(app.contact, "赖慧亮，办公室主任");
        assert_eq!(app.mobile, "18998269489");
        assert_eq!(app.landline, "");
        assert_eq!(app.email, "zhaolei12@qq.com");
        assert_eq!(app.project_type.as_deref(), Some("创新型"));
        assert_eq!(app.industry.as_deref(), Some("汽车及新能源汽车"));
        assert_eq!(app.overview, "情况一\n情况二");
        assert_eq!(app.goals, "");
        assert_eq!(app.expected_results, "经济效益：好");
        assert!(app.labels_missing.is_empty());
        assert_eq!(label_score(&form()), FIELDS.len());
    }

    #[test]
    fn several_ticks_are_kept_for_the_rule() {
        let mut doc = form();
        doc.tables[0].rows[2][1].text = "☑大型  ☑中型  ☐小型  ☐微型".into();
        let app = extract(&doc);
        assert_eq!(app.enterprise_size, None);
        assert_eq!(
            app.several,
            vec![(
                "enterprise_size",
                vec!["大型".to_string(), "中型".to_string()]
            )]
        );
    }
}
