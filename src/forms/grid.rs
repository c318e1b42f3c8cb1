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
}
