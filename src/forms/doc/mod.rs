//! Legacy Word 97-2003 .doc (OLE compound file + piece table) to a [`Document`] grid.
//!
//! Read natively per [MS-DOC]: the FIB names the table stream and the piece table, the piece
//! table gives the text, the paragraph property pages tell cell ends from row ends, and the
//! character property pages and font table turn Wingdings boxes into ☑ / ☐. Every offset
//! comes from the file and is bounds-checked; nothing is allocated from a declared size.

mod build;
mod fib;
mod props;
mod symbols;

#[cfg(test)]
mod fixture;
#[cfg(test)]
mod tests;

use super::{Document, ReadError};
use crate::message::Limits;
use std::io::{Cursor, Read};
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Reads a .doc file.
pub fn read(data: &[u8], limits: &Limits) -> Result<Document, ReadError> {
    // The cfb crate parses untrusted structures too; a panic there is a corrupt file here.
    catch_unwind(AssertUnwindSafe(|| read_inner(data, limits)))
        .unwrap_or_else(|_| Err(ReadError::Corrupt("Word 文档解析失败".into())))
}

fn read_inner(data: &[u8], limits: &Limits) -> Result<Document, ReadError> {
    let mut file = cfb::CompoundFile::open(Cursor::new(data))
        .map_err(|e| ReadError::Corrupt(format!("OLE: {e}")))?;
    if !file.is_stream("/WordDocument") {
        if file.exists("/EncryptedPackage") || file.exists("/EncryptionInfo") {
            return Err(ReadError::Encrypted);
        }
        return Err(ReadError::Corrupt("缺少 WordDocument 流".into()));
    }
    // No stream is longer than the file holding it; reading stops there whatever the
    // directory claims.
    let cap = data.len() as u64;
    let wd = read_stream(&mut file, "/WordDocument", cap)?;
    let fib = fib::parse(&wd)?;
    let table_name = if fib.table1 { "/1Table" } else { "/0Table" };
    let table = read_stream(&mut file, table_name, cap)?;
    // Only legacy form checkboxes need the Data stream; a file without one still reads.
    let data_stream = if file.is_stream("/Data") {
        read_stream(&mut file, "/Data", cap).unwrap_or_default()
    } else {
        Vec::new()
    };
    decode(&wd, &fib, &table, &data_stream, limits)
}

/// The document from its two streams, once the FIB has named the table stream.
fn decode(
    wd: &[u8],
    fib: &fib::Fib,
    table: &[u8],
    data: &[u8],
    limits: &Limits,
) -> Result<Document, ReadError> {
    let clx =
        fib::slice(table, fib.clx).ok_or_else(|| ReadError::Corrupt("Word 片段表越界".into()))?;
    let max_chars = usize::try_from(limits.max_xml_bytes / 2).unwrap_or(usize::MAX);
    let chars = fib::text(wd, clx, fib.ccp_text, max_chars)?;
    let paras = props::paragraphs(wd, table, fib.bte_papx);
    let chrs = props::characters(wd, table, fib.bte_chpx);
    let fonts = props::fonts(table, fib.ffn);
    Ok(build::build(&build::Source {
        chars: &chars,
        paras: &paras,
        chrs: &chrs,
        fonts: &fonts,
        data,
    }))
}

fn read_stream(
    file: &mut cfb::CompoundFile<Cursor<&[u8]>>,
    name: &str,
    cap: u64,
) -> Result<Vec<u8>, ReadError> {
    let stream = file
        .open_stream(name)
        .map_err(|e| ReadError::Corrupt(format!("{name}: {e}")))?;
    let mut out = Vec::new();
    stream
        .take(cap)
        .read_to_end(&mut out)
        .map_err(|e| ReadError::Corrupt(format!("{name}: {e}")))?;
    Ok(out)
}
