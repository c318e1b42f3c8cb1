//! Legacy .xls (BIFF8) on arbitrary bytes: the record pass before calamine must report
//! passwords, impossible DIMENSIONS and oversized sheets, never panic nor let calamine allocate
//! from a declared size. Run with `cargo fuzz run xls`. The first byte chooses: the bytes as a
//! whole file, or the rest as the Workbook stream of a well-formed compound file.
#![no_main]

mod ole;

use libfuzzer_sys::fuzz_target;
use shenbao::forms::sheet;
use shenbao::message::{FileKind, Limits};

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode & 1 == 0 {
        let _ = sheet::read(rest, FileKind::Xls, &limits);
    } else if let Some(file) = ole::compound(&[("/Workbook", rest)]) {
        let _ = sheet::read(&file, FileKind::Xls, &limits);
    }
});
