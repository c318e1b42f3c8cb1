//! `shenbao history import FILE.xlsx`: past years' projects into the record, for
//! `duplicate_of_history`.

use super::progress::Progress;
use crate::history;
use crate::store::Store;
use anyhow::Context;
use std::path::Path;
use std::process::ExitCode;

/// `shenbao history import FILE.xlsx`: adds past years' projects to the record.
pub fn import(config: Option<&Path>, file: &Path) -> anyhow::Result<ExitCode> {
    let cfg = super::load_config(config)?;
    let projects = history::load(file, &cfg.limits).with_context(|| {
        format!(
            "无法读取历年项目表 {}（须为 .xlsx 或 .xls 电子表格）",
            file.display()
        )
    })?;
    // A sheet without the expected header reads as no project at all: say so instead of
    // reporting a successful import of nothing.
    if projects.is_empty() {
        anyhow::bail!(
            "{} 中没有找到历年项目：表头须有“项目名称”，以及“年度”“企业名称”“统一社会信用代码”“项目简介”中的至少两列",
            file.display()
        );
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let store = Store::open(&cfg.storage.data_dir).await.with_context(|| {
            format!(
                "无法打开申报记录（数据目录 {}）",
                cfg.storage.data_dir.display()
            )
        })?;
        // In batches, for the progress bar; each batch is idempotent (INSERT OR IGNORE).
        let progress = Progress::new();
        progress.start(projects.len() as u64, "导入历年项目");
        let (mut added, mut done) = (0, 0);
        for batch in projects.chunks(500) {
            added += store
                .import_history(batch, &file.display().to_string())
                .await
                .context("历年项目未能写入申报记录")?;
            done += batch.len() as u64;
            progress.set(done);
        }
        progress.finish();
        store.close().await;
        println!(
            "已读取历年项目 {} 个，新增 {added} 个（已有的不重复导入）。",
            projects.len()
        );
        Ok(ExitCode::SUCCESS)
    })
}
