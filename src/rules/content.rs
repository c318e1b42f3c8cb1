//! Checks on the content of one form: required fields, choices, codes, phones, e-mails.

use super::{Code, Problem, contact, credit_code};
use crate::forms::application::{Application, FIELDS, Field};
use crate::forms::summary::{COLUMNS, REQUIRED, Summary};

/// Problems of one application form read from `file`.
pub fn application(app: &Application, file: &str) -> Vec<Problem> {
    let mut out = Vec::new();
    let who = if app.enterprise_name.is_empty() {
        String::new()
    } else {
        format!("（{}）", app.enterprise_name)
    };
    let unsure = ambiguous_labels(app, file, &who, &mut out);
    for f in FIELDS {
        if !f.required || unsure.contains(&f.key) {
            continue;
        }
        let value = app.get(f.key).unwrap_or("");
        let problem = if f.options.is_empty() {
            value.is_empty().then(|| {
                Problem::new(
                    Code::MissingField,
                    format!(
                        "申报表{who}“{}”为必填项，未填写，请补充后重新报送。",
                        f.name
                    ),
                )
            })
        } else {
            choice_problem(app, f, value, &who)
        };
        out.extend(problem.map(|p| p.file(file).field(f.name)));
    }
    out.extend(code_and_contacts(app, &who).map(|(p, field)| p.file(file).field(field)));
    out
}

/// What is wrong with a required choice (`value` is what was ticked): several ticked, none,
/// or “其他” without what it is.
fn choice_problem(app: &Application, f: &Field, value: &str, who: &str) -> Option<Problem> {
    if let Some((_, opts)) = app.several.iter().find(|(k, _)| *k == f.key) {
        return Some(Problem::new(
            Code::InvalidChoice,
            format!(
                "申报表{who}“{}”勾选了多项（{}），只能勾选一项，请修改后重新报送。",
                f.name,
                opts.join("、")
            ),
        ));
    }
    if value.is_empty() {
        return Some(Problem::new(
            Code::InvalidChoice,
            format!(
                "申报表{who}“{}”未勾选，请在选项中勾选一项（☑或√）后重新报送。",
                f.name
            ),
        ));
    }
    (value == crate::forms::choice::OTHER).then(|| {
        Problem::new(
            Code::MissingField,
            format!(
                "申报表{who}“{}”勾选了“其他”，但未填写具体内容，请补充。",
                f.name
            ),
        )
    })
}

/// The credit code, mobile and e-mail as written (a missing one is the required-field
/// check's): each problem with the field it concerns.
fn code_and_contacts(
    app: &Application,
    who: &str,
) -> impl Iterator<Item = (Problem, &'static str)> {
    let code = (!app.credit_code.is_empty())
        .then(|| credit_code::problem(&app.credit_code))
        .flatten()
        .map(|why| {
            let p = Problem::new(
                Code::InvalidCreditCode,
                format!(
                    "申报表{who}统一社会信用代码“{}”有误：{why}。",
                    app.credit_code
                ),
            );
            (p, "统一社会信用代码")
        });
    let mobile = (!app.mobile.is_empty())
        .then(|| contact::mobile_problem(&app.mobile))
        .flatten()
        .map(|why| {
            let p = Problem::new(
                Code::InvalidMobile,
                format!("申报表{who}联系人手机有误：{why}，请填写11位手机号码。"),
            );
            (p, "联系人手机")
        });
    let email = (!app.email.is_empty())
        .then(|| contact::email_problem(&app.email))
        .flatten()
        .map(|why| {
            let p = Problem::new(
                Code::InvalidEmail,
                format!("申报表{who}电子邮箱有误：{why}，请核对后重新填写。"),
            );
            (p, "电子邮箱")
        });
    code.into_iter().chain(mobile).chain(email)
}

/// A label that fits several fields (联系电话: mobile or landline?) leaves the required ones
/// among them unread: one problem per such label, naming what it could be. Returns the fields
/// so reported.
fn ambiguous_labels(
    app: &Application,
    file: &str,
    who: &str,
    out: &mut Vec<Problem>,
) -> Vec<&'static str> {
    let mut reported = Vec::new();
    for (label, keys) in &app.ambiguous {
        let fields: Vec<&crate::forms::application::Field> = keys
            .iter()
            .filter_map(|k| FIELDS.iter().find(|f| f.key == *k))
            .collect();
        let Some(first) = fields
            .iter()
            .find(|f| f.required && app.get(f.key).is_none_or(str::is_empty))
        else {
            continue;
        };
        let names: Vec<String> = fields.iter().map(|f| format!("“{}”", f.name)).collect();
        out.push(
            Problem::new(
                Code::MissingField,
                format!(
                    "申报表{who}中的栏目“{}”无法确定是{}中的哪一项，因此“{}”未能读取。请按模板的栏目名称填写后重新报送。",
                    label.replace('\n', ""),
                    names.join("还是"),
                    first.name
                ),
            )
            .file(file)
            .field(first.name),
        );
        reported.extend(
            fields
                .iter()
                .filter(|f| app.get(f.key).is_none_or(str::is_empty))
                .map(|f| f.key),
        );
    }
    reported
}

/// Problems of the summary table read from `file`.
pub fn summary(s: &Summary, file: &str) -> Vec<Problem> {
    let mut out = Vec::new();
    for (i, row) in s.rows.iter().enumerate() {
        let n = if row.seq.is_empty() {
            (i + 1).to_string()
        } else {
            row.seq.clone()
        };
        for key in REQUIRED {
            if row.get(key).is_none_or(str::is_empty) {
                let name = COLUMNS
                    .iter()
                    .find(|(k, _, _)| k == key)
                    .map_or(*key, |(_, n, _)| *n);
                out.push(
                    Problem::new(
                        Code::MissingField,
                        format!("汇总表第{n}行“{name}”为必填项，未填写，请补充。"),
                    )
                    .file(file)
                    .field(name),
                );
            }
        }
        if !row.credit_code.is_empty()
            && let Some(why) = credit_code::problem(&row.credit_code)
        {
            out.push(
                Problem::new(
                    Code::InvalidCreditCode,
                    format!(
                        "汇总表第{n}行统一社会信用代码“{}”有误：{why}。",
                        row.credit_code
                    ),
                )
                .file(file)
                .field("统一社会信用代码"),
            );
        }
        if !row.email.is_empty()
            && let Some(why) = contact::email_problem(&row.email)
        {
            out.push(
                Problem::new(
                    Code::InvalidEmail,
                    format!("汇总表第{n}行电子邮箱有误：{why}。"),
                )
                .file(file)
                .field("电子邮箱"),
            );
        }
    }
    out
}
