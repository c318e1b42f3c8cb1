//! Checking one typical submission: 1 summary + 3 application forms, each as Word/Excel and as
//! a stamped scan (150 dpi JPEG pages in PDFs, with seals), through the whole pipeline (parse,
//! read, classify, look for seals, judge). A second bench times the seal analysis of the same
//! scans alone, so its share of `check` can be read off the two.
// A benchmark: a failed unwrap, expect or panic stops the run, which is what it should do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use criterion::{Criterion, criterion_group, criterion_main};
use shenbao::config::Config;
use shenbao::verdict::Judge;
use std::hint::black_box;

#[path = "../tests/common/mod.rs"]
mod common;

fn typical_submission() -> (Vec<u8>, Vec<Vec<u8>>) {
    let unit = "和平区市场监管局";
    let forms: Vec<common::Form> = (0..3).map(|i| common::Form::new(i, unit)).collect();
    let mut files = common::complete_submission(unit, &forms);
    // Scanners send 150 dpi colour pages.
    for (name, data) in files.iter_mut() {
        if name.ends_with(".pdf") {
            *data = common::scan_at(name.contains("汇总"), true, 150.0);
        }
    }
    let scans = files
        .iter()
        .filter(|(n, _)| n.ends_with(".pdf"))
        .map(|(_, d)| d.clone())
        .collect();
    let raw = common::email(
        "hpqscjgj@tj.gov.cn",
        "申报材料",
        "请查收。",
        &common::refs(&files),
    );
    (raw, scans)
}

fn bench(c: &mut Criterion) {
    let cfg = Config::load(None).expect("default config");
    let (raw, _) = typical_submission();
    let when = chrono::DateTime::parse_from_rfc3339("2023-04-20T09:00:00+08:00").expect("time");
    eprintln!("typical submission: {} bytes", raw.len());
    c.bench_function("check_typical_submission", |b| {
        b.iter(|| {
            let mut judge = Judge::new((&cfg.campaign).into(), Vec::new());
            black_box(shenbao::pipeline::process(
                &mut judge,
                black_box(&raw),
                when,
                &cfg.limits,
            ));
        })
    });
}

fn seal_share(c: &mut Criterion) {
    let (_, scans) = typical_submission();
    let limits = shenbao::forms::seal::ScanLimits::default();
    c.bench_function("seal_analysis_of_its_scans", |b| {
        b.iter(|| {
            for scan in &scans {
                let _ = black_box(shenbao::forms::seal::analyse(
                    black_box(scan),
                    shenbao::message::FileKind::Pdf,
                    &limits,
                ));
            }
        })
    });
}

criterion_group!(benches, bench, seal_share);
criterion_main!(benches);
