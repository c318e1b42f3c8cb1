//! `全市汇总表.xlsx`: the layout of Attachment 2 (a merged title row over the official header)
//! with one row per current project of every unit, and four columns for the division:
//! 推荐单位, 收件时间, 状态, 回执编号. Every value is written as text, so credit codes and
//! phone numbers keep their digits in Excel and WPS.

use super::{ExportProject, ExportUnit};
use crate::forms::summary::TEMPLATE_HEADER;
use anyhow::Context;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};
use std::path::Path;

/// The division's columns after the template's twelve.
pub const EXTRA: [&str; 4] = ["推荐单位", "收件时间", "状态", "回执编号"];

/// Column widths (characters), template columns then [`EXTRA`].
const WIDTHS: [f64; 16] = [
    6.0, 30.0, 22.0, 12.0, 10.0, 9.0, 10.0, 32.0, 14.0, 24.0, 24.0, 12.0, 24.0, 17.0, 12.0, 15.0,
];

/// `a` unless empty, else `b`.
fn or<'a>(a: Option<&'a str>, b: Option<&'a str>) -> &'a str {
    a.filter(|s| !s.trim().is_empty()).or(b).unwrap_or_default()
}

/// The sixteen cells of one project; the summary row wins, the form fills what it lacks.
pub fn cells(n: usize, u: &ExportUnit, p: &ExportProject) -> [String; 16] {
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
        n.to_string(),
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
    ]
}

/// Writes the workbook; returns the number of project rows.
pub fn write(path: &Path, title: &str, units: &[ExportUnit]) -> anyhow::Result<usize> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("汇总表")?;
    let title_format = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin)
        .set_background_color("#D9E1F2");
    let cell = Format::new()
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin);
    let columns = TEMPLATE_HEADER.len() + EXTRA.len();
    sheet.merge_range(0, 0, 0, (columns - 1) as u16, title, &title_format)?;
    sheet.set_row_height(0, 36)?;
    for (c, h) in TEMPLATE_HEADER.iter().chain(EXTRA.iter()).enumerate() {
        sheet.write_string_with_format(1, c as u16, *h, &header)?;
    }
    sheet.set_row_height(1, 45)?;
    for (c, w) in WIDTHS.iter().enumerate() {
        sheet.set_column_width(c as u16, *w)?;
    }
    sheet.set_freeze_panes(2, 0)?;
    let mut n = 0;
    for u in units {
        for p in &u.projects {
            n += 1;
            let row = (n + 1) as u32;
            for (c, v) in cells(n, u, p).iter().enumerate() {
                sheet.write_string_with_format(row, c as u16, fit(v), &cell)?;
            }
        }
    }
    book.save(path)
        .with_context(|| format!("无法写入 {}", path.display()))?;
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
