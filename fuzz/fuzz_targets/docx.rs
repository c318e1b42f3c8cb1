//! The .docx reader on arbitrary bytes: it must return a grid or an error, never panic, and
//! never allocate from sizes the file declares.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shenbao::forms::docx;
use shenbao::message::Limits;

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_xml_bytes: 4 << 20,
        ..Limits::default()
    };
    if let Ok(doc) = docx::read(data, &limits) {
        // Every cell spans at least one column.
        for t in &doc.tables {
            for row in &t.rows {
                assert!(row.iter().all(|c| c.span >= 1));
            }
        }
    }
});
