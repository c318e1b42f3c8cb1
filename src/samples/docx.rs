//! The Word forms of the samples, laid out like the official templates (附件1 立项申报表 as a
//! two-by-two label/value table, 附件2 立项申报汇总表 as one row per project), and the zip
//! writer they and the archive sample share.

use crate::forms::application::INDUSTRIES;
use crate::forms::summary::TEMPLATE_HEADER;
use std::io::Write;

/// One project as a company fills it in on its application form.
#[derive(Debug, Clone)]
pub struct Project {
    /// 企业名称.
    pub enterprise: &'static str,
    /// 统一社会信用代码, first 17 characters; the check character is computed so it is valid.
    pub code17: &'static str,
    /// 企业规模 option ticked.
    pub size: &'static str,
    /// 单位申报联系人及职务.
    pub contact: &'static str,
    /// 联系人手机.
    pub mobile: &'static str,
    /// 电子邮箱.
    pub email: &'static str,
    /// 项目名称.
    pub project: &'static str,
    /// 项目类型 option ticked.
    pub project_type: &'static str,
    /// 企业所属产业 option ticked.
    pub industry: &'static str,
    /// 所在区, for the summary.
    pub district: &'static str,
    /// 质量攻关目标.
    pub goals: &'static str,
}

impl Project {
    /// The full credit code with its GB 32100 check character.
    pub fn code(&self) -> String {
        let check = crate::rules::credit_code::expected_check(self.code17).unwrap_or('0');
        format!("{}{check}", self.code17)
    }
}

/// Files into a zip archive in memory, deflated. Writing into a `Vec` cannot fail short of
/// memory exhaustion; an error yields an empty archive that the pipeline reports as unreadable.
pub fn zip_files(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut buf);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, data) in files {
        if z.start_file(*name, opts).is_err() || z.write_all(data).is_err() {
            return Vec::new();
        }
    }
    if z.finish().is_err() {
        return Vec::new();
    }
    buf.into_inner()
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

pub fn para(text: &str) -> String {
    format!(
        "<w:p><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
        xml_escape(text)
    )
}

/// A table cell; `\n` starts a new paragraph as Word users type it.
pub fn cell(text: &str, span: usize) -> String {
    let paras: String = text.split('\n').map(para).collect();
    let span = if span > 1 {
        format!("<w:gridSpan w:val=\"{span}\"/>")
    } else {
        String::new()
    };
    format!("<w:tc><w:tcPr>{span}</w:tcPr>{paras}</w:tc>")
}

pub fn row(cells: &[String]) -> String {
    format!("<w:tr>{}</w:tr>", cells.concat())
}

/// Options with the chosen one ticked, as the template's ☐ boxes filled in.
pub fn boxes(options: &[&str], ticked: &str) -> String {
    options
        .iter()
        .map(|o| format!("{}{o}", if *o == ticked { '☑' } else { '☐' }))
        .collect::<Vec<_>>()
        .join("  ")
}

/// Wraps body XML into a minimal .docx.
pub fn docx(body: &str) -> Vec<u8> {
    let doc = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
    );
    let types = "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>";
    zip_files(&[
        ("[Content_Types].xml", types.as_bytes()),
        ("word/document.xml", doc.as_bytes()),
    ])
}

/// The industries of the form with a box each; 其他 follows on its own line with its blank.
pub fn named_industries() -> Vec<&'static str> {
    INDUSTRIES
        .iter()
        .copied()
        .filter(|o| *o != "其他")
        .collect()
}

/// 附件1 立项申报表 for one project.
pub fn application(p: &Project, unit: &str) -> Vec<u8> {
    let rows = [
        row(&[cell("企业名称", 1), cell(p.enterprise, 3)]),
        row(&[
            cell("统一社会信用代码", 1),
            cell(&p.code(), 1),
            cell("推荐单位", 1),
            cell(unit, 1),
        ]),
        row(&[
            cell("企业规模", 1),
            cell(&boxes(&["大型", "中型", "小型", "微型"], p.size), 3),
        ]),
        row(&[
            cell("单位申报\n联系人及职务", 1),
            cell(p.contact, 1),
            cell("联系人手机", 1),
            cell(p.mobile, 1),
        ]),
        row(&[
            cell("固定电话", 1),
            cell("022-23456789", 1),
            cell("电子邮箱", 1),
            cell(p.email, 1),
        ]),
        row(&[cell("项目名称", 1), cell(p.project, 3)]),
        row(&[
            cell("项目类型", 1),
            cell(&boxes(&["问题解决型", "创新型"], p.project_type), 3),
        ]),
        row(&[
            cell("企业所属产业\n（划√）", 1),
            cell(
                &format!("{}\n☐其他＿＿＿＿", boxes(&named_industries(), p.industry)),
                3,
            ),
        ]),
        row(&[
            cell("项目背景意义", 1),
            cell(
                "公司高度重视质量管理工作，本项目针对生产中的突出质量问题开展攻关。",
                3,
            ),
        ]),
        row(&[
            cell("项目基本情况介绍", 1),
            cell(
                "项目组由技术、生产、质量部门骨干组成，运用六西格玛方法开展攻关。\n项目计划于2023年5月启动，2023年12月完成。",
                3,
            ),
        ]),
        row(&[cell("质量攻关目标", 1), cell(p.goals, 3)]),
        row(&[
            cell("预期成效", 1),
            cell(
                "（可从经济效益和社会效益方面进行阐述）\n经济效益：每年减少质量损失约120万元。\n社会效益：提升产品可靠性和用户满意度。",
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
    docx(&body)
}

/// 附件2 立项申报汇总表 of a unit, one row per project.
pub fn summary(unit: &str, projects: &[Project]) -> Vec<u8> {
    let mut rows = vec![row(&TEMPLATE_HEADER.map(|h| cell(h, 1)))];
    for (i, p) in projects.iter().enumerate() {
        let lead = format!(
            "{} {}",
            p.contact.split('，').next().unwrap_or(""),
            p.mobile
        );
        let vals = [
            (i + 1).to_string(),
            p.enterprise.to_string(),
            p.code(),
            "制造业".to_string(),
            p.district.to_string(),
            p.size.to_string(),
            "民营企业".to_string(),
            p.project.to_string(),
            p.project_type.to_string(),
            lead,
            p.email.to_string(),
            String::new(),
        ];
        rows.push(row(&vals.map(|v| cell(&v, 1))));
    }
    let body = format!(
        "{}{}{}<w:tbl>{}</w:tbl>{}",
        para("附件2"),
        para("2023年天津市质量攻关项目立项申报汇总表"),
        para(&format!("推荐单位(公章)：{unit}")),
        rows.concat(),
        para("推荐部门负责人：王建国      填报人：刘晓燕      联系电话：022-28451234")
    );
    docx(&body)
}
