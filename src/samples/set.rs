//! The sample set: four district bureaus (推荐单位) writing to the call's mailbox in April 2023.

use super::Sample;
use super::docx::{self, Project};
use super::mail::{self, Charset, Mail};
use super::scan::stamped_png;
use crate::verdict::Verdict;
use chrono::DateTime;

const HEPING: (&str, &str) = ("和平区市场监督管理局", "hpqscjgj@tj.gov.cn");
const NANKAI: (&str, &str) = ("南开区市场监督管理局", "nkqscjgj@tj.gov.cn");
const BINHAI: (&str, &str) = ("滨海新区市场监督管理局", "bhxqscjgj@tj.gov.cn");
const HEXI: (&str, &str) = ("河西区市场监督管理局", "hxqscjgj@tj.gov.cn");

pub(super) fn projects() -> [Project; 5] {
    [
        Project {
            enterprise: "天津津安精密机械有限公司",
            code17: "91120101MA05KQ7R3",
            size: "中型",
            contact: "张立华，质量部部长",
            mobile: "13820041258",
            email: "zhanglh@jinan-jm.com",
            project: "提高精密齿轮加工一次合格率",
            project_type: "问题解决型",
            industry: "高端装备",
            district: "和平区",
            goals: "将齿轮加工一次合格率由94.2%提高到98.5%以上。",
        },
        Project {
            enterprise: "天津和信生物医药科技有限公司",
            code17: "91120101MA06C8TL1",
            size: "小型",
            contact: "李梅，质量保证部经理",
            mobile: "15922187634",
            email: "limei@hexin-bio.cn",
            project: "降低冻干制剂水分超标率",
            project_type: "问题解决型",
            industry: "生物医药",
            district: "和平区",
            goals: "将冻干制剂水分超标率由2.1%降低到0.5%以下。",
        },
        Project {
            enterprise: "天津南开新材料股份有限公司",
            code17: "91120104MA05M3GP8",
            size: "大型",
            contact: "王强，技术中心主任",
            mobile: "18622359017",
            email: "wangqiang@nk-material.com",
            project: "高性能碳纤维复合材料孔隙率控制",
            project_type: "创新型",
            industry: "新材料",
            district: "南开区",
            goals: "将复合材料孔隙率控制在1.0%以内，批次稳定性提升30%。",
        },
        Project {
            enterprise: "天津滨港石化装备有限公司",
            code17: "91120116MA06B1YW5",
            size: "中型",
            contact: "赵敏，质量管理部主管",
            mobile: "13702159846",
            email: "zhaomin@bingang-pe.com",
            project: "提高大型换热器管板焊接一次合格率",
            project_type: "问题解决型",
            industry: "绿色石化",
            district: "滨海新区",
            goals: "将管板焊接一次合格率由92.6%提高到97.0%以上。",
        },
        Project {
            enterprise: "天津海辰新能源科技有限公司",
            code17: "91120116MA05T7NJ2",
            size: "小型",
            contact: "陈晨，总工程师",
            mobile: "13516208873",
            email: "chenchen@haichen-ne.com",
            project: "动力电池模组一致性提升",
            project_type: "创新型",
            industry: "新能源",
            district: "滨海新区",
            goals: "将电池模组容量极差由3.5%缩小到1.5%以内。",
        },
    ]
}

/// A unit's Word and stamped files for its projects (summary first, as people attach them).
fn unit_files(unit: &str, ps: &[Project], stamped_summary: bool) -> Vec<(String, Vec<u8>)> {
    let mut files = vec![(
        "附件2：2023年天津市质量攻关项目立项申报汇总表.docx".to_string(),
        docx::summary(unit, ps),
    )];
    if stamped_summary {
        files.push((
            "附件2：汇总表（盖章版）.png".to_string(),
            stamped_png(true, 0),
        ));
    }
    for (i, p) in ps.iter().enumerate() {
        files.push((
            format!("附件1：立项申报表-{}.docx", p.enterprise),
            docx::application(p, unit),
        ));
        files.push((
            format!("附件1：立项申报表-{}（盖章）.png", p.enterprise),
            stamped_png(false, i + 1),
        ));
    }
    files
}

fn sample(name: &str, expected: Verdict, m: &Mail) -> Sample {
    Sample {
        name: name.to_string(),
        raw: mail::build(m),
        // The dates above are fixed literals; the default only guards a typo.
        received: DateTime::parse_from_rfc2822(m.date).unwrap_or_default(),
        expected,
    }
}

/// Every sample, in arrival order. Drawing and compressing the scans is the slow part and
/// the output is deterministic, so the set is built once per process.
pub fn all() -> Vec<Sample> {
    static SET: std::sync::OnceLock<Vec<Sample>> = std::sync::OnceLock::new();
    SET.get_or_init(build).clone()
}

pub(super) fn build() -> Vec<Sample> {
    let [p0, p1, p2, p3, p4] = projects();
    let complete = Mail {
        from: HEPING,
        subject: "和平区市场监督管理局2023年天津市质量攻关项目申报材料",
        body: "您好：\r\n现报送我区2023年天津市质量攻关项目申报材料（2个项目），包括立项申报表和汇总表的Word版及盖章扫描件，请查收。\r\n\r\n和平区市场监督管理局 刘晓燕\r\n022-27301234",
        date: "Tue, 18 Apr 2023 10:12:31 +0800",
        id: "sample-01-heping",
        charset: Charset::Gbk,
        extra: "X-Mailer: Foxmail 7.2.25.228[cn]\r\n",
        attachments: unit_files(HEPING.0, &[p0, p1], true),
    };
    let missing = Mail {
        from: NANKAI,
        subject: "南开区质量攻关项目申报",
        body: "您好，附件是南开区推荐的质量攻关项目申报材料，请查收。",
        date: "Wed, 19 Apr 2023 15:40:02 +0800",
        id: "sample-02-nankai",
        charset: Charset::Gbk,
        extra: "X-Mailer: Foxmail 7.2.25.228[cn]\r\n",
        attachments: unit_files(NANKAI.0, std::slice::from_ref(&p2), false),
    };
    let question = Mail {
        from: HEXI,
        subject: "关于质量攻关项目申报的咨询",
        body: "您好，请问今年的质量攻关项目申报表是否需要企业和推荐单位同时盖章？谢谢！\r\n河西区市场监督管理局 孙丽",
        date: "Thu, 20 Apr 2023 09:05:47 +0800",
        id: "sample-03-hexi",
        charset: Charset::Utf8,
        extra: "",
        attachments: Vec::new(),
    };
    let zipped: Vec<(String, Vec<u8>)> = unit_files(BINHAI.0, &[p3, p4], true);
    let entries: Vec<(&str, &[u8])> = zipped
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    let archive = Mail {
        from: BINHAI,
        subject: "滨海新区2023年质量攻关项目申报材料",
        body: "您好：\r\n滨海新区推荐项目2项，申报材料已打包为压缩文件，请查收。",
        date: "Fri, 21 Apr 2023 11:26:15 +0800",
        id: "sample-04-binhai",
        charset: Charset::Utf8,
        extra: "",
        attachments: vec![(
            "滨海新区质量攻关项目申报材料.zip".to_string(),
            docx::zip_files(&entries),
        )],
    };
    let auto = Mail {
        from: HEXI,
        subject: "自动回复：2023年天津市质量攻关项目申报通知",
        body: "您好，我已收到您的邮件，近期外出，回来后尽快处理。",
        date: "Fri, 21 Apr 2023 14:02:09 +0800",
        id: "sample-05-autoreply",
        charset: Charset::Utf8,
        extra: "Auto-Submitted: auto-replied\r\nX-Auto-Response-Suppress: All\r\n",
        attachments: Vec::new(),
    };
    let completion = Mail {
        from: NANKAI,
        subject: "补报：南开区质量攻关项目汇总表盖章版",
        body: "您好，补充报送南开区质量攻关项目立项申报汇总表盖章扫描件，请查收。",
        date: "Mon, 24 Apr 2023 16:18:40 +0800",
        id: "sample-06-nankai",
        charset: Charset::Gbk,
        extra: "X-Mailer: Foxmail 7.2.25.228[cn]\r\n",
        attachments: vec![(
            "附件2：汇总表（盖章版）.png".to_string(),
            stamped_png(true, 0),
        )],
    };
    vec![
        sample("01-heping-complete.eml", Verdict::Accepted, &complete),
        sample(
            "02-nankai-missing-stamped-summary.eml",
            Verdict::Rejected,
            &missing,
        ),
        sample("03-hexi-question.eml", Verdict::Ignored, &question),
        sample("04-binhai-zip.eml", Verdict::Accepted, &archive),
        sample("05-hexi-autoreply.eml", Verdict::Ignored, &auto),
        sample("06-nankai-completion.eml", Verdict::Accepted, &completion),
    ]
}
