//! The acceptance run: the pipeline over a corpus folder in manifest order, compared with the
//! manifest's expectations. A measurement, not a target: it prints what differs.

use crate::config::Config;
use crate::verdict::{Judge, Outcome};
use crate::{history, pipeline};
use anyhow::Context;
use chrono::DateTime;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::ExitCode;

/// Manifest keys of application forms and their JSON keys here.
const APPLICATION_KEYS: &[(&str, &str)] = &[
    ("企业名称", "enterprise_name"),
    ("统一社会信用代码", "credit_code"),
    ("推荐单位", "recommender"),
    ("企业规模", "enterprise_size"),
    ("单位申报联系人及职务", "contact"),
    ("联系人手机", "mobile"),
    ("固定电话", "landline"),
    ("电子邮箱", "email"),
    ("项目名称", "project_name"),
    ("项目类型", "project_type"),
    ("企业所属产业", "industry"),
    ("项目背景意义", "background"),
    ("项目基本情况介绍", "overview"),
    ("质量攻关目标", "goals"),
    ("预期成效", "expected_results"),
];

/// Manifest keys of summary rows and their JSON keys here.
const SUMMARY_KEYS: &[(&str, &str)] = &[
    ("序号", "seq"),
    ("申报单位名称", "enterprise_name"),
    ("统一社会信用代码", "credit_code"),
    ("所属行业", "industry"),
    ("所在区", "district"),
    ("企业规模", "enterprise_size"),
    ("企业性质", "ownership"),
    ("项目名称", "project_name"),
    ("课题类型", "project_type"),
    ("项目负责人及联系方式", "project_lead"),
    ("电子邮箱", "email"),
    ("备注", "remarks"),
];

/// How many expected field values were compared and how many were equal.
#[derive(Debug, Default)]
pub struct Tally {
    /// Expected values compared.
    pub fields: usize,
    /// Of those, equal.
    pub equal: usize,
}

/// Runs the corpus in `dir` and prints per-case differences and `N passed, M failed`.
pub fn run(dir: &Path, verbose: bool) -> anyhow::Result<ExitCode> {
    let manifest: Value = serde_json::from_slice(
        &std::fs::read(dir.join("manifest.json"))
            .with_context(|| format!("no manifest.json in {}", dir.display()))?,
    )?;
    let cfg = Config::load(None)?;
    let campaign = campaign_of(&manifest, &cfg)?;
    let past = match manifest.get("history").and_then(Value::as_str) {
        Some(h) => history::load(&dir.join(h), &cfg.limits)?,
        None => Vec::new(),
    };
    let mut judge = Judge::new((&campaign).into(), past);
    let cases = manifest
        .get("cases")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let (mut passed, mut failed) = (0usize, 0usize);
    let mut tally = Tally::default();
    // Stamped versions, and how many of them show a seal on some page.
    let mut seals = (0usize, 0usize);
    let started = std::time::Instant::now();
    for case in &cases {
        let file = case.get("file").and_then(Value::as_str).unwrap_or("");
        let when = case
            .get("internaldate")
            .and_then(Value::as_str)
            .unwrap_or("");
        let when = DateTime::parse_from_rfc3339(when)
            .with_context(|| format!("{file}: bad internaldate"))?;
        let raw = std::fs::read(dir.join(file)).with_context(|| format!("cannot read {file}"))?;
        let (_, outcome) = pipeline::process(&mut judge, &raw, when, &cfg.limits);
        count_seals(&outcome, &mut seals);
        let expect = case.get("expect").cloned().unwrap_or(Value::Null);
        let (fatal, notes) = compare(&expect, &outcome, &mut tally, verbose);
        if fatal.is_empty() {
            passed += 1;
        } else {
            failed += 1;
        }
        print_case(file, &fatal, &notes, verbose);
    }
    let (stamped, sealed) = seals;
    let pct = if tally.fields == 0 {
        100.0
    } else {
        100.0 * tally.equal as f64 / tally.fields as f64
    };
    println!(
        "field values: {}/{} equal ({pct:.2}%); {} messages in {:.0} ms",
        tally.equal,
        tally.fields,
        cases.len(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    println!("stamped versions: {stamped}, a seal seen in {sealed}");
    println!("{passed} passed, {failed} failed");
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The configured campaign with the corpus's own deadline and mailbox, when its manifest
/// gives them.
fn campaign_of(manifest: &Value, cfg: &Config) -> anyhow::Result<crate::config::Campaign> {
    let mut campaign = cfg.campaign.clone();
    if let Some(d) = manifest
        .pointer("/campaign/deadline")
        .and_then(Value::as_str)
    {
        campaign.deadline = DateTime::parse_from_rfc3339(d)?;
    }
    if let Some(m) = manifest
        .pointer("/campaign/mailbox")
        .and_then(Value::as_str)
    {
        campaign.mailbox = m.to_string();
    }
    Ok(campaign)
}

/// Counts the outcome's stamped versions read as pages, and those with a seal on some page.
fn count_seals(outcome: &Outcome, (stamped, sealed): &mut (usize, usize)) {
    for a in outcome.attachments.iter().filter(|a| !a.pages.is_empty()) {
        if a.version == Some(crate::forms::Version::Stamped) {
            *stamped += 1;
            *sealed += usize::from(a.pages.iter().any(|p| p.seal.found()));
        }
    }
}

/// One case's line and its differences (every case with `verbose`).
fn print_case(file: &str, fatal: &[String], notes: &[String], verbose: bool) {
    let status = if fatal.is_empty() { "ok  " } else { "FAIL" };
    if !fatal.is_empty() || !notes.is_empty() || verbose {
        println!("{status} {file}");
        for d in fatal.iter().chain(notes) {
            println!("       {d}");
        }
    }
}

fn strings(v: Option<&Value>) -> BTreeSet<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

/// Differences that fail the case, and differences only worth a note.
fn compare(
    expect: &Value,
    o: &Outcome,
    tally: &mut Tally,
    verbose: bool,
) -> (Vec<String>, Vec<String>) {
    let ours = serde_json::to_value(o).unwrap_or(Value::Null);
    compare_value(expect, &ours, tally, verbose)
}

/// The codes of one severity among an outcome's serialized problems.
fn codes_of(ours: &Value, severity: &str) -> BTreeSet<String> {
    ours.get("problems")
        .and_then(Value::as_array)
        .map(|ps| {
            ps.iter()
                .filter(|p| p.get("severity").and_then(Value::as_str) == Some(severity))
                .filter_map(|p| p.get("code").and_then(Value::as_str))
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

/// [`compare`] on an outcome as serialized (what the daemon stores in `verdicts.outcome`), so
/// a run through the real mailbox can be measured the same way.
pub fn compare_value(
    expect: &Value,
    ours: &Value,
    tally: &mut Tally,
    verbose: bool,
) -> (Vec<String>, Vec<String>) {
    let mut fatal = Vec::new();
    let mut notes = Vec::new();
    let got = ours.get("verdict").cloned().unwrap_or(Value::Null);
    if expect.get("verdict") != Some(&got) {
        fatal.push(format!(
            "verdict: expected {}, got {got}",
            expect.get("verdict").unwrap_or(&Value::Null)
        ));
    }
    compare_codes(expect, ours, &mut fatal, &mut notes);
    for (key, keys) in [
        ("applications", APPLICATION_KEYS),
        ("summary_rows", SUMMARY_KEYS),
    ] {
        compare_rows(key, keys, expect, ours, tally, verbose, &mut notes);
    }
    compare_attachments(expect, ours, &mut fatal);
    (fatal, notes)
}

/// The array under `key`, empty when there is none.
fn array(v: &Value, key: &str) -> Vec<Value> {
    v.get(key)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// Problem codes: a missing or unexpected error and a missing warning fail the case; an
/// extra warning is a note.
fn compare_codes(expect: &Value, ours: &Value, fatal: &mut Vec<String>, notes: &mut Vec<String>) {
    let got_errors = codes_of(ours, "error");
    let got_warnings = codes_of(ours, "warning");
    let exp_errors = strings(expect.get("errors"));
    let exp_warnings = strings(expect.get("warnings"));
    for c in exp_errors.difference(&got_errors) {
        fatal.push(format!("missing error {c}"));
    }
    for c in got_errors.difference(&exp_errors) {
        let why: Vec<&str> = ours
            .get("problems")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|p| p.get("code").and_then(Value::as_str) == Some(c.as_str()))
            .filter_map(|p| p.get("message").and_then(Value::as_str))
            .collect();
        fatal.push(format!("unexpected error {c}: {}", why.join(" | ")));
    }
    for c in exp_warnings.difference(&got_warnings) {
        fatal.push(format!("missing warning {c}"));
    }
    for c in got_warnings.difference(&exp_warnings) {
        notes.push(format!("extra warning {c}"));
    }
}

/// Field values of the rows under `key` (expected Chinese names → our keys), counted in
/// `tally`; each difference is a note.
fn compare_rows(
    key: &str,
    keys: &[(&str, &str)],
    expect: &Value,
    ours: &Value,
    tally: &mut Tally,
    verbose: bool,
    notes: &mut Vec<String>,
) {
    let (exp, got) = (array(expect, key), array(ours, key));
    if exp.len() != got.len() {
        notes.push(format!("{key}: expected {} got {}", exp.len(), got.len()));
    }
    let show = |v: &Value| -> String {
        v.to_string()
            .chars()
            .take(if verbose { 400 } else { 60 })
            .collect()
    };
    for (i, e) in exp.iter().enumerate() {
        let g = got.get(i).cloned().unwrap_or(Value::Null);
        for (zh, en) in keys {
            let Some(ev) = e.get(*zh) else { continue };
            tally.fields += 1;
            let gv = g.get(*en).cloned().unwrap_or(Value::Null);
            if *ev == gv || (ev.is_null() && gv == Value::String(String::new())) {
                tally.equal += 1;
            } else {
                notes.push(format!(
                    "{key}[{i}].{zh}: expected {} got {}",
                    show(ev),
                    show(&gv)
                ));
            }
        }
    }
}

/// The attachments: how many, and each one's name, container, form and version.
fn compare_attachments(expect: &Value, ours: &Value, fatal: &mut Vec<String>) {
    let (exp_att, got_att) = (array(expect, "attachments"), array(ours, "attachments"));
    if exp_att.len() != got_att.len() {
        fatal.push(format!(
            "attachments: expected {} got {}",
            exp_att.len(),
            got_att.len()
        ));
    }
    for (e, g) in exp_att.iter().zip(&got_att) {
        for k in ["name", "in", "form", "version"] {
            let ev = e.get(k).cloned().unwrap_or(Value::Null);
            let gv = g.get(k).cloned().unwrap_or(Value::Null);
            if ev != gv {
                fatal.push(format!(
                    "attachment {}: {k} expected {ev} got {gv}",
                    e.get("name").unwrap_or(&Value::Null)
                ));
            }
        }
    }
}
