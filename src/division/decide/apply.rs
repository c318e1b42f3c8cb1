//! Applying pending decisions: only the process that holds the data lock and the judge does
//! it (the daemon, or `decide` when no daemon runs). Each decision is applied to the judge,
//! then recorded with what it changed and the mail it sends in one transaction; when the
//! record cannot be written the judge's change is taken back and the decision stays pending.
//! A decision that cannot be applied is recorded as refused, with the reason in Chinese.

use super::mail::{self, Letter};
use crate::config::Config;
use crate::store::{
    Applied, DecisionKind, DecisionMail, DecisionRow, OutboxAction, OutboxState, Store,
};
use crate::verdict::{Decided, FileAt, Judge, Verdict};

/// Applies every pending decision, oldest first; returns how many were settled.
pub async fn apply_pending(
    store: &Store,
    cfg: &Config,
    judge: &mut Judge,
) -> anyhow::Result<usize> {
    let pending = store.pending_decisions().await?;
    for d in &pending {
        apply(store, cfg, judge, d).await?;
    }
    Ok(pending.len())
}

/// How a decision ends when it is not applied.
type Settled = Result<(), String>;

/// Applies decision `d`; a refusal is recorded as such.
async fn apply(
    store: &Store,
    cfg: &Config,
    judge: &mut Judge,
    d: &DecisionRow,
) -> anyhow::Result<()> {
    let settled = match d.kind {
        DecisionKind::Accept => accept(store, cfg, judge, d).await?,
        DecisionKind::ConfirmSeal => confirm_seal(store, judge, d).await?,
        DecisionKind::AssignSender => assign(store, cfg, judge, d).await?,
        DecisionKind::RequestCorrection => correct(store, cfg, judge, d).await?,
        DecisionKind::Answer | DecisionKind::MarkAnswered => answer(store, cfg, d).await?,
        DecisionKind::Resend => outbox(store, d, OutboxAction::Resend).await?,
        DecisionKind::Release => outbox(store, d, OutboxAction::Release).await?,
        DecisionKind::Drop => outbox(store, d, OutboxAction::Drop).await?,
        DecisionKind::Remind => remind(store, cfg, d).await?,
    };
    match settled {
        Ok(()) => {
            tracing::info!(decision = d.id, kind = d.kind.label(), actor = %d.actor, "decision applied");
            Ok(())
        }
        Err(why) => {
            tracing::info!(
                decision = d.id,
                kind = d.kind.label(),
                "decision refused: {why}"
            );
            store.refuse_decision(d.id, &why).await
        }
    }
}

fn unit_of(d: &DecisionRow) -> Result<&str, String> {
    d.unit_key
        .as_deref()
        .ok_or_else(|| "未指定单位".to_string())
}

/// 人工受理: the receipt, numbered as usual, to the unit's latest message.
async fn accept(
    store: &Store,
    cfg: &Config,
    judge: &mut Judge,
    d: &DecisionRow,
) -> anyhow::Result<Settled> {
    let key = match unit_of(d) {
        Ok(k) => k,
        Err(e) => return Ok(Err(e)),
    };
    let decided = match judge.accept_by_hand(key) {
        Ok(x) => x,
        Err(r) => return Ok(Err(r.to_string())),
    };
    let number = decided.receipt.clone().unwrap_or_default();
    let result = format!("已人工受理，受理编号 {number}");
    record(store, cfg, judge, d, decided, result).await
}

/// 公章已核.
async fn confirm_seal(
    store: &Store,
    judge: &mut Judge,
    d: &DecisionRow,
) -> anyhow::Result<Settled> {
    let Some(place) = file_target(store, d).await? else {
        return Ok(Err("找不到该文件".into()));
    };
    let Some(key) = place.unit_key.clone() else {
        return Ok(Err("该文件所在邮件未归入任何单位".into()));
    };
    let decided = match judge.confirm_seal(&key, &place.at) {
        Ok(x) => x,
        Err(r) => return Ok(Err(r.to_string())),
    };
    let result = format!("已确认“{}”加盖公章", place.at.name);
    let changed = judge.changed(&decided.before);
    let applied = Applied {
        result,
        judge: Some(changed),
        ..Applied::default()
    };
    let written = store.apply_decision(d.id, applied).await;
    finish(judge, decided, written).map(|_| Ok(()))
}

/// 归入单位: the unit judged again; complete, it gets its receipt.
async fn assign(
    store: &Store,
    cfg: &Config,
    judge: &mut Judge,
    d: &DecisionRow,
) -> anyhow::Result<Settled> {
    let (Some(addr), Some(name)) = (d.target.as_deref(), d.unit_key.as_deref()) else {
        return Ok(Err("未指定发件人或单位".into()));
    };
    let decided = match judge.assign_sender(addr, name) {
        Ok(x) => x,
        Err(r) => return Ok(Err(r.to_string())),
    };
    let mut result = format!("已将 {addr} 的邮件归入“{}”", decided.unit.1);
    if let Some(r) = &decided.receipt {
        result += &format!("；材料齐全，已受理，受理编号 {r}");
    }
    record(store, cfg, judge, d, decided, result).await
}

/// 要求补正: a notice with the clerk's note and the unit's open problems.
async fn correct(
    store: &Store,
    cfg: &Config,
    judge: &mut Judge,
    d: &DecisionRow,
) -> anyhow::Result<Settled> {
    let key = match unit_of(d) {
        Ok(k) => k,
        Err(e) => return Ok(Err(e)),
    };
    let Some((_, problems)) = judge.open_problems(key) else {
        return Ok(Err(format!("没有找到单位“{key}”的材料")));
    };
    let Some(unit) = judge.state().units.get(key) else {
        return Ok(Err(format!("没有找到单位“{key}”的材料")));
    };
    let Some(latest) = store.latest_mail_of_unit(key).await? else {
        return Ok(Err("该单位没有可回复的邮件".into()));
    };
    let note = d
        .note
        .as_deref()
        .map(|n| format!("工作人员意见：{}", n.trim()));
    let mut outcome = mail::outcome(key, unit, Verdict::Rejected, note);
    outcome.problems = problems;
    let Some(letter) = Letter::of_outcome(cfg, latest, outcome) else {
        return Ok(Err("该单位没有可用的回复地址".into()));
    };
    let result = format!("已向 {} 发送补正通知", letter.queued.recipient);
    send(store, cfg, d, letter, result).await
}

/// 答复问题 / 已另行答复.
async fn answer(store: &Store, cfg: &Config, d: &DecisionRow) -> anyhow::Result<Settled> {
    let Some(id) = d.target.as_deref().and_then(|t| t.parse::<i64>().ok()) else {
        return Ok(Err("未指定邮件".into()));
    };
    let Some(m) = store.mail_ref(id).await? else {
        return Ok(Err(format!("没有编号为 #{id} 的邮件")));
    };
    if d.kind == DecisionKind::MarkAnswered {
        let applied = Applied {
            result: format!("邮件 #{id} 已标记为已另行答复"),
            ..Applied::default()
        };
        store.apply_decision(d.id, applied).await?;
        return Ok(Ok(()));
    }
    let Some(text) = d.note.as_deref().filter(|t| !t.trim().is_empty()) else {
        return Ok(Err("答复内容为空".into()));
    };
    let Some(letter) = Letter::of_text(cfg, m, text) else {
        return Ok(Err(
            "该邮件没有可用的回复地址（自动邮件或本邮箱自身的邮件）".into(),
        ));
    };
    let result = format!("已答复 {}（邮件 #{id}）", letter.queued.recipient);
    send(store, cfg, d, letter, result).await
}

/// 重新发送 / 放行 / 撤销 a reply.
async fn outbox(store: &Store, d: &DecisionRow, action: OutboxAction) -> anyhow::Result<Settled> {
    let Some(id) = d.target.as_deref().and_then(|t| t.parse::<i64>().ok()) else {
        return Ok(Err("未指定回复".into()));
    };
    let Some(state) = store.reply_state(id).await? else {
        return Ok(Err(format!("没有编号为 {id} 的回复")));
    };
    let fits = match action {
        OutboxAction::Resend => matches!(
            state,
            OutboxState::Sent
                | OutboxState::Written
                | OutboxState::Failed
                | OutboxState::Undelivered
        ),
        OutboxAction::Release | OutboxAction::Drop => state == OutboxState::Held,
    };
    if !fits {
        return Ok(Err(format!(
            "回复 {id} 当前为“{}”，不能{}",
            state.label(),
            d.kind.label()
        )));
    }
    let result = match action {
        OutboxAction::Resend => format!("回复 {id} 已重新排队发送"),
        OutboxAction::Release => format!("回复 {id} 已放行，将发送"),
        OutboxAction::Drop => format!("回复 {id} 已撤销，不会发送"),
    };
    let applied = Applied {
        result,
        outbox: Some((id, action)),
        ..Applied::default()
    };
    store.apply_decision(d.id, applied).await?;
    Ok(Ok(()))
}

/// 催报提醒 to one unit (at most one a day, as `remind`).
async fn remind(store: &Store, cfg: &Config, d: &DecisionRow) -> anyhow::Result<Settled> {
    let key = match unit_of(d) {
        Ok(k) => k,
        Err(e) => return Ok(Err(e)),
    };
    match crate::division::remind::send_one(store, cfg, key).await? {
        Ok(to) => {
            let applied = Applied {
                result: format!("已向 {} 发送催报提醒", to.join("、")),
                ..Applied::default()
            };
            store.apply_decision(d.id, applied).await?;
            Ok(Ok(()))
        }
        Err(why) => Ok(Err(why)),
    }
}

/// Records a decision that changed the judge: the state, the unit's row, a receipt issued
/// and, when one was issued, the receipt to the unit.
async fn record(
    store: &Store,
    cfg: &Config,
    judge: &mut Judge,
    d: &DecisionRow,
    decided: Decided,
    result: String,
) -> anyhow::Result<Settled> {
    let (key, _) = decided.unit.clone();
    let letter = match (&decided.receipt, judge.state().units.get(&key)) {
        (Some(_), Some(unit)) => {
            let note = (d.kind == DecisionKind::Accept)
                .then(|| "经工作人员审核，予以人工受理。".to_string());
            let outcome = mail::outcome(&key, unit, Verdict::Accepted, note);
            match store.latest_mail_of_unit(&key).await? {
                Some(latest) => Letter::of_outcome(cfg, latest, outcome),
                None => None,
            }
        }
        _ => None,
    };
    let result = match &letter {
        Some(l) => format!("{result}；{}已发往 {}", l.label(), l.queued.recipient),
        None if decided.receipt.is_some() => format!("{result}；没有可用的回复地址，未发送回执"),
        None => result,
    };
    let composer = |row: i64| letter.as_ref().and_then(|l| l.compose(cfg, row));
    let receipt = decided.receipt.as_deref().map(|r| (key.as_str(), r));
    let applied = Applied {
        result,
        judge: Some(judge.changed(&decided.before)),
        receipt,
        mail: letter.as_ref().map(|l| DecisionMail {
            message: Some(l.answers.id),
            reply: &l.queued,
            composer: &composer,
            json: &l.json,
        }),
        outbox: None,
    };
    let written = store.apply_decision(d.id, applied).await;
    finish(judge, decided, written).map(|_| Ok(()))
}

/// Queues `letter` as decision `d`'s mail.
async fn send(
    store: &Store,
    cfg: &Config,
    d: &DecisionRow,
    letter: Letter,
    result: String,
) -> anyhow::Result<Settled> {
    let composer = |row: i64| letter.compose(cfg, row);
    let applied = Applied {
        result,
        mail: Some(DecisionMail {
            message: Some(letter.answers.id),
            reply: &letter.queued,
            composer: &composer,
            json: &letter.json,
        }),
        ..Applied::default()
    };
    store.apply_decision(d.id, applied).await?;
    Ok(Ok(()))
}

/// The judge's change kept when it was recorded, else taken back.
fn finish<T>(judge: &mut Judge, decided: Decided, written: anyhow::Result<T>) -> anyhow::Result<T> {
    if written.is_err() {
        judge.take_back(decided.before);
    }
    written
}

/// The file a seal confirmation names (`MESSAGE/SEQ`), as the judge knows it.
pub(super) struct Target {
    /// The file in the judge's terms.
    pub at: FileAt,
    /// Its unit (key).
    pub unit_key: Option<String>,
}

/// The file decision `d` names.
pub(super) async fn file_target(store: &Store, d: &DecisionRow) -> anyhow::Result<Option<Target>> {
    let Some((m, s)) = d.target.as_deref().and_then(|t| t.split_once('/')) else {
        return Ok(None);
    };
    let (Ok(m), Ok(s)) = (m.parse::<i64>(), s.parse::<i64>()) else {
        return Ok(None);
    };
    let Some(place) = store.file_place(m, s).await? else {
        return Ok(None);
    };
    let Ok(received) = chrono::DateTime::parse_from_rfc3339(&place.arrival) else {
        return Ok(None);
    };
    Ok(Some(Target {
        at: FileAt {
            name: place.name,
            received,
            seq: u32::try_from(s).ok(),
        },
        unit_key: place.unit_key.or_else(|| d.unit_key.clone()),
    }))
}
