//! The two forms written by docx-rs, the design card's writer (a dev-dependency): a real
//! third-party package — its styles, settings, font table and numbering parts, its own table
//! and run markup, East Asian fonts — read through our reader gives every field, merged cells
//! included. The reader's unit tests keep hand-made XML (`docx/fixture.rs`): they pin
//! constructs docx-rs cannot write (w14 and legacy form-field checkboxes, `mc:AlternateContent`,
//! foreign prefixes, UTF-16 and GBK parts, entities, relationships pointing elsewhere).

use super::application::{self, INDUSTRIES};
use super::{docx, summary};
use crate::message::Limits;
use docx_rs::{Docx, Paragraph, Run, RunFonts, Table, TableCell, TableRow, VMergeType};

const CODE: &str = "91120101584296705M";
const ENTERPRISE: &str = "天津桥盛汽车部件股份有限公司";

/// Text in the template's fonts: 仿宋_GB2312 for Chinese, Times New Roman for the rest.
fn para(text: &str) -> Paragraph {
    let fonts = RunFonts::new()
        .east_asia("仿宋_GB2312")
        .ascii("Times New Roman")
        .hi_ansi("Times New Roman");
    Paragraph::new().add_run(Run::new().add_text(text).fonts(fonts))
}

/// A cell; `\n` starts a new paragraph as Word users type it.
fn cell(text: &str) -> TableCell {
    text.split('\n')
        .fold(TableCell::new(), |c, line| c.add_paragraph(para(line)))
}

/// A value cell over the three value columns.
fn wide(text: &str) -> TableCell {
    cell(text).grid_span(3)
}

/// Options with the chosen one ticked, ☑ and ☐ typed as text as senders fill the template.
fn boxes(options: &[&str], ticked: &str) -> String {
    options
        .iter()
        .map(|o| format!("{}{o}", if *o == ticked { '☑' } else { '☐' }))
        .collect::<Vec<_>>()
        .join("  ")
}

fn pack(doc: Docx) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    if let Err(e) = doc.pack(&mut out) {
        panic!("docx-rs: {e}");
    }
    out.into_inner()
}

fn read(bytes: &[u8]) -> super::Document {
    match docx::read(bytes, &Limits::default()) {
        Ok(d) => d,
        Err(e) => panic!("docx: {e}"),
    }
}

/// 附件1 with the industry label merged down over the two rows its options take.
fn application_form() -> Vec<u8> {
    let industries: Vec<&str> = INDUSTRIES
        .iter()
        .copied()
        .filter(|o| *o != "其他")
        .collect();
    let (first, second) = industries.split_at(6);
    let rows = vec![
        TableRow::new(vec![cell("企业名称"), wide(ENTERPRISE)]),
        TableRow::new(vec![
            cell("统一社会信用代码"),
            cell(CODE),
            cell("推荐单位"),
            cell("和平区市场监管局"),
        ]),
        TableRow::new(vec![
            cell("企业规模"),
            wide(&boxes(&["大型", "中型", "小型", "微型"], "中型")),
        ]),
        TableRow::new(vec![
            cell("单位申报\n联系人及职务"),
            cell("张立华，质量部部长"),
            cell("联系人手机"),
            cell("13820041258"),
        ]),
        TableRow::new(vec![
            cell("固定电话"),
            cell("022-23456789"),
            cell("电子邮箱"),
            cell("zhanglh@jinan-jm.com"),
        ]),
        TableRow::new(vec![cell("项目名称"), wide("提高精密齿轮加工一次合格率")]),
        TableRow::new(vec![
            cell("项目类型"),
            wide(&boxes(&["问题解决型", "创新型"], "问题解决型")),
        ]),
        TableRow::new(vec![
            cell("企业所属产业\n（划√）").vertical_merge(VMergeType::Restart),
            wide(&boxes(first, "")),
        ]),
        TableRow::new(vec![
            cell("").vertical_merge(VMergeType::Continue),
            wide(&format!(
                "{}\n☐其他＿＿＿＿",
                boxes(second, "汽车及新能源汽车")
            )),
        ]),
        TableRow::new(vec![
            cell("项目背景意义"),
            wide("针对生产中的突出质量问题开展攻关。"),
        ]),
        TableRow::new(vec![cell("项目基本情况介绍"), wide("情况一\n情况二")]),
        TableRow::new(vec![
            cell("质量攻关目标"),
            wide("一次合格率提高到98.5%以上。"),
        ]),
        TableRow::new(vec![
            cell("预期成效"),
            wide("经济效益：每年减少质量损失约120万元。"),
        ]),
        TableRow::new(vec![cell("申报单位意见"), wide("（公章）\n年  月  日")]),
    ];
    pack(
        Docx::new()
            .add_paragraph(para("附件1"))
            .add_paragraph(para("2023年天津市质量攻关项目立项申报表"))
            .add_table(Table::new(rows).set_grid(vec![1800, 2600, 1800, 2600])),
    )
}

#[test]
fn an_application_written_by_docx_rs_reads_every_field() {
    let app = application::extract(&read(&application_form()));
    assert_eq!(app.enterprise_name, ENTERPRISE);
    assert_eq!(app.credit_code, CODE);
    assert_eq!(app.recommender, "和平区市场监管局");
    assert_eq!(app.enterprise_size.as_deref(), Some("中型"));
    assert_eq!(app.contact, "张立华，质量部部长");
    assert_eq!(app.mobile, "13820041258");
    assert_eq!(app.landline, "022-23456789");
    assert_eq!(app.email, "zhanglh@jinan-jm.com");
    assert_eq!(app.project_name, "提高精密齿轮加工一次合格率");
    assert_eq!(app.project_type.as_deref(), Some("问题解决型"));
    assert_eq!(app.industry.as_deref(), Some("汽车及新能源汽车"));
    assert_eq!(app.overview, "情况一\n情况二");
    assert_eq!(app.goals, "一次合格率提高到98.5%以上。");
    assert!(app.labels_missing.is_empty(), "{:?}", app.labels_missing);
    assert!(app.ambiguous.is_empty(), "{:?}", app.ambiguous);
}

/// 附件2 with one enterprise's name and code merged down over its two projects.
fn summary_form() -> Vec<u8> {
    let mut rows = vec![TableRow::new(
        summary::TEMPLATE_HEADER.iter().map(|h| cell(h)).collect(),
    )];
    for (i, (name, lead)) in [
        ("转向节设计与验证", "何颖 13447562223"),
        ("制动盘减重", "叶磊 17610712135"),
    ]
    .into_iter()
    .enumerate()
    {
        let merge = if i == 0 {
            VMergeType::Restart
        } else {
            VMergeType::Continue
        };
        let (ent, code) = if i == 0 { (ENTERPRISE, CODE) } else { ("", "") };
        let mut cells = vec![
            cell(&(i + 1).to_string()),
            cell(ent).vertical_merge(merge),
            cell(code).vertical_merge(merge),
        ];
        for v in [
            "制造业",
            "和平区",
            "中型",
            "民营企业",
            name,
            "创新型",
            lead,
            "a@b.cn",
            "",
        ] {
            cells.push(cell(v));
        }
        rows.push(TableRow::new(cells));
    }
    pack(
        Docx::new()
            .add_paragraph(para("附件2"))
            .add_paragraph(para("2023年天津市质量攻关项目立项申报汇总表"))
            .add_paragraph(para("推荐单位(公章)：和平区市场监管局"))
            .add_table(Table::new(rows)),
    )
}

#[test]
fn a_summary_written_by_docx_rs_gives_merged_cells_to_both_rows() {
    let s = summary::extract(&read(&summary_form()));
    assert_eq!(s.recommender.as_deref(), Some("和平区市场监管局"));
    assert_eq!(s.rows.len(), 2, "{:#?}", s.rows);
    for r in &s.rows {
        assert_eq!(r.enterprise_name, ENTERPRISE);
        assert_eq!(r.credit_code, CODE);
    }
    assert_eq!(s.rows[0].project_name, "转向节设计与验证");
    assert_eq!(s.rows[1].project_lead, "叶磊 17610712135");
}
