//! The workbook as the division prints it: which sheets and rows, 序号 as numbers, the
//! template's fonts, the page set-up. Read back with calamine, and for what calamine does not
//! expose, from the xlsx's XML parts.

use super::*;
use std::io::Read;

/// The text of part `name` of the xlsx at `path`.
fn part(path: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(fs::File::open(path).unwrap()).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

/// The `n`th element `<tag …>` inside `<list …>…</list>` of `xml`, as text.
fn nth<'a>(xml: &'a str, list: &str, tag: &str, n: usize) -> &'a str {
    let start = xml.find(&format!("<{list}")).unwrap();
    let end = xml[start..].find(&format!("</{list}>")).unwrap() + start;
    let open = format!("<{tag}");
    let items: Vec<usize> = xml[start..end]
        .match_indices(&open)
        .filter(|(i, _)| {
            // `<font` must not match `<fonts`.
            let next = xml[start + i + open.len()..].chars().next();
            matches!(next, Some(' ' | '>' | '/'))
        })
        .map(|(i, _)| start + i)
        .collect();
    let from = items[n];
    let to = items.get(n + 1).copied().unwrap_or(end);
    &xml[from..to]
}

/// The value of attribute `name` in the element text `el`.
fn attr<'a>(el: &'a str, name: &str) -> &'a str {
    let key = format!(" {name}=\"");
    let at = el.find(&key).unwrap() + key.len();
    &el[at..at + el[at..].find('"').unwrap()]
}

/// The cell format (xf) and font of cell `r` (A1 style) of worksheet part `sheet`.
fn style(book: &Path, sheet: &str, r: &str) -> (String, String) {
    let xml = part(book, sheet);
    let at = xml.find(&format!("<c r=\"{r}\"")).unwrap();
    let s: usize = attr(&xml[at..], "s").parse().unwrap();
    let styles = part(book, "xl/styles.xml");
    let xf = nth(&styles, "cellXfs", "xf", s).to_string();
    let font: usize = attr(&xf, "fontId").parse().unwrap();
    let font = nth(&styles, "fonts", "font", font).to_string();
    (xf, font)
}

/// The fixture's accepted unit, plus an incomplete unit with a project and a unit a clerk
/// accepted by hand.
fn three_standings(src: &Path) -> Vec<ExportUnit> {
    let mut all = units(src);
    let mut incomplete = all[0].clone();
    incomplete.name = "河东区市场监管局".into();
    incomplete.status = "材料不全".into();
    incomplete.receipt = None;
    incomplete.accepted = false;
    incomplete.projects.truncate(1);
    let mut by_hand = incomplete.clone();
    by_hand.name = "南开区市场监管局".into();
    by_hand.status = "已人工受理".into();
    by_hand.receipt = Some("ZLGG2023-002".into());
    by_hand.accepted = true;
    all.insert(1, incomplete);
    all.insert(2, by_hand);
    all
}

#[test]
fn the_accepted_sheet_comes_first_and_holds_the_accepted_units_only() {
    let src = temp("src");
    let out = temp("out").join("export");
    let report = export(&out, "标题", &three_standings(&src), &|_, _| {}).unwrap();
    assert_eq!((report.projects, report.accepted), (4, 3));
    let mut book: Xlsx<_> = open_workbook(out.join(WORKBOOK)).unwrap();
    assert_eq!(book.sheet_names(), ["已受理项目", "全部项目"]);
    let accepted = book.worksheet_range("已受理项目").unwrap();
    assert_eq!(cell(&accepted, 0, 0), "标题");
    let units: Vec<String> = (2..accepted.height() as u32)
        .map(|r| cell(&accepted, r, 12))
        .collect();
    assert_eq!(
        units,
        ["和平区市场监管局", "和平区市场监管局", "南开区市场监管局"]
    );
    assert_eq!(cell(&accepted, 4, 14), "已人工受理");
    let all = book.worksheet_range("全部项目").unwrap();
    assert_eq!(cell(&all, 0, 0), "标题（全部项目）");
    assert_eq!(all.height(), 2 + 4);
    assert_eq!(cell(&all, 4, 12), "河东区市场监管局");
    assert_eq!(cell(&all, 4, 14), "材料不全");
}

#[test]
fn serial_numbers_are_numbers_per_sheet_and_codes_and_phones_stay_text() {
    let src = temp("src");
    let out = temp("out").join("export");
    export(&out, "t", &three_standings(&src), &|_, _| {}).unwrap();
    let mut book: Xlsx<_> = open_workbook(out.join(WORKBOOK)).unwrap();
    for (sheet, rows) in [("已受理项目", 3), ("全部项目", 4)] {
        let range = book.worksheet_range(sheet).unwrap();
        for r in 0..rows {
            let n = range.get_value((2 + r, 0));
            assert_eq!(n, Some(&Data::Float(f64::from(r + 1))), "{sheet} row {r}");
        }
        assert_eq!(
            range.get_value((2, 2)),
            Some(&Data::String("91120101584296705M".into()))
        );
        assert_eq!(
            range.get_value((3, 9)),
            Some(&Data::String("赖慧亮 18998269489".into()))
        );
    }
    // Text cells carry the text format, so a code typed over in Excel stays text.
    let book = out.join(WORKBOOK);
    let (xf, _) = style(&book, "xl/worksheets/sheet1.xml", "C3");
    let styles = part(&book, "xl/styles.xml");
    let id = attr(&xf, "numFmtId");
    assert!(
        styles.contains(&format!("<numFmt numFmtId=\"{id}\" formatCode=\"@\"/>")),
        "{xf}"
    );
}

#[test]
fn fonts_are_the_templates() {
    let src = temp("src");
    let out = temp("out").join("export");
    export(&out, "t", &units(&src), &|_, _| {}).unwrap();
    let book = out.join(WORKBOOK);
    for sheet in ["xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"] {
        let (_, title) = style(&book, sheet, "A1");
        assert!(title.contains("<name val=\"方正小标宋简体\"/>"), "{title}");
        assert!(title.contains("<sz val=\"20\"/>"), "{title}");
        let (_, header) = style(&book, sheet, "B2");
        assert!(header.contains("<name val=\"宋体\"/>"), "{header}");
        assert!(header.contains("<sz val=\"10.5\"/>") && header.contains("<b/>"));
        for body in ["A3", "B3", "C3"] {
            let (_, font) = style(&book, sheet, body);
            assert!(font.contains("<name val=\"宋体\"/>"), "{body}: {font}");
            assert!(font.contains("<sz val=\"10.5\"/>") && !font.contains("<b/>"));
        }
        // A machine without the title face substitutes a Chinese one.
        assert!(title.contains("<charset val=\"134\"/>"), "{title}");
    }
}

#[test]
fn both_sheets_print_on_a4_landscape_one_page_wide_with_title_and_header_on_each_page() {
    let src = temp("src");
    let out = temp("out").join("export");
    export(&out, "t", &units(&src), &|_, _| {}).unwrap();
    let book = out.join(WORKBOOK);
    let workbook = part(&book, "xl/workbook.xml");
    for (i, name) in ["已受理项目", "全部项目"].iter().enumerate() {
        let titles = format!(
            "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"{i}\">{name}!$1:$2</definedName>"
        );
        assert!(workbook.contains(&titles), "{workbook}");
        let sheet = part(&book, &format!("xl/worksheets/sheet{}.xml", i + 1));
        assert!(sheet.contains("<pageSetUpPr fitToPage=\"1\"/>"), "{sheet}");
        let setup = &sheet[sheet.find("<pageSetup ").unwrap()..];
        let setup = &setup[..setup.find("/>").unwrap()];
        assert_eq!(attr(setup, "paperSize"), "9", "A4: {setup}");
        assert_eq!(attr(setup, "orientation"), "landscape");
        // One page wide (fitToWidth defaults to 1), any number of pages long.
        assert_eq!(attr(setup, "fitToHeight"), "0");
        assert!(!setup.contains("fitToWidth"), "{setup}");
        let margins = &sheet[sheet.find("<pageMargins ").unwrap()..];
        assert_eq!(attr(margins, "left"), "0.57");
        assert_eq!(attr(margins, "top"), "0.79");
        assert!(sheet.contains("<oddFooter>&amp;C第 &amp;P 页 共 &amp;N 页</oddFooter>"));
    }
}
