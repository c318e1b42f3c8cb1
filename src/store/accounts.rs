//! The web desk's accounts, sessions and API tokens. Only digests of secrets are kept: the
//! password's argon2id PHC string, and the sha256 of each session and API token, so a copy of
//! the database opens no door. The throttle's count lives here too, so a restart does not
//! reset it.

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

/// A live session with its account, as the desk checks it on every request.
#[derive(Debug, Clone)]
pub struct SessionRow {
    /// The account.
    pub user_id: i64,
    /// Its login name.
    pub name: String,
    /// Its role.
    pub role: Role,
    /// The session's CSRF token.
    pub csrf: String,
    /// Last use (stored time): idle expiry and the once-a-minute refresh follow it.
    pub last_seen: String,
}

type UserTuple = (
    i64,
    String,
    String,
    String,
    bool,
    String,
    i64,
    Option<String>,
);

fn account(t: UserTuple) -> anyhow::Result<Account> {
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

    /// Opens a session after a successful login (which clears the throttle), dropping the
    /// sessions idle since `stale`.
    pub async fn open_session(
        &self,
        user_id: i64,
        token_hash: &str,
        csrf: &str,
        stale: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let mut tx = self
            .pool
            .begin()
            .await
            .context("cannot begin a transaction")?;
        sqlx::query("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?")
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .context("cannot clear the login throttle (users)")?;
        sqlx::query("DELETE FROM sessions WHERE last_seen < ?")
            .bind(stamp(stale))
            .execute(&mut *tx)
            .await
            .context("cannot drop idle sessions")?;
        let at = now();
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf, created_at, last_seen) \
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(csrf)
        .bind(&at)
        .bind(&at)
        .execute(&mut *tx)
        .await
        .context("cannot open a session (sessions)")?;
        tx.commit().await.context("cannot commit the session")?;
        Ok(())
    }

    /// The session of a cookie's token hash, if its account is enabled (expiry is the
    /// caller's: it knows the clock).
    pub async fn session(&self, token_hash: &str) -> anyhow::Result<Option<SessionRow>> {
        let row: Option<(i64, String, String, String, String)> = sqlx::query_as(
            "SELECT u.id, u.name, u.role, s.csrf, s.last_seen FROM sessions s \
             JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND u.disabled = 0",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await
        .context("cannot read the session (sessions)")?;
        row.map(|(user_id, name, role, csrf, last_seen)| {
            Ok(SessionRow {
                user_id,
                name,
                role: decode("users", "role", &role)?,
                csrf,
                last_seen,
            })
        })
        .transpose()
    }

    /// Marks a session as used now.
    pub async fn touch_session(&self, token_hash: &str) -> anyhow::Result<()> {
        sqlx::query("UPDATE sessions SET last_seen = ? WHERE token_hash = ?")
            .bind(now())
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .context("cannot refresh the session (sessions)")?;
        Ok(())
    }

    /// Ends one session (logout, or found expired).
    pub async fn end_session(&self, token_hash: &str) -> anyhow::Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .context("cannot end the session (sessions)")?;
        Ok(())
    }

    /// Stores a new API token's hash for an account.
    pub async fn add_api_token(&self, user_id: i64, token_hash: &str) -> anyhow::Result<()> {
        sqlx::query("INSERT INTO api_tokens (token_hash, user_id, created_at) VALUES (?, ?, ?)")
            .bind(token_hash)
            .bind(user_id)
            .bind(now())
            .execute(&self.pool)
            .await
            .context("cannot store the API token (api_tokens)")?;
        Ok(())
    }

    /// The enabled account an API token's hash belongs to.
    pub async fn api_token_user(&self, token_hash: &str) -> anyhow::Result<Option<Account>> {
        let row: Option<UserTuple> = sqlx::query_as(
            "SELECT u.id, u.name, u.role, u.password, u.disabled, u.created_at, \
             u.failed_logins, u.locked_until FROM api_tokens t JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = ? AND u.disabled = 0",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await
        .context("cannot read the API token (api_tokens)")?;
        row.map(account).transpose()
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
