//! `word/document.xml` to the grid: one pass over the events with an explicit element stack,
//! so deep nesting costs memory proportional to the input and never recursion.

use quick_xml::events::{BytesStart, Event};

mod grid;

use super::build::Container;
use super::styles::Styles;
use super::symbols::{self, Out};
use super::xml::{self, Ns, Prefixes};
use crate::forms::docx::build::TableBuild;
use crate::forms::grid::{EMPTY, TICKED};
use crate::forms::{Document, ReadError, Table};

/// Tables nested deeper than this are not listed; their text still flows into the cell holding
/// them. Real forms nest one or two levels.
pub(super) const MAX_TABLE_DEPTH: usize = 10;
/// Tables, rows and cells together; a form has a few hundred.
pub(super) const MAX_GRID_ITEMS: usize = 100_000;
/// Widest `w:gridSpan` / `w:gridBefore` believed (Word allows 63 columns).
const MAX_SPAN: usize = 1000;
/// Text boxes nested deeper than this share the container of the outer one.
const MAX_TEXT_BOX_DEPTH: usize = 4;
/// Ill-formed spots tolerated (stray end tags) before the part counts as corrupt.
const MAX_XML_ERRORS: usize = 1000;

/// The elements the walker reacts to; everything else is `Other` and only walked through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    P,
    PPr,
    R,
    RPr,
    T,
    Tbl,
    Tr,
    TrPr,
    /// A cell with its own container (`false`: a cell of a flattened table, no container).
    Tc(bool),
    TcPr,
    Sdt,
    SdtPr,
    Checkbox14,
    Alt,
    Choice,
    FldChar,
    FfData,
    FfCheckBox,
    TxbxContent,
    Other,
}

/// A content control being read.
#[derive(Debug, Default)]
struct Sdt {
    /// `Some(checked)` for a Word 2010 checkbox control.
    checkbox: Option<bool>,
    /// `w:showingPlcHdr`: the content is the placeholder prompt, not an answer.
    placeholder: bool,
    /// Wraps cells or rows: its content must be walked, never dropped.
    row_level: bool,
}

/// A legacy form-field checkbox (`FORMCHECKBOX`), which has no result text.
#[derive(Debug, Default)]
struct FfBox {
    /// `w:default`.
    default: bool,
    /// `w:checked`, which overrides the default.
    checked: Option<bool>,
}

/// The walk's state.
struct Walker<'s> {
    /// Fonts from the styles part.
    styles: &'s Styles,
    /// Namespace prefixes of this part.
    prefixes: Prefixes,
    /// Whether the root element (with the namespace declarations) has been seen.
    root_seen: bool,
    /// Open elements, each with the parent its children see (markup-compatibility wrappers
    /// pass their own parent through).
    tags: Vec<(Tag, Option<Tag>)>,
    /// Open text boxes that got their own container.
    text_boxes: usize,
    /// The body, where paragraphs outside tables and text boxes go.
    body: Container,
    /// Open cells and text boxes, innermost last.
    nested: Vec<Container>,
    /// Open tables, innermost last.
    tables: Vec<TableBuild>,
    /// Finished tables with their start order.
    done: Vec<(usize, Table)>,
    /// Start order of the next listed table.
    next_order: usize,
    /// Tables, rows and cells still allowed.
    budget: usize,
    /// Bytes of nested-table text still allowed to be copied into enclosing cells.
    copy_budget: usize,
    /// Open content controls.
    sdts: Vec<Sdt>,
    /// Open `mc:AlternateContent`: whether one branch has been taken.
    alts: Vec<bool>,
    /// A legacy checkbox being read.
    ff: Option<FfBox>,
}

/// Reads the main document part.
pub(super) fn parse(s: &str, styles: &Styles, copy_budget: usize) -> Result<Document, ReadError> {
    let mut w = Walker {
        styles,
        prefixes: Prefixes::default(),
        root_seen: false,
        tags: Vec::new(),
        text_boxes: 0,
        body: Container::default(),
        nested: Vec::new(),
        tables: Vec::new(),
        done: Vec::new(),
        next_order: 0,
        budget: MAX_GRID_ITEMS,
        copy_budget,
        sdts: Vec::new(),
        alts: Vec::new(),
        ff: None,
    };
    let mut r = xml::reader(s);
    let mut errors = 0usize;
    loop {
        let ev = match r.read_event() {
            Ok(ev) => ev,
            Err(quick_xml::Error::IllFormed(_)) if errors < MAX_XML_ERRORS => {
                errors += 1;
                continue;
            }
            Err(e) => return Err(ReadError::Corrupt(format!("document.xml: {e}"))),
        };
        match ev {
            Event::Start(e) => {
                let skip = w.start(&e, false)?;
                // Dropped content; a part cut short inside it just ends here.
                if skip && r.read_to_end(e.name()).is_err() {
                    break;
                }
            }
            Event::Empty(e) => {
                let skip = w.start(&e, true)?;
                if !skip {
                    w.end();
                }
            }
            Event::End(_) => w.end(),
            Event::Text(t) if w.in_text() => w.push_text(&xml::text(&t)),
            Event::CData(t) if w.in_text() => {
                w.push_text(&String::from_utf8_lossy(&t));
            }
            Event::DocType(t) => xml::check_doctype(&t)?,
            Event::Eof => break,
            _ => {}
        }
    }
    while !w.tags.is_empty() {
        w.end();
    }
    Ok(w.finish())
}

impl Walker<'_> {
    /// Handles an opening tag. Returns true when the element's content is to be skipped (the
    /// element is then not opened).
    fn start(&mut self, e: &BytesStart, empty: bool) -> Result<bool, ReadError> {
        if !self.root_seen {
            self.prefixes.learn(e);
            self.root_seen = true;
        }
        // Markup-compatibility wrappers are transparent: their content belongs to the element
        // around them.
        let parent = self.tags.last().and_then(|t| t.1);
        let direct_parent = self.tags.last().map(|t| t.0);
        let (ns, local) = self.prefixes.split(e.name().0);
        let tag = match (ns, local) {
            (Ns::W, b"p") => {
                self.top().end_paragraph();
                Tag::P
            }
            (Ns::W, b"pPr") if parent == Some(Tag::P) => Tag::PPr,
            (Ns::W, b"pStyle") if parent == Some(Tag::PPr) => {
                self.top().para_style = xml::attr_str(e, b"val");
                Tag::Other
            }
            (Ns::W, b"r") => {
                self.top().run = Default::default();
                Tag::R
            }
            (Ns::W, b"rPr") if parent == Some(Tag::R) => Tag::RPr,
            (Ns::W, b"rFonts") if parent == Some(Tag::RPr) => {
                self.top().run.direct = super::styles::Fonts::from_element(e);
                Tag::Other
            }
            (Ns::W, b"rStyle") if parent == Some(Tag::RPr) => {
                self.top().run.style = xml::attr_str(e, b"val");
                Tag::Other
            }
            (Ns::W, b"t") if parent == Some(Tag::R) => Tag::T,
            (Ns::W, b"tab" | b"ptab") if parent == Some(Tag::R) => {
                self.top().para.push('\t');
                Tag::Other
            }
            (Ns::W, b"br" | b"cr") if parent == Some(Tag::R) => {
                self.top().para.push('\n');
                Tag::Other
            }
            (Ns::W, b"noBreakHyphen") if parent == Some(Tag::R) => {
                self.top().para.push('-');
                Tag::Other
            }
            (Ns::W, b"sym") if parent == Some(Tag::R) => {
                let font = xml::attr_str(e, b"font");
                let code = xml::attr_str(e, b"char");
                if let Some(g) = symbols::sym(font.as_deref(), code.as_deref()) {
                    self.top().para.push(g);
                }
                Tag::Other
            }
            (Ns::W, b"tbl") => self.open_table()?,
            (Ns::W, b"tr") => self.open_row()?,
            (Ns::W, b"trPr") if parent == Some(Tag::Tr) => Tag::TrPr,
            (Ns::W, b"gridBefore") if parent == Some(Tag::TrPr) => {
                let n = xml::val_usize(e).unwrap_or(0).min(MAX_SPAN);
                if let Some(row) = self.tables.last_mut().and_then(|t| t.row.as_mut()) {
                    row.col = row.col.saturating_add(n);
                }
                Tag::Other
            }
            (Ns::W, b"tc") => self.open_cell()?,
            (Ns::W, b"tcPr") if parent == Some(Tag::Tc(true)) => Tag::TcPr,
            (Ns::W, b"gridSpan") if parent == Some(Tag::TcPr) => {
                let n = xml::val_usize(e).unwrap_or(1).clamp(1, MAX_SPAN);
                if let Some(m) = self.top().cell.as_mut() {
                    m.span = n;
                }
                Tag::Other
            }
            (Ns::W, b"vMerge") if parent == Some(Tag::TcPr) => {
                let restart = xml::attr(e, b"val").as_deref() == Some(b"restart");
                if let Some(m) = self.top().cell.as_mut() {
                    m.continues_above = !restart;
                }
                Tag::Other
            }
            (Ns::W, b"sdt") => {
                let row_level = matches!(parent, Some(Tag::Tbl | Tag::Tr));
                self.sdts.push(Sdt {
                    row_level,
                    ..Sdt::default()
                });
                Tag::Sdt
            }
            (Ns::W, b"sdtPr") if parent == Some(Tag::Sdt) => Tag::SdtPr,
            (Ns::W, b"showingPlcHdr") if parent == Some(Tag::SdtPr) => {
                if let Some(s) = self.sdts.last_mut() {
                    s.placeholder = xml::on_off(e);
                }
                Tag::Other
            }
            (Ns::W14, b"checkbox") if parent == Some(Tag::SdtPr) => {
                if let Some(s) = self.sdts.last_mut() {
                    s.checkbox = Some(false);
                }
                Tag::Checkbox14
            }
            (Ns::W14, b"checked") if parent == Some(Tag::Checkbox14) => {
                if let Some(s) = self.sdts.last_mut() {
                    s.checkbox = Some(xml::on_off(e));
                }
                Tag::Other
            }
            (Ns::W, b"sdtContent") if parent == Some(Tag::Sdt) => {
                let (checkbox, drop) = self.sdts.last().map_or((None, false), |s| {
                    (s.checkbox, s.placeholder && !s.row_level)
                });
                if let Some(ticked) = checkbox {
                    // The content only repeats the box as a glyph in some font.
                    self.top().para.push(if ticked { TICKED } else { EMPTY });
                    return Ok(true);
                }
                if drop {
                    return Ok(true);
                }
                Tag::Other
            }
            (Ns::W, b"sdtEndPr") => return Ok(true),
            (Ns::Mc, b"AlternateContent") => {
                self.alts.push(false);
                Tag::Alt
            }
            (Ns::Mc, b"Choice" | b"Fallback") if direct_parent == Some(Tag::Alt) => {
                match self.alts.last_mut() {
                    Some(taken) if *taken => return Ok(true),
                    // An empty branch shows nothing; the next one may.
                    Some(taken) => *taken = !empty,
                    None => {}
                }
                Tag::Choice
            }
            (Ns::W, b"txbxContent") => {
                // Text boxes inside text boxes past a few levels just flow into the outer one
                // (each level moves its paragraphs up once).
                if self.text_boxes < MAX_TEXT_BOX_DEPTH {
                    self.text_boxes += 1;
                    self.nested.push(Container::default());
                    Tag::TxbxContent
                } else {
                    Tag::Other
                }
            }
            (Ns::W, b"fldChar") if parent == Some(Tag::R) => Tag::FldChar,
            (Ns::W, b"ffData") if parent == Some(Tag::FldChar) => Tag::FfData,
            (Ns::W, b"checkBox") if parent == Some(Tag::FfData) => {
                self.ff = Some(FfBox::default());
                Tag::FfCheckBox
            }
            (Ns::W, b"default") if parent == Some(Tag::FfCheckBox) => {
                if let Some(f) = self.ff.as_mut() {
                    f.default = xml::on_off(e);
                }
                Tag::Other
            }
            (Ns::W, b"checked") if parent == Some(Tag::FfCheckBox) => {
                if let Some(f) = self.ff.as_mut() {
                    f.checked = Some(xml::on_off(e));
                }
                Tag::Other
            }
            // Deleted and moved-away text, field codes, tracked formatting, phonetic guides.
            (
                Ns::W,
                b"del" | b"moveFrom" | b"instrText" | b"delText" | b"delInstrText" | b"rPrChange"
                | b"pPrChange" | b"tcPrChange" | b"trPrChange" | b"tblPrChange" | b"sectPrChange"
                | b"rt",
            ) => return Ok(true),
            _ => Tag::Other,
        };
        let child_parent = if matches!(tag, Tag::Alt | Tag::Choice) {
            parent
        } else {
            Some(tag)
        };
        self.tags.push((tag, child_parent));
        Ok(false)
    }

    /// Handles a closing tag (the element stack, not the tag's name, says which).
    fn end(&mut self) {
        let Some((tag, _)) = self.tags.pop() else {
            return;
        };
        match tag {
            Tag::P => self.top().end_paragraph(),
            Tag::Tbl => self.close_table(),
            Tag::Tr => {
                if let Some(t) = self.tables.last_mut() {
                    t.end_row();
                }
            }
            Tag::Tc(true) => {
                if let Some(c) = self.nested.pop() {
                    let cell = c.into_cell();
                    if let Some(t) = self.tables.last_mut() {
                        t.push_cell(cell);
                    }
                }
            }
            Tag::Sdt => {
                self.sdts.pop();
            }
            Tag::Alt => {
                self.alts.pop();
            }
            Tag::FfCheckBox => {
                if let Some(f) = self.ff.take() {
                    let ticked = f.checked.unwrap_or(f.default);
                    self.top().para.push(if ticked { TICKED } else { EMPTY });
                }
            }
            Tag::TxbxContent => {
                self.text_boxes = self.text_boxes.saturating_sub(1);
                if let Some(c) = self.nested.pop() {
                    let paras = c.into_paragraphs();
                    self.top().pending.extend(paras);
                }
            }
            _ => {}
        }
    }

    /// The innermost container.
    fn top(&mut self) -> &mut Container {
        self.nested.last_mut().unwrap_or(&mut self.body)
    }

    /// Whether text events are run text now.
    fn in_text(&self) -> bool {
        self.tags.last().map(|t| t.0) == Some(Tag::T)
    }

    /// Appends run text, mapping symbol-font characters to box glyphs.
    fn push_text(&mut self, text: &str) {
        let styles = self.styles;
        let c = self.top();
        let fonts = match c.run.resolved {
            Some(f) => f,
            None => {
                let f = styles.resolve(
                    c.run.direct,
                    c.run.style.as_deref(),
                    c.para_style.as_deref(),
                );
                c.run.resolved = Some(f);
                f
            }
        };
        if !symbols::needs_mapping(text, &fonts) {
            c.para.push_str(text);
            return;
        }
        for ch in text.chars() {
            match symbols::map_char(ch, &fonts) {
                Out::Keep => c.para.push(ch),
                Out::Glyph(g) => c.para.push(g),
                Out::Drop => {}
            }
        }
    }
}
