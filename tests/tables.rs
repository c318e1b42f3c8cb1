//! End-to-end: Word and Excel tables as senders really fill them (edited labels, a label merged
//! over two rows, one enterprise merged down over its two projects, the lead split from its
//! phone typed as a number) still make a complete submission; a form saved as a web page is
//! one `unsupported_format` saying what it is.
// A test crate: a failed unwrap, expect or panic is the test failing, which is what it should do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use shenbao::config::Config;
use shenbao::pipeline;
use shenbao::rules::Severity;
use shenbao::verdict::{Judge, Outcome, Verdict};

const UNIT: &str = "和平区市场监管局";
const SENDER: &str = "hpqscjgj@tj.gov.cn";

fn run(raw: &[u8]) -> Outcome {
    let cfg = Config::load(None).unwrap();
    let mut j = Judge::new((&cfg.campaign).into(), Vec::new());
    let at = chrono::DateTime::parse_from_rfc3339("2023-04-20T09:00:00+08:00").unwrap();
    pipeline::process(&mut j, raw, at, &cfg.limits).1
}

/// Attachment 1 with the labels edited and the industry label merged down over two rows.
fn edited_application(f: &Form) -> Vec<u8> {
    let row = |cells: &[String]| format!("<w:tr>{}</w:tr>", cells.concat());
    let vmerge = |text: &str, restart: bool| {
        let v = if restart {
            "<w:vMerge w:val=\"restart\"/>"
        } else {
            "<w:vMerge/>"
        };
        format!("<w:tc><w:tcPr>{v}</w:tcPr>{}</w:tc>", para(text))
    };
    let industries = named_industries();
    let (first, second) = industries.split_at(5);
    let rows = [
        row(&[cell("企业名称：", 1), cell(&f.enterprise, 3)]),
        row(&[
            cell("统一社会信用代码（18位）", 1),
            cell(&f.code, 1),
            cell("推 荐 单 位", 1),
            cell(&f.recommender, 1),
        ]),
        row(&[
            cell("企业规模：", 1),
            cell(&boxes(&["大型", "中型", "小型", "微型"], f.size), 3),
        ]),
        row(&[
            cell("联系人及职务", 1),
            cell(&f.contact, 1),
            cell("联系人手机号", 1),
            cell(&f.mobile, 1),
        ]),
        row(&[
            cell("固定电话", 1),
            cell("", 1),
            cell("邮箱", 1),
            cell(&f.email, 1),
        ]),
        row(&[cell("项 目 名 称", 1), cell(&f.project, 3)]),
        row(&[
            cell("课题类型", 1),
            cell(&boxes(&["问题解决型", "创新型"], f.project_type), 3),
        ]),
        row(&[
            vmerge("企业所属产业（划√）", true),
            cell(&boxes(first, f.industry), 3),
        ]),
        row(&[
            vmerge("", false),
            cell(&format!("{}\n☐其他＿＿＿＿", boxes(second, f.industry)), 3),
        ]),
        row(&[
            cell("项目背景及意义", 1),
            cell("公司高度重视质量管理工作。", 3),
        ]),
        row(&[
            cell("项目基本情况", 1),
            cell("本项目以装配工序为研究对象。", 3),
        ]),
        row(&[cell("攻关目标", 1), cell(&f.goals, 3)]),
        row(&[
            cell("预期成效：", 1),
            cell("经济效益：每年减少废品损失。", 3),
        ]),
        row(&[cell("申报单位意见", 1), cell("（公章）", 3)]),
    ];
    docx_from_body(&format!(
        "{}<w:tbl>{}</w:tbl>",
        para("2023年天津市质量攻关项目立项申报表"),
        rows.concat()
    ))
}

/// Attachment 2 in Excel: both projects of one enterprise, its name and code merged down over
/// the two rows, 项目负责人 | 联系方式 in two columns with the mobile typed as a number.
fn merged_summary(unit: &str, forms: &[Form]) -> Vec<u8> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let fmt = Format::new();
    ws.merge_range(0, 0, 0, 12, "2023年天津市质量攻关项目立项申报汇总表", &fmt)
        .unwrap();
    ws.merge_range(1, 0, 1, 4, &format!("推荐单位(公章)：{unit}"), &fmt)
        .unwrap();
    let header = [
        "序号",
        "企业名称",
        "统一社会信用代码",
        "所属行业",
        "所在区",
        "企业规模",
        "企业性质",
        "项目名称",
        "课题类型",
        "项目负责人",
        "联系方式",
        "电子邮箱",
        "备注",
    ];
    for (c, h) in header.iter().enumerate() {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    let last = 2 + forms.len() as u32;
    ws.merge_range(3, 1, last, 1, &forms[0].enterprise, &fmt)
        .unwrap();
    ws.merge_range(3, 2, last, 2, &forms[0].code, &fmt).unwrap();
    for (i, f) in forms.iter().enumerate() {
        let r = 3 + i as u32;
        ws.write_number(r, 0, (i + 1) as f64).unwrap();
        for (c, v) in [
            (3u16, "制造业"),
            (4, "和平区"),
            (5, f.size),
            (6, "民营企业"),
            (7, f.project.as_str()),
            (8, f.project_type),
            (9, "许斌宇"),
            (11, f.email.as_str()),
        ] {
            ws.write_string(r, c, v).unwrap();
        }
        ws.write_number(r, 10, f.mobile.parse::<f64>().unwrap())
            .unwrap();
    }
    ws.write_string(last + 1, 1, "合计").unwrap();
    ws.write_string(last + 3, 0, "填表说明：此表由推荐单位统一报送。")
        .unwrap();
    wb.save_to_buffer().unwrap()
}

#[test]
fn edited_labels_and_merged_cells_make_a_complete_submission() {
    let mut second = Form::new(0, UNIT);
    second.project = "制动盘减重与疲劳寿命提升".into();
    let forms = [Form::new(0, UNIT), second];
    let mut files = vec![
        (
            "附件2：汇总表.xlsx".to_string(),
            merged_summary(UNIT, &forms),
        ),
        ("附件2：汇总表（盖章）.pdf".to_string(), landscape()),
    ];
    for (i, f) in forms.iter().enumerate() {
        files.push((format!("附件1：申报表{i}.docx"), edited_application(f)));
        files.push((format!("附件1：申报表{i}（盖章）.pdf"), portrait()));
    }
    let o = run(&email(SENDER, "申报材料", "请查收。", &refs(&files)));
    assert_eq!(o.verdict, Verdict::Accepted, "{:#?}", o.problems);
    assert_eq!(o.summary_rows.len(), 2);
    for r in &o.summary_rows {
        assert_eq!(r.enterprise_name, forms[0].enterprise);
        assert_eq!(r.credit_code, forms[0].code);
        assert_eq!(r.project_lead, format!("许斌宇 {}", forms[0].mobile));
    }
    assert_eq!(o.applications.len(), 2);
    assert_eq!(o.applications[0].industry.as_deref(), Some("高端装备"));
    assert_eq!(o.applications[1].email, forms[0].email);
}

#[test]
fn a_form_saved_as_a_web_page_is_one_unsupported_format_saying_so() {
    let forms = [Form::new(0, UNIT)];
    let mut files = complete_submission(UNIT, &forms);
    let mht = b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"----=_NextPart_01\"\r\n\r\n------=_NextPart_01\r\nContent-Type: text/html; charset=\"utf-8\"\r\n\r\n<html></html>\r\n".to_vec();
    // The Word version replaced by the same form saved as a single-file web page named .doc.
    files.retain(|(n, _)| !n.ends_with(".docx"));
    files.push(("附件1：申报表.doc".to_string(), mht));
    let o = run(&email(SENDER, "申报材料", "请查收。", &refs(&files)));
    assert_eq!(o.verdict, Verdict::Rejected);
    let unsupported: Vec<_> = o
        .problems
        .iter()
        .filter(|p| p.code.as_str() == "unsupported_format")
        .collect();
    assert_eq!(unsupported.len(), 1, "{:#?}", o.problems);
    assert!(unsupported[0].message.contains("网页"));
    assert!(
        unsupported[0].message.contains("另存为 Word 文档 (.docx)"),
        "{}",
        unsupported[0].message
    );
    assert!(!o.codes(Severity::Error).contains(&"unreadable_attachment"));
}
