//! Attachment 1, the application form (立项申报表): its fields, located by their labels.

use super::choice::{self, Choice};
use super::grid::{Document, clean_text};
use super::labels::{self, label_key};
use super::value;
use super::vocab::{self, Entry, Named};
use serde::{Deserialize, Serialize};

mod fields;

pub use fields::{FIELDS, Field, INDUSTRIES, PROJECT_TYPES, SIZES};
use fields::{HINTS, OTHER_LABELS};

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

/// The key of a field as the static key the reader notes use: stored notes are read back into
/// the form with it.
pub fn field_key(key: &str) -> Option<&'static str> {
    FIELDS.iter().map(|f| f.key).find(|k| *k == key)
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
        let raw = labels::value_spanning(
            doc,
            spot,
            |k| is_any_label(&entries, k),
            |v| field.options.iter().any(|o| v.contains(o)),
        )
        .unwrap_or_default();
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
