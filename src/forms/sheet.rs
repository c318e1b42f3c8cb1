//! .xlsx and legacy .xls spreadsheets (calamine) to a [`Document`] grid, one table per sheet.

use super::{Document, ReadError};
use crate::message::{FileKind, Limits};

/// Reads a spreadsheet of the given kind (Xlsx or Xls).
pub fn read(_data: &[u8], _kind: FileKind, _limits: &Limits) -> Result<Document, ReadError> {
    Err(ReadError::Corrupt("not implemented".into()))
}
