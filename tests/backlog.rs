//! Writes a backlog of typical submissions into a Maildir, for measuring how fast
//! `shenbao run --once` drains it and how much memory that takes (a bench, not a test):
//!
//! ```sh
//! SHENBAO_BACKLOG_DIR=/tmp/backlog SHENBAO_BACKLOG=1000 \
//!   cargo test --release --test backlog -- --ignored
//! cd /tmp/backlog && /usr/bin/time -v shenbao run --once --config shenbao.toml
//! ```
// A test crate: a failed unwrap, expect or panic is the test failing, which is what it should do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;

#[test]
#[ignore = "writes a backlog for a measurement; see the module docs"]
fn write_backlog() {
    let Some(dir) = std::env::var_os("SHENBAO_BACKLOG_DIR").map(std::path::PathBuf::from) else {
        eprintln!("SHENBAO_BACKLOG_DIR not set: nothing written");
        return;
    };
    let n: usize = std::env::var("SHENBAO_BACKLOG")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let new = dir.join("Maildir/new");
    std::fs::create_dir_all(&new).unwrap();
    std::fs::create_dir_all(dir.join("Maildir/cur")).unwrap();
    std::fs::create_dir_all(dir.join("Maildir/tmp")).unwrap();
    // Scanned pages are drawn once; every submission carries the same bytes, as a real
    // backlog's scans cost the same to analyse whatever they show.
    let forms_per_unit = 3;
    let base = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_681_952_400);
    for i in 0..n {
        let unit = format!("测试{i}区市场监管局");
        let forms: Vec<Form> = (0..forms_per_unit)
            .map(|j| Form::new(i * forms_per_unit + j, &unit))
            .collect();
        let files = complete_submission(&unit, &forms);
        let raw = email(
            &format!("unit{i}@example.test"),
            "申报材料",
            "请查收。",
            &refs(&files),
        );
        let path = new.join(format!("{:06}.backlog", i));
        std::fs::write(&path, raw).unwrap();
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(base + std::time::Duration::from_secs(i as u64))
            .unwrap();
    }
    std::fs::write(
        dir.join("shenbao.toml"),
        shenbao::config::DEFAULT_TOML.replace("path = \"data/Maildir\"", "path = \"Maildir\""),
    )
    .unwrap();
    eprintln!("{n} submissions written to {}", new.display());
}
