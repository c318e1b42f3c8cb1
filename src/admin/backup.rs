//! `shenbao backup --out DIR`: a consistent copy of the record while the daemon runs.
//!
//! The database is copied by SQLite (`VACUUM INTO`, one read transaction), then every archived
//! file that copy points to (raw messages, attachment files) is copied, checked against its
//! recorded sha256 and synced. Files the daemon archives meanwhile belong to rows the copy
//! does not hold, so the backup is complete for its own database. Nothing is written to the
//! data directory and the daemon's lock is not taken: a member of the service's group can run
//! it beside the daemon.
//!
//! The backup is built in `DIR/.shenbao-backup-<time>.partial` and renamed to
//! `DIR/shenbao-backup-<time>` once synced with its `manifest.json`, so a folder of that name is
//! always a whole backup; the name is reserved first, so an existing backup is never
//! overwritten.

use super::copy::{Copied, contained, copy_checked};
use crate::config::Config;
use crate::store::archive::sync_dir;
use crate::store::{Snapshot, Store};
use anyhow::Context;
use chrono::{DateTime, FixedOffset, Utc};
use serde::Serialize;
use std::fs;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// What a backup holds, written beside it as `manifest.json`.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    /// When the copy was taken (the campaign's time zone).
    pub created_at: String,
    /// The data directory copied, to tell backups of several instances apart.
    pub data_dir: String,
    /// The backup folder.
    pub folder: String,
    /// The database copy.
    pub database: Database,
    /// Raw messages (`raw/`).
    pub raw: Area,
    /// Attachment files (`files/`).
    pub files: Area,
    /// Files the record points to that the data directory does not hold.
    pub missing: Vec<String>,
    /// Files whose bytes no longer hash to what the record says (copied all the same).
    pub corrupt: Vec<String>,
}

/// The database copy and what it counts, to compare a restore with.
#[derive(Debug, Clone, Serialize)]
pub struct Database {
    /// `shenbao.db`'s size.
    pub bytes: u64,
    /// Messages recorded.
    pub messages: i64,
    /// Units known.
    pub units: i64,
    /// Outbox rows.
    pub replies: i64,
}

/// One archive area's copy.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Area {
    /// Files copied.
    pub count: u64,
    /// Their bytes.
    pub bytes: u64,
}

impl Manifest {
    /// Whether every file the record points to was copied intact.
    pub fn complete(&self) -> bool {
        self.missing.is_empty() && self.corrupt.is_empty()
    }
}

/// `shenbao backup --out DIR [--json]`: exit 1 when a file the record points to is missing or
/// damaged (the backup is kept and says which).
pub fn command(config: Option<&Path>, out: &Path, json: bool) -> anyhow::Result<ExitCode> {
    let cfg = Config::load(config)?;
    let now = Utc::now().with_timezone(cfg.campaign.deadline.offset());
    let manifest = run(&cfg.storage.data_dir, out, now)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&manifest)?);
    } else {
        print!("{}", render(&manifest));
    }
    Ok(if manifest.complete() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Backs `data_dir` up into a new folder under `out` named after `now`.
pub fn run(data_dir: &Path, out: &Path, now: DateTime<FixedOffset>) -> anyhow::Result<Manifest> {
    let name = format!("shenbao-backup-{}", now.format("%Y%m%d-%H%M%S"));
    fs::create_dir_all(out).with_context(|| format!("无法创建备份目录 {}", out.display()))?;
    let folder = out.join(&name);
    let partial = out.join(format!(".{name}.partial"));
    // The final name is reserved first: an existing backup stops here, untouched.
    private_dir(&folder).with_context(|| {
        if folder.exists() {
            format!(
                "备份目录 {} 已存在，不覆盖；请稍后再试或换一个 --out",
                folder.display()
            )
        } else {
            format!("无法创建 {}", folder.display())
        }
    })?;
    let filled = private_dir(&partial)
        .with_context(|| format!("无法创建 {}", partial.display()))
        .and_then(|()| fill(data_dir, &partial, &folder, now));
    let manifest = match filled {
        Ok(m) => m,
        Err(e) => {
            // Neither a half backup nor the reservation stays behind.
            let _ = fs::remove_dir_all(&partial);
            let _ = fs::remove_dir(&folder);
            return Err(e);
        }
    };
    // Over the empty reservation: rename(2) replaces an empty directory in one step.
    fs::rename(&partial, &folder)
        .with_context(|| format!("无法将 {} 改名为 {}", partial.display(), folder.display()))?;
    sync_dir(out).with_context(|| format!("无法写入磁盘：{}", out.display()))?;
    Ok(manifest)
}

/// Copies the record of `data_dir` into the empty folder `partial`, with its manifest, all
/// synced; `folder` is the name it will have.
fn fill(
    data_dir: &Path,
    partial: &Path,
    folder: &Path,
    now: DateTime<FixedOffset>,
) -> anyhow::Result<Manifest> {
    let snapshot = snapshot(data_dir, &partial.join("shenbao.db"))?;
    let mut manifest = Manifest {
        created_at: now.to_rfc3339(),
        data_dir: std::path::absolute(data_dir)
            .unwrap_or_else(|_| data_dir.to_path_buf())
            .display()
            .to_string(),
        folder: folder.display().to_string(),
        database: Database {
            bytes: fs::metadata(partial.join("shenbao.db"))?.len(),
            messages: snapshot.messages,
            units: snapshot.units,
            replies: snapshot.replies,
        },
        raw: Area::default(),
        files: Area::default(),
        missing: Vec::new(),
        corrupt: Vec::new(),
    };
    let mut made = vec![partial.to_path_buf()];
    copy_archive(data_dir, partial, &snapshot, &mut manifest, &mut made)?;
    fs::File::open(partial.join("shenbao.db"))?.sync_all()?;
    let text = serde_json::to_vec_pretty(&manifest)?;
    let mut file = fs::File::create_new(partial.join("manifest.json"))?;
    std::io::Write::write_all(&mut file, &text)?;
    file.sync_all()?;
    // Deepest first, so each folder's entries are durable before the folder that names it.
    for dir in made.iter().rev() {
        sync_dir(dir).with_context(|| format!("无法写入磁盘：{}", dir.display()))?;
    }
    Ok(manifest)
}

/// A folder only its owner reads: a backup holds every unit's submission.
fn private_dir(path: &Path) -> std::io::Result<()> {
    fs::DirBuilder::new().mode(0o700).create(path)
}

/// Copies the database of `data_dir` to `dest` without the daemon's lock or write access.
fn snapshot(data_dir: &Path, dest: &Path) -> anyhow::Result<Snapshot> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let store = Store::open_read_only(data_dir).await?;
        let snapshot = store.snapshot(dest).await;
        store.close().await;
        snapshot
    })
}

/// Copies every file the snapshot points to, counting it into the manifest.
fn copy_archive(
    data_dir: &Path,
    into: &Path,
    snapshot: &Snapshot,
    manifest: &mut Manifest,
    made: &mut Vec<PathBuf>,
) -> anyhow::Result<()> {
    for (rel, sha256) in &snapshot.files {
        let Some(path) = contained(rel) else {
            manifest.corrupt.push(rel.clone());
            continue;
        };
        let copied = copy_checked(&data_dir.join(&path), &into.join(&path), sha256, made)
            .with_context(|| format!("无法复制 {rel}"))?;
        match copied {
            Copied::Missing => manifest.missing.push(rel.clone()),
            Copied::Done { bytes, intact } => {
                let area = if path.starts_with("raw") {
                    &mut manifest.raw
                } else {
                    &mut manifest.files
                };
                area.count += 1;
                area.bytes += bytes;
                if !intact {
                    manifest.corrupt.push(rel.clone());
                }
            }
        }
    }
    Ok(())
}

/// The manifest as the administrator reads it.
pub fn render(m: &Manifest) -> String {
    let mb = |b: u64| format!("{:.1} MB", b as f64 / 1_000_000.0);
    let mut out = format!(
        "已备份到 {}\n  数据库 shenbao.db：{}（邮件 {} 封，单位 {} 个，回复 {} 封）\n  原始邮件 raw/：{} 个文件，{}\n  附件文件 files/：{} 个文件，{}\n",
        m.folder,
        mb(m.database.bytes),
        m.database.messages,
        m.database.units,
        m.database.replies,
        m.raw.count,
        mb(m.raw.bytes),
        m.files.count,
        mb(m.files.bytes),
    );
    if !m.missing.is_empty() {
        out += &format!(
            "！记录中的 {} 个文件在数据目录 {} 中找不到，未能备份：\n",
            m.missing.len(),
            m.data_dir
        );
        for p in &m.missing {
            out += &format!("    {p}\n");
        }
    }
    if !m.corrupt.is_empty() {
        out += &format!(
            "！{} 个文件与记录中的校验值不符（已照原样备份）：\n",
            m.corrupt.len()
        );
        for p in &m.corrupt {
            out += &format!("    {p}\n");
        }
    }
    out += "恢复：停止服务，将本目录中的 shenbao.db、raw/、files/ 复制到空的数据目录，再启动服务（见 README）。\n";
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread")]
    async fn an_existing_backup_is_never_overwritten_and_nothing_is_left_half_done() {
        let d = std::env::temp_dir().join(format!("shenbao-backup-unit-{}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        let data = d.join("data");
        let store = Store::open(&data).await.unwrap();
        let now = DateTime::parse_from_rfc3339("2023-04-20T09:30:00+08:00").unwrap();
        let out = d.join("out");
        let (data2, out2) = (data.clone(), out.clone());
        let m = tokio::task::spawn_blocking(move || run(&data2, &out2, now))
            .await
            .unwrap()
            .unwrap();
        assert!(m.complete());
        let folder = out.join("shenbao-backup-20230420-093000");
        assert_eq!(m.folder, folder.display().to_string());
        assert!(folder.join("manifest.json").is_file());
        assert!(folder.join("shenbao.db").is_file());
        let (data2, out2) = (data.clone(), out.clone());
        let e = tokio::task::spawn_blocking(move || run(&data2, &out2, now))
            .await
            .unwrap()
            .unwrap_err();
        assert!(format!("{e:#}").contains("已存在，不覆盖"), "{e:#}");
        assert!(folder.join("manifest.json").is_file());
        let left: Vec<_> = fs::read_dir(&out).unwrap().flatten().collect();
        assert_eq!(left.len(), 1, "{left:?}");
        store.close().await;
        let _ = fs::remove_dir_all(&d);
    }

    #[test]
    fn render_names_what_could_not_be_copied() {
        let m = Manifest {
            created_at: "t".into(),
            data_dir: "/var/lib/shenbao".into(),
            folder: "/backup/shenbao-backup-x".into(),
            database: Database {
                bytes: 2_500_000,
                messages: 3,
                units: 2,
                replies: 3,
            },
            raw: Area {
                count: 2,
                bytes: 1_000_000,
            },
            files: Area::default(),
            missing: vec!["raw/ab/cd.eml".into()],
            corrupt: vec![],
        };
        assert!(!m.complete());
        let text = render(&m);
        assert!(text.contains("邮件 3 封"), "{text}");
        assert!(text.contains("2.5 MB"), "{text}");
        assert!(
            text.contains("找不到") && text.contains("raw/ab/cd.eml"),
            "{text}"
        );
    }
}
