//! `[division]`: where and when the daily digest goes (nothing when it is off).

use super::file::line_of;
use super::{Mark, Report};
use crate::config::Config;
use crate::notify::compose::usable_address;

const FILE: &str = "配置文件";

/// The `[division]` checks, appended to `report`. The time itself was checked by parsing
/// (`digest_at` must be HH:MM); what is left is whom the digest reaches.
pub fn check(cfg: &Config, text: &str, report: &mut Report) {
    let at = |key: &str| line_of(text, "division", key);
    // Off (no address): nothing to say, whatever digest_at holds.
    let Some(settings) = cfg.division.digest() else {
        return;
    };
    let bad: Vec<&str> = settings
        .to
        .iter()
        .map(String::as_str)
        .filter(|a| !usable_address(a))
        .collect();
    if !bad.is_empty() {
        report.at(
            at("digest_to"),
            FILE,
            "每日汇总",
            Mark::Fail,
            format!("“{}”不是可用的邮箱地址", bad.join("”“")),
        );
        return;
    }
    let mailbox = &cfg.campaign.mailbox;
    if settings.to.iter().any(|a| a.eq_ignore_ascii_case(mailbox)) {
        report.at(
            at("digest_to"),
            FILE,
            "每日汇总",
            Mark::Warn,
            format!("发往申报邮箱 {mailbox} 本身的汇总会回到收件箱（作为本邮箱来信不予处理），请改用处室的邮箱"),
        );
        return;
    }
    report.at(
        at("digest_to"),
        FILE,
        "每日汇总",
        Mark::Pass,
        format!(
            "每天 {}（{}）后发送至 {}",
            settings.at.format("%H:%M"),
            cfg.campaign.deadline.format("%:z"),
            settings.to.join("、")
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(extra: &str) -> String {
        let text = format!(
            "[campaign]\nname='x'\nmailbox='scjgzlfzc@tj.gov.cn'\ndeadline='2099-04-28T23:59:59+08:00'\n{extra}"
        );
        let cfg = Config::parse(&text).unwrap();
        let mut r = Report::default();
        check(&cfg, &text, &mut r);
        r.render()
    }

    #[test]
    fn says_when_and_to_whom_and_refuses_what_cannot_be_sent() {
        assert_eq!(report(""), Report::default().render());
        let ok = report("[division]\ndigest_to = ['zlfzc@tj.gov.cn']\n");
        assert!(
            ok.contains("✓") && ok.contains("每天 08:30（+08:00）后发送至 zlfzc@tj.gov.cn"),
            "{ok}"
        );
        let bad = report("[division]\ndigest_to = ['质量发展处']\n");
        assert!(
            bad.contains("✗") && bad.contains("第 6 行") && bad.contains("质量发展处"),
            "{bad}"
        );
        let own = report("[division]\ndigest_to = ['scjgzlfzc@tj.gov.cn']\n");
        assert!(own.contains("!") && own.contains("回到收件箱"), "{own}");
        let off = report("[division]\ndigest_to = []\ndigest_at = '07:00'\n");
        assert_eq!(off, Report::default().render());
    }
}
