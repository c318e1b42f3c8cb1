//! The web desk's accounts (their sessions and API tokens are in [`super::sessions`]). A
//! password is kept only as its argon2id PHC string. The login throttle's count lives here
//! too, so a restart does not reset it.

use super::codes::{code_of, decode};
use super::{Store, now, stamp};
use anyhow::Context;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What an account may do (`users.role`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reads every page.
    Viewer,
    /// Reads, and takes decisions.
    Clerk,
}

impl Role {
    /// The role in the division's words.
    pub fn label(self) -> &'static str {
        match self {
            Role::Viewer => "只读",
            Role::Clerk => "经办人",
        }
    }
}

/// From its code (`clerk`, `viewer`), as the command line gives it.
impl std::str::FromStr for Role {
    type Err = anyhow::Error;

    fn from_str(code: &str) -> anyhow::Result<Role> {
        decode("users", "role", code)
    }
}

/// One account as stored.
#[derive(Debug, Clone)]
pub struct Account {
    /// Row id, which sessions and decisions point at.
    pub id: i64,
    /// Login name.
    pub name: String,
    /// What it may do.
    pub role: Role,
    /// argon2id PHC string of the password.
    pub password: String,
    /// A disabled account signs in no more.
    pub disabled: bool,
    /// When it was added (stored time).
    pub created_at: String,
    /// Login attempts since the last success or lock.
    pub failed_logins: i64,
    /// Logins are refused until then (stored time).
    pub locked_until: Option<String>,
}

pub(super) type UserTuple = (
    i64,
    String,
    String,
    String,
    bool,
    String,
    i64,
    Option<String>,
);

pub(super) fn account(t: UserTuple) -> anyhow::Result<Account> {
    Ok(Account {
        id: t.0,
        name: t.1,
        role: decode("users", "role", &t.2)?,
        password: t.3,
        disabled: t.4,
        created_at: t.5,
        failed_logins: t.6,
        locked_until: t.7,
    })
}

const USER_COLUMNS: &str =
    "id, name, role, password, disabled, created_at, failed_logins, locked_until";

impl Store {
    /// Adds an account; an error when the name is taken.
    pub async fn add_user(&self, name: &str, role: Role, password: &str) -> anyhow::Result<i64> {
        let done = sqlx::query(
            "INSERT OR IGNORE INTO users (name, role, password, created_at) VALUES (?, ?, ?, ?)",
        )
        .bind(name)
        .bind(code_of(role))
        .bind(password)
        .bind(now())
        .execute(&self.pool)
        .await
        .with_context(|| format!("cannot add the account {name} (users)"))?;
        if done.rows_affected() == 0 {
            anyhow::bail!("用户 {name} 已存在");
        }
        Ok(done.last_insert_rowid())
    }

    /// Every account, by name.
    pub async fn users(&self) -> anyhow::Result<Vec<Account>> {
        let rows: Vec<UserTuple> =
            sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY name"))
                .fetch_all(&self.pool)
                .await
                .context("cannot read the accounts (users)")?;
        rows.into_iter().map(account).collect()
    }

    /// The account named `name`, disabled or not.
    pub async fn user(&self, name: &str) -> anyhow::Result<Option<Account>> {
        let row: Option<UserTuple> =
            sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users WHERE name = ?"))
                .bind(name)
                .fetch_optional(&self.pool)
                .await
                .with_context(|| format!("cannot read the account {name} (users)"))?;
        row.map(account).transpose()
    }

    /// Sets a new password, lifts the throttle and ends the account's sessions (a password
    /// changed because it leaked must lock out who used it). False when there is no such name.
    pub async fn set_password(&self, name: &str, password: &str) -> anyhow::Result<bool> {
        let done = sqlx::query(
            "UPDATE users SET password = ?, failed_logins = 0, locked_until = NULL WHERE name = ?",
        )
        .bind(password)
        .bind(name)
        .execute(&self.pool)
        .await
        .with_context(|| format!("cannot set the password of {name} (users)"))?;
        self.end_sessions_of(name).await?;
        Ok(done.rows_affected() > 0)
    }

    /// Disables an account and ends its sessions and API tokens. False when there is no such name.
    pub async fn disable_user(&self, name: &str) -> anyhow::Result<bool> {
        let done = sqlx::query("UPDATE users SET disabled = 1 WHERE name = ?")
            .bind(name)
            .execute(&self.pool)
            .await
            .with_context(|| format!("cannot disable {name} (users)"))?;
        self.end_sessions_of(name).await?;
        sqlx::query(
            "DELETE FROM api_tokens WHERE user_id IN (SELECT id FROM users WHERE name = ?)",
        )
        .bind(name)
        .execute(&self.pool)
        .await
        .with_context(|| format!("cannot remove the API tokens of {name}"))?;
        Ok(done.rows_affected() > 0)
    }

    async fn end_sessions_of(&self, name: &str) -> anyhow::Result<()> {
        sqlx::query("DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE name = ?)")
            .bind(name)
            .execute(&self.pool)
            .await
            .with_context(|| format!("cannot end the sessions of {name}"))?;
        Ok(())
    }

    /// Counts a login attempt before its password is checked, so attempts made at once
    /// cannot all slip under the throttle: the attempt's number since the last success or
    /// lock, or None while the account is locked at `now` (the attempt is then not counted).
    pub async fn count_login(
        &self,
        user_id: i64,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Option<i64>> {
        let row: Option<(i64,)> = sqlx::query_as(
            "UPDATE users SET failed_logins = failed_logins + 1 \
             WHERE id = ? AND (locked_until IS NULL OR locked_until <= ?) RETURNING failed_logins",
        )
        .bind(user_id)
        .bind(stamp(now))
        .fetch_optional(&self.pool)
        .await
        .context("cannot count a login attempt (users)")?;
        Ok(row.map(|(n,)| n))
    }

    /// Locks an account until `until` after too many failures; the count starts again.
    pub async fn lock_account(&self, user_id: i64, until: DateTime<Utc>) -> anyhow::Result<()> {
        sqlx::query("UPDATE users SET failed_logins = 0, locked_until = ? WHERE id = ?")
            .bind(stamp(until))
            .bind(user_id)
            .execute(&self.pool)
            .await
            .context("cannot lock the account (users)")?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attempts_made_at_once_get_distinct_numbers_and_a_lock_stops_the_count() {
        let dir = std::env::temp_dir().join(format!("shenbao-accounts-{}", std::process::id()));
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let store = Store::open(&dir).await.unwrap();
            let id = store.add_user("li", Role::Clerk, "$phc").await.unwrap();
            assert!(store.add_user("li", Role::Viewer, "$phc").await.is_err());
            let now = Utc::now();
            let tries: Vec<_> = (0..12)
                .map(|_| {
                    let s = store.clone();
                    tokio::spawn(async move { s.count_login(id, now).await.unwrap() })
                })
                .collect();
            let mut numbers = Vec::new();
            for t in tries {
                numbers.push(t.await.unwrap().unwrap());
            }
            numbers.sort();
            assert_eq!(numbers, (1..=12).collect::<Vec<_>>());
            store
                .lock_account(id, now + chrono::Duration::minutes(15))
                .await
                .unwrap();
            assert_eq!(store.count_login(id, now).await.unwrap(), None);
            let later = now + chrono::Duration::minutes(16);
            assert_eq!(store.count_login(id, later).await.unwrap(), Some(1));
            let u = store.user("li").await.unwrap().unwrap();
            assert_eq!((u.role, u.failed_logins), (Role::Clerk, 1));
            store.close().await;
        });
        let _ = std::fs::remove_dir_all(&dir);
    }
}
