//! `shenbao history import FILE.xlsx`: past years' projects into the record, for
//! `duplicate_of_history`.

use super::progress::Progress;
use crate::config::Config;
use crate::history;
use crate::store::Store;
use std::path::Path;
use std::process::ExitCode;

/// `shenbao history import FILE.xlsx`: adds past years' projects to the record.
pub fn import(config: Option<&Path>, file: &Path) -> anyhow::Result<ExitCode> {
    let cfg = Config::load(config)?;
    let projects = history::load(file, &cfg.limits)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let store = Store::open(&cfg.storage.data_dir).await?;
        // In batches, for the progress bar; each batch is idempotent (INSERT OR IGNORE).
        let progress = Progress::new();
        progress.start(projects.len() as u64, "导入历年项目");
        let (mut added, mut done) = (0, 0);
        for batch in projects.chunks(500) {
            added += store
                .import_history(batch, &file.display().to_string())
                .await?;
            done += batch.len() as u64;
            progress.set(done);
        }
        progress.finish();
        store.close().await;
        eprintln!(
            "shenbao: {} past projects read, {added} new",
            projects.len()
        );
        Ok(ExitCode::SUCCESS)
    })
}
