//! The common shape every Word and spreadsheet reader produces: paragraphs and tables of
//! normalised text. Field location works on this shape only, so it does not care whether a form
//! came as .docx, .doc, .xlsx or .xls.

use serde::Serialize;

/// The glyph readers write for a ticked box, whatever the source used (☑ ☒ ■, Wingdings
/// symbols, a content-control checkbox in the checked state).
pub const TICKED: char = '☑';
/// The glyph readers write for an empty box (□, Wingdings symbols, an unchecked content control).
pub const EMPTY: char = '☐';

/// A document reduced to text: what lies outside tables, and the tables.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Document {
    /// Paragraphs outside any table, in reading order, each normalised with [`clean_paragraph`];
    /// empty paragraphs are dropped. Titles such as "2023年…立项申报表" are found here.
    pub paragraphs: Vec<String>,
    /// Every table (every sheet, for spreadsheets), outer tables before the tables nested in
    /// them; a nested table's text also stays in the cell that holds it.
    pub tables: Vec<Table>,
}

/// One table (or one spreadsheet's used range) as rows of cells.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Table {
    /// Rows in order; a row lists its cells left to right, one entry per cell (a cell spanning
    /// several grid columns is one entry with `span > 1`).
    pub rows: Vec<Vec<Cell>>,
}

/// One cell's text and place in the grid.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Cell {
    /// Paragraphs of the cell, each cleaned with [`clean_paragraph`], empty ones dropped,
    /// joined with `\n`.
    pub text: String,
    /// Grid column where the cell starts (0-based), so vertically merged cells line up.
    pub col: usize,
    /// Number of grid columns the cell covers (gridSpan; merged cells in spreadsheets).
    pub span: usize,
    /// True when this cell continues a vertical merge from the row above (`w:vMerge` without
    /// `restart`, or a covered cell of a merged spreadsheet region): its text belongs above.
    pub continues_above: bool,
}

impl Document {
    /// All text of the document (paragraphs, then cells row by row), for classification.
    pub fn all_text(&self) -> String {
        let mut out = String::new();
        for p in &self.paragraphs {
            out.push_str(p);
            out.push('\n');
        }
        for t in &self.tables {
            for row in &t.rows {
                for c in row {
                    out.push_str(&c.text);
                    out.push('\n');
                }
            }
        }
        out
    }
}

/// A cell as the reader of a merged table sees it: a continuation of a vertical merge shows
/// the text of the cell that starts the merge, as it does on paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shown<'a> {
    /// Grid column where the cell starts.
    pub col: usize,
    /// Grid columns covered.
    pub span: usize,
    /// The text shown: the cell's own, or the merge origin's for a continuation.
    pub text: &'a str,
    /// Where the text comes from (row, cell index): the cell itself, or the merge origin.
    pub origin: (usize, usize),
}

impl Shown<'_> {
    /// Whether the text belongs to a cell in an earlier row (a vertical merge carried down).
    pub fn carried(&self, row: usize) -> bool {
        self.origin.0 != row
    }
}

impl Table {
    /// Every row with vertically merged continuations resolved to their origin's text, so a
    /// name merged down over two project rows belongs to both. One pass, remembering per grid
    /// column the last cell that started there: linear in the cells whatever the merges.
    pub fn shown(&self) -> Vec<Vec<Shown<'_>>> {
        // Grid column → (row, cell index, end column) of the cell covering it from above.
        let mut open: std::collections::BTreeMap<usize, (usize, usize, usize)> =
            std::collections::BTreeMap::new();
        let mut out = Vec::with_capacity(self.rows.len());
        for (r, row) in self.rows.iter().enumerate() {
            let mut shown = Vec::with_capacity(row.len());
            for (i, cell) in row.iter().enumerate() {
                let end = cell.col.saturating_add(cell.span.max(1));
                let origin = if cell.continues_above {
                    open.range(..=cell.col)
                        .next_back()
                        .filter(|(_, (_, _, e))| *e > cell.col)
                        .map(|(_, (orow, oi, _))| (*orow, *oi))
                } else {
                    // This cell now covers its columns: earlier cells starting there end.
                    let covered: Vec<usize> = open.range(cell.col..end).map(|(c, _)| *c).collect();
                    for c in covered {
                        open.remove(&c);
                    }
                    open.insert(cell.col, (r, i, end));
                    Some((r, i))
                };
                let text = origin
                    .and_then(|(orow, oi)| self.rows.get(orow)?.get(oi))
                    .map_or("", |c| c.text.as_str());
                shown.push(Shown {
                    col: cell.col,
                    span: cell.span.max(1),
                    text,
                    origin: origin.unwrap_or((r, i)),
                });
            }
            out.push(shown);
        }
        out
    }
}

/// Characters trimmed from both ends of a paragraph: ASCII and Unicode white space, the
/// ideographic space U+3000 and the no-break space.
pub fn is_trim_char(c: char) -> bool {
    c.is_whitespace() || c == '\u{3000}' || c == '\u{a0}' || c == '\u{feff}' || c == '\u{200b}'
}

/// Trims one paragraph; spaces inside it are kept.
pub fn clean_paragraph(p: &str) -> &str {
    p.trim_matches(is_trim_char)
}

/// Cleans every paragraph of a multi-line text, drops the empty ones and joins with `\n`.
pub fn clean_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for p in text.split(['\n', '\r', '\u{b}', '\u{2028}', '\u{2029}']) {
        let p = clean_paragraph(p);
        if p.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(p);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_text_trims_ideographic_space_and_drops_empty_paragraphs() {
        assert_eq!(clean_text("\u{3000}甲 乙 \n\n  \n丙\u{3000}"), "甲 乙\n丙");
        assert_eq!(clean_text(""), "");
    }

    fn cell(text: &str, col: usize, span: usize, continues_above: bool) -> Cell {
        Cell {
            text: text.into(),
            col,
            span,
            continues_above,
        }
    }

    #[test]
    fn vertical_merges_show_their_origin_text_in_every_row() {
        let t = Table {
            rows: vec![
                vec![cell("甲公司", 0, 1, false), cell("项目一", 1, 2, false)],
                vec![cell("", 0, 1, true), cell("项目二", 1, 2, false)],
                vec![
                    cell("", 0, 1, true),
                    cell("", 1, 1, true),
                    cell("x", 2, 1, false),
                ],
            ],
        };
        let s = t.shown();
        assert_eq!(s[1][0].text, "甲公司");
        assert!(s[1][0].carried(1));
        assert!(!s[1][1].carried(1));
        assert_eq!(s[2][0].text, "甲公司");
        assert_eq!(s[2][0].origin, (0, 0));
        // A continuation under a two-column cell takes that cell's text.
        assert_eq!(s[2][1].text, "项目二");
        // A continuation with nothing above shows nothing.
        let lone = Table {
            rows: vec![vec![cell("", 3, 1, true)]],
        };
        assert_eq!(lone.shown()[0][0].text, "");
    }
}
