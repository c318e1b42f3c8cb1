//! Whether a unit's materials are complete, and whether forms agree with the summary.

use super::materials::{Materials, Project};
use crate::forms::summary::SummaryRow;
use crate::forms::value::name_key;
use crate::rules::{Code, Problem, content};

/// How a summary row and a form relate.
enum Link {
    /// Same credit code and same name.
    Exact,
    /// Same code or same name, but the other differs.
    Mismatch(&'static str),
}

fn link(row: &SummaryRow, p: &Project) -> Option<Link> {
    let a = &p.app;
    let code_eq = !row.credit_code.is_empty() && row.credit_code == a.credit_code;
    let name_eq = !row.enterprise_name.is_empty()
        && name_key(&row.enterprise_name) == name_key(&a.enterprise_name);
    match (code_eq, name_eq) {
        (true, true) => Some(Link::Exact),
        (true, false) => Some(Link::Mismatch("企业名称")),
        (false, true) => Some(Link::Mismatch("统一社会信用代码")),
        (false, false) => None,
    }
}

/// Every problem of the unit's current materials: form contents, agreement with the summary,
/// and what is missing.
pub fn problems(m: &Materials) -> Vec<Problem> {
    let mut out = Vec::new();
    if let Some((file, s)) = &m.summary {
        out.extend(content::summary(s, &file.name));
    }
    for p in &m.projects {
        out.extend(content::application(&p.app, &p.word.name));
    }
    match (&m.summary, &m.summary_stamped) {
        (None, None) => out.push(Problem::new(
            Code::MissingSummary,
            "未收到《立项申报汇总表》（附件2）。请报送汇总表的word版（或Excel版）和加盖推荐单位公章的盖章版。",
        )),
        (None, Some(_)) => out.push(Problem::new(
            Code::MissingSummaryWord,
            "已收到汇总表盖章版，但未收到可编辑的word版（或Excel版），请补充报送。",
        )),
        (Some(_), None) => out.push(Problem::new(
            Code::MissingSummaryStamped,
            "已收到汇总表word版，但未收到加盖推荐单位公章的盖章版（PDF或扫描件），请补充报送。",
        )),
        (Some(_), Some(_)) => {}
    }
    let Some((sfile, summary)) = &m.summary else {
        // Without the summary only the forms themselves can be paired.
        let unpaired = m.projects.iter().filter(|p| p.stamped.is_none()).count();
        if unpaired > m.loose_stamped.len() {
            for p in m
                .projects
                .iter()
                .filter(|p| p.stamped.is_none())
                .take(unpaired - m.loose_stamped.len())
            {
                out.push(missing_stamped(&p.app.enterprise_name, &p.app.project_name));
            }
        }
        return out;
    };
    let mut row_has_form = vec![false; summary.rows.len()];
    let mut row_stamped = vec![false; summary.rows.len()];
    for p in &m.projects {
        let candidates: Vec<(usize, Link)> = summary
            .rows
            .iter()
            .enumerate()
            .filter_map(|(i, r)| link(r, p).map(|l| (i, l)))
            .collect();
        // An enterprise with several projects: the project name picks the row.
        let chosen = if candidates.len() > 1 {
            let by_title = candidates.iter().position(|(i, _)| {
                summary
                    .rows
                    .get(*i)
                    .is_some_and(|r| name_key(&r.project_name) == name_key(&p.app.project_name))
            });
            let free = candidates
                .iter()
                .position(|(i, _)| !row_has_form.get(*i).copied().unwrap_or(true));
            by_title
                .or(free)
                .and_then(|k| candidates.into_iter().nth(k))
        } else {
            candidates.into_iter().next()
        };
        match chosen {
            Some((i, l)) => {
                if let Some(slot) = row_has_form.get_mut(i) {
                    *slot = true;
                }
                if let (Some(slot), true) = (row_stamped.get_mut(i), p.stamped.is_some()) {
                    *slot = true;
                }
                if let (Link::Mismatch(field), Some(row)) = (l, summary.rows.get(i)) {
                    let (form_v, row_v) = if field == "企业名称" {
                        (&p.app.enterprise_name, &row.enterprise_name)
                    } else {
                        (&p.app.credit_code, &row.credit_code)
                    };
                    out.push(
                        Problem::new(
                            Code::SummaryFormMismatch,
                            format!(
                                "申报表的{field}“{form_v}”与汇总表第{}行的“{row_v}”不一致，请核对两表后统一修改并重新报送。",
                                if row.seq.is_empty() { (i + 1).to_string() } else { row.seq.clone() }
                            ),
                        )
                        .file(p.word.name.clone())
                        .field(field),
                    );
                }
            }
            None => out.push(
                Problem::new(
                    Code::SummaryFormMismatch,
                    format!(
                        "申报表所填企业“{}”（统一社会信用代码{}）未列入汇总表《{}》，请在汇总表中补充该项目或撤回该申报表。",
                        p.app.enterprise_name,
                        if p.app.credit_code.is_empty() { "未填" } else { &p.app.credit_code },
                        sfile.name
                    ),
                )
                .file(p.word.name.clone())
                .field("企业名称"),
            ),
        }
    }
    for (i, row) in summary.rows.iter().enumerate() {
        if !row_has_form.get(i).copied().unwrap_or(false) {
            out.push(
                Problem::new(
                    Code::MissingApplicationWord,
                    format!(
                        "汇总表第{}行“{}”的《立项申报表》（附件1）未收到可读取的word版，请补充报送。",
                        if row.seq.is_empty() { (i + 1).to_string() } else { row.seq.clone() },
                        row.enterprise_name
                    ),
                )
                .field("立项申报表"),
            );
        }
    }
    let uncovered: Vec<&SummaryRow> = summary
        .rows
        .iter()
        .enumerate()
        .filter(|(i, _)| !row_stamped.get(*i).copied().unwrap_or(false))
        .map(|(_, r)| r)
        .collect();
    // Scans that name no form are matched by count against the rows still without one; a
    // scan tied to a form that is not on the summary covers nothing.
    if uncovered.len() > m.loose_stamped.len() {
        for row in uncovered.iter().skip(m.loose_stamped.len()) {
            out.push(missing_stamped(&row.enterprise_name, &row.project_name));
        }
    }
    out
}

fn missing_stamped(enterprise: &str, project: &str) -> Problem {
    Problem::new(
        Code::MissingApplicationStamped,
        format!("“{enterprise}”项目“{project}”的《立项申报表》未收到加盖公章的盖章版（PDF或扫描件），请补充报送。"),
    )
    .field("立项申报表")
}
