//! Finding a field's value next to its label in a table grid, so that a re-flowed or slightly
//! edited template still reads.

use super::grid::{Cell, Document};
pub use super::vocab::label_key;
use super::vocab::{self, Entry, Named};

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

/// Where each field of a form was found, by meaning (see [`vocab`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Located {
    /// Fields found, with the cell of their label.
    pub spots: Vec<(&'static str, Spot)>,
    /// Labels that fit several fields equally, as written, with the fields they could be;
    /// listed only for fields found nowhere else.
    pub ambiguous: Vec<(String, Vec<&'static str>)>,
}

impl Located {
    /// The label cell of a field.
    pub fn spot(&self, key: &str) -> Option<Spot> {
        self.spots.iter().find(|(k, _)| *k == key).map(|(_, s)| *s)
    }
}

/// Finds every field of a form by its label. A known label (after [`vocab::norm`]) wins over
/// a similar one, the most similar over the less, the first over later ones. A cell right of a
/// label is where a value goes: it is taken as a label only when it is a known one, so a short
/// value is never read as the next field's label. `others` are labels of the form that are no
/// field (they only stop a cell from counting as a value).
pub fn locate(doc: &Document, entries: &[Entry], others: &[&str]) -> Located {
    let mut best: Vec<Candidate> = Vec::new();
    let mut unsure: Vec<(String, Vec<&'static str>, Spot)> = Vec::new();
    for (t, table) in doc.tables.iter().enumerate() {
        for (r, row) in table.rows.iter().enumerate() {
            let mut after_label = false;
            for (c, cell) in row.iter().enumerate() {
                if cell.continues_above {
                    continue;
                }
                let spot = Spot {
                    table: t,
                    row: r,
                    cell: c,
                    inline: false,
                };
                if is_other(&cell.text, others) {
                    after_label = true;
                    continue;
                }
                let named = name_of(entries, &cell.text, spot);
                let was_after_label = after_label;
                after_label = false;
                match named {
                    (Named::Field { key, score, exact }, spot) => {
                        if !exact && was_after_label {
                            continue;
                        }
                        after_label = !spot.inline;
                        keep_best(&mut best, (key, spot, score, exact));
                    }
                    (Named::Ambiguous(keys), spot) if !was_after_label => {
                        after_label = true;
                        unsure.push((cell.text.clone(), keys, spot));
                    }
                    _ => {}
                }
            }
        }
    }
    let mut out = Located {
        spots: best.iter().map(|(k, s, ..)| (*k, *s)).collect(),
        ambiguous: Vec::new(),
    };
    // A label fitting several fields is settled when all but one are found elsewhere.
    for (text, keys, spot) in unsure {
        let open: Vec<&'static str> = keys
            .iter()
            .copied()
            .filter(|k| out.spot(k).is_none())
            .collect();
        match open.as_slice() {
            [] => {}
            [one] if keys.len() > 1 => out.spots.push((one, spot)),
            _ => out.ambiguous.push((super::grid::clean_text(&text), open)),
        }
    }
    out
}

/// A cell taken for a field's label: the field, the cell, how similar, whether a known label.
type Candidate = (&'static str, Spot, f32, bool);

/// What the cell at `spot` names: a label by itself, else a label written inline with its
/// value (`联系人：张三`), marked as such.
fn name_of(entries: &[Entry], text: &str, spot: Spot) -> (Named, Spot) {
    match vocab::classify(entries, text) {
        Named::Nothing => inline_label(entries, text)
            .map(|key| {
                (
                    Named::Field {
                        key,
                        score: 1.0,
                        exact: true,
                    },
                    Spot {
                        inline: true,
                        ..spot
                    },
                )
            })
            .unwrap_or((Named::Nothing, spot)),
        n => (n, spot),
    }
}

/// Keeps `c` when it is the field's first cell or beats the one kept: a known label over a
/// similar one, then the more similar; on a tie the first stays.
fn keep_best(best: &mut Vec<Candidate>, c: Candidate) {
    let (key, _, score, exact) = c;
    match best.iter_mut().find(|(k, ..)| *k == key) {
        Some(b) if (exact && !b.3) || (exact == b.3 && score > b.2) => *b = c,
        Some(_) => {}
        None => best.push(c),
    }
}

fn is_other(text: &str, others: &[&str]) -> bool {
    let key = vocab::norm(text);
    !key.is_empty() && others.iter().any(|o| vocab::norm(o) == key)
}

/// "企业名称：天津…": a known label before a colon, the value after it.
fn inline_label(entries: &[Entry], text: &str) -> Option<&'static str> {
    let (head, _) = text.split_once(['：', ':'])?;
    vocab::classify(entries, head).exact()
}

/// A label's value read through merges: the value beside it, and when the label cell is
/// merged down over further rows (an option list continued on a second row), the values beside
/// it on those rows too, one per line.
/// `continues` lets an empty, unmerged cell below the label continue it too when the value
/// beside it passes (an option list whose second row was added without merging the label).
pub fn value_spanning(
    doc: &Document,
    spot: Spot,
    is_label: impl Fn(&str) -> bool,
    continues: impl Fn(&str) -> bool,
) -> Option<String> {
    let first = value_at(doc, spot, &is_label)?;
    if spot.inline {
        return Some(first);
    }
    let Some(table) = doc.tables.get(spot.table) else {
        return Some(first);
    };
    let Some(col) = table
        .rows
        .get(spot.row)
        .and_then(|r| r.get(spot.cell))
        .map(|c| c.col)
    else {
        return Some(first);
    };
    let mut out = first;
    for (r, row) in table.rows.iter().enumerate().skip(spot.row + 1) {
        let Some(i) = row
            .iter()
            .position(|c| c.col == col && (c.continues_above || c.text.is_empty()))
        else {
            break;
        };
        let merged = row.get(i).is_some_and(|c| c.continues_above);
        let more = value_at(
            doc,
            Spot {
                row: r,
                cell: i,
                ..spot
            },
            &is_label,
        )
        .unwrap_or_default();
        if !merged && !continues(&more) {
            break;
        }
        if !more.is_empty() {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&more);
        }
    }
    Some(out)
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
