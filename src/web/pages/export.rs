//! 导出: the city-wide workbook (全市汇总表.xlsx) and a zip of the per-unit folders, built by
//! the same code as `shenbao export`, in a temporary folder of the data directory that is
//! removed once the bytes are read.

use super::PageResult;
use super::files::content_disposition;
use crate::division::export::{self, WORKBOOK, record};
use crate::web::Desk;
use crate::web::auth::Viewer;
use crate::web::layout::{self, Section};
use anyhow::Context;
use axum::extract::State;
use axum::http::HeaderValue;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::IntoResponse;
use maud::html;
use std::io::Write;
use std::path::{Path, PathBuf};

pub async fn page(viewer: Viewer, State(desk): State<Desk>) -> PageResult {
    // Counts only: the files are looked up when an export is downloaded.
    let units = crate::division::units::load(&desk.store, &desk.cfg).await?;
    let units: Vec<_> = units.iter().filter(|u| u.id.is_some()).collect();
    let projects: usize = units.iter().map(|u| u.materials.projects.len()).sum();
    let body = html! {
        h1 { "导出" }
        p { "当前记录：" (units.len()) " 个单位，" (projects) " 个项目。导出内容与命令 shenbao export 相同，按下载时的记录生成。" }
        ul {
            li { a.button #export-xlsx href="/export/summary.xlsx" { "下载 全市汇总表.xlsx" } }
            li { a.button #export-zip href="/export/units.zip" { "下载 各单位材料（zip）" } }
        }
    };
    Ok(layout::page("导出", Section::Export, &viewer, body))
}

pub async fn workbook(_: Viewer, State(desk): State<Desk>) -> PageResult {
    let bytes = build(&desk, |dir| {
        std::fs::read(dir.join(WORKBOOK)).context("cannot read the built workbook")
    })
    .await?;
    Ok((
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_static(
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ),
            ),
            (
                CONTENT_DISPOSITION,
                content_disposition("attachment", WORKBOOK),
            ),
        ],
        bytes,
    )
        .into_response())
}

pub async fn folders(_: Viewer, State(desk): State<Desk>) -> PageResult {
    let bytes = build(&desk, zip_folder).await?;
    Ok((
        [
            (CONTENT_TYPE, HeaderValue::from_static("application/zip")),
            (
                CONTENT_DISPOSITION,
                content_disposition("attachment", "各单位申报材料.zip"),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// Exports into a fresh temporary folder, reads what `take` wants from it, removes it.
async fn build(
    desk: &Desk,
    take: impl FnOnce(&Path) -> anyhow::Result<Vec<u8>> + Send + 'static,
) -> anyhow::Result<Vec<u8>> {
    let (title, units) = record::load(&desk.store, &desk.cfg).await?;
    let mut tag = [0u8; 8];
    getrandom::fill(&mut tag).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let tag = crate::store::archive::hex(&tag);
    let dir: PathBuf = desk.store.data_dir().join(format!(".web-export-{tag}"));
    tokio::task::spawn_blocking(move || {
        let out = dir.join("export");
        let result = export::export(&out, &title, &units, &|_, _| {}).and_then(|_| take(&out));
        let _ = std::fs::remove_dir_all(&dir);
        result
    })
    .await
    .context("export task")?
}

/// The export folder as one zip (folders kept; the marker file left out).
fn zip_folder(dir: &Path) -> anyhow::Result<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(&d)?.collect::<Result<_, _>>()?;
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let path = e.path();
            let rel = path.strip_prefix(dir)?.to_string_lossy().replace('\\', "/");
            if e.file_type()?.is_dir() {
                zip.add_directory(format!("{rel}/"), options)?;
                stack.push(path);
            } else if rel != export::MARKER {
                zip.start_file(rel, options)?;
                zip.write_all(&std::fs::read(&path)?)?;
            }
        }
    }
    Ok(zip.finish()?.into_inner())
}
