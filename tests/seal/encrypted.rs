//! Encrypted PDFs as scanner apps write them: an owner password only (the file opens without
//! one), RC4 40/128, AES-128 and AES-256; and a PDF that needs a real password to open.

use super::encrypt::{Rev, encrypt};
use super::fixtures::*;
use shenbao::forms::seal::{self, ScanLimits};
use shenbao::message::FileKind;

fn sealed_pdf() -> Vec<u8> {
    let (_, jpeg) = sealed_page_jpeg();
    pdf(&[PdfPage {
        jpeg,
        px: (1240, 1754),
        media: A4,
        text: Some("Quality project".into()),
        rotate: 0,
    }])
}

#[test]
fn encrypted_pdfs_that_open_without_a_password_show_their_seal() {
    let plain = sealed_pdf();
    for rev in [Rev::Rc4_40, Rev::Rc4_128, Rev::Aes128, Rev::Aes256] {
        let data = encrypt(&plain, rev, "");
        assert!(
            !data.windows(4).any(|w| w == b"JFIF"),
            "{rev:?}: image not encrypted"
        );
        let a = seal::analyse(&data, FileKind::Pdf, &ScanLimits::default())
            .unwrap_or_else(|e| panic!("{rev:?}: {e}"));
        assert_eq!(a.pages.len(), 1, "{rev:?}");
        let s = a.pages[0]
            .seal
            .unwrap_or_else(|| panic!("{rev:?}: no seal: {:?}", a.pages[0]));
        assert!((s.x + s.w / 2.0 - 900.0 / 1240.0).abs() < 0.03, "{rev:?}");
        assert!(a.text.contains("Quality project"), "{rev:?}: {:?}", a.text);
    }
}

#[test]
fn a_pdf_that_needs_a_password_is_encrypted() {
    let plain = sealed_pdf();
    for rev in [Rev::Rc4_128, Rev::Aes256] {
        let data = encrypt(&plain, rev, "1234");
        let r = seal::analyse(&data, FileKind::Pdf, &ScanLimits::default());
        assert!(
            matches!(r, Err(shenbao::forms::ReadError::Encrypted)),
            "{rev:?}: {r:?}"
        );
    }
}
