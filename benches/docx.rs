//! Reading one application form (.docx) to its grid: a fixture shaped like the real template
//! (13 rows, spans, Wingdings checkboxes, long answers) with a Word-sized styles part
//! (hundreds of kilobytes of table styles that name no symbol font).
// A benchmark: a failed unwrap, expect or panic stops the run, which is what it should do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::io::Write;

use criterion::{Criterion, criterion_group, criterion_main};
use shenbao::forms::docx;
use shenbao::message::Limits;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;
const FONTS: &str = r#"<w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="仿宋_GB2312" w:hint="eastAsia"/><w:sz w:val="24"/></w:rPr>"#;

fn run(text: &str) -> String {
    format!(r#"<w:r>{FONTS}<w:t xml:space="preserve">{text}</w:t></w:r>"#)
}

fn sym(ch: &str) -> String {
    format!(r#"<w:r><w:sym w:font="Wingdings 2" w:char="{ch}"/></w:r>"#)
}

fn cell(span: usize, paras: &[String]) -> String {
    let span = if span > 1 {
        format!(r#"<w:gridSpan w:val="{span}"/>"#)
    } else {
        String::new()
    };
    let body: String = paras.iter().map(|p| format!("<w:p>{p}</w:p>")).collect();
    format!(
        r#"<w:tc><w:tcPr><w:tcW w:w="1871" w:type="dxa"/>{span}<w:vAlign w:val="center"/></w:tcPr>{body}</w:tc>"#
    )
}

fn document() -> String {
    let long = "本项目以转向节线束装配工序为研究对象，成立了由分管副总经理牵头的质量攻关小组，成员12人，涵盖技术、生产、质量等部门。";
    let mut rows = Vec::new();
    for label in ["企业名称", "项目名称"] {
        rows.push(cell(1, &[run(label)]) + &cell(3, &[run("天津桥盛汽车部件股份有限公司")]));
    }
    for (a, b) in [("统一社会信用代码", "推荐单位"), ("联系人手机", "电子邮箱")]
    {
        rows.push(
            cell(1, &[run(a)])
                + &cell(1, &[run("91120101584296705M")])
                + &cell(1, &[run(b)])
                + &cell(1, &[run("zhaolei12@qq.com")]),
        );
    }
    let boxes: String = ["大型", "中型", "小型", "微型"]
        .iter()
        .enumerate()
        .map(|(i, o)| sym(if i == 3 { "F052" } else { "F0A3" }) + &run(o))
        .collect();
    rows.push(cell(1, &[run("企业规模")]) + &cell(3, &[boxes]));
    for label in [
        "项目背景意义",
        "项目基本情况介绍",
        "质量攻关目标",
        "预期成效",
    ] {
        let paras: Vec<String> = (0..4).map(|_| run(long)).collect();
        rows.push(cell(1, &[run(label)]) + &cell(3, &paras));
    }
    let table: String = rows.iter().map(|r| format!("<w:tr>{r}</w:tr>")).collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {W}><w:body><w:p>{}</w:p><w:p>{}</w:p><w:tbl><w:tblPr/>{table}</w:tbl></w:body></w:document>"#,
        run("附件1"),
        run("2023年天津市质量攻关项目立项申报表")
    )
}

fn styles() -> String {
    let table_style = r#"<w:style w:type="table" w:styleId="T"><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4"/><w:bottom w:val="single" w:sz="4"/></w:tblBorders></w:tblPr><w:tblStylePr w:type="firstRow"><w:rPr><w:b/><w:bCs/><w:color w:val="FFFFFF"/></w:rPr><w:tcPr><w:shd w:val="clear" w:fill="4F81BD"/></w:tcPr></w:tblStylePr></w:style>"#;
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles {W}><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman"/></w:rPr></w:rPrDefault></w:docDefaults>{}</w:styles>"#,
        table_style.repeat(900)
    )
}

fn fixture() -> Vec<u8> {
    let mut w = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, data) in [
        ("word/document.xml", document()),
        ("word/styles.xml", styles()),
    ] {
        w.start_file(name, opts).expect("zip entry");
        w.write_all(data.as_bytes()).expect("zip write");
    }
    w.finish().expect("zip finish").into_inner()
}

fn bench(c: &mut Criterion) {
    let data = fixture();
    let limits = Limits::default();
    let doc = docx::read(&data, &limits).expect("fixture reads");
    assert!(doc.all_text().contains("☑微型"));
    eprintln!("docx fixture: {} bytes", data.len());
    c.bench_function("docx_read_application_form", |b| {
        b.iter(|| docx::read(black_box(&data), &limits))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
