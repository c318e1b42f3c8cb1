//! Commands that read files and print: the I/O edge around the pipeline.

use crate::verdict::Judge;
use crate::{history, pipeline, report};
use anyhow::Context;
use chrono::{DateTime, FixedOffset, Local};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `shenbao check`: judges the files in order and prints one result per email.
pub fn check(
    config: Option<&Path>,
    history_file: Option<&Path>,
    received: Option<&str>,
    json: bool,
    files: &[PathBuf],
) -> anyhow::Result<ExitCode> {
    let cfg = crate::division::load_config(config)?;
    let past = match history_file {
        Some(p) => history::load(p, &cfg.limits)?,
        None => Vec::new(),
    };
    let fixed = received
        .map(|t| {
            DateTime::parse_from_rfc3339(t).with_context(|| {
                format!("--received “{t}”不是 RFC 3339 时间（如 2023-04-28T20:00:00+08:00）")
            })
        })
        .transpose()?;
    let mut judge = Judge::new((&cfg.campaign).into(), past);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for file in files {
        let raw = std::fs::read(file).with_context(|| format!("无法读取 {}", file.display()))?;
        let when = match fixed {
            Some(t) => t,
            None => modified(file)?,
        };
        let (_, outcome) = pipeline::process(&mut judge, &raw, when, &cfg.limits);
        let name = file.display().to_string();
        if json {
            writeln!(out, "{}", report::json(&name, &outcome))?;
        } else {
            writeln!(out, "{}", report::text(&name, &outcome))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn modified(file: &Path) -> anyhow::Result<DateTime<FixedOffset>> {
    let m = std::fs::metadata(file)?.modified()?;
    let local: DateTime<Local> = m.into();
    Ok(local.fixed_offset())
}

/// `shenbao seal`: prints what the seal check sees on each page of a scan and, with `--out`,
/// writes a PNG of one page with the detected seal boxed, so a person can see why.
pub fn seal(file: &Path, page: usize, out: Option<&Path>) -> anyhow::Result<ExitCode> {
    use crate::forms::seal;
    use crate::message::{FileKind, sniff};
    let data = std::fs::read(file).with_context(|| format!("无法读取 {}", file.display()))?;
    let kind = sniff(&data);
    if !matches!(
        kind,
        FileKind::Pdf | FileKind::Jpeg | FileKind::Png | FileKind::Tiff
    ) {
        anyhow::bail!(
            "{} 不是 PDF、TIFF、JPEG 或 PNG 扫描件（识别为 {kind:?}）",
            file.display()
        );
    }
    let limits = seal::ScanLimits::default();
    let analysis = seal::analyse(&data, kind, &limits)
        .with_context(|| format!("无法分析 {}", file.display()))?;
    let stdout = std::io::stdout();
    let mut w = stdout.lock();
    for (i, p) in analysis.pages.iter().enumerate() {
        let shape = if p.landscape { "横向" } else { "纵向" };
        let result = match (&p.seal, p.grayscale, p.pictured) {
            (Some(b), _, _) => format!(
                "识别到公章（置信度 {:.2}，位置 x={:.2} y={:.2} 宽={:.2} 高={:.2}）",
                b.confidence, b.x, b.y, b.w, b.h
            ),
            (None, true, _) => "黑白扫描，无法识别红色公章".to_string(),
            (None, false, false) => "页面没有可识别的图像".to_string(),
            (None, false, true) => "未识别到公章".to_string(),
        };
        writeln!(
            w,
            "第{}页  {shape} {:.0}×{:.0}  {result}",
            i + 1,
            p.width,
            p.height
        )?;
    }
    if let Some(out) = out {
        let index = page.checked_sub(1).context("--page 从 1 开始计数")?;
        let png = seal::render_evidence(&data, kind, index, &limits)
            .with_context(|| format!("无法绘制第 {page} 页"))?;
        std::fs::write(out, png).with_context(|| format!("无法写入 {}", out.display()))?;
        writeln!(w, "已写入 {}", out.display())?;
    }
    Ok(ExitCode::SUCCESS)
}
