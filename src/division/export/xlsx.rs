//! `全市汇总表.xlsx`: two sheets in the layout of Attachment 2 (a merged title row over the
//! official header), first 已受理项目 — the accepted units' projects, what the division reports
//! upward and prints — then 全部项目, every current project of every unit with its standing.
//! Both add five columns for the division: 推荐单位, 收件时间, 状态, 回执编号, 提示. 序号 is a
//! number counted per sheet; every other value is text, so credit codes and phone numbers keep
//! their digits in Excel and WPS. Fonts and page set-up are in [`super::layout`].

use super::layout::{self, Styles};
use super::{ExportProject, ExportUnit};
use crate::forms::summary::TEMPLATE_HEADER;
use anyhow::Context;
use rust_xlsxwriter::{Workbook, Worksheet};
use std::path::Path;

/// The division's columns after the template's twelve.
pub const EXTRA: [&str; 5] = ["推荐单位", "收件时间", "状态", "回执编号", "提示"];

/// The sheet reported upward: accepted units only (已受理, 已人工受理).
pub const ACCEPTED_SHEET: &str = "已受理项目";
/// Every current project of every unit.
pub const ALL_SHEET: &str = "全部项目";

/// Joins the warnings of one project in its 提示 cell.
const WARNING_SEPARATOR: &str = "；";

/// `a` unless empty, else `b`.
fn or<'a>(a: Option<&'a str>, b: Option<&'a str>) -> &'a str {
    a.filter(|s| !s.trim().is_empty()).or(b).unwrap_or_default()
}

/// The text cells of one project after 序号; the summary row wins, the form fills what it
/// lacks.
pub fn cells(u: &ExportUnit, p: &ExportProject) -> [String; 16] {
    let r = p.row.as_ref();
    let a = p.app.as_ref();
    let lead = a.map(|a| {
        [a.contact.as_str(), a.mobile.as_str()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ")
    });
    [
        or(
            r.map(|r| r.enterprise_name.as_str()),
            a.map(|a| a.enterprise_name.as_str()),
        )
        .into(),
        or(
            r.map(|r| r.credit_code.as_str()),
            a.map(|a| a.credit_code.as_str()),
        )
        .into(),
        or(
            r.map(|r| r.industry.as_str()),
            a.and_then(|a| a.industry.as_deref()),
        )
        .into(),
        or(r.map(|r| r.district.as_str()), None).into(),
        or(
            r.map(|r| r.enterprise_size.as_str()),
            a.and_then(|a| a.enterprise_size.as_deref()),
        )
        .into(),
        or(r.map(|r| r.ownership.as_str()), None).into(),
        or(
            r.map(|r| r.project_name.as_str()),
            a.map(|a| a.project_name.as_str()),
        )
        .into(),
        or(
            r.map(|r| r.project_type.as_str()),
            a.and_then(|a| a.project_type.as_deref()),
        )
        .into(),
        or(r.map(|r| r.project_lead.as_str()), lead.as_deref()).into(),
        or(r.map(|r| r.email.as_str()), a.map(|a| a.email.as_str())).into(),
        or(r.map(|r| r.remarks.as_str()), None).into(),
        u.name.clone(),
        p.received
            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default(),
        u.status.clone(),
        u.receipt.clone().unwrap_or_default(),
        p.warnings.join(WARNING_SEPARATOR),
    ]
}

/// The rows written to each sheet.
#[derive(Debug, Clone, Copy)]
pub struct Rows {
    /// On 已受理项目.
    pub accepted: usize,
    /// On 全部项目.
    pub all: usize,
}

/// Writes the workbook, the accepted sheet first.
pub fn write(path: &Path, title: &str, units: &[ExportUnit]) -> anyhow::Result<Rows> {
    let mut book = Workbook::new();
    let styles = Styles::new();
    let accepted = sheet(
        book.add_worksheet(),
        ACCEPTED_SHEET,
        title,
        units.iter().filter(|u| u.accepted),
        &styles,
    )?;
    let all = sheet(
        book.add_worksheet(),
        ALL_SHEET,
        &format!("{title}（全部项目）"),
        units.iter(),
        &styles,
    )?;
    book.save(path)
        .with_context(|| format!("无法写入 {}", path.display()))?;
    Ok(Rows { accepted, all })
}

/// One sheet: title, header, a row per project of `units`; returns the rows written.
fn sheet<'a>(
    sheet: &mut Worksheet,
    name: &str,
    title: &str,
    units: impl Iterator<Item = &'a ExportUnit>,
    styles: &Styles,
) -> anyhow::Result<usize> {
    sheet.set_name(name)?;
    let columns = TEMPLATE_HEADER.len() + EXTRA.len();
    sheet.merge_range(0, 0, 0, (columns - 1) as u16, title, &styles.title)?;
    sheet.set_row_height(0, 36)?;
    for (c, h) in TEMPLATE_HEADER.iter().chain(EXTRA.iter()).enumerate() {
        sheet.write_string_with_format(1, c as u16, *h, &styles.header)?;
    }
    sheet.set_row_height(1, 45)?;
    for (c, w) in layout::WIDTHS.iter().enumerate() {
        sheet.set_column_width(c as u16, *w)?;
    }
    sheet.set_freeze_panes(2, 0)?;
    layout::page(sheet)?;
    let mut n = 0;
    for u in units {
        for p in &u.projects {
            n += 1;
            let row = (n + 1) as u32;
            sheet.write_number_with_format(row, 0, n as f64, &styles.number)?;
            for (c, v) in cells(u, p).iter().enumerate() {
                sheet.write_string_with_format(row, (c + 1) as u16, fit(v), &styles.text)?;
            }
        }
    }
    Ok(n)
}

/// Longest text Excel keeps in a cell, in UTF-16 units.
const MAX_CELL: usize = 32_767;

/// `v` cut to what a cell holds, marked with "…": one overlong field from a malformed form
/// must not stop the whole export.
fn fit(v: &str) -> String {
    if v.encode_utf16().count() <= MAX_CELL {
        return v.to_string();
    }
    let mut out = String::new();
    let mut units = 0;
    for c in v.chars() {
        units += c.len_utf16();
        if units > MAX_CELL - 1 {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}
