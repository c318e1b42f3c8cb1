//! Turning a sheet's sparse cells and merged regions into a [`Table`], with absolute columns.

use crate::forms::ReadError;
use crate::forms::grid::{Cell, Table};
use std::collections::BTreeMap;

/// A merged region in absolute sheet coordinates, inclusive on both ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Merge {
    /// First row of the region (0-based).
    pub first_row: u32,
    /// Last row of the region, inclusive.
    pub last_row: u32,
    /// First column of the region (0-based, A = 0).
    pub first_col: u32,
    /// Last column of the region, inclusive.
    pub last_col: u32,
}

impl Merge {
    fn width(&self) -> usize {
        (self.last_col.saturating_sub(self.first_col) as usize).saturating_add(1)
    }

    fn covers(&self, row: u32, col: u32) -> bool {
        (self.first_row..=self.last_row).contains(&row)
            && (self.first_col..=self.last_col).contains(&col)
    }
}

/// Builds the table of one sheet. `cells` hold cleaned, non-empty texts at absolute positions
/// (row, col); rows without any text are dropped, and each kept row lists every column from the
/// sheet's first used column to its own last used one, so an empty value cell stays a cell and a
/// label's neighbour is never the next field. `max_cells` bounds the cells written.
pub fn build(
    cells: BTreeMap<(u32, u32), String>,
    merges: &[Merge],
    max_cells: usize,
) -> Result<Table, ReadError> {
    let Some(first_col) = cells
        .keys()
        .map(|&(_, c)| c)
        .chain(merges.iter().map(|m| m.first_col))
        .min()
    else {
        return Ok(Table::default());
    };
    let mut rows: BTreeMap<u32, BTreeMap<u32, String>> = BTreeMap::new();
    for ((r, c), text) in cells {
        rows.entry(r).or_default().insert(c, text);
    }
    let mut table = Table::default();
    let mut written = 0usize;
    for (&r, texts) in &rows {
        let here: Vec<&Merge> = merges
            .iter()
            .filter(|m| (m.first_row..=m.last_row).contains(&r))
            .collect();
        let last_text = texts.keys().next_back().copied().unwrap_or(first_col);
        let last_col = here
            .iter()
            .map(|m| m.last_col)
            .chain(std::iter::once(last_text))
            .max()
            .unwrap_or(last_text);
        let mut row = Vec::new();
        let mut col = first_col;
        while col <= last_col {
            let merge = here.iter().find(|m| m.covers(r, col));
            let (span, continues_above, next) = match merge {
                Some(m) if m.first_col == col => (m.width(), m.first_row < r, m.last_col),
                // Inside a region that starts left of the first used column: skip what it covers.
                Some(m) => {
                    col = m.last_col.saturating_add(1);
                    if m.last_col == u32::MAX {
                        break;
                    }
                    continue;
                }
                None => (1, false, col),
            };
            // A covered cell never holds text of its own in Excel; a stray value there is
            // dropped rather than shown twice.
            let text = if continues_above {
                String::new()
            } else {
                texts.get(&col).cloned().unwrap_or_default()
            };
            row.push(Cell {
                text,
                col: col as usize,
                span,
                continues_above,
            });
            written += 1;
            if written > max_cells {
                return Err(ReadError::TooLarge(format!(
                    "表格单元格超过 {max_cells} 个"
                )));
            }
            if next == u32::MAX {
                break;
            }
            col = next + 1;
        }
        table.rows.push(row);
    }
    Ok(table)
}
