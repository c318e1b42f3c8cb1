//! The decision forms the pages show a clerk, and the record of decisions taken. Every form
//! posts to `/decide` with the session's CSRF token, the kind, what it is about, a required
//! reason and the page to return to.

use crate::config::Config;
use crate::store::{DecisionKind, DecisionRow, DecisionState};
use crate::web::auth::Viewer;
use maud::{Markup, html};

/// What one form decides about.
pub struct About<'a> {
    /// The kind of decision.
    pub kind: DecisionKind,
    /// The unit (key), when the kind names one.
    pub unit: Option<&'a str>,
    /// The file, message, reply or address.
    pub target: Option<&'a str>,
    /// The page the form is on.
    pub back: &'a str,
}

/// Which text box a form has besides the reason.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Note {
    /// Only the reason.
    None,
    /// Text that goes to the unit (a correction's note, an answer).
    ToUnit,
    /// The name of the unit the sender's mail is filed under (posted as `unit`).
    UnitName,
}

/// A decision form: hidden fields, the note box when the kind takes one, the reason, a button.
pub fn form(viewer: &Viewer, about: &About<'_>, note: Note, button: &str) -> Markup {
    if !viewer.can_decide() {
        return html! {};
    }
    let kind = kind_code(about.kind);
    html! {
        form.decide method="post" action="/decide" data-kind=(kind) {
            input type="hidden" name="csrf" value=(viewer.csrf);
            input type="hidden" name="kind" value=(kind);
            @if let Some(u) = about.unit { input type="hidden" name="unit" value=(u); }
            @if let Some(t) = about.target { input type="hidden" name="target" value=(t); }
            input type="hidden" name="back" value=(about.back);
            @match note {
                Note::ToUnit => label { "发给单位的内容" textarea name="note" rows="4" required {} },
                Note::UnitName => label { "归入的推荐单位名称" input type="text" name="unit" required; },
                Note::None => {},
            }
            label { "理由（必填，记入决定记录）" input type="text" name="reason" required; }
            button type="submit" { (button) }
        }
    }
}

/// The stored code of a kind, as the form posts it.
fn kind_code(kind: DecisionKind) -> &'static str {
    match kind {
        DecisionKind::Accept => "accept",
        DecisionKind::ConfirmSeal => "confirm_seal",
        DecisionKind::AssignSender => "assign_sender",
        DecisionKind::RequestCorrection => "request_correction",
        DecisionKind::Answer => "answer",
        DecisionKind::MarkAnswered => "mark_answered",
        DecisionKind::Resend => "resend",
        DecisionKind::Release => "release",
        DecisionKind::Drop => "drop",
        DecisionKind::Remind => "remind",
    }
}

/// The decisions taken, newest last, each with who, when, what, why and what came of it.
pub fn record(decisions: &[DecisionRow], cfg: &Config) -> Markup {
    html! {
        @if decisions.is_empty() {
            p.muted { "尚无人工决定。" }
        } @else {
            table #decisions {
                tr { th { "时间" } th { "经办人" } th { "决定" } th { "理由" } th { "内容" } th { "结果" } }
                @for d in decisions {
                    tr id={ "decision-" (d.id) } data-state=(state_code(d.state)) {
                        td { (crate::division::local_time(&d.proposed_at, cfg)) }
                        td { (d.actor) }
                        td { (d.kind.label()) }
                        td { (d.reason) }
                        td { (d.note.as_deref().unwrap_or("")) }
                        td {
                            @match d.state {
                                DecisionState::Pending => span.tag.warn { "待执行" },
                                DecisionState::Applied => span.tag.ok { "已执行" },
                                DecisionState::Refused => span.tag.bad { "未执行" },
                            }
                            " " (d.result.as_deref().unwrap_or(""))
                        }
                    }
                }
            }
        }
    }
}

fn state_code(s: DecisionState) -> &'static str {
    match s {
        DecisionState::Pending => "pending",
        DecisionState::Applied => "applied",
        DecisionState::Refused => "refused",
    }
}
