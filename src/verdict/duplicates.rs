//! Projects that repeat a past year's project of the same enterprise, or that another unit has
//! already submitted this year. Both are warnings: the division decides.

use super::materials::Project;
use crate::forms::value::name_key;
use crate::history::HistoryProject;
use crate::rules::similarity::dice;
use crate::rules::{Code, Problem};

fn same_enterprise(code_a: &str, name_a: &str, code_b: &str, name_b: &str) -> bool {
    (!code_a.is_empty() && code_a == code_b)
        || (!name_a.is_empty() && name_key(name_a) == name_key(name_b))
}

/// `duplicate_of_history` for a project whose title nearly repeats a past project of the same
/// enterprise. Descriptions share boilerplate across unrelated projects, so their similarity is
/// reported alongside, never used alone.
pub fn of_history(p: &Project, history: &[HistoryProject], threshold: f64) -> Option<Problem> {
    let a = &p.app;
    let best = history
        .iter()
        .filter(|h| {
            same_enterprise(
                &a.credit_code,
                &a.enterprise_name,
                &h.credit_code,
                &h.enterprise_name,
            )
        })
        .map(|h| (dice(&a.project_name, &h.project_name), h))
        .filter(|(s, _)| *s >= threshold)
        .max_by(|x, y| x.0.total_cmp(&y.0))?;
    let (title_sim, h) = best;
    let desc_sim = dice(&format!("{}{}", a.background, a.overview), &h.description);
    Some(
        Problem::new(
            Code::DuplicateOfHistory,
            format!(
                "“{}”的项目“{}”与该企业{}年度项目“{}”相似（名称相似度{:.0}%，简介相似度{:.0}%）。通知要求不得与历年项目雷同，请说明区别或更换项目。",
                a.enterprise_name,
                a.project_name,
                h.year,
                h.project_name,
                title_sim * 100.0,
                desc_sim * 100.0
            ),
        )
        .file(p.word.name.clone())
        .field("项目名称"),
    )
}

/// A project already submitted this year, by another unit.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Submitted {
    /// The unit key of who submitted it.
    pub unit: String,
    /// Its display name.
    pub unit_name: String,
    /// Enterprise credit code.
    pub credit_code: String,
    /// Enterprise name.
    pub enterprise_name: String,
    /// Project title.
    pub project_name: String,
}

/// `duplicate_in_campaign` for a project another unit has already submitted.
pub fn in_campaign(
    p: &Project,
    unit: &str,
    others: &[Submitted],
    threshold: f64,
) -> Option<Problem> {
    let a = &p.app;
    let other = others.iter().find(|o| {
        o.unit != unit
            && same_enterprise(
                &a.credit_code,
                &a.enterprise_name,
                &o.credit_code,
                &o.enterprise_name,
            )
            && dice(&a.project_name, &o.project_name) >= threshold
    })?;
    Some(
        Problem::new(
            Code::DuplicateInCampaign,
            format!(
                "“{}”的项目“{}”已由{}推荐报送，同一项目不应由多个推荐单位重复推荐，请与企业核实。",
                a.enterprise_name, a.project_name, other.unit_name
            ),
        )
        .file(p.word.name.clone())
        .field("项目名称"),
    )
}
