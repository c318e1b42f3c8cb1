//! Stage 2 — forms: read each attachment into a [`Document`] grid (Word, Excel) or a [`ScanInfo`]
//! (PDF, JPEG, PNG), decide which form and which version it is, and pull the fields out.
//!
//! Readers never panic and never trust sizes declared inside a file; a file they cannot read
//! becomes a [`ReadError`], which the rules report as `unreadable_attachment`.

pub mod application;
pub mod choice;
pub mod classify;
pub mod doc;
pub mod docx;
pub mod grid;
pub mod labels;
pub mod scan;
pub mod seal;
pub mod sheet;
pub mod summary;
pub mod value;
pub mod vocab;

#[cfg(test)]
mod tests_docx_rs;
#[cfg(test)]
mod tests_tables;

pub use grid::{Cell, Document, Table};

use serde::{Deserialize, Serialize};

/// Which form of the call a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FormKind {
    /// Attachment 1, 立项申报表: one per enterprise project.
    Application,
    /// Attachment 2, 立项申报汇总表: one per recommending unit, one row per project.
    Summary,
}

/// Which of the two required versions a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Version {
    /// The editable file (.docx, .doc, .xlsx, .xls), from which the fields are read.
    Word,
    /// The stamped scan (PDF, JPEG, PNG) carrying the red seal; it has no readable fields.
    Stamped,
}

/// Why a reader gave up on a file: defined with the message stage, whose attachments carry it
/// typed to the verdict.
pub use crate::message::ReadError;

/// What a PDF or image tells without looking at the pixels.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ScanInfo {
    /// Pages in order with their shape.
    pub pages: Vec<PageInfo>,
    /// Text of the PDF text layer, if any (electronic seals, exported PDFs); empty for scans.
    pub text: String,
}

/// One page of a scan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct PageInfo {
    /// Width as displayed (after /Rotate or EXIF orientation), in points or pixels.
    pub width: f64,
    /// Height as displayed, same unit as `width`.
    pub height: f64,
    /// What the seal check saw on this page; stamped forms are counted by sealed pages.
    pub seal: SealCheck,
}

impl PageInfo {
    /// Landscape pages hold the summary table; portrait pages the application form.
    pub fn is_landscape(&self) -> bool {
        self.width > self.height
    }
}

/// The result of looking for a red official seal on one page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "result")]
pub enum SealCheck {
    /// The page was not looked at (the analysis failed or was not run); nothing is known.
    #[default]
    NotChecked,
    /// A seal was seen. The box is in fractions of the displayed page (0..1), so people can
    /// find it on any rendering.
    Found {
        /// How sure the detector is, 0..1.
        confidence: f32,
        /// Left edge of the seal's box.
        x: f32,
        /// Top edge of the seal's box.
        y: f32,
        /// Width of the box.
        w: f32,
        /// Height of the box.
        h: f32,
    },
    /// A colour page without a seal.
    Absent,
    /// A page without any colour (a black-and-white scanner): a red seal cannot show.
    Grayscale,
    /// The page holds no picture to look at (a PDF of vector text without a seal drawing).
    NoImage,
}

impl SealCheck {
    /// Whether a seal was seen.
    pub fn found(&self) -> bool {
        matches!(self, SealCheck::Found { .. })
    }
}
