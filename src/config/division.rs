//! The `[division]` section: what the daemon sends the division itself (not the units). Today
//! the daily digest; converted into `notify::digest::DigestSettings`.

use crate::notify::digest::DigestSettings;
use chrono::NaiveTime;
use serde::Deserialize;

/// The `[division]` section.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Division {
    /// The division's addresses for the daily digest; empty (the default): no digest.
    #[serde(default)]
    pub digest_to: Vec<String>,
    /// Time of day, `HH:MM` in the campaign's time zone (the deadline's offset), from which the
    /// day's digest goes out: staff find it when they start work.
    #[serde(default = "default_digest_at", deserialize_with = "time_of_day")]
    pub digest_at: NaiveTime,
}

impl Default for Division {
    fn default() -> Self {
        Division {
            digest_to: Vec::new(),
            digest_at: default_digest_at(),
        }
    }
}

impl Division {
    /// The digest's settings, when it has anyone to go to.
    pub fn digest(&self) -> Option<DigestSettings> {
        let to: Vec<String> = self
            .digest_to
            .iter()
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty())
            .collect();
        (!to.is_empty()).then_some(DigestSettings {
            to,
            at: self.digest_at,
        })
    }
}

/// 08:30: before the division's working day, after the night's mail.
fn default_digest_at() -> NaiveTime {
    NaiveTime::from_hms_opt(8, 30, 0).unwrap_or(NaiveTime::MIN)
}

fn time_of_day<'de, D: serde::Deserializer<'de>>(d: D) -> Result<NaiveTime, D::Error> {
    let s = String::deserialize(d)?;
    NaiveTime::parse_from_str(s.trim(), "%H:%M").map_err(|_| {
        serde::de::Error::custom(format!(
            "digest_at “{s}” must be a time of day HH:MM, e.g. \"08:30\" (the campaign's time zone)"
        ))
    })
}

#[cfg(test)]
mod tests {
    use crate::config::Config;

    const CAMPAIGN: &str = "[campaign]\nname='x'\ndeadline='2023-04-28T23:59:59+08:00'\n";

    #[test]
    fn off_by_default_on_with_addresses_at_the_time_given() {
        let c = Config::parse(CAMPAIGN).unwrap();
        assert_eq!(c.division.digest(), None);
        assert_eq!(c.division.digest_at.to_string(), "08:30:00");
        let c = Config::parse(&format!(
            "{CAMPAIGN}[division]\ndigest_to = ['zlfzc@tj.gov.cn', ' ']\ndigest_at = '07:05'\n"
        ))
        .unwrap();
        let s = c.division.digest().unwrap();
        assert_eq!(s.to, vec!["zlfzc@tj.gov.cn".to_string()]);
        assert_eq!(s.at.to_string(), "07:05:00");
    }

    #[test]
    fn a_time_that_is_not_hh_mm_is_refused_with_its_line() {
        for bad in ["8点半", "25:00", "08:30:00", ""] {
            let e =
                Config::parse(&format!("{CAMPAIGN}[division]\ndigest_at = '{bad}'\n")).unwrap_err();
            let e = e.to_string();
            assert!(e.contains("HH:MM") && e.contains("line 5"), "{bad}: {e}");
        }
    }

    #[test]
    fn the_example_documents_the_section_off() {
        let c = Config::parse(include_str!("../../config/shenbao.example.toml")).unwrap();
        assert_eq!(c.division.digest(), None);
        assert_eq!(c.division.digest_at.format("%H:%M").to_string(), "08:30");
    }
}
