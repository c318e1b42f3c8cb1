//! Passwords (argon2id, PHC strings with a random salt) and the login throttle: after
//! [`MAX_FAILURES`] failed logins an account waits [`LOCK_MINUTES`] minutes.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Duration, Utc};
use std::sync::LazyLock;

/// Failed logins in a row that lock an account.
pub const MAX_FAILURES: i64 = 5;

/// How long a locked account waits.
pub const LOCK_MINUTES: i64 = 15;

/// Shortest password accepted.
pub const MIN_LENGTH: usize = 8;

/// The PHC string of `password` (argon2id, default parameters, fresh salt).
pub fn hash(password: &str) -> anyhow::Result<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| anyhow::anyhow!("no OS randomness: {e}"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    let phc = Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))?;
    Ok(phc.to_string())
}

/// Whether `password` matches the PHC string (a malformed string matches nothing).
pub fn verify(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash of no one's password, verified against when the name is unknown or locked, so the
/// answer takes as long as for a real account and does not tell which names exist.
pub fn dummy() -> &'static str {
    static DUMMY: LazyLock<String> =
        LazyLock::new(|| hash("no account has this password").unwrap_or_default());
    &DUMMY
}

/// A new password's problem, in the division's words.
pub fn weak(password: &str) -> Option<String> {
    (password.chars().count() < MIN_LENGTH).then(|| format!("密码至少需要 {MIN_LENGTH} 个字符"))
}

/// Whether an account locked until `locked_until` (stored time) is still locked at `now`.
pub fn locked(locked_until: Option<&str>, now: DateTime<Utc>) -> bool {
    locked_until
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .is_some_and(|t| t > now)
}

/// What the throttle makes of a login attempt, numbered by [`crate::store::Store::count_login`]
/// (None: the account is locked).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Throttle {
    /// The password is checked; a wrong one locks the account when `lock_if_wrong`.
    Check {
        /// This is the last attempt before the lock.
        lock_if_wrong: bool,
    },
    /// Refused unchecked; `lock` when this attempt is the one over the limit (attempts made
    /// at once, numbered past it before any of them locked the account).
    Refuse {
        /// Lock the account now.
        lock: bool,
    },
}

/// The throttle's answer to attempt number `attempt`.
pub fn throttle(attempt: Option<i64>) -> Throttle {
    match attempt {
        None => Throttle::Refuse { lock: false },
        Some(n) if n > MAX_FAILURES => Throttle::Refuse { lock: true },
        Some(n) => Throttle::Check {
            lock_if_wrong: n >= MAX_FAILURES,
        },
    }
}

/// When a lock set at `now` ends.
pub fn lock_until(now: DateTime<Utc>) -> DateTime<Utc> {
    now + Duration::minutes(LOCK_MINUTES)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let phc = hash("正确的密码 correct").unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify("正确的密码 correct", &phc));
        assert!(!verify("wrong password", &phc));
        assert!(!verify("x", "not a phc string"));
        assert_ne!(hash("same").unwrap(), hash("same").unwrap(), "salted");
        assert!(!verify("", dummy()));
    }

    #[test]
    fn five_attempts_are_checked_the_fifth_wrong_one_locks_for_fifteen_minutes() {
        for n in 1..MAX_FAILURES {
            assert_eq!(
                throttle(Some(n)),
                Throttle::Check {
                    lock_if_wrong: false
                }
            );
        }
        assert_eq!(
            throttle(Some(5)),
            Throttle::Check {
                lock_if_wrong: true
            }
        );
        assert_eq!(throttle(Some(6)), Throttle::Refuse { lock: true });
        assert_eq!(throttle(None), Throttle::Refuse { lock: false });
        let now = Utc::now();
        let until = lock_until(now).to_rfc3339();
        assert!(locked(Some(&until), now));
        assert!(locked(Some(&until), now + Duration::minutes(14)));
        assert!(!locked(Some(&until), now + Duration::minutes(16)));
        assert!(!locked(None, now));
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(weak("1234567").is_some());
        assert!(weak("密码密码密码密码").is_none());
    }
}
