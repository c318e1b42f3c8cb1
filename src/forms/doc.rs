//! Legacy Word 97-2003 .doc (OLE compound file + piece table) to a [`Document`] grid.

use super::{Document, ReadError};
use crate::message::Limits;

/// Reads a .doc file.
pub fn read(_data: &[u8], _limits: &Limits) -> Result<Document, ReadError> {
    Err(ReadError::Corrupt("not implemented".into()))
}
