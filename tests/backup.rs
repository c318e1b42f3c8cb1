//! `shenbao backup` beside a process holding the record open and the daemon's lock: the copy
//! restored into a fresh data directory reads the same, and its raw archive is whole.

// A test crate: a failed unwrap, expect or panic is the test failing, which is what it should do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::cli::{json, shenbao};
use common::place::Place;
use common::*;
use serde_json::Value;
use shenbao::store::{DataLock, Store};
use std::path::{Path, PathBuf};

/// The embedded default with this data directory and Maildir.
fn config(dir: &Path, data: &Path) -> PathBuf {
    let conf = dir.join(format!(
        "{}.toml",
        data.file_name().unwrap().to_string_lossy()
    ));
    let text = shenbao::config::DEFAULT_TOML
        .replace(
            "path = \"data/Maildir\"",
            &format!("path = \"{}\"", dir.join("Maildir").display()),
        )
        .replace(
            "data_dir = \"data\"",
            &format!("data_dir = \"{}\"", data.display()),
        );
    std::fs::write(&conf, text).unwrap();
    conf
}

/// Every file under `dir`, relative to it.
fn tree(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            if e.file_type().unwrap().is_dir() {
                todo.push(e.path());
            } else {
                out.push(e.path().strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    out.sort();
    out
}

fn copy_tree(from: &Path, to: &Path) {
    for rel in tree(from) {
        std::fs::create_dir_all(to.join(&rel).parent().unwrap()).unwrap();
        std::fs::copy(from.join(&rel), to.join(&rel)).unwrap();
    }
}

#[test]
fn a_backup_taken_beside_the_daemon_restores_to_the_same_record() {
    let place = Place::new("backup");
    let data = place.0.join("data");
    let conf = config(&place.0, &data);
    // 和平: complete; 河东: one Word form only; and a question.
    let hp = complete_submission(
        "和平区市场监督管理局",
        &[Form::new(0, "和平区市场监督管理局")],
    );
    let hd = Form::new(3, "河东区市场监督管理局");
    place.drop_message(
        "1.eml",
        &email("hp@tj.gov.cn", "申报", "请查收。", &refs(&hp)),
        0,
    );
    place.drop_message(
        "2.eml",
        &email(
            "hd@tj.gov.cn",
            "河东区申报",
            "附件为申报表。",
            &[("附件1：申报表.docx", application_docx(&hd))],
        ),
        10,
    );
    place.drop_message(
        "3.eml",
        &email("nk@tj.gov.cn", "咨询", "请问截止时间？", &[]),
        20,
    );
    let r = shenbao(&conf, &["run", "--once"]);
    let (ok, err) = (r.ok(), r.stderr);
    assert!(ok, "{err}");
    let before = json(&conf, &["status", "--json"]);

    // Another process holds the record open (WAL) and the daemon's lock meanwhile.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let lock = DataLock::try_acquire(&data).unwrap().unwrap();
    let held = rt.block_on(async {
        let s = Store::open(&data).await.unwrap();
        s.set_daemon_fact("backup_test", Some("held"))
            .await
            .unwrap();
        s
    });
    assert!(data.join("shenbao.db-wal").exists());
    let out = place.0.join("backups");
    let manifest = json(&conf, &["backup", "--out", out.to_str().unwrap(), "--json"]);
    rt.block_on(held.close());
    drop(lock);

    assert_eq!(manifest["database"]["messages"], 3, "{manifest}");
    assert_eq!(manifest["missing"], Value::Array(vec![]), "{manifest}");
    assert_eq!(manifest["corrupt"], Value::Array(vec![]), "{manifest}");
    let folder = PathBuf::from(manifest["folder"].as_str().unwrap());
    assert!(folder.starts_with(&out), "{manifest}");
    assert!(folder.join("manifest.json").is_file());
    // Nothing half-done is left beside it.
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);

    // The raw archive is whole: every raw message of the data directory, byte for byte.
    let raw = tree(&data.join("raw"));
    assert_eq!(raw.len(), 3, "{raw:?}");
    assert_eq!(manifest["raw"]["count"], 3, "{manifest}");
    for rel in &raw {
        assert_eq!(
            std::fs::read(data.join("raw").join(rel)).unwrap(),
            std::fs::read(folder.join("raw").join(rel)).unwrap(),
            "{rel:?}"
        );
    }
    assert_eq!(tree(&data.join("files")), tree(&folder.join("files")));

    // Restored into a fresh data directory (the README's steps), it reads the same.
    let fresh = place.0.join("restored");
    std::fs::create_dir_all(&fresh).unwrap();
    std::fs::copy(folder.join("shenbao.db"), fresh.join("shenbao.db")).unwrap();
    copy_tree(&folder.join("raw"), &fresh.join("raw"));
    copy_tree(&folder.join("files"), &fresh.join("files"));
    let restored = config(&place.0, &fresh);
    assert_eq!(json(&restored, &["status", "--json"]), before);
    let show = json(&restored, &["show", "和平", "--json"]);
    assert!(show.to_string().contains("ZLGG2023-001"), "{show}");
    // And the daemon takes it up again.
    let r = shenbao(&restored, &["run", "--once"]);
    let (ok, err) = (r.ok(), r.stderr);
    assert!(ok, "{err}");
}
