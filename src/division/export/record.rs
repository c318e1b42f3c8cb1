//! `shenbao export --out DIR`: the record's current state → [`ExportUnit`]s → the city-wide
//! workbook and each unit's files ([`super::export`] does the writing). The units come in the
//! workbook's order: the configured units as `[[campaign.units]]` lists them, then the others
//! by their first email, then by receipt number.

use super::warnings::{self, Facts};
use super::{ExportFile, ExportProject, ExportUnit};
use crate::config::Config;
use crate::division::progress::Progress;
use crate::division::units::{self, Standing, UnitView};
use crate::division::{print_json, with_reading};
use crate::forms::summary::SummaryRow;
use crate::forms::value::name_key;
use crate::store::read::CurrentFile;
use crate::store::{SUMMARY_STAMPED, SUMMARY_WORD, Store, project_slot};
use crate::verdict::materials::{FileRef, Project};
use chrono::{DateTime, FixedOffset};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::ExitCode;

/// What the record holds beside each unit's files: the stamped scans whose seal no one has
/// seen yet, as (email row, file name).
type Unverified = HashSet<(i64, String)>;

/// The unit's files that count now, and which of them await a seal check.
struct Current<'a> {
    /// Where the archived copies are.
    store: &'a Store,
    /// The unit's current files by slot.
    files: Vec<CurrentFile>,
    /// Stamped scans with `stamp_not_detected` that no clerk confirmed.
    unverified: &'a Unverified,
}

/// The archived file in `slot`, when it is the one the materials name (else none: a wrong
/// file in the export is worse than a missing one).
fn file(current: &Current, slot: &str, f: &FileRef) -> Option<ExportFile> {
    current
        .files
        .iter()
        .find(|c| c.slot == slot && c.name == f.name && c.container == f.container)
        .map(|c| ExportFile {
            path: current.store.data_dir().join(&c.path),
            name: f.name.clone(),
            unverified_seal: current.unverified.contains(&(c.message, c.name.clone())),
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
fn projects(u: &UnitView, current: &Current, zone: &FixedOffset) -> Vec<ExportProject> {
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
            word: file(current, &project_slot(p, "word"), &p.word),
            stamped: p
                .stamped
                .as_ref()
                .and_then(|s| file(current, &project_slot(p, "stamped"), s)),
            received,
            warnings: Vec::new(),
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
                warnings: Vec::new(),
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

/// Whether the unit's projects go on the sheet reported upward: it holds a receipt, given
/// by mail or by a clerk (a later email with problems leaves the receipt standing).
fn accepted(s: Standing) -> bool {
    match s {
        Standing::Accepted | Standing::AcceptedByHand | Standing::AcceptedWithProblems => true,
        Standing::NotSubmitted
        | Standing::Incomplete
        | Standing::NeedsCorrection
        | Standing::IncompleteAndNeedsCorrection => false,
    }
}

/// A receipt number's place in the numbering: the number after the prefix, so that
/// `ZLGG2023-1000` comes after `ZLGG2023-999`; units without one last.
fn receipt_order(receipt: Option<&str>) -> (bool, String, u64) {
    let Some(r) = receipt else {
        return (true, String::new(), 0);
    };
    let digits = r.len() - r.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let (prefix, n) = r.split_at(r.len() - digits);
    (false, prefix.to_string(), n.parse().unwrap_or(u64::MAX))
}

/// Puts the units in the workbook's order: the configured ones as `units::load` gives them
/// (the configuration's order), then the others by their first email, then by receipt number.
fn order(views: &mut [UnitView], first: &HashMap<i64, DateTime<FixedOffset>>) {
    views.sort_by_cached_key(|u| {
        if u.expected {
            return (false, None, (false, String::new(), 0));
        }
        let arrived = u.id.and_then(|id| first.get(&id)).copied();
        // A unit without a recorded email (none in practice) after those with one.
        (
            true,
            Some((arrived.is_none(), arrived)),
            receipt_order(u.receipt.as_deref()),
        )
    });
}

/// Every unit as exported, in the workbook's order with each project's 提示, and the
/// workbook's title: what `shenbao export` and the web desk's download write.
pub async fn load(store: &Store, cfg: &Config) -> anyhow::Result<(String, Vec<ExportUnit>)> {
    let unverified: Unverified = store
        .unconfirmed_stamp_files()
        .await?
        .into_iter()
        .filter_map(|(m, f)| Some((m, f?)))
        .collect();
    let mut views = units::load(store, cfg).await?;
    order(&mut views, &store.first_arrivals().await?);
    let mut units = Vec::new();
    for u in views {
        let current = Current {
            store,
            files: match u.id {
                Some(id) => store.current_files(id).await?,
                None => Vec::new(),
            },
            unverified: &unverified,
        };
        let m = &u.materials;
        units.push(ExportUnit {
            name: u.name.clone(),
            receipt: u.receipt.clone(),
            status: u.standing.zh().to_string(),
            accepted: accepted(u.standing),
            projects: projects(&u, &current, cfg.campaign.deadline.offset()),
            summary_word: m
                .summary
                .as_ref()
                .and_then(|(f, _)| file(&current, SUMMARY_WORD, f)),
            summary_stamped: m
                .summary_stamped
                .as_ref()
                .and_then(|f| file(&current, SUMMARY_STAMPED, f)),
        });
    }
    let history = store.history().await?;
    let facts = Facts {
        deadline: cfg.campaign.deadline,
        history: &history,
        threshold: cfg.campaign.similarity_threshold,
    };
    warnings::mark(&mut units, &facts);
    Ok((format!("{}立项申报汇总表", cfg.campaign.name), units))
}

/// `shenbao export --out DIR [--json]`.
pub fn command(config: Option<&Path>, out: &Path, json: bool) -> anyhow::Result<ExitCode> {
    with_reading(config, |cfg, store| async move {
        crate::division::attribution::refuse_stale(&store, &cfg, "shenbao export").await?;
        let (title, units) = load(&store, &cfg).await?;
        let progress = Progress::new();
        progress.start(units.len() as u64, "导出");
        let report = super::export(out, &title, &units, &|done, _| progress.set(done as u64))?;
        progress.finish();
        if json {
            print_json(&report)?;
        } else {
            println!(
                "已导出 {} 个单位、{} 个项目（其中已受理 {} 个）、{} 个文件：{}",
                report.units,
                report.projects,
                report.accepted,
                report.files,
                report.workbook.display()
            );
        }
        Ok(ExitCode::SUCCESS)
    })
}

#[cfg(test)]
mod tests {
    use super::receipt_order;

    #[test]
    fn receipt_numbers_order_by_their_number_and_units_without_one_last() {
        let mut r = vec![
            None,
            Some("ZLGG2023-1000"),
            Some("ZLGG2023-999"),
            Some("ZLGG2023-002"),
        ];
        r.sort_by_key(|r| receipt_order(*r));
        assert_eq!(
            r,
            [
                Some("ZLGG2023-002"),
                Some("ZLGG2023-999"),
                Some("ZLGG2023-1000"),
                None
            ]
        );
    }
}
