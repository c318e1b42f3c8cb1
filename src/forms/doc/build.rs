//! Walking the main document's characters into paragraphs and tables.
//!
//! In a .doc, 0x0D ends a paragraph and 0x07 ends a cell; the paragraph properties of a 0x07
//! tell a row end (sprmPFTtp) from a cell end, and carry the row's cell borders and merges.

use super::fib::Char;
use super::props::{Chr, Para, RowDef, Runs};
use super::symbols;
use crate::forms::grid::{Cell, Document, Table, clean_paragraph, clean_text};

/// Everything the walk reads.
pub struct Source<'a> {
    /// The main document text, in order.
    pub chars: &'a [Char],
    /// Paragraph runs (table marks, row definitions).
    pub paras: &'a Runs<Para>,
    /// Character runs (fonts, symbols).
    pub chrs: &'a Runs<Chr>,
    /// Font names by font table index.
    pub fonts: &'a [String],
    /// The Data stream, where legacy form checkboxes keep their state (empty if absent).
    pub data: &'a [u8],
}

/// A field being read (0x13 code 0x14 result 0x15).
#[derive(Default)]
struct Field {
    /// True while in the field code (before 0x14): nothing of it shows.
    code: bool,
    /// The start of the code, enough to recognise FORMCHECKBOX.
    head: String,
    /// sprmCPicLocation met on the field's characters: where a form field's FFData sits.
    pic: Option<u32>,
}

/// Characters of a field code kept to recognise its type.
const FIELD_HEAD: usize = 16;

/// The walk's state.
#[derive(Default)]
struct Walk {
    /// What has been read so far.
    doc: Document,
    /// Text of the paragraph being read.
    para: String,
    /// Paragraphs of the cell being read, joined with `\n`.
    cell: String,
    /// Cells of the row being read.
    row: Vec<String>,
    /// Rows of the table being read, each with its definition if the row-end mark had one.
    rows: Vec<(Vec<String>, Option<RowDef>)>,
    /// Open fields, innermost last.
    fields: Vec<Field>,
    /// A high surrogate waiting for its low half (characters beyond the BMP).
    high: Option<u16>,
}

/// Builds the document grid.
pub fn build(src: &Source<'_>) -> Document {
    let mut w = Walk::default();
    for ch in src.chars {
        match ch.unit {
            0x13 => w.fields.push(Field {
                code: true,
                head: String::new(),
                pic: src.chrs.at(ch.fc).pic,
            }),
            0x14 => {
                if let Some(top) = w.fields.last_mut() {
                    top.code = false;
                }
            }
            0x15 => {
                if let Some(f) = w.fields.pop()
                    && f.head.trim_start().starts_with("FORMCHECKBOX")
                {
                    w.para.push(symbols::form_checkbox(src.data, f.pic));
                }
            }
            0x0D | 0x07 => w.end_paragraph(ch.unit, &src.paras.at(ch.fc)),
            // In a field code nothing shows; its result (after 0x14) does.
            unit if w.fields.iter().any(|f| f.code) => {
                if let Some(top) = w.fields.last_mut().filter(|f| f.code) {
                    if top.pic.is_none() {
                        top.pic = src.chrs.at(ch.fc).pic;
                    }
                    if top.head.len() < FIELD_HEAD {
                        top.head.extend(char::from_u32(u32::from(unit)));
                    }
                }
            }
            0x0B | 0x0C | 0x0E => w.para.push('\n'),
            0x09 => w.para.push('\t'),
            0x1E => w.para.push('-'),
            // Pictures, drawn objects, note references and other anchors carry no text.
            0x00..=0x1F => {}
            high @ 0xD800..=0xDBFF => w.high = Some(high),
            low @ 0xDC00..=0xDFFF => {
                if let Some(high) = w.high.take() {
                    w.para
                        .extend(char::decode_utf16([high, low]).filter_map(Result::ok));
                }
            }
            unit => {
                let chr = src.chrs.at(ch.fc);
                if chr.unseen {
                    continue;
                }
                if let Some(c) = symbols::resolve(unit, &chr, src.fonts) {
                    w.para.push(c);
                }
            }
        }
    }
    w.finish()
}

impl Walk {
    fn end_paragraph(&mut self, mark: u16, p: &Para) {
        let depth = if p.in_table || p.itap > 0 {
            p.itap.max(1)
        } else {
            0
        };
        let para = std::mem::take(&mut self.para);
        match depth {
            0 => {
                self.close_table();
                self.push_paragraphs(&para);
            }
            1 if p.ttp => {
                // The row-end mark holds no text; a cell left open (malformed) still counts.
                self.push_line(&para);
                if !self.cell.is_empty() {
                    let cell = std::mem::take(&mut self.cell);
                    self.row.push(cell);
                }
                let row = std::mem::take(&mut self.row);
                self.rows.push((row, p.row.clone()));
            }
            1 if mark == 0x07 => {
                self.push_line(&para);
                let cell = std::mem::take(&mut self.cell);
                self.row.push(cell);
            }
            // A paragraph in a cell, or any mark of a nested table: its text stays in the
            // outer cell.
            _ => self.push_line(&para),
        }
    }

    fn push_line(&mut self, para: &str) {
        if !self.cell.is_empty() {
            self.cell.push('\n');
        }
        self.cell.push_str(para);
    }

    fn push_paragraphs(&mut self, para: &str) {
        for line in para.split('\n') {
            let line = clean_paragraph(line);
            if !line.is_empty() {
                self.doc.paragraphs.push(line.to_string());
            }
        }
    }

    fn close_table(&mut self) {
        if !self.cell.is_empty() {
            let cell = std::mem::take(&mut self.cell);
            self.row.push(cell);
        }
        if !self.row.is_empty() {
            let row = std::mem::take(&mut self.row);
            self.rows.push((row, None));
        }
        if self.rows.is_empty() {
            return;
        }
        let rows = std::mem::take(&mut self.rows);
        self.doc.tables.push(grid(rows));
    }

    fn finish(mut self) -> Document {
        let para = std::mem::take(&mut self.para);
        if self.rows.is_empty() && self.row.is_empty() && self.cell.is_empty() {
            self.push_paragraphs(&para);
        } else {
            self.push_line(&para);
            self.close_table();
        }
        self.doc
    }
}

/// Twips within which two cell borders count as the same grid line.
const SNAP: i32 = 15;

/// Places the cells on a grid made of every border of every row, as Word builds the grid of
/// a .docx, so cells under each other share a column even when rows are split differently.
fn grid(rows: Vec<(Vec<String>, Option<RowDef>)>) -> Table {
    let mut lines: Vec<i32> = rows
        .iter()
        .filter_map(|(_, def)| def.as_ref())
        .flat_map(|d| d.edges.iter().map(|&e| i32::from(e)))
        .collect();
    lines.sort_unstable();
    lines.dedup_by(|a, b| (*a - *b).abs() <= SNAP);
    let line_of = |x: i16| {
        let x = i32::from(x);
        lines.partition_point(|&l| l < x - SNAP)
    };
    let mut table = Table::default();
    for (texts, def) in rows {
        let mut out: Vec<Cell> = Vec::new();
        let mut next_col = 0usize;
        for (i, text) in texts.into_iter().enumerate() {
            let text = clean_text(&text);
            let edge = |k: usize| def.as_ref().and_then(|d| d.edges.get(k).copied());
            let flags = def
                .as_ref()
                .and_then(|d| d.flags.get(i).copied())
                .unwrap_or(0);
            let (col, end) = match (edge(i), edge(i + 1)) {
                (Some(l), Some(r)) if r > l => (line_of(l), line_of(r).max(line_of(l) + 1)),
                _ => (next_col, next_col + 1),
            };
            // Old-style horizontal merge: the cell joins the one before it.
            if flags & 0x3 >= 2
                && let Some(prev) = out.last_mut()
            {
                prev.span = end.saturating_sub(prev.col).max(prev.span);
                if !text.is_empty() {
                    if !prev.text.is_empty() {
                        prev.text.push('\n');
                    }
                    prev.text.push_str(&text);
                }
                next_col = end;
                continue;
            }
            let col = col.max(next_col);
            let end = end.max(col + 1);
            out.push(Cell {
                text,
                col,
                span: end - col,
                // fVertMerge without fVertRestart: the cell continues the one above.
                continues_above: flags & 0x20 != 0 && flags & 0x40 == 0,
            });
            next_col = end;
        }
        table.rows.push(out);
    }
    table
}
