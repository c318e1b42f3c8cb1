//! `shenbao status` as the division reads it: the counts, then each unit by name under its
//! standing — the configured units apart from the units and senders nobody expected.

use super::local_time;
use super::problems;
use super::status::{Attention, Status, Tally};
use super::units::{Standing, UnitView};
use crate::config::Config;

/// The status as the division reads it.
pub fn render(s: &Status, cfg: &Config) -> String {
    let mut out = format!("{} 申报情况\n", cfg.campaign.name);
    let deadline = local_time(&s.deadline, cfg);
    if s.days_left > 0 {
        out += &format!("截止时间：{deadline}（剩余 {} 天）\n", s.days_left);
    } else {
        out += &format!("截止时间：{deadline}（已截止）\n");
    }
    out += "\n邮件：";
    if s.messages.is_empty() {
        out += "尚未收到邮件";
    }
    let counts: Vec<String> = s
        .messages
        .iter()
        .map(|(v, n)| format!("{} {n} 封", v.label()))
        .collect();
    out += &counts.join("，");
    out += "\n";
    out += &units(s);
    section(&mut out, "需人工处理", &s.problems, cfg);
    section(&mut out, "正在重试的邮件", &s.retrying, cfg);
    section(
        &mut out,
        "未自动答复的咨询邮件（请工作人员答复）",
        &s.questions,
        cfg,
    );
    out += &format!("\n发件箱：待发送 {} 封", s.outbox_queued);
    if let Some(t) = &s.outbox_oldest {
        out += &format!("，最早 {}", local_time(t, cfg));
    }
    out += "\n";
    match &s.last_contact {
        Some(t) => out += &format!("最近一次连上邮箱：{}\n", local_time(t, cfg)),
        None => out += "最近一次连上邮箱：无记录（守护进程尚未运行）\n",
    }
    out
}

/// The units' part: the configured units, then the units nobody configured, then the senders
/// whose mail named no unit, each counted and named.
fn units(s: &Status) -> String {
    let c = &s.counts;
    let expected: Vec<&UnitView> = s.units.iter().filter(|u| u.expected).collect();
    let others: Vec<&UnitView> = s
        .units
        .iter()
        .filter(|u| !u.expected && u.identified)
        .collect();
    let mut out = String::new();
    if c.expected.total > 0 {
        out += &format!(
            "\n推荐单位：应报 {} 家，{}\n",
            c.expected.total,
            tally(&c.expected)
        );
        out += &by_standing(&expected);
        if c.unexpected.total > 0 {
            out += &format!(
                "\n不在应报名单中的推荐单位：{} 家，{}\n",
                c.unexpected.total,
                tally(&c.unexpected)
            );
            out += &by_standing(&others);
        }
    } else {
        out += &format!(
            "\n推荐单位（配置中未列出应报单位）：来信 {} 家，{}\n",
            c.unexpected.total,
            tally(&c.unexpected)
        );
        out += &by_standing(&others);
    }
    if c.unidentified_senders > 0 {
        out += &format!(
            "\n未识别推荐单位的发件人：{} 个（邮件中没有写明推荐单位，不计入上面的单位）\n",
            c.unidentified_senders
        );
        for u in s.units.iter().filter(|u| !u.identified) {
            out += &format!("    {}：{}\n", u.name, open_problems(u));
        }
    }
    out
}

/// `已受理 2 家，材料不全 1 家，未提交 1 家`: accepted always (0 is news too), the others
/// when there are any.
fn tally(t: &Tally) -> String {
    let mut parts = vec![if t.accepted_by_hand > 0 {
        format!(
            "已受理 {} 家（其中人工受理 {} 家）",
            t.accepted, t.accepted_by_hand
        )
    } else {
        format!("已受理 {} 家", t.accepted)
    }];
    for (n, what) in [
        (t.incomplete, Standing::Incomplete),
        (t.needs_correction, Standing::NeedsCorrection),
        (
            t.incomplete_and_needs_correction,
            Standing::IncompleteAndNeedsCorrection,
        ),
    ] {
        if n > 0 {
            parts.push(format!("{} {n} 家", what.zh()));
        }
    }
    if t.not_submitted > 0 {
        parts.push(format!("未提交 {} 家", t.not_submitted));
    }
    parts.join("，")
}

/// The units of one group named under their standing: who is done, who lacks what, who must
/// correct what, who has sent nothing.
fn by_standing(units: &[&UnitView]) -> String {
    let mut out = String::new();
    let named = |st: &[Standing]| -> Vec<&UnitView> {
        units
            .iter()
            .copied()
            .filter(|u| st.contains(&u.standing))
            .collect()
    };
    let accepted = named(&[Standing::Accepted, Standing::AcceptedWithProblems]);
    if !accepted.is_empty() {
        let names: Vec<String> = accepted.iter().map(|u| done(u)).collect();
        out += &format!("  已受理：{}\n", names.join("、"));
    }
    let by_hand = named(&[Standing::AcceptedByHand]);
    if !by_hand.is_empty() {
        let names: Vec<String> = by_hand.iter().map(|u| done(u)).collect();
        out += &format!("  已人工受理：{}\n", names.join("、"));
    }
    for st in [
        Standing::Incomplete,
        Standing::NeedsCorrection,
        Standing::IncompleteAndNeedsCorrection,
    ] {
        let open = named(&[st]);
        if open.is_empty() {
            continue;
        }
        out += &format!("  {}：\n", st.zh());
        for u in open {
            out += &format!("    {}：{}\n", u.name, open_problems(u));
        }
    }
    let absent: Vec<&str> = named(&[Standing::NotSubmitted])
        .iter()
        .map(|u| u.name.as_str())
        .collect();
    if !absent.is_empty() {
        out += &format!("  未提交：{}\n", absent.join("、"));
    }
    out
}

/// A done unit: its name with its receipt, and what a later email left to fix.
fn done(u: &UnitView) -> String {
    let mut s = match &u.receipt {
        Some(r) => format!("{}（{r}）", u.name),
        None => u.name.clone(),
    };
    if u.standing == Standing::AcceptedWithProblems && !u.missing.is_empty() {
        s += &format!("〔后续邮件需补正：{}〕", open_problems(u));
    }
    s
}

/// A unit's open problems, each code once under its title: what is missing, then what is
/// wrong, labelled when the unit has both.
fn open_problems(u: &UnitView) -> String {
    match (u.lacking.is_empty(), u.to_correct.is_empty()) {
        (true, true) => "没有待解决的问题".into(),
        (false, true) => problems::joined(&u.lacking),
        (true, false) => problems::joined(&u.to_correct),
        (false, false) => format!(
            "缺：{}；需补正：{}",
            problems::joined(&u.lacking),
            problems::joined(&u.to_correct)
        ),
    }
}

fn section(out: &mut String, title: &str, items: &[Attention], cfg: &Config) {
    if items.is_empty() {
        return;
    }
    *out += &format!("\n{title}：{} 项\n", items.len());
    for a in items {
        let id = a.message.map(|m| format!("#{m} ")).unwrap_or_default();
        let subject = if a.subject.is_empty() {
            String::new()
        } else {
            format!(" “{}”", a.subject)
        };
        *out += &format!(
            "  {id}{} {}{subject}：{}\n",
            local_time(&a.at, cfg),
            a.who,
            a.why
        );
    }
}
