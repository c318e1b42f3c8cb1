//! Fixtures built in code: application forms (.docx), summaries (.xlsx), scans (.pdf) and the
//! emails that carry them. Nothing here reads files from outside the test.
#![allow(dead_code)]

/// The fields of one application form, as a sender would type them.
#[derive(Clone)]
pub struct Form {
    pub enterprise: String,
    pub code: String,
    pub recommender: String,
    pub size: &'static str,
    pub contact: String,
    pub mobile: String,
    pub email: String,
    pub project: String,
    pub project_type: &'static str,
    pub industry: &'static str,
    pub goals: String,
}

/// Valid unified social credit codes (checked against GB 32100).
pub const CODES: [&str; 4] = [
    "91120101584296705M",
    "91120101MA06J63YX9",
    "91120101MA05N9976E",
    "91120103732128464A",
];

impl Form {
    pub fn new(i: usize, unit: &str) -> Form {
        let names = [
            "天津桥盛汽车部件股份有限公司",
            "天津晟永石油化工有限公司",
            "天津金利中医药科技有限公司",
            "天津海宏液压机械科技有限公司",
        ];
        let projects = [
            "高可靠性转向节设计与验证",
            "提高聚氯乙烯树脂聚合合格率",
            "提高滴丸滴制合格率",
            "精密减速机噪声控制",
        ];
        Form {
            enterprise: names[i % 4].into(),
            code: CODES[i % 4].into(),
            recommender: unit.into(),
            size: "中型",
            contact: "赖慧亮，办公室主任".into(),
            mobile: "18998269489".into(),
            email: "zhaolei12@qq.com".into(),
            project: projects[i % 4].into(),
            project_type: "创新型",
            industry: "高端装备",
            goals: "将一次合格率由95.4%提高到99.6%以上。".into(),
        }
    }
}

// Word XML pieces are the ones the sample generator writes: one implementation of each.
pub use shenbao::samples::docx::{boxes, cell, docx as docx_from_body, named_industries, para};

/// Attachment 1 as a .docx, laid out like the official template.
pub fn application_docx(f: &Form) -> Vec<u8> {
    let row = |cells: &[String]| format!("<w:tr>{}</w:tr>", cells.concat());
    let rows = [
        row(&[cell("企业名称", 1), cell(&f.enterprise, 3)]),
        row(&[
            cell("统一社会信用代码", 1),
            cell(&f.code, 1),
            cell("推荐单位", 1),
            cell(&f.recommender, 1),
        ]),
        row(&[
            cell("企业规模", 1),
            cell(&boxes(&["大型", "中型", "小型", "微型"], f.size), 3),
        ]),
        row(&[
            cell("单位申报\n联系人及职务", 1),
            cell(&f.contact, 1),
            cell("联系人手机", 1),
            cell(&f.mobile, 1),
        ]),
        row(&[
            cell("固定电话", 1),
            cell("", 1),
            cell("电子邮箱", 1),
            cell(&f.email, 1),
        ]),
        row(&[cell("项目名称", 1), cell(&f.project, 3)]),
        row(&[
            cell("项目类型", 1),
            cell(&boxes(&["问题解决型", "创新型"], f.project_type), 3),
        ]),
        row(&[
            cell("企业所属产业\n（划√）", 1),
            cell(
                &format!("{}\n☐其他＿＿＿＿", boxes(&named_industries(), f.industry)),
                3,
            ),
        ]),
        row(&[
            cell("项目背景意义", 1),
            cell("公司高度重视质量管理工作。", 3),
        ]),
        row(&[
            cell("项目基本情况介绍", 1),
            cell("本项目以装配工序为研究对象。\n项目计划于2023年5月启动。", 3),
        ]),
        row(&[cell("质量攻关目标", 1), cell(&f.goals, 3)]),
        row(&[
            cell("预期成效", 1),
            cell(
                "（可从经济效益和社会效益方面进行阐述）\n经济效益：每年减少废品损失约572万元。",
                3,
            ),
        ]),
        row(&[cell("申报单位意见", 1), cell("（公章）\n年  月  日", 3)]),
    ];
    let body = format!(
        "{}{}<w:tbl>{}</w:tbl>",
        para("附件1"),
        para("2023年天津市质量攻关项目立项申报表"),
        rows.concat()
    );
    docx_from_body(&body)
}

/// Attachment 2 as an .xlsx with a merged title, the unit line and one row per form.
pub fn summary_xlsx(unit: &str, forms: &[Form]) -> Vec<u8> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let fmt = Format::new();
    ws.merge_range(0, 0, 0, 11, "2023年天津市质量攻关项目立项申报汇总表", &fmt)
        .unwrap();
    ws.merge_range(1, 0, 1, 4, &format!("推荐单位(公章)：{unit}"), &fmt)
        .unwrap();
    let header = shenbao::forms::summary::TEMPLATE_HEADER;
    for (c, h) in header.iter().enumerate() {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    for (i, f) in forms.iter().enumerate() {
        let r = 3 + i as u32;
        ws.write_number(r, 0, (i + 1) as f64).unwrap();
        let vals = [
            &f.enterprise,
            &f.code,
            "制造业",
            "和平区",
            f.size,
            "民营企业",
            &f.project,
            f.project_type,
            &format!("许斌宇 {}", f.mobile),
            &f.email,
            "",
        ];
        for (c, v) in vals.iter().enumerate() {
            ws.write_string(r, (c + 1) as u16, *v).unwrap();
        }
    }
    ws.write_string(
        4 + forms.len() as u32,
        0,
        "推荐部门负责人：张三   填报人：李四",
    )
    .unwrap();
    wb.save_to_buffer().unwrap()
}

/// The binary run with a config file.
pub mod cli;
/// A signed-in desk session made through the store.
pub mod desk;
/// Drawing pages with seals, shared with the seal tests.
#[path = "../seal/fixtures.rs"]
pub mod draw;
pub mod place;

/// A scanned A4 page at 100 dpi: a printed form, with the red seal when `sealed`, in a PDF.
pub fn scan(landscape: bool, sealed: bool) -> Vec<u8> {
    scan_at(landscape, sealed, 100.0)
}

/// A scanned A4 page at `dpi`, in a PDF.
pub fn scan_at(landscape: bool, sealed: bool, dpi: f64) -> Vec<u8> {
    use draw::{Canvas, PdfPage, RED};
    let (short, long) = (
        (210.0 / 25.4 * dpi).round() as usize,
        (297.0 / 25.4 * dpi).round() as usize,
    );
    let (w, h) = if landscape {
        (long, short)
    } else {
        (short, long)
    };
    let mut page = Canvas::form_page(w, h, 11);
    if sealed {
        let mm = w.min(h) as f64 / 210.0;
        page.seal(w as f64 * 0.7, h as f64 * 0.78, 40.0 * mm, 0.4, RED);
    }
    let media = if landscape {
        (841.89, 595.28)
    } else {
        (595.28, 841.89)
    };
    draw::pdf(&[PdfPage {
        jpeg: page.jpeg(85),
        px: (w, h),
        media,
        text: None,
        rotate: 0,
    }])
}

/// A sealed portrait scan (an application form), drawn once per test binary.
pub fn portrait() -> Vec<u8> {
    static PAGE: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    PAGE.get_or_init(|| scan(false, true)).clone()
}

/// A sealed landscape scan (the summary), drawn once per test binary.
pub fn landscape() -> Vec<u8> {
    static PAGE: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    PAGE.get_or_init(|| scan(true, true)).clone()
}

fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for (n, chunk) in data.chunks(3).enumerate() {
        if n > 0 && n % 19 == 0 {
            out.push_str("\r\n");
        }
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let v = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[((v >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// RFC 2047 B-encoding of a UTF-8 header value.
pub fn b_encode(s: &str) -> String {
    format!("=?UTF-8?B?{}?=", base64(s.as_bytes()).replace("\r\n", ""))
}

/// An email with the given attachments (name, bytes), names RFC 2047-encoded in UTF-8.
pub fn email(from: &str, subject: &str, body: &str, attachments: &[(&str, Vec<u8>)]) -> Vec<u8> {
    email_with_headers(from, subject, body, attachments, "")
}

/// Like [`email`], with extra header lines (each ending in CRLF).
pub fn email_with_headers(
    from: &str,
    subject: &str,
    body: &str,
    attachments: &[(&str, Vec<u8>)],
    extra: &str,
) -> Vec<u8> {
    let boundary = "----=_Part_0_shenbao_test";
    let mut m = format!(
        "From: {from}\r\nTo: scjgzlfzc@tj.gov.cn\r\nSubject: {}\r\nDate: Thu, 20 Apr 2023 09:42:11 +0800\r\nMessage-ID: <{}@test>\r\nMIME-Version: 1.0\r\n{extra}",
        b_encode(subject),
        subject.len() + body.len() + attachments.len()
    );
    if attachments.is_empty() {
        m.push_str(&format!("Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n", base64(body.as_bytes())));
        return m.into_bytes();
    }
    m.push_str(&format!(
        "Content-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n"
    ));
    m.push_str(&format!("--{boundary}\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n", base64(body.as_bytes())));
    for (name, data) in attachments {
        m.push_str(&format!(
            "--{boundary}\r\nContent-Type: application/octet-stream; name=\"{n}\"\r\nContent-Disposition: attachment; filename=\"{n}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n",
            base64(data),
            n = b_encode(name)
        ));
    }
    m.push_str(&format!("--{boundary}--\r\n"));
    m.into_bytes()
}

/// A complete submission: summary (xlsx + landscape scan) and, per form, docx + portrait scan.
pub fn complete_submission(unit: &str, forms: &[Form]) -> Vec<(String, Vec<u8>)> {
    let mut files = vec![
        ("附件2：汇总表.xlsx".to_string(), summary_xlsx(unit, forms)),
        ("附件2：汇总表（盖章）.pdf".to_string(), landscape()),
    ];
    for f in forms {
        files.push((
            format!("附件1：申报表（{}）.docx", f.enterprise),
            application_docx(f),
        ));
        files.push((
            format!("附件1：申报表（{}）盖章版.pdf", f.enterprise),
            portrait(),
        ));
    }
    files
}

/// Borrows owned attachment pairs for [`email`].
pub fn refs(files: &[(String, Vec<u8>)]) -> Vec<(&str, Vec<u8>)> {
    files.iter().map(|(n, d)| (n.as_str(), d.clone())).collect()
}
