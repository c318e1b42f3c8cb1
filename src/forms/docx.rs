//! .docx (WordprocessingML) to a [`Document`] grid, with zip + quick-xml.

use super::{Document, ReadError};
use crate::message::Limits;

/// Reads a .docx file.
pub fn read(_data: &[u8], _limits: &Limits) -> Result<Document, ReadError> {
    Err(ReadError::Corrupt("not implemented".into()))
}
