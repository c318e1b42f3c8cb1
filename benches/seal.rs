//! Milliseconds per page of seal analysis: a 150 dpi A4 scan (JPEG inside a PDF) and a
//! 4000×3000 phone photo (JPEG with EXIF orientation), both drawn in code with a red seal.
//!
//! `cargo bench --bench seal` (release, one core). With `SEAL_CORPUS=DIR` it also analyses every
//! PDF/JPEG/PNG in DIR once and prints how many carry a seal.
// A benchmark: a failed unwrap, expect or panic stops the run, which is what it should do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../tests/seal/fixtures.rs"]
mod fixtures;

use criterion::{Criterion, criterion_group, criterion_main};
use fixtures::*;
use shenbao::forms::seal::{self, ScanLimits};
use shenbao::message::FileKind;
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let limits = ScanLimits::default();
    let (_, jpeg) = sealed_page_jpeg();
    let scan = pdf(&[PdfPage {
        jpeg,
        px: (1240, 1754),
        media: A4,
        text: None,
        rotate: 0,
    }]);
    let mut photo = Canvas::form_page(3000, 4000, 3);
    photo.seal(2200.0, 3200.0, 40.0 * 3000.0 / 210.0, 0.4, ORANGE);
    let photo = with_exif_orientation(&photo.turned_ccw().jpeg(85), 6);
    for (name, data, kind) in [
        ("scan_150dpi_a4_pdf", &scan, FileKind::Pdf),
        ("photo_4000x3000_jpeg", &photo, FileKind::Jpeg),
    ] {
        let a = seal::analyse(data, kind, &limits).expect("fixture analyses");
        assert!(a.has_seal(), "{name}: fixture seal not found");
        c.bench_function(name, |b| {
            b.iter(|| seal::analyse(black_box(data), kind, &limits))
        });
    }
    if let Some(dir) = std::env::var_os("SEAL_CORPUS") {
        corpus(std::path::Path::new(&dir), &limits);
    }
}

/// One pass over a folder of scans: seals found per file and time per page.
fn corpus(dir: &std::path::Path, limits: &ScanLimits) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let (mut files, mut sealed, mut pages, mut gray) = (0, 0, 0, 0);
    let start = std::time::Instant::now();
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_lowercase();
        let kind = if name.ends_with(".pdf") {
            FileKind::Pdf
        } else if name.ends_with(".jpg") || name.ends_with(".jpeg") {
            FileKind::Jpeg
        } else if name.ends_with(".png") {
            FileKind::Png
        } else {
            continue;
        };
        let Ok(data) = std::fs::read(e.path()) else {
            continue;
        };
        match seal::analyse(&data, kind, limits) {
            Ok(a) => {
                files += 1;
                pages += a.pages.len();
                sealed += usize::from(a.has_seal());
                gray += usize::from(a.pages.iter().all(|p| p.grayscale));
                if !a.has_seal() {
                    println!("no seal: {name} {:?}", a.pages);
                }
            }
            Err(err) => println!("unreadable: {name}: {err}"),
        }
    }
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    println!(
        "corpus: {files} files, {sealed} with a seal, {gray} all-grayscale, {pages} pages, {:.2} ms/page",
        ms / pages.max(1) as f64
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
