//! The judge's state as the record keeps it, so that start-up loads it instead of judging the
//! whole archive again. Each unit is stored as its public JSON (the one `units.materials`
//! and the division's views read) plus the readers' notes that JSON leaves out (ticked
//! several, labels missing, ambiguous labels): the content rules read those notes again on
//! every later email of the unit, so a unit loaded without them would be judged differently.
//!
//! [`FORMAT`] changes whenever what is stored, or how the judge reads it, changes: a state
//! stored in another format is not loaded, the archive is judged again once instead.

use super::state::Unit;
use crate::forms::application::{Application, field_key};
use crate::forms::summary::{Summary, column_key};
use serde::{Deserialize, Serialize};

/// The version of the stored state's format.
pub const FORMAT: u32 = 1;

/// Why a stored unit cannot be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SavedError {
    /// Not the JSON this format writes.
    #[error("stored unit state is not valid: {0}")]
    Json(#[from] serde_json::Error),
    /// A note names a field or column this binary does not know.
    #[error("stored unit state names an unknown field “{0}”")]
    UnknownKey(String),
    /// The notes do not line up with the unit's projects.
    #[error("stored unit state has notes for {notes} projects, but {projects} projects")]
    Misaligned {
        /// Notes stored.
        notes: usize,
        /// Projects stored.
        projects: usize,
    },
}

/// A unit with its readers' notes.
#[derive(Debug, Serialize, Deserialize)]
struct Saved {
    /// The unit as its public JSON.
    unit: Unit,
    /// `ambiguous` of the summary kept in the materials.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    summary_ambiguous: Vec<(String, Vec<String>)>,
    /// The notes of each project's form, in the order of `unit.materials.projects`.
    #[serde(default)]
    projects: Vec<FormNotes>,
}

/// What the application reader noted beside the values.
#[derive(Debug, Default, Serialize, Deserialize)]
struct FormNotes {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    several: Vec<(String, Vec<String>)>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    labels_missing: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    ambiguous: Vec<(String, Vec<String>)>,
}

/// A unit as stored.
pub fn encode(unit: &Unit) -> Result<String, serde_json::Error> {
    let m = &unit.materials;
    let saved = SavedRef {
        unit,
        summary_ambiguous: m
            .summary
            .as_ref()
            .map(|(_, s)| owned(&s.ambiguous))
            .unwrap_or_default(),
        projects: m.projects.iter().map(|p| notes_of(&p.app)).collect(),
    };
    serde_json::to_string(&saved)
}

/// A unit as stored, read back.
pub fn decode(text: &str) -> Result<Unit, SavedError> {
    let saved: Saved = serde_json::from_str(text)?;
    let mut unit = saved.unit;
    let m = &mut unit.materials;
    if saved.projects.len() != m.projects.len() {
        return Err(SavedError::Misaligned {
            notes: saved.projects.len(),
            projects: m.projects.len(),
        });
    }
    if let Some((_, s)) = &mut m.summary {
        restore_summary(s, saved.summary_ambiguous)?;
    }
    for (p, notes) in m.projects.iter_mut().zip(saved.projects) {
        restore_form(&mut p.app, notes)?;
    }
    Ok(unit)
}

/// [`Saved`] borrowing the unit, for writing.
#[derive(Serialize)]
struct SavedRef<'a> {
    unit: &'a Unit,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    summary_ambiguous: Vec<(String, Vec<String>)>,
    projects: Vec<FormNotes>,
}

fn owned(v: &[(String, Vec<&'static str>)]) -> Vec<(String, Vec<String>)> {
    v.iter()
        .map(|(label, keys)| (label.clone(), keys.iter().map(|k| k.to_string()).collect()))
        .collect()
}

fn notes_of(app: &Application) -> FormNotes {
    FormNotes {
        several: app
            .several
            .iter()
            .map(|(k, opts)| (k.to_string(), opts.clone()))
            .collect(),
        labels_missing: app.labels_missing.iter().map(|k| k.to_string()).collect(),
        ambiguous: owned(&app.ambiguous),
    }
}

fn key(known: fn(&str) -> Option<&'static str>, k: String) -> Result<&'static str, SavedError> {
    known(&k).ok_or(SavedError::UnknownKey(k))
}

fn keys(
    known: fn(&str) -> Option<&'static str>,
    v: Vec<(String, Vec<String>)>,
) -> Result<Vec<(String, Vec<&'static str>)>, SavedError> {
    v.into_iter()
        .map(|(label, ks)| {
            let ks = ks
                .into_iter()
                .map(|k| key(known, k))
                .collect::<Result<_, _>>()?;
            Ok((label, ks))
        })
        .collect()
}

fn restore_summary(
    s: &mut Summary,
    ambiguous: Vec<(String, Vec<String>)>,
) -> Result<(), SavedError> {
    s.ambiguous = keys(column_key, ambiguous)?;
    Ok(())
}

fn restore_form(app: &mut Application, notes: FormNotes) -> Result<(), SavedError> {
    app.several = notes
        .several
        .into_iter()
        .map(|(k, opts)| Ok((key(field_key, k)?, opts)))
        .collect::<Result<_, SavedError>>()?;
    app.labels_missing = notes
        .labels_missing
        .into_iter()
        .map(|k| key(field_key, k))
        .collect::<Result<_, _>>()?;
    app.ambiguous = keys(field_key, notes.ambiguous)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::summary::SummaryRow;
    use crate::verdict::materials::{FileRef, Materials, Project};
    use chrono::DateTime;

    fn file(name: &str) -> FileRef {
        FileRef {
            name: name.into(),
            container: None,
            received: DateTime::parse_from_rfc3339("2023-04-20T10:00:00+08:00").unwrap_or_default(),
            email: 1,
            seq: Some(0),
        }
    }

    fn unit_with_notes() -> Unit {
        let app = Application {
            enterprise_name: "天津甲公司".into(),
            project_name: "质量提升".into(),
            several: vec![("enterprise_size", vec!["大型".into(), "中型".into()])],
            labels_missing: vec!["goals"],
            ambiguous: vec![("联系电话".into(), vec!["mobile", "landline"])],
            ..Application::default()
        };
        let summary = Summary {
            recommender: Some("河西区市场监管局".into()),
            rows: vec![SummaryRow::default()],
            ambiguous: vec![("负责人".into(), vec!["project_lead", "seq"])],
        };
        Unit {
            name: "河西区市场监管局".into(),
            materials: Materials {
                summary: Some((file("汇总表.docx"), summary)),
                summary_stamped: None,
                projects: vec![Project {
                    word: file("申报表.docx"),
                    app,
                    stamped: Some(file("申报表.pdf")),
                }],
                loose_stamped: vec![file("扫描.pdf")],
            },
            emails: 2,
            receipt: Some("ZLGG2023-001".into()),
            seals_confirmed: vec![file("申报表.pdf")],
        }
    }

    #[test]
    fn a_unit_reads_back_with_the_notes_its_public_json_leaves_out() {
        let u = unit_with_notes();
        let text = encode(&u).unwrap_or_default();
        let back = decode(&text).ok();
        assert_eq!(back.as_ref(), Some(&u));
    }

    #[test]
    fn a_note_naming_an_unknown_field_is_refused() {
        let text = encode(&unit_with_notes()).unwrap_or_default();
        let mut v: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        v["projects"][0]["labels_missing"] = serde_json::json!(["no_such_field"]);
        let text = v.to_string();
        assert!(matches!(decode(&text), Err(SavedError::UnknownKey(k)) if k == "no_such_field"));
    }

    #[test]
    fn notes_that_do_not_line_up_with_the_projects_are_refused() {
        let mut u = unit_with_notes();
        let text = encode(&u).unwrap_or_default();
        let mut v: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        v["projects"] = serde_json::json!([]);
        assert!(matches!(
            decode(&v.to_string()),
            Err(SavedError::Misaligned { .. })
        ));
        u.materials.projects.clear();
        assert!(decode(&encode(&u).unwrap_or_default()).is_ok());
    }
}
