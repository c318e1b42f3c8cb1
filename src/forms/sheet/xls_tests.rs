//! Legacy .xls fixtures written by hand: a BIFF8 Workbook stream in a compound file.

use super::*;
use crate::forms::grid::Cell;
use std::io::Write;

fn record(out: &mut Vec<u8>, typ: u16, data: &[u8]) {
    out.extend(typ.to_le_bytes());
    out.extend(u16::try_from(data.len()).unwrap().to_le_bytes());
    out.extend(data);
}

fn bof(dt: u16) -> Vec<u8> {
    let mut v = vec![0x00, 0x06];
    v.extend(dt.to_le_bytes());
    v.extend([0u8; 12]);
    v
}

fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// LABEL (BIFF8): row, column, XF, then an XLUnicodeString in UTF-16.
fn label(row: u16, col: u16, s: &str) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend(row.to_le_bytes());
    v.extend(col.to_le_bytes());
    v.extend(0u16.to_le_bytes());
    v.extend(
        u16::try_from(s.encode_utf16().count())
            .unwrap()
            .to_le_bytes(),
    );
    v.push(1);
    v.extend(utf16(s));
    v
}

fn number(row: u16, col: u16, f: f64) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend(row.to_le_bytes());
    v.extend(col.to_le_bytes());
    v.extend(0u16.to_le_bytes());
    v.extend(f.to_le_bytes());
    v
}

/// A workbook with one sheet "汇总" holding `cells` (LABEL/NUMBER records, typ + data) and
/// one merged region; `globals` records go before the sheet list (FILEPASS, …).
fn xls(globals: &[(u16, Vec<u8>)], cells: &[(u16, Vec<u8>)], merge: [u16; 4]) -> Vec<u8> {
    compound(&workbook(globals, cells, merge))
}

/// The Workbook stream of [`xls`], records only.
fn workbook(globals: &[(u16, Vec<u8>)], cells: &[(u16, Vec<u8>)], merge: [u16; 4]) -> Vec<u8> {
    let name = "汇总";
    let mut head = Vec::new();
    record(&mut head, 0x0809, &bof(0x0005));
    for (t, d) in globals {
        record(&mut head, *t, d);
    }
    let mut sheet_rec = vec![0u8; 6];
    sheet_rec.push(u8::try_from(name.encode_utf16().count()).unwrap());
    sheet_rec.push(1);
    sheet_rec.extend(utf16(name));
    let bound_at = head.len() + 4;
    record(&mut head, 0x0085, &sheet_rec);
    record(&mut head, 0x000A, &[]);
    let pos = u32::try_from(head.len()).unwrap();
    head[bound_at..bound_at + 4].copy_from_slice(&pos.to_le_bytes());
    record(&mut head, 0x0809, &bof(0x0010));
    for (t, d) in cells {
        record(&mut head, *t, d);
    }
    let mut m = 1u16.to_le_bytes().to_vec();
    for x in merge {
        m.extend(x.to_le_bytes());
    }
    record(&mut head, 0x00E5, &m);
    record(&mut head, 0x000A, &[]);
    head
}

/// A compound file holding `workbook` as its Workbook stream.
fn compound(workbook: &[u8]) -> Vec<u8> {
    // A version 4 file, as Excel never writes for .xls: the reader must not care.
    let mut cf = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    cf.create_stream("/Workbook")
        .unwrap()
        .write_all(workbook)
        .unwrap();
    cf.flush().unwrap();
    cf.into_inner().into_inner()
}

fn summary_cells() -> Vec<(u16, Vec<u8>)> {
    vec![
        (
            0x0204,
            label(2, 1, "2023年天津市质量攻关项目立项申报汇总表"),
        ),
        (0x0204, label(3, 1, "序号")),
        (0x0204, label(3, 2, "联系人手机")),
        (0x0203, number(4, 1, 1.0)),
        (0x0203, number(4, 2, 19_995_974_694.0)),
    ]
}

#[test]
fn xls_offset_range_merged_title_and_numbers() {
    let data = xls(&[], &summary_cells(), [2, 2, 1, 2]);
    let doc = read(&data, FileKind::Xls, &Limits::default()).unwrap();
    let rows = &doc.tables[0].rows;
    assert_eq!(
        rows[0],
        vec![Cell {
            text: "2023年天津市质量攻关项目立项申报汇总表".into(),
            col: 1,
            span: 2,
            continues_above: false
        }]
    );
    assert_eq!(rows[1][0].col, 1);
    assert_eq!(rows[2][0].text, "1");
    assert_eq!(rows[2][1].text, "19995974694");
    assert_eq!(rows[2][1].col, 2);
}

#[test]
fn xls_password_is_reported() {
    let filepass = (0x002F, vec![1, 0, 1, 0, 0, 0]);
    let data = xls(&[filepass], &summary_cells(), [2, 2, 1, 2]);
    assert_eq!(
        read(&data, FileKind::Xls, &Limits::default()),
        Err(ReadError::Encrypted)
    );
}

#[test]
fn xls_far_corner_cell_is_refused_before_allocating() {
    let mut cells = summary_cells();
    cells.push((0x0203, number(65_535, 255, 2.0)));
    let data = xls(&[], &cells, [2, 2, 1, 2]);
    assert!(matches!(
        read(&data, FileKind::Xls, &Limits::default()),
        Err(ReadError::TooLarge(_))
    ));
    // A DIMENSIONS record whose last row is before its first.
    let mut dims = Vec::new();
    dims.extend(10u32.to_le_bytes());
    dims.extend(5u32.to_le_bytes());
    dims.extend([0, 0, 2, 0, 0, 0]);
    let mut cells = vec![(0x0200, dims)];
    cells.extend(summary_cells());
    let data = xls(&[], &cells, [2, 2, 1, 2]);
    assert!(read(&data, FileKind::Xls, &Limits::default()).is_err());
}

/// Found by the xls fuzz target: a BoundSheet8 position past the end of the Workbook stream
/// made calamine slice out of bounds (a panic the caller caught, but a panic).
#[test]
fn xls_sheet_position_past_the_stream_is_corrupt_before_calamine() {
    let mut stream = workbook(&[], &summary_cells(), [2, 2, 1, 2]);
    let mut at = 0;
    while at + 4 <= stream.len() {
        let typ = u16::from_le_bytes([stream[at], stream[at + 1]]);
        let len = usize::from(u16::from_le_bytes([stream[at + 2], stream[at + 3]]));
        if typ == 0x0085 {
            stream[at + 4..at + 8].copy_from_slice(&7_733_288u32.to_le_bytes());
            break;
        }
        at += 4 + len;
    }
    assert!(matches!(
        biff::sanitize(&compound(&stream)),
        Err(ReadError::Corrupt(_))
    ));
    assert!(read(&compound(&stream), FileKind::Xls, &Limits::default()).is_err());
    // Inside the stream but not at a BOF: calamine would read a record from the middle of one.
    let mut inside = workbook(&[], &summary_cells(), [2, 2, 1, 2]);
    let at = inside.windows(2).position(|w| w == [0x85, 0x00]).unwrap();
    inside[at + 4..at + 8].copy_from_slice(&1u32.to_le_bytes());
    assert!(matches!(
        biff::sanitize(&compound(&inside)),
        Err(ReadError::Corrupt(_))
    ));
}

/// Found by the xls fuzz target: a BOF record shorter than its version and type made calamine
/// slice out of bounds.
#[test]
fn xls_short_bof_record_is_corrupt_before_calamine() {
    let mut stream = workbook(&[], &summary_cells(), [2, 2, 1, 2]);
    // The sheet's BOF is the second 0x0809 record: cut it to nothing.
    let mut at = 0;
    let mut seen = 0;
    while at + 4 <= stream.len() {
        let typ = u16::from_le_bytes([stream[at], stream[at + 1]]);
        let len = usize::from(u16::from_le_bytes([stream[at + 2], stream[at + 3]]));
        if typ == 0x0809 {
            seen += 1;
            if seen == 2 {
                stream[at + 2..at + 4].copy_from_slice(&0u16.to_le_bytes());
                stream.drain(at + 4..at + 4 + len);
                break;
            }
        }
        at += 4 + len;
    }
    assert!(matches!(
        biff::sanitize(&compound(&stream)),
        Err(ReadError::Corrupt(_))
    ));
}

/// Found by the xls fuzz target: a MergeCells record shorter than its count made calamine
/// slice out of bounds.
#[test]
fn xls_short_merge_cells_record_is_corrupt_before_calamine() {
    let mut stream = workbook(&[], &summary_cells(), [2, 2, 1, 2]);
    let at = stream
        .windows(4)
        .rposition(|w| w == [0xE5, 0x00, 10, 0])
        .unwrap();
    // Two ranges claimed, one present.
    stream[at + 4..at + 6].copy_from_slice(&2u16.to_le_bytes());
    assert!(matches!(
        biff::sanitize(&compound(&stream)),
        Err(ReadError::Corrupt(_))
    ));
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]
        #[test]
        fn mutated_xls_never_panics(edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8)) {
            let mut data = xls(&[], &summary_cells(), [2, 2, 1, 2]);
            let len = data.len();
            for (at, b) in edits {
                if let Some(x) = data.get_mut(at % len) {
                    *x = b;
                }
            }
            let _ = read(&data, FileKind::Xls, &Limits::default());
        }

        #[test]
        fn mutated_workbook_records_never_panic(
            edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..12),
            keep in 1usize..=1000,
        ) {
            let mut stream = workbook(&[], &summary_cells(), [2, 2, 1, 2]);
            let len = stream.len();
            for (at, b) in edits {
                if let Some(x) = stream.get_mut(at % len) {
                    *x = b;
                }
            }
            stream.truncate(len * keep / 1000);
            let _ = read(&compound(&stream), FileKind::Xls, &Limits::default());
        }

        #[test]
        fn arbitrary_workbook_streams_never_panic(stream in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let _ = read(&compound(&stream), FileKind::Xls, &Limits::default());
        }

        #[test]
        fn arbitrary_files_never_panic(data in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let mut ole = OLE_MAGIC.to_vec();
            ole.extend(data);
            let _ = read(&ole, FileKind::Xls, &Limits::default());
        }
    }
}

/// Found by the xls fuzz target: an empty FilePass record made calamine read its encryption
/// type past the record.
#[test]
fn xls_empty_file_pass_record_is_corrupt_before_calamine() {
    let mut stream = workbook(&[], &summary_cells(), [2, 2, 1, 2]);
    // After the first record (the workbook's BOF), an empty FilePass.
    let first = 4 + usize::from(u16::from_le_bytes([stream[2], stream[3]]));
    stream.splice(first..first, [0x2F, 0x00, 0x00, 0x00]);
    assert!(matches!(
        biff::sanitize(&compound(&stream)),
        Err(ReadError::Corrupt(_))
    ));
    // And through the reader: a problem, no panic.
    assert!(matches!(
        biff::sanitize(&compound(&stream[..first + 4])),
        Err(ReadError::Corrupt(_))
    ));
}
