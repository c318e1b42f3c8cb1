//! Past years' projects (历年质量攻关项目), read from the division's spreadsheet: the call
//! forbids projects that repeat them (不得与历年项目雷同).

use crate::forms::grid::Document;
use crate::forms::labels::label_key;
use crate::forms::value::credit_code;
use crate::message::{Limits, sniff};
use anyhow::Context;
use serde::Serialize;
use std::path::Path;

/// One past project.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryProject {
    /// 年度.
    pub year: String,
    /// 企业名称.
    pub enterprise_name: String,
    /// 统一社会信用代码, normalised.
    pub credit_code: String,
    /// 项目名称.
    pub project_name: String,
    /// 项目简介.
    pub description: String,
}

const COLUMNS: &[(&str, &[&str])] = &[
    ("year", &["年度", "年份"]),
    ("enterprise_name", &["企业名称", "申报单位名称", "单位名称"]),
    ("credit_code", &["统一社会信用代码"]),
    ("project_name", &["项目名称"]),
    ("description", &["项目简介", "项目基本情况介绍", "简介"]),
];

/// Reads past projects from every sheet of a document whose header names them.
pub fn from_document(doc: &Document) -> Vec<HistoryProject> {
    let mut out = Vec::new();
    for table in &doc.tables {
        let mut cols: Vec<(usize, &str)> = Vec::new();
        let mut rows = table.rows.iter();
        for row in rows.by_ref() {
            cols = row
                .iter()
                .filter_map(|c| {
                    let k = label_key(&c.text);
                    COLUMNS
                        .iter()
                        .find(|(_, names)| names.contains(&k.as_str()))
                        .map(|(key, _)| (c.col, *key))
                })
                .collect();
            if cols.iter().any(|(_, k)| *k == "project_name") && cols.len() >= 3 {
                break;
            }
        }
        for row in rows {
            let get = |key: &str| -> String {
                cols.iter()
                    .find(|(_, k)| *k == key)
                    .and_then(|(col, _)| row.iter().find(|c| c.col == *col))
                    .map(|c| c.text.clone())
                    .unwrap_or_default()
            };
            let p = HistoryProject {
                year: get("year"),
                enterprise_name: get("enterprise_name"),
                credit_code: credit_code(&get("credit_code")),
                project_name: get("project_name"),
                description: get("description"),
            };
            if !p.project_name.is_empty() {
                out.push(p);
            }
        }
    }
    out
}

/// Loads a history spreadsheet (.xlsx or .xls).
pub fn load(path: &Path, limits: &Limits) -> anyhow::Result<Vec<HistoryProject>> {
    let data = std::fs::read(path).with_context(|| format!("无法读取 {}", path.display()))?;
    let kind = sniff(&data);
    let doc = crate::forms::sheet::read(&data, kind, limits)
        .with_context(|| path.display().to_string())?;
    Ok(from_document(&doc))
}
