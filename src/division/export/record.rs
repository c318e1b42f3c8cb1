//! `shenbao export --out DIR`: the record's current state → [`ExportUnit`]s → the city-wide
//! workbook and each unit's files ([`super::export`] does the writing).

use super::{ExportFile, ExportProject, ExportUnit};
use crate::config::Config;
use crate::division::progress::Progress;
use crate::division::units::{self, UnitView};
use crate::division::{print_json, with_reading};
use crate::forms::summary::SummaryRow;
use crate::forms::value::name_key;
use crate::store::read::CurrentFile;
use crate::store::{SUMMARY_STAMPED, SUMMARY_WORD, Store, project_slot};
use crate::verdict::materials::{FileRef, Project};
use chrono::FixedOffset;
use std::path::Path;
use std::process::ExitCode;

/// The archived file in `slot`, when it is the one the materials name (else none: a wrong
/// file in the export is worse than a missing one).
fn file(store: &Store, current: &[CurrentFile], slot: &str, f: &FileRef) -> Option<ExportFile> {
    current
        .iter()
        .find(|c| c.slot == slot && c.name == f.name && c.container == f.container)
        .map(|c| ExportFile {
            path: store.data_dir().join(&c.path),
            name: f.name.clone(),
        })
}

/// Whether a summary row is about this project: same enterprise (code or name), and the same
/// project name when the enterprise has several.
fn row_matches(row: &SummaryRow, p: &Project, strict: bool) -> bool {
    let a = &p.app;
    let enterprise = (!row.credit_code.is_empty() && row.credit_code == a.credit_code)
        || (!row.enterprise_name.is_empty()
            && name_key(&row.enterprise_name) == name_key(&a.enterprise_name));
    enterprise && (!strict || name_key(&row.project_name) == name_key(&a.project_name))
}

/// A unit's projects in the order of its summary, then forms the summary does not list, then
/// summary rows no form was received for.
/// Arrival times are given in `zone` (the campaign's): an IMAP server or a Maildir on a UTC
/// machine stamps arrivals in its own offset, and a column 收件时间 read in Beijing time must
/// not put a late form before the deadline.
fn projects(
    store: &Store,
    u: &UnitView,
    current: &[CurrentFile],
    zone: &FixedOffset,
) -> Vec<ExportProject> {
    let m = &u.materials;
    let rows: Vec<SummaryRow> = m
        .summary
        .as_ref()
        .map(|(_, s)| s.rows.clone())
        .unwrap_or_default();
    let mut used = vec![false; m.projects.len()];
    let mut out = Vec::new();
    let project = |p: &Project, row: Option<SummaryRow>| {
        let received = [Some(&p.word), p.stamped.as_ref()]
            .into_iter()
            .flatten()
            .map(|f| f.received.with_timezone(zone))
            .max();
        ExportProject {
            row,
            app: Some(p.app.clone()),
            word: file(store, current, &project_slot(p, "word"), &p.word),
            stamped: p
                .stamped
                .as_ref()
                .and_then(|s| file(store, current, &project_slot(p, "stamped"), s)),
            received,
        }
    };
    for row in rows {
        let pick = [true, false].into_iter().find_map(|strict| {
            m.projects
                .iter()
                .enumerate()
                .position(|(i, p)| !used[i] && row_matches(&row, p, strict))
        });
        match pick {
            Some(i) => {
                used[i] = true;
                out.push(project(&m.projects[i], Some(row)));
            }
            None => out.push(ExportProject {
                row: Some(row),
                app: None,
                word: None,
                stamped: None,
                received: m
                    .summary
                    .as_ref()
                    .map(|(f, _)| f.received.with_timezone(zone)),
            }),
        }
    }
    for (i, p) in m.projects.iter().enumerate() {
        if !used[i] {
            out.push(project(p, None));
        }
    }
    out
}

/// Every unit as exported, and the workbook's title: what `shenbao export` and the web
/// desk's download write.
pub async fn load(store: &Store, cfg: &Config) -> anyhow::Result<(String, Vec<ExportUnit>)> {
    let mut units = Vec::new();
    for u in units::load(store, cfg).await? {
        let current = match u.id {
            Some(id) => store.current_files(id).await?,
            None => Vec::new(),
        };
        let m = &u.materials;
        units.push(ExportUnit {
            name: u.name.clone(),
            receipt: u.receipt.clone(),
            status: u.standing.zh().to_string(),
            projects: projects(store, &u, &current, cfg.campaign.deadline.offset()),
            summary_word: m
                .summary
                .as_ref()
                .and_then(|(f, _)| file(store, &current, SUMMARY_WORD, f)),
            summary_stamped: m
                .summary_stamped
                .as_ref()
                .and_then(|f| file(store, &current, SUMMARY_STAMPED, f)),
        });
    }
    Ok((format!("{}立项申报汇总表", cfg.campaign.name), units))
}

/// `shenbao export --out DIR [--json]`.
pub fn command(config: Option<&Path>, out: &Path, json: bool) -> anyhow::Result<ExitCode> {
    with_reading(config, |cfg, store| async move {
        let (title, units) = load(&store, &cfg).await?;
        let progress = Progress::new();
        progress.start(units.len() as u64, "导出");
        let report = super::export(out, &title, &units, &|done, _| progress.set(done as u64))?;
        progress.finish();
        if json {
            print_json(&report)?;
        } else {
            println!(
                "已导出 {} 个单位、{} 个项目、{} 个文件：{}",
                report.units,
                report.projects,
                report.files,
                report.workbook.display()
            );
        }
        Ok(ExitCode::SUCCESS)
    })
}
