//! The service's group reads the record: a member with read access only (group `r-x` on the
//! data directory, `r--` on its files, as `UMask=0027` and `StateDirectoryMode=0750` leave them)
//! runs the read-only commands beside the daemon holding the record open in WAL mode, and
//! after it stopped; without the group the same commands are refused.

// A test crate: a failed unwrap, expect or panic is the test failing, which is what it should do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::place::Place;
use common::*;
use serde_json::Value;
use shenbao::store::Store;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::{Command, Output};

/// The group of the test's data directory (no name needed: groups are numbers to the kernel).
const GID: u32 = 64_213;
/// `nobody`: the member of staff, who owns nothing.
const NOBODY: u32 = 65_534;

/// `shenbao --config conf ARGS` as uid `nobody` with `gid` as its only group.
fn as_member(gid: u32, conf: &Path, args: &[&str]) -> Output {
    Command::new("setpriv")
        .arg(format!("--reuid={NOBODY}"))
        .arg(format!("--regid={gid}"))
        .arg("--clear-groups")
        .arg(env!("CARGO_BIN_EXE_shenbao"))
        .arg("--config")
        .arg(conf)
        .args(args)
        .output()
        .unwrap()
}

fn json_of(out: &Output, what: &str) -> Value {
    assert!(
        out.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{what}: {e}"))
}

/// Gives `dir` and everything below to root and group `GID`: folders 0750, files 0640.
fn group_readable(dir: &Path) {
    std::os::unix::fs::chown(dir, Some(0), Some(GID)).unwrap();
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o750)).unwrap();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.file_type().unwrap().is_dir() {
            group_readable(&e.path());
        } else {
            std::os::unix::fs::chown(e.path(), Some(0), Some(GID)).unwrap();
            std::fs::set_permissions(e.path(), std::fs::Permissions::from_mode(0o640)).unwrap();
        }
    }
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

#[test]
fn a_group_member_reads_the_record_beside_the_daemon_and_after_it() {
    if !is_root() {
        eprintln!("SKIPPED group_access: dropping privileges for the member needs root");
        return;
    }
    let place = Place::new("group");
    let data = place.0.join("data");
    let conf = place.0.join("shenbao.toml");
    let text = shenbao::config::DEFAULT_TOML
        .replace(
            "path = \"data/Maildir\"",
            &format!("path = \"{}\"", place.0.join("Maildir").display()),
        )
        .replace(
            "data_dir = \"data\"",
            &format!("data_dir = \"{}\"", data.display()),
        );
    std::fs::write(&conf, text).unwrap();
    std::fs::set_permissions(&place.0, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&conf, std::fs::Permissions::from_mode(0o644)).unwrap();
    let unit = "和平区市场监督管理局";
    let hp = complete_submission(unit, &[Form::new(0, unit)]);
    place.drop_message(
        "1.eml",
        &email("hp@tj.gov.cn", "申报", "请查收。", &refs(&hp)),
        0,
    );
    let run = Command::new(env!("CARGO_BIN_EXE_shenbao"))
        .arg("--config")
        .arg(&conf)
        .args(["run", "--once"])
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    group_readable(&data);

    // The daemon: another process with the record open in WAL mode, its -wal and -shm made
    // with the database file's mode and owner.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let daemon = rt.block_on(async {
        let s = Store::open(&data).await.unwrap();
        s.set_daemon_fact("last_contact", Some("2023-04-20T01:30:00.000000Z"))
            .await
            .unwrap();
        s
    });
    let shm = std::fs::metadata(data.join("shenbao.db-shm")).unwrap();
    assert_eq!((shm.gid(), shm.mode() & 0o777), (GID, 0o640));

    let status = json_of(&as_member(GID, &conf, &["status", "--json"]), "status");
    let hp_view = status["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == unit)
        .unwrap_or_else(|| panic!("{status}"));
    assert_eq!(hp_view["standing"], "accepted", "{status}");
    assert_eq!(status["last_contact"], "2023-04-20T01:30:00.000000Z");
    json_of(&as_member(GID, &conf, &["list", "--json"]), "list");
    json_of(&as_member(GID, &conf, &["show", "和平", "--json"]), "show");
    // A backup needs no more than reading, into a folder the member may write.
    let backups = place.0.join("backups");
    std::fs::create_dir(&backups).unwrap();
    std::os::unix::fs::chown(&backups, Some(NOBODY), Some(GID)).unwrap();
    let b = json_of(
        &as_member(
            GID,
            &conf,
            &["backup", "--out", backups.to_str().unwrap(), "--json"],
        ),
        "backup",
    );
    assert_eq!(b["database"]["messages"], 1, "{b}");

    // Outside the group the record stays closed.
    let out = as_member(NOBODY, &conf, &["status", "--json"]);
    assert!(!out.status.success(), "status ran without the group");
    // Writing stays with the service: a member cannot change the record.
    let out = as_member(GID, &conf, &["remind"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("Permission denied"),
        "{err}"
    );

    // The daemon stops: the record is left so that the member still reads it.
    rt.block_on(daemon.close());
    assert!(!data.join("shenbao.db-wal").exists());
    let after = json_of(&as_member(GID, &conf, &["status", "--json"]), "status");
    assert_eq!(after["units"], status["units"]);
    // Reading created nothing in the data directory.
    let names: Vec<String> = std::fs::read_dir(&data)
        .unwrap()
        .flatten()
        .filter(|e| e.metadata().unwrap().uid() != 0)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.is_empty(), "{names:?}");
}
