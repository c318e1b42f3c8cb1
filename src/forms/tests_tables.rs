//! Word and Excel tables as people really fill them: edited labels, merged cells, split
//! columns and spreadsheet noise, each in a file built here and read through the real reader.

use super::application::{self, Application};
use super::summary::{self, Summary};
use super::{docx, sheet};
use crate::message::{FileKind, Limits};
use crate::samples::docx::{boxes, cell, docx as word, named_industries, para, row};
use rust_xlsxwriter::{Format, Workbook};

const CODE: &str = "91120101584296705M";
const CODE2: &str = "91120103732128464A";

/// A cell merged down: `restart` starts it, the others continue it.
fn vmerge(text: &str, restart: bool) -> String {
    let v = if restart {
        "<w:vMerge w:val=\"restart\"/>"
    } else {
        "<w:vMerge/>"
    };
    let paras: String = text.split('\n').map(para).collect();
    let paras = if paras.is_empty() { para("") } else { paras };
    format!("<w:tc><w:tcPr>{v}</w:tcPr>{paras}</w:tc>")
}

fn read_docx(bytes: &[u8]) -> super::Document {
    match docx::read(bytes, &Limits::default()) {
        Ok(d) => d,
        Err(e) => panic!("docx: {e}"),
    }
}

fn read_xlsx(bytes: &[u8]) -> super::Document {
    match sheet::read(bytes, FileKind::Xlsx, &Limits::default()) {
        Ok(d) => d,
        Err(e) => panic!("xlsx: {e}"),
    }
}

/// The application form with every label edited the way senders edit them, and the industry
/// label merged down over the two rows its option list takes.
pub(crate) fn edited_application() -> Vec<u8> {
    let industries = named_industries();
    let (first, second) = industries.split_at(6);
    let rows = [
        row(&[
            cell("企业名称：", 1),
            cell("天津桥盛汽车部件股份有限公司", 3),
        ]),
        row(&[
            cell("统一社会信用代码（18位）", 1),
            cell(CODE, 1),
            cell("推荐单位:", 1),
            cell("和平区市场监管局", 1),
        ]),
        row(&[
            cell("企 业 规 模", 1),
            cell(&boxes(&["大型", "中型", "小型", "微型"], "微型"), 3),
        ]),
        row(&[
            cell("联系人/职务", 1),
            cell("赖慧亮，办公室主任", 1),
            cell("联系人手机号", 1),
            cell("18998269489", 1),
        ]),
        row(&[
            cell("座机", 1),
            cell("022-23456789", 1),
            cell("邮箱", 1),
            cell("zhaolei12@qq.com", 1),
        ]),
        row(&[cell("项 目 名 称", 1), cell("高可靠性转向节设计与验证", 3)]),
        row(&[
            cell("项目类型(单选)", 1),
            cell(&boxes(&["问题解决型", "创新型"], "创新型"), 3),
        ]),
        format!(
            "<w:tr>{}{}</w:tr>",
            vmerge("企业所属产业\n（划√）", true),
            cell(&boxes(first, ""), 3)
        ),
        format!(
            "<w:tr>{}{}</w:tr>",
            vmerge("", false),
            cell(
                &format!("{}\n☐其他＿＿＿", boxes(second, "汽车及新能源汽车")),
                3
            )
        ),
        row(&[cell("一、项目背景与意义", 1), cell("背景", 3)]),
        row(&[cell("项目基本情况", 1), cell("情况一\n情况二", 3)]),
        row(&[cell("攻关目标：", 1), cell("目标", 3)]),
        row(&[cell("预期成效*", 1), cell("经济效益：好", 3)]),
        row(&[cell("申报单位意见", 1), cell("（公章）", 3)]),
    ];
    word(&format!(
        "{}<w:tbl>{}</w:tbl>",
        para("2023年天津市质量攻关项目立项申报表"),
        rows.concat()
    ))
}

#[test]
fn edited_labels_and_a_label_merged_over_two_rows_read_every_field() {
    let app = application::extract(&read_docx(&edited_application()));
    assert_eq!(app.enterprise_name, "天津桥盛汽车部件股份有限公司");
    assert_eq!(app.credit_code, CODE);
    assert_eq!(app.recommender, "和平区市场监管局");
    assert_eq!(app.enterprise_size.as_deref(), Some("微型"));
    assert_eq!(app.contact, "赖慧亮，办公室主任");
    assert_eq!(app.mobile, "18998269489");
    assert_eq!(app.landline, "022-23456789");
    assert_eq!(app.email, "zhaolei12@qq.com");
    assert_eq!(app.project_name, "高可靠性转向节设计与验证");
    assert_eq!(app.project_type.as_deref(), Some("创新型"));
    assert_eq!(app.industry.as_deref(), Some("汽车及新能源汽车"));
    assert_eq!(app.background, "背景");
    assert_eq!(app.overview, "情况一\n情况二");
    assert_eq!(app.goals, "目标");
    assert_eq!(app.expected_results, "经济效益：好");
    assert!(app.labels_missing.is_empty(), "{:?}", app.labels_missing);
    assert!(app.ambiguous.is_empty());
    let problems = crate::rules::content::application(&app, "申报表.docx");
    assert!(problems.is_empty(), "{problems:?}");
}

fn two_column_form(label: &str, value: &str, other: Option<(&str, &str)>) -> Application {
    let mut rows = vec![
        row(&[cell("企业名称", 1), cell("天津甲公司", 1)]),
        row(&[cell(label, 1), cell(value, 1)]),
    ];
    if let Some((l, v)) = other {
        rows.push(row(&[cell(l, 1), cell(v, 1)]));
    }
    application::extract(&read_docx(&word(&format!(
        "<w:tbl>{}</w:tbl>",
        rows.concat()
    ))))
}

#[test]
fn a_label_fitting_two_fields_is_reported_not_guessed() {
    // 联系电话: the mobile or the landline? Neither is read, and the rule says why.
    let app = two_column_form("联系电话", "13812345678", None);
    assert_eq!(app.mobile, "");
    assert_eq!(app.landline, "");
    assert_eq!(app.ambiguous.len(), 1);
    let problems = crate::rules::content::application(&app, "a.docx");
    let named: Vec<&str> = problems
        .iter()
        .filter(|p| p.field.as_deref() == Some("联系人手机"))
        .map(|p| p.message.as_str())
        .collect();
    assert_eq!(named.len(), 1, "{problems:?}");
    assert!(named[0].contains("联系电话") && named[0].contains("固定电话"));
    // With the landline labelled elsewhere, 联系电话 can only be the mobile.
    let app = two_column_form("联系电话", "13812345678", Some(("固定电话", "022-1")));
    assert_eq!(app.mobile, "13812345678");
    assert_eq!(app.landline, "022-1");
    assert!(app.ambiguous.is_empty());
}

#[test]
fn a_value_beside_a_label_is_never_taken_for_a_label() {
    // "手机" typed as the contact's value must not become the mobile's label.
    let app = two_column_form("联系人", "王五 手机", Some(("手机号码", "13812345678")));
    assert_eq!(app.contact, "王五 手机");
    assert_eq!(app.mobile, "13812345678");
}

/// The summary in Word: headers edited, one enterprise's name and code merged down over its two
/// projects, the lead split into 项目负责人 | 联系方式, a total row and notes under the table.
pub(crate) fn merged_summary_docx(unit: &str) -> Vec<u8> {
    let header = [
        "序号",
        "申报单位名称：",
        "统一社会信用代码（18位）",
        "所属行业",
        "所在区",
        "企业规模",
        "企业性质",
        "项 目 名 称",
        "课题类型",
        "项目负责人",
        "联系方式",
        "邮箱",
        "备注",
    ];
    let mut rows = vec![row(&header.map(|h| cell(h, 1)))];
    let project = |seq: &str, first: bool, name: &str, lead: &str, phone: &str| {
        let (ent, code) = if first {
            (
                vmerge("天津桥盛汽车部件股份有限公司", true),
                vmerge(CODE, true),
            )
        } else {
            (vmerge("", false), vmerge("", false))
        };
        format!(
            "<w:tr>{}{ent}{code}{}</w:tr>",
            cell(seq, 1),
            [
                "制造业",
                "和平区",
                "中型",
                "民营企业",
                name,
                "创新型",
                lead,
                phone,
                "a@b.cn",
                ""
            ]
            .map(|v| cell(v, 1))
            .concat()
        )
    };
    rows.push(project(
        "1",
        true,
        "转向节设计与验证",
        "何颖",
        "13447562223",
    ));
    rows.push(project("2", false, "制动盘减重", "叶磊", "17610712135"));
    rows.push(row(&[""; 13].map(|v| cell(v, 1))));
    rows.push(row(&[
        cell("", 1),
        cell("合计", 1),
        cell("", 1),
        cell("", 9),
        cell("2项", 1),
    ]));
    rows.push(row(&[
        cell("", 1),
        cell("注：此表由推荐单位统一报送。", 12),
    ]));
    word(&format!(
        "{}{}<w:tbl>{}</w:tbl>",
        para("2023年天津市质量攻关项目立项申报汇总表"),
        para(&format!("推荐单位(公章)：{unit}")),
        rows.concat()
    ))
}

fn assert_two_projects(s: &Summary) {
    assert_eq!(s.rows.len(), 2, "{:#?}", s.rows);
    for r in &s.rows {
        assert_eq!(r.enterprise_name, "天津桥盛汽车部件股份有限公司");
        assert_eq!(r.credit_code, CODE);
    }
    assert_eq!(s.rows[0].project_name, "转向节设计与验证");
    assert_eq!(s.rows[1].project_name, "制动盘减重");
    assert_eq!(s.rows[0].project_lead, "何颖 13447562223");
    assert_eq!(s.rows[1].project_lead, "叶磊 17610712135");
    assert_eq!(s.rows[1].email, "a@b.cn");
    let problems = crate::rules::content::summary(s, "汇总表");
    assert!(problems.is_empty(), "{problems:?}");
}

#[test]
fn word_summary_with_enterprise_merged_down_gives_both_rows_the_enterprise() {
    let s = summary::extract(&read_docx(&merged_summary_docx("和平区市场监管局")));
    assert_eq!(s.recommender.as_deref(), Some("和平区市场监管局"));
    assert_two_projects(&s);
}

/// The summary in Excel: merged name and code, a hidden helper column, the mobile typed as a
/// number in its own column, formulas with cached results, blank rows, a total and notes.
fn merged_summary_xlsx() -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let f = Format::new();
    ws.merge_range(0, 0, 0, 13, "2023年天津市质量攻关项目立项申报汇总表", &f)
        .unwrap();
    let header = [
        "序号",
        "企业名称",
        "社会信用代码",
        "项目名称",
        "行业",
        "所在区",
        "规模",
        "企业性质",
        "项目名称",
        "项目类型",
        "项目负责人",
        "手机号",
        "电子邮箱",
        "备注",
    ];
    for (c, h) in header.iter().enumerate() {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    // Column D is a hidden lookup the sender kept: it must not shadow column I.
    ws.set_column_hidden(3).unwrap();
    ws.merge_range(3, 1, 4, 1, "天津桥盛汽车部件股份有限公司", &f)
        .unwrap();
    ws.merge_range(3, 2, 4, 2, CODE, &f).unwrap();
    for (r, seq, name, lead, phone) in [
        (3u32, 1.0, "转向节设计与验证", "何颖", 13_447_562_223.0),
        (4, 2.0, "制动盘减重", "叶磊", 17_610_712_135.0),
    ] {
        ws.write_formula(r, 0, format!("=ROW()-3+{}", seq - 1.0).as_str())
            .unwrap();
        ws.set_formula_result(r, 0, format!("{seq}"));
        ws.write_string(r, 3, "旧表数据").unwrap();
        for (c, v) in [
            (4u16, "制造业"),
            (5, "和平区"),
            (6, "中型"),
            (7, "民营企业"),
            (8, name),
            (9, "创新型"),
            (10, lead),
            (12, "a@b.cn"),
        ] {
            ws.write_string(r, c, v).unwrap();
        }
        ws.write_number(r, 11, phone).unwrap();
    }
    // A blank row, a third project of another enterprise, then the total and the notes.
    ws.write_number(6, 0, 3.0).unwrap();
    ws.write_string(6, 1, "天津海宏液压机械科技有限公司")
        .unwrap();
    ws.write_string(6, 2, CODE2).unwrap();
    ws.write_string(6, 8, "精密减速机").unwrap();
    ws.write_formula(6, 12, "=\"h@\"&\"c.cn\"").unwrap();
    ws.set_formula_result(6, 12, "h@c.cn");
    ws.write_string(7, 1, "合计").unwrap();
    ws.write_formula(7, 8, "=COUNTA(I4:I7)").unwrap();
    ws.set_formula_result(7, 8, "3");
    ws.write_string(8, 1, "以上项目经我单位审核，情况属实。")
        .unwrap();
    ws.write_string(8, 13, "2023年4月20日").unwrap();
    ws.write_string(9, 0, "填表说明：1.企业规模按统计局标准填写。")
        .unwrap();
    ws.write_string(10, 0, "注：请加盖公章。").unwrap();
    wb.save_to_buffer().unwrap()
}

#[test]
fn excel_summary_merges_split_lead_hidden_column_formulas_and_noise() {
    let s = summary::extract(&read_xlsx(&merged_summary_xlsx()));
    assert_eq!(s.rows.len(), 3, "{:#?}", s.rows);
    assert_two_projects(&Summary {
        rows: s.rows[..2].to_vec(),
        ..s.clone()
    });
    assert_eq!(s.rows[0].seq, "1");
    assert_eq!(s.rows[1].seq, "2");
    assert_eq!(s.rows[2].enterprise_name, "天津海宏液压机械科技有限公司");
    assert_eq!(s.rows[2].email, "h@c.cn");
}

#[test]
fn a_header_over_two_rows_with_the_lead_split_under_it() {
    let top = ["序号", "企业名称", "统一社会信用代码", "项目名称"];
    let rows = [
        format!(
            "<w:tr>{}{}</w:tr>",
            top.map(|h| vmerge(h, true)).concat(),
            cell("项目负责人及联系方式", 2)
        ),
        format!(
            "<w:tr>{}{}{}</w:tr>",
            top.map(|_| vmerge("", false)).concat(),
            cell("姓名", 1),
            cell("手机", 1)
        ),
        row(&["1", "天津甲公司", CODE, "项目一", "何颖", "134-4756-2223"].map(|v| cell(v, 1))),
    ];
    let s = summary::extract(&read_docx(&word(&format!(
        "<w:tbl>{}</w:tbl>",
        rows.concat()
    ))));
    assert_eq!(s.rows.len(), 1, "{:#?}", s.rows);
    assert_eq!(s.rows[0].enterprise_name, "天津甲公司");
    assert_eq!(s.rows[0].project_lead, "何颖 13447562223");
}

#[test]
fn an_option_list_continued_on_a_row_added_under_an_unmerged_label() {
    let rows = [
        row(&[cell("企业名称", 1), cell("天津甲公司", 1)]),
        row(&[
            cell("企业所属产业", 1),
            cell("☐信创 ☐高端装备 ☐集成电路", 1),
        ]),
        row(&[cell("", 1), cell("☐新材料 ☑生物医药 ☐其他＿＿", 1)]),
        row(&[cell("项目背景意义", 1), cell("背景", 1)]),
    ];
    let app = application::extract(&read_docx(&word(&format!(
        "<w:tbl>{}</w:tbl>",
        rows.concat()
    ))));
    assert_eq!(app.industry.as_deref(), Some("生物医药"));
    assert_eq!(app.background, "背景");
}
