//! The walker's table, cell and end-of-part bookkeeping.

use super::{MAX_TABLE_DEPTH, Tag, Walker};
use crate::forms::docx::build::{Container, TableBuild, table_text};
use crate::forms::grid::clean_text;
use crate::forms::{Document, ReadError, Table};

impl Walker<'_> {
    /// Counts one table, row or cell against the budget.
    fn spend(&mut self) -> Result<(), ReadError> {
        self.budget = self
            .budget
            .checked_sub(1)
            .ok_or_else(|| ReadError::TooLarge("表格单元格过多".into()))?;
        Ok(())
    }

    /// Opens a table: listed, or flattened past the depth cap.
    pub(super) fn open_table(&mut self) -> Result<Tag, ReadError> {
        self.spend()?;
        // A table is block-level: whatever paragraph text is pending before it is complete.
        self.top().end_paragraph();
        // Listed tables are always the outermost ones of the open stack.
        let order = if self.tables.len() < MAX_TABLE_DEPTH {
            self.next_order += 1;
            Some(self.next_order)
        } else {
            None
        };
        self.tables.push(TableBuild {
            order,
            ..TableBuild::default()
        });
        Ok(Tag::Tbl)
    }

    /// Opens a row of a listed table.
    pub(super) fn open_row(&mut self) -> Result<Tag, ReadError> {
        self.spend()?;
        match self.tables.last_mut() {
            Some(t) if t.order.is_some() => {
                t.end_row();
                t.row = Some(Default::default());
                Ok(Tag::Tr)
            }
            _ => Ok(Tag::Other),
        }
    }

    /// Opens a cell, with its own container in a listed table.
    pub(super) fn open_cell(&mut self) -> Result<Tag, ReadError> {
        self.spend()?;
        match self.tables.last() {
            Some(t) if t.order.is_some() => {
                let col = t.next_col();
                self.nested.push(Container::cell(col));
                Ok(Tag::Tc(true))
            }
            _ => Ok(Tag::Tc(false)),
        }
    }

    /// Closes a table: listed with its order, its text copied into the enclosing cell.
    pub(super) fn close_table(&mut self) {
        let Some(mut t) = self.tables.pop() else {
            return;
        };
        let Some(order) = t.order else { return };
        t.end_row();
        if t.rows.is_empty() {
            return;
        }
        // A nested table's text also belongs to the cell (or text box) holding it.
        if !self.nested.is_empty() {
            let lines = table_text(&t.rows);
            let size: usize = lines.iter().map(String::len).sum();
            if size <= self.copy_budget {
                self.copy_budget -= size;
                let c = self.top();
                c.end_paragraph();
                c.paras.extend(lines);
            }
        }
        self.done.push((order, Table { rows: t.rows }));
    }

    /// The document, once the part has been walked (open containers fold into the body).
    pub(super) fn finish(mut self) -> Document {
        let mut paragraphs = Vec::new();
        // Containers left open by a part cut short fold into the body.
        while let Some(c) = self.nested.pop() {
            let paras = c.into_paragraphs();
            self.top().paras.extend(paras);
        }
        for p in self.body.into_paragraphs() {
            let p = clean_text(&p);
            if !p.is_empty() {
                paragraphs.push(p);
            }
        }
        self.done.sort_by_key(|(order, _)| *order);
        Document {
            paragraphs,
            tables: self.done.into_iter().map(|(_, t)| t).collect(),
        }
    }
}
