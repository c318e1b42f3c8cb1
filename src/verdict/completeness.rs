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
    out.extend(summary_missing(m));
    let Some((sfile, summary)) = &m.summary else {
        out.extend(unpaired_without_summary(m));
        return out;
    };
    let cover = pair_with_rows(&summary.rows, &sfile.name, &m.projects, &mut out);
    for (i, row) in summary.rows.iter().enumerate() {
        if !cover.get(i).is_some_and(|c| c.has_form) {
            out.push(
                Problem::new(
                    Code::MissingApplicationWord,
                    format!(
                        "汇总表第{}行“{}”的《立项申报表》（附件1）未收到可读取的word版，请补充报送。",
                        row_label(row, i),
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
        .filter(|(i, _)| !cover.get(*i).is_some_and(|c| c.stamped))
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

/// The version of the summary not received yet, if any.
fn summary_missing(m: &Materials) -> Option<Problem> {
    match (&m.summary, &m.summary_stamped) {
        (None, None) => Some(Problem::new(
            Code::MissingSummary,
            "未收到《立项申报汇总表》（附件2）。请报送汇总表的word版（或Excel版）和加盖推荐单位公章的盖章版。",
        )),
        (None, Some(_)) => Some(Problem::new(
            Code::MissingSummaryWord,
            "已收到汇总表盖章版，但未收到可编辑的word版（或Excel版），请补充报送。",
        )),
        (Some(_), None) => Some(Problem::new(
            Code::MissingSummaryStamped,
            "已收到汇总表word版，但未收到加盖推荐单位公章的盖章版（PDF或扫描件），请补充报送。",
        )),
        (Some(_), Some(_)) => None,
    }
}

/// Without the summary only the forms themselves can be paired with scans.
fn unpaired_without_summary(m: &Materials) -> Vec<Problem> {
    let unpaired = m.projects.iter().filter(|p| p.stamped.is_none()).count();
    if unpaired <= m.loose_stamped.len() {
        return Vec::new();
    }
    m.projects
        .iter()
        .filter(|p| p.stamped.is_none())
        .take(unpaired - m.loose_stamped.len())
        .map(|p| missing_stamped(&p.app.enterprise_name, &p.app.project_name))
        .collect()
}

/// What the forms give each summary row.
#[derive(Debug, Clone, Copy, Default)]
struct RowCover {
    /// A Word form is on this row.
    has_form: bool,
    /// That form has its stamped scan.
    stamped: bool,
}

/// Puts each form on its summary row, reporting into `out` the forms that disagree with their
/// row or are on none; returns what each row got.
fn pair_with_rows(
    rows: &[SummaryRow],
    summary_name: &str,
    projects: &[Project],
    out: &mut Vec<Problem>,
) -> Vec<RowCover> {
    let mut cover = vec![RowCover::default(); rows.len()];
    for p in projects {
        let Some((i, l)) = row_of(rows, p, &cover) else {
            out.push(not_on_summary(p, summary_name));
            continue;
        };
        if let Some(slot) = cover.get_mut(i) {
            slot.has_form = true;
            slot.stamped |= p.stamped.is_some();
        }
        if let (Link::Mismatch(field), Some(row)) = (l, rows.get(i)) {
            out.push(mismatch(p, row, i, field));
        }
    }
    cover
}

/// The row a form is on: the one its enterprise links to; with several projects of the
/// enterprise, the one of its title, else the first without a form yet.
fn row_of(rows: &[SummaryRow], p: &Project, cover: &[RowCover]) -> Option<(usize, Link)> {
    let candidates: Vec<(usize, Link)> = rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| link(r, p).map(|l| (i, l)))
        .collect();
    if candidates.len() <= 1 {
        return candidates.into_iter().next();
    }
    let by_title = candidates.iter().position(|(i, _)| {
        rows.get(*i)
            .is_some_and(|r| name_key(&r.project_name) == name_key(&p.app.project_name))
    });
    let free = candidates
        .iter()
        .position(|(i, _)| !cover.get(*i).map(|c| c.has_form).unwrap_or(true));
    by_title
        .or(free)
        .and_then(|k| candidates.into_iter().nth(k))
}

/// A row's number as the summary writes it, else its position.
fn row_label(row: &SummaryRow, i: usize) -> String {
    if row.seq.is_empty() {
        (i + 1).to_string()
    } else {
        row.seq.clone()
    }
}

/// `summary_form_mismatch` for a form whose `field` differs from its row's.
fn mismatch(p: &Project, row: &SummaryRow, i: usize, field: &'static str) -> Problem {
    let (form_v, row_v) = if field == "企业名称" {
        (&p.app.enterprise_name, &row.enterprise_name)
    } else {
        (&p.app.credit_code, &row.credit_code)
    };
    Problem::new(
        Code::SummaryFormMismatch,
        format!(
            "申报表的{field}“{form_v}”与汇总表第{}行的“{row_v}”不一致，请核对两表后统一修改并重新报送。",
            row_label(row, i)
        ),
    )
    .file(p.word.name.clone())
    .field(field)
}

/// `summary_form_mismatch` for a form on no row of the summary.
fn not_on_summary(p: &Project, summary_name: &str) -> Problem {
    Problem::new(
        Code::SummaryFormMismatch,
        format!(
            "申报表所填企业“{}”（统一社会信用代码{}）未列入汇总表《{}》，请在汇总表中补充该项目或撤回该申报表。",
            p.app.enterprise_name,
            if p.app.credit_code.is_empty() { "未填" } else { &p.app.credit_code },
            summary_name
        ),
    )
    .file(p.word.name.clone())
    .field("企业名称")
}

fn missing_stamped(enterprise: &str, project: &str) -> Problem {
    Problem::new(
        Code::MissingApplicationStamped,
        format!("“{enterprise}”项目“{project}”的《立项申报表》未收到加盖公章的盖章版（PDF或扫描件），请补充报送。"),
    )
    .field("立项申报表")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::fixtures::{CODES, app, file, project, row, summary};

    const A: &str = "天津桥盛汽车部件股份有限公司";
    const B: &str = "天津晟永石油化工有限公司";

    fn codes(m: &Materials) -> Vec<Code> {
        problems(m).into_iter().map(|p| p.code).collect()
    }

    fn complete() -> Materials {
        Materials {
            summary: Some((
                file("汇总表.xlsx", 1),
                summary(vec![
                    row("1", A, CODES[0], "转向节设计"),
                    row("2", B, CODES[1], "树脂合格率"),
                ]),
            )),
            summary_stamped: Some(file("汇总表盖章.pdf", 1)),
            projects: vec![
                project("a.docx", app(A, CODES[0], "转向节设计"), Some("a.pdf")),
                project("b.docx", app(B, CODES[1], "树脂合格率"), Some("b.pdf")),
            ],
            loose_stamped: Vec::new(),
        }
    }

    #[test]
    fn complete_materials_have_no_problem() {
        assert_eq!(codes(&complete()), []);
    }

    #[test]
    fn nothing_yet_is_a_missing_summary() {
        assert_eq!(codes(&Materials::default()), [Code::MissingSummary]);
    }

    #[test]
    fn each_version_of_the_summary_is_asked_for() {
        let mut m = complete();
        m.summary_stamped = None;
        assert_eq!(codes(&m), [Code::MissingSummaryStamped]);
        let mut m = complete();
        m.summary = None;
        assert!(codes(&m).contains(&Code::MissingSummaryWord));
    }

    #[test]
    fn a_row_without_its_form_or_scan_is_reported_by_row() {
        let mut m = complete();
        m.projects.truncate(1);
        let p = problems(&m);
        let missing: Vec<&Problem> = p
            .iter()
            .filter(|p| p.code == Code::MissingApplicationWord)
            .collect();
        assert_eq!(missing.len(), 1);
        assert!(
            missing[0].message.contains("第2行"),
            "{}",
            missing[0].message
        );
        assert!(codes(&m).contains(&Code::MissingApplicationStamped));
    }

    #[test]
    fn a_form_that_disagrees_with_its_row_names_the_field() {
        let mut m = complete();
        m.projects[1].app.credit_code = CODES[2].into();
        let p = problems(&m);
        let mismatch: Vec<&Problem> = p
            .iter()
            .filter(|p| p.code == Code::SummaryFormMismatch)
            .collect();
        assert_eq!(mismatch.len(), 1);
        assert_eq!(mismatch[0].field.as_deref(), Some("统一社会信用代码"));
        assert_eq!(mismatch[0].file.as_deref(), Some("b.docx"));
    }

    #[test]
    fn a_form_not_on_the_summary_is_reported() {
        let mut m = complete();
        m.projects.push(project(
            "c.docx",
            app("天津金利中医药科技有限公司", CODES[2], "滴丸合格率"),
            Some("c.pdf"),
        ));
        let p = problems(&m);
        assert!(p.iter().any(|p| p.code == Code::SummaryFormMismatch
            && p.field.as_deref() == Some("企业名称")
            && p.file.as_deref() == Some("c.docx")));
    }

    #[test]
    fn loose_scans_cover_rows_by_count() {
        let mut m = complete();
        for p in &mut m.projects {
            p.stamped = None;
        }
        assert_eq!(
            codes(&m),
            [
                Code::MissingApplicationStamped,
                Code::MissingApplicationStamped
            ]
        );
        m.loose_stamped = vec![file("扫描1.pdf", 2)];
        assert_eq!(codes(&m), [Code::MissingApplicationStamped]);
        m.loose_stamped.push(file("扫描2.pdf", 2));
        assert_eq!(codes(&m), []);
    }

    #[test]
    fn without_a_summary_forms_are_paired_with_scans_alone() {
        let mut m = complete();
        m.summary = None;
        m.summary_stamped = None;
        m.projects[0].stamped = None;
        assert_eq!(
            codes(&m),
            [Code::MissingSummary, Code::MissingApplicationStamped]
        );
        m.loose_stamped = vec![file("扫描.pdf", 2)];
        assert_eq!(codes(&m), [Code::MissingSummary]);
    }
}
