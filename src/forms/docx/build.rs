//! The pieces the body walker fills: text containers (the body, a cell, a text box) and
//! tables under construction.

use super::styles::Fonts;
use crate::forms::grid::{Cell, clean_text};

/// Where a grid cell sits, read from its `w:tcPr`.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct CellMeta {
    /// First grid column.
    pub col: usize,
    /// `w:gridSpan`.
    pub span: usize,
    /// `w:vMerge` without `restart`.
    pub continues_above: bool,
}

/// Properties of the run being read, for symbol-font mapping.
#[derive(Debug, Clone, Default)]
pub(super) struct Run {
    /// The run's own `w:rFonts`.
    pub direct: Fonts,
    /// Its `w:rStyle`.
    pub style: Option<String>,
    /// Fonts after the style chain, computed at the run's first text.
    pub resolved: Option<Fonts>,
}

/// Something paragraphs flow into: the body, a table cell or a text box.
#[derive(Debug, Default)]
pub(super) struct Container {
    /// Finished paragraphs, raw (cleaned when the container closes).
    pub paras: Vec<String>,
    /// The paragraph being read.
    pub para: String,
    /// Paragraphs of text boxes anchored in the current paragraph, written after it.
    pub pending: Vec<String>,
    /// `w:pStyle` of the current paragraph, for fonts.
    pub para_style: Option<String>,
    /// The current run.
    pub run: Run,
    /// Grid position when this container is a table cell.
    pub cell: Option<CellMeta>,
}

impl Container {
    /// A table cell starting at grid column `col`.
    pub(super) fn cell(col: usize) -> Container {
        Container {
            cell: Some(CellMeta {
                col,
                span: 1,
                continues_above: false,
            }),
            ..Container::default()
        }
    }

    /// Ends the current paragraph; text boxes anchored in it follow it.
    pub(super) fn end_paragraph(&mut self) {
        let p = std::mem::take(&mut self.para);
        if !p.is_empty() {
            self.paras.push(p);
        }
        self.paras.append(&mut self.pending);
        self.para_style = None;
    }

    /// All paragraphs, including an unterminated last one.
    pub(super) fn into_paragraphs(mut self) -> Vec<String> {
        self.end_paragraph();
        self.paras
    }

    /// The container as a grid cell.
    pub(super) fn into_cell(self) -> Cell {
        let meta = self.cell.unwrap_or_default();
        let text = clean_text(&self.into_paragraphs().join("\n"));
        Cell {
            text,
            col: meta.col,
            span: meta.span.max(1),
            continues_above: meta.continues_above,
        }
    }
}

/// A row being read.
#[derive(Debug, Default)]
pub(super) struct RowBuild {
    /// Cells so far.
    pub cells: Vec<Cell>,
    /// Next grid column (after `w:gridBefore` and the spans so far).
    pub col: usize,
}

/// A table being read.
#[derive(Debug, Default)]
pub(super) struct TableBuild {
    /// Position in document order of table starts, so outer tables sort before nested ones;
    /// `None` for a table nested past the depth cap, whose text just flows into its cell.
    pub order: Option<usize>,
    /// Finished rows.
    pub rows: Vec<Vec<Cell>>,
    /// The row being read.
    pub row: Option<RowBuild>,
}

impl TableBuild {
    /// Ends the current row, if any.
    pub(super) fn end_row(&mut self) {
        if let Some(r) = self.row.take() {
            self.rows.push(r.cells);
        }
    }

    /// Adds a finished cell to the current row (opening one for a cell outside any row).
    pub(super) fn push_cell(&mut self, cell: Cell) {
        let row = self.row.get_or_insert_with(RowBuild::default);
        row.col = cell.col.saturating_add(cell.span);
        row.cells.push(cell);
    }

    /// Grid column where the next cell starts.
    pub(super) fn next_col(&self) -> usize {
        self.row.as_ref().map_or(0, |r| r.col)
    }
}

/// A nested table's text as paragraphs of the cell holding it: one line per row, cells
/// separated by a tab, merged continuation cells left out.
pub(super) fn table_text(rows: &[Vec<Cell>]) -> Vec<String> {
    rows.iter()
        .map(|row| {
            row.iter()
                .filter(|c| !c.continues_above && !c.text.is_empty())
                .map(|c| c.text.as_str())
                .collect::<Vec<_>>()
                .join("\t")
        })
        .filter(|l| !l.is_empty())
        .collect()
}
