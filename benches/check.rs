//! Checking one typical submission: 1 summary + 3 application forms, each as Word/Excel and as
//! a stamped scan (150 dpi JPEG pages in PDFs, with seals), through the whole pipeline (parse, read, classify, judge).

use criterion::{Criterion, criterion_group, criterion_main};
use shenbao::config::Config;
use shenbao::verdict::Judge;
use std::hint::black_box;

#[path = "../tests/common/mod.rs"]
mod common;

fn typical_submission() -> Vec<u8> {
    let unit = "和平区市场监管局";
    let forms: Vec<common::Form> = (0..3).map(|i| common::Form::new(i, unit)).collect();
    let mut files = common::complete_submission(unit, &forms);
    // Scanners send 150 dpi colour pages.
    for (name, data) in files.iter_mut() {
        if name.ends_with(".pdf") {
            *data = common::scan_at(name.contains("汇总"), true, 150.0);
        }
    }
    common::email(
        "hpqscjgj@tj.gov.cn",
        "申报材料",
        "请查收。",
        &common::refs(&files),
    )
}

fn bench(c: &mut Criterion) {
    let cfg = Config::load(None).expect("default config");
    let raw = typical_submission();
    let when = chrono::DateTime::parse_from_rfc3339("2023-04-20T09:00:00+08:00").expect("time");
    eprintln!("typical submission: {} bytes", raw.len());
    c.bench_function("check_typical_submission", |b| {
        b.iter(|| {
            let mut judge = Judge::new(cfg.campaign.clone(), Vec::new());
            black_box(shenbao::pipeline::process(
                &mut judge,
                black_box(&raw),
                when,
                &cfg.limits,
            ));
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
