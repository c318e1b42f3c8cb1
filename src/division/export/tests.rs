use super::files::safe;
use super::*;
use calamine::{Data, Reader, Xlsx, open_workbook};
use std::fs;

mod marks;
mod workbook;

pub(super) fn temp(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "shenbao-export-{tag}-{}-{}",
        std::process::id(),
        chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0)
    ));
    fs::create_dir_all(&d).unwrap();
    d
}

pub(super) fn file(dir: &Path, name: &str, bytes: &[u8]) -> ExportFile {
    let path = dir.join(format!("blob-{}", bytes.len()));
    fs::write(&path, bytes).unwrap();
    ExportFile {
        path,
        name: name.into(),
        unverified_seal: false,
    }
}

pub(super) fn units(src: &Path) -> Vec<ExportUnit> {
    let row = SummaryRow {
        seq: "1".into(),
        enterprise_name: "天津桥盛汽车部件股份有限公司".into(),
        credit_code: "91120101584296705M".into(),
        district: "和平区".into(),
        project_name: "高可靠性转向节设计与验证".into(),
        project_type: "创新型".into(),
        ..SummaryRow::default()
    };
    let app = Application {
        enterprise_name: "../天津晟永/石油化工有限公司".into(),
        credit_code: "120101000000000001".into(),
        project_name: "提高聚氯乙烯树脂聚合合格率".into(),
        contact: "赖慧亮".into(),
        mobile: "18998269489".into(),
        email: "a@b.cn".into(),
        ..Application::default()
    };
    let at = DateTime::parse_from_rfc3339("2023-04-20T09:42:00+08:00").unwrap();
    vec![
        ExportUnit {
            name: "和平区市场监管局".into(),
            receipt: Some("ZLGG2023-001".into()),
            status: "已受理".into(),
            accepted: true,
            projects: vec![
                ExportProject {
                    row: Some(row),
                    app: None,
                    word: Some(file(src, "申报表.DOCX", b"word-1")),
                    stamped: Some(file(src, "申报表（盖章）.pdf", b"pdf-11")),
                    received: Some(at),
                    warnings: Vec::new(),
                },
                ExportProject {
                    row: None,
                    app: Some(app),
                    word: Some(file(src, "x.exe", b"word-222")),
                    stamped: None,
                    received: None,
                    warnings: Vec::new(),
                },
            ],
            summary_word: Some(file(src, "汇总表.xlsx", b"sum-3333")),
            summary_stamped: Some(file(src, "汇总表.jpg", b"jpg-44444")),
        },
        ExportUnit {
            name: "CON".into(),
            status: "未提交".into(),
            ..ExportUnit::default()
        },
        ExportUnit {
            name: "a/../../b".into(),
            status: "材料不全".into(),
            summary_word: Some(file(src, "s.xls", b"sum-555555")),
            ..ExportUnit::default()
        },
    ]
}

pub(super) fn cell(range: &calamine::Range<Data>, r: u32, c: u32) -> String {
    range
        .get_value((r, c))
        .map(|d| d.to_string())
        .unwrap_or_default()
}

#[test]
fn workbook_has_the_title_header_and_one_row_per_project() {
    let src = temp("src");
    let out = temp("out").join("导出");
    let seen = std::cell::Cell::new(0);
    let report = export(
        &out,
        "2023年天津市质量攻关项目立项申报汇总表",
        &units(&src),
        &|d, _| seen.set(d),
    )
    .unwrap();
    assert_eq!((report.units, report.projects, report.files), (2, 2, 6));
    assert_eq!(seen.get(), 3);
    let mut book: Xlsx<_> = open_workbook(out.join(WORKBOOK)).unwrap();
    let range = book.worksheet_range("全部项目").unwrap();
    assert_eq!(
        cell(&range, 0, 0),
        "2023年天津市质量攻关项目立项申报汇总表（全部项目）"
    );
    let merged = book.worksheet_merge_cells("全部项目").unwrap().unwrap();
    assert_eq!(merged.len(), 1);
    assert_eq!((merged[0].start, merged[0].end), ((0, 0), (0, 16)));
    assert_eq!(cell(&range, 1, 0), "序号");
    assert_eq!(cell(&range, 1, 12), "推荐单位");
    assert_eq!(cell(&range, 1, 15), "回执编号");
    assert_eq!(cell(&range, 1, 16), "提示");
    assert_eq!(range.height(), 4);
    // The summary row, its credit code as text.
    assert_eq!(cell(&range, 2, 1), "天津桥盛汽车部件股份有限公司");
    assert!(matches!(range.get_value((2, 2)), Some(Data::String(s)) if s == "91120101584296705M"));
    assert_eq!(cell(&range, 2, 13), "2023-04-20 09:42");
    assert_eq!(cell(&range, 2, 14), "已受理");
    assert_eq!(cell(&range, 2, 15), "ZLGG2023-001");
    // A form with no summary row: its own fields, numbered on.
    assert_eq!(cell(&range, 3, 0), "2");
    assert_eq!(cell(&range, 3, 7), "提高聚氯乙烯树脂聚合合格率");
    assert_eq!(cell(&range, 3, 9), "赖慧亮 18998269489");
    assert!(matches!(range.get_value((3, 2)), Some(Data::String(s)) if s == "120101000000000001"));
}

#[test]
fn folders_use_consistent_safe_names() {
    let src = temp("src");
    let root = temp("out");
    let out = root.join("export");
    export(&out, "t", &units(&src), &|_, _| {}).unwrap();
    let hp = out.join("和平区市场监管局");
    let mut names: Vec<String> = fs::read_dir(&hp)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "1-天津桥盛汽车部件股份有限公司-申报表-盖章.pdf",
            "1-天津桥盛汽车部件股份有限公司-申报表.docx",
            "2-_天津晟永_石油化工有限公司-申报表.bin",
            "汇总表-盖章.jpg",
            "汇总表.xlsx",
        ]
    );
    assert_eq!(fs::read(hp.join("汇总表.xlsx")).unwrap(), b"sum-3333");
    // A name with separators stays one folder inside the export; a unit without files gets none.
    assert!(out.join("a_.._.._b").join("汇总表.xls").is_file());
    assert!(!out.join("CON").exists() && !out.join("_CON").exists());
    assert!(!root.join("b").exists());
    assert_eq!(safe("CON.txt"), "_CON.txt");
    assert_eq!(safe(" .. "), "未命名");
    // File systems count bytes: 50 CJK characters (150 bytes), never half of one.
    assert_eq!(safe(&"长".repeat(300)), "长".repeat(50));
    assert_eq!(safe(&format!("a{}", "长".repeat(300))).len(), 148);
}

#[test]
fn a_rerun_replaces_the_export_and_a_foreign_folder_is_refused() {
    let src = temp("src");
    let root = temp("out");
    let out = root.join("export");
    let mut all = units(&src);
    export(&out, "t", &all, &|_, _| {}).unwrap();
    all.truncate(1);
    all[0].projects.truncate(1);
    export(&out, "t", &all, &|_, _| {}).unwrap();
    assert!(!out.join("a_.._.._b").exists(), "old folders are gone");
    assert!(out.join(MARKER).is_file());
    let leftovers: Vec<_> = fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    let foreign = root.join("mine");
    fs::create_dir_all(&foreign).unwrap();
    fs::write(foreign.join("notes.txt"), b"keep").unwrap();
    let err = export(&foreign, "t", &all, &|_, _| {}).unwrap_err();
    assert!(err.to_string().contains("不是 shenbao 导出的目录"), "{err}");
    assert_eq!(fs::read(foreign.join("notes.txt")).unwrap(), b"keep");
}

#[test]
fn a_missing_source_file_leaves_the_old_export() {
    let src = temp("src");
    let out = temp("out").join("export");
    let all = units(&src);
    export(&out, "t", &all, &|_, _| {}).unwrap();
    fs::remove_file(&all[0].projects[0].word.as_ref().unwrap().path).unwrap();
    assert!(export(&out, "t", &all, &|_, _| {}).is_err());
    assert!(out.join("和平区市场监管局").join("汇总表.xlsx").is_file());
}

#[test]
fn long_names_and_fields_still_export() {
    let src = temp("src");
    let out = temp("out").join("export");
    let mut all = units(&src);
    let long = "天津".repeat(120);
    all[0].name = format!("{long}市场监管局");
    if let Some(a) = all[0].projects[0].app.as_mut() {
        a.enterprise_name = long.clone();
    }
    if let Some(r) = all[0].projects[0].row.as_mut() {
        r.enterprise_name = long.clone();
        r.remarks = "很".repeat(40_000);
    }
    export(&out, "t", &all, &|_, _| {}).unwrap();
    let mut book: Xlsx<_> = open_workbook(out.join(WORKBOOK)).unwrap();
    let sheet = book.worksheet_range("全部项目").unwrap();
    let remarks = sheet
        .get_value((2, 11))
        .map(|d| d.to_string())
        .unwrap_or_default();
    assert!(remarks.ends_with('…') && remarks.chars().count() == 32_767);
    for e in fs::read_dir(&out).unwrap().flatten() {
        assert!(e.file_name().len() <= 255);
        if e.path().is_dir() {
            for f in fs::read_dir(e.path()).unwrap().flatten() {
                assert!(f.file_name().len() <= 255, "{:?}", f.file_name());
            }
        }
    }
}

#[test]
fn an_empty_folder_is_used_and_leftovers_of_a_crash_are_swept() {
    let src = temp("src");
    let root = temp("out");
    let out = root.join("export");
    fs::create_dir_all(&out).unwrap();
    export(&out, "t", &units(&src), &|_, _| {}).unwrap();
    assert!(out.join(WORKBOOK).is_file());
    // What a crash between the two renames of another process would leave.
    for n in [".export.tmp-1", ".export.old-2"] {
        fs::create_dir_all(root.join(n)).unwrap();
        fs::write(root.join(n).join(MARKER), "x").unwrap();
    }
    fs::create_dir_all(root.join(".export.tmp-mine")).unwrap();
    export(&out, "t", &units(&src), &|_, _| {}).unwrap();
    let mut left: Vec<String> = fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    // Only folders with the marker are ours to remove.
    assert_eq!(left, [".export.tmp-mine", "export"]);
}
