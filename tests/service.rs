//! The systemd unit (config/shenbao.service): `systemd-analyze verify` accepts it and its
//! `systemd-analyze security` exposure stays at or below 1.1 (what it was with `DynamicUser=`);
//! it runs as the fixed user `shenbao` that the shipped sysusers.d file creates, and leaves its
//! data group-readable. Skipped, saying why, where systemd-analyze is not installed
//! (.ci/apt-packages installs it).
// A test crate: a failed unwrap, expect or panic is the test failing, which is what it should do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

const UNIT: &str = include_str!("../config/shenbao.service");
const TEMPLATE: &str = include_str!("../config/shenbao@.service");
const SYSUSERS: &str = include_str!("../config/shenbao.sysusers");
const MANIFEST: &str = include_str!("../Cargo.toml");

fn analyzer() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("systemd-analyze"))
        .find(|p| p.is_file())
}

/// The unit in a temp dir with ExecStart pointing at the built binary: verify checks that
/// the executable exists, and /usr/bin/shenbao is not installed on a build machine.
fn unit_copy() -> (PathBuf, PathBuf) {
    copy_as(UNIT, "shenbao.service", "shenbao.service")
}

/// `text` written as `file` in a temp dir of its own (ExecStart at the built binary); returns
/// the dir and the path of `unit` there (an instance of a template is found beside it).
fn copy_as(text: &str, file: &str, unit: &str) -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!(
        "shenbao-service-{}-{}",
        std::process::id(),
        file.replace('@', "_")
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let text = text.replace("/usr/bin/shenbao", env!("CARGO_BIN_EXE_shenbao"));
    std::fs::write(dir.join(file), text).unwrap();
    (dir.clone(), dir.join(unit))
}

fn run(analyzer: &Path, args: &[&str], unit: &Path) -> (bool, String) {
    let out = Command::new(analyzer)
        .args(args)
        .arg(unit)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn unit_verifies_and_exposure_is_at_most_1_1() {
    let Some(sa) = analyzer() else {
        eprintln!("\n!!! SKIPPED: systemd-analyze not on PATH (apt-get install systemd)\n");
        return;
    };
    assert!(UNIT.contains("\nExecStart=/usr/bin/shenbao --config /etc/shenbao/shenbao.toml run\n"));
    assert!(UNIT.contains("\nType=notify\n") && UNIT.contains("\nWatchdogSec=60\n"));
    let (dir, unit) = unit_copy();
    let (ok, text) = run(&sa, &["verify"], &unit);
    assert!(ok, "systemd-analyze verify failed:\n{text}");
    // Warnings about the unit itself fail the test too; only the host's own units may complain.
    let ours: Vec<&str> = text.lines().filter(|l| l.contains("shenbao")).collect();
    assert!(ours.is_empty(), "verify complains:\n{text}");
    let (ok, text) = run(&sa, &["security", "--offline=yes", "--threshold=20"], &unit);
    assert!(ok, "exposure above 2.0:\n{text}");
    let level = text
        .lines()
        .find_map(|l| {
            l.split("Overall exposure level for shenbao.service: ")
                .nth(1)
        })
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse::<f64>().ok());
    match level {
        Some(l) => {
            eprintln!("systemd-analyze security: exposure {l}");
            assert!(l <= 1.1, "exposure {l}:\n{text}");
        }
        None => panic!("no exposure line:\n{text}"),
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_fixed_user_from_the_package_owns_a_group_readable_data_directory() {
    for line in [
        "User=shenbao",
        "Group=shenbao",
        "StateDirectory=shenbao",
        "StateDirectoryMode=0750",
        "UMask=0027",
    ] {
        assert!(UNIT.contains(&format!("\n{line}\n")), "no {line}");
    }
    assert!(!UNIT.contains("DynamicUser"));
    assert!(
        MANIFEST
            .contains(r#"["config/shenbao.sysusers", "usr/lib/sysusers.d/shenbao.conf", "644"]"#)
    );
    let postinst =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("debian/postinst"))
            .unwrap();
    assert!(postinst.contains("systemd-sysusers") && postinst.contains("shenbao.conf"));
    // systemd-sysusers itself reads the file, into a scratch root.
    let Some(sysusers) = analyzer()
        .map(|p| p.with_file_name("systemd-sysusers"))
        .filter(|p| p.is_file())
    else {
        eprintln!("\n!!! SKIPPED: systemd-sysusers not on PATH (apt-get install systemd)\n");
        return;
    };
    let root = std::env::temp_dir().join(format!("shenbao-sysusers-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("etc")).unwrap();
    let conf = root.join("shenbao.conf");
    std::fs::write(&conf, SYSUSERS).unwrap();
    let out = Command::new(&sysusers)
        .arg(format!("--root={}", root.display()))
        .arg(&conf)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let passwd = std::fs::read_to_string(root.join("etc/passwd")).unwrap();
    let group = std::fs::read_to_string(root.join("etc/group")).unwrap();
    assert!(
        passwd
            .lines()
            .any(|l| l.starts_with("shenbao:") && l.contains(":/var/lib/shenbao:")),
        "{passwd}"
    );
    assert!(group.lines().any(|l| l.starts_with("shenbao:")), "{group}");
    let _ = std::fs::remove_dir_all(root);
}

#[test]
fn the_template_runs_one_call_per_instance_as_hardened_as_the_unit() {
    for line in [
        "ExecStart=/usr/bin/shenbao --config /etc/shenbao/%i.toml run",
        "StateDirectory=shenbao/%i",
        "WorkingDirectory=/var/lib/shenbao/%i",
        "LoadCredential=imap-password:/etc/shenbao/%i/imap-password",
        "LoadCredential=smtp-password:/etc/shenbao/%i/smtp-password",
        "User=shenbao",
        "UMask=0027",
    ] {
        assert!(TEMPLATE.contains(&format!("\n{line}\n")), "no {line}");
    }
    // Beyond what names the instance, the template is the unit: no hardening left behind.
    let service = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .filter(|l| !l.contains("%i") && !l.starts_with("Description="))
            .map(str::to_string)
            .collect()
    };
    let unit: Vec<String> = service(UNIT)
        .into_iter()
        .filter(|l| !l.contains("/etc/shenbao/"))
        .filter(|l| !l.starts_with("StateDirectory=") && !l.starts_with("WorkingDirectory="))
        .collect();
    assert_eq!(service(TEMPLATE), unit);
    assert!(MANIFEST.contains(r#"["config/shenbao@.service", "lib/systemd/system/", "644"]"#));
    let Some(sa) = analyzer() else {
        eprintln!("\n!!! SKIPPED: systemd-analyze not on PATH (apt-get install systemd)\n");
        return;
    };
    let (dir, unit) = copy_as(TEMPLATE, "shenbao@.service", "shenbao@2024.service");
    let (ok, text) = run(&sa, &["verify"], &unit);
    assert!(ok, "systemd-analyze verify failed:\n{text}");
    let ours: Vec<&str> = text.lines().filter(|l| l.contains("shenbao")).collect();
    assert!(ours.is_empty(), "verify complains:\n{text}");
    let (ok, text) = run(&sa, &["security", "--offline=yes", "--threshold=11"], &unit);
    assert!(ok, "exposure above 1.1:\n{text}");
    assert!(
        text.contains("Overall exposure level for shenbao@2024.service: 1.1"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(dir);
}
