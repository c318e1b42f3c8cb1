use super::fixture::{self, Para, ftc0, in_table, pic, row_end, symbol, units};
use super::*;
use crate::forms::grid::{Cell, EMPTY, TICKED};

fn cell(text: &str, col: usize, span: usize, continues_above: bool) -> Cell {
    Cell {
        text: text.into(),
        col,
        span,
        continues_above,
    }
}

const FONTS: [&str; 3] = ["Times New Roman", "Wingdings 2", "Wingdings"];

/// A title, a 2×2 table whose second row ticks with Wingdings 2 ('R' and a sprmCSymbol box),
/// and a paragraph with a field after it.
fn sample() -> Vec<Para> {
    let mut field = units("见");
    field.push(0x13);
    field.extend(units(" HYPERLINK \"http://x\" "));
    field.push(0x14);
    field.extend(units("网站"));
    field.push(0x15);
    field.extend(units("。\u{3000}"));
    vec![
        Para::text("\u{3000}2023年天津市质量攻关项目立项申报表 ", 0x0D, vec![]),
        Para::text("企业名称", 0x07, in_table()),
        Para::text("天津甲公司", 0x07, in_table()),
        Para::text("", 0x07, row_end(&[0, 2000, 8000], &[0, 0])),
        Para::text("企业规模", 0x07, in_table()),
        Para {
            runs: vec![
                (units("R"), ftc0(1)),
                (units("大型 "), vec![]),
                (units("("), symbol(1, 0xF0A3)),
                (units("中型 "), vec![]),
                (vec![0xF0A8], ftc0(2)),
                (units("小型"), vec![]),
            ],
            mark: 0x0D,
            papx: in_table(),
        },
        Para::text("（划√）", 0x07, in_table()),
        Para::text("", 0x07, row_end(&[0, 2000, 8000], &[0, 0])),
        Para {
            runs: vec![(field, vec![])],
            mark: 0x0D,
            papx: vec![],
        },
    ]
}

#[test]
fn table_symbols_and_fields() {
    let doc = read(&fixture::file(&sample(), &FONTS, 0), &Limits::default()).unwrap();
    assert_eq!(
        doc.paragraphs,
        vec!["2023年天津市质量攻关项目立项申报表", "见网站。"]
    );
    assert_eq!(doc.tables.len(), 1);
    assert_eq!(
        doc.tables[0].rows,
        vec![
            vec![
                cell("企业名称", 0, 1, false),
                cell("天津甲公司", 1, 1, false)
            ],
            vec![
                cell("企业规模", 0, 1, false),
                cell(
                    &format!("{TICKED}大型 {EMPTY}中型 {EMPTY}小型\n（划√）"),
                    1,
                    1,
                    false
                )
            ],
        ]
    );
    let size = crate::forms::choice::parse(&doc.tables[0].rows[1][1].text, &["大型", "中型"]);
    assert_eq!(size.value(), Some("大型"));
}

#[test]
fn borders_give_columns_spans_and_vertical_merges() {
    let paras = vec![
        Para::text("甲", 0x07, in_table()),
        Para::text("乙", 0x07, in_table()),
        Para::text("丙", 0x07, in_table()),
        Para::text("", 0x07, row_end(&[0, 1000, 3000, 6000], &[0x60, 0, 0])),
        Para::text("", 0x07, in_table()),
        Para::text("丁", 0x07, in_table()),
        Para::text("", 0x07, row_end(&[0, 1005, 6000], &[0x20, 0])),
        // Old-style horizontal merge: the second cell joins the first.
        Para::text("戊", 0x07, in_table()),
        Para::text("", 0x07, in_table()),
        Para::text("", 0x07, row_end(&[0, 3000, 6000], &[0x1, 0x2])),
        Para::text("后记", 0x0D, vec![]),
    ];
    let doc = read(&fixture::file(&paras, &FONTS, 0), &Limits::default()).unwrap();
    let rows = &doc.tables[0].rows;
    assert_eq!(
        rows[0],
        vec![
            cell("甲", 0, 1, false),
            cell("乙", 1, 1, false),
            cell("丙", 2, 1, false)
        ]
    );
    assert_eq!(rows[1], vec![cell("", 0, 1, true), cell("丁", 1, 2, false)]);
    assert_eq!(rows[2], vec![cell("戊", 0, 3, false)]);
    assert_eq!(doc.paragraphs, vec!["后记"]);
    let spot = crate::forms::labels::find(&doc, &["乙"]).unwrap();
    assert_eq!((spot.row, spot.cell), (0, 1));
}

#[test]
fn nested_table_text_stays_in_the_outer_cell() {
    let nested = |s: &str| {
        let mut p = vec![0x16, 0x24, 1, 0x49, 0x66];
        p.extend(2u32.to_le_bytes());
        let _ = s;
        p
    };
    let mut inner_cell = nested("");
    inner_cell.extend([0x4B, 0x24, 1]);
    let paras = vec![
        Para::text("外", 0x07, in_table()),
        Para::text("内一", 0x0D, inner_cell.clone()),
        Para::text("内二", 0x0D, inner_cell),
        Para::text("", 0x0D, nested("")),
        Para::text("", 0x07, in_table()),
        Para::text("", 0x07, row_end(&[0, 1000, 2000], &[0, 0])),
    ];
    let doc = read(&fixture::file(&paras, &FONTS, 0), &Limits::default()).unwrap();
    assert_eq!(
        doc.tables[0].rows,
        vec![vec![
            cell("外", 0, 1, false),
            cell("内一\n内二", 1, 1, false)
        ]]
    );
}

#[test]
fn legacy_form_checkboxes_read_their_state() {
    let code = units(" FORMCHECKBOX ");
    let para = Para {
        runs: vec![
            (vec![0x13], pic(0)),
            (code.clone(), vec![]),
            (vec![0x15], vec![]),
            (units("大型 "), vec![]),
            (vec![0x13], pic(100)),
            (code.clone(), vec![]),
            (vec![0x14, 0x15], vec![]),
            (units("中型 "), vec![]),
            // No FFData at all: an empty box.
            (vec![0x13], vec![]),
            (code, vec![]),
            (vec![0x15], vec![]),
            (units("小型"), vec![]),
        ],
        mark: 0x0D,
        papx: vec![],
    };
    let ffdata = |bits: u16, def: u16| {
        let mut v = vec![0u8; 0x44];
        v[4] = 0x44;
        v.extend(0xFFFF_FFFFu32.to_le_bytes());
        v.extend(bits.to_le_bytes());
        v.extend(20u16.to_le_bytes());
        v.extend(def.to_le_bytes());
        v
    };
    let mut data = ffdata(1 | (1 << 2), 0);
    data.resize(100, 0);
    data.extend(ffdata(1 | (25 << 2), 0));
    let (wd, table) = fixture::streams(&[para], &FONTS, 0);
    let fib = fib::parse(&wd).unwrap();
    let doc = decode(&wd, &fib, &table, &data, &Limits::default()).unwrap();
    assert_eq!(
        doc.paragraphs,
        vec![format!("{TICKED}大型 {EMPTY}中型 {EMPTY}小型")]
    );
}

#[test]
fn deleted_and_hidden_text_is_not_read() {
    let para = Para {
        runs: vec![
            (units("天津"), vec![]),
            (units("旧公司"), vec![0x00, 0x08, 1]),
            (units("说明"), vec![0x3C, 0x08, 1]),
            (units("新公司"), vec![0x01, 0x08, 1]),
        ],
        mark: 0x0D,
        papx: vec![],
    };
    let doc = read(&fixture::file(&[para], &FONTS, 0), &Limits::default()).unwrap();
    assert_eq!(doc.paragraphs, vec!["天津新公司"]);
}

#[test]
fn several_pieces_and_8_bit_text() {
    // First piece: the fixture's UTF-16 "天津\r"; second: CP1252 bytes appended to the stream.
    let (mut wd, mut table) = fixture::streams(&[Para::text("天津", 0x0D, vec![])], &FONTS, 0);
    let tail = b"Caf\xe9 \x93ok\x94\r";
    let tail_at = u32::try_from(wd.len()).unwrap();
    wd.extend(tail);
    let n = u32::try_from(tail.len()).unwrap();
    let mut plc = Vec::new();
    for cp in [0u32, 3, 3 + n] {
        plc.extend(cp.to_le_bytes());
    }
    for fc in [0x400u32, (tail_at * 2) | 0x4000_0000] {
        plc.extend([0, 0]);
        plc.extend(fc.to_le_bytes());
        plc.extend([0, 0]);
    }
    // A Prc (property modifier block) comes before the piece table and is skipped.
    let mut clx = vec![0x01, 3, 0, 0x16, 0x24, 1, 0x02];
    clx.extend(u32::try_from(plc.len()).unwrap().to_le_bytes());
    clx.extend(plc);
    let clx_at = u32::try_from(table.len()).unwrap();
    let clx_len = u32::try_from(clx.len()).unwrap();
    table.extend(clx);
    wd[154 + 33 * 8..154 + 33 * 8 + 4].copy_from_slice(&clx_at.to_le_bytes());
    wd[154 + 33 * 8 + 4..154 + 33 * 8 + 8].copy_from_slice(&clx_len.to_le_bytes());
    wd[76..80].copy_from_slice(&(3 + n).to_le_bytes());
    let fib = fib::parse(&wd).unwrap();
    let doc = decode(&wd, &fib, &table, &[], &Limits::default()).unwrap();
    assert_eq!(doc.paragraphs, vec!["天津", "Café \u{201c}ok\u{201d}"]);
}

#[test]
fn encrypted_and_obfuscated_files_are_reported() {
    let l = Limits::default();
    for flag in [0x0100, 0x8000] {
        let data = fixture::file(&sample(), &FONTS, flag);
        assert_eq!(read(&data, &l), Err(ReadError::Encrypted));
    }
    let mut cf = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    cf.create_stream("/EncryptedPackage").unwrap();
    let data = cf.into_inner().into_inner();
    assert_eq!(read(&data, &l), Err(ReadError::Encrypted));
}

#[test]
fn corrupt_and_truncated_files_are_errors() {
    let l = Limits::default();
    let good = fixture::file(&sample(), &FONTS, 0);
    for cut in [0, 8, 512, good.len() / 2] {
        assert!(read(&good[..cut], &l).is_err(), "cut at {cut}");
    }
    // Losing only sector padding at the end still reads, as a best effort.
    assert!(read(&good[..good.len() - 1], &l).is_ok());
    assert!(read(b"plain text, not OLE", &l).is_err());
    let (mut wd, table) = fixture::streams(&sample(), &FONTS, 0);
    wd[0] = 0;
    assert!(fib::parse(&wd).is_err());
    wd[0] = 0xEC;
    // A piece table pointing past the stream reads nothing rather than failing hard.
    let fib = fib::parse(&wd).unwrap();
    let doc = decode(&wd[..0x400], &fib, &table, &[], &l).unwrap();
    assert_eq!(doc, Document::default());
}

#[test]
fn text_limit_is_enforced() {
    let (wd, table) = fixture::streams(&sample(), &FONTS, 0);
    let fib = fib::parse(&wd).unwrap();
    let tiny = Limits {
        max_xml_bytes: 20,
        ..Limits::default()
    };
    assert!(matches!(
        decode(&wd, &fib, &table, &[], &tiny),
        Err(ReadError::TooLarge(_))
    ));
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn mutated_streams_never_panic(
            edits in proptest::collection::vec((any::<bool>(), any::<usize>(), any::<u8>()), 1..16)
        ) {
            let (mut wd, mut table) = fixture::streams(&sample(), &FONTS, 0);
            for (in_table, at, b) in edits {
                let s = if in_table { &mut table } else { &mut wd };
                let len = s.len();
                if let Some(x) = s.get_mut(at % len) {
                    *x = b;
                }
            }
            if let Ok(fib) = fib::parse(&wd) {
                let _ = decode(&wd, &fib, &table, &[], &Limits::default());
            }
        }

        #[test]
        fn arbitrary_streams_never_panic(
            wd in proptest::collection::vec(any::<u8>(), 0..2048),
            table in proptest::collection::vec(any::<u8>(), 0..2048),
        ) {
            // A valid FIB in front, so the piece table and property walks see the bytes.
            let (good, _) = fixture::streams(&sample(), &FONTS, 0);
            let mut head = good[..good.len().min(0x200)].to_vec();
            head.extend(&wd);
            if let Ok(fib) = fib::parse(&head) {
                let _ = decode(&head, &fib, &table, &[], &Limits::default());
            }
            if let Ok(fib) = fib::parse(&wd) {
                let _ = decode(&wd, &fib, &table, &wd, &Limits::default());
            }
        }

        #[test]
        fn arbitrary_files_never_panic(data in proptest::collection::vec(any::<u8>(), 0..4096)) {
            let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
            ole.extend(data);
            let _ = read(&ole, &Limits::default());
        }

        #[test]
        fn mutated_files_never_panic(edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8)) {
            let mut data = fixture::file(&sample(), &FONTS, 0);
            let len = data.len();
            for (at, b) in edits {
                if let Some(x) = data.get_mut(at % len) {
                    *x = b;
                }
            }
            let _ = read(&data, &Limits::default());
        }
    }
}
