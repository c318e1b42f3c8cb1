//! Projects that repeat a past year's project of the same enterprise, or that another unit has
//! already submitted this year. Both are warnings: the division decides.

use super::materials::Project;
use crate::forms::application::Application;
use crate::forms::value::name_key;
use crate::history::HistoryProject;
use crate::rules::similarity::dice;
use crate::rules::{Code, Problem};

fn same_enterprise(code_a: &str, name_a: &str, code_b: &str, name_b: &str) -> bool {
    (!code_a.is_empty() && code_a == code_b)
        || (!name_a.is_empty() && name_key(name_a) == name_key(name_b))
}

/// The past project of `a`'s enterprise whose title is most like `a`'s, at `threshold` or
/// above, with that similarity. Shared with the export's 提示 column, so the division's
/// workbook and the units' replies flag the same projects.
pub fn history_match<'h>(
    a: &Application,
    history: &'h [HistoryProject],
    threshold: f64,
) -> Option<(f64, &'h HistoryProject)> {
    history
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
        .max_by(|x, y| x.0.total_cmp(&y.0))
}

/// `duplicate_of_history` for a project whose title nearly repeats a past project of the same
/// enterprise. Descriptions share boilerplate across unrelated projects, so their similarity is
/// reported alongside, never used alone.
pub fn of_history(p: &Project, history: &[HistoryProject], threshold: f64) -> Option<Problem> {
    let a = &p.app;
    let (title_sim, h) = history_match(a, history, threshold)?;
    let desc_sim = dice(&format!("{}{}", a.background, a.overview), &h.description);
    Some(
        Problem::new(
            Code::DuplicateOfHistory,
            format!(
                "“{}”的项目“{}”与该企业{}年度项目“{}”相似（名称相似度{:.0}%，简介相似度{:.0}%）。此项不影响受理，处室将在评审时核对；如与历年项目确有区别，可在回复中简要说明。",
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

/// The first project of `others` that is `a`'s project submitted by a unit other than `unit`
/// (the same enterprise, a title at `threshold` or above). Shared with the export's 提示 column.
pub fn campaign_match<'o>(
    a: &Application,
    unit: &str,
    others: &'o [Submitted],
    threshold: f64,
) -> Option<&'o Submitted> {
    others.iter().find(|o| {
        o.unit != unit
            && same_enterprise(
                &a.credit_code,
                &a.enterprise_name,
                &o.credit_code,
                &o.enterprise_name,
            )
            && dice(&a.project_name, &o.project_name) >= threshold
    })
}

/// `duplicate_in_campaign` for a project another unit has already submitted.
pub fn in_campaign(
    p: &Project,
    unit: &str,
    others: &[Submitted],
    threshold: f64,
) -> Option<Problem> {
    let a = &p.app;
    let other = campaign_match(a, unit, others, threshold)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::fixtures::{CODES, app, project};

    const A: &str = "天津桥盛汽车部件股份有限公司";

    fn past(code: &str, name: &str, title: &str) -> HistoryProject {
        HistoryProject {
            year: "2022".into(),
            enterprise_name: name.into(),
            credit_code: code.into(),
            project_name: title.into(),
            description: "本项目以装配工序为研究对象。".into(),
        }
    }

    fn submitted(unit: &str, code: &str, name: &str, title: &str) -> Submitted {
        Submitted {
            unit: unit.into(),
            unit_name: unit.into(),
            credit_code: code.into(),
            enterprise_name: name.into(),
            project_name: title.into(),
        }
    }

    #[test]
    fn a_title_repeating_the_enterprises_past_project_is_flagged() {
        let p = project("a.docx", app(A, CODES[0], "高可靠性转向节设计与验证"), None);
        let history = [past(CODES[0], "", "高可靠性转向节的设计与验证")];
        let found = of_history(&p, &history, 0.7).unwrap();
        assert_eq!(found.code, Code::DuplicateOfHistory);
        // A warning that does not stop acceptance does not ask for another project.
        assert_eq!(found.severity, crate::rules::Severity::Warning);
        assert!(!found.message.contains("更换项目"), "{}", found.message);
        assert!(found.message.contains("不影响受理"), "{}", found.message);
        // The same title from another enterprise is no repeat.
        let other = [past(
            CODES[1],
            "天津晟永石油化工有限公司",
            "高可靠性转向节设计与验证",
        )];
        assert!(of_history(&p, &other, 0.7).is_none());
        // Nor a different title of the same enterprise.
        let unlike = [past(CODES[0], A, "涂装车间节能改造")];
        assert!(of_history(&p, &unlike, 0.7).is_none());
    }

    #[test]
    fn a_project_another_unit_submitted_is_flagged_with_its_name() {
        let p = project("a.docx", app(A, CODES[0], "转向节设计与验证"), None);
        let others = [submitted("河西区市场监管局", "", A, "转向节设计与验证")];
        let found = in_campaign(&p, "和平区市场监管局", &others, 0.7);
        assert_eq!(
            found.as_ref().map(|f| f.code),
            Some(Code::DuplicateInCampaign)
        );
        assert!(found.is_some_and(|f| f.message.contains("河西区市场监管局")));
        // The unit's own project is no duplicate.
        assert!(in_campaign(&p, "河西区市场监管局", &others, 0.7).is_none());
    }
}
