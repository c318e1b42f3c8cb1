//! The command line speaks the division's language: every command's `--help` and `-h` in
//! Chinese (headings too), and a mistake on the command line, an unusable configuration or a
//! history file that cannot be imported said in Chinese.

// A test crate: a failed unwrap, expect or panic is the test failing, which is what it should do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::cli::shenbao;
use common::place::Place;
use common::summary_xlsx;
use std::process::Command;

/// Every command a division user or admin runs explains itself in Chinese, with Chinese
/// headings and the usual `--help`/`-h` flags.
#[test]
fn help_is_chinese_for_every_command() {
    let commands: &[&[&str]] = &[
        &[],
        &["status"],
        &["list"],
        &["show"],
        &["export"],
        &["remind"],
        &["reprocess"],
        &["history"],
        &["history", "import"],
        &["decide"],
        &["decide", "accept"],
        &["decide", "reply"],
        &["decide", "list"],
        &["user"],
        &["user", "add"],
        &["config"],
        &["config", "check"],
        &["run"],
        &["check"],
        &["seal"],
    ];
    for cmd in commands {
        for flag in ["--help", "-h"] {
            let out = Command::new(env!("CARGO_BIN_EXE_shenbao"))
                .args(*cmd)
                .arg(flag)
                .output()
                .unwrap();
            let help = String::from_utf8_lossy(&out.stdout);
            assert!(out.status.success(), "{cmd:?} {flag}: {help}");
            assert!(help.contains("用法：shenbao"), "{cmd:?} {flag}: {help}");
            assert!(help.contains("选项："), "{cmd:?} {flag}: {help}");
            assert!(help.contains("-h, --help"), "{cmd:?} {flag}: {help}");
            for english in [
                "Usage:",
                "Options:",
                "Commands:",
                "Arguments:",
                "Print help",
                "[default:",
                "[possible values",
            ] {
                assert!(
                    !help.contains(english),
                    "{cmd:?} {flag}: {english} in {help}"
                );
            }
            let first = help.lines().next().unwrap_or_default();
            assert!(
                first
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{cmd:?} {flag}: {help}"
            );
        }
    }
}

/// A mistake on the command line, an unusable configuration, a history file that is no
/// spreadsheet or has no past projects: said in Chinese, exit status 2.
#[test]
fn errors_speak_chinese() {
    let place = Place::new("cli-errors");
    let conf = place.0.join("shenbao.toml");
    let text = shenbao::config::DEFAULT_TOML.replace(
        "data_dir = \"data\"",
        &format!("data_dir = \"{}\"", place.0.join("data").display()),
    );
    std::fs::write(&conf, text).unwrap();
    let run = |args: &[&str]| {
        let r = shenbao(&conf, args);
        let (code, out, err) = (r.code, r.stdout, r.stderr);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        err
    };
    let err = run(&["statu"]);
    assert!(err.contains("不认识的命令“statu”"), "{err}");
    assert!(err.contains("用法：shenbao"), "{err}");
    let err = run(&["reprocess"]);
    assert!(err.contains("缺少必需的参数"), "{err}");
    let err = run(&["list", "--verdct", "x"]);
    assert!(err.contains("不认识的参数“--verdct”"), "{err}");
    let err = run(&["user", "add", "x", "--role", "boss"]);
    assert!(err.contains("的值“boss”无效，可用：clerk、viewer"), "{err}");

    let not_a_sheet = place.0.join("历年项目.xlsx");
    std::fs::write(&not_a_sheet, "这不是电子表格").unwrap();
    let err = run(&["history", "import", not_a_sheet.to_str().unwrap()]);
    assert!(err.contains("无法读取历年项目表"), "{err}");
    let empty = place.0.join("空表.xlsx");
    std::fs::write(&empty, summary_xlsx("和平区市场监管局", &[])).unwrap();
    let err = run(&["history", "import", empty.to_str().unwrap()]);
    assert!(err.contains("没有找到历年项目"), "{err}");

    let (code, _, err) = Command::new(env!("CARGO_BIN_EXE_shenbao"))
        .args(["--config", "/nonexistent/shenbao.toml", "status"])
        .output()
        .map(|o| {
            (
                o.status.code().unwrap_or(-1),
                (),
                String::from_utf8_lossy(&o.stderr).into_owned(),
            )
        })
        .unwrap();
    assert_eq!(code, 2);
    assert!(err.starts_with("shenbao: 配置文件无法使用"), "{err}");
}
