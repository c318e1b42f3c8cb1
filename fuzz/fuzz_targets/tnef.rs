//! Outlook's winmail.dat (TNEF) on arbitrary bytes: the record and MAPI property walk must
//! never panic, never trust a declared length or count, and never return more files than
//! asked. Run with `cargo fuzz run tnef`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shenbao::message::{Limits, parse_email, parse_tnef};

/// The TNEF signature, so the fuzzer starts inside the format rather than at its door.
const SIGNATURE: [u8; 4] = [0x78, 0x9F, 0x3E, 0x22];

fuzz_target!(|data: &[u8]| {
    let mut stream = SIGNATURE.to_vec();
    stream.extend_from_slice(data);
    if let Ok(files) = parse_tnef(&stream, 16) {
        assert!(files.len() <= 16);
        let total: usize = files.iter().map(|f| f.data.len()).sum();
        assert!(total <= stream.len());
    }
    // The same stream as an attached winmail.dat, through the whole message stage.
    let mut mail = b"Content-Type: application/ms-tnef; name=winmail.dat\r\n\r\n".to_vec();
    mail.extend_from_slice(&stream);
    let limits = Limits {
        max_attachments: 20,
        max_depth: 3,
        max_archive_entries: 16,
        ..Limits::default()
    };
    let email = parse_email(&mail, &limits);
    assert!(email.attachments.len() <= limits.max_attachments * 4);
});
