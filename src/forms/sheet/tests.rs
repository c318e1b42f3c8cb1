use super::*;
use crate::forms::grid::Cell;
use rust_xlsxwriter::{Format, Workbook};

fn cell(text: &str, col: usize, span: usize, continues_above: bool) -> Cell {
    Cell {
        text: text.into(),
        col,
        span,
        continues_above,
    }
}

/// A summary-like sheet whose used range starts at B2 (first row and column left blank), with a
/// title merged over B2:E2.
fn summary_xlsx() -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let f = Format::new();
    ws.merge_range(
        1,
        1,
        1,
        4,
        "  2023年天津市质量攻关项目立项申报汇总表\u{3000}",
        &f,
    )
    .unwrap();
    ws.write_string(2, 1, "序号").unwrap();
    ws.write_string(2, 2, "企业名称").unwrap();
    ws.write_string(2, 3, "项目负责人及联系方式").unwrap();
    ws.write_string(2, 4, "金额").unwrap();
    ws.write_number(3, 1, 1.0).unwrap();
    ws.write_string(3, 2, "天津甲公司\n\n 二车间 ").unwrap();
    ws.write_number(3, 3, 19_995_974_694.0).unwrap();
    ws.write_number(3, 4, 12.5).unwrap();
    // A label merged down over two rows (C5:C6) with values beside it.
    ws.merge_range(4, 2, 5, 2, "联系人", &f).unwrap();
    ws.write_string(4, 3, "张三").unwrap();
    ws.write_string(5, 3, "李四").unwrap();
    ws.write_boolean(6, 1, true).unwrap();
    wb.save_to_buffer().unwrap()
}

#[test]
fn xlsx_merged_title_offset_range_and_numbers() {
    let doc = read(&summary_xlsx(), FileKind::Xlsx, &Limits::default()).unwrap();
    assert!(doc.paragraphs.is_empty());
    assert_eq!(doc.tables.len(), 1);
    let rows = &doc.tables[0].rows;
    assert_eq!(
        rows[0],
        vec![cell("2023年天津市质量攻关项目立项申报汇总表", 1, 4, false)]
    );
    assert_eq!(rows[1][0], cell("序号", 1, 1, false));
    assert_eq!(rows[1][3], cell("金额", 4, 1, false));
    assert_eq!(
        rows[2],
        vec![
            cell("1", 1, 1, false),
            cell("天津甲公司\n二车间", 2, 1, false),
            cell("19995974694", 3, 1, false),
            cell("12.5", 4, 1, false),
        ]
    );
    // Row 5: an empty B5 kept as a cell so the label's neighbour is right.
    assert_eq!(
        rows[3],
        vec![
            cell("", 1, 1, false),
            cell("联系人", 2, 1, false),
            cell("张三", 3, 1, false)
        ]
    );
    assert_eq!(rows[4][1], cell("", 2, 1, true));
    assert_eq!(rows[4][2], cell("李四", 3, 1, false));
    assert_eq!(rows[5], vec![cell("TRUE", 1, 1, false)]);
}

#[test]
fn summary_reader_finds_the_rows() {
    let doc = read(&summary_xlsx(), FileKind::Xlsx, &Limits::default()).unwrap();
    assert!(doc.all_text().contains("汇总表"));
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (i, h) in [
        "序号",
        "申报单位名称",
        "统一社会信用代码",
        "项目名称",
        "所在区",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(2, i as u16 + 2, *h).unwrap();
    }
    ws.write_number(3, 2, 1.0).unwrap();
    ws.write_string(3, 3, "天津乙公司").unwrap();
    ws.write_string(3, 4, "91120116MA05XXXX1X").unwrap();
    ws.write_string(3, 5, "质量提升").unwrap();
    let doc = read(
        &wb.save_to_buffer().unwrap(),
        FileKind::Xlsx,
        &Limits::default(),
    )
    .unwrap();
    let s = crate::forms::summary::extract(&doc);
    assert_eq!(s.rows.len(), 1);
    assert_eq!(s.rows[0].enterprise_name, "天津乙公司");
    assert_eq!(s.rows[0].seq, "1");
    assert_eq!(s.rows[0].project_name, "质量提升");
}

#[test]
fn several_sheets_make_several_tables() {
    let mut wb = Workbook::new();
    wb.add_worksheet().write_string(0, 0, "甲").unwrap();
    wb.add_worksheet();
    wb.add_worksheet().write_string(5, 7, "乙").unwrap();
    let doc = read(
        &wb.save_to_buffer().unwrap(),
        FileKind::Xlsx,
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(doc.tables.len(), 3);
    assert!(doc.tables[1].rows.is_empty());
    assert_eq!(doc.tables[2].rows, vec![vec![cell("乙", 7, 1, false)]]);
}

#[test]
fn dates_read_as_iso_text() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let f = Format::new().set_num_format("yyyy-mm-dd");
    let d = rust_xlsxwriter::ExcelDateTime::from_ymd(2023, 9, 15).unwrap();
    ws.write_datetime_with_format(0, 0, &d, &f).unwrap();
    let doc = read(
        &wb.save_to_buffer().unwrap(),
        FileKind::Xlsx,
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(doc.tables[0].rows[0][0].text, "2023-09-15");
}

#[test]
fn floats_print_without_exponent() {
    assert_eq!(value::float(1.0), "1");
    assert_eq!(value::float(9.1e10), "91000000000");
    assert_eq!(value::float(-3.0), "-3");
    assert_eq!(value::float(0.1 + 0.2), "0.30000000000000004");
    assert_eq!(value::float(2.5), "2.5");
    assert_eq!(value::float(1e300), format!("{}", 1e300));
    assert_eq!(value::float(f64::NAN), "");
}

#[test]
fn corrupt_truncated_and_wrong_inputs_are_errors() {
    let good = summary_xlsx();
    let l = Limits::default();
    for cut in [0, 10, good.len() / 2, good.len() - 1] {
        assert!(read(&good[..cut], FileKind::Xlsx, &l).is_err(), "cut {cut}");
    }
    assert!(read(b"not a workbook", FileKind::Xls, &l).is_err());
    assert!(read(&good, FileKind::Pdf, &l).is_err());
}

#[test]
fn encrypted_ooxml_is_reported() {
    let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    file.create_stream("/EncryptionInfo").unwrap();
    file.create_stream("/EncryptedPackage").unwrap();
    let bytes = file.into_inner().into_inner();
    let l = Limits::default();
    assert_eq!(read(&bytes, FileKind::Xlsx, &l), Err(ReadError::Encrypted));
    assert_eq!(
        read(&bytes, FileKind::EncryptedOffice, &l),
        Err(ReadError::Encrypted)
    );
}

#[test]
fn xml_limit_refuses_big_parts() {
    let limits = Limits {
        max_xml_bytes: 100,
        ..Limits::default()
    };
    assert!(matches!(
        read(&summary_xlsx(), FileKind::Xlsx, &limits),
        Err(ReadError::TooLarge(_))
    ));
}

#[test]
fn layout_caps_cells_and_skips_covered_columns() {
    let mut cells = BTreeMap::new();
    cells.insert((0, 0), "a".to_string());
    cells.insert((0, 1), "hidden".to_string());
    cells.insert((0, 3), "d".to_string());
    let merges = [Merge {
        first_row: 0,
        last_row: 0,
        first_col: 0,
        last_col: 2,
    }];
    let t = layout::build(cells.clone(), &merges, 10).unwrap();
    assert_eq!(
        t.rows,
        vec![vec![cell("a", 0, 3, false), cell("d", 3, 1, false)]]
    );
    assert!(matches!(
        layout::build(cells, &[], 2),
        Err(ReadError::TooLarge(_))
    ));
    // A region reaching the last possible column must not overflow.
    let mut cells = BTreeMap::new();
    cells.insert((0, u32::MAX), "z".to_string());
    let merges = [Merge {
        first_row: 0,
        last_row: 0,
        first_col: u32::MAX - 1,
        last_col: u32::MAX,
    }];
    let t = layout::build(cells, &merges, 10).unwrap();
    assert_eq!(t.rows[0].len(), 1);
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn mutated_xlsx_never_panics(edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8)) {
            let mut data = summary_xlsx();
            let len = data.len();
            for (at, b) in edits {
                if let Some(x) = data.get_mut(at % len) {
                    *x = b;
                }
            }
            let _ = read(&data, FileKind::Xlsx, &Limits::default());
        }
    }
}
