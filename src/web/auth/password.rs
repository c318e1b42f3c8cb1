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

/// After a failed login with `failed` failures before it: the count to store and the lock
/// it leads to (the count starts again once the account is locked).
pub fn after_failure(failed: i64, now: DateTime<Utc>) -> (i64, Option<DateTime<Utc>>) {
    if failed + 1 >= MAX_FAILURES {
        (0, Some(now + Duration::minutes(LOCK_MINUTES)))
    } else {
        (failed + 1, None)
    }
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
    fn five_failures_lock_for_fifteen_minutes() {
        let now = Utc::now();
        let mut failed = 0;
        for _ in 0..4 {
            let (n, lock) = after_failure(failed, now);
            assert!(lock.is_none());
            failed = n;
        }
        let (n, lock) = after_failure(failed, now);
        assert_eq!(n, 0);
        let until = lock.unwrap().to_rfc3339();
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
