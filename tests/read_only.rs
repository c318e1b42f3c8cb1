//! The division's read-only commands never create a record: a wrong path or working directory
//! must not show an empty campaign as if nobody had submitted.

// A test crate: a failed unwrap, expect or panic is the test failing, which is what it should do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::place::Place;
use std::process::Command;

#[test]
fn read_only_commands_refuse_a_missing_record_and_say_where_they_looked() {
    let place = Place::new("read-only");
    let missing = place.0.join("nowhere");
    let conf = place.0.join("shenbao.toml");
    let text = shenbao::config::DEFAULT_TOML.replace(
        "data_dir = \"data\"",
        &format!("data_dir = \"{}\"", missing.display()),
    );
    std::fs::write(&conf, text).unwrap();
    for args in [
        &["status"][..],
        &["list"],
        &["show", "河西"],
        &["export", "--out", "x"],
        &["remind", "--dry-run"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_shenbao"))
            .arg("--config")
            .arg(&conf)
            .args(args)
            .current_dir(&place.0)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} succeeded");
        assert!(err.contains("没有找到申报记录"), "{args:?}: {err}");
        assert!(
            err.contains(&missing.display().to_string()),
            "{args:?}: {err}"
        );
        assert!(!missing.exists(), "{args:?} created {}", missing.display());
    }
}
