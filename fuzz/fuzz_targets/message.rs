//! Message extraction on arbitrary bytes: the MIME walk, header parameters, zip listing and
//! sniffing must never panic nor exceed the limits. Run with `cargo fuzz run message`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shenbao::message::{Limits, parse_email, sniff};

fuzz_target!(|data: &[u8]| {
    // Small caps so the fuzzer explores the limit paths quickly.
    let limits = Limits {
        max_message_bytes: 1 << 20,
        max_attachments: 50,
        max_depth: 4,
        max_archive_entries: 64,
        max_entry_bytes: 1 << 20,
        max_archive_bytes: 4 << 20,
        ..Limits::default()
    };
    let email = parse_email(data, &limits);
    // Past the cap files are listed without their bytes, up to four times the cap.
    assert!(email.attachments.len() <= limits.max_attachments * 4);
    // The same bytes as a file on their own (zip, OLE, …).
    let _ = sniff(data);
});
