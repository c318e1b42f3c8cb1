//! Plain values for the judge's unit tests: files, forms, summary rows, projects.

use super::materials::{FileRef, Project};
use crate::forms::application::Application;
use crate::forms::summary::{Summary, SummaryRow};
use chrono::{DateTime, FixedOffset};

/// Valid unified social credit codes (GB 32100).
pub const CODES: [&str; 3] = [
    "91120101584296705M",
    "91120101MA06J63YX9",
    "91120101MA05N9976E",
];

/// 2023-04-20 09:00 Beijing time, `minutes` later.
pub fn at(minutes: i64) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2023-04-20T09:00:00+08:00").unwrap_or_default()
        + chrono::Duration::minutes(minutes)
}

/// A file sent in the unit's email number `email`.
pub fn file(name: &str, email: u32) -> FileRef {
    FileRef {
        name: name.into(),
        container: None,
        received: at(i64::from(email)),
        email,
        seq: Some(0),
    }
}

/// An application form with what the rules need to find it complete.
pub fn app(enterprise: &str, code: &str, project: &str) -> Application {
    Application {
        enterprise_name: enterprise.into(),
        credit_code: code.into(),
        recommender: "和平区市场监管局".into(),
        enterprise_size: Some("中型".into()),
        contact: "赖慧亮，办公室主任".into(),
        mobile: "18998269489".into(),
        email: "zhaolei12@qq.com".into(),
        project_name: project.into(),
        project_type: Some("创新型".into()),
        industry: Some("高端装备".into()),
        background: "公司高度重视质量管理工作。".into(),
        overview: "本项目以装配工序为研究对象。".into(),
        goals: "将一次合格率由95.4%提高到99.6%以上。".into(),
        expected_results: "每年减少废品损失约572万元。".into(),
        ..Application::default()
    }
}

/// A summary row.
pub fn row(seq: &str, enterprise: &str, code: &str, project: &str) -> SummaryRow {
    SummaryRow {
        seq: seq.into(),
        enterprise_name: enterprise.into(),
        credit_code: code.into(),
        industry: "制造业".into(),
        district: "和平区".into(),
        enterprise_size: "中型".into(),
        ownership: "民营企业".into(),
        project_name: project.into(),
        project_type: "创新型".into(),
        project_lead: "许斌宇 18998269489".into(),
        email: "zhaolei12@qq.com".into(),
        remarks: String::new(),
    }
}

/// A summary of `rows`.
pub fn summary(rows: Vec<SummaryRow>) -> Summary {
    Summary {
        recommender: Some("和平区市场监管局".into()),
        rows,
        ambiguous: Vec::new(),
    }
}

/// A project from its Word file, with its stamped scan if any.
pub fn project(word: &str, app: Application, stamped: Option<&str>) -> Project {
    Project {
        word: file(word, 1),
        app,
        stamped: stamped.map(|s| file(s, 1)),
    }
}
