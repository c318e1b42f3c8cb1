//! Finding a field's value next to its label in a table grid, so that a re-flowed or slightly
//! edited template still reads.

use super::grid::{Cell, Document};

/// A label as compared: no white space, half-width, without hints in brackets such as （划√）
/// and without a trailing colon.
pub fn label_key(text: &str) -> String {
    let hw = super::value::half_width(text);
    let mut out = String::with_capacity(hw.len());
    let mut depth = 0usize;
    for c in hw.chars() {
        match c {
            '(' | '【' | '[' => depth += 1,
            ')' | '】' | ']' => depth = depth.saturating_sub(1),
            _ if depth > 0 || c.is_whitespace() || c == '*' || c == '※' => {}
            _ => out.push(c),
        }
    }
    out.trim_end_matches([':', '：']).to_string()
}

/// Where a label was found: the table, row and cell index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spot {
    /// Index into `Document::tables`.
    pub table: usize,
    /// Row index in that table.
    pub row: usize,
    /// Cell index in that row.
    pub cell: usize,
    /// True when the value follows the label inside the same cell, after a colon.
    pub inline: bool,
}

/// Finds the first cell whose label key is one of `labels`.
pub fn find(doc: &Document, labels: &[&str]) -> Option<Spot> {
    for (t, table) in doc.tables.iter().enumerate() {
        for (r, row) in table.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if cell.continues_above {
                    continue;
                }
                let key = label_key(&cell.text);
                if labels.iter().any(|l| *l == key) {
                    return Some(Spot {
                        table: t,
                        row: r,
                        cell: c,
                        inline: false,
                    });
                }
                if let Some((head, _)) = cell.text.split_once(['：', ':']) {
                    let head = label_key(head);
                    if labels.iter().any(|l| *l == head) {
                        return Some(Spot {
                            table: t,
                            row: r,
                            cell: c,
                            inline: true,
                        });
                    }
                }
            }
        }
    }
    None
}

/// The value beside a label: the next cell to the right in the same row, or the text after a
/// colon when label and value share one cell ("企业名称：天津…"). `is_label` tells which cells
/// are other fields' labels, so an empty value is not mistaken for the next label.
pub fn value_at(doc: &Document, spot: Spot, is_label: impl Fn(&str) -> bool) -> Option<String> {
    let row = doc.tables.get(spot.table)?.rows.get(spot.row)?;
    let here = row.get(spot.cell)?;
    if spot.inline {
        return inline_value(here);
    }
    for cell in row.iter().skip(spot.cell + 1) {
        if cell.continues_above {
            continue;
        }
        if is_label(&label_key(&cell.text)) {
            return Some(String::new());
        }
        return Some(cell.text.clone());
    }
    None
}

fn inline_value(cell: &Cell) -> Option<String> {
    let pos = cell.text.find(['：', ':'])?;
    let rest = cell.text.get(pos..)?.trim_start_matches(['：', ':']);
    Some(super::grid::clean_text(rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_keys_drop_hints_spaces_and_colons() {
        assert_eq!(label_key("企业所属产业\n（划√）"), "企业所属产业");
        assert_eq!(label_key("单位申报\n联系人及职务"), "单位申报联系人及职务");
        assert_eq!(label_key("课题类型\n（问题解决型、创新型）"), "课题类型");
        assert_eq!(label_key("企业名称："), "企业名称");
    }
}
