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
            err.contains("相对路径从配置文件所在目录算起"),
            "{args:?}: {err}"
        );
        assert!(
            err.contains(&missing.display().to_string()),
            "{args:?}: {err}"
        );
        assert!(!missing.exists(), "{args:?} created {}", missing.display());
    }
}

/// Relative paths in a config file start at the file's folder: the daemon and the division's
/// commands find the same record from any working directory, and `config check` names it.
#[test]
fn relative_paths_start_at_the_config_folder_whatever_the_working_directory() {
    let place = Place::new("relative");
    let conf = place.0.join("shenbao.toml");
    let text =
        shenbao::config::DEFAULT_TOML.replace("path = \"data/Maildir\"", "path = \"Maildir\"");
    std::fs::write(&conf, text).unwrap();
    let unit = "河东区市场监督管理局";
    let raw = common::email(
        "hd@tj.gov.cn",
        "申报材料",
        "请查收。",
        &[(
            "附件2：汇总表.xlsx",
            common::summary_xlsx(unit, &[common::Form::new(0, unit)]),
        )],
    );
    place.drop_message("1.eml", &raw, 0);
    let elsewhere = place.0.join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_shenbao"))
            .arg("--config")
            .arg(&conf)
            .args(args)
            .current_dir(&elsewhere)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {text}");
        text
    };
    run(&["run", "--once"]);
    run(&["status"]);
    let list: serde_json::Value = serde_json::from_str(&run(&["list", "--json"])).unwrap();
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
    assert!(place.0.join("data/shenbao.db").exists());
    assert!(
        !elsewhere.join("data").exists(),
        "a record in the working directory"
    );
    let check = run(&["config", "check", "--no-connect"]);
    let data = place.0.join("data");
    assert!(
        check.contains(&format!("{} 可写，已有申报记录", data.display())),
        "{check}"
    );
}
